"""Scoring service: setup, ballots, phase and role refusals, hidden results, selection."""

import math

import pytest
from sqlmodel import select

from core.domain import inputs
from core.domain.models import CardKind, CriterionChange, VoteMode
from core.errors import InvalidInput, PermissionDenied
from core.services import cards, clusters, phases, scoring, workshops
from tests.conftest import join


@pytest.fixture
def setup(session, templates, facilitator, running_workshop):
    """Two ideas (one backed by two needs), the impact/effort criteria, voting open."""
    wid = running_workshop.id
    needs = [cards.add_card(session=session, actor=facilitator, workshop_id=wid,
                            card_in=inputs.CardCreate(text=t),
                            templates=templates) for t in ("Pas de bus", "Pas de gare")]
    ideas = [cards.add_card(session=session, actor=facilitator, workshop_id=wid,
                            card_in=inputs.CardCreate(
                                text=t, kind=CardKind.IDEA,
                                need_ids=[n.id for n in needs] if i == 0 else []),
                            templates=templates)
             for i, t in enumerate(("Covoiturage solidaire", "Fête de village"))]
    criteria = scoring.apply_criteria_set(session=session, actor=facilitator, workshop_id=wid,
                                          criteria_set=templates.criteria_sets["impact-effort"])
    scoring.set_candidates(session=session, actor=facilitator, workshop_id=wid,
                           card_ids=[i.id for i in ideas])
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=wid)
    return {"wid": wid, "ideas": ideas, "criteria": {c.key: c.id for c in criteria},
            "candidates": {c.card_id: c.id for c in board.candidates}}


def score(session, actor, setup, idea, key, value):
    return scoring.submit_score(session=session, actor=actor,
                                candidate_id=setup["candidates"][setup["ideas"][idea].id],
                                criterion_id=setup["criteria"][key], value=value)


def test_candidates_carry_their_evidence(session, facilitator, setup):
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert [(c.title, c.evidence) for c in board.candidates] == [
        ("Covoiturage solidaire", 2), ("Fête de village", 0)]
    assert [c.key for c in board.criteria] == ["impact", "effort"]


def test_scores_only_while_open(session, facilitator, setup, participant):
    with pytest.raises(PermissionDenied) as exc:
        score(session, participant, setup, 0, "impact", 4)
    assert "not open" in exc.value.msgid
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    score(session, participant, setup, 0, "impact", 4)
    scoring.close_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    with pytest.raises(PermissionDenied) as exc:
        score(session, participant, setup, 0, "impact", 5)
    assert "closed" in exc.value.msgid


def test_one_score_per_participant_candidate_and_criterion(session, facilitator, setup,
                                                           participant):
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    score(session, participant, setup, 0, "impact", 2)
    score(session, participant, setup, 0, "impact", 5)  # replaces
    score(session, participant, setup, 0, "effort", None)  # je ne sais pas
    ballot = scoring.my_ballot(session=session, actor=participant, workshop_id=setup["wid"])
    candidate = setup["candidates"][setup["ideas"][0].id]
    assert ballot.scores == {(candidate, setup["criteria"]["impact"]): 5,
                             (candidate, setup["criteria"]["effort"]): None}
    with pytest.raises(InvalidInput):
        score(session, participant, setup, 0, "impact", 6)


def test_results_are_hidden_until_revealed(session, facilitator, setup, participant,
                                           running_workshop):
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    marc = join(session, running_workshop, "Marc")
    for voter, values in ((participant, (5, 1, 2, 4)), (marc, (3, None, 2, 2))):
        for (idea, key), value in zip([(0, "impact"), (0, "effort"), (1, "impact"),
                                       (1, "effort")], values, strict=True):
            score(session, voter, setup, idea, key, value)
    board = scoring.scoring_board(session=session, actor=participant, workshop_id=setup["wid"])
    assert (board.finished, board.voters) == (2, 2)
    with pytest.raises(PermissionDenied):
        scoring.results(session=session, actor=participant, workshop_id=setup["wid"])
    scoring.reveal_results(session=session, actor=facilitator, workshop_id=setup["wid"])
    result = scoring.results(session=session, actor=participant, workshop_id=setup["wid"])
    first, second = result.scored
    # Covoiturage: impact (5+3)/2 = 4; effort 1 → oriented 5 (Marc abstained); S = 4.5.
    # Fête: impact 2; effort (2, 4) → oriented (4, 2) → 3; S = 2.5.
    assert math.isclose(first.score, 4.5) and math.isclose(second.score, 2.5)
    assert first.candidate == setup["candidates"][setup["ideas"][0].id]


