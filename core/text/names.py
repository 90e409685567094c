"""People's names in a workshop: cleaned of what cannot be seen, and compared by what they
look like, so that nobody joins as someone else under a name that looks the same.

- ``clean_name`` keeps what a person sees: NFKC, without invisible, bidirectional and
  filler characters — every default-ignorable code point (Unicode's
  ``Default_Ignorable_Code_Point``: joiners, variation selectors, tags, U+034F, U+180B…),
  controls and format characters, and the fillers drawn as a blank (U+3164, U+2800…); a
  name made only of them is refused.
- ``name_keys`` compares names as they look, two ways: case and accents set aside first,
  then each character replaced by one representative of its confusables ("Élise",
  "ELISE", "Еlise" with a Cyrillic Е); and look-alikes first, as written, then case and
  accents ("ÉIise" with a capital I, "É1ise"). Two names are one if either key is shared.
  Confusables are Unicode's list (UTS #39, through the ``confusable_homoglyphs``
  package), closed in both directions: "I", "l" and "1" are one class, whichever of them
  the list starts from.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources
from typing import NamedTuple

import regex

from core.errors import InvalidInput
from core.text.cleaning import clean_text, fold
from core.text.i18n import N_

NAME_LENGTH = 40
KEY_LENGTH = 80

# Characters drawn as a blank that are not ordinary spaces nor default-ignorable.
_FILLERS = {"\u2800", "\U00016fe4"}
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")


def _visible(char: str) -> bool:
    if char in _FILLERS or _IGNORABLE.match(char):
        return False
    category = unicodedata.category(char)
    # Cf: format characters (joiners, bidirectional controls, soft hyphen, word joiner);
    # Cc, Cs, Co, Cn: controls, surrogates, private use, unassigned.
    return not category.startswith("C")


def clean_name(value: str) -> str:
    """Return the name as people will see it, or refuse one that shows nothing."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(c if _visible(c) else (" " if c.isspace() else "") for c in text)
    name = clean_text(text, max_length=NAME_LENGTH, multiline=False)
    if not any(unicodedata.category(c)[0] in "LN" for c in name):
        raise InvalidInput(N_("Choose a name with letters or digits."))
    return name


@cache
def _representatives() -> dict[str, str]:
    """Map each character to the smallest one of its class of confusables (one character).
    The list gives, for a character, those it can be taken for; a class is closed over
    those pairs both ways (union-find), so "I" → "l" and "l" → "1" put the three
    together."""
    source = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    table = json.loads(source.read_text(encoding="utf-8"))
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        parent.setdefault(char, char)
        while parent[char] != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    for char, homoglyphs in table.items():
        if len(char) != 1:
            continue
        for other in (h["c"] for h in homoglyphs if len(h["c"]) == 1):
            a, b = root(char), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {char: root(char) for char in parent}


def _skeleton(text: str) -> str:
    table = _representatives()
    return "".join(table.get(c, c) for c in text)


class NameKeys(NamedTuple):
    """The two keys a name is compared by (``name_keys``)."""

    name_key: str  # case and accents aside, then look-alikes
    look_key: str  # look-alikes as written, then case and accents


def name_keys(name: str) -> NameKeys:
    """Return both keys of ``name``: two names are one person's if they share either."""
    shown = clean_name(name)
    return NameKeys(_skeleton(fold(shown)).replace(" ", "")[:KEY_LENGTH],
                    _skeleton(fold(_skeleton(shown))).replace(" ", "")[:KEY_LENGTH])


def name_key(name: str) -> str:
    """Return the first key of ``name`` (case and accents aside, then look-alikes)."""
    return name_keys(name).name_key
