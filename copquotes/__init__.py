"""copquotes: themed, clustered, anonymised, consent-checked quotes from evaluation text.

Pipeline: ingest -> anonymise -> embed -> tag -> topics -> quotes -> review/export.

``import copquotes`` is cheap and changes nothing in the caller's process (no environment
variable, no thread count): :func:`run` and the command line apply copquotes' settings
themselves, and :func:`configure` applies them for good. The heavier names (:func:`run`,
:class:`Workspace`, ...) load on first use.
"""
from ._version import __version__
from .errors import (
    ConfigError,
    ConflictError,
    ConsentError,
    CopquotesError,
    InputError,
    ModelNotAvailableError,
    UnknownFormatError,
    WorkspaceError,
)
from .types import Flag, Identifier, RosterEntry, Span, Unit

# name -> module that defines it, imported on first use (PEP 562)
_LAZY = {
    "run": "api",
    "remove": "api",
    "Result": "api",
    "configure": "runtime",
    "Workspace": "workspace",
}

__all__ = [
    "ConfigError", "ConflictError", "ConsentError", "CopquotesError", "InputError",
    "ModelNotAvailableError", "UnknownFormatError", "WorkspaceError",
    "Flag", "Identifier", "RosterEntry", "Span", "Unit", "__version__", *_LAZY,
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'copquotes' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
