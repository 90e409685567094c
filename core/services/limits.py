"""Slow down guessing: after a few wrong tries from one client, each further try waits
longer (2, 4, 8… seconds, up to a cap), counted in the database so that every app server
applies the same limit. A right try recorded as such starts the count again: callers record
one only where it proves the subject (an account's own password), never for a client
address, which a right try made elsewhere must not forgive."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.domain.models import Attempt, utcnow
from core.errors import PermissionDenied
from core.text.i18n import N_

FREE_FAILURES = 5  # wrong tries allowed before any wait
WINDOW = timedelta(minutes=15)  # older failures are forgotten
CAP_SECONDS = 300  # the longest wait between two tries from one client address
# An account can be guessed at from many addresses: its own count slows every try at it, but
# never by more than this, so that whoever guesses elsewhere cannot lock the facilitator out
# of the laptop in front of them for more than half a minute (their own address's count is
# theirs alone and, with right passwords, stays at zero).
ACCOUNT_CAP_SECONDS = 30


def wait_seconds(session: Session, kind: str, subject: str, now: datetime | None = None,
                 *, cap: int = CAP_SECONDS) -> int:
    """Return how long ``subject`` must still wait before trying ``kind`` again."""
    now = now or utcnow()
    rows = session.exec(select(Attempt.failed, Attempt.created_at).where(
        Attempt.kind == kind, Attempt.subject == subject,
        col(Attempt.created_at) > now - WINDOW).order_by(col(Attempt.id))).all()
    failures: list[datetime] = []
    for failed, at in rows:
        failures = [*failures, at] if failed else []  # a right try starts again
    if len(failures) < FREE_FAILURES:
        return 0
    delay = min(2 ** (len(failures) - FREE_FAILURES + 1), cap)
    last = failures[-1] if failures[-1].tzinfo else failures[-1].replace(tzinfo=now.tzinfo)
    return max(0, math.ceil((last + timedelta(seconds=delay) - now).total_seconds()))


def check(session: Session, kind: str, subject: str, *, cap: int = CAP_SECONDS) -> None:
    """Refuse a try made before the wait is over, saying how long to wait."""
    seconds = wait_seconds(session, kind, subject, cap=cap)
    if seconds > 0:
        raise PermissionDenied(
            N_("Too many wrong tries: wait {seconds} s, then try again."),
            seconds=seconds)


def record(session: Session, kind: str, subject: str, *, failed: bool) -> None:
    """Remember one try (committed at once: a refusal that follows must not undo it)."""
    session.add(Attempt(kind=kind, subject=subject[:120], failed=failed))
    session.commit()


def forwarded_client(header: str | None) -> str:
    """Return the client address a trusted reverse proxy added to ``header`` (e.g.
    ``X-Forwarded-For: <what the client wrote>, <what the proxy saw>``): the last one. The
    first is whatever the client chose to send, and would let a guesser pick a new address
    for each try. Empty if the header holds none."""
    addresses = [part.strip() for part in (header or "").split(",")]
    return next((a for a in reversed(addresses) if a), "")
