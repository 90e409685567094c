"""Aggregation of opportunity scores: pure functions, no database.

Notation: participant p, candidate a, criterion c with weight w_c ≥ 0 and direction
d_c ∈ {+1, −1}; a score s_pac ∈ {1…5}, or absent when p abstained ("je ne sais pas").

- **Oriented score**: o_pac = s_pac if d_c = +1, else 6 − s_pac (so 5 is always best: an
  effort of 1 counts as 5).
- **Criterion mean**: m_ac = mean of o_pac over the participants who did not abstain;
  undefined if all abstained. Abstentions never pull a mean down.
- **Weighted score**: S_a = Σ_c w_c·m_ac / Σ_c w_c, over the criteria where m_ac is defined
  and w_c > 0; on the 1–5 scale. A weight of zero removes a criterion entirely.
- **Rank**: by S_a, highest first; equal scores share a rank ("1, 1, 3").
- **Disagreement**: D_a = mean over criteria of the population standard deviation of
  {o_pac}; criteria with fewer than two scores are left out. D_a ≥ 1.0 (one full point
  on the scale) is flagged for discussion.
- **Axes** (impact × feasibility matrix): the weighted mean of m_ac over the criteria
  tagged with that axis.
- **Robustness**: the leader(s) with all weights equal, and with each weight moved by ±1
  (never below 0), one at a time; the ranking is robust when the leader never changes.
- **Dots**: the total of dots per candidate, highest first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

SCALE_MIN, SCALE_MAX = 1, 5
DISAGREEMENT_FLAG = 1.0


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as aggregation needs it."""

    id: int
    weight: float
    direction: int = 1
    axis: str = ""


@dataclass(frozen=True)
class ScoreEntry:
    """One participant's score of one candidate on one criterion; None is an abstention."""

    participant: int
    candidate: int
    criterion: int
    value: float | None


@dataclass(frozen=True)
class CandidateResult:
    """What the room produced for one candidate."""

    candidate: int
    score: float | None
    rank: int | None
    criterion_means: dict[int, float]
    criterion_counts: dict[int, int]
    abstentions: int
    disagreement: float | None
    axes: dict[str, float] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        """Tell whether the room disagrees enough to talk about this candidate."""
        return self.disagreement is not None and self.disagreement >= DISAGREEMENT_FLAG


def oriented(value: float, direction: int) -> float:
    """Return a score turned so that higher is better."""
    return value if direction >= 0 else SCALE_MIN + SCALE_MAX - value


def _weighted(means: Mapping[int, float], weights: Mapping[int, float]) -> float | None:
    total = sum(weights[c] for c in means if weights.get(c, 0) > 0)
    if total <= 0:
        return None
    return sum(weights[c] * m for c, m in means.items() if weights.get(c, 0) > 0) / total


def _ranks(scores: Mapping[int, float | None]) -> dict[int, int | None]:
    ranked = sorted((s, a) for a, s in scores.items() if s is not None)
    ranked.reverse()
    out: dict[int, int | None] = {a: None for a, s in scores.items() if s is None}
    previous, rank = None, 0
    for position, (score, candidate) in enumerate(ranked, start=1):
        if previous is None or not math.isclose(score, previous, abs_tol=1e-9):
            rank, previous = position, score
        out[candidate] = rank
    return out


@dataclass(frozen=True)
class _Stats:
    means: dict[int, float]
    counts: dict[int, int]
    spread: float | None
    abstentions: int


