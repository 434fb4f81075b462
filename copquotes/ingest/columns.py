"""Which survey column is what: identity, respondent id, date, consent, open question.

Open questions are found from a sample of rows: free text has long, varied answers;
Likert items, multiple choice (also multi-select lists like Forms' ``"A;B;"``),
numbers, dates and identity columns are not open. Vendor hints decide first where
they are reliable (a Qualtrics ``QID..`` choice column is never open; a
SurveyMonkey ``Open-Ended Response`` column nearly always is).
"""
from __future__ import annotations

import re
from collections import Counter

from ..errors import ConfigError, InputError
from .base import _ASKS_LEAVE, EMAIL, PUBLIC_TOO, truthy, unsure_yes, without_tick_instruction
from .tables import Column

SKIP_ANSWERS = {
    "", "n/a", "na", "n.a", "n a", "-", "--", "---", ".", "..", "...", "nil", "no", "none", "nothing",
    "not applicable", "no comment", "no comments", "nope", "null", "?", "x", "no thanks", "no thank you",
    "nothing further", "nothing else", "nothing to add", "no further comments", "none thanks",
    "none thank you", "nah", "not really", "nothing really", "no thank you.", "no, thank you", "no, thanks",
    "nothing at this stage", "not at this stage", "nothing comes to mind", "n/a.", "na.", "none.", "no.", "nil.", "nothing.",
    # what a survey tool or a data team writes into a cell nobody answered (NHS Friends and Family Test
    # exports write "Did not answer": 1,189 of the 7,908 comments of the public pxtextmining file): a placeholder,
    # never the respondent's words
    "did not answer", "didn't answer", "not answered", "no answer", "no answer given", "no response given",
    "question not answered", "skipped",
    # a box ticked or crossed: a mark, never words to quote
    "\u2713", "\u2714", "\u2717", "\u2718", "\u2611", "\u2612", "\u2705", "\u274c", "\u2610", "\u2716", "\u274e",
    "[x]", "[ ]", "[]", "checked", "unchecked", "ticked", "unticked",
}


_SKIP_MAX = max(len(s) for s in SKIP_ANSWERS) + 8


def is_skip_answer(text: str) -> bool:
    """True if the whole answer is a non-answer ("n/a", "-", "nil", "no", "none"...)."""
    if len(text) > _SKIP_MAX * 2:
        return False
    t = re.sub(r"\s+", " ", re.sub(r"[\ufe0e\ufe0f]", "", text).strip().lower())
    if len(t) > _SKIP_MAX:
        return False
    if t in SKIP_ANSWERS:
        return True
    return re.sub(r"[\s.!,;:]+$", "", t) in SKIP_ANSWERS


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


# identity columns by normalised name (column id or question text)
_IDENTITY_EXACT = {
    # person
    "name": ("person", "full"), "fullname": ("person", "full"), "yourname": ("person", "full"),
    "firstname": ("person", "first"), "givenname": ("person", "first"), "preferredname": ("person", "first"),
    "lastname": ("person", "last"), "surname": ("person", "last"), "familyname": ("person", "last"),
    "recipientfirstname": ("person", "first"), "recipientlastname": ("person", "last"),
    "recipientname": ("person", "full"), "respondentname": ("person", "full"),
    "participantname": ("person", "full"), "contactname": ("person", "full"), "namefull": ("person", "full"),
    # email
    "email": ("email", ""), "emailaddress": ("email", ""), "recipientemail": ("email", ""),
    "youremail": ("email", ""), "youremailaddress": ("email", ""), "emailaddressoptional": ("email", ""),
    "emailoptional": ("email", ""), "workemail": ("email", ""), "contactemail": ("email", ""),
    # phone
    "phone": ("phone", ""), "phonenumber": ("phone", ""), "mobile": ("phone", ""), "mobilenumber": ("phone", ""),
    "telephone": ("phone", ""), "contactnumber": ("phone", ""), "recipientphone": ("phone", ""),
    "recipientphonenumber": ("phone", ""),
    # other identifying values (never text, never identifiers: machine ids and locations)
    "ipaddress": ("other", "machine"), "ip": ("other", "machine"),
    "locationlatitude": ("other", "machine"), "locationlongitude": ("other", "machine"),
    "latitude": ("other", "machine"), "longitude": ("other", "machine"),
    "locationaccuracy": ("other", "machine"),
    "externalreference": ("other", ""), "externaldatareference": ("other", ""),
    "externalref": ("other", ""), "customdata": ("other", ""), "address": ("other", ""),
    "streetaddress": ("other", ""), "homeaddress": ("other", ""), "postaladdress": ("other", ""),
    "contactdetails": ("other", ""), "contactinformation": ("other", ""),
    # the organisation someone works for: never text; a name to redact where an answer mentions it
    "organisation": ("org", ""), "organization": ("org", ""), "yourorganisation": ("org", ""),
    "yourorganization": ("org", ""), "organisationname": ("org", ""), "organizationname": ("org", ""),
    "nameoforganisation": ("org", ""), "nameoforganization": ("org", ""), "employer": ("org", ""),
    "workplace": ("org", ""), "school": ("org", ""), "schoolname": ("org", ""), "yourschool": ("org", ""),
    "agency": ("org", ""), "company": ("org", ""),
}
_IDENTITY_QUESTION = [
    (re.compile(r"^(?:please\s+)?(?:enter|provide|give|type|write)?\s*(?:your\s+)?(?:full\s+|first\s+|given\s+|preferred\s+)?name\b(?!\s+(?:one|two|three|a|an|the|any|some)\b)", re.I), ("person", "full")),
    (re.compile(r"\bwhat\s+is\s+your\s+(?:full\s+|first\s+|preferred\s+)?name\b", re.I), ("person", "full")),
    # "Please tell us your name (optional)", "If you'd like a reply, leave your name", "Your full name"
    (re.compile(r"\byour\s+(?:full\s+|first\s+|given\s+|preferred\s+)?name\b(?!\s+(?:to\s+appear|appear|be\s+used|used|with|next\s+to|on|in|published|attached|included|shown))", re.I), ("person", "full")),
    (re.compile(r"^\s*(?:full\s+)?name\s*\(?(?:optional|if\s+you\s+wish|not\s+required)\)?\s*[:?]?\s*$", re.I), ("person", "full")),
    (re.compile(r"\b(?:your\s+)?(?:sur|last\s+|family\s+)name\b", re.I), ("person", "last")),
    (re.compile(r"\be-?mail\b", re.I), ("email", "")),
    (re.compile(r"\b(?:phone|mobile|telephone|contact)\s*(?:number|no\.?)\b|^\s*(?:phone|mobile)\b", re.I), ("phone", "")),
    (re.compile(r"\bip\s*address\b|\blatitude\b|\blongitude\b", re.I), ("other", "machine")),
    (re.compile(r"\bcontact\s+details\b|\bpostal\s+address\b|\bhome\s+address\b", re.I), ("other", "")),
]
_CONTACT_HINT = re.compile(r"\b(contact|details|follow[\s-]?up|reach\s+you|get\s+in\s+touch|your\s+(?:name|email|information|info))\b|"
                           r"\bcontact\s+info", re.I)
_RESPONDENT_ID = {"responseid", "respondentid", "id", "recordid", "responseno", "respondent", "responsenumber",
                  "participantid", "respondentno", "submissionid", "entryid"}
