"""`fabrique collectives`, `export`, `import`, `backup` and `restore`, run as a user would
run them: a collective made on a laptop (SQLite) moves into another instance (SQLite and
PostgreSQL); a backup taken while cards are being added holds every card committed before
it started; a restore is refused while the database is in use."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from core.domain import inputs
from core.domain.models import Card, Role
from core.settings import PROJECT_ROOT
from core.storage.db import dispose_engines, get_engine
from tests.conftest import make_user, start_at


def run(url, data_dir, *args):
    env = {**os.environ, "DATABASE_URL": url, "FABRIQUE_DATA_DIR": str(data_dir),
           "FABRIQUE_LOAD_DEMO": "false", "FABRIQUE_DEFAULT_LANGUAGE": "en"}
    return subprocess.run([sys.executable, "-m", "launch.cli", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, timeout=120, check=False, text=True)


def laptop(url: str, templates) -> tuple[int, str]:
    """A collective with a running workshop and two cards, and the machine's admin."""
    from core.services import cards, workshops

    with Session(get_engine(url, write=True), expire_on_commit=False) as db:
        admin = make_user(db, "root", Role.ADMIN)
        collective = workshops.create_collective(
            session=db, actor=admin, collective_in=inputs.CollectiveCreate(name="Miallet\tbourg"))
        workshop = workshops.create_workshop(
            session=db, actor=admin, collective_id=collective.id,
            workshop_in=inputs.WorkshopCreate(title="Atelier"),
            workshop_format=templates.formats["soiree-2h"], lang="fr")
        start_at(db, admin, workshop)
        for text in ("Un besoin", "=1+1"):
            cards.add_card(session=db, actor=admin, workshop_id=workshop.id, templates=templates,
                           card_in=inputs.CardCreate(text=text))
        found = collective.id, collective.uid
    dispose_engines(url)
    return found


def test_a_collective_moves_to_another_instance(other_sqlite, db_url, tmp_path, templates):
    collective_id, uid = laptop(other_sqlite, templates)
    listed = run(other_sqlite, tmp_path, "collectives")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip().split("\t") == [str(collective_id), "Miallet bourg", "1"]
    out = tmp_path / "miallet.json"
    made = run(other_sqlite, tmp_path, "export", str(collective_id), "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["tables"]["collective"][0]["uid"] == uid

    with Session(get_engine(db_url, write=True), expire_on_commit=False) as db:
        make_user(db, "server-admin", Role.ADMIN)
    dispose_engines(db_url)
    server = tmp_path / "server"
    imported = run(db_url, server, "import", str(out))
    assert imported.returncode == 0, imported.stderr
    new_id = int(imported.stdout.strip())
    assert "imported: " in imported.stderr
    again = run(db_url, server, "import", str(out))
    assert again.returncode == 0 and int(again.stdout.strip()) == new_id
    assert "already here" in again.stderr
    with Session(get_engine(db_url), expire_on_commit=False) as db:
        texts = db.exec(select(Card.text).where(Card.collective_id == new_id)
                        .order_by(Card.id)).all()
    dispose_engines(db_url)
    assert texts == ["Un besoin", "=1+1"]
    listed = run(db_url, server, "collectives")
    assert listed.stdout.strip().split("\t") == [str(new_id), "Miallet bourg", "1"]


def test_import_refusals_say_what_is_wrong(sqlite_url, tmp_path, templates):
    laptop(sqlite_url, templates)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "fabrique-collective", "version": 4, "tables": {}}')
    refused = run(sqlite_url, tmp_path, "import", str(broken))
    assert refused.returncode == 2
    assert "version 4 of the format" in refused.stderr and "reads version 3" in refused.stderr
    broken.write_text('{"format": "fabrique-collective", "vers')
    refused = run(sqlite_url, tmp_path, "import", str(broken))
    assert refused.returncode == 2 and "not valid JSON" in refused.stderr


def count_cards(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM card").fetchone()[0]


def test_backup_while_cards_are_added_then_restore(sqlite_url, tmp_path, templates):
    """Backup in another process while this one commits cards: the copy is sound and holds
    every card committed before it started. Restore is refused while the database is held
    open, and keeps the replaced database aside."""
    from core.services import cards

    laptop(sqlite_url, templates)
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    engine = get_engine(sqlite_url, write=True)
    stop = threading.Event()
    committed: list[int] = []

    def writer() -> None:
        from core.services.accounts import actor_for_username

        with Session(engine, expire_on_commit=False) as db:
            admin = actor_for_username(db, "root")
            workshop_id = db.exec(select(Card.workshop_id)).first()
            i = 0
            while not stop.is_set():
                cards.add_card(session=db, actor=admin, workshop_id=workshop_id,
                               templates=templates,
                               card_in=inputs.CardCreate(text=f"Carte {i}"))
                committed.append(i)
                i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    while len(committed) < 20:
        time.sleep(0.01)
    before = len(committed) + 2  # and the laptop's two cards
    copy = tmp_path / "copy.db"
    made = run(sqlite_url, tmp_path, "backup", str(copy))
    stop.set()
    thread.join()
    assert made.returncode == 0, made.stderr
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_copy = count_cards(copy)
    assert in_copy >= before, (in_copy, before)
    assert in_copy <= len(committed) + 2
    print(f"\nbackup while writing: {in_copy} cards in the copy, {before} committed before it "
          f"started, {len(committed) + 2} at the end")

    # This process holds the database open (its engine): refused, nothing changed.
    with Session(engine) as db:
        db.exec(select(func.count()).select_from(Card)).one()
        refused = run(sqlite_url, tmp_path, "restore", str(copy))
        assert refused.returncode == 2 and "in use" in refused.stderr, refused.stderr
    dispose_engines(sqlite_url)
    total = count_cards(database)
    restored = run(sqlite_url, tmp_path, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert count_cards(database) == in_copy
    aside = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1 and count_cards(aside[0]) == total


@pytest.mark.parametrize("problem", ["missing", "not a database"])
def test_restore_refuses_what_is_not_a_backup(sqlite_url, tmp_path, problem):
    bad = tmp_path / "bad.db"
    if problem == "not a database":
        bad.write_text("bonjour")
    refused = run(sqlite_url, tmp_path, "restore", str(bad))
    assert refused.returncode == 2
    assert ("There is no file" if problem == "missing" else "not a SQLite") in refused.stderr


def test_backups_are_readable_by_their_owner_only(sqlite_url, tmp_path, templates):
    """A backup holds the cookie key, password hashes and personal links: 0600 whatever the
    umask, for `fabrique backup FILE` and for the automatic backups (once 0644)."""
    import stat

    from core.storage import backup

    laptop(sqlite_url, templates)
    dispose_engines(sqlite_url)
    copy = tmp_path / "copy.db"
    old = os.umask(0o022)
    try:
        made = run(sqlite_url, tmp_path, "backup", str(copy))
        automatic = backup.automatic(sqlite_url, tmp_path / "data", kept=3, label="test")
    finally:
        os.umask(old)
    assert made.returncode == 0, made.stderr
    assert automatic is not None
    for path in (copy, automatic):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))
    assert stat.S_IMODE(automatic.parent.stat().st_mode) == 0o700
