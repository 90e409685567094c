"""Faults, in real browsers against a real server: (a) the server killed with SIGKILL while
phones add cards, then restarted: every card a phone showed as added is stored, and a card
resent after the restart is stored once; (b) PostgreSQL restarted during a workshop: people
see a short, translated "reconnecting" state, no traceback, and their next card goes in."""

from __future__ import annotations

import random
import time

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from core.domain.models import Card
from core.storage.db import dispose_engines, session_scope
from tests.browser.conftest import (
    ARTIFACTS,
    Server,
    join,
    prepare_database,
    shows_not_found,
    wait_idle,
)
from tests.browser.test_live import open_explore, open_explore_in
from tests.conftest import unavailable
from tests.pg_server import start_throwaway

RECONNECTING = "La base de données ne répond pas"


def stored(url: str, workshop_id: int) -> dict[str, int]:
    """Each card text of the workshop, with how many times it is stored."""
    with session_scope(url=url) as session:
        rows = session.exec(select(Card.text, func.count()).where(
            Card.workshop_id == workshop_id, col(Card.deleted_at).is_(None))
            .group_by(Card.text)).all()
    return dict(rows)


def wait_connected(page, timeout_s: float = 60) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
                           timeout=timeout_s * 1000)
    wait_idle(page)


def test_kill_9_while_phones_add_cards_loses_none_and_doubles_none(server, new_context):
    workshop_id, code = open_explore(server)
    phones = []
    for name in ("Paulette", "Marcel"):
        page = new_context(viewport={"width": 390, "height": 844}).new_page()
        join(page, server.url, code, name)
        field = page.get_by_label("Nouveau besoin")
        field.wait_for()
        wait_idle(page)
        phones.append((name, page, field))
    typed: list[str] = []
    chance = random.Random(7)
    kills = resent = stored_unseen = 0

    def add(name, page, field, text, wait=True):
        typed.append(text)
        field.fill(text)
        field.press("Enter")
        if wait:
            wait_idle(page)

    for crash in range(3):
        for turn in range(2):
            for name, page, field in phones:
                add(name, page, field, f"{name} : besoin {crash}.{turn}")
        # Both phones send and the server dies within 40 ms (before, while or just after
        # storing their cards: a dead server's page takes no typing at all).
        for name, page, field in phones if crash % 2 == 0 else phones[::-1]:
            add(name, page, field, f"{name} : envoyé pendant la panne {crash}", wait=False)
            time.sleep(chance.uniform(0.0, 0.02))
        server.process.kill()  # SIGKILL: no cleanup, no goodbye
        server.process.wait()
        kills += 1
        server.start()
        for _name, page, field in phones:
            wait_connected(page)
            left = field.input_value()
            if left:  # not shown as added: the text is still there, the person sends again
                stored_unseen += stored(server.database_url, workshop_id).get(left, 0)
                field.press("Enter")
                wait_idle(page)
                resent += 1
    counts = stored(server.database_url, workshop_id)
    with session_scope(url=server.database_url) as session:  # browser keys are 24 characters
        stale = session.exec(select(func.count()).select_from(Card).where(
            Card.workshop_id == workshop_id, func.length(Card.client_key) == 32)).one()
    print(f"\n{kills} kills, {len(typed)} cards typed, {resent} resent after a restart, "
          f"{stored_unseen} of them already stored before the resend, {stale} sent with a "
          "key the server had not handed back (core/services/once.py)")
    assert {text: counts.get(text, 0) for text in typed} == dict.fromkeys(typed, 1)
    for name, page, _field in phones:  # each phone shows every card it added
        for text in (t for t in typed if t.startswith(name)):
            page.get_by_text(text, exact=True).first.wait_for(timeout=10_000)
    assert "Traceback" not in server.log.read_text()


