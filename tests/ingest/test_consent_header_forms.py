"""A typed interview's consent line in the other forms evaluation teams type (blind probe h143): a "no" under
any consent key before the first turn ("Consent: No", "Happy to be quoted: No", "Consent (quotes): No",
"CONSENT TO QUOTE - NO") is the interviewee's no, whatever a manifest's `consent: yes` says, and the line is a
header, never speech. A consent key not about quoting ("Consent", "Consent to participate") gives only its no."""
from __future__ import annotations

import pytest

from .builders import units_of

SPEECH = "The honesty in the room, every single month, and the people I can call."


def _interview(tmp_path, *header, **meta):
    p = tmp_path / "interview.txt"
    p.write_text("Interview 3\nInterviewer: Jo Bloggs\nParticipant: P07\nDate: 4 May 2024\n" + "\n".join(header) +
                 f"\n\nInterviewer: What stays with you from the series?\nParticipant: {SPEECH}\n", encoding="utf-8")
    _, _, units = units_of(p, source_kind="interview", **meta)
    assert [u.text for u in units] == ["What stays with you from the series?", SPEECH]
    return units[1].consent


@pytest.mark.parametrize("line", [
    "Consent: No", "Consent: yes (not for publication)", "Consent to participate: No", "Consent (Y/N): N",
    "Happy to be quoted: No", "Agreed to be quoted: No", "Quotable: no", "Quotes: no", "Consent (quotes): No",
    "Consent for quotes: No", "Quote consent \u2014 no", "CONSENT TO QUOTE - NO", "Consent to quote \u2013 declined",
    "Willing to be quoted: N", "Use of quotes: no",
])
def test_a_no_in_any_consent_header_beats_a_manifest_yes(tmp_path, line):
    assert _interview(tmp_path, line, consent="yes") is False


@pytest.mark.parametrize("lines", [
    ["Consent to participate: Yes", "Consent to quote: No"],
    ["Consent to quote: No", "Consent to participate: Yes"],
    ["Consent to quote: No", "Quote consent: Yes"],
    ["Consent: No", "Consent to quote: Yes"],
])
def test_a_no_among_several_consent_lines_stays_whatever_the_order(tmp_path, lines):
    assert _interview(tmp_path, *lines, consent="yes") is False


@pytest.mark.parametrize("lines,meta,consent", [
    (["Happy to be quoted: Yes"], {}, True),
    (["Consent (quotes): Yes"], {}, True),
    (["Consent: Yes"], {}, None),                       # maybe consent to take part: no leave to quote
    (["Consent: Yes"], {"consent": "yes"}, True),       # ... so the manifest's yes still stands
    (["Consent to participate: Yes", "Consent to quote: Yes"], {}, True),
])
def test_a_yes_counts_only_under_a_key_about_quoting(tmp_path, lines, meta, consent):
    assert _interview(tmp_path, *lines, **meta) is consent
