"""Two people write the same canvas section in their own browsers: the second to save is
shown both texts instead of overwriting the first; the canvas is laid out as a grid."""

import re
import time

from playwright.sync_api import expect
from sqlmodel import select

from core.domain.models import Canvas, CanvasRevision
from core.domain.templates import load_templates
from core.services import canvases, phases
from core.services.accounts import actor_for_username
from core.settings import PROJECT_ROOT
from core.storage.db import session_scope
from tests.browser.conftest import (
    ADMIN,
    ARTIFACTS,
    DEMO_WORKSHOP,
    box_of,
    guide_shot,
    join,
    wait_idle,
)


def prepare(server) -> tuple[str, int]:
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        canvas = canvases.start_canvas(session=session, actor=admin, workshop_id=workshop.id,
                                       templates=load_templates(PROJECT_ROOT / "data"),
                                       title="Épicerie-café du bourg")
        return workshop.join_code, canvas.id


def open_canvas(new_context, server, code, canvas_id, name, width):
    page = new_context(viewport={"width": width, "height": 1000}).new_page()
    token = join(page, server.url, code, name)
    page.goto(f"{server.url}/canvas?p={token}&c={canvas_id}")
    page.get_by_role("heading", name="Épicerie-café du bourg").wait_for()
    wait_idle(page)
    return page


def test_second_writer_sees_both_texts(server, new_context):
    code, canvas_id = prepare(server)
    paulette = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    marcel = open_canvas(new_context, server, code, canvas_id, "Marcel", 420)
    paulette.screenshot(path=str(ARTIFACTS / "canvas-1600.png"), full_page=True)
    marcel.screenshot(path=str(ARTIFACTS / "canvas-phone.png"))

    # Marcel is in the empty section, about to write; Paulette saves there first.
    other = marcel.get_by_label("Pour qui", exact=True)
    other.click()
    wait_idle(marcel)
    field = paulette.get_by_label("Pour qui", exact=True)
    field.fill("Les aînés sans voiture")
    field.press("Control+Enter")
    paulette.get_by_text("Enregistré par Paulette").wait_for()
    # Marcel's page follows the canvas, but his field is not replaced while he is in it.
    notice = marcel.get_by_text("a aussi enregistré cette case")
    notice.wait_for(timeout=5000)
    notice.scroll_into_view_if_needed()
    marcel.screenshot(path=str(ARTIFACTS / "canvas-phone-saved-too.png"))
    assert other.input_value() == ""
    marcel.keyboard.type("Les familles du bourg", delay=10)
    # His text is saved after a pause: over a version he did not see, so he sees both.
    marcel.get_by_text("a enregistré cette case pendant que vous écriviez").wait_for()
    marcel.get_by_text("Les aînés sans voiture").first.wait_for()
    with session_scope(url=server.database_url) as session:
        stored = [r.text for r in session.exec(select(CanvasRevision).where(
            CanvasRevision.canvas_id == canvas_id))]
    assert stored == ["Les aînés sans voiture"]  # nothing overwritten

    marcel.get_by_role("button", name="Enregistrer la fusion").click()
    wait_idle(marcel)
    with session_scope(url=server.database_url) as session:
        rows = session.exec(select(CanvasRevision).where(
            CanvasRevision.canvas_id == canvas_id).order_by(CanvasRevision.id)).all()
    assert [r.text for r in rows] == ["Les aînés sans voiture",
                                      "Les aînés sans voiture\n\nLes familles du bourg"]
    assert rows[1].base_revision_id == rows[0].id and rows[1].author_name == "Marcel"


def test_a_saved_section_appears_on_the_other_screens(server, new_context):
    code, canvas_id = prepare(server)
    paulette = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    marcel = open_canvas(new_context, server, code, canvas_id, "Marcel", 1600)
    mine = marcel.get_by_label("Pour qui", exact=True)
    mine.click()
    marcel.keyboard.type("Les familles", delay=10)  # he is writing elsewhere
    field = paulette.get_by_label("L'activité proposée", exact=True)
    field.fill("Une épicerie-café associative")
    field.press("Control+Enter")
    shown = marcel.get_by_label("L'activité proposée", exact=True)
    deadline = time.monotonic() + 5
    while shown.input_value() != "Une épicerie-café associative":
        assert time.monotonic() < deadline, "Paulette's text did not reach Marcel's screen"
        time.sleep(0.1)
    assert "/canvas" in marcel.url and mine.input_value() == "Les familles"
    guide_shot(marcel, "canevas")


