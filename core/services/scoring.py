"""Opportunity scoring: criteria and weights, candidates, ballots (1–5 scores or dots),
progress, results hidden until the facilitator reveals them, and the selection that goes on
to formalisation.

The scoring state is ``setup`` → ``open`` → ``closed``; a score arrives only while open.
Once scores exist, every change to the criteria is recorded and shown with the results.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.analysis import scoring_math as scoring
from core.domain import policy
from core.domain.actors import Actor, ParticipantActor, UserActor
from core.domain.models import (
    NAME_MAX,
    TITLE_MAX,
    Candidate,
    Card,
    CardKind,
    CardLink,
    Cluster,
    Criterion,
    CriterionChange,
    Participant,
    Score,
    ScoringState,
    Vote,
    VoteMode,
    Workshop,
    pk,
    utcnow,
)
from core.domain.policy import Act, Who
from core.domain.templates import CriteriaSet
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services.access import (
    active_participant,
    facilitated_workshop,
    where_in,
    who_for_workshop,
    workshop_for,
    workshop_standing,
)
from core.services.live_cache import PerRevision, bump_board_revision, commit_workshop_change
from core.text.cleaning import clean_optional, clean_text, fold
from core.text.i18n import N_, pick
from core.text.names import name_keys

MAX_WEIGHT = 10.0
MAX_DOTS = 20


@dataclass(frozen=True)
class CandidateView:
    """A candidate as shown: what it is, its title, the needs backing it."""

    id: int
    card_id: int | None
    cluster_id: int | None
    title: str
    evidence: int
    selected: bool


@dataclass(frozen=True)
class ChangeView:
    """A change to the criteria made after scoring began."""

    criterion: str
    change: str
    old_weight: float | None
    new_weight: float | None


@dataclass(frozen=True)
class ScoringBoard:
    """Everything a scoring screen needs, for one reader."""

    workshop: Workshop
    criteria: list[Criterion]
    candidates: list[CandidateView]
    changes: list[ChangeView]
    finished: int
    voters: int
    has_scores: bool
    revealed: bool = False  # the results are revealed to the participants
    may_reveal: bool = False  # this reader reveals them (the facilitator)
    may_see_results: bool = False  # this reader sees them now

    @property
    def state(self) -> str:
        return self.workshop.scoring_state


@dataclass(frozen=True)
class Ballot:
    """One voter's current ballot: scores by (candidate, criterion), or dots by candidate."""

    scores: dict[tuple[int, int], int | None]
    dots: dict[int, int]

    def dots_used(self) -> int:
        return sum(self.dots.values())


STATE_LABELS = {ScoringState.SETUP: N_("Being prepared"),
                ScoringState.OPEN: N_("Open for voting"),
                ScoringState.CLOSED: N_("Closed")}


@dataclass(frozen=True)
class VoteView:
    """What a screen shows of the vote, decided here (pages draw it): its state in words,
    the facilitator's next move, and one person's ballot — whether they vote, what stands
    instead of the ballot or above it, whether its controls are live, what is given and
    what is left."""

    state_label: str  # a message id
    preparing: bool  # criteria and candidates are still being set up
    next_move: str  # the facilitator's main button: "open", "close" or "reopen"
    revealed: bool  # the results are revealed to the participants
    has_ballot: bool  # this person votes in this workshop
    notice: str | None  # a message id: what stands above (or instead of) the ballot
    ballot_shown: bool  # a ballot to draw (candidates chosen, the vote opened once)
    may_vote: bool  # its controls are live
    by_dots: bool
    answered: int  # scores given (a vote by scores)
    total: int
    dots_left: int  # dots still to place (a vote by dots)
    dots_total: int
    stackable: bool  # several dots on one candidate

    def dot_limit(self, mine: int) -> int:
        """The most dots a candidate holding ``mine`` of this person's may take now."""
        return mine + self.dots_left if self.stackable else 1


