"""A throwaway PostgreSQL server for one test run, from the machine's server binaries.

``make test`` on a machine with PostgreSQL's server installed (Debian: ``postgresql``) runs
the PostgreSQL half of the suite without any set-up: a cluster is created in a temporary
folder, listens on a free port of 127.0.0.1 only, trusts local connections, and is removed
at the end of the run. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` system account the Debian package creates.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SEARCH = ("/usr/lib/postgresql",)


def find_binaries() -> Path | None:
    """Return the folder holding ``initdb`` and ``pg_ctl`` (the newest version), or None."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for root in SEARCH:
        versions = sorted(Path(root).glob("*/bin/pg_ctl"),
                          key=lambda p: [int(x) for x in p.parent.parent.name.split(".")
                                         if x.isdigit()])
        if versions:
            return versions[-1].parent
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ThrowawayPostgres:
    """A running server; ``url`` connects as the superuser ``fabrique`` to ``postgres``."""

    bindir: Path
    folder: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://fabrique@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.run_as, *args], check=True, capture_output=True, text=True,
                       timeout=120)

    def start(self) -> ThrowawayPostgres:
        data = self.folder / "data"
        if not data.exists():
            self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "fabrique",
                      "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")
        return self

    def halt(self) -> None:
        """Stop the server as a restart does (its data kept: ``start`` brings it back)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
                  "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
                      "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass  # already stopped (``halt``)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_throwaway() -> ThrowawayPostgres | None:
    """Start a throwaway server, or return None when the binaries are not on this machine."""
    bindir = find_binaries()
    if bindir is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="fabrique-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            return None
        shutil.chown(folder, user="postgres")
        run_as = [runuser, "-u", "postgres", "--"]
    return ThrowawayPostgres(bindir, folder, _free_port(), run_as).start()


@contextmanager
def scratch_database(server_url: str, prefix: str = "fabrique_scratch") -> Iterator[str]:
    """Create an empty database on the PostgreSQL server of ``server_url`` (a role that may
    create databases), yield its URL, and drop it afterwards (its pooled connections
    closed first)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from core.storage.db import dispose_engines

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(server_url).set(database="postgres").render_as_string(
        hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        dispose_engines(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
