"""Role checks shared by every service: who may see or change which collective/workshop."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.actors import Actor, ParticipantActor, UserActor
from core.errors import NotFound, PermissionDenied
from core.i18n import N_
from core.models import Collective, Participant, Role, User, Workshop, WorkshopStatus, utcnow
from core.services import live_cache


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
    if account.role != Role.ADMIN.value:
        raise PermissionDenied(N_("Only an administrator can do this."))
    return account


def can_manage_collective(account: User, collective: Collective) -> bool:
    """Tell whether an account may manage ``collective`` (admins manage all)."""
    return account.role == Role.ADMIN.value or collective.owner_id == account.id


def collective_for(session: Session, actor: Actor, collective_id: int) -> Collective:
    """Return a collective the actor manages, or refuse."""
    user = require_user(actor)
    account = active_user(session, user)
    collective = session.get(Collective, collective_id)
    if collective is None or collective.deleted_at is not None:
        raise NotFound(N_("This collective does not exist or was deleted."))
    if not can_manage_collective(account, collective):
        raise PermissionDenied(N_("This collective belongs to another facilitator."))
    return collective


def _workshop(session: Session, workshop_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None or workshop.deleted_at is not None:
        raise NotFound(N_("This workshop does not exist or was deleted."))
    return workshop


def active_participant(session: Session, actor: ParticipantActor) -> Participant:
    """Return the participant's row, refusing one the facilitator removed."""
    participant = session.get(Participant, actor.participant_id)
    if participant is None or participant.removed_at is not None:
        raise PermissionDenied(N_("The facilitator removed you from this workshop."))
    return participant


def workshop_for(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Return a workshop the actor may see: its facilitator, an admin, or its participant."""
    workshop = _workshop(session, workshop_id)
    if isinstance(actor, ParticipantActor):
        if actor.workshop_id != workshop_id:
            raise PermissionDenied(N_("You can only take part in the workshop you joined."))
        active_participant(session, actor)
        return workshop
    collective_for(session, actor, workshop.collective_id)
    return workshop


def check_can_see(session: Session, actor: Actor, workshop_id: int) -> None:
    """Refuse an actor who may not see the workshop — one small query for a participant
    (live screens ask twice a second)."""
    if isinstance(actor, ParticipantActor):
        if actor.workshop_id != workshop_id:
            raise PermissionDenied(N_("You can only take part in the workshop you joined."))
        removed = session.exec(select(Participant.removed_at).where(
            Participant.id == actor.participant_id)).first()
        if removed is not None:
            raise PermissionDenied(N_("The facilitator removed you from this workshop."))
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


def workshop_for_writing(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Return a workshop whose boards the actor may change now.

    The facilitator may always write (to tidy up after the session too); a participant
    only while the workshop runs.
    """
    workshop = workshop_for(session, actor, workshop_id)
    if isinstance(actor, ParticipantActor):
        if workshop.status == WorkshopStatus.DRAFT.value:
            raise PermissionDenied(N_("The workshop has not started yet."))
        if workshop.status == WorkshopStatus.ENDED.value:
            raise PermissionDenied(N_("The workshop is over: the boards are read-only."))
        participant = session.get(Participant, actor.participant_id)
        if participant is not None:
            participant.last_seen_at = utcnow()
    return workshop


def facilitated_workshop(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Return a workshop the actor facilitates (participants are refused)."""
    require_user(actor)
    return workshop_for(session, actor, workshop_id)


def bump_board_revision(session: Session, workshop_id: int) -> None:
    """Mark the workshop's boards as changed, in the caller's transaction."""
    live_cache.forget(session, workshop_id, live_cache.STATE)
    session.execute(
        update(Workshop)
        .where(col(Workshop.id) == workshop_id)
        .values(board_revision=col(Workshop.board_revision) + 1)
    )