def test_participants_cannot_set_up_or_vote_elsewhere(session, templates, facilitator, setup,
                                                      participant):
    with pytest.raises(PermissionDenied):
        scoring.open_vote(session=session, actor=participant, workshop_id=setup["wid"])
    with pytest.raises(PermissionDenied):
        scoring.reveal_results(session=session, actor=participant, workshop_id=setup["wid"])
    with pytest.raises(PermissionDenied):
        scoring.set_weight(session=session, actor=participant,
                           criterion_id=setup["criteria"]["impact"], weight=5)
    collective = workshops.create_collective(session=session, actor=facilitator,
                                             collective_in=inputs.CollectiveCreate(name="B"))
    other = workshops.create_workshop(session=session, actor=facilitator,
                                      collective_id=collective.id,
                                          workshop_in=inputs.WorkshopCreate(
                                              title="B"),
                                      workshop_format=templates.formats["ideation-3h"],
                                      lang="fr")
    phases.start(session=session, actor=facilitator, workshop_id=other.id)
    idea = cards.add_card(session=session, actor=facilitator, workshop_id=other.id,
                          card_in=inputs.CardCreate(text="Ailleurs",
                                                    kind=CardKind.IDEA), templates=templates)
    criteria = scoring.apply_criteria_set(session=session, actor=facilitator,
                                          workshop_id=other.id,
                                          criteria_set=templates.default_criteria_set)
    (candidate,) = scoring.set_candidates(session=session, actor=facilitator,
                                          workshop_id=other.id, card_ids=[idea.id])
    scoring.open_vote(session=session, actor=facilitator, workshop_id=other.id)
    with pytest.raises(PermissionDenied):
        scoring.submit_score(session=session, actor=participant, candidate_id=candidate.id,
                             criterion_id=criteria[0].id, value=3)


def test_changes_after_scores_are_recorded(session, facilitator, setup, participant):
    scoring.set_weight(session=session, actor=facilitator,
                       criterion_id=setup["criteria"]["impact"], weight=2)
    assert session.exec(select(CriterionChange)).all() == []  # no score yet: silent setup
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    score(session, participant, setup, 0, "impact", 4)
    scoring.set_weight(session=session, actor=facilitator,
                       criterion_id=setup["criteria"]["impact"], weight=3)
    scoring.add_criterion(session=session, actor=facilitator, workshop_id=setup["wid"],
                          name="Plaisir", weight=1)
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert [(c.criterion, c.change, c.old_weight, c.new_weight) for c in board.changes] == [
        ("Impact", "weight", 2.0, 3.0), ("Plaisir", "added", None, 1.0)]


def test_dot_voting(session, facilitator, setup, participant):
    scoring.configure_votes(session=session, actor=facilitator, workshop_id=setup["wid"],
                            mode=VoteMode.DOTS, dots_per_person=3, stackable=True)
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    first, second = (setup["candidates"][i.id] for i in setup["ideas"])
    scoring.set_dots(session=session, actor=participant, candidate_id=first, dots=2)
    with pytest.raises(InvalidInput) as exc:
        scoring.set_dots(session=session, actor=participant, candidate_id=second, dots=2)
    assert exc.value.params == {"left": 1}
    scoring.set_dots(session=session, actor=participant, candidate_id=second, dots=1)
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert board.finished == 1
    with pytest.raises(InvalidInput):  # the rules cannot change once the vote is open
        scoring.configure_votes(session=session, actor=facilitator,
                                workshop_id=setup["wid"], mode=VoteMode.SCORES)
    result = scoring.results(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert [(c, t) for c, t, _ in result.dots] == [(first, 2), (second, 1)]


def test_facilitator_votes_only_when_allowed(session, facilitator, setup):
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    with pytest.raises(PermissionDenied):
        score(session, facilitator, setup, 0, "impact", 4)


def test_groups_as_candidates_and_selection(session, templates, facilitator, setup):
    group = clusters.create_group(session=session, actor=facilitator,
                                  workshop_id=setup["wid"],
                                      group_in=inputs.GroupCreate(
                                          name="Mobilité"))
    clusters.move_cards(session=session, actor=facilitator, workshop_id=setup["wid"],
                        moves=[(setup["ideas"][0].id, group.id, 0)])
    candidates = scoring.set_candidates(session=session, actor=facilitator,
                                        workshop_id=setup["wid"], cluster_ids=[group.id])
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert [(c.title, c.evidence) for c in board.candidates] == [("Mobilité", 2)]
    scoring.set_selected(session=session, actor=facilitator, candidate_id=candidates[0].id,
                         selected=True)
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert board.candidates[0].selected


def test_facilitator_votes_as_one_more_voter_when_allowed(session, facilitator, setup,
                                                          participant):
    scoring.configure_votes(session=session, actor=facilitator, workshop_id=setup["wid"],
                            mode=VoteMode.SCORES, facilitator_votes=True)
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    score(session, facilitator, setup, 0, "impact", 5)
    score(session, participant, setup, 0, "impact", 3)
    ballot = scoring.my_ballot(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert list(ballot.scores.values()) == [5]
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert board.voters == 2  # Élise and the facilitator's own ballot
    result = scoring.results(session=session, actor=facilitator, workshop_id=setup["wid"])
    assert result.scored[0].criterion_means[setup["criteria"]["impact"]] == 4.0


def test_the_vote_opens_in_one_action_with_the_set_offered(session, templates, facilitator,
                                                           running_workshop):
    """No criteria chosen yet: "Ouvrir le vote" takes the set the page offers, and opens."""
    wid = running_workshop.id
    idea = cards.add_card(session=session, actor=facilitator, workshop_id=wid,
                          templates=templates, card_in=inputs.CardCreate(
                              text="Un repair café", kind=CardKind.IDEA))
    scoring.set_candidates(session=session, actor=facilitator, workshop_id=wid,
                           card_ids=[idea.id])
    with pytest.raises(InvalidInput, match="criteria first"):
        scoring.open_vote(session=session, actor=facilitator, workshop_id=wid)
    default = templates.default_criteria_set
    opened = scoring.open_vote(session=session, actor=facilitator, workshop_id=wid,
                                 criteria_set=default)
    assert opened.scoring_state == "open"
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=wid)
    assert [c.key for c in board.criteria] == [c.key for c in default.criteria]
    # Criteria already chosen are kept: the set offered is only for a vote without any.
    scoring.close_vote(session=session, actor=facilitator, workshop_id=wid)
    scoring.remove_criterion(session=session, actor=facilitator,
                             criterion_id=board.criteria[0].id)
    scoring.open_vote(session=session, actor=facilitator, workshop_id=wid,
                        criteria_set=default)
    again = scoring.scoring_board(session=session, actor=facilitator, workshop_id=wid)
    assert len(again.criteria) == len(default.criteria) - 1


def test_the_ballot_is_read_once_per_revision_and_stays_right(session, facilitator, setup,
                                                               participant):
    """300 phones open the ballot at once: the second reader of a revision costs the access
    check and one count, not the criteria, candidates, evidence and progress queries; and
    every change a screen must see still shows — a score, a weight, a participant joining
    (which does not move the board's revision)."""
    from sqlalchemy import event

    wid = setup["wid"]
    scoring.open_vote(session=session, actor=facilitator, workshop_id=wid)
    statements: list[str] = []
    engine = session.get_bind()

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    scoring.scoring_board(session=session, actor=participant, workshop_id=wid)
    event.listen(engine, "before_cursor_execute", count)
    try:
        again = scoring.scoring_board(session=session, actor=facilitator, workshop_id=wid)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 3, statements
    assert (again.finished, again.voters, again.has_scores) == (0, 1, False)

    for key in ("impact", "effort"):
        for idea in (0, 1):
            score(session, participant, setup, idea, key, 4)
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=wid)
    assert (board.finished, board.voters, board.has_scores) == (1, 1, True)

    join(session, board.workshop, "Nadia")
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=wid)
    assert (board.finished, board.voters) == (1, 2)

    scoring.set_weight(session=session, actor=facilitator,
                       criterion_id=setup["criteria"]["impact"], weight=3)
    board = scoring.scoring_board(session=session, actor=participant, workshop_id=wid)
    assert {c.key: c.weight for c in board.criteria}["impact"] == 3
    assert (board.changes[-1].old_weight, board.changes[-1].new_weight) != (None, None)
    assert board.changes[-1].new_weight == 3


