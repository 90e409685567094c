"""Every press counts and every link opens, in Chromium against a served Fabrique:

- every address Fabrique hands out or documents opens without Streamlit's English "Page not
  found" box, on a cold server and a warm one, from a fresh phone or one that was on
  another page, and in one script run (no second run that could stop a run carrying a
  press: the re-login cookie is no longer an iframe reporting back);
- phones pressing "Rejoindre" together, and facilitators "Se connecter", on a laptop whose
  two cores are kept busy: every press gives the person's page or a message, and no
  participant is stored without their browser getting their link (an "orphan", locked out of
  their own name);
- the re-login cookie is HttpOnly, set over HTTP, and deleted when logging out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager

from sqlmodel import select

from core.domain.models import AccessRole, Participant, Role
from core.services import canvas_links, participants, workshops
from core.services.accounts import actor_for_username
from core.storage.db import session_scope
from tests.browser.conftest import (
    ADMIN,
    Runs,
    Wire,
    login,
    shows_not_found,
    wait_idle,
)
from tests.browser.test_live import open_explore_in
from tests.conftest import PASSWORD, make_user
from ui import screens

PHONE = {"width": 390, "height": 844}
# Each Material Symbols icon shown on the page, with its width in em once the fonts loaded.
ICON_WIDTHS_JS = """async () => {
  await document.fonts.ready;
  return [...document.querySelectorAll('body *')].filter(el =>
      getComputedStyle(el).fontFamily.includes('Material Symbols') && el.children.length === 0
      && el.textContent.trim() && el.getBoundingClientRect().width > 0)
    .map(el => [el.textContent.trim(),
                el.getBoundingClientRect().width / parseFloat(getComputedStyle(el).fontSize)]);
}"""
# Joins and logins pressed, four at a time. The suite presses 24 and 8 (about a minute);
# FABRIQUE_JOINS=200 FABRIQUE_LOGINS=40 gives the figures of docs/developer.md (about 7 minutes).
JOINS = int(os.environ.get("FABRIQUE_JOINS", "24"))
# Addresses opened at once by the walk (as several people opening links).
TOGETHER = 4
LOGINS = int(os.environ.get("FABRIQUE_LOGINS", "8"))


def prepare(server) -> dict:
    """The demo workshop in "explore", a participant, a removed one, the collective's link."""
    workshop_id, code = open_explore_in(server.database_url)
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        joined = participants.join_workshop(session=session, code=code, display_name="Rose")
        gone = participants.join_workshop(session=session, code=code, display_name="Gaston")
        participants.remove_participant(session=session, actor=admin, participant_id=gone.id)
        collective_id = workshops.get_workshop(session=session, actor=admin,
                                               workshop_id=workshop_id).collective_id
        link = canvas_links.create_access(session=session, actor=admin,
                                          collective_id=collective_id, role=AccessRole.EDIT)
        return {"workshop": workshop_id, "code": code, "token": joined.token,
                "removed": gone.token, "link": link.code}


def opened(page, url: str) -> tuple[int, int, bool]:
    """Open ``url`` in ``page``: the runs it asked for and got, and whether the box showed."""
    runs = Runs(page)
    page.goto(url)
    wait_idle(page)
    page.wait_for_timeout(300)  # a second run would have been asked for by now
    return runs.asked, runs.full, shows_not_found(page)


