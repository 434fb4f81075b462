"""Topics: BERTopic over cached embeddings, tables for researchers, pictures, the stage.

* :class:`TopicModel`: BERTopic with corpus-size-scaled parameters (scikit-learn contract).
* tables: :func:`topic_theme_table`, :func:`topic_by`, :func:`topics_over_time`,
  :func:`theme_prevalence`, :func:`theme_differences`, :func:`map_frame`, :func:`tables_from_workspace`.
* pictures: :func:`save_figures` (HTML + PNG), :func:`pictures` (PNG in memory), the plotly
  figure builders; topic labels drawn as the disclosure layer shows them (:func:`shown_labels`).
* the stages: :func:`run_fit` (``topics_fit``: the fit from the embeddings) and :func:`run`
  (``topics``: keywords, labels, tables from the anonymised text; ``--stage topics`` runs both).

Topics are not codebook themes: nothing here merges, renames or writes themes.
See ``docs/topics.md`` for the measurements behind the defaults.
"""
from .figures import (
    Picture,
    pictures,
    save_figures,
    shown_labels,
    stored_pictures,
    theme_prevalence_figure,
    topic_map_figure,
    topic_sizes_figure,
    topics_over_time_figure,
)
from .intervals import newcombe, wilson
from .model import DOMAIN_STOP_WORDS, OUTLIER, STOP_WORDS, TopicModel, make_label, preload
from .stage import run, run_fit
from .tables import (
    map_frame,
    primary_theme,
    read_workspace,
    tables_from_workspace,
    theme_differences,
    theme_prevalence,
    topic_by,
    topic_theme_table,
    topics_over_time,
)

__all__ = [
    "DOMAIN_STOP_WORDS", "OUTLIER", "STOP_WORDS", "TopicModel", "make_label", "preload", "run", "run_fit",
    "Picture", "pictures", "save_figures", "shown_labels", "stored_pictures", "theme_prevalence_figure", "topic_map_figure", "topic_sizes_figure",
    "topics_over_time_figure", "map_frame", "primary_theme", "read_workspace", "tables_from_workspace",
    "theme_prevalence", "theme_differences", "newcombe", "wilson", "topic_by", "topic_theme_table", "topics_over_time",
]
