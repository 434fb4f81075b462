"""Bounded memory: a large CSV export streams row by row (measured in a fresh process)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(r"""
    import csv, json, random, resource, sys, time
    sys.path.insert(0, sys.argv[1])
    from copquotes.ingest import read_path

    path, target, identity = sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    random.seed(7)
    words = ("the group helped me reflect on my practice and feel less alone when leadership pushed back "
             "on prevention work in schools we shared resources and scripts for hard conversations").split()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        head = ["Respondent", "How satisfied were you?", "What was the most valuable aspect of your CoP?",
                "Any other comments?"]
        w.writerow(head[:1] + (["Name", "Email"] if identity else []) + head[1:])
        i = 0
        while fh.tell() < target:
            i += 1
            row = [i, random.choice(["Satisfied", "Very satisfied", "Dissatisfied"]),
                   " ".join(random.choices(words, k=random.randint(20, 120))),
                   " ".join(random.choices(words, k=random.randint(0, 40)))]
            w.writerow(row[:1] + ([f"Person {i}", f"p{i}@example.org"] if identity else []) + row[1:])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.time()
    reading = read_path(path)
    n = chars = 0
    for u in reading.units:
        n += 1
        chars += len(u.text)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"units": n, "chars": chars, "rows": i, "identifiers": len(reading.identifiers),
                      "rss_growth_mb": (after - before) / 1024, "seconds": time.time() - t}))
""")


def run(tmp_path, identity: bool, size: int = 20_000_000) -> dict:
    script = tmp_path / "measure.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script), str(REPO), str(tmp_path / "big.csv"), str(size),
                          "1" if identity else "0"], capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_20mb_csv_streams_in_bounded_memory(tmp_path):
    m = run(tmp_path, identity=False)
    assert m["rows"] > 30_000 and m["units"] > m["rows"]        # every row gave units
    assert m["chars"] > 15_000_000                               # ~the whole file went through
    # holding the units (or the file) would grow the process by far more than the 20 MB of text
    assert m["rss_growth_mb"] < 12, m


def test_identifiers_grow_with_respondents_not_with_text(tmp_path):
    m = run(tmp_path, identity=True, size=5_000_000)
    assert m["identifiers"] == 2 * m["rows"]                     # a name and an email per respondent
    assert m["rss_growth_mb"] < 0.002 * m["rows"] + 12, m        # < ~2 KB per respondent beyond streaming