def _stats(criteria: Sequence[CriterionSpec], candidates: list[int],
           scores: Iterable[ScoreEntry]) -> dict[int, _Stats]:
    """Return per candidate the criterion means and counts, spread and abstentions."""
    spec = {c.id: c for c in criteria}
    wanted = set(candidates)
    values: dict[tuple[int, int], list[float]] = {}
    abstentions: dict[int, int] = {}
    for entry in scores:
        if entry.criterion not in spec or entry.candidate not in wanted:
            continue
        if entry.value is None:
            abstentions[entry.candidate] = abstentions.get(entry.candidate, 0) + 1
            continue
        values.setdefault((entry.candidate, entry.criterion), []).append(
            oriented(float(entry.value), spec[entry.criterion].direction))
    out: dict[int, _Stats] = {}
    for candidate in candidates:
        means, counts, spreads = {}, {}, []
        for criterion in spec:
            found = values.get((candidate, criterion), [])
            if found:
                mean = sum(found) / len(found)
                means[criterion], counts[criterion] = mean, len(found)
                if len(found) >= 2:
                    spreads.append(math.sqrt(sum((v - mean) ** 2 for v in found) / len(found)))
        out[candidate] = _Stats(means, counts, sum(spreads) / len(spreads) if spreads else None,
                                abstentions.get(candidate, 0))
    return out


def _leaders_with(stats: Mapping[int, _Stats], weights: Mapping[int, float]) -> set[int]:
    scores = {a: _weighted(s.means, weights) for a, s in stats.items()}
    return {a for a, rank in _ranks(scores).items() if rank == 1}


def aggregate(criteria: Sequence[CriterionSpec], candidates: Iterable[int],
              scores: Iterable[ScoreEntry]) -> list[CandidateResult]:
    """Aggregate the scores: one result per candidate, best first (unscored last)."""
    spec = {c.id: c for c in criteria}
    weights = {c.id: c.weight for c in criteria}
    stats = _stats(criteria, list(dict.fromkeys(candidates)), scores)
    ranks = _ranks({a: _weighted(s.means, weights) for a, s in stats.items()})
    results = []
    for candidate, stat in stats.items():
        axes: dict[str, float] = {}
        for axis in sorted({c.axis for c in criteria if c.axis}):
            on_axis = {c: m for c, m in stat.means.items() if spec[c].axis == axis}
            value = _weighted(on_axis, weights)
            if value is not None:
                axes[axis] = value
        results.append(CandidateResult(candidate, _weighted(stat.means, weights),
                                       ranks[candidate], stat.means, stat.counts,
                                       stat.abstentions, stat.spread, axes))
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.candidate))
    return results


def leaders(results: Sequence[CandidateResult]) -> set[int]:
    """Return the candidate(s) ranked first."""
    return {r.candidate for r in results if r.rank == 1}


@dataclass(frozen=True)
class Robustness:
    """Does the leader hold when weights change?"""

    leaders: set[int]
    equal_weights_leaders: set[int]
    changes: list[tuple[int, int, set[int]]]  # (criterion, delta, new leaders)

    @property
    def robust(self) -> bool:
        return self.leaders == self.equal_weights_leaders and not self.changes


def robustness(criteria: Sequence[CriterionSpec], candidates: Sequence[int],
               scores: Sequence[ScoreEntry]) -> Robustness:
    """Recompute the leader with equal weights, and with each weight moved by ±1.

    The criterion means do not depend on the weights: they are computed once.
    """
    stats = _stats(criteria, list(dict.fromkeys(candidates)), scores)
    weights = {c.id: c.weight for c in criteria}
    base = _leaders_with(stats, weights)
    equal_leaders = _leaders_with(stats, {c.id: 1.0 for c in criteria})
    changes = []
    for criterion in criteria:
        for delta in (-1, 1):
            weight = max(0.0, criterion.weight + delta)
            if weight == criterion.weight:
                continue
            found = _leaders_with(stats, {**weights, criterion.id: weight})
            if found != base:
                changes.append((criterion.id, delta, found))
    return Robustness(base, equal_leaders, changes)


def dot_totals(votes: Iterable[tuple[int, int, int]],
               candidates: Iterable[int]) -> list[tuple[int, int, int | None]]:
    """Sum dot votes (participant, candidate, dots): (candidate, total, rank), best first."""
    totals = {c: 0 for c in candidates}
    for _participant, candidate, dots in votes:
        if candidate in totals:
            totals[candidate] += dots
    ranks = _ranks({c: (float(t) if t else None) for c, t in totals.items()})
    return sorted(((c, t, ranks[c]) for c, t in totals.items()),
                  key=lambda x: (-x[1], x[0]))
