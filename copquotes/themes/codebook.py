"""The codebook: themes with definitions, guidance, lexicon cues and examples (YAML).

A codebook file looks like ``models/codebook.yaml``::

    version: 1
    name: my-codebook
    themes:
      - id: wellbeing                 # required, unique, [a-z0-9_]
        label: Wellbeing              # optional (default: from the id)
        definition: ...               # what the theme means
        include: [...]                # optional guidance
        exclude: [...]
        keywords: [burnout, exhaust*] # optional lexicon cues (* = any ending)
        examples: [...]               # texts that carry the theme (required)
    none:                             # optional: texts that carry no theme
      examples: [...]

An example listed under two (or more) themes is one text that carries all of them: the
tagger learns it as a positive for each and a negative for none of them.

Any codebook of this shape works everywhere the default one does.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ConfigError
from ..resources import models_dir

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def default_codebook_path() -> Path:
    return models_dir() / "codebook.yaml"


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "id": self.id, "label": self.label, "definition": self.definition,
            "include": list(self.include), "exclude": list(self.exclude),
            "keywords": list(self.keywords), "examples": list(self.examples),
        }


@dataclass(frozen=True)
class Codebook:
    """An ordered list of :class:`Theme` plus examples of text about no theme."""

    themes: tuple[Theme, ...]
    version: str = "1"
    name: str = "codebook"
    description: str = ""
    none_definition: str = ""
    none_examples: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None, *, require_examples: bool = True) -> "Codebook":
        """Read and validate a YAML (or JSON) codebook; ``None`` loads the shipped default."""
        import yaml

        p = Path(path) if path is not None else default_codebook_path()
        if not p.exists():
            raise ConfigError(f"codebook {p} does not exist: give the path of a codebook YAML file "
                              "(see models/codebook.yaml for the format)")
        if p.is_dir():
            raise ConfigError(f"codebook {p} is a folder: give the path of a codebook YAML file")
        try:
            # libyaml's loader when PyYAML has it: ten times faster on the default codebook
            data = yaml.load(p.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"codebook {p} is not UTF-8 text: save it as UTF-8") from exc
        except yaml.YAMLError as exc:
            where = ""
            mark = getattr(exc, "problem_mark", None)
            if mark is not None:
                where = f" (line {mark.line + 1}, column {mark.column + 1})"
            raise ConfigError(f"codebook {p} is not valid YAML{where}: fix the syntax "
                              f"({getattr(exc, 'problem', None) or exc})") from exc
        return cls.from_dict(data, source=str(p), require_examples=require_examples)

    @classmethod
    def from_dict(cls, data, source: str = "<dict>", *, require_examples: bool = True) -> "Codebook":
        """Build and validate a codebook from plain data (the parsed YAML)."""
        where = f"codebook {source}"
        if not isinstance(data, dict):
            raise ConfigError(f"{where} must be a mapping with a 'themes' list (see models/codebook.yaml)")
        raw = data.get("themes")
        if raw is None:
            raise ConfigError(f"{where} has no 'themes' list: add one entry per theme with an id and examples")
        if isinstance(raw, dict):  # allow {id: {...}} as well as a list
            raw = [{"id": k, **(v or {})} if isinstance(v, dict) or v is None else v for k, v in raw.items()]
        if not isinstance(raw, list) or not raw:
            raise ConfigError(f"{where}: 'themes' must be a non-empty list of themes")
        themes: list[Theme] = []
        seen: set[str] = set()
        for n, entry in enumerate(raw, 1):
            if not isinstance(entry, dict):
                raise ConfigError(f"{where}: theme #{n} must be a mapping with at least 'id' and 'examples'")
            tid = entry.get("id")
            if tid is None or (isinstance(tid, str) and not tid.strip()):
                raise ConfigError(f"{where}: theme #{n} has no 'id': give every theme a unique id such as 'wellbeing'")
            tid = str(tid).strip()
            if not _ID.match(tid):
                raise ConfigError(f"{where}: theme id {tid!r} must be lower case letters, digits, '_' or '-' "
                                  "(e.g. 'reflective_practice')")
            if tid == "none":
                raise ConfigError(f"{where}: 'none' is reserved for text about no theme: put those examples "
                                  "under the top-level 'none:' key")
            if tid in seen:
                raise ConfigError(f"{where}: duplicate theme id {tid!r}: every theme id must be unique")
            seen.add(tid)
            examples = _texts(entry.get("examples"), f"{where}: theme {tid!r} 'examples'")
            definition = _text(entry.get("definition"), f"{where}: theme {tid!r} 'definition'")
            if require_examples and not examples:
                raise ConfigError(f"{where}: theme {tid!r} has no examples: add a few texts that carry it "
                                  "under 'examples:' (the tagger learns from them)")
            if not examples and not definition:
                raise ConfigError(f"{where}: theme {tid!r} has neither a definition nor examples: add both")
            label = _text(entry.get("label"), f"{where}: theme {tid!r} 'label'") or tid.replace("_", " ").capitalize()
            keywords = tuple(k.lower() for k in _texts(entry.get("keywords"), f"{where}: theme {tid!r} 'keywords'"))
            for k in keywords:
                if k.strip("*").strip() == "":
                    raise ConfigError(f"{where}: theme {tid!r} has an empty keyword: remove it")
            themes.append(Theme(
                id=tid, label=label, definition=definition,
                include=_texts(entry.get("include"), f"{where}: theme {tid!r} 'include'"),
                exclude=_texts(entry.get("exclude"), f"{where}: theme {tid!r} 'exclude'"),
                keywords=keywords, examples=examples,
            ))
        none = data.get("none") or {}
        if isinstance(none, list):
            none = {"examples": none}
        if not isinstance(none, dict):
            raise ConfigError(f"{where}: 'none' must be a mapping with 'examples' (texts about no theme)")
        version = data.get("version", 1)
        if isinstance(version, (dict, list)) or version is None:
            raise ConfigError(f"{where}: 'version' must be a number or a short string such as 1")
        return cls(
            themes=tuple(themes),
            version=str(version),
            name=str(data.get("name") or (Path(source).stem if source and not source.startswith("<") else "codebook")),
            description=_text(data.get("description"), f"{where}: 'description'"),
            none_definition=_text(none.get("definition"), f"{where}: 'none.definition'"),
            none_examples=_texts(none.get("examples"), f"{where}: 'none.examples'"),
            source=source,
        )

    @classmethod
    def coerce(cls, codebook) -> "Codebook":
        """``None`` -> the default; a path -> loaded; a Codebook -> itself; a dict -> validated."""
        if codebook is None:
            return cls.load()
        if isinstance(codebook, Codebook):
            return codebook
        if isinstance(codebook, (str, Path)):
            return cls.load(codebook)
        if isinstance(codebook, dict):
            return cls.from_dict(codebook)
        raise ConfigError(f"cannot use {type(codebook).__name__} as a codebook: pass a path to a YAML "
                          "file, a Codebook, or None for the default")

    @classmethod
    def from_labels(cls, ids: Iterable[str], *, labels: dict[str, str] | None = None,
                    definitions: dict[str, str] | None = None, name: str = "from-labels") -> "Codebook":
        """A codebook for supervised use: theme ids (any text; made id-safe) without examples.

        The tagger then needs labelled data (``fit(X, Y)``); ``theme.label`` keeps the
        original name.
        """
        labels = labels or {}
        definitions = definitions or {}
        themes, seen = [], set()
        for raw in ids:
            tid = slug(raw)
            if tid in seen:
                raise ConfigError(f"two themes map to the same id {tid!r}: rename one")
            seen.add(tid)
            themes.append(Theme(id=tid, label=labels.get(raw, str(raw)),
                                definition=definitions.get(raw, str(raw))))
        if not themes:
            raise ConfigError("a codebook needs at least one theme")
        return cls(themes=tuple(themes), name=name)

    # ---------------------------------------------------------------- access
    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise ConfigError(f"theme {theme_id!r} is not in codebook {self.name!r}: "
                          f"choose from {', '.join(self.ids)}")

    def __len__(self) -> int:
        return len(self.themes)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def to_dict(self) -> dict:
        return {
            "version": self.version, "name": self.name, "description": self.description,
            "themes": [t.to_dict() for t in self.themes],
            "none": {"definition": self.none_definition, "examples": list(self.none_examples)},
        }

    def fingerprint(self) -> str:
        """A hash of everything the tagger learns from (not of comments or formatting)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(blob.encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        return f"Codebook(name={self.name!r}, version={self.version!r}, themes={self.ids})"


def slug(text) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s or "theme"


def _text(value, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise ConfigError(f"{what} must be text, not a {type(value).__name__}")
    return " ".join(str(value).split())


def _texts(value, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{what} must be a list of texts")
    out = []
    for v in value:
        if isinstance(v, (dict, list)):
            raise ConfigError(f"{what} must be a list of texts; found a {type(v).__name__}: "
                              "quote texts that contain ': ' in YAML")
        if v is None:
            continue
        s = " ".join(str(v).split())
        if s:
            out.append(s)
    return tuple(out)
