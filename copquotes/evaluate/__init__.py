"""Scores against gold files: tags.py (theme tagging), anonymise.py (anonymisation)."""
from .tags import evaluate_tags  # noqa: F401
from .anonymise import evaluate_anonymise  # noqa: F401
