"""Cleaning of text typed by people: what is stored is what they meant to type."""

from __future__ import annotations

import re
import unicodedata

from core.errors import InvalidInput
from core.text.i18n import N_

# Control characters other than newline and tab have no place in a card.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value: str | None, *, max_length: int, multiline: bool = True) -> str:
    """Normalise ``value`` (NFC, no control characters, trimmed) and check its length.

    Raises ``InvalidInput`` for empty or over-long text, with the count in the message.
    """
    text = unicodedata.normalize("NFC", value or "")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ")).strip()
    if not text:
        raise InvalidInput(N_("Write something first: the text is empty."))
    if len(text) > max_length:
        raise InvalidInput(
            N_("Too long: {length} characters, at most {max_length}. Shorten it or split it."),
            length=len(text),
            max_length=max_length,
        )
    return text


def clean_optional(value: str | None, *, max_length: int) -> str:
    """Like ``clean_text`` on one line, but empty input gives an empty string."""
    if not value or not value.strip():
        return ""
    return clean_text(value, max_length=max_length, multiline=False)


def fold(value: str) -> str:
    """Return a case- and accent-insensitive key: "  Élise  Dupré" → "elise dupre"."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip()


# What lets text become emphasis, code, a link, an image, a table cell or HTML anywhere in
# a line; and what makes a heading, a list or a quote at its start.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~<>&])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+\-=])", re.MULTILINE)
_MARKDOWN_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def markdown_text(text: str) -> str:
    """Escape user text for a Markdown file: no emphasis, link, image, heading or HTML
    comes from it; it reads as typed once rendered."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", text)
    escaped = _MARKDOWN_LINE_START.sub(r"\1\\\2", escaped)
    escaped = _MARKDOWN_NUMBERED.sub(r"\1\\\2", escaped)
    return escaped.replace("\n", "  \n")
