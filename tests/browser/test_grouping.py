"""Drag and drop on the Regrouper page, in a real Chromium: the move is saved and survives
a reload."""

from sqlmodel import select

from core import inputs
from core.db import session_scope
from core.models import Card, CardKind, User
from core.services import clusters, phases
from core.services.accounts import actor_for_username
from tests.browser.conftest import ADMIN, DEMO_WORKSHOP, login, wait_idle

FRAME = "iframe[title='streamlit_sortables.sortable_items']"


def test_a_dragged_card_stays_in_its_new_group(server, new_context):
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        housing = clusters.create_group(session=session, actor=admin, workshop_id=workshop.id,
                                        group_in=inputs.GroupCreate(name="Habiter",
                                                                    kind=CardKind.IDEA))
        moving = clusters.create_group(session=session, actor=admin, workshop_id=workshop.id,
                                       group_in=inputs.GroupCreate(name="Se déplacer",
                                                                   kind=CardKind.IDEA))
        idea = session.exec(select(Card).where(Card.text.startswith("Un habitat partagé"))).one()
        clusters.move_cards(session=session, actor=admin, workshop_id=workshop.id,
                            moves=[(idea.id, housing.id, 0)])
        assert session.exec(select(User)).first() is not None
        idea_id, workshop_id, moving_id = idea.id, workshop.id, moving.id

    page = new_context(viewport={"width": 1600, "height": 1000}).new_page()
    login(page, server.url)
    page.goto(f"{server.url}/group?w={workshop_id}")
    wait_idle(page)
    frame = page.frame_locator(FRAME)
    card = frame.locator(".sortable-item", has_text=f"#{idea_id} ")
    target = frame.locator(".sortable-container", has_text="Se déplacer").locator(
        ".sortable-container-body")
    card.wait_for()
    card.drag_to(target, steps=20)
    wait_idle(page)
    page.wait_for_timeout(500)
    wait_idle(page)
    with session_scope(url=server.database_url) as session:
        assert session.get(Card, idea_id).cluster_id == moving_id

    page.reload()
    wait_idle(page)
    moved = page.frame_locator(FRAME).locator(".sortable-container", has_text="Se déplacer")
    moved.locator(".sortable-item", has_text=f"#{idea_id} ").wait_for()
    assert "Un habitat partagé" in moved.inner_text()
