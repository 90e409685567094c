"""A very short memo of what live screens poll, shared by the sessions of one server.

Sixty screens poll a workshop twice a second: 120 identical reads a second of the same
workshop row and access verdicts. Each server keeps the answer for a fraction of a second
(``LIVE_SECONDS``), so the database sees a few reads a second per workshop, however many
screens watch it; several servers on one database each read it themselves, so they stay
in step within that fraction of a second.

A change made through this process is seen at once: a flush that touches a workshop, its
phases or its participants, and every board revision bump, forget that workshop's memo
(and again when the transaction commits, so a reader that slipped in between is dropped).
Writes never read from the memo: they check access and state in their own transaction.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import event, update
from sqlmodel import Session, col

from core.domain.models import AgendaPhase, Participant, Workshop

T = TypeVar("T")

LIVE_SECONDS = 0.25      # the workshop's state (revision, phase, clock inputs)
ACCESS_SECONDS = 5.0     # who may see it (a removal made on another server: within 5 s)
STATE = "state"

_lock = threading.Lock()
_entries: dict[tuple[str, int], dict[Any, tuple[float, Any]]] = {}


class PerRevision(Generic[T]):
    """What readers of one board revision share, read once per revision and process (a
    room of 300 reads it once, not 300 times); the ``kept`` newest keys are kept. Keys
    hold the revision, read in the reader's transaction before the data, so a value is
    never older than its key."""

    def __init__(self, kept: int = 64, *, one_build: bool = False) -> None:
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.kept = kept
        # With ``one_build``, readers that miss wait for the one building (a board's HTML:
        # a room of phones asking together builds it once, not once each).
        self._build_lock = threading.Lock() if one_build else None

    def peek(self, key: Hashable) -> T | None:
        """Return the value kept for ``key``, if any (nothing is read)."""
        with self._lock:
            return self._values.get(key)

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        """Return the value kept for ``key``, or ``read()`` it and keep it."""
        found = self._kept(key)
        if found is not None:
            return found
        if self._build_lock is None:
            return self._keep(key, read())
        with self._build_lock:
            found = self._kept(key)
            return found if found is not None else self._keep(key, read())

    def _kept(self, key: Hashable) -> T | None:
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def _keep(self, key: Hashable, value: T) -> T:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.kept:
                self._values.popitem(last=False)
        return value


class Memo(Generic[T]):
    """Values built from what they are keyed by (a pure function of the key), shared by
    every reader of this process: a board's card as a reader sees it, rebuilt at each
    revision, is the same object as at the previous one unless that card changed. Up to
    ``kept`` values; beyond, it starts afresh."""

    def __init__(self, kept: int = 50_000) -> None:
        self._values: dict[Hashable, T] = {}
        self.kept = kept

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        found = self._values.get(key)  # a dict's get and set are atomic in CPython
        if found is None:
            if len(self._values) >= self.kept:
                self._values.clear()
            found = self._values[key] = build()
        return found


def database_of(session: Session) -> str:
    """Return the database a session talks to (without opening a connection)."""
    return str(session.get_bind().engine.url)


def remembered(session: Session, workshop_id: int, key: Any, seconds: float,
               compute: Callable[[], T]) -> T:
    """Return ``compute()``, or its answer for ``key`` if younger than ``seconds``.

    An exception from ``compute`` (a refusal) is not remembered.
    """
    slot = (database_of(session), workshop_id)
    now = time.monotonic()
    with _lock:
        found = _entries.get(slot, {}).get(key)
    if found is not None and now - found[0] < seconds:
        return found[1]
    value = compute()
    with _lock:
        _entries.setdefault(slot, {})[key] = (now, value)
    return value


def forget(session: Session, workshop_id: int, key: Any = None) -> None:
    """Drop what is remembered of a workshop (it just changed), or only ``key`` of it."""
    slot = (database_of(session), workshop_id)
    with _lock:
        if key is None:
            _entries.pop(slot, None)
        else:
            _entries.get(slot, {}).pop(key, None)
    session.info.setdefault("fresh_changed", set()).add((workshop_id, key))


def bump_board_revision(session: Session, workshop_id: int) -> int:
    """Mark the workshop's boards as changed (what live screens poll), in the caller's
    transaction; return the new revision (the one before it is this less one: the row is
    locked until the caller commits)."""
    forget(session, workshop_id, STATE)
    return int(session.execute(
        update(Workshop)
        .where(col(Workshop.id) == workshop_id)
        .values(board_revision=col(Workshop.board_revision) + 1)
        .returning(col(Workshop.board_revision))
    ).scalar_one())


def commit_workshop_change(session: Session, workshop: Workshop) -> Workshop:
    """Commit a change of ``workshop`` every screen follows (its phase, clock, vote): the
    board revision moves with it, so live screens see it at their next look."""
    assert workshop.id is not None
    bump_board_revision(session, workshop.id)
    session.commit()
    session.refresh(workshop)
    return workshop


def participant_key(participant_id: int | None, workshop_id: int) -> tuple:
    """Return the memo key of a participant's access to their workshop."""
    return ("participant", participant_id, workshop_id)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: object) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Workshop) and obj.id is not None:
            forget(session, obj.id)
        elif isinstance(obj, AgendaPhase):
            forget(session, obj.workshop_id, STATE)
        elif isinstance(obj, Participant):
            # Only this participant's access: a card added touches its writer's row.
            forget(session, obj.workshop_id, participant_key(obj.id, obj.workshop_id))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    changed = session.info.pop("fresh_changed", set())
    with _lock:
        for workshop_id, key in changed:
            slot = (database_of(session), workshop_id)
            if key is None:
                _entries.pop(slot, None)
            else:
                _entries.get(slot, {}).pop(key, None)
