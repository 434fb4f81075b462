"""copquotes: themed, clustered, anonymised, consent-checked quotes from evaluation text.

Pipeline: ingest -> anonymise -> embed -> tag -> topics -> quotes -> review/export.
Heavy modules are imported lazily; ``import copquotes`` is cheap.
"""
from . import _offline  # noqa: F401  (offline environment before anything else)
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
from .workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "ConfigError", "ConflictError", "ConsentError", "CopquotesError", "InputError",
    "ModelNotAvailableError", "UnknownFormatError", "WorkspaceError",
    "Flag", "Identifier", "RosterEntry", "Span", "Unit", "Workspace", "__version__",
]