_DATE_COLUMNS = {"startdate", "enddate", "recordeddate", "starttime", "completiontime", "lastmodifiedtime",
                 "timestamp", "date", "submitted", "submittedat", "submissiondate", "datesubmitted",
                 "completed", "completedat", "datecompleted", "responsedate", "createdat", "v8", "v9",
                 "submitdate", "submittime", "submissiontime", "datestamp", "datestarted", "datelastaction",
                 # Jisc Online Surveys ("Started on", "Completed on"), SmartSurvey ("Started", "Ended")
                 "startedon", "completedon", "submittedon", "endedon", "started", "ended"}
_TIME_ZONE = re.compile(r"\s*\((?:utc|gmt|[a-z]{3,4})(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\)\s*$", re.I)


def date_column(text: str) -> bool:
    """Whether a column name is a survey tool's date of the response: a known name, also with its time
    zone (Typeform's "Submit Date (UTC)"), or a timestamp (REDCap's "Survey Timestamp", "feedback_timestamp")."""
    name = _TIME_ZONE.sub("", str(text or ""))
    k = _key(name)
    # a timestamp is a short field name ("Survey Timestamp", "cop_feedback_timestamp"), never a question
    # that ends in the word ("Any comments on the session timestamp?")
    short = len(name.split()) <= 3 and "?" not in name
    return k in _DATE_COLUMNS or (k.endswith("timestamp") and len(k) <= 40 and short)
_STATUS_COLUMNS = {"status", "responsetype"}
_META_COLUMNS = {"progress", "durationinseconds", "duration", "finished", "distributionchannel", "userlanguage",
                 "collectorid", "responseset", "language", "totalpoints", "quizfeedback", "score", "sc0",
                 "qrecaptchascore", "qrelevantidduplicate", "qrelevantidduplicatescore", "qrelevantidfraudscore",
                 "qrelevantidlaststartdate", "qballotboxstuffing", "qtotalduration", "qurl", "qlanguage",
                 "qchlbrowser", "qchlversion", "qchlos", "qchlresolution", "gradepostedtime",
                 # the browser's and the form tool's own fields (Alchemer, Typeform, JotForm)
                 "useragent", "referer", "referrer", "sessionid", "networkid", "responsetoken", "token"}

_OPEN_HINT = re.compile(
    r"\b(what|why|how\s+(?:has|have|did|does|do|could|can|would|might|will|is|was)|describe|explain|"
    r"comments?|suggest(?:ion)?s?|feedback|anything|tell\s+us|please\s+(?:share|describe|explain|specify|tell|comment|elaborate|provide)|"
    r"in\s+your\s+own\s+words|examples?|improve(?:d|ments?)?|valuable|valued|highlight|reflect(?:ion)?s?|"
    r"learn(?:t|ed|ing)?|changed?|differently|challenges?|barriers?|thoughts?|experiences?|insights?|"
    r"elaborate|additional|share|one\s+thing|(?:will|would|could|did|do)\s+you|advice|tips?|story|stories|moment|"
    r"highlights?|take[\s-]?aways?|learnings?|lessons?|ideas?|recommendations?|worked\s+well|went\s+well|"
    r"best\s+(?:thing|part|bit)s?|most\s+(?:useful|helpful|valuable|important|memorable|significant|meaningful)|"
    r"least\s+(?:useful|helpful|valuable)|favou?rite|liked?|enjoy(?:ed)?)\b",
    re.I,
)
# wording that only an open question has: short answers to these are still answers
_OPEN_STRONG = re.compile(
    r"\b(comments?|anything\s+else|any\s+other|feedback|suggestions?|tell\s+us|please\s+(?:describe|explain|share|elaborate|comment)|"
    r"in\s+your\s+own\s+words|why\b|(?:would|could|should|can)\s+(?:you|we)\s+(?:change|improve|do\s+(?:better|differently))|"
    r"do\s+better|be\s+improved|(?:one\s+thing|anything)\s+you\s*(?:would|'d)\s+change)",
    re.I,
)
_ANTI_SCALE = re.compile(
    r"\b(rate|rating|how\s+(?:satisfied|likely|much|many|often|long|useful|relevant|well)|to\s+what\s+extent|"
    r"(?:strongly\s+)?(?:agree|disagree)|select|choose|tick|which\s+of\s+the\s+following|nps|score|"
    r"number\s+of|how\s+long\s+have|years?\s+of\s+experience|attend(?:ed|ance)?)\b",
    re.I,
)
_ANTI_DEMO = re.compile(
    r"\b(age|gender|pronouns?|postcode|post\s+code|suburb|town|city|state|region|location|"
    r"organi[sz]ation|agency|employer|workplace|school|role|position|job|title|sector|team|"
    r"date|time|name|e-?mail|phone|cohort|group|session)\b",
    re.I,
)
_OPEN_OVERRIDE = re.compile(
    r"\b(comments?|feedback|suggest\w*|anything\s+else|tell\s+us|describe|explain|why|please\s+share|"
    r"in\s+your\s+own\s+words|examples?)\b",
    re.I,
)
_LIKERT = re.compile(
    r"^(strongly\s+)?(agree|disagree)$|^(somewhat|slightly|mostly|moderately|very|extremely|quite|not\s+at\s+all|not\s+very|fairly)\s+\w+$|"
    r"^neither\b|^neutral$|^(yes|no|maybe|unsure|not\s+sure|don'?t\s+know|prefer\s+not\s+to\s+say|n/?a)$|"
    r"^(always|often|sometimes|rarely|never|usually|seldom)$|^(excellent|very\s+good|good|fair|poor|very\s+poor|average|ok|okay)$|"
    r"^(very\s+)?(satisfied|dissatisfied|unsatisfied|likely|unlikely|useful|helpful|relevant|important)$|"
    r"^(not\s+)?(at\s+all\s+)?(satisfied|likely|useful|helpful|relevant|important)(\s+at\s+all)?$|"
    r"^(a\s+)?(great|good|moderate|small|little)\s+(deal|extent|amount|bit)$|^(to\s+)?(a|some|no)\s+\w*\s*extent$|"
    r"^\d+(\.\d+)?\s*[-–:=]\s*\w+(\s+\w+){0,4}$|^(male|female|man|woman|non-?binary|other)$",
    re.I,
)
_NUMERIC = re.compile(r"^[-+]?[$€£]?\d[\d,]*(\.\d+)?%?$")
_DATE = re.compile(
    r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?\s*(am|pm|AM|PM)?([+-]\d{2}:?\d{2}|Z)?)?$|"
    r"^\d{1,2}:\d{2}(:\d{2})?\s*(am|pm)?$"
)
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F']+")
_STAFF_HEADER = re.compile(r"\b(?:evaluator|coder|analyst|researcher|reviewer|admin|staff\s+use|internal)\s*"
                           r"(?:'s\s+)?(?:comments?|notes?|memos?|use|only)\b|\bmemos?\b|\bfor\s+office\s+use\b|"
                           r"\bnotes?\s+\((?:coder|evaluator|internal|staff)\)", re.I)
# a header naming a record's identifier ("Comment ID", "Response_Id", "Ref no.", "Case number"): its
# values are keys, never answers, whatever words the header holds ("comment")
_ID_HEADER = re.compile(r"(?i:(?:\b|_)(?:ids?|identifier|ref(?:erence)?(?:\s*(?:no|number))?|no|number|code|key|[ug]uid)\.?\s*$)|"
                        r"[a-z]I[Dd]$")
