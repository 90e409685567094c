"""Writes that count once: a card, a comment or an action carries a key made where it was
typed (``client_key``); the database holds each key once (a unique index, on SQLite and
PostgreSQL alike), so the same write sent twice — a double tap, two servers, a resend
after a crash the phone never heard back from — stores one row. No check-then-insert: the
insert itself is tried, and a refusal by the index means "already there".

A key is only the browser's until the server hands it back as used. A phone whose server
died between storing a card and telling the browser (``ui/client_keys.py``) reconnects to a
fresh server and sends its *next* card with the old key: that is a new write, not a resend
(its words differ), and it is stored under a key made from the old key and its words — a
resend of it carries the same pair, so it too counts once."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.errors import InvalidInput
from core.text.i18n import N_

R = TypeVar("R", bound=Any)
OUT_OF_DATE = N_("This form is out of date: reload the page, then send again.")


def insert_once(session: Session, row: R, *, same_author: Callable[[R], bool],
                content: Callable[[R], str]) -> tuple[R, bool]:
    """Add ``row`` (flushed, not committed) unless the same write is stored: return
    ``(row, True)``, or ``(the stored row, False)``. The same write is a row with its
    ``client_key``, by the same author, with the same ``content``; the same key with other
    content is a new write sent with a stale key (stored under a key made from both). A key
    already used by someone else (``same_author`` says no) is refused, never handed over."""
    key = row.client_key
    if key is None:
        session.add(row)
        session.flush()
        return row, True
    for attempt in (key, _key_for(key, content(row))):
        row.client_key = attempt
        stored = _insert_or_find(session, row)
        if stored is None:
            return row, True
        if not same_author(stored):
            raise InvalidInput(OUT_OF_DATE)
        if content(stored) == content(row):
            return stored, False
    raise InvalidInput(OUT_OF_DATE)  # another write of these words under the made key


def _insert_or_find(session: Session, row: Any) -> Any:
    """Insert ``row`` under a savepoint; None if it went in, else the row holding its key."""
    try:
        with session.begin_nested():  # a savepoint: only this insert is undone
            session.add(row)
            session.flush()
    except IntegrityError:
        model = type(row)
        stored = session.exec(select(model).where(model.client_key == row.client_key)).first()
        if stored is None:  # refused for another reason: let it be seen
            raise
        return stored
    return None


def _key_for(key: str, content: str) -> str:
    """The key of a new write sent with a key already used: the old key and its words."""
    digest = hashlib.sha256(f"{key}\x00{content}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()  # 32 characters
