"""Writes that count once: a card, a comment or an action carries a key made where it was
typed (``client_key``); the database holds each key once (a unique index, on SQLite and
PostgreSQL alike), so the same write sent twice — a double tap, two servers, a resend
after a crash the phone never heard back from — stores one row. No check-then-insert: the
insert itself is tried, and a refusal by the index means "already there"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.errors import InvalidInput
from core.i18n import N_

R = TypeVar("R", bound=Any)


def insert_once(session: Session, row: R, *, same_author: Callable[[R], bool]) -> tuple[R, bool]:
    """Add ``row`` (flushed, not committed) unless a row with its ``client_key`` exists:
    return ``(row, True)``, or ``(the stored row, False)``. A key already used by someone
    else (``same_author`` says no) is refused, never handed over."""
    key = row.client_key
    if key is None:
        session.add(row)
        session.flush()
        return row, True
    try:
        with session.begin_nested():  # a savepoint: only this insert is undone
            session.add(row)
            session.flush()
    except IntegrityError:
        model = type(row)
        stored = session.exec(select(model).where(model.client_key == key)).first()
        if stored is None:  # refused for another reason: let it be seen
            raise
        if not same_author(stored):
            raise InvalidInput(
                N_("This form is out of date: reload the page, then send again.")) from None
        return stored, False
    return row, True