_CONSENT_QUOTE = re.compile(
    r"quot(?:e|ed|es|ing)|publish|publication|in\s+(?:our|any|the|future)?\s*reports?|promotional|marketing|"
    r"social\s+media|funding|annual\s+report|"
    r"use\s+(?:your|these|my|the|any)\s+(?:\w+\s+)?(?:comments|words|responses|feedback|answers|quotes|stories)|"
    r"(?:comments|words|responses|feedback|answers)\s+(?:\w+\s+){0,3}(?:used|shared|published|quoted)|"
    r"shar(?:e|ing)\s+(?:your|these)\s+(?:comments|words|responses|feedback|story|stories|answers|experiences?)|"
    r"use\s+(?:of\s+)?(?:comments|words|responses|feedback|answers|quotes|stories)\b|use\s+what\s+you(?:'ve|\u2019ve|\s+have)?\s+(?:wrote|written|said|shared)|"
    r"(?:comments|words|feedback|story|stories)\s+(?:\w+\s+){0,3}(?:appear\w*|featured|included)|"
    r"\b(?:website|newsletter|brochures?|publicity|promot\w*|media)\b",
    re.I,
)

# quotes that are someone else's words, things a respondent used or heard, or a figure quoted to them
_QUOTE_OF_OTHERS = re.compile(
    r"\b(?:have|did|do)\s+you\s+(?:ever\s+)?(?:used|use|shared|share|heard|hear|read|found|find|remember|recall|collected|"
    r"posted|printed)\s+(?:any|a|the|some|those|these|that)?\s*quot\w*|"
    r"\bquot\w*\s+(?:research|evidence|statistics|data|figures|studies|a\s+study|the\s+literature|"
    r"an?\s+(?:\w+\s+)?(?:study|article|author|expert|poem|book|saying|proverb))\b|"
    r"\b(?:is\s+there|do\s+you\s+have|what\s+is|what's)\s+(?:a|any|one|your)\s+(?:favou?rite\s+)?quote\b|"
    r"\bquot\w*\s+(?:the\s+|a\s+|our\s+|your\s+)?(?:\w+\s+)?(?:time|hours?|prices?|costs?|fees?|figures?|amount|rates?|"
    r"commitment|workload|length|duration)\b|"
    r"\bquot\w*\s+from\s+(?:last\s+year|previous|the\s+(?:book|article|keynote|literature))|"
    # quotes someone saw or liked ("Did you see the quotes on the notice board?", "Did you like the quote wall?")
    r"\b(?:have|did|do|had)\s+you\s+(?:ever\s+)?(?:see|seen|saw|notice|noticed|like|liked|enjoy|enjoyed|spot|spotted|"
    r"look\s+at|looked\s+at)\s+(?:any|a|the|some|those|these|our|their)?\s*(?:\w+\s+)?quot\w*", re.I)

# a question about what happened ("Did our newsletter quote anyone you know?", "Have you been quoted before?") that asks
# no leave: never the quote consent
_ASKS_ABOUT_THE_PAST = re.compile(r"^\W*(?:did|have|has|had|was|were)\b", re.I)
_ASKS_ANY_LEAVE = re.compile(r"consent|permission|\bagree(?:d|s|ing)?\b(?!\s+with)|happy|\bok\b|okay|willing|comfortable|\bmind\b|allow|"
                             r"(?:can|may|could)\s+(?:we|i|our)\b", re.I)


def asks_about_the_past(q: str) -> bool:
    asked = re.findall(r"[^.?!\n]*\?", q or "")
    last = (asked[-1] if asked else q or "").strip()
    return bool(_ASKS_ABOUT_THE_PAST.match(last)) and not _ASKS_ANY_LEAVE.search(q or "")


# the respondent's own words named outright ("quote you", "your comments", "what you wrote")
_EXPLICITLY_THEIRS = re.compile(r"\bquot\w*\s+(?:you|your|me|my)\b|\b(?:your|my)\s+(?:own\s+)?(?:comments?|words|responses?|"
                                r"feedback|answers?|quotes?|stor(?:y|ies))\b|\bwhat\s+(?:you|i)\s+(?:wrote|said|shared)\b|"
                                r"\b(?:be|being|been)\s+quoted\b|\b(?:comments?|answers?|responses?|something|anything|what|things?|points?)\s+"
                                r"you\s+(?:made|gave|wrote|said|shared|told|raised)\b|"
                                r"\b(?:comments|responses|answers|feedback)\s+(?:\w+\s+){0,2}(?:from\s+)?(?:this|the)\s+survey\b|"
                                r"\bhappy\s+for\s+us\b|\b(?:can|may|could)\s+we\b|\bfor\s+us\s+to\s+use\b", re.I)


def _quotes_not_theirs(q: str) -> bool:
    """A question whose only word about publishing is a quote that is clearly not the respondent's
    words ("Did anyone quote research?", "Was the quoted time commitment realistic?", "Have you used
    any quotes from the sessions?"), and that neither asks leave to quote nor speaks of their words."""
    if not re.search(r"quot", q, re.I) or _CONSENT_QUOTE.search(re.sub(r"(?i)quot\w*", " ", q)):
        return False
    return bool(_QUOTE_OF_OTHERS.search(q)) and not _EXPLICITLY_THEIRS.search(q)


# use for the evaluation itself is not leave to quote: "Can we use your responses for evaluation purposes?"
_CONSENT_INTERNAL = re.compile(r"evaluat|research|analys|aggregate|statistic|improv\w*\s+(?:the|our|this)", re.I)
_CONSENT_PUBLIC = re.compile(r"quot|publi|website|newsletter|social\s+media|promot|annual\s+report|funding|marketing|"
                             r"brochure|media", re.I)
_CONSENT_ASK = re.compile(
    r"consent|permission|happy|agree|\bok\b|okay|may\s+we|can\s+we|willing|allow|do\s+you\s+give|comfortable|"
    r"would\s+you|are\s+you|\?",
    re.I,
)
_CONSENT_NOT = re.compile(r"particip|take\s+part|complete\s+(?:this|the)\s+survey|contact(?:ed)?\s+(?:you|me)|follow[-\s]?up|interview", re.I)
# leave to use a photo or a film of someone is not leave to quote their words
_CONSENT_IMAGE = re.compile(r"\b(?:photo\w*|pictures?|images?|video\w*|film\w*|likeness|headshots?)\b", re.I)
_THEIR_WORDS = re.compile(r"quot|comment|\bwords\b|respons|feedback|answers|stor(?:y|ies)|\bsaid\b|\bwrote\b|written|"
                          r"testimon\w*|reflection|experience|interview|\btold\b|thoughts|views|voice", re.I)


# the fields of a SurveyMonkey "Contact information" question (row-2 labels under one question)
_CONTACT_FIELDS = {
    "name": ("person", "full"), "fullname": ("person", "full"), "firstname": ("person", "first"),
    "lastname": ("person", "last"), "emailaddress": ("email", ""), "email": ("email", ""),
    "phonenumber": ("phone", ""), "phone": ("phone", ""), "mobile": ("phone", ""),
    "company": ("org", ""), "organisation": ("org", ""), "organization": ("org", ""), "employer": ("org", ""),
    "address": ("other", ""), "address2": ("other", ""), "streetaddress": ("other", ""),
    "citytown": ("place", ""), "city": ("place", ""), "town": ("place", ""), "suburb": ("place", ""),
    # too coarse to redact ("Victoria" must survive), still never text
    "stateprovince": ("other", "machine"), "state": ("other", "machine"), "zippostalcode": ("other", "machine"),
    "postcode": ("other", "machine"), "country": ("other", "machine"),
}


