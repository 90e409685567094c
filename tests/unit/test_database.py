"""Database: SQLite settings, migrations up and down, constraints on both backends."""

import socket

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from core.domain import inputs
from core.domain.models import Candidate, Card, Criterion, Participant, Score, Workshop
from core.settings import Settings
from core.storage.db import dispose_engines, get_engine
from core.storage.migrate import downgrade, upgrade


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(sqlite_url):
    with get_engine(sqlite_url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_schema_matches_the_models(db_url):
    """Alembic's head creates every table and column the models declare."""
    inspector = inspect(get_engine(db_url))
    for table in SQLModel.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    downgrade(url, "base")
    assert "card" not in inspect(get_engine(url)).get_table_names()
    upgrade(url)
    assert "card" in inspect(get_engine(url)).get_table_names()
    dispose_engines(url)


def test_foreign_keys_are_enforced(session):
    session.add(Card(collective_id=424242, text="orpheline"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_join_codes_are_unique(session, workshop):
    session.add(Workshop(collective_id=workshop.collective_id, title="Doublon",
                         join_code=workshop.join_code))
    with pytest.raises(IntegrityError):
        session.commit()


def test_one_score_per_participant_candidate_and_criterion(session, running_workshop,
                                                           participant, templates):
    from core.services import cards
    idea = cards.add_card(session=session, actor=participant, workshop_id=running_workshop.id,
                          card_in=inputs.CardCreate(text="Une idée"), templates=templates)
    criterion = Criterion(workshop_id=running_workshop.id, key="impact", name_fr="Impact",
                          name_en="Impact")
    candidate = Candidate(workshop_id=running_workshop.id, card_id=idea.id)
    session.add_all([criterion, candidate])
    session.commit()
    row = dict(participant_id=participant.participant_id, candidate_id=candidate.id,
               criterion_id=criterion.id)
    session.add(Score(value=4, **row))
    session.commit()
    session.add(Score(value=2, **row))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    other = Criterion(workshop_id=running_workshop.id, key="effort", name_fr="Effort",
                      name_en="Effort", direction=-1)
    session.add(other)
    session.commit()
    session.add(Score(value=9, participant_id=participant.participant_id,
                      candidate_id=candidate.id, criterion_id=other.id))
    with pytest.raises(IntegrityError):  # scores go from 1 to 5
        session.commit()


def test_card_length_is_checked_by_the_database_too(session, running_workshop):
    session.add(Card(collective_id=running_workshop.collective_id,
                     workshop_id=running_workshop.id, text="x" * 501))
    with pytest.raises(IntegrityError):
        session.commit()


def test_participant_names_are_unique_per_workshop(session, running_workshop, participant):
    from core.text.names import name_key

    session.add(Participant(workshop_id=running_workshop.id, display_name="ELISE",
                            name_key=name_key("ELISE"), token="t" * 20))
    with pytest.raises(IntegrityError):
        session.commit()


def test_database_url_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FABRIQUE_DATA_DIR", str(tmp_path))
    assert Settings().resolved_database_url == f"sqlite:///{tmp_path / 'fabrique.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/fab")
    assert Settings().resolved_database_url == "postgresql+psycopg://u:p@db:5432/fab"


def test_the_settings_follow_the_environment(monkeypatch, tmp_path):
    """Settings are kept per set of variables (read without decoding every variable) and
    their database URL once per settings: a change of variable is still seen at once."""
    from core.settings import get_settings
    from core.storage.db import current_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FABRIQUE_DATA_DIR", str(tmp_path / "a"))
    first = get_settings()
    assert get_settings() is first
    assert current_url() == f"sqlite:///{tmp_path / 'a' / 'fabrique.db'}"
    monkeypatch.setenv("FABRIQUE_DATA_DIR", str(tmp_path / "b"))
    assert current_url() == f"sqlite:///{tmp_path / 'b' / 'fabrique.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/fab")
    assert current_url() == "postgresql+psycopg://u:p@db:5432/fab"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("FABRIQUE_DATA_DIR", str(tmp_path / "a"))
    assert get_settings() is first


def test_sqlite_writers_wait_instead_of_failing(sqlite_url):
    """Two writing sessions: the second waits for the first (BEGIN IMMEDIATE + timeout)."""
    import threading
    import time

    engine = get_engine(sqlite_url, write=True)
    with Session(engine) as first:
        first.execute(text("INSERT INTO app_setting (key, value, created_at) "
                           "VALUES ('a', '1', CURRENT_TIMESTAMP)"))
        done = []

        def second_writer():
            with Session(engine) as second:
                second.execute(text("INSERT INTO app_setting (key, value, created_at) "
                                    "VALUES ('b', '2', CURRENT_TIMESTAMP)"))
                second.commit()
                done.append(True)

        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.3)
        assert done == []  # waiting for the lock, not failed
        first.commit()
        thread.join(timeout=10)
    assert done == [True]


def test_a_room_of_sqlite_writers_is_served_in_turn(tmp_path, monkeypatch):
    """40 threads writing at once, each holding the write for 3 ms, with a busy timeout of
    1 s: every write is stored. Left to SQLite's busy handler (each waiter polls with
    sleeps of up to 100 ms), 5 to 8 of these 200 writes were refused (3 runs of 3)."""
    import threading
    import time

    from core.storage import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 1000)
    url = f"sqlite:///{tmp_path / 'room.db'}"
    upgrade(url)
    stored, refused = [], []

    def phone(number: int) -> None:
        for card in range(5):
            try:
                with db.session_scope(write=True, url=url) as session:
                    session.execute(text("INSERT INTO app_setting (key, value, created_at) "
                                         "VALUES (:key, '1', CURRENT_TIMESTAMP)"),
                                    {"key": f"{number}-{card}"})
                    time.sleep(0.003)
                    session.commit()
                stored.append(1)
            except db.DatabaseUnavailable:
                refused.append(1)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    dispose_engines(url)
    assert (len(stored), len(refused)) == (200, 0)