def test_every_address_opens_without_a_box_and_in_one_run(server, new_context):
    world = prepare(server)
    base, token, k, w = server.url, world["token"], world["link"], world["workshop"]
    seen: list[tuple[str, int, int, bool]] = []

    # One browser per kind of person (a fresh phone costs a first load of Streamlit's
    # files): a page each, so each opening is a new session, as a link opened anew is.
    visitors = new_context(viewport=PHONE)

    def visit(url: str, expect: str, page) -> None:
        asked, full, box = opened(page, base + url)
        seen.append((url, asked, full, box))
        page.get_by_text(expect).first.wait_for(state="attached", timeout=10_000)

    def visit_together(visits: list[tuple[str, str]], context) -> None:
        """Open the addresses a few at a time, each in a new page (as links opened by
        several people at once), and check each as ``visit`` does."""
        for at in range(0, len(visits), TOGETHER):
            opening = []
            for url, expect in visits[at:at + TOGETHER]:
                page = context.new_page()
                runs = Runs(page)
                page.goto(base + url, wait_until="commit")
                opening.append((url, expect, page, runs))
            for _url, _expect, page, _runs in opening:
                wait_idle(page)
            opening[-1][2].wait_for_timeout(300)  # a second run would have been asked for
            for url, expect, page, runs in opening:
                seen.append((url, runs.asked, runs.full, shows_not_found(page)))
                page.get_by_text(expect).first.wait_for(state="attached", timeout=10_000)
                page.close()

    # Cold: the very first page this server serves is a participant's personal link, on a
    # fresh phone; Streamlit's files come compressed (launch/compression.py).
    cold = new_context(viewport=PHONE).new_page()
    wire = Wire(cold)
    visit(f"/workshop?p={token}", "Nouveau besoin", cold)
    scripts = {wire.urls[rid].rsplit("/", 1)[-1]: wire.encodings[rid]  # the tiny ones aside
               for rid, size in wire.sizes.items()
               if wire.urls.get(rid, "").endswith(".js") and size > 2000}
    assert len(scripts) > 20 and set(scripts.values()) == {"gzip"}, scripts
    # Its icons come from Streamlit's font cut down to those drawn (launch/icons.py): 20 kB
    # instead of 375, and the first load under 1 MB (3.1 MB uncompressed, 1.21 MB gzipped
    # with the whole font). Each icon on the page is drawn as its glyph, about one em wide:
    # a name the cut lacked would show as its word ("front_hand"), several em wide.
    fonts = [size for rid, size in wire.sizes.items()
             if "MaterialSymbols" in wire.urls.get(rid, "")]
    assert len(fonts) == 1 and fonts[0] < 40_000, wire.largest()
    assert wire.total() < 1_000_000, wire.largest()
    icons = cold.evaluate(ICON_WIDTHS_JS)
    assert len(icons) >= 3 and all(width <= 1.6 for _, width in icons), icons
    # A visitor: every address of the app, with and without what it is handed out with.
    by_visitors = [("/", "Connexion animateur·rice"), ("/login", "Connexion animateur·rice"),
                   ("/join", "Rejoindre un atelier"),
                   (f"/join?code={world['code']}", "Rejoindre un atelier")]
    # Every screen of the registry (ui/screens.py): a participant's asks to join, the guide
    # opens for anyone, the others ask to sign in.
    asks_to_join = {s.url_path for s in screens.PARTICIPANT_SCREENS}
    open_to_all = {s.url_path for s in screens.OPEN_TO_ALL}
    by_visitors += [(f"/{screen.url_path}", "Rejoindre un atelier"
                     if screen.url_path in asks_to_join else "Le guide de l'animateur·rice"
                     if screen.url_path in open_to_all else "Connexion animateur·rice")
                    for screen in screens.ALL if screen.url_path not in ("login", "join")]
    # A participant's personal link, on each of their pages; one no longer valid.
    by_visitors += [(f"/{path}?p={token}", "Rose") for path in
                    ("workshop", "explore", "ideas", "canvas", "relation", "next_steps")]
    by_visitors.append((f"/workshop?p={world['removed']}",
                        "Ce lien personnel n'ouvre plus d'atelier"))
    # The collective's link, between sessions; one that opens nothing.
    by_visitors += [(f"/canvas?k={k}", "Formaliser"), (f"/next_steps?k={k}", "Prochaines étapes"),
                    ("/canvas?k=not-a-link", "Ce lien du collectif n'ouvre plus rien")]
    visit_together(by_visitors, visitors)
    # A phone that was on the join page, then opens its personal link.
    phone = new_context(viewport=PHONE).new_page()
    visit("/join", "Rejoindre un atelier", phone)
    visit(f"/workshop?p={token}", "Nouveau besoin", phone)
    # A facilitator: every page of theirs, with the workshop open, and the others.
    laptop = new_context()
    login(laptop.new_page(), base)
    visit_together([(f"/{screen.url_path}?w={w}", "Connecté·e : Anna Animatrice")
                    for screen in screens.ALL
                    if screen.url_path not in ("login", "join", "workshop")]
                   + [(f"/{path}", "Collectifs et ateliers")
                      for path in ("login", "join", "workshop", "")], laptop)

    boxes = [url for url, _a, _f, box in seen if box]
    assert boxes == [], f"'Page not found' on {boxes}"
    walked = {url.split("?")[0].strip("/") for url, _a, _f, _b in seen}
    assert {s.url_path for s in screens.ALL} <= walked
    # One run each, asked once by the browser and run once by the server — but for a
    # participant's "Atelier" during a phase with a board: the server sends the phone on
    # to that board's address before drawing anything (one request; the first run stops
    # at once, before any element, so no press can be in it).
    sent_on = {f"/workshop?p={token}"}
    more = [(url, asked, full) for url, asked, full, _box in seen
            if asked != 1 or full != (2 if url in sent_on else 1)]
    assert more == [], f"opened in more than one run: {more}"
    print(f"\n{len(seen)} addresses opened, none behind a box; runs per opening: "
          f"{sorted({(a, f) for _u, a, f, _b in seen})}")


@contextmanager
def busy_laptop(processes: int = 2):
    """Two processes burning a core each, as the laptop also projects and plays music."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(processes)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def outcome(page, seconds: float = 45) -> str:
    """What the person pressing saw: their page ("joined", their link in the address), a
    message ("refused: …"), or "lost" (nothing) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if "p=" in page.url:
            return "joined"
        alert = page.locator('[data-testid="stAlert"]')
        if alert.count():
            return "refused: " + alert.first.inner_text()[:80]
        page.wait_for_timeout(50)
    return "lost"


