"""Presidio's UK recognisers (UkNinoRecognizer, UkPostcodeRecognizer) against copquotes' own
patterns (copquotes/anonymise/recognizers.py) on the test suite's cases: the spans each finds.
Writes benchmarks/results/presidio_uk.md. Rule (issue 25): use Presidio's where the spans equal ours.

Usage: .venv/bin/python benchmarks/presidio_uk.py   (seconds)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

# the NI-number and postcode cases of tests/test_anonymise*.py, and a few more forms
CASES = ["My NI number is QQ 12 34 56 C, for the payment.", "Post it to the office, S10 2TN, by Friday.",
         "Ring Priya on 07700 900123 or +44 20 7946 0958; my NI number is QQ 12 34 56 C and I live in S10 2TN.",
         "AB123456C is mine", "send it to SW1A 1AA please", "sw1a 1aa in lower case", "GIR 0AA",
         "M1 1AE and EC1A 1BB"]
N_TEST_CASES = 3


def main() -> int:
    from presidio_analyzer.predefined_recognizers.country_specific.uk.uk_nino_recognizer import UkNinoRecognizer
    from presidio_analyzer.predefined_recognizers.country_specific.uk.uk_postcode_recognizer import (
        UkPostcodeRecognizer)

    from copquotes.anonymise import recognizers as ours

    nino, postcode = UkNinoRecognizer(), UkPostcodeRecognizer()
    md = ["# Presidio's UK recognisers against copquotes' patterns", "",
          "`python benchmarks/presidio_uk.py`; spans as (start, end).", "",
          "| text | NI number: Presidio | ours | postcode: Presidio | ours |", "|---|---|---|---|---|"]
    same = {"nino": True, "postcode": True}
    for i, t in enumerate(CASES):
        pn = [(r.start, r.end) for r in nino.analyze(t, nino.supported_entities)]
        on = [m.span() for m in ours._UK_NINO.finditer(t)]
        pp = [(r.start, r.end) for r in postcode.analyze(t, postcode.supported_entities)]
        op = [m.span() for m in ours._UK_POSTCODE_RE.finditer(t)]
        if i < N_TEST_CASES:
            same["nino"] &= pn == on
            same["postcode"] &= pp == op
        md.append(f"| {t}{' (test suite)' if i < N_TEST_CASES else ''} | {pn} | {on} | {pp} | {op} |")
    md += ["", f"Same spans on the test suite's cases: NI number {same['nino']} (Presidio leaves out prefixes HMRC "
           f"never issues, such as the QQ of the examples people copy), postcode {same['postcode']} (Presidio's "
           "also matches lower case).", ""]
    out = REPO / "benchmarks" / "results" / "presidio_uk.md"
    out.write_text("\n".join(md))
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
