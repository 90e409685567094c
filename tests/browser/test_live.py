"""Live workshop in real browsers: (a) a participant's card appears on the projector without
a reload, while someone is typing; (b) the facilitator's next phase moves the participant's
screen; (c) two app servers sharing one PostgreSQL database see each other's cards."""

import os
import re
import time
from pathlib import Path

import pytest

from core.domain.models import PhaseKind
from core.services import phases
from core.services.accounts import actor_for_username
from core.storage.db import session_scope
from tests.browser.conftest import (
    ADMIN,
    ARTIFACTS,
    DEMO_WORKSHOP,
    Server,
    axe_violations,
    box_of,
    font_px,
    guide_shot,
    join,
    login,
    prepare_database,
    wait_idle,
)


def open_explore(server) -> tuple[int, str]:
    """Start the demo workshop and move it to its "explore" phase."""
    return open_explore_in(server.database_url)


def open_explore_in(database_url: str) -> tuple[int, str]:
    with session_scope(write=True, url=database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        index = next(p.position for p in phases.phases_of(session, workshop.id)
                     if p.kind == PhaseKind.EXPLORE)
        phases.go_to(session=session, actor=admin, workshop_id=workshop.id, index=index)
        return workshop.id, workshop.join_code


def test_a_card_reaches_the_projector_without_reload(server, new_context):
    """…and stays on the screen however many cards there are: after 80 cards across every
    theme (and none), a phone's new one is inside the 1920×1080 wall, in the band of the
    cards just written."""
    from core.domain import inputs
    from core.domain.templates import load_templates
    from core.services import cards
    from core.settings import PROJECT_ROOT

    workshop_id, code = open_explore(server)
    templates = load_templates(PROJECT_ROOT / "data")
    themes = [*templates.themes, ""]
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        for index in range(80):
            cards.add_card(session=session, actor=admin, workshop_id=workshop_id,
                           templates=templates, card_in=inputs.CardCreate(
                               text=f"Besoin numéro {index} du mur",
                               theme=themes[index % len(themes)]))
    wall = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    login(wall, server.url)
    wall.goto(f"{server.url}/projector?w={workshop_id}")
    wait_idle(wall)
    wall.get_by_text(code).first.wait_for()

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    join(phone, server.url, code, "Paulette")
    field = phone.get_by_label("Nouveau besoin")
    field.wait_for()
    wait_idle(phone)

    # Someone else types on the projector laptop meanwhile: a rerun must not eat it.
    other = new_context().new_page()
    join(other, server.url, code, "Marcel")
    other_field = other.get_by_label("Nouveau besoin")
    other_field.wait_for()
    wait_idle(other)
    other_field.click()
    other.keyboard.type("Je suis en train d'écr", delay=10)

    start = time.monotonic()
    field.fill("Une navette vers le marché du samedi")
    field.press("Enter")
    wall.get_by_text("Une navette vers le marché du samedi").first.wait_for(timeout=10_000)
    assert time.monotonic() - start < 5
    # Marcel's page reran for Paulette's card; what he was typing is still there.
    other.get_by_text("Une navette vers le marché du samedi").wait_for(timeout=10_000)
    assert other_field.input_value() == "Je suis en train d'écr"

    # Readable from the back of the hall: cards in 32 px or more on a 1920×1080 wall, the
    # join code in large type, and no sidebar.
    card = wall.get_by_text("Une navette vers le marché du samedi").first
    assert font_px(card) >= 32
    assert wall.locator('[data-testid="stSidebar"]').count() == 0 or not wall.locator(
        '[data-testid="stSidebar"]').is_visible()
    # The QR code is drawn (Streamlit's sanitiser drops inline SVG: it is an image).
    qr = wall.locator(".fab-qr img")
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 100
    assert box_of(qr)["width"] >= 250
    newest = wall.locator(".fab-latest", has_text="Une navette vers le marché du samedi")
    box = box_of(newest)
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 1080
    wall.screenshot(path=str(ARTIFACTS / "projector-1920x1080.png"))


def test_the_next_phase_moves_the_participant(server, new_context):
    workshop_id, code = open_explore(server)
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    join(phone, server.url, code, "Zoé")
    phone.get_by_label("Nouveau besoin").wait_for()

    facilitator = new_context().new_page()
    login(facilitator, server.url)
    facilitator.goto(f"{server.url}/facilitate?w={workshop_id}")
    wait_idle(facilitator)
    facilitator.get_by_role("button", name="Phase suivante").click()
    wait_idle(facilitator)
    # Zoé's phone follows: "Temps d'échange" has no board, she lands on the workshop page.
    phone.get_by_text("Discutons des besoins qui reviennent").wait_for(timeout=10_000)
    phone.get_by_label("Nouveau besoin").wait_for(state="detached", timeout=10_000)
    facilitator.get_by_role("button", name="Phase suivante").click()
    phone.get_by_label("Nouvelle idée").wait_for(timeout=10_000)
    assert "/ideas" in phone.url


def test_a_phone_is_woken_by_its_server_not_by_polling(tmp_path, new_context):
    """Phones do not poll every second (ui/push.py): with a poll every two minutes, the
    server still brings a phone someone else's card within a few seconds, keeps what it
    is typing, moves it to the next phase at once, and its timer counts in the browser."""
    from core.domain import inputs
    from core.domain.templates import load_templates
    from core.services import cards
    from core.settings import PROJECT_ROOT

    server = Server(tmp_path)
    server.env["FABRIQUE_PARTICIPANT_POLL"] = "120"
    prepare_database(server.database_url, tmp_path)
    server.start()
    try:
        workshop_id, code = open_explore(server)
        phone = new_context(viewport={"width": 390, "height": 844}).new_page()
        join(phone, server.url, code, "Odette")
        field = phone.get_by_label("Nouveau besoin")
        field.wait_for()
        wait_idle(phone)
        field.click()
        phone.keyboard.type("Je n'ai pas fini", delay=10)

        # The timer counts down in the browser between two wakes of the screen.
        counter = phone.locator(".fab-clock")
        seconds = counter.evaluate(
            "e => Number(getComputedStyle(e).getPropertyValue('--fab-left'))")
        label = counter.get_attribute("data-label")
        minutes, rest = label.split(":")
        assert abs(seconds - (int(minutes) * 60 + int(rest))) <= 2, (seconds, label)
        phone.wait_for_timeout(2_500)
        later = counter.evaluate(
            "e => Number(getComputedStyle(e).getPropertyValue('--fab-left'))")
        assert 1 <= seconds - later <= 4, (seconds, later)
        phone.screenshot(path=str(ARTIFACTS / "phone-counting-timer.png"))

        with session_scope(write=True, url=server.database_url) as session:
            admin = actor_for_username(session, ADMIN)
            cards.add_card(session=session, actor=admin, workshop_id=workshop_id,
                           templates=load_templates(PROJECT_ROOT / "data"),
                           card_in=inputs.CardCreate(text="Un jardin partagé derrière la gare"))
        start = time.monotonic()
        phone.get_by_text("Un jardin partagé derrière la gare").wait_for(timeout=10_000)
        assert time.monotonic() - start < 4
        assert field.input_value() == "Je n'ai pas fini"  # woken, nothing typed lost

        with session_scope(write=True, url=server.database_url) as session:
            phases.next_phase(session=session, actor=actor_for_username(session, ADMIN),
                              workshop_id=workshop_id)
        start = time.monotonic()
        phone.get_by_label("Nouveau besoin").wait_for(state="detached", timeout=10_000)
        assert time.monotonic() - start < 2
        phone.get_by_text("Discutons des besoins qui reviennent").wait_for(timeout=5_000)
    finally:
        server.stop()


@pytest.mark.postgres
def test_two_servers_on_one_postgresql_database(tmp_path, new_context, pg_database):
    database_url = pg_database
    first = Server(tmp_path / "a", database_url)
    second = Server(tmp_path / "b", database_url)
    for server in (first, second):
        server.data_dir.mkdir()
    try:
        prepare_database(database_url, first.data_dir)
        first.start()
        second.start()
        workshop_id, code = open_explore(first)
        wall = new_context(viewport={"width": 1600, "height": 1000}).new_page()
        login(wall, second.url)
        wall.goto(f"{second.url}/projector?w={workshop_id}")
        wait_idle(wall)
        phone = new_context().new_page()
        join(phone, first.url, code, "Karim")
        phone.goto(phone.url.replace("/workshop", "/explore"))
        field = phone.get_by_label("Nouveau besoin")
        field.fill("Un atelier vélo partagé")
        field.press("Enter")
        wall.get_by_text("Un atelier vélo partagé").first.wait_for(timeout=10_000)
    finally:
        first.stop()
        second.stop()


def test_fabrique_serve_puts_the_projector_on_its_own_app_server(tmp_path, new_context):
    """`make run` (`fabrique serve`): the app, the projector's own app server on the next
    port and a participant server on the one after, on one database; the facilitator's
    button opens the wall there, signed in; the wall sends phones to the app's port, which
    sends them on to the participant server; stopping it stops all three."""
    import subprocess
    import sys

    from tests.browser.conftest import answers, free_port, port_free

    port = free_port()
    while not (port_free(port + 1) and port_free(port + 2)):
        port = free_port()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database_url = f"sqlite:///{data_dir / 'fabrique.db'}"
    prepare_database(database_url, data_dir)
    env = {**os.environ, "FABRIQUE_DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
           "FABRIQUE_DEFAULT_LANGUAGE": "fr"}
    serve = subprocess.Popen(
        [str(Path(sys.executable).parent / "fabrique"), "serve", "--host", "127.0.0.1",
         "--port", str(port), "--participant-servers", "1"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    try:
        deadline = time.monotonic() + 60
        while not (answers(port) and answers(port + 1) and answers(port + 2)):
            assert serve.poll() is None and time.monotonic() < deadline, "not serving"
            time.sleep(0.2)
        app, wall_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"
        workshop_id, code = open_explore_in(database_url)

        context = new_context(viewport={"width": 1920, "height": 1080})
        facilitator = context.new_page()
        login(facilitator, app)
        facilitator.goto(f"{app}/facilitate?w={workshop_id}")
        wait_idle(facilitator)
        button = facilitator.get_by_role("link", name="Ouvrir la projection")
        assert button.get_attribute("href") == f"{wall_url}/projector?w={workshop_id}"
        wall = context.new_page()  # the sign-in cookie goes along: same host
        wall.goto(button.get_attribute("href"))
        wall.get_by_text(code).first.wait_for(timeout=20_000)
        # Phones join on the app's port (the host is the laptop's network address).
        assert f":{port}/join?code={code}" in wall.locator(".fab-join-url").first.inner_text()

        phone = new_context().new_page()
        phone.goto(f"{app}/join?code={code}")
        wait_idle(phone)
        phone.get_by_label("Votre nom").fill("Karim")
        phone.get_by_role("button", name="Rejoindre").click()
        # Sent on to the participant server, as themselves (their token in the address).
        phone.wait_for_url(re.compile(rf"//127\.0\.0\.1:{port + 2}/\w*\?.*p="))
        token = phone.url.split("p=")[1].split("&")[0]
        wait_idle(phone)
        phone.get_by_text("Bonjour Karim").first.wait_for()
        phone.goto(f"http://127.0.0.1:{port + 2}/explore?p={token}")
        field = phone.get_by_label("Nouveau besoin")
        field.fill("Une recyclerie au bourg")
        field.press("Enter")
        wall.get_by_text("Une recyclerie au bourg").first.wait_for(timeout=10_000)
    finally:
        serve.terminate()
        serve.wait(timeout=20)
    assert not answers(port) and not answers(port + 1) and not answers(port + 2)



pytestmark = pytest.mark.browser


def test_keys_move_the_workshop_and_ending_asks_first(server, new_context):
    """Shift+→ next phase, P pause, T five more minutes, Shift+← back; "Terminer l'atelier"
    asks before ending."""
    workshop_id, _code = open_explore(server)
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    login(page, server.url)
    page.goto(f"{server.url}/facilitate?w={workshop_id}")
    wait_idle(page)

    def state():
        with session_scope(url=server.database_url) as session:
            return phases.live_state(session=session,
                                     actor=actor_for_username(session, ADMIN),
                                     workshop_id=workshop_id)

    def press(key: str) -> None:
        page.locator("h1").first.click()  # not in a field: keys there are for typing
        page.keyboard.press(key)
        wait_idle(page)

    start = state()
    press("Shift+ArrowRight")
    assert state().index == start.index + 1
    press("p")
    assert state().clock.paused
    press("p")
    assert not state().clock.paused
    before = state().clock.remaining
    press("t")
    assert state().clock.remaining > before + 250
    press("Shift+ArrowLeft")
    assert state().index == start.index

    page.get_by_role("button", name="Terminer l'atelier").click()
    confirm = page.get_by_role("button", name="Oui, terminer")
    confirm.wait_for()
    assert state().status == "running"  # one click only opened the question
    confirm.click()
    wait_idle(page)
    assert state().status == "ended"


def test_the_wall_in_every_phase(server, new_context):
    """The demo workshop's wall, phase by phase, at 1920×1080 (screenshots kept): the
    welcome is the way in (QR code and code filling the screen), the exchange shows the
    needs that concern the most people, each board phase its cards; axe-core finds nothing
    to mend on any of them."""
    with session_scope(url=server.database_url) as session:
        workshop = session.exec(DEMO_WORKSHOP).one()
        workshop_id, code = workshop.id, workshop.join_code
        agenda = [(p.kind, p.title) for p in phases.phases_of(session, workshop_id)]
    wall = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    login(wall, server.url)
    wall.goto(f"{server.url}/projector?w={workshop_id}")
    wait_idle(wall)
    wall.screenshot(path=str(ARTIFACTS / "wall-0-before-the-start.png"))
    barriers = {"before the start": axe_violations(wall)}
    expected = {
        PhaseKind.EXPLORE: "Alimentation et agriculture locale",
        PhaseKind.EXCHANGE: "Les besoins à discuter",
        PhaseKind.IDEAS: "Un habitat partagé",
    }
    with session_scope(write=True, url=server.database_url) as session:
        phases.start(session=session, actor=actor_for_username(session, ADMIN),
                     workshop_id=workshop_id)
    for index, (kind, title) in enumerate(agenda):
        with session_scope(write=True, url=server.database_url) as session:
            phases.go_to(session=session, actor=actor_for_username(session, ADMIN),
                         workshop_id=workshop_id, index=index)
        wall.locator(".fab-projector-title", has_text=title).wait_for()
        wait_idle(wall)
        if kind == PhaseKind.WELCOME:
            qr = wall.locator(".fab-welcome img")
            qr.wait_for()
            # The start redraws the whole wall: measure once it has settled.
            wall.wait_for_function("() => { const i = document.querySelector("
                                   "'.fab-welcome img'); return i && i.width >= 600; }")
            code_box = wall.locator(".fab-welcome-code")
            assert code_box.inner_text() == code
            assert font_px(code_box) >= 100
        if kind in expected:
            wall.get_by_text(expected[kind]).first.wait_for()
        wall.screenshot(path=str(ARTIFACTS / f"wall-{index + 1}-{kind.value}.png"))
        if kind == PhaseKind.EXPLORE:
            guide_shot(wall, "projection")
        barriers[f"{index + 1}-{kind.value}"] = axe_violations(wall)
    with session_scope(write=True, url=server.database_url) as session:
        phases.end(session=session, actor=actor_for_username(session, ADMIN),
                   workshop_id=workshop_id)
    wall.wait_for_timeout(1500)
    wait_idle(wall)
    wall.screenshot(path=str(ARTIFACTS / "wall-9-ended.png"))
    barriers["ended"] = axe_violations(wall)
    assert {state: found for state, found in barriers.items() if found} == {}


def test_explore_fits_a_laptop_and_a_phone_sees_the_phase_first(server, new_context):
    """At 1366×768 the facilitator sees cards of the board without scrolling; on a phone
    the phase and its timer are above the form, and stay in view while scrolling."""
    workshop_id, code = open_explore(server)
    laptop = new_context(viewport={"width": 1366, "height": 768}).new_page()
    login(laptop, server.url)
    laptop.goto(f"{server.url}/explore?w={workshop_id}")
    wait_idle(laptop)
    first_card = box_of(laptop.locator(".fab-card").first)
    assert first_card is not None and first_card["y"] + 40 < 768, first_card

    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    join(phone, server.url, code, "Marcel")
    bar = phone.locator(".fab-phase-pin .fab-phase")
    field = phone.get_by_label("Nouveau besoin")
    assert box_of(bar)["y"] + box_of(bar)["height"] <= box_of(field)["y"]
    assert "Constats et besoins" in bar.inner_text()
    phone.mouse.wheel(0, 1500)
    phone.wait_for_timeout(300)
    box = box_of(bar)
    assert box is not None and 0 <= box["y"] < 120, box  # still at the top of the screen
