"""A collective made on a laptop (SQLite) moves to an incubator's server (PostgreSQL) through
the app's own buttons, and opens there with its canvases, their history and its next steps;
the spreadsheets download from the synthesis."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlmodel import col, select

from core.domain.models import Action, Canvas, CanvasRevision, Collective, Workshop
from core.services import accounts
from core.settings import Settings
from core.storage.db import session_scope
from launch.startup import bootstrap
from tests.browser.conftest import ADMIN, ARTIFACTS, Server, login, prepare_database, wait_idle
from tests.conftest import PASSWORD


def _demo(url: str) -> dict:
    """The laptop's demo collective: its canvas with the most revisions, an action."""
    with session_scope(url=url) as session:
        collective = session.exec(select(Collective).where(
            Collective.slug == "demo-miallet")).one()
        canvas = session.exec(select(Canvas).where(
            Canvas.collective_id == collective.id).order_by(col(Canvas.id))).first()
        revisions = session.exec(select(CanvasRevision).where(
            CanvasRevision.canvas_id == canvas.id).order_by(col(CanvasRevision.id))).all()
        action = session.exec(select(Action).where(
            Action.collective_id == collective.id).order_by(col(Action.id))).first()
        return {"uid": collective.uid, "name": collective.name, "canvas": canvas.title,
                "revisions": [(r.section_key, r.text) for r in revisions],
                "action": action.what}


@pytest.mark.postgres
def test_a_laptop_collective_opens_on_a_postgresql_server(tmp_path, new_context,
                                                          pg_database):
    laptop = Server(tmp_path / "laptop")
    laptop.data_dir.mkdir()
    prepare_database(laptop.database_url, laptop.data_dir)
    pg_url = pg_database
    server = Server(tmp_path / "server", pg_url, load_demo=False)
    server.data_dir.mkdir()
    bootstrap(Settings(database_url=pg_url, data_dir=server.data_dir, load_demo=False))
    with session_scope(write=True, url=pg_url) as session:
        accounts.create_first_admin(session=session, code=accounts.setup_code(session),
                                    username=ADMIN, name="Iris Incubatrice", password=PASSWORD)
    try:
        laptop.start()
        server.start()
        demo = _demo(laptop.database_url)
        assert len(demo["revisions"]) >= 2

        # On the laptop: "Données et vie privée" → "Télécharger le collectif (JSON)".
        page = new_context(viewport={"width": 1366, "height": 900},
                           accept_downloads=True).new_page()
        login(page, laptop.url)
        page.get_by_role("button", name="Données et vie privée").first.click()
        with page.expect_download() as download:
            page.get_by_role("button", name="Télécharger le collectif (JSON)").click()
        moved = tmp_path / "collectif.json"
        download.value.save_as(moved)
        document = json.loads(moved.read_text(encoding="utf-8"))
        assert document["tables"]["collective"][0]["uid"] == demo["uid"]

        # On the server: "Importer un collectif d'un autre Fabrique".
        there = new_context(viewport={"width": 1366, "height": 900}).new_page()
        login(there, server.url)
        there.get_by_text("Importer un collectif d'un autre Fabrique").click()
        there.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(moved)
        wait_idle(there)
        there.get_by_role("button", name="Importer", exact=True).click()
        there.get_by_text(f"« {demo['name']} » importé").wait_for()
        wait_idle(there)
        there.get_by_text(demo["name"]).first.wait_for()  # in the list of collectives

        with session_scope(url=pg_url) as session:
            collective = session.exec(select(Collective).where(
                Collective.uid == demo["uid"])).one()
            canvas = session.exec(select(Canvas).where(
                Canvas.collective_id == collective.id).order_by(col(Canvas.id))).first()
            stored = session.exec(select(CanvasRevision).where(
                CanvasRevision.canvas_id == canvas.id).order_by(col(CanvasRevision.id))).all()
            workshop = session.get(Workshop, canvas.workshop_id)
            assert [(r.section_key, r.text) for r in stored] == demo["revisions"]
            assert collective.owner_id is not None

        # The canvas opens with its text and its history; the next steps are there.
        there.goto(f"{server.url}/canvas?w={workshop.id}&c={canvas.id}")
        wait_idle(there)
        there.get_by_role("heading", name=demo["canvas"]).wait_for()
        latest = demo["revisions"][-1][1].split("\n")[0][:40]
        # In a field (its value) or as text, wherever the canvas shows it.
        there.wait_for_function(
            """(t) => [...document.querySelectorAll('textarea')].some((a) => a.value.includes(t))
                      || document.body.innerText.includes(t)""", arg=latest)
        there.get_by_text("Historique").first.wait_for()
        there.screenshot(path=str(ARTIFACTS / "moved-canvas-on-postgresql.png"), full_page=True)
        there.goto(f"{server.url}/next_steps?w={workshop.id}")
        wait_idle(there)
        there.get_by_text(demo["action"]).first.wait_for()

        # The workshop's spreadsheets, from the synthesis: a ZIP of five CSV files.
        there.goto(f"{server.url}/synthesis?w={workshop.id}")
        wait_idle(there)
        with there.expect_download() as sheets:
            there.get_by_role("button", name="Télécharger les tableaux (ZIP)").click()
        archive = zipfile.ZipFile(io.BytesIO(sheets.value.path().read_bytes()))
        assert len(archive.namelist()) == 5
    finally:
        laptop.stop()
        server.stop()
