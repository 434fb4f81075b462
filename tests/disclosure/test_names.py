"""Known-name masks: a possessive without its apostrophe goes with the name, never an ordinary word."""
import pytest

from copquotes.disclosure import PersonNames, file_name_pattern, mask_names

# A Vietnamese middle name "Thi" + "s" spells "this": the safety net once masked "this" in every
# quote of a workspace whose roster had a "Nguyen Thi Lan" (373 of 5,813 quotes held on 10,000 units).
ROSTER = [("Nguyen Thi Lan", "person", ["Lan"]), ("Sarah Quennell", "person", [])]
CASES = [
    ("I liked this session and This one too.", "I liked this session and This one too."),
    ("That was Sarahs idea.", "That was [name] idea."),
    ("That was Sarah's idea.", "That was [name] idea."),
    ("Thi's slides were good.", "[name] slides were good."),
    ("Nguyen Thi Lan said so.", "[name] said so."),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_file_pattern_masks_names_and_possessives_but_not_words(text, expected):
    assert mask_names(text, file_name_pattern(ROSTER)) == expected


@pytest.mark.parametrize("text", ["I liked this session.", "This was good.", "THIS WAS GOOD."])
def test_workspace_names_leave_an_ordinary_word_that_is_a_name_plus_s(text):
    people = PersonNames(["Nguyen Thi Lan"])
    assert people.spans(text) == []


def test_workspace_names_still_take_a_possessive_without_apostrophe():
    people = PersonNames(["Sarah Quennell"])
    assert people.mask("it was quennells idea") == "it was [name] idea"
