"""Let an actor in, or not: work out from the database how they stand towards a
collective, a workshop or a canvas (``policy.Who``), gather the facts of the moment, and
ask ``core.domain.policy`` — the one place the rules are written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlmodel import Session, select

from core.domain import policy
from core.domain.actors import Actor, CollectiveActor, ParticipantActor, UserActor
from core.domain.models import (
    AgendaPhase,
    Canvas,
    Collective,
    CollectiveAccess,
    Pairing,
    Participant,
    PhaseKind,
    Project,
    ProjectMember,
    Role,
    User,
    Workshop,
    utcnow,
)
from core.domain.policy import Act, Where, Who
from core.errors import NotFound, PermissionDenied
from core.services import live_cache
from core.text.i18n import N_


def require_user(actor: Actor) -> UserActor:
    """Refuse participants: only facilitators and admins may do this."""
    if not isinstance(actor, UserActor):
        raise PermissionDenied(N_("Only the facilitator can do this."))
    return actor


def active_user(session: Session, actor: UserActor) -> User:
    """Return the actor's account, refusing a deactivated one (roles are read from the DB)."""
    user = session.get(User, actor.user_id)
    if user is None or user.deactivated_at is not None:
        raise PermissionDenied(N_("This account is no longer active."))
    return user


def require_admin(session: Session, actor: Actor) -> User:
    """Refuse everyone but active admins (the role is read from the database)."""
    account = active_user(session, require_user(actor))
    if account.role != Role.ADMIN:
        raise PermissionDenied(N_("Only an administrator can do this."))
    return account


def active_participant(session: Session, actor: ParticipantActor) -> Participant:
    """Return the participant's row, refusing one the facilitator removed."""
    participant = session.get(Participant, actor.participant_id)
    if participant is None or participant.removed_at is not None:
        raise PermissionDenied(N_("The facilitator removed you from this workshop."))
    return participant


def active_access(session: Session, actor: CollectiveActor) -> CollectiveAccess:
    """Return the link a collective member came through, refusing a revoked one."""
    access = session.get(CollectiveAccess, actor.access_id)
    if access is None or access.revoked_at is not None:
        raise PermissionDenied(N_("This link was revoked: ask the facilitator for a new one."))
    return access


# --- how the actor stands ---------------------------------------------------------------


def who_for_collective(session: Session, actor: Actor | None, collective: Collective) -> Who:
    """Return how ``actor`` stands towards ``collective`` (the role read from the DB)."""
    if isinstance(actor, UserActor):
        user = session.get(User, actor.user_id)
        if user is None or user.deactivated_at is not None:
            return Who.INACTIVE_ACCOUNT
        if user.role == Role.ADMIN:
            return Who.ADMIN
        return Who.OWNER if collective.owner_id == user.id else Who.OTHER_FACILITATOR
    if isinstance(actor, CollectiveActor):
        access = session.get(CollectiveAccess, actor.access_id)
        if access is None or access.revoked_at is not None:
            return Who.LINK_REVOKED
        if access.collective_id != collective.id:
            return Who.LINK_ELSEWHERE
        return policy.link_who(access.role)
    if isinstance(actor, ParticipantActor):
        # A participant belongs to a workshop, never to a whole collective: every
        # collective-level act is refused to them as to a participant.
        return Who.PARTICIPANT
    return Who.NOBODY


def _participant_who(session: Session, actor: ParticipantActor, workshop_id: int | None) -> Who:
    if workshop_id is None or actor.workshop_id != workshop_id:
        return Who.PARTICIPANT_ELSEWHERE
    removed = session.exec(select(Participant.removed_at).where(
        Participant.id == actor.participant_id)).first()
    return Who.REMOVED if removed is not None else Who.PARTICIPANT


# One page run's reads (``remembering_reads``): a participant's standing towards a
# workshop and its row, as checked at the run's first read.
_run_reads: ContextVar[dict[Any, Any] | None] = ContextVar("fabrique_run_reads", default=None)


