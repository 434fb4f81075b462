"""Attribution lines in the organisation's style, from unit metadata, never a name.

A template is a :meth:`str.format` string over a fixed set of fields (``year``,
``group``, ``kind``, ``programme``); any other field is refused, so a template can
never pull a speaker label or a name into a published line. Templates are chosen
per source kind and can be overridden per workspace (config key
``quotes.attribution``: ``{"focus_group": "...", "survey": "..."}`` or
``{"style": "cohort"}``) and per file (manifest metadata ``attribution``).
"""
from __future__ import annotations

import re
import string
from typing import Mapping

from ..errors import ConfigError

FIELDS = ("year", "group", "kind", "programme")

DEFAULT_TEMPLATES: dict[str, str] = {
    "focus_group": "- CoP focus group participant {year}",
    "survey": "- CoP survey respondent {year}",
    "interview": "- CoP interview participant {year}",
    "reflection": "- CoP facilitator",
    "other": "- CoP participant {year}",
}
# Named styles of docs/DOMAIN.md, selectable with {"style": NAME} in the workspace config.
STYLES: dict[str, dict[str, str]] = {
    "kind": DEFAULT_TEMPLATES,
    # "- Early career CoP participant, 2018-2019"
    "cohort": {
        "focus_group": "- {group} CoP participant, {year}",
        "survey": "- {group} CoP participant, {year}",
        "interview": "- {group} CoP participant, {year}",
        "reflection": "- CoP facilitator",
        "other": "- {group} CoP participant, {year}",
    },
    # "- RRE 2024-2025 participant and focus group participant"
    "cohort_and_kind": {
        "focus_group": "- {group} {year} participant and focus group participant",
        "survey": "- {group} {year} participant and survey respondent",
        "interview": "- {group} {year} participant and interviewee",
        "reflection": "- CoP facilitator",
        "other": "- {group} {year} participant",
    },
}
KIND_WORDS = {"focus_group": "focus group", "survey": "survey", "interview": "interview",
              "reflection": "reflection", "other": ""}


def check_template(template: str) -> str:
    """Refuse templates that use a field other than :data:`FIELDS`."""
    if not isinstance(template, str):
        raise ConfigError(f"an attribution template must be text, not {type(template).__name__}")
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"attribution template {template!r} is not a valid format string: {exc}") from exc
    bad = [n for n in names if n.split(".")[0].split("[")[0] not in FIELDS]
    if bad:
        raise ConfigError(
            f"attribution template {template!r} uses {{{bad[0]}}}; only "
            + ", ".join("{" + f + "}" for f in FIELDS) + " are allowed (never a name)"
        )
    return template


def resolve_templates(config: Mapping | None = None) -> dict[str, str]:
    """Templates per source kind from a workspace config value (or the defaults)."""
    out = dict(DEFAULT_TEMPLATES)
    if not config:
        return out
    if not isinstance(config, Mapping):
        raise ConfigError("quotes.attribution must map source kinds to templates, or be {'style': NAME}")
    style = config.get("style")
    if style is not None:
        if style not in STYLES:
            raise ConfigError(f"unknown attribution style {style!r}; use one of {', '.join(STYLES)}")
        out.update(STYLES[style])
    for kind, tpl in config.items():
        if kind == "style":
            continue
        out[str(kind)] = check_template(tpl)
    return out


def _clean(line: str) -> str:
    line = re.sub(r"\s+", " ", line)
    line = re.sub(r"\s+([,;])", r"\1", line)
    line = re.sub(r"([,;])(\s*[,;])+", r"\1", line)
    line = re.sub(r"[,;\s]+$", "", line)
    line = re.sub(r"^(-\s*)[,;]\s*", r"\1", line)
    return line.strip()


def attribution(source_kind: str | None, *, year: str | None = None, group: str | None = None,
                templates: Mapping[str, str] | None = None, template: str | None = None,
                speaker_role: str | None = None, programme: str = "CoP") -> str:
    """The attribution line of one quote.

    ``template`` (a per-file override) wins over ``templates[source_kind]``. A
    facilitator's reflection is always attributed to the role, never a person.
    Empty fields are dropped cleanly ("- CoP survey respondent" with no year).
    """
    kind = source_kind or "other"
    if speaker_role == "facilitator" and kind != "reflection":
        kind = "reflection"
    tpls = dict(DEFAULT_TEMPLATES) if templates is None else {**DEFAULT_TEMPLATES, **templates}
    tpl = check_template(template) if template else tpls.get(kind, tpls["other"])
    values = {"year": (year or "").strip(), "group": (group or "").strip(),
              "kind": KIND_WORDS.get(kind, kind.replace("_", " ")), "programme": programme}
    line = tpl.format(**values)
    if not values["group"]:
        line = line.replace("  ", " ")
    return _clean(line)
