"""Plain labels for risk-flag kinds, for people reading the app or a Word export.

Records, the CLI and JSON outputs keep the kinds themselves (``quasi_identifier``...): they
are a contract. Only what a person reads goes through :func:`flag_label`.
"""
from __future__ import annotations

FLAG_LABELS = {
    "quasi_identifier": "May identify someone",
    "residual_identifier": "A name may be left in the text",
    "cut_off": "Cut off mid-sentence",
    "sensitive_health": "Health or wellbeing disclosure",
    "staff_complaint": "Criticism of a staff member",
    "profanity": "Strong language",
    "violence_detail": "Details of violence or a case",
    "consent_unconfirmed": "Consent not confirmed",
    "not_anonymised": "Not anonymised yet",
    "redaction_undone": "A removed detail was put back",
}
# the Quotes page's flag filter choices that are not kinds
FILTER_LABELS = {"any flag": "Any warning", "no flags": "No warnings", "hold": "Held (must be checked first)"}
SEVERITY_LABELS = {"hold": "held until a reviewer approves it", "warn": "check before use"}


def flag_label(kind) -> str:
    """The plain label of a flag kind (an unknown kind in ordinary words)."""
    kind = str(kind or "")
    return FLAG_LABELS.get(kind) or FILTER_LABELS.get(kind) or (kind.replace("_", " ").capitalize() or "Warning")


def flag_line(flag: dict) -> str:
    """A flag as one line for people: label, reason, and what it means for publishing."""
    sev = SEVERITY_LABELS.get(str(flag.get("severity") or "warn"), "check before use")
    reason = str(flag.get("reason") or "").strip()
    return f"{flag_label(flag.get('kind'))} ({sev})" + (f": {reason}" if reason else "")
