"""The placeholders that stand for redacted identifiers: ONE table for the whole package.

The anonymise stage writes them, the quotes stage and the review module render them,
the edit check and the topic model recognise them; all read :data:`PLACEHOLDERS`.
"""
from __future__ import annotations

import re

#: redaction kind -> placeholder (kinds the recognisers, reviewers and readers use)
PLACEHOLDERS = {
    "person": "[name]", "name": "[name]",
    "org": "[organisation]", "organisation": "[organisation]", "organization": "[organisation]",
    "place": "[place]", "location": "[place]", "address": "[place]",
    "email": "[contact]", "phone": "[contact]", "url": "[contact]", "handle": "[contact]", "contact": "[contact]",
    "other": "[identifier]",
}
#: recognisers whose "other" spans are contact details
CONTACT_SOURCES = ("url", "handle", "UrlRecognizer", "EmailRecognizer", "PhoneRecognizer", "au_phone",
                   "known_email", "known_phone")
GENERIC = "[identifier]"
#: every placeholder the package writes
ALL = frozenset(PLACEHOLDERS.values()) | {GENERIC, "[redacted]"}
#: a placeholder in text
PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in sorted(ALL, key=len, reverse=True)))


def placeholder(kind: str, source: str = "") -> str:
    """The bracketed placeholder of a span kind; an ``other`` span by what found it."""
    k = str(kind or "").lower()
    if k in PLACEHOLDERS and k != "other":
        return PLACEHOLDERS[k]
    if str(source or "").startswith(CONTACT_SOURCES):
        return "[contact]"
    return GENERIC
