"""Theme tagging: the codebook, the tagger, ``tag_texts`` and the ``tag`` stage (``run``).

``run(ws)`` is the pipeline's ``tag`` stage; ``tag_texts(texts)`` backs ``copquotes tag``.
"""
from .api import default_artifact_path, default_tagger, run, tag_texts
from .codebook import Codebook, Theme, default_codebook_path
from .tagger import Lexicon, ThemeTagger

__all__ = ["Codebook", "Theme", "ThemeTagger", "Lexicon", "default_codebook_path", "default_artifact_path",
           "default_tagger", "run", "tag_texts"]