# a request to quote that promises to leave the name out ("Can we quote you (without your name)?", "May we
# quote you? We will not publish your name."): a consent question, not a question asking for the name
_NAME_LEFT_OUT = re.compile(r"(?=.*(?:quot|publi|report|use\s+your|your\s+(?:comments|words|feedback)))"
                            r"(?:.*\b(?:without|not|never|no|n't)\b[^.?!]{0,30}\bnames?\b|.*\bnames?\b[^.?!]{0,20}"
                            r"\b(?:not|never|won't|removed|withheld|left\s+out)\b)", re.I | re.S)


def identity_of(col: Column) -> tuple[str, str] | None:
    """``(kind, name_part)`` if the column holds identity values, else None."""
    if col.sub and col.hint != "meta" and _key(col.sub) in _CONTACT_FIELDS and \
            _CONTACT_HINT.search(col.question.rsplit(" - ", 1)[0] if " - " in col.question else col.question):
        return _CONTACT_FIELDS[_key(col.sub)]
    for text in (col.id, col.question, col.sub if col.hint == "meta" else ""):
        k = _key(text)
        if not k:
            continue
        if k in _IDENTITY_EXACT:
            return _IDENTITY_EXACT[k]
        if re.match(r"^customdata\d*$", k) or re.match(r"^recipient(?:first|last)?name$", k):
            return ("other", "") if k.startswith("custom") else ("person", "full")
    q = col.question or ""
    if len(q) <= 120:
        for pattern, result in _IDENTITY_QUESTION:
            if pattern.search(q):
                # "email" inside a longer open question ("...would you like us to email you...")
                if result[0] == "email" and len(q.split()) > 8:
                    continue
                if result[0] == "person" and (len(q.split()) > 10 or _NAME_LEFT_OUT.search(q)):
                    continue
                return result
    return None


def profile(values: list[str]) -> dict:
    """Statistics of a column's non-empty sample values."""
    vals = [v.strip() for v in values if v and v.strip() and not is_skip_answer(v)]
    n = len(vals)
    if not n:
        return {"n": 0, "distinct": 0, "mean_words": 0.0, "max_words": 0, "numeric": 0.0, "date": 0.0,
                "likert": 0.0, "listish": 0.0, "segment_repeat": 0.0, "distinct_ratio": 0.0, "codes": 0.0}
    words = [len(_WORD.findall(v)) for v in vals]
    counts = Counter(v.lower() for v in vals)
    listish = sum(1 for v in vals if re.search(r";\s*$", v) or v.count(";") >= 1)
    segs = [s.strip().lower() for v in vals for s in re.split(r"[;]", v) if s.strip()]
    seg_counts = Counter(segs)
    seg_repeat = (1 - len(seg_counts) / len(segs)) if segs else 0.0
    return {
        "n": n,
        "distinct": len(counts),
        "distinct_ratio": len(counts) / n,
        "mean_words": sum(words) / n,
        "max_words": max(words),
        "numeric": sum(1 for v in vals if _NUMERIC.match(v)) / n,
        "date": sum(1 for v in vals if _DATE.match(v)) / n,
        "likert": sum(1 for v in vals if _LIKERT.match(v)) / n,
        "listish": listish / n,
        "segment_repeat": seg_repeat,
        "codes": sum(1 for v in vals if _is_code(v)) / n,
    }


def _is_code(value: str) -> bool:
    """A record key rather than words: a digit, at most six tokens, at most one word that is not in
    capitals ("NEAS PTS 528 - Q1", "R_3kX9", "Resp-0042")."""
    tokens = value.split()
    if not re.search(r"\d", value) or len(tokens) > 6:
        return False
    if len(tokens) == 1 and len(value) >= 8 and re.search(r"[^\W\d_]", value):
        return True   # a token: "k3j9x80abqz7w2v1m0ncl", "R_3kX9aBc1"
    return sum(1 for w in _WORD.findall(value) if len(w) > 1 and not w.isupper()) <= 1


# a question that asks for a way to reach the respondent, however long it is ("If you'd like to go in
# the draw, please enter your name and email below", "please leave your name and a phone number")
_ASKS_CONTACT = re.compile(
    r"\b(?:enter|leave|provide|give|type|write|include|add|tell\s+us|put)\s+(?:us\s+)?(?:down\s+)?your\s+"
    r"(?:full\s+|first\s+)?(?:name|e-?mail|(?:phone|mobile|contact)(?:\s+(?:number|details))?)\b", re.I)
CONTACT_EMAIL = EMAIL
# a phone number: 9 digits or more, or 8 from a leading 0 or + (not "2024 - 2025")
CONTACT_PHONE = re.compile(r"(?<![\w])(?:\+|\(?0)[\d ()-]{6,}\d(?![\w])|(?<![\w])\(?\d(?:[ ()-]*\d){8,}(?![\w])")


def contact_column(col: Column, values: list[str]) -> bool:
    """Answers that are ways to reach the respondent (names, emails, phone numbers): to a question
    that asks for them, answered briefly, or with an email or a phone number in many answers.
    Identity values (redacted everywhere they occur), never text to analyse."""
    vals = [v.strip() for v in values if v and v.strip() and not is_skip_answer(v)]
    if not vals:
        return False
    mean = sum(len(_WORD.findall(v)) for v in vals) / len(vals)
    if mean >= 8:   # sentences ("I call 1800 737 732 when things get heavy"): an open question
        return False
    reachable = sum(1 for v in vals if CONTACT_EMAIL.search(v) or CONTACT_PHONE.search(v))
    return reachable >= max(1, 0.4 * len(vals)) or bool(_ASKS_CONTACT.search(f"{col.question} {col.sub}"))


def choice_label_column(col: Column, values: list[str]) -> bool:
    """A check-box column whose ticked cells repeat its own option label (SurveyMonkey row 2
    ``Our Watch toolkit``, Qualtrics ``... - Selected Choice - Option``): a choice, never text."""
    vals = {re.sub(r"\s+", " ", v.strip().lower()) for v in values if v and v.strip()}
    if not vals:
        return False
    labels = {re.sub(r"\s+", " ", x.strip().lower()) for x in (col.sub, (col.question or "").rsplit(" - ", 1)[-1]) if x and x.strip()}
    return vals <= labels


_PERSON_NAME = re.compile(
    r"^(?:(?:dr|mr|mrs|ms|mx|prof)\.?\s+)?[A-Z\u00C0-\u00DE][a-z\u00DF-\u00FF'’-]+"
    r"(?:\s+(?:(?:van|von|de|da|di|del|der|le|la|bin|binti|al)\s+)?[A-Z\u00C0-\u00DE][a-zA-Z\u00C0-\u00FF'’-]+){1,3}$"
)
_ASKS_FOR_PERSON = re.compile(r"\b(who|whom|names?|facilitat\w*|contact|person|manager|supervisor|colleague)\b", re.I)


