"""Checks of a redactor's spans against the words a probe row names."""
from __future__ import annotations


def covered(text: str, spans, want: str, punctuation: bool = False) -> bool:
    """Every letter or digit of ``want`` (its first occurrence in ``text``) lies in a span; with
    ``punctuation`` every character but white space ("J.R.", "Murray & Sons", as the evaluator counts)."""
    s = text.index(want)
    free = str.isspace if punctuation else (lambda c: not c.isalnum())
    return all(any(sp.start <= k < sp.end for sp in spans) or free(text[k]) for k in range(s, s + len(want)))


def touched(text: str, spans, word: str) -> bool:
    """Some span overlaps ``word`` (its first occurrence in ``text``)."""
    s = text.index(word)
    return any(sp.start < s + len(word) and s < sp.end for sp in spans)


def assert_found(redactor, text: str, want: str) -> None:
    """``want`` is redacted whole (punctuation inside it too) by ``redactor``; the spans are shown if not."""
    spans = redactor.analyze(text)
    assert covered(text, spans, want, punctuation=True), [(text[s.start:s.end], s.kind, s.source) for s in spans]


def assert_kept(redactor, text: str, word: str) -> None:
    """No character of ``word`` is redacted by ``redactor``; the spans are shown if one is."""
    spans = redactor.analyze(text)
    assert not touched(text, spans, word), [(text[s.start:s.end], s.kind, s.source) for s in spans]
