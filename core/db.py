"""Database engines (created lazily, one per URL) and sessions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, create_engine

from core.errors import DatabaseUnavailable
from core.i18n import N_
from core.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    """Tell whether a SQLAlchemy URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


@lru_cache(maxsize=32)
def get_engine(url: str, *, write: bool = False) -> Engine:
    """Return the engine for ``url``, creating it on first use.

    On SQLite a second engine serves writes: its transactions start with
    ``BEGIN IMMEDIATE``, so a writer waits for the lock (busy timeout) instead of
    failing with "database is locked" when it upgrades a read transaction.
    """
    # Every browser tab is a Streamlit session whose script thread takes a connection on
    # each run or poll; a room of 60 needs more than SQLAlchemy's default 5 + 10, or threads
    # queue for a connection and overflow connections are closed and reopened each time.
    pool = get_settings().db_pool_size
    if not is_sqlite(url):
        if write:
            return get_engine(url)
        return create_engine(url, pool_pre_ping=True, pool_size=pool,
                             max_overflow=pool * 2, pool_timeout=60)

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=pool, max_overflow=pool * 2, pool_timeout=60,
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
CONNECTION_ERRORS = (OperationalError, InterfaceError)
UNAVAILABLE = N_("The database did not answer: your text is kept, send it again in a moment.")


@contextmanager
def session_scope(*, write: bool = False, url: str | None = None) -> Iterator[Session]:
    """Open a session; services commit their own writes. A lost database connection
    becomes ``DatabaseUnavailable`` (a message for people, not a traceback)."""
    try:
        with Session(get_engine(url or current_url(), write=write),
                     expire_on_commit=False) as session:
            yield session
    except CONNECTION_ERRORS as error:
        raise DatabaseUnavailable(UNAVAILABLE) from error


_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def ensure_schema(url: str | None = None) -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``), once per process."""
    from core.migrate import upgrade

    url = url or current_url()
    with _migrate_lock:
        if url in _migrated:
            return
        upgrade(url)
        _migrated.add(url)
