"""Shared fixtures: a fresh migrated database per test, on SQLite and on PostgreSQL.

SQLite: a template file is migrated once, then copied for each test.
PostgreSQL: the server named by ``FABRIQUE_TEST_POSTGRES_URL``, or else a throwaway server
started for the run from this machine's PostgreSQL binaries (``tests/pg_server.py``); a
template database is migrated once, then each test gets ``CREATE DATABASE ... TEMPLATE``.
Where neither exists, the PostgreSQL tests are deselected, said once. With
``FABRIQUE_REQUIRE_ALL=1`` (CI), a PostgreSQL or browser test that cannot run fails instead.
"""

from __future__ import annotations

import functools
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session

from core.domain import inputs
from core.domain.actors import ParticipantActor, UserActor
from core.domain.models import PhaseKind, Role, User
from core.domain.templates import Templates, load_templates
from core.services import accounts, participants, phases, workshops
from core.settings import PROJECT_ROOT
from core.storage.db import dispose_engines, get_engine
from core.storage.migrate import upgrade
from tests.pg_server import find_binaries, start_throwaway

# No automatic backup when a test ends a workshop (it would write into the project's var/);
# the backup tests ask for them in their own data directory.
os.environ["FABRIQUE_BACKUPS_KEPT"] = "0"

PG_ENV = "FABRIQUE_TEST_POSTGRES_URL"
REQUIRE_ENV = "FABRIQUE_REQUIRE_ALL"
PASSWORD = "un mot de passe solide"


def require_all() -> bool:
    """Tell whether tests that cannot run must fail (CI) rather than skip."""
    return os.environ.get(REQUIRE_ENV) == "1"


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI."""
    if require_all():
        pytest.fail(f"{reason} (required: {REQUIRE_ENV}=1)")
    pytest.skip(reason)


# --- databases -----------------------------------------------------------------------

NO_POSTGRES = (f"PostgreSQL tests deselected: {PG_ENV} is not set and no PostgreSQL server "
               "binaries were found (Debian: apt-get install postgresql)")


def _postgres_possible() -> bool:
    return bool(os.environ.get(PG_ENV)) or find_binaries() is not None


BROWSER_TESTS = PROJECT_ROOT / "tests" / "browser"
BROWSER_PREFIX = BROWSER_TESTS.relative_to(PROJECT_ROOT).as_posix() + "/"  # in node ids


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without any PostgreSQL, leave its tests out once, rather than skip each of them."""
    if require_all() or _postgres_possible():
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


# Browser tests that make the load they test (CPU-burning processes, phones pressing
# together, a server killed under writes, nginx before several servers) or time what a
# screen shows (a raised hand on the facilitator's table within 2 s): they run one after
# the other with no other browser test beside them.
ALONE = ("test_every_press.py", "test_faults.py", "test_proxy.py", "test_porteurs.py")
ALONE_SCOPE, REST_SCOPE = "browser-alone", "rest"


def worker_group(nodeid: str) -> str:
    """The unit of work a test belongs to under ``make test``: the browser tests that run
    alone, together; every other browser test on its own; every non-browser test together."""
    if not nodeid.startswith(BROWSER_PREFIX):
        return REST_SCOPE
    module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    return ALONE_SCOPE if module in ALONE else nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Two workers (``pytest -n 2 --dist loadgroup``, as ``make test`` runs). One starts
    with the browser tests that run alone, the other with every non-browser test; then
    each takes the other browser tests one by one as it runs out of work — but no worker
    takes one while the lone tests run on the other. A browser test mostly waits on
    timers and its server (half a core), so two side by side take about half the time.

    pytest-xdist's own ``loadgroup`` reads groups off a suffix it writes into each test's
    ``_nodeid``, which pytest 9.2 no longer reads (``nodeid`` comes from ``_id``): it
    silently spread the tests over both workers. So the units are made here, from the
    test's path, with xdist's scope scheduler."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserApart(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

        def _lone_pending(self) -> bool:
            return ALONE_SCOPE in self.workqueue or any(
                not done for work in self.assigned_work.values()
                for done in work.get(ALONE_SCOPE, {}).values())

        def _assign_work_unit(self, node) -> None:
            # The first unit this worker may take: while the lone tests are not done, a
            # worker that does not hold them takes only them or the non-browser tests.
            held = self.assigned_work.setdefault(node, {})
            waiting = self._lone_pending() and ALONE_SCOPE not in held
            scope = next((s for s in self.workqueue
                          if not waiting or s in (ALONE_SCOPE, REST_SCOPE)), None)
            if scope is None:
                return  # given one when the lone tests end (``mark_test_complete``)
            work_unit = held[scope] = self.workqueue.pop(scope)
            collection = self.registered_collections[node]
            node.send_runtest_some([collection.index(nodeid)
                                    for nodeid, done in work_unit.items() if not done])

        def mark_test_complete(self, node, item_index: int, duration: float = 0) -> None:
            super().mark_test_complete(node, item_index, duration)
            for other in self.nodes:  # a worker left waiting for the lone tests
                if other is not node:
                    self._reschedule(other)

    return BrowserApart(config, log)