@pytest.mark.postgres
def test_postgresql_restarted_during_a_workshop(tmp_path, new_context):
    database = start_throwaway()
    if database is None:
        unavailable("no PostgreSQL binaries on this machine to restart a server")
    assert database is not None
    url = make_url(database.url).set(database="postgres").render_as_string(
        hide_password=False)
    server = Server(tmp_path, database_url=url)
    try:
        prepare_database(url, tmp_path)
        server.start()
        workshop_id, code = open_explore_in(url)
        dispose_engines(url)
        phone = new_context(viewport={"width": 390, "height": 844}).new_page()
        join(phone, server.url, code, "Paulette")
        field = phone.get_by_label("Nouveau besoin")
        field.fill("Avant la coupure")
        field.press("Enter")
        phone.get_by_text("Avant la coupure", exact=True).wait_for()
        wait_idle(phone)
        other = new_context(viewport={"width": 390, "height": 844}).new_page()
        join(other, server.url, code, "Marcel")

        database.halt()
        # The live part of the page says it is reconnecting, in French, without a traceback.
        phone.get_by_text(RECONNECTING).first.wait_for(timeout=15_000)
        phone.get_by_text(RECONNECTING).first.scroll_into_view_if_needed()
        phone.screenshot(path=str(ARTIFACTS / "postgresql-restarting-phone.png"))
        # A card sent meanwhile is refused out loud, its text kept to send again.
        field.fill("Pendant la coupure")
        field.press("Enter")
        phone.get_by_text("votre texte est gardé").first.wait_for(timeout=20_000)
        assert phone.get_by_label("Nouveau besoin").input_value() == "Pendant la coupure"
        assert phone.locator('[data-testid="stException"]').count() == 0
        # A phone reloads its page meanwhile: a new session, nobody known yet — it waits
        # at its own address, without Streamlit's "Page not found".
        other.reload()
        other.get_by_text(RECONNECTING).first.wait_for(timeout=20_000)
        assert not shows_not_found(other)

        database.start()
        phone.get_by_text(RECONNECTING).first.wait_for(state="detached", timeout=20_000)
        field = phone.get_by_label("Nouveau besoin")
        field.press("Enter")  # the same text, sent again: it goes in now
        phone.get_by_text("Pendant la coupure", exact=True).first.wait_for(timeout=15_000)
        wait_idle(phone)
        assert phone.locator('[data-testid="stException"]').count() == 0
        # Once it is back, the reloaded phone is on its page, as the same person.
        other.get_by_label("Nouveau besoin").wait_for(timeout=20_000)
        wait_idle(other)
        assert not shows_not_found(other) and "p=" in other.url
        other.get_by_text("Marcel").first.wait_for(state="attached")
        assert stored(url, workshop_id) | {} == {
            **stored(url, workshop_id), "Avant la coupure": 1, "Pendant la coupure": 1}
        assert "Traceback" not in server.log.read_text()
    finally:
        server.stop()
        dispose_engines(url)
        database.stop()


def test_a_card_sent_as_the_phase_changes_is_not_dropped(server):
    """A phone presses "Ajouter" just before its server takes it to the next phase: its
    submission reaches the server after the page switch, which dropped the form's fragment
    (Streamlit then ignores a rerun of that fragment). The card must be stored or refused
    out loud with its text shown back — never dropped without a word. Spoken as a browser
    speaks Streamlit's protocol (bench/load.py's Client), to time it exactly."""
    import asyncio
    import concurrent.futures

    from bench.load import Client, join_workshop
    from core.services import phases
    from core.services.accounts import actor_for_username
    from tests.browser.conftest import ADMIN

    workshop_id, code = open_explore(server)
    text = "Une carte envoyée au changement de phase"

    async def scenario() -> Client:
        phone = Client(server.port, query=f"code={code}")
        await phone.connect()
        errors: list[str] = []
        assert await join_workshop(phone, code, "Léon", errors), errors
        explore_page = phone.page_hash
        assert "FormSubmitter:need_capture-Ajouter" in phone.widgets
        assert phone.widget_fragments["FormSubmitter:need_capture-Ajouter"]  # in a fragment
        with session_scope(write=True, url=server.database_url) as session:
            phases.next_phase(session=session, actor=actor_for_username(session, ADMIN),
                              workshop_id=workshop_id)
        deadline = time.monotonic() + 10
        while phone.page_hash == explore_page:  # its server moves it on (ui/push.py)
            assert time.monotonic() < deadline, "the phone was not moved on"
            await asyncio.sleep(0.1)
        await phone.settle()
        # The browser had not drawn the new page yet: it sends from the form it showed.
        phone.page_hash = explore_page
        since = time.monotonic()
        await phone.rerun(states=[
            ("need_capture_text", "string_value", text),
            ("FormSubmitter:need_capture-Ajouter", "trigger_value", True)])
        deadline = time.monotonic() + 10
        while not [body for at, body in phone.alerts if at >= since]:
            assert time.monotonic() < deadline, "the card was dropped without a word"
            await asyncio.sleep(0.1)
        await phone.settle()
        await phone.close()
        return phone

    # In a thread of its own: Playwright's browser tests leave an event loop running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        phone = pool.submit(asyncio.run, scenario()).result()
    alerts = " ".join(body for _, body in phone.alerts)
    assert "Les besoins s'écrivent pendant la phase" in alerts, alerts
    assert stored(server.database_url, workshop_id).get(text) is None  # refused, not stored
