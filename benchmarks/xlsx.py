"""XLSX writers side by side: copquotes' streaming writer (copquotes/export.py) against openpyxl's
write-only mode doing the same job (one sheet, bold frozen header, every text cell a string and
neutralised as in the CSV), on the same rows. Writes benchmarks/results/xlsx.json and xlsx.md.

Rule (issue 25): export.py uses openpyxl's write-only mode if it is within 1.5x of the hand-written
writer on 50,000 rows; otherwise the hand-written writer stays.

Usage: .venv/bin/python benchmarks/xlsx.py [--rows 50000] [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copquotes import export  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
COLUMNS = ["quote_id", "unit_id", "theme", "themes", "score", "text", "speaker", "group", "year", "source",
           "status", "approved"]
WORDS = ("the sessions gave me space to breathe and talk about what the week had done to us, "
         "=SUM(A1) +44 @home - nobody else listened; I felt lighter afterwards and less alone").split()


def make_rows(n: int, seed: int = 0) -> list[dict]:
    """Synthetic quote-like rows: ids, a 15-40 word text (some starting with = + - @), numbers, a bool."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        k = int(rng.integers(15, 41))
        text = " ".join(WORDS[j] for j in rng.integers(0, len(WORDS), size=k))
        rows.append({"quote_id": f"q{i:06d}", "unit_id": f"u{i // 3:06d}", "theme": "wellbeing",
                     "themes": "wellbeing; solidarity", "score": float(rng.random()), "text": text,
                     "speaker": f"P{i % 97}", "group": f"cohort {i % 5}", "year": 2020 + i % 5,
                     "source": f"document {i % 40}", "status": "pending", "approved": bool(i % 2)})
    return rows


def write_openpyxl(rows: list[dict], columns: list[str], path: Path, sheet: str) -> None:
    """The same sheet with openpyxl's write-only mode (strings forced to string cells: never formulas)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def head(name):
        c = WriteOnlyCell(ws, value=str(name))
        c.font = bold
        return c

    def cell(v):
        v = export.neutralise_cell(export._cell(v))
        if v is None or v == "":
            return None
        if isinstance(v, str):
            c = WriteOnlyCell(ws, value=None)
            c._value, c.data_type = v[:export._XLSX_MAX_CELL], "s"   # a string even when it starts with '='
            return c
        return v

    ws.append([head(c) for c in columns])
    for r in rows:
        ws.append([cell(r.get(c)) for c in columns])
    wb.save(path)


def read_back(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    def norm(v):   # openpyxl writes floats to 15 significant digits, the streaming writer with repr()
        return "" if v is None else round(v, 12) if isinstance(v, float) else v

    return [tuple(norm(v) for v in row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    rows = make_rows(args.rows)
    writers = {"copquotes streaming writer": export._write_xlsx, "openpyxl write-only": write_openpyxl}
    load = [round(x, 2) for x in os.getloadavg()]
    times = {k: [] for k in writers}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repeats):   # interleaved, so a change in the machine's load hits both
            for w, (name, fn) in enumerate(writers.items()):
                p = Path(tmp) / f"{rep}-{w}.xlsx"
                t0 = time.perf_counter()
                fn(rows, COLUMNS, p, "quotes")
                times[name].append(time.perf_counter() - t0)
        same = read_back(Path(tmp) / "0-0.xlsx")[:2000] == read_back(Path(tmp) / "0-1.xlsx")[:2000]
        sizes = {name: os.path.getsize(Path(tmp) / f"{args.repeats - 1}-{i}.xlsx") for i, name in enumerate(writers)}
    med = {k: float(np.median(v)) for k, v in times.items()}
    ratio = med["openpyxl write-only"] / med["copquotes streaming writer"]
    res = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
           "rows": args.rows, "columns": len(COLUMNS), "repeats": args.repeats,
           "load_average_start": load, "load_average_end": [round(x, 2) for x in os.getloadavg()],
           "seconds": {k: [round(x, 2) for x in v] for k, v in times.items()},
           "median_seconds": {k: round(v, 2) for k, v in med.items()}, "bytes": sizes,
           "openpyxl_over_copquotes": round(ratio, 2), "same_cells_first_2000_rows": same,
           "rule": "openpyxl if within 1.5x", "openpyxl_within_1_5x": ratio <= 1.5}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "xlsx.json").write_text(json.dumps(res, indent=2))
    md = ["# XLSX writers, 50,000 rows" if args.rows == 50000 else f"# XLSX writers, {args.rows} rows", "",
          f"Run {res['date']} on {res['machine']}, load average {load} at start, {res['load_average_end']} at end; "
          f"`python benchmarks/xlsx.py --rows {args.rows} --repeats {args.repeats}` (interleaved runs).", "",
          "| writer | median seconds | runs | file size |", "|---|---|---|---|"]
    for k in writers:
        md.append(f"| {k} | {med[k]:.2f} | {', '.join(f'{x:.2f}' for x in times[k])} | {sizes[k]:,} bytes |")
    md += ["", f"openpyxl / copquotes: **{ratio:.2f}x** (rule: openpyxl only if within 1.5x: "
           f"{'met' if ratio <= 1.5 else 'not met, the streaming writer stays'}). Same cells read back "
           f"(first 2,000 rows): {same}.", ""]
    (out / "xlsx.md").write_text("\n".join(md))
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