def test_the_vote_view_says_what_a_screen_shows(session, facilitator, setup, participant):
    """The vote's state, the facilitator's next move and one person's ballot, decided by
    the service (pages/score.py draws it and compares no state itself)."""
    wid = setup["wid"]

    def view(actor, has_ballot=True):
        board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=wid)
        ballot = scoring.my_ballot(session=session, actor=actor, workshop_id=wid)
        return scoring.vote_view(board, ballot, has_ballot=has_ballot)

    before = view(participant)
    assert (before.state_label, before.preparing, before.next_move) == (
        "Being prepared", True, "open")
    assert before.notice == "The vote is not open yet." and not before.ballot_shown
    assert not before.may_vote
    scoring.open_vote(session=session, actor=facilitator, workshop_id=wid)
    score(session, participant, setup, 0, "impact", 4)
    open_ = view(participant)
    assert (open_.next_move, open_.notice, open_.may_vote) == ("close", None, True)
    assert (open_.answered, open_.total) == (1, 4)
    assert not view(facilitator, has_ballot=False).may_vote  # no ballot of their own
    scoring.close_vote(session=session, actor=facilitator, workshop_id=wid)
    closed = view(participant)
    assert closed.next_move == "reopen" and closed.ballot_shown and not closed.may_vote
    assert closed.notice == "The vote is closed. Thank you!"


def test_the_vote_view_counts_the_dots_left(session, facilitator, setup, participant):
    scoring.configure_votes(session=session, actor=facilitator, workshop_id=setup["wid"],
                            mode=VoteMode.DOTS, dots_per_person=3, stackable=False)
    scoring.open_vote(session=session, actor=facilitator, workshop_id=setup["wid"])
    first = setup["candidates"][setup["ideas"][0].id]
    scoring.set_dots(session=session, actor=participant, candidate_id=first, dots=1)
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=setup["wid"])
    ballot = scoring.my_ballot(session=session, actor=participant, workshop_id=setup["wid"])
    shown = scoring.vote_view(board, ballot, has_ballot=True)
    assert (shown.by_dots, shown.dots_left, shown.dots_total) == (True, 2, 3)
    assert shown.dot_limit(1) == 1  # not stackable: one dot per idea
