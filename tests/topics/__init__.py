"""Tests of copquotes.topics."""
