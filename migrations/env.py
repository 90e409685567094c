"""Alembic environment: SQLModel metadata, URL from Fabrique's settings."""

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import core.domain.models  # noqa: F401  (registers every table on SQLModel.metadata)
from core.settings import get_settings
from core.storage.db import get_engine, is_sqlite

config = context.config
target_metadata = SQLModel.metadata

# Two app replicas starting together must not both run the same migration.
PG_MIGRATION_LOCK = 7_246_431


def _url() -> str:
    return config.attributes.get("url") or get_settings().resolved_database_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_foreign_keys(connection, on: bool) -> None:
    """Switch SQLite's foreign keys, outside any transaction (the pragma is ignored inside).

    Batch migrations rebuild a table by copy-and-rename; with foreign keys enforced, the old
    table could not be dropped while other tables point to it.
    """
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    url = _url()
    engine = get_engine(url, write=True)
    with engine.connect() as connection:
        sqlite = is_sqlite(url)
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        else:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"foreign keys broken by a migration: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)
            else:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK})
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