def names_column(col: Column, values: list[str]) -> bool:
    """Answers that are people's full names ("Jane Smith", "Dr Tom Nguyen") to a question asking for a
    person ("Who facilitated your session?"): identity values, never text to analyse."""
    vals = [v.strip() for v in values if v and v.strip() and not is_skip_answer(v)]
    if len(vals) < 2 or not _ASKS_FOR_PERSON.search(f"{col.id} {col.question} {col.sub}"):
        return False
    return sum(1 for v in vals if _PERSON_NAME.match(v)) >= 0.7 * len(vals)


def looks_open(col: Column, stats: dict) -> bool:
    """Is ``col`` an open-text question, from its vendor hint, question text and sample values?"""
    if col.hint == "meta":
        return False
    n = stats["n"]
    if n == 0:
        return False
    if col.hint == "choice":
        # a Qualtrics ImportId without _TEXT is a choice, a matrix cell or a form field; only a
        # form field ("Reflecting on the series: - What worked well") holds long, all-different answers
        return (stats["mean_words"] >= 8 and stats["distinct_ratio"] >= 0.8 and stats["likert"] < 0.2
                and stats["numeric"] < 0.2 and stats["date"] < 0.2)
    if stats["numeric"] >= 0.8 or stats["date"] >= 0.8 or stats["codes"] >= 0.8:
        return False
    mean = stats["mean_words"]
    if _STAFF_HEADER.search(f"{col.id} {col.question}"):
        return False   # the evaluator's own notes beside the answers ("Evaluator comment", "Coder notes")
    header = (col.id or col.question or "").strip()
    if _ID_HEADER.search(header) and len(_WORD.findall(header)) <= 4 and stats["codes"] >= 0.5:
        return False
    ratio = stats["distinct_ratio"]
    if stats["likert"] >= 0.6 and mean < 6:
        return False
    if stats["listish"] >= 0.5 and stats["segment_repeat"] >= 0.3 and mean < 12:
        return False  # multi-select answers like "Option A;Option B;"
    # with many answers, few distinct values means choices
    if n >= 8 and ratio < 0.35:
        return False
    question = f"{col.question} {col.sub}"
    hinted = bool(_OPEN_HINT.search(question))
    short = len(_WORD.findall(col.question or "")) <= 6 or bool(
        re.match(r"^\s*(what\s+is\s+your|what\s+(?:type|kind|sort)\s+of|what\s+best\s+describes|your|which|"
                 r"in\s+which|where|how\s+old|select|current|please\s+(?:select|choose|indicate))\b",
                 col.question or "", re.I))
    anti = (bool(_ANTI_SCALE.search(question)) or (short and bool(_ANTI_DEMO.search(question)))) \
        and not _OPEN_OVERRIDE.search(question)
    if anti:
        return mean >= 12 and ratio >= 0.7
    if col.hint == "other_specify":
        return mean >= 8 and ratio >= 0.6
    if col.hint == "text_entry":
        return mean >= 2 or (hinted and mean >= 1)
    if col.hint == "choice_or_text":
        return mean >= 6 and ratio >= 0.7
    if mean >= 8 and ratio >= 0.6:
        return True
    if _OPEN_STRONG.search(question) and stats["likert"] < 0.3 and ratio >= 0.5:
        return True
    return hinted and mean >= 3 and ratio >= 0.5


_UNINFORMATIVE_HEADER = re.compile(
    r"^\s*(?:q(?:uestion)?\s*[-_#.]?\s*\d+[a-z]?(?:[-_.]\d+)*|col(?:umn)?\s*\d+|field\s*\d+|unnamed(?::\s*\d+)?|"
    r"(?:your\s+)?(?:response|responses|answer|answers|reply)|text|free[\s-]*text|open[\s-]*text|open[\s-]*ended(?:\s+response)?|"
    r"verbatim|input|entry|value)?\s*[:?]?\s*$", re.I)


def looks_free_text(col: Column, values: list[str]) -> bool:
    """The last resort when no column reads as an open question: a header that says nothing
    ("Response", "Text", "Q5", none) over answers that are short sentences, all different, not
    scales, numbers, dates or lists."""
    if col.hint in ("meta", "choice", "other_specify"):
        return False
    if not _UNINFORMATIVE_HEADER.match(col.question or "") or (col.sub and not _UNINFORMATIVE_HEADER.match(col.sub)):
        return False  # a header with words of its own ("Accessibility needs") said what it is: not an open question
    question = f"{col.id} {col.question} {col.sub}"
    if _ANTI_SCALE.search(question) or _ANTI_DEMO.search(question):
        return False
    stats = profile(values)
    if not stats["n"] or stats["likert"] >= 0.2 or stats["numeric"] >= 0.2 or stats["date"] >= 0.2 \
            or stats["listish"] >= 0.5:
        return False
    vals = [v.strip() for v in values if v and v.strip() and not is_skip_answer(v)]
    digits = sum(1 for v in vals if re.search(r"\d", v)) / len(vals)  # addresses, codes, phone numbers
    return stats["mean_words"] >= 3 and stats["max_words"] >= 4 and stats["distinct_ratio"] >= 0.8 and digits < 0.3


def consent_value(value: str, mapping: dict | None = None, weak: bool = True) -> bool | None:
    v = (value or "").strip()
    if not v:
        return None
    if mapping:
        for k, b in mapping.items():
            if str(k).strip().lower() == v.lower():
                return truthy(b)
    return truthy(v, allow_numeric=False, weak=weak)


def _asked(col: Column) -> str:
    """What a column asks: its question, and the row-2 label under it unless that is only "Response"."""
    return (f"{col.question} {col.sub}" if col.sub and col.sub.lower() not in ("response",) else col.question) or ""


def set_aside(col: Column) -> bool:
    """A question about publishing that is not leave to quote the respondent: a photo or film release,
    or quotes that are clearly someone else's (unless a column id of its own says it is the quote
    consent, "quote_ok"). Never a yes to quoting; its "no" still means no quote (:func:`maybe_consent`)."""
    q = _asked(col)
    if _CONSENT_IMAGE.search(q) and not _THEIR_WORDS.search(q):
        return True
    return _quotes_not_theirs(q) and (col.id == col.question or not re.search(r"\bquote", col.id, re.I))


def names_their_words(col: Column) -> bool:
    return bool(_EXPLICITLY_THEIRS.search(_asked(col)))


def publishing_set_aside(col: Column) -> bool:
    """A question :func:`set_aside` that is about publishing something ("... on our website?"): a file-level
    consent never stands in beside it (the survey asked something like consent, and it was not read)."""
    q = f"{col.id} {col.question} {col.sub}"
    return set_aside(col) and bool(_CONSENT_PUBLIC.search(q)) and bool(_ASKS_LEAVE.search(q) or re.search(r"consent|permission", q, re.I))


# the respondent's own words (or them) as what is published: "your comments", "what you wrote", "your story",
# "you ... featured"; a question that only names a channel ("Would you like to receive our newsletter?", "Did you
# read our annual report?", "Do you follow us on social media?") asks nothing about their words
_YOUR_WORDS = re.compile(r"\b(?:your|my)\s+(?:own\s+)?(?:\w+\s+){0,2}?(?:comments?|words|responses?|feedback|answers?|"
                         r"stor(?:y|ies)|reflections?|thoughts|views|experiences?|testimon\w*|input|quotes?)\b|"
                         r"\bwhat\s+(?:you|i)(?:'ve|\s+have)?\s+(?:said|wrote|written|told|shared)\b|"
                         r"\b(?:you|i)\s+(?:said|wrote|told|shared)\b|"
                         # words named as what is used, without "your" ("Permission to use comments")
                         r"\b(?:us(?:e|ed|ing)|shar\w*|publish\w*|includ\w*|featur\w*|print\w*)\s+(?:of\s+)?(?:\w+\s+){0,2}?"
                         r"(?:comments?|words|responses?|feedback|answers?|stor(?:y|ies)|testimon\w*)\b|"
                         r"\b(?:comments?|words|responses?|feedback|answers?|stor(?:y|ies))\s+(?:\w+\s+){0,3}?"
                         r"(?:used|shared|published|included|featured|printed|appear\w*)\b", re.I)


