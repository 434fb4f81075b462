"""Transcript turns to Units: merging, pseudonymous speaker keys, roles and consent.

Every transcript reader (VTT, DOCX, TXT) produces a list of :class:`Turn` (one per
cue or labelled line) and hands it to :func:`build_reading`, which

* merges consecutive turns of the same speaker into one unit,
* gives each labelled speaker a key ``S1``, ``S2``... in order of first appearance
  (unlabelled speech and "Unknown Speaker" get no key and role ``unknown``),
* finds role and consent: manifest ``speaker_roles`` > roster > the label's own
  words (Interviewer, Facilitator, Host...) > participant; consent only from a
  roster match (or a file-level ``consent`` in the metadata), otherwise None,
* tells a two-person transcript with an Interviewer from a focus group,
* lists speaker labels and roster names as identifiers (never in unit text).
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

from ..errors import ConfigError
from ..types import Identifier, Unit
from .base import EMAIL, Reading, Source, truthy
from .roster import (FIRST_NAME_ONLY, HONORIFICS, RosterMatcher, clean_label, is_generic_label, is_unknown_label, label_role,
                     name_key, roster_identifiers, role_value)

log = logging.getLogger("copquotes.ingest")


@dataclass
class Turn:
    label: str | None
    text: str
    locator: str
    start_time: str | None = None
    sep: str = " "          # how this turn's text joins the previous one of the same speaker
    merge: bool = True      # False: never merged into the previous turn (paragraphs of unlabelled text)


# words that end up before a colon but are not speakers
_STOP_LABELS = {
    "note", "notes", "nb", "n.b", "date", "time", "times", "location", "venue", "place", "present", "apologies",
    "attendees", "attendance", "title", "subject", "re", "topic", "topics", "session", "sessions", "duration",
    "recording", "transcript", "transcription", "meeting", "agenda", "example", "examples", "e.g", "eg", "i.e",
    "ie", "summary", "action", "actions", "action items", "outcome", "outcomes", "key points", "theme", "themes",
    "quote", "tip", "tips", "warning", "update", "reminder", "ps", "p.s", "http", "https", "www", "edit",
    "editor's note", "transcriber's note", "transcriber note", "facilitator notes", "question", "questions",
    "prompt", "prompts", "activity", "break", "end", "start", "start time", "end time", "focus group",
    "interview", "group", "cohort", "file", "audio", "video", "length", "speakers", "participants",
    "keywords", "key words", "language", "source", "link", "url", "instructions", "context", "background",
    "purpose", "aim", "aims", "objective", "objectives", "step", "steps", "part", "section", "also",
    "but", "and", "so", "because", "however", "then", "well", "yes", "no", "ok", "okay", "like", "um", "uh",
    # one-word turns that repeat in any transcript: never speaker names ("0:41 Yeah" is speech)
    "yeah", "yep", "yup", "mm", "mhm", "mm-hmm", "hmm", "right", "sure", "thanks", "thank you", "great",
    "exactly", "totally", "absolutely", "agreed", "true", "cool", "nice", "wow", "oh", "ah", "laughs", "laughter",
}
_PARTICLES = {"de", "da", "di", "del", "della", "van", "von", "der", "den", "le", "la", "du", "bin", "binti",
              "al", "el", "ter", "ten", "dos", "das", "st", "mc", "mac"}
_NAME_WORD = re.compile(r"^(?:[A-Z\u00C0-\u00DE][\w\u00C0-\u024F'’.-]*|[A-Z]\.?|\d+)$")


def name_like(label: str) -> bool:
    """Does ``label`` look like a person's name or display name ("Jane Smith", "Dr J. Smith (she/her)")?"""
    s = clean_label(label)
    if not s or len(s) > 60 or re.search(r"[?!;\"“”]", s):
        return False
    words = s.replace(",", " ").split()
    if not 1 <= len(words) <= 5:
        return False
    for w in words:
        lw = w.lower().rstrip(".")
        if lw in _PARTICLES or lw in HONORIFICS:
            continue
        if not _NAME_WORD.match(w):
            return False
    return True


EMAIL_LABEL = re.compile(rf"^(?:{EMAIL.pattern})$")
PHONE_LABEL = re.compile(r"^\+?[\d\s().-]{6,20}$")
# words a display name does not contain but a sentence before a colon does
_SENTENCE_WORDS = {
    "the", "is", "and", "was", "it", "that", "to", "of", "we", "i", "you", "my", "our", "this", "so", "but",
    "a", "an", "in", "on", "for", "with", "what", "when", "how", "why", "there", "here", "they", "he", "she",
    "be", "are", "were", "have", "had", "do", "did", "not", "just", "really", "think", "thing", "point",
}


