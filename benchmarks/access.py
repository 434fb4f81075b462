"""Access and input robustness, measured with the real command line (issue 23, items 6 and 7).

Each case runs ``python -m copquotes`` in a child process from a fresh folder (its own
``.streamlit/secrets.toml`` and an empty home, so nothing of this machine is read) and records
the exit code, the lines on stderr, the seconds it took, whether a Streamlit server answered
on the port, and whether the workspace folder was created. Ingest cases run
``copquotes ingest`` on small synthetic exports written here (a NUL byte in a survey, U+FFFE /
U+FFFF and control characters, a folder with a damaged workbook and a truncated CSV beside
readable files and a picture); the export case writes XLSX and DOCX from a quote holding
U+FFFE / U+FFFF and checks that every XML part parses.

    python benchmarks/access.py          # ~1 min on 2 cores (one case starts a real server)
Results: benchmarks/results/access.json and access.md.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PY = sys.executable

SECRETS_CASES = [
    # (case, secrets.toml content or None, --address, should serve)
    ("malformed secrets (unquoted password)", "password = s3cret\n", "127.0.0.1", False),
    ("empty password", 'password = ""\n', "127.0.0.1", False),
    ("--address 0.0.0.0 without a password", None, "0.0.0.0", False),
    ("--address 0.0.0.0, malformed secrets", "password = s3cret\n", "0.0.0.0", False),
    ("--address 192.168.1.20 without a password", None, "192.168.1.20", False),
    ("--address 0.0.0.0 with a password", 'password = "s3cret"\n', "0.0.0.0", True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def _env(home: Path) -> dict:
    return dict(os.environ, HOME=str(home), PYTHONPATH=str(ROOT), COPQUOTES_PROGRESS="0")


def app_case(tmp: Path, name: str, secrets, address: str, should_serve: bool) -> dict:
    run = tmp / f"run-{abs(hash(name))}"
    home = run / "home"
    home.mkdir(parents=True)
    if secrets is not None:
        (run / ".streamlit").mkdir()
        (run / ".streamlit" / "secrets.toml").write_text(secrets)
    ws = run / "new-workspace"
    port = _free_port()
    cmd = [PY, "-m", "copquotes", "app", "--workspace", str(ws), "--port", str(port), "--address", address]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=run, env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    served = False
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        if _healthy(port):
            served = True
            break
        time.sleep(0.3)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    lines = [ln for ln in err.splitlines() if ln.strip()]
    refused = not served and proc.returncode not in (0, None)
    return {"case": name, "address": address, "exit_code": proc.returncode, "served": served,
            "stderr_lines": len(lines) if not served else None, "message": lines[-1] if lines and not served else "",
            "workspace_created": ws.exists(), "seconds": round(seconds, 2),
            "ok": (served and ws.exists()) if should_serve else (refused and len(lines) == 1 and not ws.exists())}


def _csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode()


HEADER = ["ID", "What did you value most about the CoP?", "Are you happy to be quoted?"]
GOOD = "Being with people who understand why this work matters to me."


def _ingest(tmp: Path, folder: Path, *extra) -> tuple[subprocess.CompletedProcess, dict]:
    ws = tmp / f"ws-{folder.name}-{len(extra)}"
    proc = subprocess.run([PY, "-m", "copquotes", "-q", "ingest", str(folder), "--workspace", str(ws), "--json",
                           *extra], cwd=tmp, env=_env(tmp), capture_output=True, text=True)
    rep = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc, rep


def ingest_cases(tmp: Path) -> list[dict]:
    out = []
    one = tmp / "nul"
    one.mkdir()
    (one / "survey.csv").write_bytes(_csv([HEADER, ["1", GOOD, "Yes"],
                                           ["2", "The mentoring\x00 kept me in the job.", "Yes"],
                                           ["3", "I felt \ufffeheard\uffff for once\x07.", "Yes"]]))
    proc, rep = _ingest(tmp, one)
    f = (rep.get("files") or [{}])[0]
    out.append({"case": "survey with a NUL byte, U+FFFE/U+FFFF and a control character", "exit_code": proc.returncode,
                "units": f.get("n_units"), "nul_lines": f.get("nul_lines"), "cleaned": f.get("cleaned"),
                "warnings": [ln for ln in proc.stderr.splitlines() if ln.startswith("warning")],
                "ok": proc.returncode == 0 and f.get("n_units") == 3 and f.get("nul_lines") == [[3, 1]]
                and f.get("cleaned") == {"control": 1, "noncharacter": 2, "nul": 1}})
    mixed = tmp / "mixed"
    mixed.mkdir()
    (mixed / "good.csv").write_bytes(_csv([HEADER, ["1", GOOD, "Yes"]]))
    (mixed / "broken.xlsx").write_bytes(b"PK\x03\x04 a damaged workbook")
    (mixed / "truncated.csv").write_bytes(_csv([HEADER, ["1", GOOD, "Yes"]]) + b'2,"cut off here')
    (mixed / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    for extra in ((), ("--skip-unreadable",)):
        proc, rep = _ingest(tmp, mixed, *extra)
        last = [ln for ln in proc.stderr.splitlines() if ln.strip()][-1]
        out.append({"case": "folder: a damaged workbook, a truncated CSV, a picture, a good survey"
                    + (" (--skip-unreadable)" if extra else ""), "exit_code": proc.returncode,
                    "files_ingested": len(rep.get("files", [])),
                    "unreadable": [Path(u["path"]).name for u in rep.get("unreadable", [])],
                    "noted": [Path(s["path"]).name for s in rep.get("skipped", [])],
                    "last_stderr_line": last,
                    "ok": (proc.returncode == 0) == bool(extra) and len(rep.get("files", [])) == 1
                    and sorted(Path(u["path"]).name for u in rep.get("unreadable", [])) == ["broken.xlsx", "truncated.csv"]
                    and [Path(s["path"]).name for s in rep.get("skipped", [])] == ["photo.png"]})
    ws = tmp / f"ws-mixed-1"
    st = subprocess.run([PY, "-m", "copquotes", "status", "--workspace", str(ws), "--json"], cwd=tmp, env=_env(tmp),
                        capture_output=True, text=True)
    listed = sorted(Path(u["path"]).name for u in json.loads(st.stdout).get("unreadable", []))
    out.append({"case": "copquotes status after that ingest", "exit_code": st.returncode, "unreadable": listed,
                "ok": st.returncode == 0 and listed == ["broken.xlsx", "truncated.csv"]})
    return out


def export_case(tmp: Path) -> dict:
    import importlib.util

    sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location("access_builders", ROOT / "tests" / "app" / "builders.py")
    builders = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builders)   # the small real workspace the app and export tests use
    build_workspace, quote_ids, unit_id = builders.build_workspace, builders.quote_ids, builders.unit_id

    from copquotes.export import export

    ws = build_workspace(tmp / "export-ws")
    try:
        qid = quote_ids(ws)[1]
        text = "I felt \ufffe safe \uffff here \x07 with friends."
        ws.conn.execute("UPDATE quotes SET status = 'approved', edited_text = ? WHERE quote_id = ?", (text, qid))
        ws.conn.execute("UPDATE anon SET text = ? WHERE unit_id = ?", (text, unit_id(1)))
        parsed = {}
        for ext in (".xlsx", ".docx", ".qdpx"):
            try:
                path = export(ws, tmp / f"quotes{ext}")
                with zipfile.ZipFile(path) as z:
                    for name in z.namelist():
                        if name.endswith((".xml", ".qde", ".rels")):
                            ET.fromstring(z.read(name))
                parsed[ext] = "valid"
            except Exception as exc:  # noqa: BLE001 - the measurement records the failure
                parsed[ext] = f"{type(exc).__name__}: {exc}"[:160]
    finally:
        ws.close()
    return {"case": "XLSX, DOCX and QDPX of a quote holding U+FFFE, U+FFFF and a control character",
            "results": parsed, "ok": all(v == "valid" for v in parsed.values())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(RESULTS), help="folder for access.json and access.md")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="copquotes-access-"))
    try:
        apps = [app_case(tmp, *c) for c in SECRETS_CASES]
        ingests = ingest_cases(tmp)
        exp = export_case(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {"app": apps, "ingest": ingests, "export": exp, "seconds": round(time.perf_counter() - t0, 1),
              "all_ok": all(c["ok"] for c in apps + ingests) and exp["ok"]}
    # no machine path in the results: the scratch folder becomes $TMP, each case's folder $RUN
    import re

    result = json.loads(re.sub(r"\$TMP/run-\d+", "$RUN", json.dumps(result).replace(str(tmp), "$TMP")))
    apps, ingests, exp = result["app"], result["ingest"], result["export"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "access.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    md = ["# Access and input robustness (benchmarks/access.py)", "",
          f"All cases as expected: **{result['all_ok']}** ({result['seconds']} s).", "",
          "## `copquotes app` (from a fresh folder, empty home)", "",
          "| case | exit | served | stderr lines | workspace created | s | message |", "|---|---|---|---|---|---|---|"]
    for c in apps:
        msg = c["message"].replace("|", "\\|")
        md.append(f"| {c['case']} | {c['exit_code']} | {c['served']} | {c['stderr_lines'] if c['stderr_lines'] is not None else ''} "
                  f"| {c['workspace_created']} | {c['seconds']} | {msg} |")
    md += ["", "## `copquotes ingest`", ""]
    for c in ingests:
        md.append(f"- **{c['case']}**: " + ", ".join(f"{k} `{v}`" for k, v in c.items() if k not in ("case",)))
    md += ["", "## Exports", "", f"- **{exp['case']}**: " + ", ".join(f"{k} {v}" for k, v in exp["results"].items()), ""]
    (out / "access.md").write_text("\n".join(md))
    print("\n".join(md))
    return 0 if result["all_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
