"""Numbers that identify someone by their cue word and their shape: a meeting's ID and passcode ("Meeting ID: 845
2231 9904", "Zoom 84522319904 passcode 1234"), and a check, registration or staff number ("WWCC 1234567A", "Working
with Children Check number is 1234567A-01", "my AHPRA number MED0001234567", "employee no. E20931").

The cue says what the number is; the shape keeps counts, times and years out ("staff 2024", "the meeting at 1530",
"NHS 111"): a meeting ID has nine digits or more, any other number four digits or more and is no year.
Plain functions of the text, returning ``(start, end, source)``.
"""
from __future__ import annotations

import re

#: What names a meeting: "Meeting ID:", "Zoom", "Teams meeting ID", "webinar ID".
_MEETING = re.compile(
    r"\b(?i:(?:zoom|teams|webex)(?:\s+(?:meeting|webinar|call))?|meeting|webinar|conference)"
    r"(?:\s+(?i:id|number|no\.?|code))?(?:\s+(?i:is|was))?\s*[:#]?\s*"
    r"(\d{3}[ \-]?\d{3,4}[ \-]?\d{3,4}(?:[ \-]?\d{2,4})?)(?![\w\-]|[.,]\d)")
#: A meeting's passcode or password: four characters or more, a digit among them.
_PASSCODE = re.compile(r"\b(?i:pass\s?code|password|passwd|pwd|access\s+code|meeting\s+code)(?:\s+(?i:is|was))?\s*[:#]?\s*"
                       r"((?=[A-Za-z]*\d)[A-Za-z0-9]{4,12})(?![\w\-])")
#: Checks, registrations and workplace numbers that belong to one person.
_CHECK_CUE = (r"working\s+with\s+children(?:['’]s)?(?:\s+(?:check|card|clearance))?|wwcc?(?:\s+check)?|blue\s+card"
              r"|police\s+check|dbs(?:\s+check)?|vit|ahpra|nmc|gmc|hcpc|registration|rego|nhs|staff|employee|payroll")
_NUMBER_WORDS = r"(?:\s+(?:number|no\.?|num|id|#|registration|reg\.?|card|check|is|was))"
_CHECK = re.compile(
    r"\b(?i:" + _CHECK_CUE + r")" + r"(?i:" + _NUMBER_WORDS + r"){0,3}\s*[:#]?\s*"
    r"(\d{3}\s\d{3}\s\d{4}|(?=(?:[A-Za-z\-]*\d){4})[A-Za-z]{0,4}\d[A-Za-z0-9]*(?:-[A-Za-z0-9]{1,4})?)(?![\w\-]|[.,]\d)")
_YEARS = re.compile(r"(?:19|20)\d\d(?:[\-/]\d\d(?:\d\d)?)?")
#: Counts after the number ("staff 1200 people"): no one's number.
_COUNT_AFTER = re.compile(r"\s*(?:%|per\s?cent|people|staff|members|hours?|hrs?|mins?|minutes?|days?|weeks?|years?|km)\b", re.I)


def cued_ids(text: str) -> list[tuple[int, int, str]]:
    """Meeting IDs, passcodes and check / registration / staff numbers in ``text``, by their cue word and shape."""
    out = []
    for m in _MEETING.finditer(text):
        if sum(c.isdigit() for c in m.group(1)) >= 9:
            out.append((m.start(1), m.end(1), "meeting_id"))
    for m in _PASSCODE.finditer(text):
        out.append((m.start(1), m.end(1), "passcode"))
    for m in _CHECK.finditer(text):
        if _YEARS.fullmatch(m.group(1)) or _COUNT_AFTER.match(text, m.end(1)):
            continue
        out.append((m.start(1), m.end(1), "check_number"))
    return out
