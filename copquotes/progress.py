"""Progress bars on stderr for anything that takes more than a few seconds."""
from __future__ import annotations

import os
import sys

from tqdm.auto import tqdm

_ENABLED = os.environ.get("COPQUOTES_PROGRESS", "1") != "0"


def set_enabled(flag: bool) -> None:
    global _ENABLED
    _ENABLED = bool(flag)


def progress(iterable=None, *, total=None, desc: str = "", unit: str = "it", enable: bool | None = None):
    """A tqdm bar on stderr; silent when disabled, so ``--json`` stdout stays clean."""
    on = _ENABLED if enable is None else enable
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        disable=not on,
        leave=False,
        dynamic_ncols=True,
        mininterval=0.5,
    )
