"""docs/ARCHITECTURE.md draws the layers and the stage declarations as the code has them."""
from __future__ import annotations

import re
from pathlib import Path

from copquotes.stages import DECLARATIONS, Stage

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def _contract_layers() -> list[str]:
    text = (REPO / ".importlinter").read_text()
    body = text.split("layers =\n", 1)[1].split("exhaustive", 1)[0]
    return [" ".join(line.split()) for line in body.splitlines() if line.strip()]


def _doc_layers() -> list[str]:
    block = DOC.split("## Layers", 1)[1].split("```", 2)[1]
    out = []
    for line in block.splitlines():
        line = re.sub(r"^(interfaces|pipeline|stages|core)\b", "", line.strip()).strip()
        if line and not line.startswith("research"):
            out.append(" ".join(line.split()))
    return out


def test_the_doc_draws_the_layers_of_the_contract():
    assert _doc_layers() == _contract_layers()


def _short(ref: str) -> str:
    return "`" + ref.removeprefix("copquotes.") + "`"


def _row(s: Stage) -> str:
    beside = "-"
    if s.beside:
        beside = ", ".join(s.beside) + (f" (up to {s.beside_max_units:,} units)" if s.beside_max_units else "")
    pre = "; ".join(f"`{p.name}` {_short(p.run)} (after {', '.join(p.after) or '-'}"
                    + (", handover" if p.handover else "") + (", mapped" if p.mapped else "") + ")"
                    for p in s.precompute) or "-"
    opts = []
    if s.force_option:
        opts.append(f"force `{s.force_option}`")
    if s.threads_option:
        opts.append(f"threads `{s.threads_option}`" + (" (dynamic)" if s.threads_dynamic else ""))
    if s.map_option:
        opts.append(f"map `{s.map_option}`")
    if s.fingerprint_extra:
        opts.append("fingerprint extra")
    return (f"| {s.name} | {_short(s.run)} | {', '.join(s.inputs) or '-'} | {s.granularity} | "
            f"{'yes' if s.worker else '-'} | {beside} | {pre} | {', '.join(opts) or '-'} |")


def declarations_table() -> str:
    head = ("| stage | run | inputs | granularity | worker | beside | precompute | options |\n"
            "|---|---|---|---|---|---|---|---|")
    return "\n".join([head] + [_row(s) for s in DECLARATIONS])


def test_the_doc_draws_the_stage_declarations():
    table = declarations_table()
    assert table in DOC, "docs/ARCHITECTURE.md, 'The declarations today', should read:\n" + table
