"""What every app process does once before serving: schema, templates, demo, secrets."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session

from core.domain.templates import Templates, load_templates
from core.services import accounts
from core.settings import Settings
from core.storage.db import ensure_schema, is_sqlite, session_scope
from launch.demo import demo_files, load_demo

SETUP_CODE_FILE = "setup-code.txt"
PRIVATE_FOLDER = 0o700  # the data directory: the database, secrets, backups
PRIVATE_FILE = 0o600


def _private_folder(folder: Path) -> None:
    """Create the data directory readable by this account only (or make it so)."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(PRIVATE_FOLDER)


def _private_database(url: str) -> None:
    """Keep the SQLite file (and its journal) readable by this account only: it holds the
    cookie key, password hashes, participants' tokens and link codes."""
    if not is_sqlite(url):
        return
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    for path in (Path(database), Path(database + "-wal"), Path(database + "-shm")):
        if path.exists():
            path.chmod(PRIVATE_FILE)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only this account may read, created so from the start."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(PRIVATE_FILE)


def remove_setup_code(settings: Settings) -> None:
    """Delete the first-run code's file once an administrator exists (it is spent)."""
    (settings.data_dir / SETUP_CODE_FILE).unlink(missing_ok=True)


@dataclass(frozen=True)
class Ready:
    """The outcome of bootstrapping: templates loaded, and the first-run code if any."""

    templates: Templates
    setup_code: str | None


def housekeeping(session: Session, settings: Settings) -> None:
    """The jobs that keep personal data no longer than said (docs/admin.md, "Personal data"):
    collectives deleted ``purge_after_days`` ago are purged, and participants of ended
    workshops past their collective's retention period are anonymised. At start-up, and
    hourly on each app server (``ui/startup.py``)."""
    from core.services import privacy

    purged = privacy.purge_deleted(session, settings.purge_after_days)
    anonymised = privacy.apply_retention(session)
    if purged or anonymised:
        print(f"Fabrique: {len(purged)} deleted collective(s) purged, {anonymised} "
              "participant(s) anonymised (retention)", file=sys.stderr, flush=True)


def bootstrap(settings: Settings) -> Ready:
    """Migrate the database, load templates and the demo collective, prepare first run.

    While no admin exists, the one-time setup code is printed on the server's console
    (and written next to the SQLite file) for the person who started Fabrique.
    """
    url = settings.resolved_database_url
    _private_folder(settings.data_dir)
    ensure_schema(url)
    _private_database(url)
    templates = load_templates(settings.templates_dir)
    with session_scope(write=True, url=url) as session:
        if settings.load_demo:
            for path in demo_files(settings.templates_dir):
                load_demo(session=session, path=path, templates=templates,
                          lang=settings.default_language)
        housekeeping(session, settings)
        code = accounts.setup_code(session)
        configured = settings.cookie_key.get_secret_value() if settings.cookie_key else None
        accounts.cookie_key(session, configured)
    if not code:
        remove_setup_code(settings)
    else:
        _write_private(settings.data_dir / SETUP_CODE_FILE, code + "\n")
        print(
            f"\n  Fabrique — code de première connexion / first-run setup code: {code}\n"
            f"  (also in {settings.data_dir / SETUP_CODE_FILE})\n",
            file=sys.stderr,
            flush=True,
        )
    return Ready(templates=templates, setup_code=code)