def vote_view(board: ScoringBoard, ballot: Ballot, *, has_ballot: bool) -> VoteView:
    """Return the vote as one person's screen shows it (``has_ballot``: the policy's
    ``votes_here`` for them)."""
    state = board.state
    workshop = board.workshop
    notice = None
    if not board.candidates:
        notice = N_("The facilitator has not chosen what to score yet.")
    elif state == ScoringState.SETUP:
        notice = N_("The vote is not open yet.")
    elif state == ScoringState.CLOSED:
        notice = N_("The vote is closed. Thank you!")
    answered = sum(1 for c in board.candidates for k in board.criteria
                   if (c.id, k.id) in ballot.scores)
    return VoteView(
        state_label=STATE_LABELS[ScoringState(state)], preparing=state == ScoringState.SETUP,
        next_move={ScoringState.SETUP: "open", ScoringState.OPEN: "close"}.get(
            ScoringState(state), "reopen"),
        revealed=workshop.results_revealed, has_ballot=has_ballot, notice=notice,
        ballot_shown=bool(board.candidates) and state != ScoringState.SETUP,
        may_vote=has_ballot and bool(board.candidates) and state == ScoringState.OPEN,
        by_dots=workshop.vote_mode == VoteMode.DOTS, answered=answered,
        total=len(board.candidates) * len(board.criteria),
        dots_left=workshop.dots_per_person - ballot.dots_used(),
        dots_total=workshop.dots_per_person, stackable=workshop.dots_stackable)


@dataclass(frozen=True)
class Results:
    """Revealed results: aggregated scores (or dots), robustness, evidence."""

    board: ScoringBoard
    scored: list[scoring.CandidateResult]
    robustness: scoring.Robustness | None
    dots: list[tuple[int, int, int | None]]


# --- reading --------------------------------------------------------------------------


def _criteria(session: Session, workshop_id: int) -> list[Criterion]:
    return list(session.exec(
        select(Criterion)
        .where(Criterion.workshop_id == workshop_id, col(Criterion.deleted_at).is_(None))
        .order_by(col(Criterion.position), col(Criterion.id))
    ).all())


def _candidates(session: Session, workshop_id: int) -> list[Candidate]:
    return list(session.exec(
        select(Candidate)
        .where(Candidate.workshop_id == workshop_id, col(Candidate.deleted_at).is_(None))
        .order_by(col(Candidate.id))
    ).all())


def _evidence_and_titles(session: Session, candidates: Sequence[Candidate]
                         ) -> dict[int, tuple[str, int]]:
    """Return, per candidate, its title and the number of distinct needs that back it.

    An idea is backed by the needs it answers; a group of ideas by the needs its ideas
    answer; a group of needs by its needs. A few queries whatever the number of candidates.
    """
    card_ids = [c.card_id for c in candidates if c.card_id is not None]
    group_ids = [c.cluster_id for c in candidates if c.cluster_id is not None]
    cards = {pk(c): c for c in session.exec(select(Card).where(col(Card.id).in_(card_ids)))}
    groups = {pk(g): g for g in session.exec(
        select(Cluster).where(col(Cluster.id).in_(group_ids)))}
    members: dict[int, list[Card]] = {}
    for card in session.exec(select(Card).where(
            col(Card.cluster_id).in_(group_ids), col(Card.deleted_at).is_(None),
            col(Card.merged_into_id).is_(None))):
        members.setdefault(card.cluster_id or 0, []).append(card)
    idea_ids = {pk(c) for c in cards.values() if c.kind == CardKind.IDEA} | {
        pk(c) for cs in members.values() for c in cs if c.kind == CardKind.IDEA}
    answered: dict[int, set[int]] = {}
    for idea, need in session.exec(
        select(CardLink.idea_id, CardLink.need_id)
        .join(Card, col(Card.id) == col(CardLink.need_id))
        .where(col(CardLink.idea_id).in_(idea_ids), col(CardLink.deleted_at).is_(None),
               col(Card.deleted_at).is_(None))
    ):
        answered.setdefault(idea, set()).add(need)

    def backing(batch: list[Card]) -> int:
        needs = {pk(c) for c in batch if c.kind == CardKind.NEED}
        for card in batch:
            needs |= answered.get(pk(card), set())
        return len(needs)

    out: dict[int, tuple[str, int]] = {}
    for candidate in candidates:
        if candidate.card_id in cards:
            card = cards[candidate.card_id]
            out[pk(candidate)] = (card.text, backing([card]))
        elif candidate.cluster_id in groups:
            group = groups[candidate.cluster_id]
            out[pk(candidate)] = (group.name, backing(members.get(pk(group), [])))
    return out


