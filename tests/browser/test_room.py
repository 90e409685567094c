"""The room as a newcomer finds it (issue of the four faults), in Chromium: a phone far
down a canvas is told the workshop moved on; a participant takes the step she proposed for
nobody; the "follow an action" picker knows a step written on another phone; the closing
wall no longer invites anyone to join, and ending from the collectives' page asks first."""

from __future__ import annotations

import re
import time

from sqlmodel import select

from core.domain import inputs
from core.domain.models import Action, PhaseKind, Workshop, WorkshopStatus
from core.domain.templates import load_templates
from core.services import actions, canvases, phases
from core.services.accounts import actor_for_username
from core.settings import PROJECT_ROOT
from core.storage.db import session_scope
from tests.browser.conftest import ADMIN, ARTIFACTS, DEMO_WORKSHOP, join, login, wait_idle
from tests.browser.test_outcome import at_next_steps, choose_action

PHONE = {"width": 390, "height": 844}
TEMPLATES = load_templates(PROJECT_ROOT / "data")


def go_to(server, workshop_id: int, kind: PhaseKind) -> None:
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        index = next(p.position for p in phases.phases_of(session, workshop_id)
                     if p.kind == kind)
        phases.go_to(session=session, actor=admin, workshop_id=workshop_id, index=index)


def test_a_phone_far_down_the_canvas_is_told_the_workshop_moved_on(server, new_context):
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        canvas = canvases.start_canvas(session=session, actor=admin, workshop_id=workshop.id,
                                       templates=TEMPLATES, title="Épicerie-café du bourg")
        workshop_id, code, canvas_id = workshop.id, workshop.join_code, canvas.id
    go_to(server, workshop_id, PhaseKind.FORMALISE)
    phone = new_context(viewport=PHONE).new_page()
    token = join(phone, server.url, code, "Paulette")
    phone.goto(f"{server.url}/canvas?p={token}&c={canvas_id}")
    phone.get_by_role("heading", name="Épicerie-café du bourg").wait_for()
    wait_idle(phone)
    # Far down the canvas, where the phase bar at the top is 4,000 px away.
    phone.get_by_label("Les indicateurs de réussite", exact=True).scroll_into_view_if_needed()
    wait_idle(phone)
    go_to(server, workshop_id, PhaseKind.NEXT_STEPS)
    link = phone.get_by_role("link", name=re.compile("L'atelier avance"))
    link.wait_for(timeout=15_000)
    box = link.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    phone.screenshot(path=str(ARTIFACTS / "phone-canvas-moved-on.png"))
    link.click()
    phone.get_by_role("heading", name="Prochaines étapes").wait_for()


def test_a_participant_takes_the_step_she_proposed_for_nobody(server, new_context):
    workshop_id, code, _action_id = at_next_steps(server)
    phone = new_context(viewport=PHONE).new_page()
    join(phone, server.url, code, "Paulette")
    phone.get_by_role("heading", name="Prochaines étapes").wait_for()
    phone.get_by_label("Quoi").fill("Appeler la mairie pour le local")
    phone.get_by_label("Quoi").press("Enter")  # "Qui": nobody yet
    wait_idle(phone)
    with session_scope(url=server.database_url) as session:
        mine = session.exec(select(Action).where(
            Action.what == "Appeler la mairie pour le local")).one()
        assert mine.who == ""
    choose_action(phone, mine.id)
    phone.get_by_role("button", name="Je m'en occupe").click()
    wait_idle(phone)
    with session_scope(url=server.database_url) as session:
        assert session.get(Action, mine.id).who == "Paulette"


def test_the_picker_knows_a_step_written_on_another_phone(server, new_context):
    workshop_id, code, _action_id = at_next_steps(server)
    first = new_context(viewport=PHONE).new_page()
    join(first, server.url, code, "Paulette")
    first.get_by_role("heading", name="Prochaines étapes").wait_for()
    wait_idle(first)
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        added = actions.add_action(
            session=session, actor=admin, workshop_id=workshop_id, templates=TEMPLATES,
            action_in=inputs.ActionCreate(what="Écrire au département"))
        added_id = added.id
    # Without reloading, the picker lists it once the live list shows it.
    first.get_by_text("Écrire au département").first.wait_for(timeout=10_000)
    deadline = time.monotonic() + 10
    while True:
        box = first.get_by_label("Action", exact=True)
        box.click()
        options = first.get_by_role("option").all_inner_texts()
        box.press("Escape")
        if any(option.startswith(f"#{added_id} ") for option in options):
            break
        assert time.monotonic() < deadline, f"the picker lists {options}"
        first.wait_for_timeout(300)
    choose_action(first, added_id)
    first.get_by_role("button", name="Je m'en occupe").wait_for()


def test_the_closing_wall_invites_no_one_and_ending_asks_first(server, new_context):
    laptop = new_context().new_page()
    login(laptop, server.url)
    with session_scope(url=server.database_url) as session:
        workshop = session.exec(DEMO_WORKSHOP).one()
        workshop_id = workshop.id
    laptop.locator(f".st-key-start_{workshop_id} button").click()
    wait_idle(laptop)
    # "Terminer", right under "Ouvrir", asks before ending.
    laptop.get_by_role("button", name="Terminer").first.click()
    confirm = laptop.get_by_role("button", name="Oui, terminer")
    confirm.wait_for()
    with session_scope(url=server.database_url) as session:
        assert session.get(Workshop, workshop_id).status == WorkshopStatus.RUNNING
    confirm.click()
    wait_idle(laptop)
    with session_scope(url=server.database_url) as session:
        assert session.get(Workshop, workshop_id).status == WorkshopStatus.ENDED
    wall = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    login(wall, server.url)
    wall.goto(f"{server.url}/projector?w={workshop_id}")
    wait_idle(wall)
    wall.get_by_text("Merci à toutes et à tous").first.wait_for()
    assert wall.locator(".fab-qr").count() == 0
    assert wall.get_by_text("Rejoindre l'atelier").count() == 0
    wall.screenshot(path=str(ARTIFACTS / "projector-closing.png"))
