"""Backups of the whole database, safe while the app runs.

SQLite: SQLite's own online backup API (``sqlite3.Connection.backup``) copies a consistent
snapshot even while app servers write (in WAL mode a plain file copy is not safe); the
copy is checked (``PRAGMA integrity_check``) before it takes its name. PostgreSQL:
``pg_dump`` (custom format) when it is installed; otherwise the message says to use it.

A restore replaces the SQLite database with a backup — refused while a process holds the
database open (an app server), and the database it replaces is kept aside, never lost.
An automatic backup is made when a workshop ends (the last ``FABRIQUE_BACKUPS_KEPT`` are
kept in the data directory's ``backups/``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from core.errors import InvalidInput
from core.text.i18n import N_

log = logging.getLogger(__name__)
AUTO_PREFIX = "fabrique-"


@dataclass(frozen=True)
class Done:
    """A backup or restore made: the file written, its size, and what was kept aside."""

    path: Path
    size: int
    kept_aside: Path | None = None


def sqlite_path(url: str) -> Path | None:
    """Return the SQLite file of ``url`` (None for another database)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    return Path(parsed.database)


def _check(path: Path) -> None:
    """Refuse a file that is not a sound Fabrique SQLite database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise InvalidInput(N_("{file} is not a SQLite database ({problem})."),
                           file=str(path), problem=str(error)) from None
    if verdict != "ok":
        raise InvalidInput(N_("{file} is damaged: {problem}."), file=str(path),
                           problem=verdict)
    if not {"alembic_version", "collective"} <= tables:
        raise InvalidInput(N_("{file} is not a Fabrique database."), file=str(path))


PRIVATE = 0o600  # a backup holds the cookie key, password hashes and personal links


def _private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only, whatever the umask
    (the writer then fills the file it finds, keeping its mode)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE))
    os.chmod(path, PRIVATE)  # the umask may have taken bits away; never adds any


def backup(url: str, dest: Path) -> Done:
    """Write a backup of the database at ``url`` to ``dest`` (while the app runs), readable
    by its owner only (0600)."""
    source = sqlite_path(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source is None:
        return _pg_dump(url, dest)
    if not source.exists():
        raise InvalidInput(N_("There is no database at {file}."), file=str(source))
    partial = dest.with_name(dest.name + ".partial")
    _private_file(partial)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(partial)) as out:
        src.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
    _check(partial)
    partial.replace(dest)
    return Done(dest, dest.stat().st_size)


def _pg_dump(url: str, dest: Path) -> Done:
    program = shutil.which("pg_dump")
    if program is None:
        raise InvalidInput(N_("The database is PostgreSQL: back it up with pg_dump "
                              "(pg_dump --format=custom --file=FILE DATABASE), which is not "
                              "installed here."))
    parsed = make_url(url).set(drivername="postgresql")
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    target = parsed.set(password=None).render_as_string(hide_password=False)
    _private_file(dest)
    finished = subprocess.run(  # noqa: S603 - our own command line, no shell
        [program, "--format=custom", f"--file={dest}", f"--dbname={target}"],
        env=env, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise InvalidInput(N_("pg_dump failed: {problem}"),
                           problem=finished.stderr.strip()[-300:])
    return Done(dest, dest.stat().st_size)


def holders(path: Path) -> list[int]:
    """Return the processes (other than this one) that hold ``path`` open (Linux /proc)."""
    found: list[int] = []
    wanted = {path.resolve(), Path(f"{path}-wal").resolve()}
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            links = list((entry / "fd").iterdir())
        except OSError:
            continue
        for link in links:
            try:
                if Path(os.readlink(link)) in wanted:
                    found.append(int(entry.name))
                    break
            except OSError:
                continue
    return found


def restore(url: str, backup_file: Path) -> Done:
    """Replace the SQLite database of ``url`` by ``backup_file``; the database it replaces
    is kept aside (returned). Refused while a process holds the database open."""
    target = sqlite_path(url)
    if target is None:
        raise InvalidInput(N_("The database is PostgreSQL: restore it with pg_restore "
                              "(pg_restore --clean --dbname=DATABASE FILE)."))
    if not backup_file.exists():
        raise InvalidInput(N_("There is no file {file}."), file=str(backup_file))
    _check(backup_file)
    busy = holders(target) if target.exists() else []
    if busy:
        raise InvalidInput(N_("The database is in use (process {pids}): stop Fabrique "
                              "first, then restore."), pids=", ".join(map(str, busy)))
    kept_aside = None
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept_aside = target.with_name(f"{target.name}.before-restore-{stamp}")
        # A consistent copy of what is there (its WAL included), then the files go.
        backup(url, kept_aside)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    _private_file(target)
    shutil.copyfile(backup_file, target)
    return Done(target, target.stat().st_size, kept_aside)


def automatic(url: str, data_dir: Path, kept: int, label: str) -> Path | None:
    """Back up into ``data_dir/backups`` (a workshop just ended) and keep the newest
    ``kept`` automatic backups; never raises (logged): the workshop has ended anyway."""
    if kept <= 0:
        return None
    folder = data_dir / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = ".db" if sqlite_path(url) is not None else ".dump"
    dest = folder / f"{AUTO_PREFIX}{stamp}-{label}{suffix}"
    try:
        backup(url, dest)
    except (InvalidInput, OSError, sqlite3.Error) as error:
        log.warning("automatic backup skipped: %s", error)
        return None
    made = sorted((p for p in folder.glob(f"{AUTO_PREFIX}*") if not p.name.endswith(".partial")),
                  key=lambda p: p.name)
    for old in made[:-kept]:
        old.unlink(missing_ok=True)
    return dest
