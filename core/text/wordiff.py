"""Differences between two texts, word by word, for people rather than programmers.

``word_diff("Une épicerie au bourg", "Une épicerie solidaire au bourg")`` returns
``[("same", "Une épicerie"), ("added", "solidaire"), ("same", "au bourg")]``: runs of words
kept, added or removed, in reading order (a replaced word is removed, then added). Line
breaks count as words, so a new paragraph shows as such.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["same", "added", "removed"]
_TOKENS = re.compile(r"\n|[^\s]+")


def _words(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _join(words: list[str]) -> str:
    return " ".join(words).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """Return the runs of words kept, removed and added from ``old`` to ``new``."""
    a, b = _words(old), _words(new)
    runs: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("same", _join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", _join(a[i1:i2])))
        if j2 > j1:
            runs.append(("added", _join(b[j1:j2])))
    return runs


def counts(runs: list[tuple[Op, str]]) -> tuple[int, int]:
    """Return how many words were added and removed."""
    added = sum(len(_words(text)) for op, text in runs if op == "added")
    removed = sum(len(_words(text)) for op, text in runs if op == "removed")
    return added, removed
