"""A gradient's arithmetic, on plain values: the level a person's ticked signs point to,
and what a room's answers say together (how many at each level, how far apart, the signs
most ticked)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.domain.templates import Gradient


def proposed_level(gradient: Gradient, signs: Iterable[str]) -> str | None:
    """Return the level the ticked ``signs`` point to, or None when none is ticked.

    Each level weighs the share of its own signs ticked (a level with four signs does not
    outweigh one with two), and the level proposed is the weighted median on the scale:
    signs of défiance and of collaboration together point to the middle. Between two levels
    with equal weight on each side, the lower one is proposed: the person adjusts it."""
    ticked = set(signs)
    weights = [sum(s.key in ticked for s in level.signs) / len(level.signs)
               for level in gradient.levels]
    total = sum(weights)
    if total == 0:
        return None
    running = 0.0
    for level, weight in zip(gradient.levels, weights, strict=True):
        running += weight
        if running >= total / 2 - 1e-9:
            return level.key
    return gradient.levels[-1].key  # pragma: no cover - the loop always returns


def spread(positions: Sequence[int]) -> float | None:
    """Return how far apart answers are on the scale: the standard deviation of their
    places (0 when everyone says the same level), as the vote's spread; None without
    answers."""
    if not positions:
        return None
    mean = sum(positions) / len(positions)
    return math.sqrt(sum((p - mean) ** 2 for p in positions) / len(positions))


@dataclass(frozen=True)
class Tally:
    """What a diagnostic's answers say together."""

    answered: int
    counts: dict[str, int]  # level key → how many said it, every level of the scale
    spread: float | None  # standard deviation of the places, in levels
    lowest: str | None  # the lowest and highest level said
    highest: str | None
    signs: list[tuple[str, int]]  # the signs ticked, most ticked first (then scale order)
    most_said: str | None  # the level said most (the lower on a tie)


def tally(gradient: Gradient, answers: Iterable[tuple[str, Iterable[str]]]) -> Tally:
    """Return the tally of ``answers``: (the level a person settled on, the signs they
    ticked) each."""
    counts = dict.fromkeys((level.key for level in gradient.levels), 0)
    ticks: Counter[str] = Counter()
    positions = []
    for level, ticked in answers:
        if level in counts:
            counts[level] += 1
            positions.append(gradient.index(level))
        ticks.update(set(ticked))
    order = [s.key for level in gradient.levels for s in level.signs]
    signs = sorted(((key, n) for key, n in ticks.items() if key in order),
                   key=lambda item: (-item[1], order.index(item[0])))
    keys = [level.key for level in gradient.levels]
    most = max(counts.values()) if positions else 0
    return Tally(
        answered=len(positions), counts=counts, spread=spread(positions),
        lowest=keys[min(positions)] if positions else None,
        highest=keys[max(positions)] if positions else None, signs=signs,
        most_said=next((k for k in keys if counts[k] == most), None) if positions else None)
