"""Consent questions in the shapes real forms give them: refusals ("do not quote me"), checkboxes, bare headers."""
from __future__ import annotations

import pytest

from copquotes.ingest import load_roster
from copquotes.ingest.base import refuses_quotes

from .builders import csv_bytes, units_of

ANSWERS = ["The monthly circle let me test ideas about rostering before trying them on the ward.",
           "Colleagues in the far north wrestle with the same paperwork mountains every single week.",
           "Meeting someone who had walked the path of a new manager made the first year less lonely."]

REFUSALS = [
    "Would you prefer that we do not quote your comments?",
    "Please tick if you do NOT want your comments quoted in reports",
    "Opt out of being quoted in the annual report?",
    "I do not want my words to be published (tick if applies)",
    "Do you want to withdraw permission to quote your feedback?",
    "Should we leave your comments out of any published quotes?",
    "I\u2019d rather not be quoted",
    "Do you want to opt out (of being quoted)?",
    "Do not quote (Y/N)",
    "Tick if you\u2019d rather your comments stayed unquoted",
]
CONSENTS = [
    "Can we quote your comments anonymously in our reports?",
    "May we quote you? We will not publish your name.",
    "Is it ok to quote you? You can withdraw at any time by emailing us",
    "Do you consent to being quoted? (No names will be used)",
    "If you do not want to be quoted, you can still take part. Can we quote you?",
    "Happy for your comments to be used (not your name)?",
    "Can we quote you in our report (without your name)?",
    "Consent to quote (Y/N)",
    "Are you happy for us to quote you (you can opt out later)?",
    "Do you consent to us quoting your comments (excluding your name)?",
    "Can we quote your feedback (unless you withdraw before March)?",
]


@pytest.mark.parametrize("question", REFUSALS)
def test_a_question_asking_who_must_not_be_quoted_is_a_refusal(question):
    assert refuses_quotes(question)


@pytest.mark.parametrize("question", CONSENTS)
def test_a_question_asking_for_leave_to_quote_is_not_a_refusal(question):
    assert not refuses_quotes(question)


def _survey(tmp_path, question, answers=("Yes", "No", "Yes")):
    rows = [["Respondent", "What did you value most about the CoP?", question]]
    rows += [[str(i + 1), text, a] for i, (text, a) in enumerate(zip(ANSWERS, answers))]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    return p


@pytest.mark.parametrize("question", REFUSALS)
def test_yes_to_a_refusal_question_never_gives_consent(tmp_path, question, caplog):
    _, _, units = units_of(_survey(tmp_path, question))
    assert [u.text for u in units] == ANSWERS
    # yes = do not quote me: no; no = I do not object: still not leave to quote
    assert [u.consent for u in units] == [False, None, False]
    assert "must NOT be quoted" in caplog.text


def test_a_files_consent_does_not_overrule_a_refusal(tmp_path):
    _, _, units = units_of(_survey(tmp_path, REFUSALS[0]), consent="yes")
    assert [u.consent for u in units] == [False, True, False]


def test_a_refusal_named_as_the_consent_column_is_read_as_a_refusal_unless_its_values_are_given(tmp_path):
    p = _survey(tmp_path, REFUSALS[0])
    _, _, units = units_of(p, consent_column=REFUSALS[0])
    assert [u.consent for u in units] == [False, None, False]
    _, _, units = units_of(p, consent_column=REFUSALS[0], consent_values={"yes": "no", "no": "yes"})
    assert [u.consent for u in units] == [False, True, False]


@pytest.mark.parametrize("question", CONSENTS)
def test_a_consent_question_that_mentions_not_or_a_name_is_still_the_consent(tmp_path, question):
    _, _, units = units_of(_survey(tmp_path, question))
    assert [u.consent for u in units] == [True, False, True]


@pytest.mark.parametrize("header", ["Do not quote", "Opted out of quotes", "Do not quote (Y/N)", "Withdrew consent to quote"])
def test_a_roster_column_of_who_must_not_be_quoted_alone_is_read_yes_as_no_consent(tmp_path, header):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["Name", "Role", header], ["Orrin Talbot", "participant", "N"],
                             ["Pella Strand", "participant", "Y"], ["Quill Aberdeen", "participant", ""]]))
    assert [e.quote_consent for e in load_roster(p)] == [True, False, None]


PART = "I agree to take part in the evaluation"
QUOTE = "I agree to my comments being quoted anonymously"


@pytest.mark.parametrize("header,cells,consents", [
    # Google Forms joins the ticked options with ", ", Microsoft Forms with ";"
    ("Consent (tick all that apply)", [f"{PART}, {QUOTE}", PART, f"{PART};{QUOTE};"], [True, False, True]),
    ("Consent", [QUOTE, "", QUOTE], [True, False, True]),   # one box: unticked is no consent
    ("Permissions", [f"{PART};I do not agree to my comments being quoted", f"{PART};{QUOTE}", PART],
     [False, True, False]),
])
def test_a_checkbox_consent_question_is_the_consent_not_an_answer(tmp_path, header, cells, consents):
    rows = [["Timestamp", "What did you value most about the CoP?", header]]
    rows += [[f"2024/11/0{i + 1} 2:14:55 PM AEST", text, cell] for i, (text, cell) in enumerate(zip(ANSWERS, cells))]
    p = tmp_path / "form.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert [u.text for u in units] == ANSWERS
    assert [u.consent for u in units] == consents
    assert {c["column"]: c["role"] for c in r.columns}[header] == "consent"