def _voters(session: Session, workshop_id: int) -> list[Participant]:
    return list(session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, col(Participant.removed_at).is_(None))).all())


def _finished(session: Session, workshop: Workshop, candidates: int, criteria: int,
              voters: Sequence[Participant]) -> int:
    ids = [pk(v) for v in voters]
    if not ids:
        return 0
    if workshop.vote_mode == VoteMode.DOTS:
        used = dict(session.exec(
            select(Vote.participant_id, func.sum(Vote.dots))
            .join(Candidate, col(Candidate.id) == col(Vote.candidate_id))
            .where(col(Vote.participant_id).in_(ids), col(Candidate.deleted_at).is_(None))
            .group_by(col(Vote.participant_id))
        ).all())
        return sum(1 for v in ids if (used.get(v) or 0) >= workshop.dots_per_person)
    needed = candidates * criteria
    if not needed:
        return 0
    answered = dict(session.exec(
        select(Score.participant_id, func.count())
        .join(Candidate, col(Candidate.id) == col(Score.candidate_id))
        .join(Criterion, col(Criterion.id) == col(Score.criterion_id))
        .where(col(Score.participant_id).in_(ids), col(Candidate.deleted_at).is_(None),
               col(Criterion.deleted_at).is_(None))
        .group_by(col(Score.participant_id))
    ).all())
    return sum(1 for v in ids if answered.get(v, 0) >= needed)


def _has_scores(session: Session, workshop_id: int) -> bool:
    statement = select(Score.id).join(Candidate, col(Candidate.id) == col(Score.candidate_id))
    scores = session.exec(statement.where(Candidate.workshop_id == workshop_id)).first()
    dots = session.exec(select(Vote.id).join(Candidate, col(Candidate.id) == col(Vote.candidate_id))
                        .where(Candidate.workshop_id == workshop_id, Vote.dots > 0)).first()
    return scores is not None or dots is not None


@dataclass(frozen=True)
class _Ballot:
    """What every reader of one board revision sees of the vote, whoever they are."""

    criteria: tuple[Criterion, ...]  # copies outside any session, read-only
    candidates: tuple[CandidateView, ...]
    changes: tuple[ChangeView, ...]
    finished: int
    voters: int
    has_scores: bool


# A room's phones asking together at a phase change wait for the one reading it.
_ballots: PerRevision[_Ballot] = PerRevision(one_build=True)


def _read_ballot(session: Session, workshop: Workshop, lang: str) -> _Ballot:
    workshop_id = pk(workshop)
    criteria = _criteria(session, workshop_id)
    candidates = _candidates(session, workshop_id)
    info = _evidence_and_titles(session, candidates)
    views = tuple(CandidateView(pk(c), c.card_id, c.cluster_id, *info.get(pk(c), ("?", 0)),
                                c.selected) for c in candidates)
    names = {pk(c): pick({"fr": c.name_fr, "en": c.name_en}, lang) for c in session.exec(
        select(Criterion).where(Criterion.workshop_id == workshop_id))}
    changes = tuple(ChangeView(names.get(ch.criterion_id, "?"), ch.change, ch.old_weight,
                               ch.new_weight) for ch in session.exec(
        select(CriterionChange).where(CriterionChange.workshop_id == workshop_id)
        .order_by(col(CriterionChange.id))))
    voters = _voters(session, workshop_id)
    return _Ballot(criteria=tuple(Criterion.model_validate(c.model_dump()) for c in criteria),
                   candidates=views, changes=changes,
                   finished=_finished(session, workshop, len(views), len(criteria), voters),
                   voters=len(voters), has_scores=_has_scores(session, workshop_id))


