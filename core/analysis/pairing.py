"""Pairs for "regards croisés": which projects read each other's (pure functions).

The units paired are projects, not people: a team of two or three reads and is read as one.
Groups are pairs; with an odd number, one group is a trio (never a project alone, unless it
is the only one). Latecomers join: a new project with another new one if there is one, else
the smallest group.
"""

from __future__ import annotations

import random
from collections.abc import Sequence


def groups_of(projects: Sequence[int], *, seed: int | None = None) -> list[list[int]]:
    """Deal ``projects`` into pairs at random (``seed``: the same deal again), the odd one
    out making the last pair a trio."""
    shuffled = list(projects)
    random.Random(seed).shuffle(shuffled)
    groups = [shuffled[i:i + 2] for i in range(0, len(shuffled), 2)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2].extend(groups.pop())
    return groups


def chosen(groups: Sequence[Sequence[int]], projects: Sequence[int]) -> list[list[int]]:
    """Check groups the facilitator chose: every project once, none alone unless it is the
    only one; return them as lists. Raises ``ValueError`` saying what is wrong."""
    seen: list[int] = [p for group in groups for p in group]
    if sorted(seen) != sorted(set(seen)):
        raise ValueError("a project is in two groups")
    missing = set(projects) - set(seen)
    if missing:
        raise ValueError(f"projects without a group: {sorted(missing)}")
    unknown = set(seen) - set(projects)
    if unknown:
        raise ValueError(f"unknown projects: {sorted(unknown)}")
    if len(seen) > 1 and any(len(group) < 2 for group in groups):
        raise ValueError("a project alone in its group")
    return [list(group) for group in groups if group]


def place_latecomers(groups: list[list[int]], latecomers: Sequence[int]) -> list[list[int]]:
    """Add projects that arrived after the pairs were made: two latecomers make a new pair;
    one left over joins the smallest group (a trio, rather than alone)."""
    groups = [list(g) for g in groups]
    waiting = list(latecomers)
    while len(waiting) >= 2:
        groups.append([waiting.pop(0), waiting.pop(0)])
    if waiting:
        if groups:
            min(groups, key=len).append(waiting.pop())
        else:
            groups.append([waiting.pop()])
    return groups
