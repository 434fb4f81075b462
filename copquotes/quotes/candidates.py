"""Candidate spans: 1-4 consecutive sentences of one unit (one speaker), 12-70 words or so."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..text import word_count

DEFAULT_MIN_WORDS = 8        # soft: the length prior already prefers 15-45 words
DEFAULT_MAX_WORDS = 80
DEFAULT_MAX_SENTENCES = 4


@dataclass(frozen=True)
class SpanCandidate:
    """A span ``text[start:end]`` made of sentences ``first..last`` (inclusive) of one unit."""

    start: int
    end: int
    first: int
    last: int
    n_words: int

    @property
    def n_sentences(self) -> int:
        return self.last - self.first + 1


def candidate_spans(text: str, sentences: Sequence[tuple[int, int]], *, min_words: int = DEFAULT_MIN_WORDS,
                    max_words: int = DEFAULT_MAX_WORDS, max_sentences: int = DEFAULT_MAX_SENTENCES
                    ) -> list[SpanCandidate]:
    """Every run of 1..``max_sentences`` consecutive sentences with ``min_words..max_words`` words.

    ``sentences`` are ``(start, end)`` character spans into ``text`` (see
    :func:`copquotes.text.sentence_spans`), in order. A unit is one speaker's turn
    or one survey answer, so a span never crosses speakers.
    """
    counts = [word_count(text[s:e]) for s, e in sentences]
    out: list[SpanCandidate] = []
    for i in range(len(sentences)):
        n = 0
        for j in range(i, min(len(sentences), i + max_sentences)):
            n += counts[j]
            if n > max_words:
                break
            if n >= min_words:
                out.append(SpanCandidate(sentences[i][0], sentences[j][1], i, j, n))
    return out


def select_non_overlapping(spans: Sequence[SpanCandidate], scores: Sequence[float],
                           max_per_unit: int | None = None) -> list[int]:
    """Indexes of the best-scoring spans that do not overlap each other, best first (greedy)."""
    order = sorted(range(len(spans)), key=lambda i: (-scores[i], spans[i].start, spans[i].end))
    taken: list[int] = []
    for i in order:
        a = spans[i]
        if any(a.start < spans[k].end and spans[k].start < a.end for k in taken):
            continue
        taken.append(i)
        if max_per_unit is not None and len(taken) >= max_per_unit:
            break
    return taken
