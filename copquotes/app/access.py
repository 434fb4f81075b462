"""Who may open the review app, and who may see original (un-anonymised) text.

Pure Python (no Streamlit import), shared by ``copquotes app`` (checked before the server
starts) and by the app itself (checked again on every page run, so an app started some
other way fails closed too).

Secrets are read where Streamlit reads them, in its order (later files win, key by key at
the top level): ``~/.streamlit/secrets.toml``, then ``.streamlit/secrets.toml`` in the folder
the app starts in, then ``.streamlit/secrets.toml`` beside ``app.py``. Two entries matter:

``password = "..."``
    the shared password everyone types to open the app. Any ``--address`` other than
    loopback needs one.
``[reviewers]``
    one entry per reviewer who signs in with a credential of their own:
    ``"Ann Lee" = "scrypt$16384$8$1$<salt>$<hash>"`` (make one with
    ``copquotes app --hash-password``). A listed reviewer signs in with their own password
    (the shared one does not let anyone use a listed name). Original text is shown only to
    a reviewer signed in this way *and* named in the workspace config ``show_original_for``:
    a typed name alone never unlocks it.

A secrets file that exists but does not parse, a password that is empty or not a quoted
string, or a reviewer entry that is not a hash stops the app (:class:`SecretsError`, one
line saying what to fix): it never falls back to "no password".
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress
import os
import secrets as _secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

SECRETS_NAME = "secrets.toml"
LOOPBACK_NAMES = ("localhost", "ip6-localhost", "ip6-loopback")

# scrypt at n=2**14, r=8, p=1 (16 MB, ~50 ms here): the parameters Python's docs and OWASP's
# minimum suggest for interactive logins; stored in each hash so they can be raised later
_N, _R, _P, _DKLEN, _SALT = 2 ** 14, 8, 1, 32, 16
_SCHEME = "scrypt"
_MAX_MEM = 128 * 1024 * 1024


class SecretsError(ConfigError):
    """The secrets file is broken: the app refuses to serve until it is fixed."""


@dataclass(frozen=True)
class Access:
    """What the secrets say: the shared password (or None) and the reviewers' hashes."""

    password: str | None = None
    reviewers: dict = field(default_factory=dict)   # normalised name -> (display name, hash)
    files: tuple = ()                                # the secrets files that exist

    @property
    def needs_password(self) -> bool:
        return bool(self.password) or bool(self.reviewers)


# ------------------------------------------------------------------------------ files
def default_secret_files(app_file=None, cwd=None, home=None) -> list[Path]:
    """Where Streamlit looks for ``secrets.toml``, in its order (later ones win)."""
    home = Path(home) if home is not None else Path.home()
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    out = [home / ".streamlit" / SECRETS_NAME, cwd / ".streamlit" / SECRETS_NAME]
    if app_file is not None:
        script_level = Path(os.path.abspath(os.path.dirname(app_file))) / ".streamlit" / SECRETS_NAME
        if script_level not in out:
            out.append(script_level)
    return out


def read_secret_files(paths) -> tuple[dict, tuple[Path, ...]]:
    """Merge the secrets files that exist (top-level keys, later files win, as Streamlit does).

    Raises :class:`SecretsError` for a file that exists but cannot be read or parsed.
    """
    import tomllib

    merged: dict = {}
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            raise SecretsError(f"{p} is a folder: copquotes reads secrets only from a secrets.toml file; "
                               "put password = \"...\" in a secrets.toml instead")
        try:
            raw = p.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise SecretsError(f"cannot read the secrets file {p} ({exc.strerror or exc}): fix its permissions "
                               "or remove it; the app does not start without it") from None
        try:
            data = tomllib.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise SecretsError(f"the secrets file {p} is not UTF-8 text: save it as UTF-8; "
                               "the app does not start until it is fixed") from None
        except tomllib.TOMLDecodeError as exc:
            raise SecretsError(f"the secrets file {p} does not parse ({_one_line(exc)}): quote every value, "
                               "e.g. password = \"...\"; the app does not start until it is fixed") from None
        found.append(p)
        merged.update(data)
    return merged, tuple(found)


def parse_access(secrets: dict, where: str = "the secrets file") -> Access:
    """Check the ``password`` and ``[reviewers]`` entries of parsed secrets."""
    pw = secrets.get("password") if secrets else None
    if "password" in (secrets or {}):
        if not isinstance(pw, str):
            raise SecretsError(f"password in {where} is not a quoted string: write password = \"...\" "
                               "(in double quotes)")
        if not pw.strip():
            raise SecretsError(f"password in {where} is empty: set password = \"...\" to a real password, "
                               "or delete the line to run without one on 127.0.0.1")
    reviewers: dict = {}
    table = (secrets or {}).get("reviewers")
    if table is not None:
        if not isinstance(table, dict):
            raise SecretsError(f"reviewers in {where} must be a table: [reviewers] then one "
                               "\"Name\" = \"<hash from copquotes app --hash-password>\" per line")
        for name, hashed in table.items():
            key = normalise_name(name)
            if not key:
                raise SecretsError(f"a reviewer in {where} has an empty name: give each [reviewers] entry a name")
            if not isinstance(hashed, str) or not hashed.strip():
                raise SecretsError(f"reviewer {name!r} in {where} has no password hash: set it to the output "
                                   "of copquotes app --hash-password")
            try:
                _parse_hash(hashed)
            except ValueError:
                raise SecretsError(f"reviewer {name!r} in {where} is not a password hash (a plain password?): "
                                   "replace it with the output of copquotes app --hash-password") from None
            if key in reviewers:
                raise SecretsError(f"reviewer {name!r} in {where} is listed twice (names are compared without "
                                   "case and extra spaces): keep one entry")
            reviewers[key] = (" ".join(str(name).split()), hashed.strip())
    return Access(password=pw if isinstance(pw, str) else None, reviewers=reviewers)


