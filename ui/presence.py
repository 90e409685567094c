"""Participants' presence ("here a moment ago", on the facilitator's panel), written by their
server in batches.

A phone's live screen says its person is here at most every ``TOUCH_EVERY_SECONDS``
(``ui/live``). Written one phone at a time, that was one write per phone: at a phase change
all 300 phones of a room are due at once, and every one of those writes waited its turn at
the database's write lock with the room's cards and scores (SQLite takes one writer at a
time). So a server gathers who it saw and writes them together every ``FLUSH_SECONDS``, one
statement (``participants.note_presence``), from a thread of its own. Without a Streamlit
server to keep that thread (AppTest), each presence is written at once, as before.
"""

from __future__ import annotations

import logging
import threading
import time

from core.domain.models import utcnow
from core.errors import DatabaseUnavailable
from core.services import participants
from core.storage.db import current_url, session_scope

log = logging.getLogger(__name__)

FLUSH_SECONDS = 5.0  # well within the panel's "active" window (90 s)

_lock = threading.Lock()
# database URL -> participants seen since the last write -> the phase their screen showed
_pending: dict[str, dict[int, int | None]] = {}
_thread: threading.Thread | None = None


def seen(participant_id: int, on_phase: int | None = None) -> None:
    """Note that this participant is here, their screen on phase ``on_phase`` (a
    position); written within ``FLUSH_SECONDS``."""
    global _thread
    with _lock:
        _pending.setdefault(current_url(), {})[participant_id] = on_phase
        if _thread is None:
            _thread = threading.Thread(target=_run, name="fabrique-presence", daemon=True)
            _thread.start()


def _run() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        flush()


def flush() -> int:
    """Write the presence gathered so far (one statement per database); return the rows
    written. A database that does not answer keeps them for the next try."""
    global _pending
    with _lock:
        batch, _pending = _pending, {}
    written = 0
    for url, phases in batch.items():
        try:
            with session_scope(write=True, url=url) as session:
                written += participants.note_presence(
                    session=session, participant_ids=set(phases), seen_at=utcnow(),
                    on_phase=phases)
        except DatabaseUnavailable:
            with _lock:  # newer news of a phone gathered meanwhile wins
                _pending[url] = {**phases, **_pending.get(url, {})}
        except Exception:  # noqa: BLE001 - the thread must outlive one bad write
            log.exception("presence not written")
    return written
