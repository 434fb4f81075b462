"""Light, transparent editing suggestions in the organisation's style.

Only two kinds of change, both visible in the result:

* ``...`` where words were dropped: fillers ("um", "you know", "like,"), false
  starts ("I was - I think"), repeated words. Openings such as "Yeah, so, um,"
  are dropped and the next word capitalised; a dropped leading "And"/"But" leaves a
  leading "... " (the quote continues a thought: the reviewer sees the dependency).
* ``[square brackets]`` for words added for clarity: a leading "It"/"This" that
  refers to the programme becomes "[The CoP]" (not a dummy "it", as in "It's nice to
  ..."), and the first "CoP" gets
  "[Community of Practice]".

The edit is always built from the *anonymised* span; the verbatim text and its
span are kept beside it by the caller. :func:`suggest_edit` returns the edited
text and the list of changes (empty when nothing was changed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_LEAD = re.compile(
    r"^\s*(?:(?:(?:yeah|yes|yep|yup|oh|okay|ok|so|and|but|um+|uh+|erm+|er|ah|mm+|hmm+)\b[,.]?|"
    r"(?:well|like|look|right|honestly|i guess|i mean|you know|anyway)\s*,)\s*)+",
    re.I,
)
_MID_FILLER = re.compile(r"(?:,\s*|\s+)(?:um+|uh+|erm+|er|ah)\b[,.]?(?=\s)", re.I)
_YOU_KNOW = re.compile(r"(?:,\s*|\s+)(?:you know|i mean|like|sort of|kind of)\s*,(?=\s)", re.I)
_REPEAT = re.compile(r"\b(\w+)(\s+\1\b)+", re.I)
_FALSE_START = re.compile(r"\b(\w+)\b((?:\s+[\w']+){0,4})\s*(?:-{1,2}|–|—)\s+(?=\1\b)", re.I)
_IT_START = re.compile(
    r"^(It|This)(’s|'s)?\b(?=\s+(?:is|was|has|had|been|really|just|gave|gives|made|makes|helped|helps|"
    r"allowed|allows|reminded|reminds|taught|felt|feels|brought|brings|became|provided|provides|opened|"
    r"meant|means|let|lets|showed|shows|changed|kept|keeps|'s|’s)\b)"
)
_IT_ONLY = re.compile(r"^(It|This)(’s|'s)\b(?=\s+(?:been|a|an|the|my|our|one|such|where|somewhere|given|helped|"
                      r"made|so (?:good|valuable|useful|important|helpful))\b)")
# "It's just nice to be...", "It was good hearing...", "It's been hard that...": a dummy "it"
# (the real subject comes later), never the programme
_IT_DUMMY = re.compile(
    r"^(?:It|This)(?:’s|'s|\s+is|\s+was)(?:\s+been)?"
    r"(?:\s+(?:just|really|so|very|quite|actually|always|honestly|also|still|genuinely|\w+ly))*"
    r"\s+(?!(?:a|an|the|my|our|one|such|where|somewhere|given|me|us|been)\b)[\w-]+(?<!ed)"
    r"\s+(?:to|that|when|how|being|hearing|knowing|having|seeing|getting|talking|listening|watching|"
    r"sharing|meeting|working|coming)\b",
    re.I,
)
_COP = re.compile(r"\bCoP(s?)\b")
_PROGRAMME_CONTEXT = re.compile(r"\b(?:cop|cops|community of practice|communities of practice|the group|"
                                r"this group|program(?:me)?|sessions?|network)\b", re.I)
_GROUP_CONTEXT = re.compile(r"\b(?:the group|this group|your group)\b", re.I)


@dataclass(frozen=True)
class Edit:
    text: str
    changes: tuple = field(default_factory=tuple)   # ({"op": "drop"|"add", "text": ...}, ...)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _cap(s: str) -> str:
    for i, ch in enumerate(s):
        if ch.isalpha():
            return s[:i] + ch.upper() + s[i + 1:]
        if not (ch in "\"'“‘(" or ch.isspace()):
            return s
    return s


def suggest_edit(text: str, *, context: str | None = None, expand_cop: bool = True,
                 referent: str | None = None) -> Edit:
    """Suggest a lightly edited version of an (anonymised) quote.

    ``context`` is the question or the turn before the quote: when it is about the
    programme, a leading "It"/"This" becomes ``referent`` (default "[The CoP]",
    or "[The group]" when the context talks about the group).
    """
    changes: list[dict] = []
    out = text.strip()

    m = _LEAD.match(out)
    lead_omitted = False          # a dropped "And"/"But": the quote continues a thought, shown by "..."
    first_lower = False
    if m and m.end() < len(out):
        dropped = out[:m.end()].strip()
        rest = out[m.end():]
        if re.match(r"\w", rest):
            changes.append({"op": "drop", "text": dropped})
            lead_omitted = bool(re.search(r"\b(?:and|but)\b", dropped, re.I))
            first_lower = rest[:1].islower()
            out = _cap(rest)

    def drop(pattern, s, repl=" ... "):
        def sub(mm):
            changes.append({"op": "drop", "text": mm.group(0).strip(" ,")})
            return repl
        return pattern.sub(sub, s)

    out = drop(_FALSE_START, out, "... ")
    out = drop(_MID_FILLER, out)
    out = drop(_YOU_KNOW, out)

    def unrepeat(mm):
        if mm.group(1).lower() in ("had", "that", "very", "really", "so", "no"):
            return mm.group(0)
        changes.append({"op": "drop", "text": mm.group(2).strip()})
        return mm.group(1)

    out = _REPEAT.sub(unrepeat, out)

    # tidy the ellipses (an omission mark is " ... " between words)
    out = re.sub(r"\s*(?:\.\.\.\s*)+", "\x00", out)
    out = re.sub(r"\x00\s*([,.;:])", "\x00", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r"^\s*\x00\s*", "", out)
    out = re.sub(r"\s*\x00\s*$", ".", out)
    out = out.replace("\x00", " ... ")
    out = re.sub(r"\s{2,}", " ", out).strip()
    out = _cap(out)

    if lead_omitted:
        # the reviewer must see that the quote leans on what came before it
        if first_lower:
            out = out[:1].lower() + out[1:]
        out = "... " + out

    # a leading "It"/"This" that means the programme
    ctx = context or ""
    if not lead_omitted and _PROGRAMME_CONTEXT.search(ctx) and (_IT_START.match(out) or _IT_ONLY.match(out)) \
            and not _IT_DUMMY.match(out):
        ref = referent or ("[The group]" if _GROUP_CONTEXT.search(ctx) and not re.search(
            r"\bcop\b|community of practice", ctx, re.I) else "[The CoP]")
        mm = _IT_START.match(out) or _IT_ONLY.match(out)
        changes.append({"op": "replace", "text": mm.group(1), "with": ref})
        out = ref + (mm.group(2) or "") + out[mm.end():]

    if expand_cop and not re.search(r"communit(?:y|ies) of practice", out, re.I):
        mm = next((m for m in _COP.finditer(out)
                   if out[:m.start()].count("[") == out[:m.start()].count("]")), None)
        if mm:
            add = " [Communities of Practice]" if mm.group(1) else " [Community of Practice]"
            changes.append({"op": "add", "text": add.strip()})
            out = out[:mm.end()] + add + out[mm.end():]
    return Edit(out, tuple(changes))
