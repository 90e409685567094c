"""Cleaning of typed text."""

import pytest

from core.errors import InvalidInput
from core.text import clean_optional, clean_text, fold


def test_clean_text_keeps_meaningful_line_breaks():
    assert clean_text("a\r\nb\n\n\n\nc", max_length=50) == "a\nb\n\nc"


def test_clean_text_strips_control_characters_and_normalizes():
    assert clean_text("e\u0301te\u0301\x00\u200b", max_length=50) == "été"


def test_single_line_mode():
    assert clean_text(" a \n b ", max_length=50, multiline=False) == "a b"


def test_limits():
    with pytest.raises(InvalidInput):
        clean_text(" \n ", max_length=5)
    with pytest.raises(InvalidInput):
        clean_text("abcdef", max_length=5)
    assert clean_optional("   ", max_length=5) == ""


def test_fold():
    assert fold("  Élise   DUPRÉ ") == "elise dupre"
