"""Collectives and their workshops: creation, listing, agenda, opening and closing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.domain.actors import Actor
from core.domain.inputs import CollectiveCreate, WorkshopCreate
from core.domain.models import (
    AgendaPhase,
    Card,
    Collective,
    Participant,
    Role,
    Workshop,
    WorkshopStatus,
    pk,
)
from core.domain.templates import WorkshopFormat
from core.errors import NotFound
from core.services.access import (
    active_user,
    collective_for,
    require_admin,
    require_user,
    workshop_for,
)
from core.text.i18n import N_

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    """Return a random join code, easy to read aloud and to type on a phone."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(code: str) -> str:
    """Return ``code`` as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


# --- collectives ----------------------------------------------------------------------


def list_collectives(*, session: Session, actor: Actor) -> list[Collective]:
    """List the collectives the actor manages (an admin sees all)."""
    account = active_user(session, require_user(actor))
    statement = select(Collective).where(col(Collective.deleted_at).is_(None))
    if account.role != Role.ADMIN:
        statement = statement.where(Collective.owner_id == account.id)
    return list(session.exec(statement.order_by(col(Collective.created_at).desc())).all())


def create_collective(*, session: Session, actor: Actor,
                      collective_in: CollectiveCreate) -> Collective:
    """Create a collective owned by the acting facilitator."""
    account = active_user(session, require_user(actor))
    collective = Collective(name=collective_in.name, territory=collective_in.territory,
                            description=collective_in.description, owner_id=account.id)
    session.add(collective)
    session.commit()
    return collective


def get_collective(*, session: Session, actor: Actor, collective_id: int) -> Collective:
    """Return a collective the actor manages."""
    return collective_for(session, actor, collective_id)


# --- workshops ------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopSummary:
    """A workshop with the figures shown in lists."""

    workshop: Workshop
    participants: int
    cards: int

    @property
    def running(self) -> bool:
        """Started and not ended: it may be ended, not started."""
        return self.workshop.status == WorkshopStatus.RUNNING

    @property
    def draft(self) -> bool:
        return self.workshop.status == WorkshopStatus.DRAFT


def workshops_of(session: Session, collective_id: int) -> list[Workshop]:
    """A collective's workshops, newest first (the caller has checked who may see them)."""
    return list(session.exec(
        select(Workshop)
        .where(Workshop.collective_id == collective_id, col(Workshop.deleted_at).is_(None))
        .order_by(col(Workshop.created_at).desc())
    ).all())


def list_workshops(*, session: Session, actor: Actor, collective_id: int) -> list[WorkshopSummary]:
    """List a collective's workshops, newest first, with participant and card counts."""
    collective_for(session, actor, collective_id)
    workshops = workshops_of(session, collective_id)
    ids = [w.id for w in workshops]
    participants = dict(
        session.exec(
            select(Participant.workshop_id, func.count())
            .where(col(Participant.workshop_id).in_(ids), col(Participant.removed_at).is_(None))
            .group_by(col(Participant.workshop_id))
        ).all()
    )
    cards = dict(
        session.exec(
            select(Card.workshop_id, func.count())
            .where(col(Card.workshop_id).in_(ids), col(Card.deleted_at).is_(None))
            .group_by(col(Card.workshop_id))
        ).all()
    )
    return [
        WorkshopSummary(w, participants.get(pk(w), 0), cards.get(pk(w), 0)) for w in workshops
    ]


def insert_with_join_code(session: Session, workshop: Workshop) -> None:
    for _ in range(20):
        workshop.join_code = new_join_code()
        try:
            with session.begin_nested():
                session.add(workshop)
                session.flush()
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free join code")  # pragma: no cover


