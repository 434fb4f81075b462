"""A tick-all-that-apply question with an "Other" box: Google Forms writes the ticked options and the
words typed in "Other" into one cell ("A, B, Hearing from ..."), Microsoft Forms as "A;B;words;".
The column is a choice question, never open text, but the words typed in "Other" are an answer:
one unit each (question "... - Other"); cells of options only make none."""
from __future__ import annotations

import pytest

from .builders import make_plain_xlsx, units_of, write_csv

Q = "What did you get from the CoP? (tick all that apply)"
OPTIONS = ["Connections with other practitioners", "Confidence in my practice", "Practical resources",
           "Time to reflect"]
OTHER = {3: "Hearing from First Nations practitioners about cultural safety, in their own words, changed my practice.",
         9: "A space to grieve the setbacks in this work with people who understand why it matters."}
VALUABLE = "The group made me feel less alone in this work and gave me ideas to try."


def _ticked(i: int) -> list[str]:
    return [OPTIONS[j] for j in range(4) if (i >> j) & 1 or j == i % 4]


def _rows(sep: str, end: str):
    rows = [["Timestamp", Q, "What was the most valuable aspect of your CoP?", "May we quote you?"]]
    for i in range(14):
        cell = sep.join(_ticked(i) + ([OTHER[i]] if i in OTHER else [])) + end
        rows.append([f"2024/11/05 9:{i:02d}:03 am AEDT", cell, f"{VALUABLE} ({i})", "Yes" if i != 9 else "No"])
    return rows


@pytest.mark.parametrize("name,sep,end", [
    ("google_forms.csv", ", ", ""),        # Google Forms: options, then the Other text, comma separated
    ("ms_forms.xlsx", ";", ";"),           # Microsoft Forms: "A;B;text;"
])
def test_the_words_typed_in_other_are_an_answer(tmp_path, name, sep, end):
    path = tmp_path / name
    if name.endswith(".csv"):
        write_csv(path, _rows(sep, end))
    else:
        make_plain_xlsx(path, _rows(sep, end))
    _, _, units = units_of(path)
    other = [u for u in units if u.question == f"{Q} - Other"]
    assert [u.text for u in other] == [OTHER[3], OTHER[9]]
    assert [u.consent for u in other] == [True, False]
    assert len([u for u in units if u.question.startswith("What was the most")]) == 14
    assert not [u for u in units if any(o in u.text for o in OPTIONS)]   # options ticked are never text


def test_a_choice_column_without_other_text_makes_no_units(tmp_path):
    rows = [r if i == 0 else [r[0], r[1].split(", " + OTHER.get(i - 1, "\0"))[0], r[2], r[3]]
            for i, r in enumerate(_rows(", ", ""))]
    _, _, units = units_of(write_csv(tmp_path / "s.csv", rows))
    assert {u.question for u in units} == {"What was the most valuable aspect of your CoP?"}


TITLES = ["Session 3: Backlash, and how to respond", "Session 5: Self-care; sustaining the work",
          "Session 1: Welcome, group agreements"]
YES_NO = ["Yes, definitely", "Yes", "No, not really", "Yes, somewhat", "No"]
LONG = "Yes, because it gave me a network of people across the state I can call on."


@pytest.mark.parametrize("header,cells", [
    ("Which session are you commenting on?", [TITLES[i % 3] for i in range(13)] + [
        "Session 7: Leadership, power and privilege in prevention work with schools"]),
    ("Would you recommend the CoP to a colleague?", [YES_NO[i % 5] for i in range(13)] + [LONG]),
])
def test_lists_that_are_no_tick_all_question_make_no_other_answers(tmp_path, header, cells):
    rows = [["Timestamp", header, "What was the most valuable aspect of your CoP?"]] + [
        [f"2024/11/05 9:{i:02d}:03 am AEDT", c, f"{VALUABLE} ({i})"] for i, c in enumerate(cells)]
    _, _, units = units_of(write_csv(tmp_path / "s.csv", rows))
    assert not [u for u in units if u.question.endswith(" - Other")]