def _ballot(session: Session, workshop: Workshop, lang: str) -> _Ballot:
    """The vote at the workshop's board revision, read once per revision and process:
    when the facilitator opens the vote, 300 phones ask for the same ballot within a
    second. Every change to criteria, candidates, scores or dots moves the revision; who
    may vote (a participant joining or removed) does not, so their number is in the key
    (one count)."""
    voters = session.exec(select(func.count()).select_from(Participant).where(
        Participant.workshop_id == pk(workshop), col(Participant.removed_at).is_(None))).one()
    key = (str(session.get_bind().engine.url), pk(workshop), workshop.board_revision, lang,
           voters)
    return _ballots.get(key, lambda: _read_ballot(session, workshop, lang))


def scoring_board(*, session: Session, actor: Actor, workshop_id: int,
                  lang: str = "fr") -> ScoringBoard:
    """Return the criteria, candidates, progress and recorded changes (no results), and
    whether the results are revealed and this reader may reveal them."""
    workshop, who = workshop_standing(session, actor, workshop_id)
    return scoring_board_in(session, workshop, who, lang)


def scoring_board_in(session: Session, workshop: Workshop, who: Who,
                     lang: str = "fr") -> ScoringBoard:
    """``scoring_board`` of a workshop the caller has already let its reader see, standing
    towards it as ``who``."""
    ballot = _ballot(session, workshop, lang)
    where = where_in(session, workshop)
    return ScoringBoard(
        workshop=workshop, criteria=list(ballot.criteria), candidates=list(ballot.candidates),
        changes=list(ballot.changes), finished=ballot.finished, voters=ballot.voters,
        has_scores=ballot.has_scores, revealed=workshop.results_revealed,
        may_reveal=policy.allowed(who, Act.FACILITATE, where),
        may_see_results=policy.allowed(who, Act.SEE_RESULTS, where),
    )


# --- the facilitator sets the scoring up ----------------------------------------------


def _log(session: Session, workshop_id: int, criterion: Criterion, actor: Actor, change: str,
         old: float | None = None, new: float | None = None) -> None:
    if _has_scores(session, workshop_id):
        session.add(CriterionChange(workshop_id=workshop_id, criterion_id=pk(criterion),
                                    user_id=getattr(actor, "user_id", None), change=change,
                                    old_weight=old, new_weight=new))


def apply_criteria_set(*, session: Session, actor: Actor, workshop_id: int,
                       criteria_set: CriteriaSet) -> list[Criterion]:
    """Replace the workshop's criteria with a set's (old ones are kept, marked removed)."""
    facilitated_workshop(session, actor, workshop_id)
    workshop = session.get(Workshop, workshop_id)
    assert workshop is not None
    now = utcnow()
    for old in _criteria(session, workshop_id):
        old.deleted_at = now
        _log(session, workshop_id, old, actor, "removed", old.weight, None)
    existing = {c.key: c for c in session.exec(
        select(Criterion).where(Criterion.workshop_id == workshop_id))}
    for position, template in enumerate(criteria_set.criteria):
        criterion = existing.get(template.key) or Criterion(workshop_id=workshop_id,
                                                           key=template.key, name_fr="",
                                                           name_en="")
        criterion.name_fr, criterion.name_en = template.name.fr, template.name.en
        criterion.question_fr, criterion.question_en = (template.question.fr,
                                                         template.question.en)
        criterion.weight, criterion.direction = template.weight, template.sign
        criterion.axis, criterion.position, criterion.deleted_at = template.axis, position, None
        session.add(criterion)
        session.flush()
        _log(session, workshop_id, criterion, actor, "added", None, criterion.weight)
    workshop.criteria_set_key = criteria_set.key
    bump_board_revision(session, workshop_id)
    session.commit()
    return _criteria(session, workshop_id)


