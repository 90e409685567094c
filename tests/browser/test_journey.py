"""The first slice of the journey in real browsers: a facilitator opens the demo workshop,
a participant joins by code on another browser and captures needs, the facilitator sees
them, and everything is still there after the server restarts."""

import re

from playwright.sync_api import expect
from sqlmodel import select

from core.domain.models import Card, CardSupport
from core.storage.db import session_scope
from tests.browser.conftest import DEMO_WORKSHOP, guide_shot, login, wait_idle

NEEDS = [
    "Pas de distributeur de billets au bourg",
    "Les enfants s'ennuient pendant les vacances",
    "Un atelier de réparation de vélos",
    "<b>Du texte</b> **pas interprété**",
    "Une épicerie ouverte le dimanche matin",
]


def cards_supported(session) -> list[int]:
    return list(session.exec(select(CardSupport.card_id).where(
        CardSupport.withdrawn_at.is_(None))))


def join_code(server) -> str:
    with session_scope(url=server.database_url) as session:
        return session.exec(DEMO_WORKSHOP).one().join_code


def test_participant_need_reaches_the_facilitator_and_survives_a_restart(server, new_context):
    facilitator = new_context().new_page()
    login(facilitator, server.url)
    # The demo collective is there, ready to start.
    facilitator.get_by_text("Résidence citoyenne de Miallet").wait_for()
    guide_shot(facilitator, "collectifs")
    with session_scope(url=server.database_url) as session:
        workshop_id = session.exec(DEMO_WORKSHOP).one().id
    # Its own "Démarrer" (the demo incubator's session is listed too).
    facilitator.locator(f".st-key-start_{workshop_id} button").click()
    wait_idle(facilitator)
    code = join_code(server)
    # Lead the workshop to its "Constats et besoins" phase, where needs are written.
    # The demo also lists its earlier evening: open this workshop's own button.
    facilitator.locator(f".st-key-open_{workshop_id} button").click()
    facilitator.get_by_role("heading", name="Animer l'atelier").wait_for()
    for _ in range(2):
        facilitator.get_by_role("button", name="Phase suivante").click()
        wait_idle(facilitator)
    facilitator.get_by_text("Phase 3 sur 9").wait_for()
    guide_shot(facilitator, "animer")

    # A participant joins from the code link, in another browser, without an account.
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{server.url}/join?code={code}")
    wait_idle(phone)
    assert phone.get_by_label("Code de l'atelier").input_value() == code
    phone.get_by_label("Votre nom").fill("Paulette")
    guide_shot(phone, "telephone-rejoindre")
    phone.get_by_role("button", name="Rejoindre").click()
    phone.get_by_text("Bonjour Paulette").wait_for()
    wait_idle(phone)

    # Fast capture: type, Enter, the field empties and keeps the cursor, type the next.
    field = phone.get_by_label("Nouveau besoin")
    field.click()
    for need in NEEDS:
        phone.keyboard.type(need, delay=5)
        phone.keyboard.press("Enter")
        phone.wait_for_timeout(150)
        wait_idle(phone, settle_ms=150)
        # The browser is not told of a fragment's run before the server starts it, so the
        # page can look idle before the press's run: wait for the field to empty.
        expect(field).to_have_value("", timeout=10_000)
        assert phone.evaluate("document.activeElement.getAttribute('aria-label')") == \
            "Nouveau besoin"
    with session_scope(url=server.database_url) as session:
        written = select(Card.text).where(Card.participant_id.is_not(None))
        stored = list(session.exec(written))
    assert sorted(stored) == sorted(NEEDS)
    # Shown as typed: the tags and stars are visible text, not markup.
    phone.get_by_text(NEEDS[3]).wait_for()
    guide_shot(phone, "telephone-besoins")

    # The facilitator opens the workshop's board and, after a reload, sees Paulette's needs.
    facilitator.goto(facilitator.url.replace("/facilitate", "/explore"))
    facilitator.get_by_role("heading", name="Explorer les besoins").wait_for()
    facilitator.reload()
    wait_idle(facilitator)
    for need in NEEDS:
        facilitator.get_by_text(need, exact=True).wait_for()

    # Paulette says the first need concerns her too (type its number, pick it).
    with session_scope(url=server.database_url) as session:
        first_id = session.exec(select(Card.id).where(Card.text == NEEDS[0])).one()
    supports = phone.get_by_role("combobox", name=re.compile("Les besoins qui me concernent"))
    supports.click()
    phone.keyboard.type(f"#{first_id} ")
    phone.keyboard.press("Enter")
    phone.keyboard.press("Escape")
    wait_idle(phone)
    mark = phone.locator(f".fab-me-{first_id}")
    mark.wait_for()  # visible: only the cards Paulette supports show the mark
    assert "vous aussi" in mark.inner_text()
    with session_scope(url=server.database_url) as session:
        assert cards_supported(session) == [first_id]

    # Restart the server: the needs, the facilitator's login and Paulette's link survive.
    server.restart()
    facilitator.reload()
    # Logged in again by the cookie, back on the same workshop's board.
    facilitator.get_by_role("heading", name="Explorer les besoins").wait_for()
    facilitator.get_by_text("Connecté·e : Anna Animatrice").wait_for()
    for need in NEEDS:
        facilitator.get_by_text(need, exact=True).wait_for()
    phone.reload()
    phone.get_by_text("Bonjour Paulette").wait_for()
    assert "p=" in phone.url
    phone.get_by_text(NEEDS[4], exact=True).wait_for()


def test_logged_out_visitor_finds_no_workshop_data(server, new_context):
    """Every page's URL, opened without logging in, on a server that served nothing yet."""
    with session_scope(url=server.database_url) as session:
        demo_texts = [c.text for c in session.exec(select(Card)).all()][:5]
    page = new_context().new_page()
    for path in ("explore", "home", "users", "account", "canvas", "explore", "", "join", "login"):
        page.goto(f"{server.url}/{path}")
        wait_idle(page)
        body = page.inner_text("body")
        assert "Miallet" not in body, path
        assert not any(text in body for text in demo_texts), path
        assert "Collectifs et ateliers" not in body and "Explorer les besoins" not in body
    page.goto(f"{server.url}/")
    wait_idle(page)
    page.get_by_text("Connexion animateur·rice").wait_for()