def accepted_labels(candidates: Counter, matcher: RosterMatcher | None = None, relaxed: bool = False) -> set[str]:
    """The candidate labels (text before a colon / a timestamp) that are speakers.

    ``relaxed``: the format guarantees labels (a Zoom VTT where most cues start with
    ``Name:``), so any short candidate that does not read like a sentence is a speaker:
    a display name like ``jane's iPad`` must never be left in the text.
    """
    ok = set()
    for label, count in candidates.items():
        raw = label.strip()
        low = re.sub(r"\s+", " ", raw.lower().strip("*_ "))
        if EMAIL_LABEL.match(raw) or (PHONE_LABEL.match(raw) and sum(c.isdigit() for c in raw) >= 6):
            ok.add(label)  # dial-in numbers and e-mail addresses as display names
            continue
        base = re.sub(r"[\s#.]*\d+[a-z]?$", "", low)
        # a display name may carry pronouns and an organisation: "Dr J. Smith (she/her) | Safe Steps"
        core = clean_label(raw) or raw
        if not low or low in _STOP_LABELS or (base != low and base in _STOP_LABELS) or len(label) > 100 \
                or len(core) > 60 or len(core.split()) > 6:
            continue
        if re.match(r"^(https?|www|ftp|mailto)\b", low) or re.search(r"\d{1,2}:\d{2}", low):
            continue
        if is_generic_label(label) or name_like(label) or (matcher is not None and matcher.match(label)):
            ok.add(label)
        elif count >= 2 and len(core.split()) <= 4 and not re.search(r"[.?!]", core):
            ok.add(label)  # a display name typed in lower case ("jane"), used more than once
        elif relaxed and len(core.split()) <= 5 and not re.search(r"[?!\"“”]", label) \
                and not (set(re.findall(r"[a-z]+", core.lower())) & _SENTENCE_WORDS):
            ok.add(label)
    return ok