_yielding = False


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The worker of the non-browser tests (CPU-bound) yields the cores to the browser
    tests' servers and Chromium, whose waits are timed: it runs at a lower priority."""
    global _yielding
    if (not _yielding and os.environ.get("PYTEST_XDIST_WORKER")
            and not item.path.is_relative_to(BROWSER_TESTS)):
        os.nice(10)
        _yielding = True


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    # Said by the process that reports (with pytest-xdist, not the one that collected).
    if not require_all() and not _postgres_possible():
        terminalreporter.write_line(NO_POSTGRES, yellow=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Return the URL of a PostgreSQL server's ``postgres`` database, as a role that may
    create databases: the configured one, or a throwaway server for this run."""
    url = os.environ.get(PG_ENV)
    if url:
        yield url
        return
    server = start_throwaway()
    if server is None:
        unavailable(NO_POSTGRES)
    assert server is not None
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    dispose_engines(url)
    return path


def _pg_admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str]:
    url = postgres_server
    base = make_url(url)
    template_name = f"fabrique_tpl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{template_name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "unavailable"
        admin.dispose()
        unavailable(f"PostgreSQL at {base.host}:{base.port} is unreachable: {exc}")
    template_url = base.set(database=template_name).render_as_string(hide_password=False)
    upgrade(template_url)
    dispose_engines(template_url)
    yield template_url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{template_name}" WITH (FORCE)'))
    admin.dispose()


def _fresh_sqlite(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "fabrique.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh, migrated database (each test runs on both backends)."""
    if request.param == "sqlite":
        url = _fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
        yield url
        dispose_engines(url)
        return
    template_url = request.getfixturevalue("postgres_template")
    template = make_url(template_url)
    name = f"fabrique_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_pg_admin_url(template_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
    url = template.set(database=name).render_as_string(hide_password=False)
    yield url
    dispose_engines(url)
    # FORCE may meet a server process of another role on the fresh database (autovacuum,
    # seen once locally); it is gone a moment later.
    for attempt in range(10):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            break
        except ProgrammingError:
            if attempt == 9:
                raise
            time.sleep(0.3)
    admin.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """Return a fresh SQLite database URL (for tests about SQLite itself)."""
    url = _fresh_sqlite(sqlite_template, tmp_path)
    yield url
    dispose_engines(url)


@pytest.fixture
def other_sqlite(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """Return a second fresh SQLite database URL, beside the test's own (``db_url`` and
    ``sqlite_url`` are one file): for moving data from one database to another."""
    path = tmp_path / "other.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    yield url
    dispose_engines(url)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """Open a session on the test's fresh database (writes as the app does)."""
    with Session(get_engine(db_url, write=True), expire_on_commit=False) as s:
        yield s


# --- domain objects ------------------------------------------------------------------

# Six ideas in two obvious groups (waste, car-sharing): for grouping tests.
IDEAS = [
    "Un composteur collectif pour les déchets verts",
    "Le ramassage des déchets le samedi",
    "Trier les déchets à la salle des fêtes",
    "Covoiturage vers la gare de Thiviers",
    "Une plateforme de covoiturage pour le marché",
    "Covoiturage solidaire pour les aînés",
]


@pytest.fixture(scope="session")
def templates() -> Templates:
    return load_templates(PROJECT_ROOT / "data")


@functools.cache
def password_hash() -> str:
    """PASSWORD's bcrypt hash, made once: bcrypt is slow on purpose (~0.3 s a hash), and
    the tests make hundreds of accounts; every one of them takes the same password."""
    return accounts.hash_password(PASSWORD)


def make_user(session: Session, username: str, role: Role = Role.FACILITATOR) -> UserActor:
    """Create an account directly (the way the first admin or an admin would)."""
    user = User(username=username, name=username.title(),
                password_hash=password_hash(), role=role.value)
    session.add(user)
    session.commit()
    return UserActor(user_id=user.id, username=user.username, name=user.name, role=user.role)


@pytest.fixture
def admin(session: Session) -> UserActor:
    return make_user(session, "admin", Role.ADMIN)


@pytest.fixture
def facilitator(session: Session) -> UserActor:
    return make_user(session, "camille")


@pytest.fixture
def other_facilitator(session: Session) -> UserActor:
    return make_user(session, "dominique")


@pytest.fixture
def workshop(session: Session, facilitator: UserActor, templates: Templates):
    collective = workshops.create_collective(
        session=session, actor=facilitator,
        collective_in=inputs.CollectiveCreate(name="Collectif de Miallet", territory="Dordogne"))
    return workshops.create_workshop(
        session=session, actor=facilitator, collective_id=collective.id,
        workshop_in=inputs.WorkshopCreate(title="Atelier besoins"),
        workshop_format=templates.formats["soiree-2h"], lang="fr",
    )


def start_at(session: Session, actor: UserActor, workshop, kind: PhaseKind = PhaseKind.EXPLORE):
    """Start ``workshop`` and move it to its first phase of ``kind``."""
    phases.start(session=session, actor=actor, workshop_id=workshop.id)
    index = next(p.position for p in phases.phases_of(session, workshop.id) if p.kind == kind)
    return phases.go_to(session=session, actor=actor, workshop_id=workshop.id, index=index)


@pytest.fixture
def running_workshop(session: Session, facilitator: UserActor, workshop):
    """The workshop, started and in its "explorer" phase (participants write needs)."""
    return start_at(session, facilitator, workshop)


def join(session: Session, workshop, name: str) -> ParticipantActor:
    """Join ``workshop`` as ``name`` and return the participant as an actor."""
    participant = participants.join_workshop(session=session, code=workshop.join_code,
                                             display_name=name)
    actor = participants.actor_for_token(session, participant.token)
    assert actor is not None
    return actor


@pytest.fixture
def participant(session: Session, running_workshop) -> ParticipantActor:
    return join(session, running_workshop, "Élise")
