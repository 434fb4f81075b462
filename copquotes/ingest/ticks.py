"""Consent given by ticking a box beside a statement: a column headed "I agree that my comments may
be quoted in reports" whose ticked cells hold a mark ("X", "✓", "Yes") or, as SurveyMonkey and
Google Forms export a ticked box, the statement's own words, and whose unticked cells are empty.

Only a column that is clearly such a tick column is read this way (a tick is the statement said,
an empty cell is no consent): the statement must itself give leave to quote or publish the
respondent's words, without a condition, and every answered cell must be a mark or the statement.
Anything else is left to the yes/no reading (an empty cell stays unknown).
"""
from __future__ import annotations

import re

from . import columns as C
from .base import bare_mark, has_tick_instruction, refuses_quotes, same_words, truthy, without_tick_instruction
from .tables import Column

# a box ticked: a mark, or a bare yes ("X", "✓", "☑", "✅", "[x]", "Yes", "Ticked", "Checked", "Selected"), read from
# the cell's bare mark (:func:`copquotes.ingest.base.bare_mark`: "✔️" as "✔", "[x]" as "x"); never a cross ("✗", "❌",
# "✖️": a no in a yes/no cell) nor a number (a choice code whose meaning is not known)
_MARK = re.compile(r"[x\u2713\u2714\u2611\u2705\U0001F5F8]|y|yes|ticked|checked|selected|agreed|i\s+agree", re.I)
# a box the export wrote as left empty ("Unchecked", "Not ticked", "[ ]", "☐"): the same as an empty cell
_UNMARKED = re.compile(r"\u2610|un(?:ticked|checked|selected|marked)|not\s+(?:ticked|checked|selected|marked)", re.I)


def _mark(cell: str) -> bool | None:
    """True for a tick, False for a box the export wrote as left empty, None for anything else."""
    v = bare_mark(cell).rstrip(" .!")
    return True if _MARK.fullmatch(v) else False if _UNMARKED.fullmatch(v) else None
# the instruction before a statement: "Tick if you agree ...", "Please check this box to confirm that you ..."
_INSTRUCTION = re.compile(
    r"^\W*(?:please\s+)?(?:tick|check|select|mark|click|cross)\s+(?:(?:this|the)\s+box\s+|here\s+|below\s+)?"
    r"(?:if\s+|to\s+(?:confirm|say|show|indicate)\s+(?:that\s+)?|to\s+(?=(?:agree|consent|give)\b))?", re.I)
# an instruction in brackets after a statement ("(tick if you agree)", "(tick one)", "(optional)")
_ASIDE = re.compile(r"\(\s*(?:please\s+)?(?:tick|check|select|mark|optional)\b[^()]*\)", re.I)
# a header that offers a choice is a yes/no question, whose empty cells were not answered ("(Y/N)", "yes / no")
_CHOICE = re.compile(r"\by(?:es)?\s*/\s*no?\b", re.I)


def statement_of(text: str) -> str | None:
    """The statement of consent a tick beside ``text`` says, in the first person, or None when
    ``text`` is no plain statement of leave to quote or publish the respondent's words (a question,
    a yes/no choice, a refusal, consent to take part, a photo release, a yes with a condition)."""
    t = re.sub(r"\s+", " ", (text or "").replace("\u2019", "'")).strip()
    if not t or _CHOICE.search(t) or refuses_quotes(t):
        return None
    if has_tick_instruction(t):
        # "Quote consent (tick if you agree)", "May we quote you? (leave blank if not)": the instruction says a tick is
        # the yes and an empty box the no, whatever words come before it, as long as they ask leave to quote
        asked = without_tick_instruction(t)
        if asked and not refuses_quotes(asked) and C.quote_leave_words(asked) and not C.limits_use(asked) \
                and not re.search(r"\b(?:if|unless|once|provided|after|subject\s+to|only)\b", asked, re.I) \
                and (truthy(asked, allow_numeric=False) is not False):
            said = statement_of(asked)
            return said or asked
        return None
    if t.endswith("?"):
        return None
    s = _ASIDE.sub(" ", _INSTRUCTION.sub("", t)).strip(" .:;-")
    s = re.sub(r"^you\s+are\b", "I am", s, flags=re.I)
    s = re.sub(r"^you're\b", "I'm", s, flags=re.I)
    s = re.sub(r"^you\b", "I", s, flags=re.I)
    s = re.sub(r"\byour\b", "my", s, flags=re.I)
    if truthy(s, allow_numeric=False) is not True or not C.quote_leave_words(s):
        return None
    return s


# a first-person statement of agreement to quoting or publishing, whatever it limits ("I agree that my comments may be
# quoted in internal reports only", "I agree that my photo may be published on the website")
_AGREES = re.compile(r"^\W*(?:(?:tick|check|mark|select)\s+(?:this\s+box\s+|here\s+)?(?:if|to\s+confirm)\s+)?"
                     r"(?:i|you|we)\s+(?:agree|consent|give|am\s+happy|'m\s+happy|are\s+happy)\b(?=.*(?:quot|publi))", re.I)


def states_consent(col: Column) -> bool:
    """Whether the column's header is itself a statement of consent to quoting or publishing ("I agree that my
    comments may be quoted in reports"): its cells answer a consent, never an open question, whether or not they
    read as ticks, and a file-level consent never stands in beside it."""
    return col.hint != "meta" and any(statement_of(t) or _AGREES.match(t.replace("\u2019", "'"))
                                      for t in (col.sub, col.question) if t and t.strip().lower() != "response")


def tick_statement(col: Column, values: list[str]) -> str | None:
    """The statement ticked in ``col`` if it is clearly a tick column, else None.

    The statement is the column's own (its row-2 label, else its question), or, under a header
    that is no statement ("Consent"), the one statement every ticked cell holds. Every answered
    cell is a mark (a tick, or a box written as left empty: "Unchecked", "[ ]") or that statement's
    words, and at least one cell is answered."""
    if col.hint == "meta":
        return None
    vals = {re.sub(r"\s+", " ", v.strip()) for v in values if v and v.strip()}
    if not vals:
        return None
    own = [t for t in (col.sub, col.question) if t and t.strip().lower() != "response"]
    for text in own:
        said = statement_of(text)
        if said and all(_mark(v) is not None or same_words(v, text) for v in vals):
            return said
    if len(vals) == 1 and re.search(r"consent|permission|quot|publi", f"{col.id} {col.question} {col.sub}", re.I):
        # Google Forms' one-option checkbox under "Consent": the option's words where ticked
        (only,) = vals
        if not re.search(r";|,\s+I\b", only):
            return statement_of(only)
    return None


def ticked(cell: str, col: Column, statement: str) -> bool | None:
    """Consent in a tick column: a tick (a mark or the statement's words) gives it, an empty box does
    not; anything else (a row past the sample that says "No" or "Maybe") is not read (None)."""
    v = re.sub(r"\s+", " ", (cell or "").strip())
    if not v:
        return False
    own = [t for t in (col.sub, col.question, statement) if t]
    mark = _mark(v)
    if mark is not None:
        return mark
    return True if any(same_words(v, t) for t in own) else None
