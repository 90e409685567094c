"""Aggregation of scores: hand-computed cases and properties (hypothesis)."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from core.analysis.scoring_math import (
    CriterionSpec,
    ScoreEntry,
    aggregate,
    dot_totals,
    leaders,
    robustness,
)

IMPACT, EFFORT, FIT = 1, 2, 3
CRITERIA = [CriterionSpec(IMPACT, 2.0, 1, "impact"), CriterionSpec(EFFORT, 1.0, -1, "feasibility")]


def entries(rows):
    return [ScoreEntry(p, a, c, v) for p, a, c, v in rows]


def by_candidate(results):
    return {r.candidate: r for r in results}


def test_weights_directions_and_ranks_by_hand():
    # Candidate 10: impact 5 and 3 → 4; effort 2 and 2 → oriented 4 and 4 → 4. S = 4.
    # Candidate 20: impact 3 and 3 → 3; effort 1 → oriented 5. S = (2·3 + 1·5)/3 = 11/3.
    results = aggregate(CRITERIA, [10, 20], entries([
        (1, 10, IMPACT, 5), (2, 10, IMPACT, 3), (1, 10, EFFORT, 2), (2, 10, EFFORT, 2),
        (1, 20, IMPACT, 3), (2, 20, IMPACT, 3), (1, 20, EFFORT, 1), (2, 20, EFFORT, None),
    ]))
    first, second = results
    assert (first.candidate, first.rank, second.candidate, second.rank) == (10, 1, 20, 2)
    assert math.isclose(first.score, 4.0)
    assert math.isclose(second.score, 11 / 3)
    assert second.criterion_counts == {IMPACT: 2, EFFORT: 1} and second.abstentions == 1
    assert math.isclose(first.axes["impact"], 4.0) and math.isclose(second.axes["feasibility"], 5)


def test_abstentions_do_not_pull_a_mean_down():
    results = aggregate(CRITERIA, [10], entries([
        (1, 10, IMPACT, 4), (2, 10, IMPACT, None), (3, 10, IMPACT, None)]))
    assert results[0].criterion_means == {IMPACT: 4.0}
    assert math.isclose(results[0].score, 4.0)


def test_ties_share_a_rank():
    results = aggregate(CRITERIA, [10, 20, 30], entries([
        (1, 10, IMPACT, 4), (1, 20, IMPACT, 4), (1, 30, IMPACT, 2)]))
    assert [(r.candidate, r.rank) for r in results] == [(10, 1), (20, 1), (30, 3)]
    assert leaders(results) == {10, 20}


def test_a_single_participant_and_no_scores():
    single = aggregate(CRITERIA, [10], entries([(7, 10, IMPACT, 3), (7, 10, EFFORT, 5)]))
    assert math.isclose(single[0].score, (2 * 3 + 1 * 1) / 3)
    assert single[0].disagreement is None  # no spread with one voice
    empty = aggregate(CRITERIA, [10, 20], [])
    assert [(r.score, r.rank) for r in empty] == [(None, None), (None, None)]


def test_disagreement_is_the_mean_spread_and_is_flagged():
    results = aggregate(CRITERIA, [10], entries([
        (1, 10, IMPACT, 1), (2, 10, IMPACT, 5), (1, 10, EFFORT, 3), (2, 10, EFFORT, 3)]))
    # impact spread 2 (values 1, 5), effort spread 0 → mean 1.0
    assert math.isclose(results[0].disagreement, 1.0) and results[0].flagged


def test_robustness_detects_a_fragile_leader():
    criteria = [CriterionSpec(IMPACT, 1.0), CriterionSpec(FIT, 1.0)]
    rows = entries([(1, 10, IMPACT, 5), (1, 10, FIT, 2), (1, 20, IMPACT, 3), (1, 20, FIT, 3.9)])
    report = robustness(criteria, [10, 20], rows)
    assert report.leaders == {10}
    assert (FIT, 1, {20}) in report.changes and not report.robust
    solid = robustness(criteria, [10, 20], entries([
        (1, 10, IMPACT, 5), (1, 10, FIT, 5), (1, 20, IMPACT, 1), (1, 20, FIT, 1)]))
    assert solid.robust


def test_dot_totals():
    assert dot_totals([(1, 10, 2), (2, 10, 1), (1, 20, 3), (2, 99, 5)], [10, 20, 30]) == [
        (10, 3, 1), (20, 3, 1), (30, 0, None)]


# --- properties ---------------------------------------------------------------------

values = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def ballots(draw):
    criteria = [CriterionSpec(c, draw(st.integers(0, 5)) * 1.0, draw(st.sampled_from([1, -1])))
                for c in range(1, draw(st.integers(1, 4)) + 1)]
    candidates = list(range(100, 100 + draw(st.integers(1, 5))))
    participants = range(draw(st.integers(1, 6)))
    rows = [ScoreEntry(p, a, c.id, draw(values))
            for p in participants for a in candidates for c in criteria]
    return criteria, candidates, rows


def summary(results):
    return {r.candidate: (None if r.score is None else round(r.score, 9), r.rank)
            for r in results}


@settings(max_examples=150, deadline=None)
@given(ballots(), st.randoms())
def test_permuting_participants_changes_nothing(ballot, random):
    criteria, candidates, rows = ballot
    shuffled = rows[:]
    random.shuffle(shuffled)
    ids = sorted({r.participant for r in rows})
    renamed = dict(zip(ids, random.sample(ids, len(ids)), strict=True))
    relabelled = [ScoreEntry(renamed[r.participant], r.candidate, r.criterion, r.value)
                  for r in shuffled]
    assert summary(aggregate(criteria, candidates, rows)) == summary(
        aggregate(criteria, candidates, relabelled))


@settings(max_examples=150, deadline=None)
@given(ballots(), st.floats(-3, 3))
def test_adding_a_constant_to_every_score_keeps_the_ranking(ballot, constant):
    criteria, candidates, rows = ballot
    shifted = [ScoreEntry(r.participant, r.candidate, r.criterion,
                          None if r.value is None else r.value + constant) for r in rows]
    ranks = {r.candidate: r.rank for r in aggregate(criteria, candidates, rows)}
    shifted_ranks = {r.candidate: r.rank for r in aggregate(criteria, candidates, shifted)}
    # Same direction for every criterion keeps the shift uniform; check those ballots.
    if len({c.direction for c in criteria}) == 1:
        assert ranks == shifted_ranks


@settings(max_examples=150, deadline=None)
@given(ballots(), st.data())
def test_a_zero_weight_removes_a_criterion(ballot, data):
    criteria, candidates, rows = ballot
    dropped = data.draw(st.sampled_from(criteria))
    zeroed = [CriterionSpec(c.id, 0.0 if c.id == dropped.id else c.weight, c.direction)
              for c in criteria]
    without = [c for c in criteria if c.id != dropped.id]
    other_rows = [r for r in rows if r.criterion != dropped.id]
    a = {r.candidate: r.score for r in aggregate(zeroed, candidates, rows)}
    b = {r.candidate: r.score for r in aggregate(without, candidates, other_rows)}
    assert a.keys() == b.keys()
    for candidate in a:
        assert (a[candidate] is None and b[candidate] is None) or math.isclose(
            a[candidate], b[candidate])


@settings(max_examples=100, deadline=None)
@given(ballots())
def test_scores_stay_on_the_scale(ballot):
    for result in aggregate(*ballot):
        assert result.score is None or 1 - 1e-9 <= result.score <= 5 + 1e-9