# answers used to inform or shape something, not shown in it
_INFORMS = re.compile(r"\b(?:inform\w*|shape|feed\w*\s+into|contribut\w*\s+to|help\s+(?:us\s+)?(?:write|prepare|plan|improve))\b", re.I)


def _names_words(q: str) -> bool:
    """Whether a question about publishing is about the respondent's words: it says "quote", or names them."""
    return bool(re.search(r"quot", q, re.I) or _YOUR_WORDS.search(q) or _EXPLICITLY_THEIRS.search(
        re.sub(r"(?i)\bhappy\s+for\s+us\b|\b(?:can|may|could)\s+we\b|\bfor\s+us\s+to\s+use\b", " ", q)))


# a request to quote limited to uses that are not publishing ("... in our internal report?", "(for internal use
# only)", "... in aggregate form", "... but not for publication", "... to our funder only"): a yes is no leave
# to publish; the anonymity every quote has anyway ("anonymously only") is no limit
_LIMITED_USE = re.compile(r"\binternal\w*|\baggregate\w*|\bunpublished\b|\bnot\s+(?:be\s+)?(?:published|for\s+publication|"
                          r"made\s+public|public)\b|\bstaff\s+training\b|"
                          # any "only" left once the anonymity is taken out ("(funder only)", "- funder report only",
                          # "Your responses will only be seen by the evaluation team")
                          r"\bonly\b|"
                          # a narrower audience or channel named ("(staff newsletter)", "(board report)")
                          r"\b(?:staff|board|funders?|trustees?|commissioners?|management|managers?|colleagues)\b|"
                          r"\b(?:evaluation|research|project|programme|program|internal)\s+team\b|"
                          # a channel carved out ("(not for social media)", "(except the website)")
                          r"\bnot\s+(?:for|on|in|to|via|through|at)\b|\bexcept\b|\bexcl\b|(?<!name\s)(?<!names\s)\bexcluded\b|\bbut\s+not\b|"
                          r"\b(?:no|not)\s+(?:on\s+|in\s+|for\s+)?(?:social\s+media|socials|online|website|web|internet|"
                          r"newsletters?|press|media|publication)\b|\b(?:social\s+media|socials|online|website)\s+no\b|"
                          r"\brestrict\w*|\blimited\b|\bprivate(?:ly)?\b|\bconfidential\w*|"
                          # the team alone as the audience ("Quote consent (team)", "for the team")
                          r"[(\[]\s*(?:the\s+|our\s+)?(?:\w+\s+)?team\s*[)\]]|\b(?:for|to|within)\s+(?:the\s+|our\s+|your\s+)?team\b|"
                          # a consent not given yet or no longer current ("(pending)", "(TBC)", "(expired)")
                          r"\bpending\b|\btb[cd]\b|\bto\s+be\s+confirmed\b|\bunconfirmed\b|\bexpired\b|\blapsed\b|"
                          r"\bwithin\s+(?:the\s+|our\s+|your\s+)?(?:organi[sz]ation|team|service|agency|network|cop|group|sector)\b|"
                          r"\bexcluding\b(?!\s+(?:your|my|any)\s+(?:\w+\s+)?(?:name|names|identity|details)\b)|"
                          # a members-only place, even on a website ("our website (members' area)")
                          r"\bmembers?'?\s+(?:only|area|portal|forum|login)\b",
                          re.I)
_AUDIENCE_LIMIT = re.compile(
                          # an audience that is not the public: partner organisations, members, the group ("(CoP
                          # members)", "(partner organisations only)", "to other CoP members", "with partner agencies");
                          # not "Partners in Prevention" (a programme) nor "members of the public"
                          r"(?:\b(?:for|to|with|among|amongst|within|across|between)\s+(?:(?:the|our|other|fellow|your|its|their|all|"
                          r"current|existing|cop|network|sector|partner|member|organi[sz]ation|agency|program|programme|prevention|"
                          r"community)\s+)*|[(\[]\s*(?!as\b)(?:[\w-]+\s+){0,3}?)(?:partners?|members?)\b"
                          r"(?!\s+(?:of\s+the\s+public|in\s+prevention))|"
                          r"\b(?:to|with|among|amongst|within|between)\s+(?:(?:the|our|other|fellow|your|all)\s+)+(?:[\w-]+\s+)?"
                          r"(?:participants|attendees|cohort|group)\b|"
                          r"\bpartner\s+(?:organi[sz]ations?|agencies|orgs?|services)\b|\bmembers?'?\s+(?:only|area|portal|forum|bulletin)\b|"
                          # a members' or partners' channel ("our members' newsletter", "the partner e-news")
                          r"\b(?:members?'?|partners?'?)\s+(?:newsletters?|e-?news|e-?bulletins?|bulletins?)\b|\bmembership\b|"
                          r"\bsharepoint\b|\bteams\s+(?:channel|site|chat)\b|"
                          # an internal channel: a notice board, the intranet, the staff room
                          r"\bnotice\s*-?\s*boards?\b|\b(?:pin|bulletin|cork)\s*-?\s*boards?\b|\bintranet\b|\b(?:staff|lunch|tea)\s*-?\s*rooms?\b",
                          re.I)
_ANONYMOUSLY = re.compile(r"\b(?:only\s+)?(?:anonymous\w*|anonymi[sz]ed|de-?identified|unnamed|without\s+(?:your|my)\s+name)"
                          r"(?:\s+only)?\b|\bonly\s+(?:with|if)\s+(?:your|my)\s+(?:permission|consent|ok)\b|"
                          # "we will only use quotes anonymously", "only if you agree", "only with your name removed"
                          r"\bonly\s+(?:\w+\s+){1,3}?(?:anonymous\w*|anonymi[sz]ed|de-?identified)\b|"
                          r"\bonly\s+(?:\w+\s+){0,3}?(?:(?:if|when)\s+you\s+(?:agree|say\s+yes|consent|allow|give)|"
                          r"with\s+your\s+(?:permission|consent|ok|agreement))\b|"
                          r"\bonly\s+with(?:out)?\s+(?:your|my)\s+name\b|"
                          # a name kept out is the anonymity every quote has ("your name will be kept confidential")
                          r"\b(?:your|my)\s+(?:name|identity|details)\s+(?:will\s+be\s+|is\s+|are\s+|stays?\s+)?(?:kept\s+)?"
                          r"(?:confidential|private)\b", re.I)


def limited_use(col: Column) -> bool:
    """Whether the consent question or statement limits the use to something that is not publishing."""
    return limits_use(f"{col.question} {col.sub}")