def _criterion(session: Session, actor: Actor, criterion_id: int) -> Criterion:
    criterion = session.get(Criterion, criterion_id)
    if criterion is None or criterion.deleted_at is not None:
        raise NotFound(N_("This criterion does not exist."))
    facilitated_workshop(session, actor, criterion.workshop_id)
    return criterion


def set_weight(*, session: Session, actor: Actor, criterion_id: int, weight: float) -> Criterion:
    """Change a criterion's weight (recorded if scores exist)."""
    criterion = _criterion(session, actor, criterion_id)
    if not 0 <= weight <= MAX_WEIGHT:
        raise InvalidInput(N_("A weight goes from 0 to {max}."), max=int(MAX_WEIGHT))
    if weight != criterion.weight:
        _log(session, criterion.workshop_id, criterion, actor, "weight", criterion.weight,
             weight)
        criterion.weight = weight
        bump_board_revision(session, criterion.workshop_id)
        session.commit()
    return criterion


def add_criterion(*, session: Session, actor: Actor, workshop_id: int, name: str,
                  question: str = "", weight: float = 1.0, direction: int = 1,
                  axis: str = "") -> Criterion:
    """Add a criterion written by the facilitator (same text in both languages)."""
    facilitated_workshop(session, actor, workshop_id)
    label = clean_text(name, max_length=TITLE_MAX, multiline=False)
    if not 0 <= weight <= MAX_WEIGHT or direction not in (1, -1) or axis not in (
            "", "impact", "feasibility"):
        raise InvalidInput(N_("A weight goes from 0 to {max}."), max=int(MAX_WEIGHT))
    key = "custom-" + "-".join(fold(label).split())[:60]
    taken = {c.key for c in session.exec(select(Criterion).where(
        Criterion.workshop_id == workshop_id))}
    base, suffix = key, 2
    while key in taken:
        key, suffix = f"{base}-{suffix}", suffix + 1
    text = clean_optional(question, max_length=500)
    criterion = Criterion(workshop_id=workshop_id, key=key, name_fr=label, name_en=label,
                          question_fr=text, question_en=text, weight=weight,
                          direction=direction, axis=axis,
                          position=len(_criteria(session, workshop_id)))
    session.add(criterion)
    session.flush()
    _log(session, workshop_id, criterion, actor, "added", None, weight)
    bump_board_revision(session, workshop_id)
    session.commit()
    return criterion


def remove_criterion(*, session: Session, actor: Actor, criterion_id: int) -> Criterion:
    """Remove a criterion (kept, marked removed; its scores stay stored)."""
    criterion = _criterion(session, actor, criterion_id)
    _log(session, criterion.workshop_id, criterion, actor, "removed", criterion.weight, None)
    criterion.deleted_at = utcnow()
    bump_board_revision(session, criterion.workshop_id)
    session.commit()
    return criterion


def set_candidates(*, session: Session, actor: Actor, workshop_id: int,
                   card_ids: Sequence[int] = (), cluster_ids: Sequence[int] = ()
                   ) -> list[Candidate]:
    """Choose which ideas and groups are evaluated (others are kept, marked removed)."""
    facilitated_workshop(session, actor, workshop_id)
    cards = {pk(c): c for c in session.exec(select(Card).where(col(Card.id).in_(card_ids)))}
    groups = {pk(g): g for g in session.exec(
        select(Cluster).where(col(Cluster.id).in_(cluster_ids)))}
    if len(cards) != len(set(card_ids)) or any(
            c.workshop_id != workshop_id or c.deleted_at is not None for c in cards.values()):
        raise NotFound(N_("This card does not exist."))
    if len(groups) != len(set(cluster_ids)) or any(
            g.workshop_id != workshop_id or g.deleted_at is not None for g in groups.values()):
        raise NotFound(N_("This group does not exist."))
    existing = list(session.exec(select(Candidate).where(Candidate.workshop_id == workshop_id)))
    by_target = {(c.card_id, c.cluster_id): c for c in existing}
    # In the order given, so candidates are listed as the facilitator chose them.
    wanted = list(dict.fromkeys([(card, None) for card in card_ids]
                                + [(None, group) for group in cluster_ids]))
    now = utcnow()
    for target, candidate in by_target.items():
        candidate.deleted_at = None if target in wanted else (candidate.deleted_at or now)
    for card_id, cluster_id in wanted:
        if (card_id, cluster_id) not in by_target:
            session.add(Candidate(workshop_id=workshop_id, card_id=card_id,
                                  cluster_id=cluster_id))
            session.flush()
    bump_board_revision(session, workshop_id)
    session.commit()
    return _candidates(session, workshop_id)


