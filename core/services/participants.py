"""Joining a workshop without an account, and coming back as the same participant."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.domain.actors import Actor, ParticipantActor
from core.domain.models import Participant, Workshop, WorkshopStatus, as_utc, pk, utcnow
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import limits, live_cache
from core.services.access import facilitated_workshop
from core.services.live_cache import bump_board_revision
from core.services.workshops import find_by_code, normalize_join_code
from core.text.i18n import N_
from core.text.names import clean_name, name_keys


def join_workshop(*, session: Session, code: str, display_name: str,
                  token: str | None = None, client: str = "", join_key: str | None = None,
                  browser: str | None = None) -> Participant:
    """Join the workshop that ``code`` opens, under ``display_name``.

    A name is one person's: a name already taken in the workshop — or one that looks the
    same (case, accents, invisible characters, look-alike letters aside) — is refused,
    unless the browser proves it is that person: with the personal ``token`` it holds, with
    the same ``join_key`` (the join form's key: the same press sent again, after its answer
    was lost), or from the same ``browser`` (the digest of the browser's own cookie) that
    joined under this name. Someone who lost their phone comes back through the personal
    link the facilitator shows them. A name the facilitator removed cannot join again.
    """
    if join_key:
        # The same press again: its participant, whatever happened to the first answer.
        again = session.exec(select(Participant).where(Participant.join_key == join_key)
                             ).first()
        if again is not None and again.removed_at is None:
            joined = session.get(Workshop, again.workshop_id)
            if joined is not None and joined.join_code == normalize_join_code(code):
                return again
    # Join codes can be guessed: each client's wrong codes slow its next tries down, and a
    # right code does not forgive the wrong ones before it.
    subject = f"join:{client}" if client else ""
    if subject:
        limits.check(session, "join", subject)
    try:
        workshop = find_by_code(session=session, code=code)
    except NotFound:
        if subject:
            limits.record(session, "join", subject, failed=True)
        raise
    if workshop.status == WorkshopStatus.ENDED:
        raise PermissionDenied(N_("This workshop is over: it can no longer be joined."))
    name = clean_name(display_name)
    keys = name_keys(name)
    existing = session.exec(
        select(Participant).where(Participant.workshop_id == workshop.id,
                                  or_(col(Participant.name_key) == keys.name_key,
                                      col(Participant.look_key) == keys.look_key))
        .order_by(col(Participant.id))
    ).first()
    if existing is not None:
        if existing.removed_at is not None:
            raise PermissionDenied(N_("The facilitator removed this name from the workshop."))
        proved = (token and secrets.compare_digest(token, existing.token)) or (
            browser and existing.browser_key
            and secrets.compare_digest(browser, existing.browser_key))
        if not proved:
            raise PermissionDenied(
                N_("Someone already takes part as “{name}”. If it is you, open your "
                   "personal link again, or ask the facilitator for it; otherwise, add an "
                   "initial or your village."), name=existing.display_name)
        existing.last_seen_at = utcnow()
        session.commit()
        return existing
    participant = Participant(
        workshop_id=pk(workshop),
        display_name=name,
        name_key=keys.name_key,
        look_key=keys.look_key,
        token=secrets.token_urlsafe(24),
        join_key=join_key or None,
        browser_key=browser or None,
    )
    session.add(participant)
    try:
        session.commit()
    except IntegrityError:
        # Someone joined with the same name at the same moment (or this very press did):
        # the name is theirs, or this press finds its participant.
        session.rollback()
        return join_workshop(session=session, code=code, display_name=display_name,
                             token=token, client=client, join_key=join_key, browser=browser)
    return participant


def actor_for_token(session: Session, token: str | None) -> ParticipantActor | None:
    """Return the participant a personal token designates (None if unknown or removed)."""
    if not token or len(token) > 64:
        return None
    participant = session.exec(select(Participant).where(Participant.token == token)).first()
    if participant is None or participant.removed_at is not None:
        return None
    assert participant.id is not None
    return ParticipantActor(
        participant_id=participant.id,
        workshop_id=participant.workshop_id,
        name=participant.display_name,
    )


# Which participant each personal token designated when read (a token never changes hands):
# a session's participant is asked after through the access memo only for its own token.
_token_owners: dict[str, int] = {}
_TOKENS_KEPT = 100_000


def recognised(session: Session, token: str | None,
               known: ParticipantActor | None) -> ParticipantActor | None:
    """``actor_for_token``, where ``known`` is the participant the session was at its
    previous run: if this token designated ``known`` when read, the answer comes from this
    server's memo of that participant's access (``live_cache``), and the database is read
    only when the memo holds no verdict (a phone's run needs no query to know who it is).
    The memo is the access checks' own, so a removal is seen as they see it: at once
    when made through this server, within ``live_cache.ACCESS_SECONDS`` when made through
    another (and every read still checks the participant's standing)."""
    if known is None or not token or _token_owners.get(token) != known.participant_id:
        actor = actor_for_token(session, token)
        if actor is not None and token:
            if len(_token_owners) >= _TOKENS_KEPT:
                _token_owners.clear()
            _token_owners[token] = actor.participant_id
            # What was just read is a verdict too: the next run asks the memo.
            live_cache.remembered(session, actor.workshop_id,
                                  live_cache.participant_key(actor.participant_id,
                                                             actor.workshop_id),
                                  live_cache.ACCESS_SECONDS, lambda: True)
        return actor
    found: list[ParticipantActor] = []

    def check() -> bool:
        actor = actor_for_token(session, token)
        if actor is None:  # removed since
            raise _NoLonger
        found.append(actor)
        return True

    try:
        live_cache.remembered(session, known.workshop_id,
                              live_cache.participant_key(known.participant_id,
                                                         known.workshop_id),
                              live_cache.ACCESS_SECONDS, check)
    except _NoLonger:  # a refusal is never remembered
        return None
    return found[0] if found else known


class _NoLonger(Exception):
    """The token no longer designates a participant (within ``recognised``)."""


def touch(*, session: Session, actor: Actor, on_phase: int | None = None) -> Participant:
    """Record that a participant is still here (shown on the facilitator's panel), and
    the phase their screen shows (``on_phase``, a position)."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    participant = session.get(Participant, actor.participant_id)
    if participant is None:
        raise PermissionDenied(N_("The facilitator removed you from this workshop."))
    participant.last_seen_at = utcnow()
    if on_phase is not None:
        participant.on_phase = on_phase
    session.commit()
    return participant


def own(*, session: Session, actor: Actor) -> Participant:
    """Return the acting participant's own row (their choices)."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    participant = session.get(Participant, actor.participant_id)
    if participant is None or participant.removed_at is not None:
        raise PermissionDenied(N_("The facilitator removed you from this workshop."))
    return participant


def set_named(*, session: Session, actor: Actor, named: bool) -> Participant:
    """Say whether this participant's name may appear in the synthesis (their own choice,
    any time: the next steps they do are then named in an anonymous synthesis)."""
    participant = own(session=session, actor=actor)
    participant.named_in_synthesis = bool(named)
    session.commit()
    return participant


def note_presence(*, session: Session, participant_ids: Collection[int],
                  seen_at: datetime, on_phase: Mapping[int, int | None] | None = None) -> int:
    """Record that these participants were here at ``seen_at`` — their phones' live screens,
    gathered by their server (``ui/presence``): one write for a whole room instead of one
    per phone (one per phase their screens showed, ``on_phase``: id → phase position). Not
    an act of anyone's (no actor): the ids come from the screens of people already let in;
    a removed participant's row is left as it is. Returns the rows changed."""
    if not participant_ids:
        return 0
    by_phase: dict[int | None, list[int]] = {}
    for participant_id in sorted(participant_ids):
        phase = on_phase.get(participant_id) if on_phase is not None else None
        by_phase.setdefault(phase, []).append(participant_id)
    written = 0
    for phase, ids in by_phase.items():
        values: dict[str, Any] = {"last_seen_at": seen_at}
        if phase is not None:
            values["on_phase"] = phase
        result: Any = session.execute(
            update(Participant)
            .where(col(Participant.id).in_(ids), col(Participant.removed_at).is_(None))
            .values(**values))
        written += int(result.rowcount or 0)
    session.commit()
    return written


BEHIND_AFTER = timedelta(seconds=10)  # a phone still on the last phase then is behind
PRESENT_WITHIN = timedelta(seconds=90)  # "active" on the panel


@dataclass(frozen=True)
class RoomProgress:
    """How many phones have followed the facilitator to the current phase."""

    present: int  # seen within PRESENT_WITHIN
    behind: int  # of them, still showing another phase BEHIND_AFTER after the change
    seconds: int  # since the change

    @property
    def overloaded(self) -> bool:
        """Enough phones behind to say the server does not keep up (a locked phone or two
        is not that): a tenth of the room, and at least five."""
        return self.behind >= max(5, self.present / 10)


def room_progress(*, session: Session, actor: Actor, workshop_id: int,
                  now: datetime | None = None) -> RoomProgress:
    """Return how many phones are behind the current phase (for the facilitator)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    now = now or utcnow()
    started = workshop.phase_started_at
    since = now - as_utc(started) if started is not None else timedelta(0)
    people = session.exec(select(Participant.last_seen_at, Participant.on_phase).where(
        Participant.workshop_id == workshop_id, col(Participant.removed_at).is_(None))).all()
    present = [on for seen, on in people if now - as_utc(seen) <= PRESENT_WITHIN]
    late = (workshop.status == WorkshopStatus.RUNNING and workshop.paused_at is None
            and since >= BEHIND_AFTER and workshop.current_phase is not None)
    behind = sum(1 for on in present if on is not None and on != workshop.current_phase) \
        if late else 0
    return RoomProgress(present=len(present), behind=behind,
                        seconds=int(since.total_seconds()))


def facilitated_participant(session: Session, actor: Actor, participant_id: int) -> Participant:
    """Return a participant of a workshop ``actor`` facilitates, or refuse."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise InvalidInput(N_("This participant does not exist."))
    facilitated_workshop(session, actor, participant.workshop_id)
    return participant


def remove_participant(*, session: Session, actor: Actor, participant_id: int) -> Participant:
    """Remove someone from the workshop (their cards stay; they cannot come back)."""
    participant = facilitated_participant(session, actor, participant_id)
    participant.removed_at = participant.removed_at or utcnow()
    session.commit()
    return participant


def list_participants(*, session: Session, actor: Actor, workshop_id: int) -> list[Participant]:
    """List a workshop's participants (facilitator only), most recently active first."""
    facilitated_workshop(session, actor, workshop_id)
    return list(
        session.exec(
            select(Participant)
            .where(Participant.workshop_id == workshop_id)
            .order_by(col(Participant.last_seen_at).desc())
        ).all()
    )


def people_of(session: Session, workshop_id: int) -> list[Participant]:
    """Return who takes part in a workshop: not removed, not the facilitator's own ballot
    (no rights checked: for services that did)."""
    return list(session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, col(Participant.removed_at).is_(None),
        col(Participant.user_id).is_(None)).order_by(col(Participant.id))).all())


def rename_participant(
    *, session: Session, actor: Actor, participant_id: int, display_name: str
) -> Participant:
    """Rename a participant (facilitator only)."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise InvalidInput(N_("This participant does not exist."))
    facilitated_workshop(session, actor, participant.workshop_id)
    name = clean_name(display_name)
    keys = name_keys(name)
    participant.display_name = name
    participant.name_key, participant.look_key = keys
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise InvalidInput(N_("Someone in this workshop already has this name.")) from exc
    bump_board_revision(session, participant.workshop_id)  # cards show the writer's name
    session.commit()
    return participant