def test_the_wide_canvas_is_a_grid(server, new_context):
    code, canvas_id = prepare(server)
    page = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    need = box_of(page.locator(".st-key-section-besoin"))
    who = box_of(page.locator(".st-key-section-pour-qui"))
    value = box_of(page.locator(".st-key-section-valeur"))
    assert abs(need["y"] - who["y"]) < 5 and who["x"] > need["x"] + need["width"] - 5
    assert value["y"] > need["y"] + need["height"] - 5  # the next row


def test_the_pdf_downloads_from_the_page(server, new_context):
    import io

    from pypdf import PdfReader

    code, canvas_id = prepare(server)
    page = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    field = page.get_by_label("L'activité proposée", exact=True)
    field.fill("Une épicerie-café : l’œuf à 0,30 €")
    field.press("Control+Enter")
    page.get_by_text("Enregistré par Paulette").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Télécharger \(PDF, à imprimer\)")).click()
    data = download.value.path().read_bytes()
    (ARTIFACTS / "canvas.pdf").write_bytes(data)
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Épicerie-café du bourg" in text and "l’œuf à 0,30 €" in text


def test_a_phase_change_does_not_take_away_what_is_being_typed(server, new_context):
    code, canvas_id = prepare(server)
    page = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    field = page.get_by_label("Les ressources nécessaires", exact=True)
    field.click()
    page.keyboard.type("Une chambre froide et", delay=10)
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.next_phase(session=session, actor=admin, workshop_id=workshop.id)
    page.get_by_text("Phase 2 sur").wait_for()
    page.get_by_text("L'atelier avance : aller à l'étape en cours").wait_for()
    assert "/canvas" in page.url and field.input_value() == "Une chambre froide et"
    page.keyboard.type(" un local", delay=10)
    field.press("Control+Enter")
    # The pause before the phase change may have saved the first half already (and shown
    # "Enregistré par Paulette"): wait for the whole text.
    assert wait_saved(server, "Une chambre froide et un local")[-1] == (
        "Une chambre froide et un local")
    page.get_by_text("Enregistré par Paulette").wait_for()


def saved_texts(server) -> list[str]:
    """Return the texts saved in this test's canvas (the demo holds another one)."""
    with session_scope(url=server.database_url) as session:
        return list(session.exec(
            select(CanvasRevision.text).join(Canvas, Canvas.id == CanvasRevision.canvas_id)
            .where(Canvas.title == "Épicerie-café du bourg").order_by(CanvasRevision.id)))