@contextmanager
def remembering_reads(store: dict[Any, Any] | None) -> Iterator[None]:
    """Within, a participant's right to see a workshop is checked once and remembered in
    ``store`` — one page run's reads (``ui/calls.read``): a phone's vote page reads its
    workshop, the vote and its ballot, each checking the same right (two queries each).
    Only reads use it; a refusal is never remembered; the caller empties ``store`` when
    the run writes (``ui/calls.call``), and starts a new one with each run."""
    token = _run_reads.set(store)
    try:
        yield
    finally:
        _run_reads.reset(token)


def _remembered_key(session: Session, actor: Actor | None, workshop_id: int | None) -> Any:
    """The key of ``actor``'s standing towards the workshop in this run's store, or None
    when there is no store or the actor is not a participant."""
    if _run_reads.get() is None or not isinstance(actor, ParticipantActor):
        return None
    return (live_cache.database_of(session), workshop_id, actor.participant_id)


def who_for_workshop(session: Session, actor: Actor | None, workshop: Workshop) -> Who:
    """Return how ``actor`` stands towards ``workshop``."""
    if isinstance(actor, ParticipantActor):
        key = _remembered_key(session, actor, workshop.id)
        store = _run_reads.get()
        if key is not None and store is not None and key in store:
            return store[key][1]
        return _participant_who(session, actor, workshop.id)
    return who_for_collective(session, actor, collective_row(session, workshop.collective_id))


# --- the facts of the moment --------------------------------------------------------------


def author_of(session: Session, actor: Actor) -> tuple[int | None, int | None, str]:
    """Return who writes, as stored beside what they wrote (a revision, a comment, a next
    step, a level): their account, or participant, and their name as it reads today."""
    if isinstance(actor, UserActor):
        user = session.get(User, actor.user_id)
        return actor.user_id, None, user.name if user else actor.name
    if isinstance(actor, ParticipantActor):
        participant = session.get(Participant, actor.participant_id)
        return None, actor.participant_id, participant.display_name if participant else ""
    return None, None, actor.name


def where_in(session: Session, workshop: Workshop, *, board: str | None = None) -> Where:
    """Return the facts a decision about ``workshop`` needs (its current phase is read only
    when a board is written on)."""
    phase = None
    if board is not None and workshop.current_phase is not None:
        phase = session.exec(select(AgendaPhase).where(
            AgendaPhase.workshop_id == workshop.id,
            AgendaPhase.position == workshop.current_phase)).first()
    return Where(stage=policy.stage_of(workshop.status, workshop.paused_at is not None),
                 phase=phase.kind if phase else None, locked=bool(phase and phase.locked),
                 board=board, scoring=workshop.scoring_state,
                 facilitator_votes=workshop.facilitator_votes,
                 results_revealed=workshop.results_revealed)


# --- letting in ---------------------------------------------------------------------------


def collective_row(session: Session, collective_id: int) -> Collective:
    """Return a collective that exists (no rights checked: the caller asks the policy)."""
    collective = session.get(Collective, collective_id)
    if collective is None or collective.deleted_at is not None:
        raise NotFound(N_("This collective does not exist or was deleted."))
    return collective


