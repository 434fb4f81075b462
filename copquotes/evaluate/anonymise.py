"""Scores of the anonymiser against a gold JSON Lines file (docs/DESIGN.md, "Gold files for evaluate").

Each line: ``{"text", "identifiers": [{"start", "end", "kind", "roster"?}], "keep": [...],
"speakers"?: [...]}``. ``speakers`` are given to the redactor as known names of that text
(they are the transcript's speaker labels, which copquotes always knows); ``roster``
marks gold mentions of roster people and is only used to report their recall.
"""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from ..errors import InputError
from ..ingest import text_records
from ..ingest.jsonl import read_utf8_lines

KINDS = ("person", "org", "place", "email", "phone", "other")


def load_gold(path) -> list[dict]:
    path = Path(path)
    lines = read_utf8_lines(path, "a JSON Lines gold file with text/identifiers/keep")
    items = []
    for n, d in text_records(lines, path):
        where = f"line {n}"
        idents = d.get("identifiers", [])
        if not isinstance(idents, list) or not all(isinstance(i, dict) for i in idents):
            raise InputError('"identifiers" must be a list of {"start", "end", "kind"} objects', path, where)
        for ident in idents:
            s, e = ident.get("start"), ident.get("end")
            if not (type(s) is int and type(e) is int and 0 <= s < e <= len(d["text"])):
                raise InputError(f"identifier offsets {s}:{e} are outside the text", path, where)
            if ident.get("kind") not in KINDS:
                raise InputError(f"identifier kind {ident.get('kind')!r} is not one of {', '.join(KINDS)}",
                                 path, where)
        for key in ("keep", "speakers"):
            value = d.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f'"{key}" must be a list of strings (e.g. ["Community of Practice"]), '
                                 f"not {value!r}", path, where)
        items.append(d)
    return items


def score_items(items: list[dict], spans_per_item: list[list]) -> dict:
    """The metrics for gold items and the spans a system redacted in each."""
    caught = Counter()
    total = Counter()
    roster_caught = roster_total = 0
    redacted_chars = inside_chars = 0
    keep_total = keep_kept = 0
    misses: list[dict] = []
    false_positives: list[dict] = []
    dropped_keep: list[dict] = []
    for item, spans in zip(items, spans_per_item):
        text = item["text"]
        masked = bytearray(len(text))
        for sp in spans:
            s, e = (sp.start, sp.end) if hasattr(sp, "start") else (sp[0], sp[1])
            for k in range(max(0, s), min(len(text), e)):
                masked[k] = 1
        gold = bytearray(len(text))
        for ident in item.get("identifiers", []):
            s, e, kind = ident["start"], ident["end"], ident["kind"]
            for k in range(s, e):
                gold[k] = 1
            ok = all(masked[k] or text[k].isspace() for k in range(s, e))
            total[kind] += 1
            caught[kind] += ok
            if ident.get("roster"):
                roster_total += 1
                roster_caught += ok
            if not ok:
                misses.append({"text": text, "identifier": text[s:e], "kind": kind})
        for k in range(len(text)):
            if masked[k] and not text[k].isspace():
                redacted_chars += 1
                inside_chars += gold[k]
        for sp in spans:
            s, e = (sp.start, sp.end) if hasattr(sp, "start") else (sp[0], sp[1])
            if not any(gold[k] for k in range(s, e)):
                false_positives.append({"text": text, "redacted": text[s:e]})
        # keep strings: every occurrence must survive untouched
        for kept in item.get("keep", []):
            keep_total += 1
            start = text.find(kept)
            survived = start >= 0
            while start >= 0:
                if any(masked[k] for k in range(start, start + len(kept))):
                    survived = False
                    break
                start = text.find(kept, start + 1)
            keep_kept += survived
            if not survived:
                dropped_keep.append({"text": text, "keep": kept})
    n_ids = sum(total.values())
    return {
        "n_texts": len(items),
        "n_identifiers": n_ids,
        "recall": (sum(caught.values()) / n_ids) if n_ids else None,
        "recall_per_kind": {k: (caught[k] / total[k]) for k in KINDS if total[k]},
        "support_per_kind": {k: total[k] for k in KINDS if total[k]},
        "recall_roster": (roster_caught / roster_total) if roster_total else None,
        "n_roster": roster_total,
        "precision": (inside_chars / redacted_chars) if redacted_chars else None,
        "keep_survival": (keep_kept / keep_total) if keep_total else None,
        "n_keep": keep_total,
        "keep_dropped": dropped_keep,
        "misses": misses,
        "false_positives": false_positives,
    }


def evaluate_anonymise(gold_path, redactor=None, roster=None, *, with_errors: bool = True) -> dict:
    """Recall per kind, overall and on roster names; character precision; share of keep strings kept.

    ``redactor``: a :class:`~copquotes.anonymise.Redactor`; by default one built from
    ``roster`` or, when none is given, from ``<gold stem>_roster.csv`` beside the gold file.
    """
    from ..anonymise import Redactor

    items = load_gold(gold_path)
    if redactor is None:
        if roster is None:
            sibling = Path(gold_path).with_name(Path(gold_path).stem + "_roster.csv")
            roster = sibling if sibling.is_file() else None
        redactor = Redactor.from_roster(roster) if roster else Redactor()
    texts = [d["text"] for d in items]
    extra = [tuple(d.get("speakers") or ()) for d in items]
    t0 = time.perf_counter()
    spans = redactor.analyze_batch(texts, extra)
    seconds = time.perf_counter() - t0
    out = score_items(items, spans)
    out["gold"] = str(gold_path)
    out["seconds"] = round(seconds, 3)
    out["units_per_second"] = round(len(texts) / seconds, 1) if seconds > 0 else None
    if not with_errors:
        for k in ("misses", "false_positives", "keep_dropped"):
            out[k] = len(out[k])
    return out


def format_report(result: dict) -> str:
    def pct(x):
        return "n/a" if x is None else f"{x:.3f}"

    lines = [
        f"anonymise: {result['n_texts']} texts, {result['n_identifiers']} identifiers",
        f"  recall (overall)      {pct(result['recall'])}",
        f"  recall (roster names) {pct(result['recall_roster'])}  (n={result['n_roster']})",
        f"  precision (chars)     {pct(result['precision'])}",
        f"  keep strings kept     {pct(result['keep_survival'])}  (n={result['n_keep']})",
        "  recall per kind:",
    ]
    for k, v in result["recall_per_kind"].items():
        lines.append(f"    {k:<7} {pct(v)}  (n={result['support_per_kind'][k]})")
    misses = result.get("misses")
    if isinstance(misses, list) and misses:
        lines.append(f"  missed identifiers: {len(misses)} (kinds: "
                     + ", ".join(f"{k} {v}" for k, v in Counter(m['kind'] for m in misses).items()) + ")")
    return "\n".join(lines)
