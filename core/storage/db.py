"""Database engines (created lazily, one per URL) and sessions."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from core.errors import DatabaseUnavailable
from core.settings import get_settings
from core.text.i18n import N_

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_POOL = 30  # connections kept per app server (twice as many more at peaks)
# PostgreSQL connections left to everything but the app servers: the command line
# (backups, exports, migrations), psql, a monitoring agent.
POSTGRES_MARGIN = 10
POOL_WAIT_SECONDS = 60  # how long a run waits for a free connection before saying so


def is_sqlite(url: str) -> bool:
    """Tell whether a SQLAlchemy URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def get_engine(url: str, *, write: bool = False) -> Engine:
    """Return the engine for ``url``, creating it on first use.

    On SQLite a second engine serves writes: its transactions start with
    ``BEGIN IMMEDIATE``, so a writer waits for the lock (busy timeout) instead of
    failing with "database is locked" when it upgrades a read transaction. On PostgreSQL
    one engine (one pool) serves both.
    """
    return _engine(url, write and is_sqlite(url))


@lru_cache(maxsize=32)
def _engine(url: str, write: bool) -> Engine:
    """Create the engine of ``get_engine`` (kept per URL and role, always called alike)."""
    # Every browser tab is a Streamlit session whose script thread takes a connection on
    # each run or poll; a room of 60 needs more than SQLAlchemy's default 5 + 10, or threads
    # queue for a connection and overflow connections are closed and reopened each time.
    settings = get_settings()
    if not is_sqlite(url):
        # A fixed number of connections, within what the server accepts: a run beyond it
        # waits for one (``POOL_WAIT_SECONDS``) instead of being refused by PostgreSQL.
        pool = settings.db_pool_size or postgres_share(url, settings.app_processes)
        return create_engine(url, pool_pre_ping=True, pool_size=pool, max_overflow=0,
                             pool_timeout=POOL_WAIT_SECONDS)
    pool = settings.db_pool_size or SQLITE_POOL

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=pool, max_overflow=pool * 2, pool_timeout=POOL_WAIT_SECONDS,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Take over transaction control from pysqlite so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(connection):  # pragma: no cover - exercised by every test
        connection.exec_driver_sql(begin)

    return engine


def postgres_share(url: str, processes: int) -> int:
    """Return the connections one of ``processes`` app servers may keep open on the
    PostgreSQL server at ``url``: what it allows to ordinary users, less a margin for the
    command line, divided among the app servers (at least 2)."""
    probe = create_engine(url, poolclass=NullPool)
    try:
        with probe.connect() as connection:
            allowed = int(connection.exec_driver_sql("SHOW max_connections").scalar_one())
            reserved = sum(int(connection.exec_driver_sql(f"SHOW {name}").scalar_one())
                           for name in _reserved_settings(connection))
    finally:
        probe.dispose()
    return max(2, (allowed - reserved - POSTGRES_MARGIN) // processes)


def _reserved_settings(connection) -> list[str]:
    """The settings holding connections kept for superusers (and, from PostgreSQL 16, for
    the roles given ``pg_use_reserved_connections``)."""
    names = connection.exec_driver_sql(
        "SELECT name FROM pg_settings WHERE name IN "
        "('superuser_reserved_connections', 'reserved_connections')").scalars().all()
    return sorted(names)


def dispose_engines(url: str) -> None:
    """Close every pooled connection to ``url`` (tests drop their databases after)."""
    for write in (False, True):
        get_engine(url, write=write).dispose()


def current_url() -> str:
    """Return the database URL the settings select."""
    return get_settings().resolved_database_url


# The database went away or stayed busy: PostgreSQL restarting or unreachable, SQLite
# locked beyond the busy timeout. Not a refusal of what was asked: the same call may work a
# moment later (pooled connections are checked before use, ``pool_pre_ping``).
# A run that waited ``POOL_WAIT_SECONDS`` for a connection is told the same.
CONNECTION_ERRORS = (OperationalError, InterfaceError, PoolTimeout)
UNAVAILABLE = N_("The database did not answer: your text is kept, send it again in a moment.")


@lru_cache(maxsize=32)
def _write_gate(url: str) -> threading.RLock:
    """The lock this process's writers to the SQLite file at ``url`` take in turn."""
    return threading.RLock()


class _FileGate:
    """The writers of every process on one SQLite file, in turn: an exclusive ``flock`` on
    a file beside it, taken by the thread that holds this process's gate. Left to SQLite,
    a writer of another process polls the database's lock with growing sleeps, so a card
    waits while the lock is mostly free. This one is tried every millisecond (one thread
    per process tries, the others wait on the process's gate); the kernel drops it with
    its process."""

    RETRY_SECONDS = 0.001

    def __init__(self, database: str) -> None:
        self.path = f"{database}.write-lock"
        self.fd: int | None = None
        self.depth = 0  # nested write scopes of the owning thread

    def acquire(self, timeout: float) -> bool:
        if self.depth:
            self.depth += 1
            return True
        if self.fd is None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.depth = 1
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(self.RETRY_SECONDS)

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)


@lru_cache(maxsize=32)
def _file_gate(url: str) -> _FileGate | None:
    database = make_url(url).database
    return _FileGate(database) if database and database != ":memory:" else None


@contextmanager
def _one_writer_at_a_time(url: str, write: bool) -> Iterator[None]:
    """On SQLite, let one thread of this process write at a time; the others wait on a
    lock that hands over at once, up to ``POOL_WAIT_SECONDS`` (as a run waits for a
    PostgreSQL connection), then are told the database did not answer. Left to SQLite,
    every waiting writer polls the file lock with growing sleeps, and with a room writing
    at once some wait past the busy timeout while the lock is mostly free; the wait is
    long because a saturated CPU gives the writer holding the lock little time. Other
    processes (the projection's, participant servers) meet at a file lock that hands over
    at once too (``_FileGate``), then at SQLite's, within the busy timeout."""
    if not (write and is_sqlite(url)):
        yield
        return
    gate, across = _write_gate(url), _file_gate(url)
    if not gate.acquire(timeout=POOL_WAIT_SECONDS):
        raise DatabaseUnavailable(UNAVAILABLE)
    try:
        if across is not None and not across.acquire(POOL_WAIT_SECONDS):
            raise DatabaseUnavailable(UNAVAILABLE)
        try:
            yield
        finally:
            if across is not None:
                across.release()
    finally:
        gate.release()


@contextmanager
def session_scope(*, write: bool = False, url: str | None = None) -> Iterator[Session]:
    """Open a session; services commit their own writes. A lost database connection
    becomes ``DatabaseUnavailable`` (a message for people, not a traceback)."""
    url = url or current_url()
    try:
        with _one_writer_at_a_time(url, write), Session(
                get_engine(url, write=write), expire_on_commit=False) as session:
            yield session
    except CONNECTION_ERRORS as error:
        raise DatabaseUnavailable(UNAVAILABLE) from error


_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def ensure_schema(url: str | None = None) -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``), once per process."""
    from core.storage.migrate import upgrade

    url = url or current_url()
    with _migrate_lock:
        if url in _migrated:
            return
        upgrade(url)
        _migrated.add(url)
