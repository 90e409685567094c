"""Cleaning of typed text."""

import pytest

from core.errors import InvalidInput
from core.text.cleaning import clean_optional, clean_text, fold


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


def test_markdown_labels_break_what_a_backslash_does_not_stop():
    """Autolinks and Streamlit's icons ignore backslashes (seen in Chromium): an invisible
    word joiner breaks them, and the text reads the same once it is taken out."""
    from ui.render import WORD_JOINER, md

    typed = "http://203.0.113.9/x.png www.exemple.fr a@b.fr :material/home: :red[x]"
    escaped = md(typed)
    assert "http\\:\u2060//" in escaped and "www\u2060\\." in escaped
    assert "a\u2060@" in escaped and "\\:\u2060material" in escaped
    assert escaped.replace(WORD_JOINER, "").replace("\\", "") == typed
