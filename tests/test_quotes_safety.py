"""The quote stage's content flags (copquotes/quotes/safety.py): health details (a named
medicine, a common chronic condition), a death with its date or time, quasi-identifiers that
identify only together, a named local event. Each is a warn flag: the quote is demoted, kept.

Synthetic sentences written for these tests (no participant text)."""
from __future__ import annotations

import pytest

from copquotes.quotes import safety
from copquotes.quotes.candidate import Candidate, Unit
from copquotes.quotes.candidates import SpanCandidate
from copquotes.quotes.safety import content_flags


@pytest.mark.parametrize("text, flagged", [
    # a named medicine or drug class
    ("Switching from sertraline to mirtazapine was handled well by the team.", "sertraline"),
    ("Since starting Quetiapine I sleep through the night.", "Quetiapine"),
    ("The GP changed my antidepressants without asking me.", "antidepressants"),
    ("They forgot my warfarin when I was admitted.", "warfarin"),
    # a common chronic or serious condition
    ("My diabetes nurse explains the numbers every visit.", "diabetes"),
    ("I have COPD and the stairs are hard for me.", "COPD"),
    ("After my heart attack the exercise class kept me going.", "heart attack"),
    ("The Parkinson's group meets on the ground floor, which helps.", "Parkinson's"),
])
def test_a_medicine_or_condition_is_a_sensitive_health_flag(text, flagged):
    flags = [f for f in content_flags(text) if f["kind"] == "sensitive_health"]
    assert len(flags) == 1
    f = flags[0]
    assert text[f["start"]:f["end"]] == flagged
    assert f["severity"] == "warn"
    assert flagged.lower() not in f["reason"].lower()     # a generic reason, never the words


@pytest.mark.parametrize("text, reason", [
    # a death or bereavement with its date or clock time, in one sentence
    ("My wife passed away on 3-4-2021 at 2:15am after a long night.", safety.DEATH_DATE_REASON),
    ("Dad died at 11pm on the ward and nobody called us.", safety.DEATH_DATE_REASON),
    ("The funeral was on the 14th of March and the team sent a card.", safety.DEATH_DATE_REASON),
    # an age band or living alone, with another quasi-identifier
    ("I'm a middle-aged bloke in a council, so I notice who speaks.", safety.COMBINED_REASON),
    ("As I live alone and I'm in my seventies, a quick reply matters.", safety.COMBINED_REASON),
    ("I am a pensioner living on my own at home since the move.", safety.COMBINED_REASON),
    ("As a single mum in my twenties I felt judged at first.", safety.COMBINED_REASON),
    # a named local event
    ("She got us all walking the Riverside mile every Friday.", safety.LOCAL_EVENT_REASON),
    ("We raised money at the Oakfield Summer Fete for the ward.", safety.LOCAL_EVENT_REASON),
])
def test_details_that_identify_together_are_a_quasi_identifier_flag(text, reason):
    flags = [f for f in content_flags(text) if f["kind"] == "quasi_identifier"]
    assert [f["reason"] for f in flags] == [reason]
    assert flags[0]["severity"] == "warn"
    assert 0 <= flags[0]["start"] < flags[0]["end"] <= len(text)


@pytest.mark.parametrize("text", [
    "My husband died last year and the group helped me grieve.",    # a death, no date or time
    "We met at 10am every Tuesday in the library.",                  # a time, no death
    "I'm a woman in a council and the CoP gave me allies.",          # sex and place, no age band
    "My elderly mother was seen quickly and treated kindly.",        # an age band alone
    "I waited over 20 minutes but the nurse was lovely.",            # a number is no age band
    "The Christmas fair on the ward cheered everyone up.",           # a holiday is no name
    "Staff were kind and explained my medication clearly.",          # no medicine named
    "The group helped my confidence more than anything else.",
])
def test_ordinary_sentences_get_none_of_these_flags(text):
    assert content_flags(text) == []


def _checked(text: str):
    c = Candidate(unit=Unit(unit_id="u1", file_id=1, text=text, anon=text),
                  span=SpanCandidate(0, len(text), 0, 0, len(text.split())), features={}, n_sents=1)
    return safety.check(c, {"redactions": {}, "flags": {}}, {})


@pytest.mark.parametrize("text", [
    "Taking olanzapine made my blood sugars climb and nobody linked the two.",
    "I live alone and I'm in a high risk age group, so please come sooner.",
    "My brother died on 1-2-2020 at 4:30am in the corridor.",
])
def test_a_flagged_quote_is_demoted_never_held_or_dropped(text):
    plain = _checked("The staff listened and the group helped me to keep going.")
    flagged = _checked(text)
    assert plain.flags == () and plain.safety == 1.0
    assert flagged.flags and not flagged.held
    assert flagged.safety <= safety.SAFETY_WARN
    assert flagged.anon == text