def wait_saved(server, text: str, seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while (texts := saved_texts(server))[-1:] != [text] and time.monotonic() < deadline:
        time.sleep(0.1)
    return texts


def test_typing_is_saved_without_leaving_the_field(server, new_context):
    code, canvas_id = prepare(server)
    page = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    field = page.get_by_label("Pour qui", exact=True)
    field.click()
    page.keyboard.type("Les aînés", delay=20)
    # A pause in the typing saves it: the field is still being written in.
    assert wait_saved(server, "Les aînés") == ["Les aînés"]
    page.keyboard.type(" sans voiture", delay=20)
    assert wait_saved(server, "Les aînés sans voiture")[-1] == "Les aînés sans voiture"
    assert field.input_value() == "Les aînés sans voiture"  # what is typed stays
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    # Typing and closing the tab at once: the tab sends it as it closes — or, if that did
    # not get through, the browser kept it and sends it when the canvas opens again.
    page.keyboard.type(" et les familles", delay=5)
    address, context = page.url, page.context
    page.close()
    again = context.new_page()
    again.goto(address)
    assert wait_saved(server, "Les aînés sans voiture et les familles")[-1] == (
        "Les aînés sans voiture et les familles")
    again.get_by_text("Enregistré par Paulette").wait_for()
    # The field shows the whole text once the page has drawn it (the run that saves the
    # text kept in the browser may come after the first drawing: not at once).
    expect(again.get_by_label("Pour qui", exact=True)).to_have_value(
        "Les aînés sans voiture et les familles", timeout=10_000)
    # Acknowledged by the server, the browser's copy is dropped.
    again.wait_for_function("Object.keys(localStorage).filter(k => k.startsWith("
                            "'fabrique-draft:')).length === 0", timeout=10_000)


def test_a_text_that_never_reached_the_server_is_sent_on_return(server, new_context):
    code, canvas_id = prepare(server)
    page = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    page.get_by_label("Pour qui", exact=True).click()
    wait_idle(page)
    # The connection drops: what is typed cannot be sent, and the tab is closed.
    page.evaluate("window.__fabriqueDrafts.setTriggerValue = () => {}")
    page.keyboard.type("Les aînés du bourg", delay=5)
    page.evaluate("window.__fabriqueDrafts.flush()")
    address, context = page.url, page.context
    page.close()
    assert saved_texts(server) == []
    again = context.new_page()
    again.goto(address)
    assert wait_saved(server, "Les aînés du bourg") == ["Les aînés du bourg"]
    again.get_by_text("Enregistré par Paulette").wait_for()


def test_a_text_whose_sending_was_lost_is_sent_again(server, new_context):
    code, canvas_id = prepare(server)
    page = open_canvas(new_context, server, code, canvas_id, "Paulette", 1600)
    page.get_by_label("Pour qui", exact=True).click()
    wait_idle(page)
    # The first message after the pause is lost on the way (the next ones get through).
    page.evaluate("""() => {
        const c = window.__fabriqueDrafts, real = c.setTriggerValue;
        c.lost = 0;
        c.setTriggerValue = (...args) => c.lost++ ? real(...args) : undefined;
    }""")
    page.keyboard.type("Les aînés du bourg", delay=5)
    page.wait_for_function("window.__fabriqueDrafts.lost === 1")
    assert saved_texts(server) == []
    # Not acknowledged: sent again a few seconds later, in the same page.
    assert wait_saved(server, "Les aînés du bourg") == ["Les aînés du bourg"]
    page.wait_for_function("Object.keys(localStorage).filter(k => k.startsWith("
                           "'fabrique-draft:')).length === 0", timeout=10_000)
    assert page.evaluate("window.__fabriqueDrafts.lost") == 2  # once lost, once resent
    assert page.get_by_label("Pour qui", exact=True).input_value() == "Les aînés du bourg"
    # Elsewhere in the app, a text still waiting is not sent: it waits for its page.
    # (Not "Atelier": during the canvas step it takes a participant back to the canvas.)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Prochaines étapes").click()
    page.get_by_role("heading", name="Prochaines étapes").first.wait_for()
    page.get_by_label("Pour qui", exact=True).wait_for(state="detached")
    wait_idle(page)
    page.evaluate("""() => {
        const c = window.__fabriqueDrafts;
        c.store.set('pour-qui', {text: 'Les aînés', base: null, seq: Date.now()});
        c.sent = 0;
        c.setTriggerValue = () => { c.sent++; };
    }""")
    page.wait_for_timeout(6000)  # past the 4 s after which a text waiting is sent again
    assert page.evaluate("window.__fabriqueDrafts.sent") == 0
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith("
                         "'fabrique-draft:')).length") == 1


def test_a_canvas_started_by_the_facilitator_appears_in_the_phones_list(server, new_context):
    code, _first = prepare(server)
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    token = join(page, server.url, code, "Paulette")
    page.goto(f"{server.url}/canvas?p={token}")
    page.get_by_role("button", name="Épicerie-café du bourg").wait_for()
    wait_idle(page)
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        canvases.start_canvas(session=session, actor=admin, workshop_id=workshop.id,
                              templates=load_templates(PROJECT_ROOT / "data"),
                              title="Garage solidaire")
    start = time.monotonic()
    page.get_by_role("button", name="Garage solidaire").wait_for(timeout=10_000)
    assert time.monotonic() - start < 4