def limits_use(text: str) -> bool:
    """Whether a consent question or header limits the use to something that is not publishing: internal, aggregate,
    not published, only some audience or channel, staff, board, funders, partners, members, a notice board, the
    intranet. The anonymity every quote has ("anonymously only") and an instruction to tick ("(tick only if you
    agree)") are no limit; the evaluation (its report) is where these quotes are published, so "for the evaluation"
    and "in the evaluation report" are none either, though "(evaluation only)" is one."""
    text = _ANONYMOUSLY.sub(" ", without_tick_instruction(text or ""))
    # an audience that is not the public limits the use unless the public is named too ("CoP members and our
    # website", "shared with partner organisations and published online")
    return bool(_LIMITED_USE.search(text) or _APPROVED_FIRST.search(text)
                or (_AUDIENCE_LIMIT.search(text) and not PUBLIC_TOO.search(text)))


# leave that waits on the respondent's approval or a check with them ("... once I approve them", "May we quote you
# once you have approved the quote?", "subject to your approval"): a yes there is for a reviewer to clear
_APPROVED_FIRST = re.compile(r"\b(?:once|after|when|if)\s+(?:i|you)\s+(?:have\s+|'ve\s+|had\s+)?(?:approv\w*|check\w*|"
                             r"seen|see|review\w*|sign\w*\s+off|agreed?\s+(?:to\s+)?(?:it|them|the\s+(?:quote|wording)))|"
                             r"\bsubject\s+to\s+(?:my|your)\s+(?:approval|review|sign-?off)\b|"
                             r"\b(?:check|approv\w*)\s+(?:\w+\s+){0,3}(?:with\s+(?:me|you)\s+)?(?:first|beforehand)\b", re.I)


def quote_leave_words(text: str) -> bool:
    """Words about quoting or publishing the respondent's own words: not consent to take part or to
    the evaluation's own use, not a photo or film release, not someone else's quotes."""
    if _CONSENT_NOT.search(text) and not re.search(r"quot", text, re.I) and not _CONSENT_PUBLIC.search(text):
        return False
    if _CONSENT_INTERNAL.search(text) and not _CONSENT_PUBLIC.search(text):
        return False
    if (_CONSENT_IMAGE.search(text) and not _THEIR_WORDS.search(text)) or _quotes_not_theirs(text):
        return False
    return bool(_CONSENT_QUOTE.search(text)) and _names_words(text)


# a question of how someone feels about a use ("Are you happy with how your feedback was used last year?")
_SATISFIED_WITH = re.compile(r"\b(?:happy|satisfied|pleased|content|comfortable)\s+with\s+(?:how|the\s+way|what)\b", re.I)


def looks_consent(col: Column, values: list[str], mapping: dict | None = None) -> float:
    """A score > 0 if ``col`` asks for permission to quote (question text + yes/no answers)."""
    q = _asked(col)
    if col.hint == "meta" or not q:
        return 0.0
    if _CONSENT_NOT.search(q) and not re.search(r"quot", q, re.I) and not _CONSENT_PUBLIC.search(q):
        return 0.0   # consent to take part, unless it also gives leave to publish ("... and in our annual report")
    if _CONSENT_INTERNAL.search(q) and not _CONSENT_PUBLIC.search(q):
        return 0.0
    if _INFORMS.search(q) and not re.search(r"quot|publish|appear|featur|includ", q, re.I):
        return 0.0   # their answers as data behind a report ("... to inform our annual report"), not words in it
    if asks_about_the_past(q):
        return 0.0   # "Did our newsletter quote anyone you know?": what happened, not leave to quote
    if _SATISFIED_WITH.search(q):
        return 0.0   # "Are you happy with how your feedback was used?": how they feel about it, not leave to quote
    has_quote = (bool(_CONSENT_QUOTE.search(q)) and _names_words(q)) or bool(re.search(r"\bquote", col.id, re.I))
    vals = [v for v in values if v and v.strip()]
    if has_quote and not (_CONSENT_ASK.search(q) or re.search(r"consent", q + col.id, re.I)):
        # a bare header ("Quotes") over answers that say yes or no to being quoted in so many words
        said = [v for v in vals if _CONSENT_PUBLIC.search(v) and consent_value(v, mapping, weak=False) is not None]
        return 1.0 if vals and len(said) >= 0.8 * len(vals) else 0.0
    if not has_quote:
        return 0.0
    if vals:
        # the question asks leave to quote: its answers are read as they would be in the consent column, so a column
        # of "Tak"/"Nie", "Checked"/"Unchecked" or "✓" and blanks is the consent too
        decided = sum(1 for v in vals if consent_value(v, mapping, weak=False) is not None
                      or (re.search(r"[^\W\d_]{2}", v) and consent_value(v, mapping) is not None) or unsure_yes(v))
        codes = all(re.fullmatch(r"\d{1,2}", v.strip()) for v in vals)  # numeric choice codes
        if decided / len(vals) < 0.6 and not codes:
            return 0.0
    return 2.0 if re.search(r"quot", q, re.I) else 1.0


# a header about consent, or about the use of the respondent's words (not their use of something)
_CONSENT_LIKE = re.compile(
    r"consent|permission|\bagree\s+(?:to|that|for)\b|\ballow\s+us\b|\bok(?:ay)?\s+(?:to|for|if)\b|happy\s+for\b|"
    r"\b(?:may|can)\s+we\b|quot|publi|\buse\s+of\s+(?:your\s+|my\s+)?(?:responses|comments|words|answers|feedback|data|stor)|"
    r"\b(?:use|share|sharing|used|shared)\s+(?:your|my|these|the|what)\b(?!\s+(?:resources?|tools?|materials?|slides?))", re.I)


_SCALE_ANSWER = re.compile(r"\b(?:dis)?agree\b|\bneutral\b|\bstrongly\b|satisf|\blikely\b|\bsomewhat\b|\bnot\s+at\s+all\b",
                           re.I)


# an offer to the respondent, which asks nothing about their words: the newsletter, a copy of the report, a follow-up
# call or interview ("May we add you to our mailing list for the newsletter?", "Would you like a copy of the report?",
# "Can we contact you about a follow-up interview?")
_OFFER = re.compile(
    r"\b(?:mailing|e-?mail|distribution|contact|subscriber|subscription)\s+lists?\b|\bsubscri(?:be|bing|ption)\b|"
    r"\bsign\s+(?:you\s+)?up\b|\b(?:add|put)\s+you\s+(?:to|on)\b|"
    r"\b(?:send|e-?mail|post|forward|give)\s+you\b|\bbe\s+(?:sent|e-?mailed|posted|given|added|kept\s+informed|kept\s+updated|"
    r"contacted|called|invited)\b|\b(?:receive|get)\s+(?:a\s+|the\s+|our\s+|any\s+)?(?:copy|copies|newsletters?|e-?news|updates?|"
    r"information|invitations?|report|summary)\b|\bcopy\s+of\b|\bkeep\s+you\s+(?:informed|updated|posted|in\s+the\s+loop)\b|"
    r"\b(?:contact|call|phone|ring|reach|invite)\s+you\b|\bget\s+in\s+touch\b|\bbeing\s+contacted\b", re.I)
