"""Real yeses the consent reading used to lose (helper h129, after a blind review), each beside the no and
unknown answers around it that must stay no or unknown: a "no" to an offer (the newsletter, a copy of the
report, a follow-up call) beside a real consent, the evaluation report named in an answer, ticks written as
emoji, "Checked" or "[x]", a condition of anonymity said as "with my name removed", and a typed interview's
"Quote consent:" header line with a value that is not read."""
from __future__ import annotations

import pytest

from copquotes.ingest import load_roster
from copquotes.ingest.base import truthy

from .builders import csv_bytes, survey_units, units_of

ANSWERS = ["Sitting with other coordinators who also juggle three jobs made the load feel shared.",
           "The reading circle on bystander work changed how I run my lunchtime sessions.",
           "Having a standing slot to bring a hard case kept me from carrying it alone."]
CONSENT = "May we quote your comments anonymously?"


def _survey(tmp_path, header, cells, **meta):
    units = survey_units(tmp_path, ANSWERS, header, cells, **meta)
    assert [u.text for u in units] == ANSWERS
    return [u.consent for u in units]


def _roster(tmp_path, cell):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["Name", "Role", "Quote consent"], ["Orrin Talbot", "participant", cell],
                             ["Pella Strand", "participant", "no"]]))
    return load_roster(p)[0].quote_consent


# a. an offer to the respondent (a newsletter, a copy of the report, a follow-up call) asks nothing about their
# words: its "no" takes no consent away
@pytest.mark.parametrize("offer", [
    "May we add you to our mailing list for the newsletter?",
    "Can we contact you about a follow-up interview?",
    "Can we send you the final report?",
    "Would you like to be sent the evaluation report when it is published?",
    "Would you like a copy of the report when it is published?",
    "Can we email you a copy of the evaluation report?",
    "Would you like to subscribe to our e-newsletter?",
    "Can we keep you informed about future Communities of Practice?",
    "Would you like to receive updates about future Communities of Practice?",
    "Do you consent to being contacted about a follow-up interview?",
])
def test_a_no_to_an_offer_beside_the_quote_consent_takes_no_consent_away(tmp_path, offer):
    assert _survey(tmp_path, [CONSENT, offer], [["Yes", "No"], ["Yes", "Yes"], ["No", "No"]]) == [True, True, False]


# ... while a "no" to anything that asks about their words, their taking part or them being published still blocks
@pytest.mark.parametrize("question", [
    "Do you consent to take part in the evaluation?",
    "Can we use your answers to inform our annual report?",
    "Can we share your feedback with your manager?",
    "Are you happy for your photo to be used on our website?",
    "Can we contact you to check your quote before we publish it?",
    "May we include your story in the newsletter?",
    "Can we feature you in our newsletter?",
    "Can we send your comments to our funder?",
    "Do you agree to your responses being used in the report?",
    "Can we contact you and use what you said in our newsletter?",
    "Would you like to see your quote before it is published?",
    "May we send you the report and quote your comments in it?",
])
def test_a_no_to_a_question_about_their_words_or_taking_part_still_blocks(tmp_path, question):
    assert _survey(tmp_path, [CONSENT, question], [["Yes", "No"], ["Yes", "Yes"], ["No", "No"]])[0] is False


@pytest.mark.parametrize("answer", ["Yes to the newsletter, no to quotes", "Newsletter yes, quotes no",
                                    "Yes to the report copy but please don't quote me"])
def test_a_yes_to_the_newsletter_in_the_consent_answer_is_no_consent(tmp_path, answer):
    consents = _survey(tmp_path, [CONSENT, "May we add you to our mailing list for the newsletter?"],
                       [[answer, "Yes"], ["Yes", "No"], ["No", "No"]])
    assert consents[0] is not True and consents[1:] == [True, False]


