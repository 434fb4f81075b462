"""Disclosure benchmark: a folder of exports placed in a folder named after a participant and
her organisation, through the real pipeline, then every way out searched.

    .venv/bin/python benchmarks/disclosure.py                  # the sample corpus (corpus/)
    .venv/bin/python benchmarks/disclosure.py --data DIR --name NAME   # any folder with exports + manifest

The folder is copied to ``<tmp>/<First Last> - <Organisation>/`` and one file in it is renamed
``interview_<First>_<Last>_<year>.txt`` (the manifest entry follows it); ``copquotes run``
analyses it, a reviewer approves every quote that is not held, and then every channel is
written: ``copquotes export`` of quotes (.csv .xlsx .docx .md .qdpx, approved only and all
statuses), of the units table (.csv .xlsx .qdpx) and of the researcher tables (.xlsx .zip and
each table as .csv), ``copquotes quotes`` in every format and status. Each output (inside its
zip: XLSX, DOCX, QDPX, ZIP) is searched, case-insensitively and as whole words, for:

* identifiers: every person name part (3+ letters, not a title) of the workspace's rosters,
  speaker labels and identity columns, and every e-mail, phone, organisation and place of them;
* file and folder names: the participant's and the organisation's names of the folder and
  the renamed file, and every file's stem;
* non-consented words: words of units without quote consent found in no unit with consent,
  no survey question, no metadata value and not the codebook.

``copquotes quotes --status all`` / ``--include-held`` are searched too but held quotes come
out there on purpose; ``copquotes status --json`` (the operator's own view) is not searched.
Results: ``benchmarks/results/disclosure.json`` and ``disclosure.md``.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import zipfile
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARTICIPANT = ("Aroha", "Tuhiwai-Mercer")
ORGANISATION = "Eastside Family Violence Service"
FOLDER = f"{PARTICIPANT[0]} {PARTICIPANT[1]} - {ORGANISATION}"
GENERIC = {"interview", "focus", "group", "survey", "end", "of", "series", "notes", "teams", "zoom", "otter",
           "forms", "qualtrics", "surveymonkey", "and", "the", "early", "career", "mid", "senior", "regional",
           "rural", "tertiary", "prevention", "leaders", "rre", "wcyp", "txt", "vtt", "csv", "xlsx", "docx",
           "service", "family", "violence", "with", "children", "young", "people", "working", "transcript"}


def _cli(*argv) -> str:
    from copquotes.cli import main

    buf = StringIO()
    with redirect_stdout(buf):
        code = main(list(argv))
    if code != 0:
        raise SystemExit(f"copquotes {' '.join(argv)} failed ({code})")
    return buf.getvalue()


def _texts_of(path: Path) -> str:
    """Everything a reader can get out of a file: plain text, or every member name and the
    text content of every member of a zip (XLSX, DOCX, QDPX, ZIP; XML tags dropped,
    attribute values kept)."""
    raw = path.read_bytes()
    if raw[:2] == b"PK":
        with zipfile.ZipFile(path) as z:
            parts = list(z.namelist())
            for n in z.namelist():
                text = z.read(n).decode("utf-8", "replace")
                if n.endswith((".xml", ".qde", ".rels")):
                    attrs = re.findall(r'\s[\w:]+="([^"]*)"', text)
                    text = re.sub(r"<[^>]+>", " ", text) + " " + " ".join(
                        a for a in attrs if " " in a or not re.fullmatch(r"[\w:.#/-]*", a))
                parts.append(text)
            return "\n".join(parts)
    return raw.decode("utf-8-sig", "replace")


def prepare(data: Path, root: Path) -> tuple[Path, str]:
    """The copy in a folder named after a participant, one file renamed after her."""
    folder = root / FOLDER
    shutil.copytree(data, folder, ignore=shutil.ignore_patterns("labelled", "__pycache__"))
    manifest = folder / "copquotes.yaml"
    texts = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    renamed = ""
    if texts:
        old = texts[0]
        year = (re.findall(r"(?:19|20)\d\d", old.name) or ["2023"])[0]
        new = old.with_name(f"interview_{PARTICIPANT[0]}_{PARTICIPANT[1]}_{year}.txt")
        old.rename(new)
        renamed = new.name
        if manifest.exists():
            rel_old = old.relative_to(folder).as_posix()
            rel_new = new.relative_to(folder).as_posix()
            manifest.write_text(manifest.read_text(encoding="utf-8").replace(rel_old, rel_new), encoding="utf-8")
    return folder, renamed


def channels(ws_path: Path, out: Path) -> tuple[dict[str, str], dict[str, str]]:
    from copquotes.export import TABLES

    ws = str(ws_path)
    got: dict[str, str] = {}
    for ext in (".csv", ".xlsx", ".docx", ".md", ".qdpx"):
        for flag in ("--approved-only", "--all-statuses"):
            p = out / f"quotes{flag}{ext}"
            _cli("export", "--workspace", ws, "--out", str(p), flag, "-q")
            got[f"export quotes {flag} {ext}"] = _texts_of(p)
    for ext in (".csv", ".xlsx", ".qdpx"):
        p = out / f"units{ext}"
        _cli("export", "--workspace", ws, "--out", str(p), "--what", "units", "-q")
        got[f"export units {ext}"] = _texts_of(p)
    for ext in (".xlsx", ".zip"):
        p = out / f"tables{ext}"
        _cli("export", "--workspace", ws, "--out", str(p), "--what", "tables", "-q")
        got[f"export tables {ext}"] = _texts_of(p)
    for table in TABLES:
        p = out / f"{table}.csv"
        _cli("export", "--workspace", ws, "--out", str(p), "--what", table, "-q")
        got[f"export {table} .csv"] = _texts_of(p)
    held: dict[str, str] = {}
    for fmt in ("jsonl", "csv", "md"):
        got[f"quotes {fmt}"] = _cli("quotes", "--workspace", ws, "--format", fmt, "--top", "100000")
        for status in ("pending", "approved", "edited", "rejected"):
            got[f"quotes --status {status} {fmt}"] = _cli("quotes", "--workspace", ws, "--format", fmt,
                                                          "--top", "100000", "--status", status)
        held[f"quotes --status all {fmt}"] = _cli("quotes", "--workspace", ws, "--format", fmt, "--top", "100000",
                                                  "--status", "all")
        held[f"quotes --include-held {fmt}"] = _cli("quotes", "--workspace", ws, "--format", fmt, "--top",
                                                    "100000", "--include-held")
    return got, held


# words of column names, sheet names and fixed phrases the writers themselves put in
FORMAT_WORDS = {"unit", "none", "sheet", "times", "score", "label", "labels", "topic", "topics", "theme",
                "themes", "status", "speaker", "document", "kind", "group", "year", "flags", "text", "source",
                "edited", "version", "start", "end", "reviewed", "quotes", "quote", "approved", "pending",
                "consent", "question", "position", "role", "keywords", "representative", "size", "share"}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def tokens(ws, folder: Path, renamed: str) -> dict[str, set[str]]:
    from copquotes.text import HONORIFICS

    people, other = set(), set()
    for value, kind, aliases in ws.conn.execute("SELECT value, kind, aliases_json FROM file_identifiers"):
        if kind in ("person", "name"):
            for name in [value, *json.loads(aliases or "[]")]:
                people.update(w for w in _WORD.findall(str(name)) if len(w) >= 3 and w.lower() not in HONORIFICS)
        elif value and len(str(value)) >= 4:
            other.add(str(value))
    files = {*PARTICIPANT, *ORGANISATION.split(), FOLDER, renamed, Path(renamed).stem}
    for (path,) in ws.conn.execute("SELECT path FROM files"):
        stem = Path(path).stem
        files.add(stem)
    files = {f for f in files if f and f.lower() not in GENERIC and len(f) >= 3}
    # non-consented words: in a unit without consent, nowhere that may legitimately come out
    allowed: set[str] = set()
    for text, question, grp, year in ws.conn.execute(
            "SELECT u.text, u.question, u.grp, u.year FROM units u WHERE u.consent = 1"
            " UNION ALL SELECT NULL, question, grp, year FROM units"):
        for s in (text, question, grp, year):
            allowed.update(w.lower() for w in _WORD.findall(str(s or "")))
    from copquotes.review import codebook_themes

    for t in codebook_themes():
        allowed.update(w.lower() for part in t for w in _WORD.findall(str(part)))
    secret: set[str] = set()
    for (text,) in ws.conn.execute("SELECT text FROM units WHERE consent IS NOT 1"):
        secret.update(w.lower() for w in _WORD.findall(text or "") if len(w) >= 4)
    secret -= allowed
    secret -= FORMAT_WORDS
    secret -= {w.lower() for w in people}       # a name is counted as an identifier
    return {"identifiers": people | other, "file and folder names": files, "non-consented words": secret}


def search(texts: dict[str, str], words: set[str], contexts: dict | None = None) -> dict[str, list[str]]:
    """Per channel, the words found (whole words, any case); ``contexts`` collects one
    snippet per word (for the report)."""
    found: dict[str, list[str]] = {}
    if not words:
        return found
    from copquotes.disclosure import common_words

    # a name that is also an ordinary word ("Hope", "Park") counts capitalised only ("gave me
    # hope" is the word); every other one in any case. Ids and hex digits are no boundary.
    common = common_words()
    plain = sorted((re.escape(w) for w in words if w.lower() not in common), key=len, reverse=True)
    cased = sorted((re.escape(w[:1].upper() + w[1:]) for w in words if w.lower() in common), key=len, reverse=True)
    alts = ([r"(?i:" + "|".join(plain) + ")"] if plain else []) + cased
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(alts) + r")(?![^\W_])")
    for name, text in texts.items():
        hits = set()
        for m in pattern.finditer(text):
            hits.add(m.group().lower())
            if contexts is not None and m.group().lower() not in contexts:
                contexts[m.group().lower()] = " ".join(text[max(0, m.start() - 60):m.end() + 60].split())
        if hits:
            found[name] = sorted(hits)
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "corpus")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--name", default="disclosure", help="results file name (default: disclosure)")
    args = ap.parse_args(argv)
    from copquotes import review
    from copquotes.disclosure import is_held
    from copquotes.workspace import Workspace

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="copquotes-disclosure-") as tmp:
        root = Path(tmp)
        folder, renamed = prepare(args.data, root)
        ws_path = root / "ws"
        _cli("run", str(folder), "--workspace", str(ws_path), "-q")
        t_run = time.perf_counter() - t0
        ws = Workspace.open(ws_path)
        try:
            approved = 0
            for qid, version, flags, status in ws.conn.execute(
                    "SELECT quote_id, version, flags_json, status FROM quotes").fetchall():
                if not is_held(flags, status):
                    review.approve(ws, qid, "Benchmark reviewer", version)
                    approved += 1
            n = {k: ws.conn.execute(f"SELECT COUNT(*) FROM {k}").fetchone()[0] for k in ("files", "units", "quotes")}
            n["units_without_consent"] = ws.conn.execute("SELECT COUNT(*) FROM units WHERE consent IS NOT 1"
                                                         ).fetchone()[0]
            words = tokens(ws, folder, renamed)
        finally:
            ws.close()
        out = root / "out"
        out.mkdir()
        got, held = channels(ws_path, out)
    contexts: dict = {}
    result = {
        "data": str(args.data.resolve().relative_to(ROOT)) if args.data.resolve().is_relative_to(ROOT) else "(given)",
        "folder": FOLDER, "renamed_file": renamed, "counts": {**n, "approved": approved},
        "channels": len(got), "held_channels": len(held),
        "searched": {k: len(v) for k, v in words.items()},
        "hits": {k: search(got, v, contexts.setdefault(k, {})) for k, v in words.items()},
        "hits_in_held_listings": {k: search(held, v) for k, v in words.items()},
        "seconds": {"run": round(t_run, 1), "total": round(time.perf_counter() - t0, 1)},
    }
    result["contexts"] = contexts
    result["hits_total"] = {k: sum(len(v) for v in hits.values()) for k, hits in result["hits"].items()}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    lines = ["# Disclosure benchmark", "",
             f"`benchmarks/disclosure.py`: {result['data']} placed in a folder named `{FOLDER}`, one file renamed "
             f"`{renamed}`; {n['files']} files, {n['units']} units ({n['units_without_consent']} without quote consent), "
             f"{n['quotes']} quotes ({approved} approved by the benchmark, held ones left pending); "
             f"{len(got)} outputs searched (plus {len(held)} held-quote listings).", "",
             "| searched for | how many | hits in exports and `copquotes quotes` | hits in held listings |",
             "|---|---|---|---|"]
    for k in words:
        lines.append(f"| {k} | {len(words[k])} | {result['hits_total'][k]} | "
                     f"{sum(len(v) for v in result['hits_in_held_listings'][k].values())} |")
    lines += ["", f"Pipeline run {result['seconds']['run']} s, total {result['seconds']['total']} s."]
    (args.out / f"{args.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if not any(result["hits_total"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
