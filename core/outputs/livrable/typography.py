"""French typography for what the livrable prints, and what the fonts can draw.

A document handed to a collectivité follows the rules of French print: a narrow no-break
space (U+202F) before ; : ! ? and inside « », so that a line never begins with one; the
typographic apostrophe (’). Applied to every text of a French livrable, ours and what people
typed (a card's "l'épicerie" prints "l’épicerie"); the stored text is untouched.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"  # narrow no-break space
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# A high punctuation mark after a word (with or without a space before it), followed by a
# space, the end or closing punctuation: not "10:30", "https://", "?a=1".
_HIGH = re.compile(r"(?<=[^\s;:!?\u202f])[ \u00a0\u202f]?([;:!?])(?=$|[\s)\]»”’.,;:!?])")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")


def typeset(text: str, lang: str) -> str:
    """Return ``text`` set by the rules of ``lang``'s print (French; apostrophes for all)."""
    if not text:
        return text
    text = _APOSTROPHE.sub("’", text)
    if lang != "fr":
        return text
    text = _HIGH.sub(lambda m: NNBSP + m.group(1), text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    return _CLOSE_QUOTE.sub(NNBSP + "»", text)
