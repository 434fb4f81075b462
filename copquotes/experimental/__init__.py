"""Research kept apart from the product: nothing in the CLI, the app or the pipeline imports it.

:class:`FineTunedThemeTagger` wraps a :class:`~copquotes.themes.ThemeTagger` (as scikit-learn's
``CalibratedClassifierCV`` wraps an estimator) and averages its linear heads with sentence encoders
fine-tuned end to end on the labelled texts (:mod:`.finetune`); :mod:`.blend` joins several
cross-fitted runs. It needs about 1,000 labelled texts to pay off and hours of CPU: see
docs/research/tagging-log.md for what it scored on pxtextmining and how to reproduce it.
"""
from .blend import Blend, blend_taggers, choose_blend
from .finetune import FineTunedEncoder, FineTunedEnsemble
from .tagger import MIN_FINETUNE, FineTunedThemeTagger

__all__ = ["FineTunedThemeTagger", "FineTunedEncoder", "FineTunedEnsemble", "Blend", "blend_taggers",
           "choose_blend", "MIN_FINETUNE"]