def _workshop(session: Session, workshop_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None or workshop.deleted_at is not None:
        raise NotFound(N_("This workshop does not exist or was deleted."))
    return workshop


def collective_standing(session: Session, actor: Actor, collective_id: int
                        ) -> tuple[Collective, Who]:
    """Return a collective the actor manages, with how they stand towards it, or refuse."""
    require_user(actor)
    collective = collective_row(session, collective_id)
    who = who_for_collective(session, actor, collective)
    policy.require(who, Act.MANAGE_COLLECTIVE)
    return collective, who


def collective_for(session: Session, actor: Actor, collective_id: int) -> Collective:
    """Return a collective the actor manages, or refuse."""
    return collective_standing(session, actor, collective_id)[0]


def workshop_standing(session: Session, actor: Actor, workshop_id: int, act: Act = Act.SEE,
                      *, board: str | None = None) -> tuple[Workshop, Who]:
    """Return a workshop on which the actor may do ``act`` now, with how they stand towards
    it (to decide their other rights there without asking again), or refuse."""
    store = _run_reads.get()
    key = _remembered_key(session, actor, workshop_id) if act == Act.SEE and board is None \
        else None
    if key is not None and store is not None and key in store:
        remembered, who = store[key]
        policy.require(who, act, where_in(session, remembered))
        return session.merge(remembered, load=False), who
    workshop = _workshop(session, workshop_id)
    who = who_for_workshop(session, actor, workshop)
    policy.require(who, act, where_in(session, workshop, board=board))
    if key is not None and store is not None:
        store[key] = (workshop, who)
    return workshop, who


def workshop_for(session: Session, actor: Actor, workshop_id: int, act: Act = Act.SEE, *,
                 board: str | None = None) -> Workshop:
    """Return a workshop on which the actor may do ``act`` now, or refuse."""
    return workshop_standing(session, actor, workshop_id, act, board=board)[0]


def facilitated_workshop(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Return a workshop the actor facilitates (participants are refused)."""
    return workshop_for(session, actor, workshop_id, Act.FACILITATE)


def workshop_for_writing(session: Session, actor: Actor, workshop_id: int, board: str,
                         act: Act = Act.WRITE_CARD) -> Workshop:
    """Return a workshop whose ``board`` the actor may change now (``act``: writing a card,
    or saying one concerns them); a participant's presence is noted."""
    workshop = workshop_for(session, actor, workshop_id, act, board=board)
    if isinstance(actor, ParticipantActor):
        participant = session.get(Participant, actor.participant_id)
        if participant is not None:
            participant.last_seen_at = utcnow()
    return workshop


def check_can_see(session: Session, actor: Actor, workshop_id: int) -> None:
    """Refuse an actor who may not see the workshop — one small query for a participant
    (live screens ask twice a second)."""
    if isinstance(actor, ParticipantActor):
        policy.require(_participant_who(session, actor, workshop_id), Act.SEE)
        return
    workshop_for(session, actor, workshop_id)


def check_can_see_live(session: Session, actor: Actor, workshop_id: int) -> None:
    """``check_can_see`` for live screens' polls: the verdict is remembered for a second
    by this server (see ``live_cache``); a refusal is never remembered."""
    if isinstance(actor, ParticipantActor):
        who: tuple = live_cache.participant_key(actor.participant_id, actor.workshop_id)
    elif isinstance(actor, UserActor):
        who = ("user", actor.user_id)
    else:
        raise PermissionDenied(N_("Only the facilitator can do this."))

    def check() -> bool:
        check_can_see(session, actor, workshop_id)
        return True

    live_cache.remembered(session, workshop_id, who, live_cache.ACCESS_SECONDS, check)


def project_of_canvas(session: Session, canvas_id: int) -> Project | None:
    """Return the porteur's project whose canvas this is (None for a collective's canvas)."""
    return session.exec(select(Project).where(Project.canvas_id == canvas_id)).first()


def current_phase_row(session: Session, workshop: Workshop) -> AgendaPhase | None:
    """Return the workshop's current phase (None before its start)."""
    if workshop.current_phase is None:
        return None
    return session.exec(select(AgendaPhase).where(
        AgendaPhase.workshop_id == workshop.id,
        AgendaPhase.position == workshop.current_phase)).first()


def partners_now(session: Session, workshop: Workshop, participant_id: int) -> set[int]:
    """Return the participants paired with ``participant_id`` in the workshop's current
    "regards croisés" phase (empty outside one)."""
    phase = current_phase_row(session, workshop)
    if phase is None or phase.kind != PhaseKind.PAIRS or workshop.status != "running":
        return set()
    rows = session.exec(select(Pairing.participant_id, Pairing.group_no).where(
        Pairing.phase_id == phase.id)).all()
    group = next((g for p, g in rows if p == participant_id), None)
    if group is None:
        return set()
    return {p for p, g in rows if g == group and p != participant_id}


def project_members(session: Session, project_id: int) -> set[int]:
    return set(session.exec(select(ProjectMember.participant_id).where(
        ProjectMember.project_id == project_id)).all())


def who_for_canvas(session: Session, actor: Actor, canvas: Canvas) -> Who:
    """Return how ``actor`` stands towards ``canvas``: participants through the workshop it
    was started in — and, for a porteur's project, as its porteur, a partner paired with a
    porteur during "regards croisés", or the porteur of another project; links through
    their collective, a porteur's project opening only to the link made for it; everyone
    else through its collective."""
    project = project_of_canvas(session, pk_of(canvas))
    if isinstance(actor, ParticipantActor):
        who = _participant_who(session, actor, canvas.workshop_id)
        if project is None or who is not Who.PARTICIPANT:
            return who
        members = project_members(session, pk_of(project))
        if actor.participant_id in members:
            return Who.PORTEUR
        workshop = session.get(Workshop, project.workshop_id)
        if workshop is not None and partners_now(session, workshop, actor.participant_id) \
                & members:
            return Who.PARTNER
        return Who.OTHER_PROJECT
    who = who_for_collective(session, actor, collective_row(session, canvas.collective_id))
    if isinstance(actor, CollectiveActor) and who in policy.LINKS:
        access = session.get(CollectiveAccess, actor.access_id)
        scoped = access.canvas_id if access is not None else None
        if (scoped is not None and scoped != canvas.id) or (
                project is not None and scoped != canvas.id):
            return Who.LINK_ELSEWHERE
    return who


def pk_of(row: Canvas | Project) -> int:
    assert row.id is not None
    return row.id


def canvas_where(session: Session, canvas: Canvas, who: Who) -> Where:
    """The facts of the moment for acting on ``canvas`` as ``who`` (the workshop's stage,
    and its current phase for a partner)."""
    if canvas.workshop_id is None or who not in (Who.PARTICIPANT, Who.PARTNER):
        return Where()
    workshop = session.get(Workshop, canvas.workshop_id)
    if workshop is None:
        return Where()
    phase = current_phase_row(session, workshop) if who is Who.PARTNER else None
    return Where(stage=policy.stage_of(workshop.status, workshop.paused_at is not None),
                 phase=phase.kind if phase is not None else None)


def canvas_standing(session: Session, actor: Actor, canvas_id: int,
                    act: Act = Act.READ_CANVAS) -> tuple[Canvas, Who, Where]:
    """Return a canvas on which the actor may do ``act``, with how they stand towards it
    and the facts of the moment (to decide their other rights there), or refuse."""
    canvas = session.get(Canvas, canvas_id)
    if canvas is None or canvas.deleted_at is not None:
        raise NotFound(N_("This canvas does not exist or was deleted."))
    who = who_for_canvas(session, actor, canvas)
    where = canvas_where(session, canvas, who)
    policy.require(who, act, where)
    return canvas, who, where


def canvas_for(session: Session, actor: Actor, canvas_id: int,
               act: Act = Act.READ_CANVAS) -> Canvas:
    """Return a canvas on which the actor may do ``act``, or refuse."""
    return canvas_standing(session, actor, canvas_id, act)[0]


def collective_member(session: Session, actor: Actor) -> CollectiveAccess:
    """Return the link of a member coming through the collective's link, or refuse."""
    if not isinstance(actor, CollectiveActor):
        raise PermissionDenied(N_("Only the facilitator can do this."))
    return active_access(session, actor)
