"""Same answers: compare a workspace analysed by the local engine with one analysed by Ray.

Usage (from the repository root)::

    .venv/bin/python benchmarks/scale.py --sizes 10000 --keep DIR      # both engines, workspaces kept
    .venv/bin/python benchmarks/engines_equal.py DIR/ws_10000_local DIR/ws_10000_ray --stem engines_equal

or on any two workspaces built from the same inputs (``--built-by`` says how, in the results)::

    .venv/bin/python -m copquotes run corpus --workspace DIR/ws_local
    .venv/bin/python -m copquotes run corpus --workspace DIR/ws_ray --engine ray
    .venv/bin/python benchmarks/engines_equal.py DIR/ws_local DIR/ws_ray --stem engines_equal_corpus \
        --built-by "copquotes run corpus, each engine"

Compares what tests/test_engines.py compares on a slice of the sample corpus, here at benchmark
size: the redactions, the anonymised text, the risk flags, the tags, the topic assignments and
topic table, the quotes (text, attribution, flags, status), the unit and sentence theme scores
and quote scores (within 1e-5), the shortlist of each theme and of all themes, and every
researcher table. Writes ``benchmarks/results/STEM.json`` and ``STEM.md``: per comparison the
rows on each side, the rows that differ, and an example key that differs (ids only: no text).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"

EXACT = {
    "redactions": 'SELECT unit_id, start, "end", kind, source, status FROM redactions ORDER BY 1, 2, 3, 4',
    "anonymised text": "SELECT unit_id, text FROM anon ORDER BY 1",
    "risk flags": 'SELECT unit_id, kind, start, "end", reason, severity FROM flags ORDER BY 1, 2, 3, 4',
    "tags": lambda ws: [(u, t, lab, ev) for u, t, _, lab, ev in _unit_theme_rows(ws)],   # (Parquet parts)
    "topic of each unit": "SELECT unit_id, topic FROM unit_topics ORDER BY 1",
    "topic table": "SELECT topic, label, keywords_json, size FROM topic_info ORDER BY 1",
    "quotes": ("SELECT quote_id, text, edited_text, suggested_text, attribution, flags_json, speaker, status"
               " FROM quotes ORDER BY 1"),
}


def _unit_theme_rows(ws) -> list[tuple]:
    from copquotes.themescores import sorted_rows

    return sorted_rows(ws)


def _sentence_theme_rows(ws) -> list[tuple]:
    from copquotes.unitparts import sentence_theme_rows

    return sentence_theme_rows(ws)


SCORES = {
    "unit theme scores": lambda ws: [(u, t, s) for u, t, s, _, _ in _unit_theme_rows(ws)],
    "sentence theme scores": _sentence_theme_rows,     # (Parquet parts beside the database)
    "quote scores": "SELECT quote_id, score FROM quotes ORDER BY 1",
}


def _rows(ws, sql) -> list[tuple]:
    """The rows of a SQL query, or of a reader (a callable) for what is not in the database."""
    if callable(sql):
        return sql(ws)
    return [tuple(r) for r in ws.conn.execute(sql)]


def compare_rows(a: list[tuple], b: list[tuple], key_len: int | None = None, atol: float | None = None) -> dict:
    """Rows of ``a`` and ``b`` matched on their key (all columns but the last when ``atol``)."""
    if atol is None:
        sa, sb = set(a), set(b)
        diff = sorted(sa ^ sb, key=repr)
        return {"local": len(a), "ray": len(b), "differ": len(diff),
                "example": repr(diff[0][:key_len or 1]) if diff else None}
    da = {r[:-1]: r[-1] for r in a}
    db = {r[:-1]: r[-1] for r in b}
    keys = set(da) | set(db)
    bad = [k for k in keys if k not in da or k not in db or abs(da[k] - db[k]) > atol]
    worst = max((abs(da[k] - db[k]) for k in keys if k in da and k in db), default=0.0)
    return {"local": len(a), "ray": len(b), "differ": len(bad), "max_abs_diff": worst,
            "example": repr(sorted(bad, key=repr)[0]) if bad else None}


def compare(local_path: Path, ray_path: Path) -> dict:
    from copquotes.quotes.readers import shortlist
    from copquotes.topics.tables import tables_from_workspace
    from copquotes.workspace import Workspace

    wl, wr = Workspace.open(local_path), Workspace.open(ray_path)
    try:
        out = {}
        for name, sql in EXACT.items():
            out[name] = compare_rows(_rows(wl, sql), _rows(wr, sql))
        for name, sql in SCORES.items():
            out[name] = compare_rows(_rows(wl, sql), _rows(wr, sql), atol=1e-5)
        from copquotes.themescores import themes as scored_themes

        themes = scored_themes(wl)
        for theme in [None, *themes]:
            a = [q.id for q in shortlist(wl, theme=theme, top=30)]
            b = [q.id for q in shortlist(wr, theme=theme, top=30)]
            out[f"shortlist {theme or 'all themes'} (top 30)"] = {
                "local": len(a), "ray": len(b), "differ": sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b)),
                "example": None}
        tl, tr = tables_from_workspace(wl), tables_from_workspace(wr)
        for name in sorted(set(tl) | set(tr)):
            same = name in tl and name in tr and tl[name].equals(tr[name])
            out[f"table {name}"] = {"local": len(tl.get(name, [])), "ray": len(tr.get(name, [])),
                                    "differ": 0 if same else 1, "example": None if same else "table differs"}
        out.update(_bulk(wl, wr))
        units = wl.conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    finally:
        wl.close()
        wr.close()
    return {"units": units, "comparisons": out}


def _bulk(wl, wr) -> dict:
    """The bulk Parquet units table (the Ray engine writes it at any size) against the local
    engine's units table (``copquotes export --what units``), when the Ray workspace has it."""
    from copquotes import bulk
    from copquotes.export import units_table

    if bulk.status(wr)["state"] == "none":
        return {}
    got = bulk.read(wr.path, "units")
    want = units_table(wl)
    cols = [c for c in want.columns if not c.endswith("_score")]
    got = got.assign(speaker=_renamed(got, want))
    a = [tuple(str(v) for v in r) for r in want[cols].astype(object).where(want[cols].notna(), None).itertuples(index=False)]
    b = [tuple(str(v) for v in r) for r in got[cols].astype(object).where(got[cols].notna(), None).itertuples(index=False)]
    return {"bulk units table (Ray) vs units table (local), scores apart, speakers up to renaming": compare_rows(a, b)}


