"""Rendering from stored spans: the placeholder table, and a property test that rendered
text never keeps a redacted span's characters."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copquotes.disclosure import PLACEHOLDERS, placeholder, redact_span, redact_text
from copquotes.types import Span


@pytest.mark.parametrize("kind, source, expected", [
    ("person", "", "[name]"), ("name", "", "[name]"), ("org", "", "[organisation]"),
    ("organisation", "", "[organisation]"), ("place", "", "[place]"), ("location", "", "[place]"),
    ("email", "", "[contact]"), ("phone", "", "[contact]"), ("url", "", "[contact]"), ("handle", "", "[contact]"),
    ("other", "UrlRecognizer", "[contact]"), ("other", "known_email:x", "[contact]"), ("other", "", "[identifier]"),
    ("PERSON", "", "[name]"), ("something new", "", "[identifier]"),
])
def test_one_placeholder_table(kind, source, expected):
    assert placeholder(kind, source) == expected


def test_the_stages_use_the_same_table():
    from copquotes import review
    from copquotes.anonymise import render

    assert render.PLACEHOLDERS is PLACEHOLDERS and review.PLACEHOLDERS is PLACEHOLDERS


def test_the_same_string_gets_the_same_placeholder_and_overlaps_merge():
    text = "Jo met Jo at Acme, then Acme rang."
    spans = [Span(0, 2, "person"), Span(7, 9, "person"), Span(13, 17, "org"), Span(24, 28, "place"),
             Span(14, 16, "place")]
    # "Acme" is an organisation the first time it is seen, so everywhere; the overlap merges
    assert redact_text(text, spans) == "[name] met [name] at [organisation], then [organisation] rang."


def test_a_span_cut_by_the_window_still_hides_its_part():
    text = "Thanks Sarah Okafor for the plan."
    assert redact_span(text, [(7, 19, "person")], 13, len(text)) == "[name] for the plan."


_ALPHABET = st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"))


@st.composite
def text_and_spans(draw):
    text = draw(st.text(_ALPHABET, min_size=1, max_size=120))
    n = draw(st.integers(0, 5))
    spans = []
    for _ in range(n):
        a = draw(st.integers(0, len(text) - 1))
        b = draw(st.integers(a + 1, len(text)))
        spans.append(Span(a, b, draw(st.sampled_from(["person", "org", "place", "email", "phone", "other"]))))
    lo = draw(st.integers(0, len(text)))
    hi = draw(st.integers(lo, len(text)))
    return text, spans, lo, hi


def _covered(spans, lo, hi):
    return [i for i in range(lo, hi) if any(s.start <= i < s.end for s in spans)]


@settings(max_examples=400, deadline=None)
@given(text_and_spans())
def test_rendered_text_never_keeps_a_redacted_span(case):
    text, spans, lo, hi = case
    out = redact_span(text, spans, lo, hi)
    # every character outside the spans survives in order; none inside does
    kept = "".join(ch for i, ch in enumerate(text[lo:hi], lo) if i not in set(_covered(spans, lo, hi)))
    stripped = out
    for ph in sorted(set(PLACEHOLDERS.values()), key=len, reverse=True):
        stripped = stripped.replace(ph, "")
    assert stripped == kept
    # a span's text that occurs once in the text never comes out
    for s in spans:
        a, b = max(s.start, lo), min(s.end, hi)
        secret = text[a:b]
        if b > a and len(secret) >= 3 and text.count(secret) == 1 and secret not in "".join(PLACEHOLDERS.values()):
            assert secret not in out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Sarah", "Okafor", "went", "to", "Acme", "and", "Jo", "said", "hi", "."]),
                min_size=1, max_size=30), st.data())
def test_rendered_words_never_keep_a_redacted_word(words, data):
    text = " ".join(words)
    starts = [i for i, ch in enumerate(text) if i == 0 or text[i - 1] == " "]
    chosen = data.draw(st.lists(st.sampled_from(range(len(words))), max_size=len(words), unique=True))
    spans = [Span(starts[i], starts[i] + len(words[i]), "person") for i in chosen]
    out = redact_text(text, spans)
    redacted = {words[i] for i in chosen}
    visible = {w for i, w in enumerate(words) if i not in chosen}
    for w in redacted - visible:
        assert w not in out.replace("[name]", " ").split()