def create_workshop(*, session: Session, actor: Actor, collective_id: int,
                    workshop_in: WorkshopCreate, workshop_format: WorkshopFormat,
                    lang: str) -> Workshop:
    """Create a workshop with a fresh join code and the agenda of ``workshop_format``."""
    collective_for(session, actor, collective_id)
    account = active_user(session, require_user(actor))
    workshop = Workshop(collective_id=collective_id, title=workshop_in.title,
                        format_key=workshop_format.key, join_code="",
                        mode=workshop_format.mode,
                        scheduled_on=workshop_in.scheduled_on, created_by_id=account.id)
    insert_with_join_code(session, workshop)
    add_agenda(session, workshop, workshop_format, lang)
    session.commit()
    return workshop


def add_agenda(session: Session, workshop: Workshop, workshop_format: WorkshopFormat,
               lang: str) -> None:
    """Copy a format's phases into a workshop's agenda, in ``lang``."""
    for position, phase in enumerate(workshop_format.phases):
        session.add(
            AgendaPhase(
                workshop_id=pk(workshop),
                position=position,
                kind=phase.kind,
                title=phase.title(lang),
                duration_min=phase.duration_min,
                instructions=phase.instructions(lang),
                private_writing=phase.private_writing,
                focus=",".join(phase.focus),
            )
        )


def held_on(workshop: Workshop) -> date:
    """The day a workshop was held: planned, or else when it ended, ran or was made."""
    if workshop.scheduled_on is not None:
        return workshop.scheduled_on
    moment = workshop.ended_at or workshop.phase_started_at or workshop.created_at
    return moment.date()


def get_workshop(*, session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Return a workshop the actor may see."""
    return workshop_for(session, actor, workshop_id)


def agenda(*, session: Session, actor: Actor, workshop_id: int) -> list[AgendaPhase]:
    """Return a workshop's phases in order."""
    workshop_for(session, actor, workshop_id)
    return list(
        session.exec(
            select(AgendaPhase)
            .where(AgendaPhase.workshop_id == workshop_id)
            .order_by(col(AgendaPhase.position))
        ).all()
    )


def all_workshops(*, session: Session, actor: Actor) -> list[tuple[Workshop, Collective]]:
    """Return every workshop with its collective, by collective then creation (admin)."""
    require_admin(session, actor)
    rows = session.exec(select(Workshop, Collective)
                        .join(Collective, col(Collective.id) == col(Workshop.collective_id))
                        .where(col(Workshop.deleted_at).is_(None),
                               col(Collective.deleted_at).is_(None))
                        .order_by(col(Collective.id), col(Workshop.id))).all()
    return [(w, c) for w, c in rows]


def all_collectives(*, session: Session, actor: Actor) -> list[tuple[Collective, int]]:
    """Return every collective with its number of workshops, by id (admin)."""
    require_admin(session, actor)
    counts = (select(Workshop.collective_id, func.count().label("n"))
              .where(col(Workshop.deleted_at).is_(None))
              .group_by(col(Workshop.collective_id)).subquery())
    rows = session.exec(select(Collective, counts.c.n)
                        .join(counts, counts.c.collective_id == col(Collective.id), isouter=True)
                        .where(col(Collective.deleted_at).is_(None))
                        .order_by(col(Collective.id))).all()
    return [(c, n or 0) for c, n in rows]


def find_workshop(*, session: Session, actor: Actor, reference: str) -> Workshop:
    """Return the workshop named by its id or its join code, if the actor may see it."""
    reference = reference.strip()
    if reference.isdigit():
        return workshop_for(session, actor, int(reference))
    found = find_by_code(session=session, code=reference)
    return workshop_for(session, actor, pk(found))


def find_by_code(*, session: Session, code: str) -> Workshop:
    """Return the workshop a join code opens (anyone may look a code up)."""
    normalized = normalize_join_code(code)
    workshop = None
    if normalized:
        workshop = session.exec(select(Workshop).where(Workshop.join_code == normalized)).first()
    if workshop is None or workshop.deleted_at is not None:
        raise NotFound(N_("No workshop has the code {code}. Check it with the facilitator."),
                       code=normalized or code)
    return workshop