# ... unless it also asks about their words, their taking part or them being shown ("Can we contact you to check your
# quote?", "May we send you the report and quote your comments in it?", "Can we feature you in our newsletter?")
_NOT_ONLY_AN_OFFER = re.compile(r"quot|\bparticipat\w*|\btake\s+part\b|\bus(?:e|ed|ing)\b|\bshar(?:e|ed|ing)\b|"
                                r"\bfeatur\w*|\binclud\w*|\bshow\w*|\bphoto\w*|\bimages?\b|\bvideo\w*|\bfilm\w*|"
                                r"\bpublish\s+(?:your|you|what|them|it\s+(?:with|under))|\bname\b|\b(?:your|my)\s+(?:own\s+)?"
                                r"(?:comments?|words|responses?|feedback|answers?|quotes?|stor(?:y|ies)|experiences?|views|thoughts)\b|"
                                r"\bwhat\s+you\b", re.I)


def only_an_offer(question: str) -> bool:
    """A yes/no question that offers the respondent something or asks to contact them, and asks nothing about their
    words, their taking part or them being shown: its "no" says nothing about quoting them (:data:`_OFFER`)."""
    return bool(_OFFER.search(question)) and not _NOT_ONLY_AN_OFFER.search(question)


def maybe_consent(col: Column, values: list[str]) -> bool:
    """A column of yes/no answers (or answer codes) to a question about consent or about the use of
    the answers ("Consent", "Permission to use", "Use of responses", "I consent to participate and
    for my responses to be used") that is not the quote consent: its "no" is never overridden (a
    "no" to any consent question means no quote), and the ingest warns about it."""
    q = f"{col.id} {col.question} {col.sub}"
    if col.hint == "meta" or not (_CONSENT_LIKE.search(q) or publishing_set_aside(col)) or only_an_offer(q):
        return False
    vals = [v.strip() for v in values if v and v.strip()]
    if not vals or sum(1 for v in vals if _SCALE_ANSWER.search(v)) >= 0.3 * len(vals):
        return False   # "Agree" / "Strongly disagree" answer a scale, not a consent question
    if all(re.fullmatch(r"\d{1,2}", v) for v in vals):
        return True   # answer codes: which is "no" is not known (consent_values says)
    decided = [truthy(v, allow_numeric=False) for v in vals]
    return sum(d is not None for d in decided) >= 0.8 * len(vals) and False in decided


def match_columns(names, columns: list[Column], what: str, path) -> list[Column]:
    """Columns named in a manifest (by id, question text or a unique part of it)."""
    out: list[Column] = []
    for name in names:
        want = re.sub(r"\s+", " ", str(name).strip()).lower()
        exact = [c for c in columns if c.id.lower() == want or re.sub(r"\s+", " ", c.question).lower() == want]
        if not exact:
            exact = [c for c in columns if want and want in re.sub(r"\s+", " ", c.question).lower()]
        if not exact:
            ids = ", ".join(c.id for c in columns[:40])
            raise ConfigError(
                f"{path}: {what} {name!r} matches no column; use a column id or question text (columns: {ids})"
            )
        if len(exact) > 1 and what == "consent_column":
            raise ConfigError(f"{path}: consent_column {name!r} matches {len(exact)} columns; give the column id")
        for c in exact:
            if c not in out:
                out.append(c)
    return out


class NoTextError(InputError):
    """A readable table with nothing to ingest: no open-text column, or no responses yet. Given by
    name it is an error; found in a folder it is skipped with a warning (not a text source)."""


def no_open_text_error(path) -> InputError:
    return NoTextError("no open-text column found; name them in copquotes.yaml under open_questions", path)


# the options ticked in a checkbox question, as Google Forms (", ") and Microsoft Forms (";") join them
_ITEMS = re.compile(r"\s*;\s*|,\s+(?=(?:I|I'\w+|I\u2019\w+|My|You|We)\b)")


def consent_items(value: str) -> list[str]:
    return [i.strip() for i in _ITEMS.split(value or "") if i.strip()]


def checkbox_consent_column(col: Column, values: list[str]) -> bool:
    """A consent question answered by ticking statements ("Consent (tick all that apply)": "I agree to take
    part in the evaluation;I agree to my comments being quoted anonymously"): every ticked option is a
    statement of consent, and one of them is about quoting or publishing."""
    q = f"{col.id} {col.question} {col.sub}"
    if col.hint == "meta" or not _CONSENT_LIKE.search(q):
        return False
    items = [i for v in values if v and v.strip() for i in consent_items(v)]
    if not items:
        return False
    stated = sum(1 for i in items if truthy(i, allow_numeric=False) is not None or unsure_yes(i))
    return stated >= 0.8 * len(items) and any(_CONSENT_PUBLIC.search(i) for i in items)


def checkbox_consent(value: str) -> bool | None:
    """A respondent's consent from the options they ticked: yes only if they ticked the option about
    quoting and it says yes; a tick elsewhere without it is a no; nothing ticked is unknown."""
    items = consent_items(value)
    if not items:
        return None
    said = [truthy(i, allow_numeric=False, weak=True) for i in items if _CONSENT_PUBLIC.search(i)]
    return bool(said) and all(s is True for s in said)


# ------------------------------------------------------------------- "Other" typed in a choice list

_CHOICE_SEP = re.compile(r"\s*[;,]\s*")
_OPTION_MAX_WORDS = 8
_OTHER_MIN_WORDS = 6


def _segments(value: str) -> list[tuple[int, int, str]]:
    """``(start, end, folded text)`` of the parts of a cell between commas and semicolons."""
    out, start = [], 0
    for m in list(_CHOICE_SEP.finditer(value)) + [None]:
        end = m.start() if m else len(value)
        part = value[start:end].strip()
        if part:
            out.append((start, end, part.lower()))
        start = m.end() if m else end
    return out


def choice_options(values: list[str]) -> frozenset[str] | None:
    """The options of a tick-all-that-apply question written as lists ("A, B" by Google Forms, "A;B;" by
    Microsoft Forms): the parts that recur in the sample, when lists of them make most cells; else None."""
    vals = [v.strip() for v in values if v and v.strip() and not is_skip_answer(v)]
    if len(vals) < 4:
        return None
    parts = [{p for _, _, p in _segments(v)} for v in vals]
    counts = Counter(p for ps in parts for p in ps)
    options = {p for p, n in counts.items() if n >= 2 and len(_WORD.findall(p)) <= _OPTION_MAX_WORDS}
    lists = sum(1 for ps in parts if len(ps) >= 2)
    only_options = sum(1 for ps in parts if ps and ps <= options)
    if len(options) < 2 or lists < 0.2 * len(vals) or only_options < 0.6 * len(vals):
        return None
    # options ticked in varying company (alone, with one, with another): not the fixed pieces of titles
    # with a comma ("Lec 10: Second derivative test; boundaries") nor a yes qualified ("Yes, definitely")
    company: dict[str, set] = {}
    for ps in parts:
        for p in ps & options:
            company.setdefault(p, set()).add(frozenset(ps))
    if sum(1 for p in options if len(company.get(p, ())) >= 2) < 0.6 * len(options):
        return None
    return frozenset(options)


def other_text(value: str, options: frozenset[str]) -> str:
    """The words a respondent typed in the "Other" box of a choice list (the cell less its options ticked),
    or "" when the rest is no sentence (an option not in the sample, a stray word)."""
    rest = [(s, e, p) for s, e, p in _segments(value or "") if p not in options]
    if not rest:
        return ""
    text = value[rest[0][0]:rest[-1][1]].strip(" ;,")
    words = len(_WORD.findall(text))
    longest = max(len(_WORD.findall(p)) for _, _, p in rest)
    if words < _OTHER_MIN_WORDS or longest < 4 or is_skip_answer(text):
        return ""
    return text