# b. the evaluation report is where these quotes are published: a yes to it is a yes, in an answer as in a header;
# d. a condition of anonymity, however it is said, is a yes (every quote is anonymised)
REAL_YES = [
    "Yes, in the evaluation report", "Yes for the evaluation report", "Yes - for the report",
    "Yes - in the final evaluation report", "Yes (evaluation report)", "yes, in our evaluation report please",
    "Only with my name removed", "With my name removed", "Only with name removed", "Only with my name taken out",
    "Yes if my name is removed", "Yes if name removed", "Yes provided my name is taken out", "yes, anonymised",
    "Anonymised", "Anonymised only", "Only anonymised", "Yes, but remove my name", "Yes, please remove my name",
]
# ... and the answers beside them that are no leave to publish, or not for sure
NOT_YES = [
    "Yes for research", "Yes, for the evaluation only", "Yes, in the internal evaluation report",
    "Yes, in the research report", "Yes, for the evaluation report to the funder", "Yes, but not in the report",
    "Yes, in the evaluation report if my manager agrees", "Yes for evaluation purposes", "Yes, for the evaluation",
    "Yes, in the members' report", "Yes, in the partners' report", "Yes, in the evaluation report, I think",
    "Yes, in the staff report", "Yes, for the board report", "Yes in the report to my manager",
    "Yes, in the report (pending)", "Yes, in the evaluation report only", "yes for internal use only",
    "Yes, but not in the report or online",
    "Only if my manager agrees", "Only with my manager's approval", "With my name", "Only with my name on it",
    "Only with my name and school removed", "Yes, but remove my name and my school",
    "Yes, but remove my comments about my manager", "Anonymised data only", "Anonymised - no quotes",
    "Only if my name is used", "Only with my name removed, and I'd like to see it first",
    "With my name removed, for internal use only", "Only anonymised, in the staff newsletter", "Anonymised?",
    "Only if anonymised and I approve it first", "Yes to the newsletter, no to quotes", "Checked with my manager: no",
    "Yes, but check with me first", "Yes, I think so", "\u274c", "\u2716\ufe0f", "\u2716", "\u274e",
    # a condition of anonymity with more joined on, or a sad face, is not the whole answer
    "Only with my name removed :(", "Only if anonymous :(", "Yes, only with my name removed and my school",
    "Yes, only if my name is removed and my school", "Yes if name removed, and photos",
    "Yes, remove my name, and my photo",
    "Yes, please remove my name from the newsletter", "Yes in the evaluation report and my school",
    "Yes, in the evaluation report to the funder",
]


@pytest.mark.parametrize("answer", REAL_YES)
def test_a_yes_to_the_report_or_with_my_name_removed_is_consent_wherever_it_is_read(tmp_path, answer):
    assert truthy(answer, allow_numeric=False, weak=True) is True
    assert _survey(tmp_path, [CONSENT], [[answer], ["No"], ["Yes"]]) == [True, False, True]
    assert _roster(tmp_path, answer) is True


@pytest.mark.parametrize("answer", NOT_YES)
def test_an_answer_limited_hedged_or_crossed_stays_no_or_unknown_wherever_it_is_read(tmp_path, answer):
    assert truthy(answer, allow_numeric=False, weak=True) is not True
    assert _survey(tmp_path, [CONSENT], [[answer], ["No"], ["Yes"]]) in ([None, False, True], [False, False, True])


@pytest.mark.parametrize("cell,said", [("\u2714\ufe0f", True), ("\u2705", True), ("\u2611\ufe0f", True),
                                       ("\u274c", False), ("\u2716\ufe0f", False), ("\u274e", False)])
def test_an_emoji_tick_or_cross_in_a_yes_no_cell_is_read_whatever_its_variation_selector(cell, said):
    assert truthy(cell, allow_numeric=False, weak=True) is said


# c. a statement answered with ticks: emoji ticks with a variation selector, "Checked", "[x]"; "Unchecked", "[ ]"
# and an empty box are no consent
STATEMENT = "I agree that my comments may be quoted in reports"


