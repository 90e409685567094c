"""People's names in a workshop: cleaned of what cannot be seen, and compared by what they
look like, so that nobody joins as someone else under a name that looks the same.

- ``clean_name`` keeps what a person sees: NFKC, without invisible, bidirectional and
  filler characters (U+200D, U+2060, U+00AD, U+202E, U+3164, U+2800…); a name made only of
  them is refused.
- ``name_key`` compares names as they look: case and accents aside, and each character
  replaced by one representative of its confusables (Unicode's list, UTS #39, through the
  ``confusable_homoglyphs`` package): "Élise", "  elise " and "Еlise" (Cyrillic Е) are one
  name.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources

from core.errors import InvalidInput
from core.i18n import N_
from core.text import clean_text, fold

NAME_LENGTH = 40
KEY_LENGTH = 80

# Characters drawn as nothing, or as a blank, that are not ordinary spaces.
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e", "\u17b4", "\u17b5"}


def _visible(char: str) -> bool:
    if char in _FILLERS:
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
    """Map each character to the smallest one it can be confused with (one character)."""
    source = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    table = json.loads(source.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for char, homoglyphs in table.items():
        if len(char) != 1:
            continue
        group = [char] + [h["c"] for h in homoglyphs if len(h["c"]) == 1]
        out[char] = min(group)
    return out


def _skeleton(text: str) -> str:
    table = _representatives()
    return "".join(table.get(c, c) for c in text)


def name_key(name: str) -> str:
    """Return what two names that look alike share (look-alikes are mapped before and after
    case and accents are set aside: "0" looks like "O", and "o" like "о")."""
    return _skeleton(fold(_skeleton(clean_name(name)))).replace(" ", "")[:KEY_LENGTH]