def test_a_bare_header_over_answers_that_say_yes_or_no_to_quoting_is_the_consent(tmp_path):
    cells = ["Yes, I am happy for my anonymous comments to be quoted", "No, I would rather my comments were not quoted",
             "I'd rather not be quoted"]
    rows = [["ID", "What did you value most about the CoP?", "Quotes"]]
    rows += [[str(i + 1), text, cell] for i, (text, cell) in enumerate(zip(ANSWERS, cells))]
    p = tmp_path / "forms.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert [u.consent for u in units] == [True, False, False]
    assert {c["column"]: c["role"] for c in r.columns}["Quotes"] == "consent"


def test_a_staff_column_of_who_was_quoted_before_is_not_consent(tmp_path):
    rows = [["ID", "What did you value most about the CoP?", "Quoted in 2023 report"]]
    rows += [[str(i + 1), text, cell] for i, (text, cell) in enumerate(zip(ANSWERS, ["Yes", "No", "Yes"]))]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert True not in [u.consent for u in units]
    assert {c["column"]: c["role"] for c in r.columns}["Quoted in 2023 report"] != "consent"


def test_an_open_question_worded_with_a_not_keeps_its_answers(tmp_path):
    short = ["My workload and the rosters", "How tired I am by Friday", "Nothing really comes to mind here"]
    rows = [["Respondent", "What did you value most about the CoP?",
             "What feedback would you not share with your manager?", "May we quote you anonymously?"]]
    rows += [[str(i + 1), text, s, "Yes"] for i, (text, s) in enumerate(zip(ANSWERS, short))]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, _, units = units_of(p)
    assert [u.text for u in units if u.question.startswith("What feedback")] == short[:2] + ["Nothing really comes to mind here"]
    assert {u.consent for u in units} == {True}


@pytest.mark.parametrize("header", ["Your name (we will not publish it in reports)", "Your name - not for publication"])
def test_a_name_question_that_promises_not_to_publish_the_name_is_still_identity(tmp_path, header):
    names = ["Orrin Talbot", "Pella Strand", "Marigold Fenwick"]
    rows = [["ID", "What did you value most about the CoP?", header, "May we quote you?"]]
    rows += [[str(i + 1), text, n, "Yes"] for i, (text, n) in enumerate(zip(ANSWERS, names))]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert [u.text for u in units] == ANSWERS
    assert {c["column"]: c["role"] for c in r.columns}[header] == "identity"
    assert set(names) <= {i.value for i in r.identifiers}


@pytest.mark.parametrize("ticked,unticked", [("x", ""), ("X", ""), ("\u2713", ""), ("1", "0"), ("1", ""), ("Checked", "Unchecked"),
                                             ("Ticked", "")])
@pytest.mark.parametrize("question", ["Do not quote me", "Opt out of quotes (tick)", "I do not want my comments quoted"])
def test_a_tick_in_a_refusal_column_is_a_refusal_even_under_a_consent(tmp_path, question, ticked, unticked):
    rows = [["Respondent", "What did you value most about the CoP?", "May we quote your comments?", question]]
    rows += [[str(i + 1), text, "Yes", mark] for i, (text, mark) in enumerate(zip(ANSWERS, [ticked, unticked, ticked]))]
    p = tmp_path / "survey.csv"
    p.write_bytes(csv_bytes(rows))
    _, r, units = units_of(p)
    assert [u.consent for u in units] == [False, True, False]
    assert {c["column"]: c["role"] for c in r.columns}[question] == "consent_refusal"
    p.write_bytes(csv_bytes([[a, b, d] for a, b, _, d in rows]))     # no consent question: the file's consent
    _, _, units = units_of(p, consent="yes")
    assert [u.consent for u in units] == [False, True, False]


@pytest.mark.parametrize("consent,refusal", [("Quote consent", "Do not quote"), ("Consent", "Do not quote"),
                                             ("Quote consent", "Opted out of quotes"),
                                             ("Consent to quote", "Withdrew consent to quote")])
@pytest.mark.parametrize("said,kept", [("Y", "N"), ("x", ""), ("Yes", "No")])
def test_a_roster_column_of_who_must_not_be_quoted_beside_the_consent_takes_the_yes_back(tmp_path, consent, refusal,
                                                                                      said, kept):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_bytes([["Name", "Role", consent, refusal], ["Orrin Talbot", "participant", "Y", said],
                             ["Pella Strand", "participant", "Y", kept]]))
    # an empty box beside a plain "Consent" (maybe to take part) leaves leave to quote unknown (helper h117)
    kept_consent = None if (consent, kept) == ("Consent", "") else True
    assert [(e.name, e.quote_consent) for e in load_roster(p)] == [("Orrin Talbot", False), ("Pella Strand", kept_consent)]