@pytest.mark.parametrize("header,cells,consents", [
    (STATEMENT, ["\u2714\ufe0f", "", "\u2611\ufe0f"], [True, False, True]),
    (STATEMENT, ["\u2705", "", "\u2705\ufe0f"], [True, False, True]),
    (STATEMENT, ["Checked", "Unchecked", "Checked"], [True, False, True]),
    (STATEMENT, ["Ticked", "Unticked", "ticked"], [True, False, True]),
    (STATEMENT, ["[x]", "[ ]", "[X]"], [True, False, True]),
    (STATEMENT, ["[\u2713]", "\u2610", "[x]"], [True, False, True]),
    ("Quote consent (tick if you agree)", ["\u2714\ufe0f", "[ ]", "Checked"], [True, False, True]),
])
def test_a_tick_however_the_export_writes_it_is_consent_in_a_tick_column(tmp_path, header, cells, consents):
    assert _survey(tmp_path, [header], [[c] for c in cells]) == consents


@pytest.mark.parametrize("header,cells", [
    (STATEMENT, ["\u274c", "", "\u2716\ufe0f"]),
    (STATEMENT, ["Unchecked", "", "Unchecked"]),
    (STATEMENT, ["[ ]", "\u2610", ""]),
    (STATEMENT, ["Checked with my manager: no", "", "Checked with my manager: no"]),
    (STATEMENT, ["Ticked - pending form", "", "Ticked - pending form"]),
    (STATEMENT, ["[?]", "", "[?]"]),
    ("I agree that my comments may be quoted in internal reports only", ["\u2714\ufe0f", "", "Checked"]),
    ("I agree that my photo may be published on the website", ["[x]", "", "\u2705"]),
])
@pytest.mark.parametrize("file_consent", [{}, {"consent": "yes"}])
def test_a_cross_an_unticked_box_or_a_tick_with_words_is_never_consent_nor_text(tmp_path, header, cells, file_consent):
    consents = _survey(tmp_path, [header], [[c] for c in cells], **file_consent)
    assert all(c is not True for c in consents)


@pytest.mark.parametrize("cells", [["\u2714\ufe0f", "", "Checked"], ["[x]", "[ ]", "[x]"]])
def test_a_tick_in_a_do_not_quote_column_refuses(tmp_path, cells):
    consents = _survey(tmp_path, [CONSENT, "Tick if you do NOT want to be quoted"],
                       [["Yes", cells[0]], ["Yes", cells[1]], ["Yes", cells[2]]])
    assert consents[0] is False and consents[2] is False


# e. a typed interview's header line is a header whatever its value: never a unit of participant text
def _interview(tmp_path, header, **meta):
    p = tmp_path / "interview.txt"
    p.write_text(f"Interview 3\nDate: 4 May 2024\n{header}\n\nInterviewer: What stays with you from the series?\n"
                 "Participant: The honesty in the room, every single month, and the people I can call.\n",
                 encoding="utf-8")
    _, _, units = units_of(p, source_kind="interview", **meta)
    return units


@pytest.mark.parametrize("value", [
    "yes, but check with me first", "Yes, I think so", "Maybe", "Only if my manager agrees", "TBC", "Pending",
    "Verbal - to confirm", "\u2714\ufe0f", "\u274c", "yes for internal use only", "Not yet asked",
])
@pytest.mark.parametrize("key", ["Quote consent", "Consent to quote"])
@pytest.mark.parametrize("file_consent", [{}, {"consent": "yes"}])
def test_a_hedged_header_consent_is_a_header_not_speech_and_no_yes(tmp_path, key, value, file_consent):
    units = _interview(tmp_path, f"{key}: {value}", **file_consent)
    assert [u.text[:20] for u in units] == ["What stays with you ", "The honesty in the r"]
    assert units[1].consent is not True


@pytest.mark.parametrize("value,consent", [("Yes", True), ("No", False), ("Yes, in the evaluation report", True),
                                           ("Only with my name removed", True),
                                           ("Yes to the newsletter, no to quotes", False)])
def test_a_header_consent_that_is_read_is_the_interviewees(tmp_path, value, consent):
    units = _interview(tmp_path, f"Quote consent: {value}")
    assert len(units) == 2 and units[1].consent is consent