def configure_votes(*, session: Session, actor: Actor, workshop_id: int, mode: VoteMode,
                    dots_per_person: int = 5, stackable: bool = True,
                    facilitator_votes: bool = False) -> Workshop:
    """Choose scores or dots, how many dots, and whether the facilitator votes too."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    if workshop.scoring_state != ScoringState.SETUP:
        raise InvalidInput(N_("The vote has started: its rules can no longer change."))
    if not 1 <= dots_per_person <= MAX_DOTS:
        raise InvalidInput(N_("Give between 1 and {max} dots per person."), max=MAX_DOTS)
    workshop.vote_mode = VoteMode(mode)
    workshop.dots_per_person, workshop.dots_stackable = dots_per_person, stackable
    workshop.facilitator_votes = facilitator_votes
    bump_board_revision(session, workshop_id)
    session.commit()
    return workshop


# --- the vote's life: set up → open → closed, and the results' reveal ---------------------
# Changed here only, by a phase change (``phases`` calls ``vote_phase_entered`` and
# ``vote_phase_left``) or by the facilitator's buttons, with one readiness rule.


def vote_unready(session: Session, workshop: Workshop) -> str | None:
    """Return why the vote cannot open yet (a message id), or None when it can: there
    must be candidates, and criteria when scoring (dots need none)."""
    has_candidates = session.exec(select(Candidate.id).where(
        Candidate.workshop_id == pk(workshop), col(Candidate.deleted_at).is_(None))).first()
    if not has_candidates:
        return N_("Choose the candidates first.")
    has_criteria = session.exec(select(Criterion.id).where(
        Criterion.workshop_id == pk(workshop), col(Criterion.deleted_at).is_(None))).first()
    if workshop.vote_mode == VoteMode.SCORES and not has_criteria:
        return N_("Choose the criteria first.")
    return None


def vote_phase_entered(session: Session, workshop: Workshop) -> None:
    """Entering the vote's phase opens the vote, when it is ready (uncommitted: the phase
    change commits)."""
    if workshop.scoring_state != ScoringState.OPEN and vote_unready(session, workshop) is None:
        workshop.scoring_state = ScoringState.OPEN


def vote_phase_left(workshop: Workshop) -> None:
    """Leaving the vote's phase closes an open vote (uncommitted: the phase change commits)."""
    if workshop.scoring_state == ScoringState.OPEN:
        workshop.scoring_state = ScoringState.CLOSED


def open_vote(*, session: Session, actor: Actor, workshop_id: int,
              criteria_set: CriteriaSet | None = None) -> Workshop:
    """Open the vote (there must be candidates, and criteria when scoring). A scoring vote
    without criteria yet takes ``criteria_set`` (the set the facilitator sees offered): the
    vote opens in one action."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    if criteria_set is not None and workshop.vote_mode == VoteMode.SCORES and not (
            _criteria(session, workshop_id)):
        apply_criteria_set(session=session, actor=actor, workshop_id=workshop_id,
                           criteria_set=criteria_set)
        session.refresh(workshop)
    reason = vote_unready(session, workshop)
    if reason is not None:
        raise InvalidInput(reason)
    workshop.scoring_state = ScoringState.OPEN
    return commit_workshop_change(session, workshop)


def close_vote(*, session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Close the vote: later ballots are refused."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    workshop.scoring_state = ScoringState.CLOSED
    return commit_workshop_change(session, workshop)


def reveal_results(*, session: Session, actor: Actor, workshop_id: int,
                   revealed: bool = True) -> Workshop:
    """Show the results to everyone (or hide them again)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    workshop.results_revealed = revealed
    return commit_workshop_change(session, workshop)


