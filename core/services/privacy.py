"""Personal data: anonymising a participant, deleting a collective, retention.

What Fabrique stores about whom is listed in docs/admin.md ("Personal data"). Here:

- a facilitator anonymises a participant: the name becomes "Participant·e n" wherever
  Fabrique wrote it (the participant row, authors of canvas texts, comments and next-step
  changes, the "who" of next steps, "said by" on cards when it is that name), the token
  that let them in is replaced (their link stops working) — what they wrote stays;
- a facilitator deletes a collective: it disappears at once (soft delete) and its rows are
  purged ``purge_after_days`` later (FABRIQUE_PURGE_AFTER_DAYS), until then an admin can
  bring it back;
- a collective may have a retention period: that many days after a workshop ends, its
  participants are anonymised automatically (checked at start-up, when a workshop ends,
  and hourly by each app server).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from core.domain.actors import Actor
from core.domain.models import (
    Action,
    ActionChange,
    Canvas,
    CanvasRevision,
    CanvasSending,
    Card,
    Collective,
    Comment,
    Participant,
    Workshop,
    WorkshopStatus,
    as_utc,
    pk,
    utcnow,
)
from core.errors import InvalidInput, NotFound
from core.services import transfer
from core.services.access import collective_for, require_admin
from core.services.live_cache import bump_board_revision
from core.services.participants import facilitated_participant
from core.services.projects import forget_contacts_of
from core.settings import get_settings
from core.text.cleaning import fold
from core.text.i18n import N_, translate
from core.text.names import name_keys

ANONYMOUS = N_("Participant {n}")  # "Participant·e 3" in French, stored so
RETENTION_MAX_DAYS = 3650


def _anonymise(session: Session, participant: Participant, now: dt.datetime) -> str:
    """Replace a participant's name everywhere Fabrique wrote it; return the new name."""
    rank = session.exec(select(func.count()).select_from(Participant).where(
        Participant.workshop_id == participant.workshop_id,
        col(Participant.id) <= pk(participant))).one()
    new = translate(get_settings().default_language, ANONYMOUS, n=rank)
    workshop = session.get(Workshop, participant.workshop_id)
    assert workshop is not None
    pid, old = pk(participant), fold(participant.display_name)
    # Where the name is written: linked to the participant, or the same name typed by hand
    # in this collective ("said by" on a card, "who" of a next step) — compared the way
    # names are (case and accents aside: SQLite's lower() knows ASCII only).
    places = (
        (CanvasRevision.author_name, CanvasRevision.author_participant_id,
         select(Canvas.id).where(Canvas.collective_id == workshop.collective_id),
         CanvasRevision.canvas_id),
        (Comment.author_name, Comment.author_participant_id,
         select(Canvas.id).where(Canvas.collective_id == workshop.collective_id),
         Comment.canvas_id),
        (ActionChange.author_name, ActionChange.author_participant_id,
         select(Action.id).where(Action.collective_id == workshop.collective_id),
         ActionChange.action_id),
        (Action.who, Action.who_participant_id, None, None),
        # On a card, "said by" may name someone else than who typed it: by name only.
        (Card.author_name, None, None, None),
    )
    for column, linked, owners, owner_column in places:
        table = column.class_  # type: ignore[attr-defined]
        where = (col(owner_column).in_(owners) if owners is not None
                 else col(table.collective_id) == workshop.collective_id)
        rows = session.execute(select(table.id, column, linked if linked is not None
                                      else table.id).where(where)).all()
        ids = [row[0] for row in rows if row[1] and (
            (linked is not None and row[2] == pid) or fold(row[1]) == old)]
        if ids:
            session.execute(update(table).where(col(table.id).in_(ids))
                            .values({column.key: new}))  # type: ignore[attr-defined]
    participant.display_name = new
    participant.name_key, participant.look_key = name_keys(f"{new} {pid}")
    forget_contacts_of(session, pid)  # the way to reach them they left on their project
    participant.token = secrets.token_urlsafe(24)  # the old link no longer opens anything
    participant.anonymised_at = now
    participant.removed_at = participant.removed_at or now
    session.add(participant)
    bump_board_revision(session, participant.workshop_id)
    return new


def anonymise_participant(*, session: Session, actor: Actor, participant_id: int) -> str:
    """Anonymise a participant of a workshop one facilitates; return their new name."""
    participant = facilitated_participant(session, actor, participant_id)
    if participant.anonymised_at is not None:
        return participant.display_name
    new = _anonymise(session, participant, utcnow())
    session.commit()
    return new


