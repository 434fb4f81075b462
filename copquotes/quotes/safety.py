"""The safety checks of a candidate: its anonymised text, the names the redactor missed
(masked, and the quote held), unconfirmed consent, risk flags, and the safety part of the
score they give."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Iterable

from ..disclosure import file_name_pattern
from ..disclosure import redact_span as _redact_span
from . import lexicon as lx
from .candidate import Candidate, Unit
from .features import cut_off

SAFETY_PER_REDACTION = 0.85   # a quote full of [name] placeholders reads worse
SAFETY_WARN = 0.6             # each warn-level risk flag in the span
SAFETY_HOLD = 0.2             # a hold-level flag: kept for review, far down the list
CONSENT_FIRST_NAME_ONLY = "consent matched by first name only"

# Content a reviewer should weigh before publishing (warn flags: demoted, never dropped). The
# reasons are generic: they never repeat the words found.
_HEALTH = re.compile(
    r"\b(?:pregnan\w*|miscarr\w*|bleed(?:s|ing)?|bled|haemorrhag\w*|hemorrhag\w*|self[- ]?harm\w*|"
    r"harm(?:ing|ed)? (?:myself|herself|himself|themselves)|suicid\w*|kill (?:myself|herself|himself)|"
    r"overdos\w*|alcoholi\w*|addict\w*|detox\w*|rehab|withdrawals?|"
    r"(?:drug|alcohol|substance|opioid|heroin|methadone) (?:addiction|dependence|dependency|abuse|misuse|problems?|habit))\b",
    re.I)
# a named medicine or drug class, a chronic or serious condition (lexicon.py lists them)
_MEDICAL = re.compile(r"\b(?:" + "|".join(lx.MEDICINES + lx.CONDITIONS) + r")\b", re.I)
_DEATH = re.compile(r"\b(?:" + lx.DEATH + r")\b", re.I)
_CLOCK_DATE = re.compile(r"\b(?:" + lx.CLOCK_DATE + r")(?!\w)", re.I)
# quasi-identifiers harmless alone, identifying together (see _combined_identifiers)
_COMBINABLE = (
    ("age", re.compile(r"\b(?:" + lx.AGE_BAND + r")\b", re.I)),
    ("living", re.compile(r"\b(?:" + lx.LIVING + r")\b", re.I)),
    ("sex", re.compile(lx.SELF_SEX + r"\b", re.I)),
    ("role", re.compile(r"\b(?:" + lx.ROLE_PLACE + r")\b", re.I)),
)
_LOCAL_EVENT = re.compile(lx.LOCAL_EVENT)
_PROFANITY = re.compile(
    r"\b(?:fuck\w*|f\*+k\w*|shit\w*|bullshit|crap(?:py)?|arse\w*|ass|asshole|bitch\w*|bastard\w*|"
    r"piss(?:ed|ing)?|dick(?:head)?|cunt\w*|wtf|damn\w*|bloody hell)\b", re.I)
# one identifiable staff member (a singular role word) and a negative judgement in one sentence
_STAFF = re.compile(
    r"\b(?:(?:my|the|this|that|our|her|his|one) (?:\w+ )?(?:nurse|doctor|gp|consultant|receptionist|paramedic|"
    r"psychiatrist|psychologist|therapist|counsellor|counselor|cpn|midwife|surgeon|physio|physiotherapist|"
    r"carer|caseworker|case manager|social worker|key worker|support worker|manager|supervisor|facilitator|"
    r"lecturer|teacher|professor|tutor|instructor|trainer|presenter|coordinator|staff member|driver|"
    r"dentist|pharmacist|clinician|practitioner|officer|guy|man|woman|lady))\b", re.I)
_NEGATIVE = re.compile(
    r"\b(?:useless|rude|incompetent|awful|terrible|horrible|horrendous|dismissive|unprofessional|arrogant|lazy|"
    r"patroni[sz]ing|condescending|uncaring|careless|clueless|hopeless|disrespectful|worst|sloppy|nasty|"
    r"(?:did ?n[o']t|didn’t|never) (?:listen|care|bother|explain)|ignored (?:me|us|my)|shouted|yelled|"
    r"could barely|can'?t teach|cannot teach|no idea what|was late|always late|talked down)\b", re.I)
SENSITIVE = (
    ("sensitive_health", "a health or wellbeing disclosure (a reviewer should check it is fair and safe to publish)"),
    ("profanity", "strong language"),
    ("staff_complaint", "criticism of an individual staff member who may be identifiable"),
)
# quasi-identifier flags of the quote stage (the anonymise stage flags single mentions); the
# reasons are generic, like those above
DEATH_DATE_REASON = "a death or bereavement with its date or time can identify the person and their family"
COMBINED_REASON = ("details that are harmless alone identify together (an age band with sex, a role or place,"
                   " or living alone)")
LOCAL_EVENT_REASON = "a named local event can identify the place, and with it the speaker"
CUT_OFF_REASON = "the answer looks cut off in the source (no closing punctuation; a field-length limit or an unfinished word)"


def content_flags(text: str, offset: int = 0) -> list[dict]:
    """Warn flags for sensitive content of ``text`` (a span; ``offset`` its start in the unit):
    health disclosures, profanity, criticism of one identifiable staff member."""
    from ..text import sentence_spans

    found: dict[str, tuple[int, int]] = {}
    health = [m.span() for m in (_HEALTH.search(text), _MEDICAL.search(text)) if m]
    if health:
        found["sensitive_health"] = min(health)
    m = _PROFANITY.search(text)
    if m:
        found["profanity"] = m.span()
    for a, b in sentence_spans(text):
        sent = text[a:b]
        role, neg = _STAFF.search(sent), _NEGATIVE.search(sent)
        if role and neg:
            found["staff_complaint"] = (a, b)
            break
    flags = [{"kind": kind, "start": offset + found[kind][0], "end": offset + found[kind][1], "reason": reason,
              "severity": "warn"} for kind, reason in SENSITIVE if kind in found]
    return flags + [{"kind": "quasi_identifier", "start": offset + a, "end": offset + b, "reason": reason,
                     "severity": "warn"} for a, b, reason in identifier_combinations(text)]


def identifier_combinations(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of what identifies only in combination: a death or bereavement
    and a date or clock time in one sentence; an age band or living alone with another
    quasi-identifier (sex, role or place, age, living situation) anywhere in ``text``; a
    named local event. At most one of each."""
    from ..text import sentence_spans

    out = []
    for a, b in sentence_spans(text):
        sentence = text[a:b]
        if _DEATH.search(sentence) and _CLOCK_DATE.search(sentence):
            out.append((a, b, DEATH_DATE_REASON))
            break
    combo = _combined_identifiers(text)
    if combo:
        out.append((*combo, COMBINED_REASON))
    for m in _LOCAL_EVENT.finditer(text):
        if not set(m.group(1).lower().split()) <= lx.NOT_A_NAME:
            out.append((m.start(), m.end(), LOCAL_EVENT_REASON))
            break
    return out


