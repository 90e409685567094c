"""What the room leaves with, in real browsers: a phone takes a next step and the wall shows
it; the synthesis downloads as PDF and DOCX; between sessions an edit link moves a status
and the facilitator sees it."""

import io
import re

from docx import Document
from pypdf import PdfReader
from sqlmodel import select

from core.domain import inputs
from core.domain.models import Action, ActionStatus, PhaseKind, Workshop
from core.domain.templates import load_templates
from core.services import actions, canvas_links, phases
from core.services.accounts import actor_for_username
from core.settings import PROJECT_ROOT
from core.storage.db import session_scope
from tests.browser.conftest import (
    ADMIN,
    ARTIFACTS,
    DEMO_WORKSHOP,
    guide_shot,
    join,
    login,
    wait_idle,
)

TEMPLATES = load_templates(PROJECT_ROOT / "data")


def at_next_steps(server) -> tuple[int, str, int]:
    """Start the demo workshop at its next-steps phase, with one open action."""
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        index = next(p.position for p in phases.phases_of(session, workshop.id)
                     if p.kind == PhaseKind.NEXT_STEPS)
        phases.go_to(session=session, actor=admin, workshop_id=workshop.id, index=index)
        action = actions.add_action(
            session=session, actor=admin, workshop_id=workshop.id, templates=TEMPLATES,
            action_in=inputs.ActionCreate(what="Demander le local de l'ancienne poste",
                                          supports=("collectivite",)))
        return workshop.id, workshop.join_code, action.id


def choose_action(page, action_id: int) -> None:
    """Pick an action in "Suivre une action" by typing its number (the list filters), then
    its option once the browser shows it: an Enter pressed before the filtered list is drawn
    picks nothing, and a busy browser may not have drawn it yet."""
    box = page.get_by_label("Action", exact=True)
    box.scroll_into_view_if_needed()
    box.click()
    box.fill(f"#{action_id} ")
    page.get_by_role("option", name=re.compile(rf"^#{action_id} ")).click()
    wait_idle(page)


def test_a_phone_takes_an_action_and_the_wall_shows_it(server, new_context):
    workshop_id, code, action_id = at_next_steps(server)
    wall = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    login(wall, server.url)
    wall.goto(f"{server.url}/projector?w={workshop_id}")
    wait_idle(wall)
    wall.get_by_text("Demander le local de l'ancienne poste").wait_for()
    wall.get_by_text("personne pour l'instant", exact=False).first.wait_for()

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    join(phone, server.url, code, "Paulette")
    phone.get_by_role("heading", name="Prochaines étapes").wait_for()  # followed the phase
    phone.get_by_label("Quoi").fill("Trouver trois bénévoles pour le café")
    phone.get_by_label("Quoi").press("Enter")
    wait_idle(phone)
    choose_action(phone, action_id)
    phone.get_by_role("button", name="Je m'en occupe").click()
    wait_idle(phone)
    with session_scope(url=server.database_url) as session:
        taken = session.get(Action, action_id)
        assert taken is not None and taken.who == "Paulette"
        assert session.exec(select(Action).where(
            Action.what == "Trouver trois bénévoles pour le café")).one()
    # The wall follows without a reload.
    wall.get_by_text("Trouver trois bénévoles pour le café").wait_for(timeout=10_000)
    wall.locator(".fab-projector-card", has_text="Demander le local").get_by_text(
        "Paulette").wait_for(timeout=10_000)
    wall.screenshot(path=str(ARTIFACTS / "projector-next-steps.png"))
    phone.screenshot(path=str(ARTIFACTS / "phone-next-steps.png"), full_page=True)


def test_the_synthesis_downloads_as_pdf_and_docx(server, new_context):
    with session_scope(url=server.database_url) as session:
        # The demo's earlier evening (not the incubator's earlier session).
        earlier = session.exec(select(Workshop).where(
            Workshop.status == "ended", Workshop.mode == "collective")).one()
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(page, server.url)
    page.goto(f"{server.url}/synthesis?w={earlier.id}")
    wait_idle(page)
    page.get_by_role("heading", name="Ce que nous avons entendu : les besoins").wait_for()
    page.screenshot(path=str(ARTIFACTS / "synthesis-page.png"), full_page=True)
    guide_shot(page, "synthese")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Télécharger (PDF)").click()
    data = pdf.value.path().read_bytes()
    (ARTIFACTS / "synthese.pdf").write_bytes(data)
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                    .split())
    assert "Soirée au café — premières pistes" in text
    assert "Un café associatif avec épicerie et point relais au bourg." in text
    assert "Josiane" not in text  # anonymous by default
    with page.expect_download() as docx:
        page.get_by_role("button", name="Télécharger (Word, DOCX)").click()
    document = Document(io.BytesIO(docx.value.path().read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Prochaines étapes" in headings and "Étude d’opportunité" in headings  # set for print
    assert len(document.inline_shapes) >= 1  # the ranking chart


def test_an_edit_link_moves_a_status_and_the_facilitator_sees_it(server, new_context):
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        earlier = session.exec(select(Workshop).where(
            Workshop.status == "ended", Workshop.mode == "collective")).one()
        link = canvas_links.create_access(session=session, actor=admin,
                                          collective_id=earlier.collective_id)
        action = session.exec(select(Action).where(Action.who == "Karim")).one()
        code, action_id, collective_workshop = link.code, action.id, earlier.id
    member = new_context(viewport={"width": 390, "height": 844}).new_page()
    member.goto(f"{server.url}/next_steps?k={code}")
    wait_idle(member)
    member.get_by_text("Recenser les producteurs").first.wait_for()
    choose_action(member, action_id)
    member.get_by_text("Fait", exact=True).click()
    member.get_by_label("Où on en est (en quelques mots)").fill("Douze producteurs partants")
    member.get_by_role("button", name="Mettre à jour").click()
    wait_idle(member)
    with session_scope(url=server.database_url) as session:
        moved = session.get(Action, action_id)
        assert moved is not None and moved.status == ActionStatus.DONE
        assert moved.note == "Douze producteurs partants"

    facilitator = new_context().new_page()
    login(facilitator, server.url)
    facilitator.goto(f"{server.url}/next_steps?w={collective_workshop}")
    wait_idle(facilitator)
    facilitator.get_by_text("Douze producteurs partants", exact=True).wait_for()
    facilitator.screenshot(path=str(ARTIFACTS / "next-steps-facilitator.png"), full_page=True)