def _renamed(got, want):
    """``got``'s speaker pseudonyms in ``want``'s names where the two name the same speakers one to
    one (a pseudonym is keyed by its workspace's own secret, so two workspaces name a speaker
    differently by design); a speaker without such a partner keeps its name, and so differs."""
    pairs = dict(zip(got["unit_id"], got["speaker"]))
    seen = {}
    for uid, name in zip(want["unit_id"], want["speaker"]):
        if uid in pairs and pairs[uid] is not None:
            seen.setdefault(pairs[uid], set()).add(name if isinstance(name, str) else None)
    back = {}
    for g, names in seen.items():
        if len(names) == 1 and None not in names:      # never renamed to "no speaker"
            back.setdefault(next(iter(names)), set()).add(g)
    one_to_one = {g: w for w, gs in back.items() if len(gs) == 1 for g in gs}
    return [one_to_one.get(s, s) for s in got["speaker"]]


def to_markdown(rep: dict) -> str:
    c = rep["comparisons"]
    same = sum(1 for v in c.values() if v["differ"] == 0)
    lines = [f"# Same answers: local engine vs Ray engine, {rep['units']:,} units", "",
             f"Run {rep['date']}. Command: `{rep['command']}`. Workspaces: `{rep['workspaces']}`"
             + (f" (built by {rep['built_by']})" if rep.get("built_by") else "") + ".", "",
             f"**{same} of {len(c)} comparisons identical.** Scores are compared within 1e-5; a shortlist row counts "
             "the positions whose quote differs.", "",
             "| what | rows, local | rows, ray | rows that differ | max abs diff | first differing key |",
             "|---|---|---|---|---|---|"]
    for name, v in c.items():
        diff = f"{v['max_abs_diff']:.2e}" if "max_abs_diff" in v else ""
        lines.append(f"| {name} | {v['local']:,} | {v['ray']:,} | {v['differ']:,} | {diff} | {v['example'] or ''} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("local", type=Path, help="workspace analysed by the local engine")
    ap.add_argument("ray", type=Path, help="workspace analysed by the Ray engine")
    ap.add_argument("--stem", default="engines_equal")
    ap.add_argument("--built-by", default="", help="how the two workspaces were built, for the results "
                    "(default: benchmarks/scale.py --keep)")
    args = ap.parse_args(argv)
    rep = compare(args.local, args.ray)
    rep["built_by"] = args.built_by
    rep.update(date=time.strftime("%Y-%m-%d %H:%M"),
               command=f"python benchmarks/engines_equal.py {args.local} {args.ray} --stem {args.stem}".replace(
                   str(args.local.parent), "DIR"),
               workspaces=f"{args.local.name}, {args.ray.name}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.stem}.json").write_text(json.dumps(rep, indent=1, default=str) + "\n")
    md = to_markdown(rep)
    (RESULTS / f"{args.stem}.md").write_text(md)
    print(md)
    return 0 if all(v["differ"] == 0 for v in rep["comparisons"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