# --- ballots --------------------------------------------------------------------------


def _voter(session: Session, actor: Actor, workshop: Workshop) -> Participant:
    """Return the ballot ``actor`` fills: the participant's, or the facilitator's own (made
    on first use). The policy has already said they vote here."""
    if isinstance(actor, ParticipantActor):
        return active_participant(session, actor)
    assert isinstance(actor, UserActor)
    participant = session.exec(select(Participant).where(
        Participant.workshop_id == pk(workshop), Participant.user_id == actor.user_id)).first()
    if participant is None:
        name = f"{actor.name} (animation)"[:NAME_MAX]
        keys = name_keys(name)
        participant = Participant(workshop_id=pk(workshop), display_name=name,
                                  name_key=keys.name_key, look_key=keys.look_key,
                                  token=secrets.token_urlsafe(24), user_id=actor.user_id)
        session.add(participant)
        session.flush()
    return participant


def _open_workshop_for_ballot(session: Session, actor: Actor, candidate_id: int
                              ) -> tuple[Workshop, Candidate]:
    candidate = session.get(Candidate, candidate_id)
    if candidate is None or candidate.deleted_at is not None:
        raise NotFound(N_("This candidate does not exist."))
    workshop = workshop_for(session, actor, candidate.workshop_id, Act.VOTE)
    return workshop, candidate


def submit_score(*, session: Session, actor: Actor, candidate_id: int, criterion_id: int,
                 value: int | None) -> Score:
    """Record a 1–5 score, or None for "je ne sais pas"; a new score replaces the old."""
    workshop, candidate = _open_workshop_for_ballot(session, actor, candidate_id)
    if workshop.vote_mode != VoteMode.SCORES:
        raise InvalidInput(N_("This vote is by dots, not by scores."))
    criterion = session.get(Criterion, criterion_id)
    if criterion is None or criterion.deleted_at is not None or (
            criterion.workshop_id != candidate.workshop_id):
        raise NotFound(N_("This criterion does not exist."))
    if value is not None and not scoring.SCALE_MIN <= value <= scoring.SCALE_MAX:
        raise InvalidInput(N_("A score goes from 1 to 5."))
    voter = _voter(session, actor, workshop)
    score = session.exec(select(Score).where(
        Score.participant_id == pk(voter), Score.candidate_id == candidate_id,
        Score.criterion_id == criterion_id)).first()
    if score is None:
        score = Score(participant_id=pk(voter), candidate_id=candidate_id,
                      criterion_id=criterion_id)
    score.value, score.updated_at = value, utcnow()
    session.add(score)
    bump_board_revision(session, pk(workshop))
    session.commit()
    return score


def set_dots(*, session: Session, actor: Actor, candidate_id: int, dots: int) -> Vote:
    """Put ``dots`` dots on a candidate, within the voter's allowance."""
    workshop, candidate = _open_workshop_for_ballot(session, actor, candidate_id)
    if workshop.vote_mode != VoteMode.DOTS:
        raise InvalidInput(N_("This vote is by scores, not by dots."))
    if dots < 0 or (not workshop.dots_stackable and dots > 1):
        raise InvalidInput(N_("One dot at most per candidate in this vote."))
    voter = _voter(session, actor, workshop)
    votes = {v.candidate_id: v for v in session.exec(
        select(Vote).join(Candidate, col(Candidate.id) == col(Vote.candidate_id))
        .where(Vote.participant_id == pk(voter), col(Candidate.deleted_at).is_(None)))}
    used = sum(v.dots for c, v in votes.items() if c != candidate_id)
    if used + dots > workshop.dots_per_person:
        raise InvalidInput(N_("You have {left} dots left."),
                           left=workshop.dots_per_person - used)
    vote = votes.get(candidate_id) or Vote(participant_id=pk(voter), candidate_id=candidate_id)
    vote.dots, vote.updated_at = dots, utcnow()
    session.add(vote)
    bump_board_revision(session, pk(workshop))
    session.commit()
    return vote


