"""AppTest fixtures: the real app.py on a fresh database, as a visitor, facilitator or
participant."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from core.domain import inputs
from core.settings import PROJECT_ROOT
from core.storage.db import dispose_engines, get_engine

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """Pages run on a fresh SQLite file. What a page draws does not depend on the database:
    the services under it run on SQLite and PostgreSQL in tests/unit, and the browser tests
    run the whole app on PostgreSQL too (two servers, a restart). Halves this folder's time."""
    from tests.conftest import _fresh_sqlite

    url = _fresh_sqlite(sqlite_template, tmp_path)
    yield url
    dispose_engines(url)


@pytest.fixture(autouse=True)
def _navigation_like_a_running_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep AppTest on st.navigation's path on every run.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run; with a pages/
    folder that sends reruns down Streamlit's legacy path, which runs the page file alone
    (without app.py). A running server leaves that path for good once st.navigation has
    been called; this fixture reproduces that steady state. The cold-start case is covered
    by the browser tests, and every page guards itself too.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def app_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at the test's database, without the demo collective."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("FABRIQUE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FABRIQUE_LOAD_DEMO", "false")
    monkeypatch.setenv("FABRIQUE_DEFAULT_LANGUAGE", "fr")
    return db_url


@pytest.fixture
def new_app(app_env: str) -> Callable[[], AppTest]:
    """Return a factory of AppTests on app.py (one per browser session)."""
    return lambda: AppTest.from_file(APP, default_timeout=30)


def as_user(at: AppTest, username: str) -> AppTest:
    """Start ``at`` as a facilitator already logged in (the login form has its own test)."""
    at.session_state["_signed_in"] = username
    return at


def open_as_facilitator(new_app, workshop_id: int, page: str, user: str = "camille"
                        ) -> AppTest:
    """Return the app on ``page`` of ``workshop_id``, as facilitator ``user``."""
    at = as_user(new_app(), user)
    at.session_state["workshop_id"] = workshop_id
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def as_participant(at: AppTest, token: str) -> AppTest:
    """Start ``at`` as the participant whose link carries ``token``."""
    at.query_params["p"] = token
    return at


def texts(at: AppTest) -> str:
    """Return everything written on the page, to search it as a person would read it."""
    parts = []
    for kind in ("title", "subheader", "header", "markdown", "caption", "text", "info",
                 "warning", "error", "success"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(str(e.proto.body) for e in at.get("html"))
    return "\n".join(parts)


def fresh(session: Session) -> Session:
    """Forget what ``session`` read, to see what the app wrote since."""
    session.rollback()
    session.expire_all()
    return session


@pytest.fixture
def db(app_env: str):
    """A session on the app's database for setting up and checking.

    It must not hold SQLite's write lock while the app runs (so not the write engine),
    and a check after the app acted should call ``fresh(db)`` first.
    """
    with Session(get_engine(app_env), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def running_workshop_app(db, templates) -> dict:
    """A running workshop of facilitator "camille", with participant Élise, in the app's DB."""
    from core.services import participants, workshops
    from tests.conftest import make_user, start_at

    camille = make_user(db, "camille")
    collective = workshops.create_collective(session=db, actor=camille,
                                             collective_in=inputs.CollectiveCreate(
                                                 name="Collectif test"))
    workshop = workshops.create_workshop(
        session=db, actor=camille, collective_id=collective.id,
            workshop_in=inputs.WorkshopCreate(
                title="Atelier du jeudi"),
        workshop_format=templates.formats["soiree-2h"], lang="fr",
    )
    start_at(db, camille, workshop)
    elise = participants.join_workshop(session=db, code=workshop.join_code,
                                       display_name="Élise")
    return {"workshop_id": workshop.id, "code": workshop.join_code, "token": elise.token,
            "facilitator": camille, "collective_id": collective.id}