def _combined_identifiers(text: str) -> tuple[int, int] | None:
    """The span from the first to the last of the combinable quasi-identifiers in ``text`` when
    there are two kinds or more, one of them an age band or living alone; else None."""
    hits = {kind: m.span() for kind, pattern in _COMBINABLE if (m := pattern.search(text))}
    if len(hits) < 2 or not hits.keys() & {"age", "living"}:
        return None
    return min(a for a, _ in hits.values()), max(b for _, b in hits.values())


def redact_span(text: str, redactions: Iterable, start: int, end: int) -> str:
    """The anonymised text of ``text[start:end]`` given redaction spans ``(start, end, kind)``
    of the whole text: the disclosure layer's rendering (a redaction that crosses the
    span's edge is clipped to it)."""
    return _redact_span(text, redactions, start, end)


def name_patterns(idents: list[tuple[str, str, list]]) -> re.Pattern | None:
    """One regex matching every known person name (full, first, last, aliases) of a file."""
    return file_name_pattern(idents)


def residual_identifiers(anon_text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    """Known names of the file (speaker labels, roster) still present in an anonymised text."""
    if pattern is None:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(anon_text)]


def _overlaps(a0, a1, b0, b1) -> bool:
    return a0 < b1 and b0 < a1


def unit_has_no_names(u: Unit, data: dict, name_re_by_file: dict) -> bool:
    """True when the whole anonymised unit holds no known name (then no span of it does)."""
    reds = data["redactions"].get(u.unit_id, [])
    full = redact_span(u.text, reds, 0, len(u.text))
    people = data.get("people")
    return not residual_identifiers(full, name_re_by_file.get(u.file_id)) and not (people and people.spans(full))