def test_upgrading_keeps_a_collectives_data(tmp_path):
    """A database filled at revision 0001 keeps its rows through every later migration."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    with get_engine(url, write=True).begin() as conn:
        conn.execute(text("INSERT INTO collective (id, name, territory, description, "
                          "created_at) VALUES (1, 'Miallet', '', '', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO workshop (id, collective_id, title, format_key, join_code, status, "
            "paused_seconds, extra_seconds, board_revision, criteria_set_key, vote_mode, "
            "dots_per_person, dots_stackable, facilitator_votes, results_revealed, created_at) "
            "VALUES (1, 1, 'Atelier', '', 'ABCDEF', 'running', 0, 0, 0, '', 'scores', 5, 1, 0, "
            "0, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO card (collective_id, workshop_id, kind, text, theme, "
                          "source, author_name, place, on_behalf, revealed, position, "
                          "created_at, updated_at) VALUES (1, 1, 'need', 'Un besoin', '', "
                          "'', '', '', 0, 1, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    upgrade(url)
    with Session(get_engine(url)) as session:
        assert session.get(Workshop, 1).scoring_state == "setup"
        assert session.exec(text("SELECT text FROM card")).one()[0] == "Un besoin"
    dispose_engines(url)


def test_a_database_that_does_not_answer_is_a_message_not_a_traceback(tmp_path):
    """No server on that port: the call fails as ``DatabaseUnavailable`` (translated for
    people), nothing else."""
    from core.errors import DatabaseUnavailable
    from core.storage.db import session_scope
    from core.text.i18n import translate

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing?connect_timeout=2"
    with pytest.raises(DatabaseUnavailable) as failed, session_scope(url=url) as session:
        session.execute(text("SELECT 1"))
    assert translate("fr", failed.value.msgid).startswith("La base de données n'a pas répondu")


@pytest.mark.postgres
def test_app_servers_stay_within_the_connections_postgresql_allows(postgres_server):
    """With the default settings, the app servers together never ask PostgreSQL for more
    connections than it accepts from ordinary users, margin for the command line kept; each
    still has a useful share."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from core.storage.db import POSTGRES_MARGIN, postgres_share

    engine = create_engine(postgres_server, poolclass=NullPool)
    with engine.connect() as connection:
        allowed = int(connection.exec_driver_sql("SHOW max_connections").scalar_one())
        reserved = int(connection.exec_driver_sql(
            "SHOW superuser_reserved_connections").scalar_one())
    engine.dispose()
    for processes in (1, 2, 3, 8):
        share = postgres_share(postgres_server, processes)
        assert processes * share + reserved + POSTGRES_MARGIN <= allowed, processes
        assert share >= (allowed - reserved - POSTGRES_MARGIN) // processes - 1
    assert postgres_share(postgres_server, 2) >= 20


def test_waiting_for_a_connection_is_a_message_not_a_traceback(db_url, monkeypatch):
    """Every connection of the server's share in use: the next run waits, then is told
    the database did not answer (its text kept) — never a traceback."""
    import core.storage.db
    from core.errors import DatabaseUnavailable
    from core.storage.db import is_sqlite, session_scope

    monkeypatch.setenv("FABRIQUE_DB_POOL_SIZE", "2")
    monkeypatch.setattr(core.storage.db, "POOL_WAIT_SECONDS", 1)
    # A new engine, made with these settings (engines are kept per URL).
    url = db_url + ("?timeout=10" if is_sqlite(db_url) else "?application_name=pool_test")
    capacity = 2 * 3 if is_sqlite(url) else 2  # SQLite: twice as many more at peaks
    held = [get_engine(url).connect() for _ in range(capacity)]
    try:
        with pytest.raises(DatabaseUnavailable), session_scope(url=url) as session:
            session.execute(text("SELECT 1"))
    finally:
        for connection in held:
            connection.close()
    with session_scope(url=url) as session:  # a connection given back is used again
        assert session.execute(text("SELECT 1")).scalar_one() == 1
    dispose_engines(url)


def test_sqlite_writers_of_other_processes_take_the_file_gate_in_turn(tmp_path):
    """The file lock beside the database (``db._FileGate``) is what another process's
    writers wait on: held, another holder (its own open file, as another process has) is
    refused within its wait; released — by the outermost of nested write scopes — it is
    taken at once."""
    import time

    from core.storage import db

    path = str(tmp_path / "fabrique.db")
    here, there = db._FileGate(path), db._FileGate(path)
    assert here.acquire(1.0)
    assert here.acquire(1.0)  # a nested write scope of the same thread
    start = time.monotonic()
    assert not there.acquire(0.05)
    assert 0.05 <= time.monotonic() - start < 1.0
    here.release()
    assert not there.acquire(0.02)  # the outer scope still holds it
    here.release()
    start = time.monotonic()
    assert there.acquire(1.0)
    assert time.monotonic() - start < 0.05
    there.release()
    # Every write of the app passes it: held by "another process", a write waits, then
    # says the database did not answer — without it, it would go straight to SQLite.
    url = f"sqlite:///{path}"
    upgrade(url)
    assert db._file_gate(url).path == path + ".write-lock"
    other = db._FileGate(path)
    assert other.acquire(1.0)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(db, "POOL_WAIT_SECONDS", 0.1)
            with pytest.raises(db.DatabaseUnavailable), db.session_scope(write=True, url=url):
                pass
    finally:
        other.release()
    with db.session_scope(write=True, url=url):
        pass  # free again: taken at once
