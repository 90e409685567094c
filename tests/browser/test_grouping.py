"""Drag and drop on the Regrouper page, in a real Chromium: the move is saved and survives
a reload."""

from sqlmodel import select

from core.domain import inputs
from core.domain.models import Card, CardKind, User
from core.services import clusters, phases
from core.services.accounts import actor_for_username
from core.storage.db import session_scope
from tests.browser.conftest import ADMIN, DEMO_WORKSHOP, guide_shot, login, wait_idle

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
    guide_shot(page, "regrouper")


def test_the_phones_regrouper_follows_the_facilitator(server, new_context):
    """A phone on Regrouper (read-only) shows a group the facilitator makes and the card
    moved into it within a couple of seconds, without a reload."""
    import time

    from tests.browser.conftest import join

    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        index = next(p.position for p in phases.phases_of(session, workshop.id)
                     if p.kind == "group")
        phases.go_to(session=session, actor=admin, workshop_id=workshop.id, index=index)
        idea = session.exec(select(Card).where(Card.text.startswith("Un habitat partagé"))).one()
        workshop_id, code, idea_id = workshop.id, workshop.join_code, idea.id
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    join(phone, server.url, code, "Paulette")
    phone.wait_for_url("**/group?**")
    phone.locator(".fab-group", has_text="Non classées").first.wait_for()
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        group = clusters.create_group(session=session, actor=admin, workshop_id=workshop_id,
                                      group_in=inputs.GroupCreate(name="Habiter autrement",
                                                                  kind=CardKind.IDEA))
        clusters.move_cards(session=session, actor=admin, workshop_id=workshop_id,
                            moves=[(idea_id, group.id, 0)])
    start = time.monotonic()
    block = phone.locator(".fab-group", has_text="Habiter autrement")
    block.wait_for(timeout=10_000)
    assert time.monotonic() - start < 3
    assert "Un habitat partagé" in block.inner_text()