def _residual_names(c: Candidate, anon: str, reds: list, data: dict, name_re_by_file: dict,
                    unit_clean: bool) -> list[tuple[int, int]]:
    """Where known names are still in the anonymised span: the file's own (speaker labels,
    roster) and any other file's (a survey's identity columns said in a transcript)."""
    sp = c.span
    people = data.get("people")
    if unit_clean and all(e <= sp.start or s >= sp.end or (sp.start <= s and e <= sp.end) for s, e, _ in reds):
        return []
    residual = residual_identifiers(anon, name_re_by_file.get(c.unit.file_id))
    if people:
        taken = residual
        residual = residual + [(a, b) for a, b in people.spans(anon)
                               if not any(a < e and s < b for s, e in taken)]
    return residual


def check(c: Candidate, data: dict, name_re_by_file: dict, unit_clean: bool = False) -> Candidate:
    """The candidate with its anonymised text, flags, safety part and ``held`` filled in.

    ``unit_clean``: the whole anonymised unit holds no known name; the name checks of the
    span are skipped unless a redaction crosses the span's edge (its rendering may differ).
    """
    u, sp = c.unit, c.span
    reds = data["redactions"].get(u.unit_id, [])
    anon = redact_span(u.text, reds, sp.start, sp.end)
    flags = []
    for kind, s, e, reason, severity in data["flags"].get(u.unit_id, []):
        if _overlaps(s, e, sp.start, sp.end) or (s == e == 0):
            flags.append({"kind": kind, "start": s, "end": e, "reason": reason, "severity": severity})
    residual = _residual_names(c, anon, reds, data, name_re_by_file, unit_clean)
    if residual:
        # the safety net: a name the redactor missed is masked and the quote held for review
        for s, e in sorted(residual, reverse=True):
            anon = anon[:s] + "[name]" + anon[e:]
        flags.append({"kind": "residual_identifier", "start": sp.start, "end": sp.end,
                      "reason": "a name from the speaker labels, a roster or an identity column was still in the text",
                      "severity": "hold"})
    flags += content_flags(u.text[sp.start:sp.end], sp.start)
    if sp.end >= len(u.text.rstrip()) and cut_off(u.text):
        flags.append({"kind": "cut_off", "start": sp.start, "end": sp.end, "reason": CUT_OFF_REASON,
                      "severity": "warn"})
    if consent_unconfirmed(u):
        flags.append({"kind": "consent_unconfirmed", "start": sp.start, "end": sp.end,
                      "reason": CONSENT_FIRST_NAME_ONLY, "severity": "hold"})
    if u.anon is None and not reds:
        flags.append({"kind": "not_anonymised", "start": sp.start, "end": sp.end,
                      "reason": "the anonymise stage has not run on this unit", "severity": "hold"})
    n_red = sum(1 for s, e, _ in reds if _overlaps(s, e, sp.start, sp.end))
    safety = SAFETY_PER_REDACTION ** n_red
    for f in flags:
        safety *= SAFETY_HOLD if f["severity"] == "hold" else SAFETY_WARN
    return replace(c, anon=anon, flags=tuple(flags), safety=round(float(safety), 4),
                   held=any(f["severity"] == "hold" for f in flags))


def consent_unconfirmed(u: Unit) -> bool:
    """The unit's speaker was matched to a roster entry by first name alone (ingest says so
    in the unit's metadata): consent is not confirmed, so its quotes are held."""
    extra = u.extra_json
    if not extra or "consent_match" not in extra:
        return False
    try:
        return json.loads(extra).get("consent_match") == "first name only"
    except (TypeError, ValueError):
        return True