def my_ballot(*, session: Session, actor: Actor, workshop_id: int) -> Ballot:
    """Return the actor's own ballot (empty for a facilitator who does not vote)."""
    workshop = workshop_for(session, actor, workshop_id)
    if not policy.votes(who_for_workshop(session, actor, workshop),
                        facilitator_votes=workshop.facilitator_votes):
        return Ballot({}, {})
    if isinstance(actor, UserActor):
        participant = session.exec(select(Participant).where(
            Participant.workshop_id == workshop_id,
            Participant.user_id == actor.user_id)).first()
        if participant is None:
            return Ballot({}, {})
        voter_id = pk(participant)
    else:
        assert isinstance(actor, ParticipantActor)
        voter_id = actor.participant_id
    scores = {(s.candidate_id, s.criterion_id): s.value for s in session.exec(
        select(Score).where(Score.participant_id == voter_id))}
    dots = {v.candidate_id: v.dots for v in session.exec(
        select(Vote).where(Vote.participant_id == voter_id))}
    return Ballot(scores, dots)


# --- results --------------------------------------------------------------------------


def results(*, session: Session, actor: Actor, workshop_id: int, lang: str = "fr") -> Results:
    """Return the results: to everyone once revealed, before that to the facilitator only."""
    board, found = results_view(session=session, actor=actor, workshop_id=workshop_id,
                                lang=lang)
    if found is None:
        raise PermissionDenied(N_("The results are not revealed yet."))
    return found


def results_view(*, session: Session, actor: Actor, workshop_id: int, lang: str = "fr"
                 ) -> tuple[ScoringBoard, Results | None]:
    """Return the scoring board, and the results if this reader may see them yet."""
    workshop, who = workshop_standing(session, actor, workshop_id)
    return results_in(session, workshop, who, lang)


def results_in(session: Session, workshop: Workshop, who: Who, lang: str = "fr"
               ) -> tuple[ScoringBoard, Results | None]:
    """``results_view`` of a workshop the caller has already let its reader see."""
    board = scoring_board_in(session, workshop, who, lang)
    if not board.may_see_results:
        return board, None
    return board, _compute_results(session, board)


def _compute_results(session: Session, board: ScoringBoard) -> Results:
    workshop_id = pk(board.workshop)
    candidate_ids = [c.id for c in board.candidates]
    specs = [scoring.CriterionSpec(pk(c), c.weight, c.direction, c.axis)
             for c in board.criteria]
    voters = {pk(p) for p in _voters(session, workshop_id)}
    # Plain columns, not ORM objects: a big vote has tens of thousands of scores.
    entries = [scoring.ScoreEntry(*row) for row in session.exec(
        select(Score.participant_id, Score.candidate_id, Score.criterion_id, Score.value)
        .where(col(Score.candidate_id).in_(candidate_ids))) if row[0] in voters]
    votes = [(v.participant_id, v.candidate_id, v.dots) for v in session.exec(
        select(Vote).where(col(Vote.candidate_id).in_(candidate_ids)))
        if v.participant_id in voters]
    scored = scoring.aggregate(specs, candidate_ids, entries)
    robust = scoring.robustness(specs, candidate_ids, entries) if entries else None
    return Results(board, scored, robust, scoring.dot_totals(votes, candidate_ids))


def set_selected(*, session: Session, actor: Actor, candidate_id: int,
                 selected: bool) -> Candidate:
    """Mark a candidate as going on to formalisation (or not)."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None or candidate.deleted_at is not None:
        raise NotFound(N_("This candidate does not exist."))
    facilitated_workshop(session, actor, candidate.workshop_id)
    candidate.selected = selected
    bump_board_revision(session, candidate.workshop_id)
    session.commit()
    return candidate