def normalise_time(ts: str | None) -> str | None:
    """``"0:03"`` -> ``"00:00:03"``, ``"1:02:03"`` -> ``"01:02:03"``; VTT times keep their milliseconds."""
    if not ts:
        return None
    ts = ts.strip().replace(",", ".")
    m = re.match(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(\.\d+)?$", ts)
    if not m:
        return ts
    h, mi, s, frac = m.group(1) or "0", m.group(2), m.group(3), m.group(4) or ""
    return f"{int(h):02d}:{int(mi):02d}:{int(s):02d}{frac}"


def _speaker_roles(meta: dict) -> dict[str, str]:
    out = {}
    for label, role in (meta.get("speaker_roles") or {}).items():
        r = role_value(role)
        if r is None and str(role).strip().lower() in ("respondent", "unknown"):
            r = str(role).strip().lower()
        if r is None:
            raise ConfigError(f"speaker_roles: role {role!r} for {label!r} is not participant, facilitator or interviewer")
        out[name_key(label) or str(label).strip().lower()] = r
    return out


_DEVICE_NAME = re.compile(r"^(.+?)['’]s\s+(?:iPad|iPhone|iMac|MacBook(?:\s+\w+)?|Galaxy(?:\s+\w+)*|Android(?:\s+\w+)*|"
                          r"Pixel(?:\s+\w+)?|laptop|computer|PC|phone|tablet|Surface(?:\s+\w+)?)$", re.I)


def label_identifier(label: str) -> Identifier:
    raw = label.strip()
    if EMAIL_LABEL.match(raw):
        return Identifier(value=raw, kind="email", source="speaker_label")
    if PHONE_LABEL.match(raw) and sum(c.isdigit() for c in raw) >= 6:
        return Identifier(value=raw, kind="phone", source="speaker_label")
    name = clean_label(label)
    device = _DEVICE_NAME.match(name)
    if device:  # Zoom's default display name "Jane's iPad": the person is "Jane"
        name = device.group(1)
    if name.count(",") == 1:  # Teams "Smith, Jane"
        last, first = [p.strip() for p in name.split(",")]
        if first and last and len(first.split()) <= 3 and len(last.split()) <= 3:
            name = f"{first} {last}"
    aliases = []
    if label.strip() != name:
        aliases.append(label.strip())
    key_words = [w for w in re.split(r"[\s,]+", name) if w and w.lower().strip(".") not in HONORIFICS]
    if len(key_words) > 1:
        aliases.extend(w for w in key_words if len(w.strip(".")) > 1)
    return Identifier(value=name or label.strip(), kind="person", source="speaker_label",
                      aliases=tuple(dict.fromkeys(a for a in aliases if a != name)))


_KIND_IN_NAME = (
    (re.compile(r"interview", re.I), "interview"),
    (re.compile(r"focus[\s_-]*groups?|(?<![a-z])fgs?(?![a-z])", re.I), "focus_group"),
    (re.compile(r"reflections?(?![a-z])", re.I), "reflection"),
)


def kind_from_name(path) -> str | None:
    """The source kind a transcript's file name (or its folder's) states: ``interview_P7.docx``,
    ``interviews/...``, ``fg_session3.vtt``, ``Focus group 2.txt``; None if it states none or several."""
    from pathlib import Path

    p = Path(path)
    for text in (p.stem, p.parent.name):
        found = {kind for pattern, kind in _KIND_IN_NAME if pattern.search(text)}
        if len(found) == 1:
            return found.pop()
        if found:
            return None
    return None


_INLINE_TS = re.compile(r"[ \t]*\[(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\][ \t]*")


def build_reading(source: Source, turns: list[Turn], detected: dict | None = None) -> Reading:
    """Merge turns into units and attach keys, roles, consent and identifiers."""
    meta = dict(source.meta)
    detected = dict(detected or {})
    header_names = detected.pop("header_names", [])
    header_consent = detected.pop("consent", None)
    for k, v in detected.items():
        if v is not None and not meta.get(k):
            meta[k] = v
    default_role = None
    if meta.get("speaker_role"):
        default_role = role_value(meta["speaker_role"]) or str(meta["speaker_role"]).strip().lower()

    turns, other_forms = _one_label_per_person(turns)
    merged = _merge_turns(turns)
    _header_consent(meta, header_consent, merged)
    file_consent = truthy(meta.get("consent")) if meta.get("consent") is not None else None
    speakers = _speakers(source, meta, merged, file_consent, default_role)
    labelled = [s for s in speakers.values() if not s["unknown"]]
    if not meta.get("source_kind"):
        meta["source_kind"] = _source_kind(source, speakers, labelled, default_role)
    identifiers = _identifiers(source, header_names + other_forms, speakers)
    units = _units(source, meta, merged, speakers, file_consent, default_role)
    stats = {
        "turns": len(turns), "units": len(units), "speakers": len(labelled),
        "roster_matched": sum(1 for s in labelled if s["roster"]),
        "consent_first_name_only": sum(1 for s in labelled if s.get("unconfirmed")),
    }
    if stats["consent_first_name_only"]:
        log.warning("%s: %d speaker label(s) match a roster entry by first name only; their quotes are held "
                    "until the roster (an alias) or the manifest (speaker_names) confirms who they are",
                    source.path, stats["consent_first_name_only"])
    for s in labelled:
        if s["doubt"] is not None:
            log.warning("%s: speaker %s has no quote consent: %s", source.path, s["key"], s["doubt"].reason)
    unmatched = [s for s in labelled if not s["roster"] and s["role"] == "participant"]
    if source.roster and unmatched:
        log.warning("%s: %d speaker label(s) not found in the roster; their consent is unknown",
                    source.path, len(unmatched))
    meta["speakers"] = {s["key"]: s["role"] for s in labelled}
    return Reading(source=source, units=iter(units), identifiers=identifiers, meta=meta, stats=stats)


def _header_consent(meta: dict, said, merged: list[dict]) -> None:
    """A typed interview's "Consent to quote" is its interviewee's: the file's consent when one speaker
    is not the interviewer (a yes never stands for a group's several speakers), and its "no" beats a
    manifest's yes. A value not read as yes or no ("Yes, I think so", "TBC") leaves the consent unknown:
    a manifest's yes does not stand in for it (a manifest's no stays)."""
    if said is None:
        return
    yes = truthy(said)
    if yes is None:   # an answer read once a cell is known to answer the consent ("Only anonymised", "Don't mind",
        weak = truthy(said, weak=True)   # a cross); a tick typed after the key is not a yes for sure
        yes = weak if weak is False or re.search(r"[^\W\d_]", said) else None
    if yes is None:
        if meta.get("consent") is not None and truthy(meta.get("consent")) is not False:
            meta.pop("consent")
        return
    speakers = {m["label"] for m in merged if m["label"] and label_role(m["label"]) not in ("facilitator", "interviewer")}
    if not yes or (len(speakers) <= 1 and meta.get("consent") is None):
        meta["consent"] = "yes" if yes else "no"   # as read: "Only anonymised" is a yes


# the tag Teams adds to an outside account's display name: the account, not the person or a role
_ACCOUNT_TAG = re.compile(r"\s*\((?:guest|external|unverified)\)\s*$", re.I)


def _person_key(label: str) -> str | None:
    """A label's person, comparable across forms ("Tom Baxter (Guest)", "Baxter, Tom", "Dr Tom Baxter",
    "Tom Baxter (he/him)" -> "tom baxter"); None for a label that may not name one person for sure
    (a first name alone, a role or number, a role in brackets, an unknown speaker)."""
    base = _ACCOUNT_TAG.sub("", label).strip()
    if not base or is_unknown_label(label) or label_role(base) or is_generic_label(clean_label(base) or base):
        return None
    key = name_key(base)
    return key if len(key.split()) >= 2 else None


def _one_label_per_person(turns: list[Turn]) -> tuple[list[Turn], list[str]]:
    """The turns with every label form of one person replaced by one of them (the first without a
    Teams account tag), so that they get one key, role and consent; and the other forms, still names
    to redact."""
    forms: dict[str, list[str]] = {}
    for t in turns:
        label = t.label.strip() if t.label else None
        key = _person_key(label) if label else None
        if key and label not in forms.setdefault(key, []):
            forms[key].append(label)
    canonical: dict[str, str] = {}
    for labels in forms.values():
        if len(labels) > 1:
            primary = next((f for f in labels if not _ACCOUNT_TAG.search(f)), labels[0])
            canonical.update({f: primary for f in labels if f != primary})
    if not canonical:
        return turns, []
    for t in turns:
        if t.label and t.label.strip() in canonical:
            t.label = canonical[t.label.strip()]
    return turns, list(canonical)


def _merge_turns(turns: list[Turn]) -> list[dict]:
    """Consecutive turns of one speaker as one (inline timestamps and runs of spaces removed);
    unattributed speech is cut at a sentence end after ~120 words, and at 250 words regardless."""
    merged: list[dict] = []
    for t in turns:
        text = t.text
        if "[" in text:  # timestamps a transcription service puts inside the speech ("... [00:01:30] ...")
            text = _INLINE_TS.sub(" ", text)
        text = re.sub(r"[ \t]+", " ", text).strip()
        if not text:
            continue
        label = t.label.strip() if t.label else None
        prev = merged[-1] if merged else None
        if prev and t.merge and prev["label"] == label and (label is None or is_unknown_label(label)):
            # unattributed speech (automatic captions, "Unknown Speaker") is not one turn
            words = len(prev["text"].split())
            if words >= 250 or (words >= 120 and re.search(r"[.?!…][\"'”’)]*$", prev["text"])):
                prev = None
        if prev is not None and t.merge and prev["label"] == label:
            prev["text"] += (t.sep or " ") + text
            prev["n"] += 1
        else:
            merged.append({"label": label, "text": text, "locator": t.locator, "start": t.start_time, "n": 1})
    return merged


def _speakers(source: Source, meta: dict, merged: list[dict], file_consent, default_role) -> dict[str, dict]:
    """Each speaker label's key (S1, S2, ... in order of first speech; none for an unknown
    speaker), role (manifest, roster, label, file default), consent (roster, or the file's;
    held when the roster matched a first name only; none when the roster's rows for them
    disagree or the label fits several of them) and whether the roster knows them."""
    matcher = RosterMatcher(source.roster, meta.get("group"))
    roles_override = _speaker_roles(meta)
    confirmed_names = {name_key(k) or str(k).strip().lower(): str(v)
                       for k, v in (meta.get("speaker_names") or {}).items()}
    speakers: dict[str, dict] = {}
    for m in merged:
        label = m["label"]
        if label is None or label in speakers:
            continue
        unknown = is_unknown_label(label)
        entry, basis, doubt = (None, None, None) if unknown else _lookup(matcher, label, confirmed_names)
        # consent is never guessed from a first name
        unconfirmed = basis == FIRST_NAME_ONLY and file_consent is None and doubt is None
        role = roles_override.get(name_key(label) or label.lower())
        # a role the label states ("Guest Amy", "Panellist - Amy Cho") beats the roster's participant; not one in
        # brackets, which Teams adds to every outside account ("Lena Hoffmann (Guest)")
        stated = label_role(re.sub(r"\([^)]*\)", " ", label))
        # Teams' "(Guest)" after a full name marks an outside account (most CoP members join from other
        # organisations), not a guest speaker: no role; "Amy (guest)", a first name, may be a guest
        role_label = _ACCOUNT_TAG.sub("", label).strip() if _ACCOUNT_TAG.search(label) and _person_key(label) else label
        if role is None:
            role = doubt.role if doubt else entry.role if entry is not None else label_role(role_label)
            if stated not in (None, "participant") and role == "participant":
                role = stated
            # ... and one in brackets ("Amy (guest)") unless the roster knows the full name: Teams' "(Guest)" on
            # an outside account of a rostered participant stays theirs, a guest matched by first name is a guest
            bracketed = label_role(role_label)
            if bracketed not in (None, "participant") and role == "participant" and basis not in ("name", "manifest"):
                role, entry, basis = bracketed, None, None   # nor the rostered participant's consent
                unconfirmed = False
        if role is None:
            role = "unknown" if unknown else (default_role or "participant")
        consent = _consent(entry, basis, doubt, file_consent)
        speakers[label] = {
            "key": None if unknown else f"S{sum(1 for s in speakers.values() if s['key']) + 1}",
            "role": role, "consent": consent if not unknown else None, "roster": entry is not None or bool(doubt),
            "unknown": unknown, "unconfirmed": unconfirmed and bool(consent), "doubt": doubt,
        }
    return speakers


def _lookup(matcher: RosterMatcher, label: str, confirmed_names: dict):
    """``(entry, basis, doubt)`` of a label: its roster entry, how it matched and why the roster
    cannot give its consent; the manifest's ``speaker_names`` says who a first name or a label
    that fits several people is."""
    entry, basis = matcher.match_basis(label)
    doubt = matcher.doubt(label)
    named = confirmed_names.get(name_key(label))
    if named is not None and (basis == FIRST_NAME_ONLY or doubt is not None):
        return matcher.match(named), "manifest", matcher.doubt(named)
    return entry, basis, doubt


def _consent(entry, basis, doubt, file_consent):
    """A speaker's consent: roster rows for them that disagree, or a label that fits several people,
    give none (see :class:`~copquotes.ingest.roster.Doubt`), never the file's; a first-name match
    is the roster's (held) unless the file gives one, and a no on the roster stays a no."""
    if doubt is not None:
        return doubt.consent
    if entry is None:
        return file_consent
    if basis == FIRST_NAME_ONLY and file_consent is not None:
        return file_consent and entry.quote_consent
    return entry.quote_consent


def _source_kind(source: Source, speakers: dict, labelled: list[dict], default_role) -> str:
    """The kind the file's name states; else a reflection or notes (no speakers), an interview
    (two speakers, one an interviewer) or a focus group."""
    named = kind_from_name(source.path)
    if named:
        return named
    if not speakers:
        return "reflection" if default_role == "facilitator" else "other"
    if len(labelled) == 2 and any(s["role"] == "interviewer" for s in labelled):
        return "interview"
    return "focus_group"


def _identifiers(source: Source, header_names: list[str], speakers: dict) -> list[Identifier]:
    """The roster's names, then the names a typed transcript's header gives ("Interviewer: Sam
    (evaluation team)") and the speaker labels (generic ones such as "Speaker 1" left out)."""
    identifiers = roster_identifiers(source.roster)
    seen = {(i.value.lower(), i.source) for i in identifiers}
    for name in [n for n in header_names if not is_generic_label(clean_label(n))] + \
            [label for label in speakers if not is_generic_label(clean_label(label) or label)]:
        ident = label_identifier(name)
        if (ident.value.lower(), ident.source) not in seen:
            seen.add((ident.value.lower(), ident.source))
            identifiers.append(ident)
    return identifiers


def _units(source: Source, meta: dict, merged: list[dict], speakers: dict, file_consent, default_role) -> list[Unit]:
    units = []
    for pos, m in enumerate(merged):
        sp = speakers.get(m["label"]) if m["label"] is not None else None
        if sp is None and speakers:
            # speech the transcript gives to nobody, among labelled speakers: it may be anyone's
            # (the facilitator's, someone who did not consent), so no role and no consent
            key, role, consent = None, "unknown", None
        elif sp is None:  # no labels at all: one voice (a reflection, notes) with the file's role and consent
            key = "S1" if default_role else None
            role = default_role or "unknown"
            consent = file_consent
        else:
            key, role, consent = sp["key"], sp["role"], sp["consent"]
        extra = []
        if m["n"] > 1:
            extra.append(("merged", m["n"]))
        if sp is not None and sp.get("unconfirmed"):
            extra.append(("consent_match", FIRST_NAME_ONLY))
        units.append(Unit(
            file=str(source.path), position=pos, text=m["text"],
            source_kind=meta["source_kind"], group=meta.get("group"), year=meta.get("year"),
            question=None, speaker_key=key, speaker_role=role, consent=consent,
            locator=m["locator"], start_time=normalise_time(m["start"]), extra=tuple(sorted(extra)),
        ))
    return units