def load_access(paths) -> Access:
    """:func:`read_secret_files` then :func:`parse_access`; raises :class:`SecretsError`."""
    merged, found = read_secret_files(paths)
    where = ", ".join(str(p) for p in found) or "the secrets file"
    acc = parse_access(merged, where)
    return Access(password=acc.password, reviewers=acc.reviewers, files=found)


def _one_line(exc) -> str:
    return " ".join(str(exc).split())


# ------------------------------------------------------------------------------ addresses
def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 and ``localhost``: only this machine can connect."""
    a = str(address or "").strip().strip("[]").lower()
    if a in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(a).is_loopback
    except ValueError:
        return False


def check_address(address: str, access: Access) -> str:
    """The address to bind, or :class:`ConfigError` when it would serve beyond this machine
    without a password."""
    a = str(address or "").strip()
    if not a:
        raise ConfigError("--address is empty: give 127.0.0.1 (this machine only) or an address with a password set")
    if not is_loopback(a) and not access.password:
        raise ConfigError(f"--address {a} would serve the app beyond this machine without a password: "
                          "set password = \"...\" in .streamlit/secrets.toml first, or use --address 127.0.0.1")
    return a


# ------------------------------------------------------------------------------ credentials
def normalise_name(name) -> str:
    return " ".join(str(name or "").split()).casefold()


def hash_password(password: str, *, n: int = _N, r: int = _R, p: int = _P) -> str:
    """A salted scrypt hash for the ``[reviewers]`` table: ``scrypt$n$r$p$salt$hash``."""
    if not isinstance(password, str) or not password:
        raise ConfigError("the password is empty: type a password to hash")
    salt = _secrets.token_bytes(_SALT)
    dk = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_DKLEN, maxmem=_MAX_MEM)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"{_SCHEME}${n}${r}${p}${b64(salt)}${b64(dk)}"


def _parse_hash(hashed: str) -> tuple[int, int, int, bytes, bytes]:
    parts = hashed.strip().split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        raise ValueError("not an scrypt hash")
    n, r, p = (int(x) for x in parts[1:4])
    if n < 2 ** 10 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16 or 128 * r * n * p > _MAX_MEM:
        raise ValueError("scrypt parameters out of range")
    salt = base64.b64decode(parts[4], validate=True)
    dk = base64.b64decode(parts[5], validate=True)
    if len(salt) < 8 or len(dk) != _DKLEN:
        raise ValueError("salt too short or hash of the wrong length")
    return n, r, p, salt, dk


def verify_password(password, hashed: str) -> bool:
    """Whether ``password`` matches ``hashed`` (constant-time compare; False for a bad hash)."""
    try:
        n, r, p, salt, dk = _parse_hash(hashed)
    except (ValueError, TypeError):
        return False
    got = hashlib.scrypt(str(password or "").encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(dk),
                         maxmem=_MAX_MEM)
    return hmac.compare_digest(got, dk)


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`sign_in`: who, and whether they proved it with their own credential."""

    ok: bool
    name: str = ""
    verified: bool = False
    message: str = ""


def sign_in(access: Access, name: str, password) -> SignIn:
    """Check a sign-in.

    A name listed in ``[reviewers]`` needs that reviewer's own password (then ``verified``);
    any other name needs the shared password when there is one. Nothing else is trusted.
    """
    shown = " ".join(str(name or "").split())
    entry = access.reviewers.get(normalise_name(shown))
    typed = "" if password is None else str(password)
    if entry is not None:
        if verify_password(typed, entry[1]):
            return SignIn(True, entry[0], verified=True)
        return SignIn(False, shown, message=f"Wrong password for {shown}: sign in with your own reviewer "
                                           "password (ask the evaluation lead to reset it).")
    if access.reviewers:
        verify_password(typed, _dummy_hash())   # as slow as a listed name: timing does not tell who is listed
    if access.password is not None:
        if hmac.compare_digest(typed.encode("utf-8"), access.password.encode("utf-8")):
            return SignIn(True, shown)
        return SignIn(False, shown, message="Wrong password: ask the evaluation lead for the review password.")
    return SignIn(True, shown)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(_secrets.token_urlsafe(16))


def may_see_originals(allowed_names, reviewer: str, verified_as: str | None) -> bool:
    """Originals only for a reviewer signed in with their own credential (``verified_as`` is
    the name that credential proved) whom the workspace's ``show_original_for`` names."""
    who = normalise_name(reviewer)
    if not who or not verified_as or normalise_name(verified_as) != who:
        return False
    if isinstance(allowed_names, str):
        allowed_names = [allowed_names]
    return any(normalise_name(n) == who for n in (allowed_names or []))