def set_retention(*, session: Session, actor: Actor, collective_id: int,
                  days: int | None) -> Collective:
    """Set how many days after a workshop ends its participants are anonymised
    (None: names kept)."""
    collective = collective_for(session, actor, collective_id)
    if days is not None and not 1 <= days <= RETENTION_MAX_DAYS:
        raise InvalidInput(N_("Choose between 1 and {max} days."), max=RETENTION_MAX_DAYS)
    collective.retention_days = days
    session.add(collective)
    session.commit()
    return collective


def apply_retention(session: Session, now: dt.datetime | None = None) -> int:
    """Anonymise the participants of ended workshops past their collective's retention
    period (a job of the application, no actor); return how many."""
    now = now or utcnow()
    rows = session.exec(
        select(Participant, Workshop, Collective)
        .join(Workshop, col(Workshop.id) == col(Participant.workshop_id))
        .join(Collective, col(Collective.id) == col(Workshop.collective_id))
        .where(col(Collective.retention_days).is_not(None),
               Workshop.status == WorkshopStatus.ENDED,
               col(Participant.anonymised_at).is_(None))).all()
    done = 0
    for participant, workshop, collective in rows:
        ended = _aware(workshop.ended_at or workshop.created_at)
        if ended + dt.timedelta(days=collective.retention_days or 0) <= now:
            _anonymise(session, participant, now)
            done += 1
    if done:
        session.commit()
    return done


def delete_collective(*, session: Session, actor: Actor, collective_id: int,
                      confirm: str) -> Collective:
    """Delete a collective after its name was typed again (soft: purged later)."""
    collective = collective_for(session, actor, collective_id)
    if confirm.strip().casefold() != collective.name.strip().casefold():
        raise InvalidInput(N_("Type the collective's name exactly to delete it."))
    collective.deleted_at = utcnow()
    session.add(collective)
    session.commit()
    return collective


def deleted_collectives(*, session: Session, actor: Actor) -> list[Collective]:
    """Return the collectives deleted and not yet purged (admin)."""
    require_admin(session, actor)
    return list(session.exec(select(Collective).where(col(Collective.deleted_at).is_not(None))
                             .order_by(col(Collective.deleted_at).desc())).all())


def restore_collective(*, session: Session, actor: Actor, collective_id: int) -> Collective:
    """Bring back a deleted collective before it is purged (admin)."""
    require_admin(session, actor)
    collective = session.get(Collective, collective_id)
    if collective is None or collective.deleted_at is None:
        raise NotFound(N_("This collective is not among the deleted ones."))
    collective.deleted_at = None
    session.add(collective)
    session.commit()
    return collective


def purge_deleted(session: Session, after_days: int, now: dt.datetime | None = None
                  ) -> list[int]:
    """Remove for good every row of the collectives deleted more than ``after_days`` ago
    (a job of the application); return their ids."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=after_days)
    old = [c for c in session.exec(select(Collective).where(
        col(Collective.deleted_at).is_not(None))).all() if _aware(c.deleted_at) <= cutoff]
    ids = [pk(c) for c in old]
    for collective_id in ids:
        _purge(session, collective_id)
    session.commit()
    session.expire_all()  # the rows are gone: nothing kept in this session says otherwise
    return ids


def _aware(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return as_utc(moment)


def _purge(session: Session, collective_id: int) -> None:
    ids: dict[str, Sequence[int]] = {}
    for part in transfer.PARTS:
        table = part.table
        parents = [collective_id] if part.parent is None else ids.get(part.parent, [])
        if "id" in table.c:
            ids[part.name] = session.execute(select(table.c.id).where(
                table.c[part.parent_column].in_(parents))).scalars().all() if parents else []
    # Rows pointing at rows of their own table first, then children before parents.
    for part in reversed(transfer.PARTS):
        table = part.table
        parents = [collective_id] if part.parent is None else ids.get(part.parent, [])
        if not parents:
            continue
        for column, target in transfer.references(part).items():
            if target == part.name:
                session.execute(update(table).where(table.c[part.parent_column].in_(parents))
                                .values({column: None}))
    # What stays on this instance (not in the file): the ranks of canvas sendings.
    if ids.get("canvas"):
        session.execute(delete(CanvasSending).where(
            col(CanvasSending.canvas_id).in_(ids["canvas"])))
    for part in reversed(transfer.PARTS):
        table = part.table
        parents = [collective_id] if part.parent is None else ids.get(part.parent, [])
        if parents:
            session.execute(delete(table).where(table.c[part.parent_column].in_(parents)))
