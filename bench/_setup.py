"""What the benches share: a fresh SQLite database, a facilitator with a collective and a
workshop, the app opened as that facilitator in AppTest, and timing helpers.

Import this module before anything of Fabrique's: ``fresh_database`` sets the environment
the app reads its settings from.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.domain import inputs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVALDATA = ROOT.parent / "shared" / "evaldata"
USERNAME = "bench"


def bare_server(source: str) -> Any:
    """Start a one-file Streamlit app (``source``) with Fabrique's Streamlit settings (no
    garbage collection after each run…) on a free port: the floor benches compare against.
    Returns a ``tests.browser.conftest.Server`` (``stop()`` it)."""
    import shutil
    import subprocess

    from tests.browser.conftest import Server

    data_dir = Path(tempfile.mkdtemp())
    app = data_dir / "bare.py"
    app.write_text(source)
    (data_dir / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", data_dir / ".streamlit" / "config.toml")
    server = Server(data_dir)
    server.log = data_dir / "bare.log"
    with server.log.open("ab") as log:
        server.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.port",
             str(server.port), "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=data_dir, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(4)
    return server


def fresh_database() -> str:
    """Point the app at a new, migrated SQLite file (no demo) and return its URL."""
    data_dir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{data_dir / 'bench.db'}"
    os.environ.update(DATABASE_URL=url, FABRIQUE_DATA_DIR=str(data_dir),
                      FABRIQUE_LOAD_DEMO="false")
    from core.storage.migrate import upgrade

    upgrade(url)
    return url


@dataclass
class BenchWorkshop:
    """The facilitator ``bench`` and their workshop (ids and the acting facilitator)."""

    actor: Any
    templates: Any
    collective_id: int
    workshop_id: int
    join_code: str


def bench_workshop(session: Any, workshop_format: str = "ideation-3h") -> BenchWorkshop:
    """Create the facilitator ``bench``, a collective and a workshop in ``session``."""
    from core.domain.models import Role, User
    from core.domain.templates import load_templates
    from core.services import workshops
    from core.services.accounts import actor_for_username, hash_password
    from core.settings import PROJECT_ROOT

    session.add(User(username=USERNAME, name="Bench", role=Role.FACILITATOR,
                     password_hash=hash_password("bench password")))
    session.commit()
    actor = actor_for_username(session, USERNAME)
    templates = load_templates(PROJECT_ROOT / "data")
    collective = workshops.create_collective(session=session, actor=actor,
                                             collective_in=inputs.CollectiveCreate(name="Bench"))
    workshop = workshops.create_workshop(
        session=session, actor=actor, collective_id=collective.id,
            workshop_in=inputs.WorkshopCreate(
                title="Bench"),
        workshop_format=templates.formats[workshop_format], lang="fr")
    return BenchWorkshop(actor, templates, collective.id, workshop.id, workshop.join_code)


def _keep_navigation() -> None:
    """Keep AppTest on st.navigation (see tests/app/conftest.py)."""
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager.__init__, "_bench", False):
        return
    original = PagesManager.__init__

    def init(self, *a, **k):
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    init._bench = True  # type: ignore[attr-defined]
    PagesManager.__init__ = init


def app_as_facilitator(workshop_id: int, page: str, timeout: int = 120) -> Any:
    """Return AppTest on ``page`` (a screen's path), signed in as ``bench``, ``workshop_id``
    open, after its first run."""
    from streamlit.testing.v1 import AppTest

    _keep_navigation()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in dict(_signed_in=USERNAME, workshop_id=workshop_id).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def app_as_participant(token: str, timeout: int = 120) -> Any:
    """Return AppTest as the participant holding ``token``, after its first run."""
    from streamlit.testing.v1 import AppTest

    _keep_navigation()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params["p"] = token
    at.run()
    assert not at.exception, at.exception
    return at


def timings_ms(function: Callable[[], object], runs: int) -> list[float]:
    """Call ``function`` ``runs`` times and return each duration in milliseconds."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p50_p95(samples: list[float]) -> tuple[float, float]:
    """Return the median and the 95th percentile of ``samples``."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def median_max(samples: list[float]) -> tuple[float, float]:
    """Return the median and the maximum of ``samples``."""
    return statistics.median(samples), max(samples)


def ready_to_vote(session: Any, admin: Any, workshop_id: int, templates: Any) -> tuple[int, int]:
    """Give a workshop a vote (the impact-effort criteria, its first three ideas as
    candidates, a score phase), start it on its needs phase; return the positions of the
    needs phase and of the vote."""
    from sqlmodel import select

    from core.domain.models import Card, CardKind, PhaseKind
    from core.services import phases, scoring

    ideas = session.exec(select(Card).where(Card.kind == CardKind.IDEA,
                                            Card.workshop_id == workshop_id)).all()
    scoring.apply_criteria_set(session=session, actor=admin, workshop_id=workshop_id,
                               criteria_set=templates.criteria_sets["impact-effort"])
    scoring.set_candidates(session=session, actor=admin, workshop_id=workshop_id,
                           card_ids=[i.id for i in ideas[:3]])
    phases.add_phase(session=session, actor=admin, workshop_id=workshop_id,
                     phase_in=inputs.PhaseCreate(kind=PhaseKind.SCORE, title="Évaluer",
                                                 duration_min=15))
    phases.start(session=session, actor=admin, workshop_id=workshop_id)
    agenda = phases.phases_of(session, workshop_id)
    explore = next(p.position for p in agenda if p.kind == PhaseKind.EXPLORE)
    score = next(p.position for p in agenda if p.kind == PhaseKind.SCORE)
    phases.go_to(session=session, actor=admin, workshop_id=workshop_id, index=explore)
    return explore, score


def fill_board(session: Any, code: str, workshop_id: int, templates: Any, count: int,
               text: str = "Besoin {n} : une navette pour le marché du samedi") -> None:
    """Have one participant write ``count`` needs, across the themes."""
    from core.domain.models import CardKind
    from core.services import cards, participants

    writer = participants.join_workshop(session=session, code=code, display_name="Rédac")
    actor = participants.actor_for_token(session, writer.token)
    themes = list(templates.themes)
    for n in range(count):
        cards.add_card(session=session, actor=actor, workshop_id=workshop_id,
                       templates=templates, card_in=inputs.CardCreate(
                           text=text.format(n=n), kind=CardKind.NEED,
                           theme=themes[n % len(themes)]))