def test_joins_pressed_together_on_a_busy_laptop_are_never_lost(server, new_context):
    world = prepare(server)
    phones = [new_context(viewport=PHONE).new_page() for _ in range(4)]
    results: dict[str, str] = {}
    tokens: dict[str, str] = {}
    started = time.monotonic()
    with busy_laptop():
        for round_ in range(JOINS // len(phones)):
            names = [f"Marcel {round_}-{i}" for i in range(len(phones))]
            for phone in phones:
                phone.goto(f"{server.url}/join?code={world['code']}", wait_until="commit")
            for phone, name in zip(phones, names, strict=True):
                phone.get_by_label("Votre nom").fill(name)
            for phone in phones:  # pressed together, within milliseconds
                phone.get_by_role("button", name="Rejoindre").click(no_wait_after=True)
            for phone, name in zip(phones, names, strict=True):
                results[name] = outcome(phone)
                if results[name] == "joined":
                    tokens[name] = re.search(r"[?&]p=([^&]+)", phone.url).group(1)
    took = time.monotonic() - started
    with session_scope(url=server.database_url) as session:
        stored = {p.display_name: p.token for p in session.exec(
            select(Participant).where(Participant.workshop_id == world["workshop"]))}
    lost = [name for name, seen in results.items() if seen == "lost"]
    refused = {name: seen for name, seen in results.items() if seen.startswith("refused")}
    orphans = [name for name in results if name in stored and tokens.get(name) != stored[name]]
    print(f"\n{len(results)} joins pressed four at a time beside two busy cores in "
          f"{took:.0f} s: {len(tokens)} joined, {len(refused)} refused, {len(lost)} lost, "
          f"{len(orphans)} orphans")
    assert len(results) == JOINS
    assert lost == [] and orphans == [] and refused == {}


def test_logins_pressed_together_on_a_busy_laptop_are_never_lost(server, new_context):
    names = [f"anim{i}" for i in range(4)]
    with session_scope(write=True, url=server.database_url) as session:
        for name in names:
            make_user(session, name, Role.FACILITATOR)
    results = []
    with busy_laptop():
        for _round in range(LOGINS // len(names)):
            pages = [new_context().new_page() for _ in names]
            for page in pages:
                page.goto(f"{server.url}/login", wait_until="commit")
            for page, name in zip(pages, names, strict=True):
                page.get_by_label("Identifiant").fill(name)
                page.get_by_label("Mot de passe").fill(PASSWORD)
            for page in pages:
                page.get_by_role("button", name="Se connecter").click(no_wait_after=True)
            for page in pages:
                heading = page.get_by_role("heading", name="Collectifs et ateliers")
                try:
                    heading.wait_for(timeout=45_000)
                    results.append("signed in")
                except Exception:  # noqa: BLE001 - counted, and said below
                    alert = page.locator('[data-testid="stAlert"]')
                    results.append("refused: " + alert.first.inner_text()[:80]
                                   if alert.count() else "lost")
                page.context.close()
    print(f"\n{len(results)} logins pressed four at a time beside two busy cores: "
          f"{results.count('signed in')} signed in, {results.count('lost')} lost")
    assert results == ["signed in"] * LOGINS


def test_the_re_login_cookie_is_http_only_and_logging_out_deletes_it(server, new_context):
    context = new_context()
    page = context.new_page()
    login(page, server.url)
    cookie = next(c for c in context.cookies() if c["name"] == "fabrique_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("fabrique_session") == -1  # not for scripts
    # Another tab of the same browser opens signed in, in one run.
    other = context.new_page()
    asked, full, box = opened(other, f"{server.url}/home")
    other.get_by_role("heading", name="Collectifs et ateliers").wait_for()
    assert (asked, full, box) == (1, 1, False)
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Se connecter").wait_for()
    deadline = time.monotonic() + 10
    while any(c["name"] == "fabrique_session" for c in context.cookies()):
        assert time.monotonic() < deadline, "logging out did not delete the re-login cookie"
        page.wait_for_timeout(100)
    fresh = context.new_page()
    fresh.goto(f"{server.url}/home")
    fresh.get_by_role("button", name="Se connecter").wait_for()


def test_a_cookie_for_an_account_deactivated_since_is_dropped(server, new_context):
    with session_scope(write=True, url=server.database_url) as session:
        make_user(session, "partie", Role.FACILITATOR)
    context = new_context()
    page = context.new_page()
    login(page, server.url, "partie")
    from core.domain.models import User, utcnow

    with session_scope(write=True, url=server.database_url) as session:
        user = session.exec(select(User).where(User.username == "partie")).one()
        user.deactivated_at = utcnow()
        session.commit()
    again = context.new_page()
    runs = Runs(again)
    again.goto(f"{server.url}/home")
    again.get_by_role("button", name="Se connecter").wait_for()
    wait_idle(again)
    again.wait_for_timeout(2000)
    assert runs.asked == 1 and runs.full == 1  # its deletion starts no run of its own
    deadline = time.monotonic() + 10
    while any(c["name"] == "fabrique_session" for c in context.cookies()):
        assert time.monotonic() < deadline, "the deactivated account's cookie was kept"
        again.wait_for_timeout(100)

