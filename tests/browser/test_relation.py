"""Et la collectivité ? in Chromium: a new evening of the demo collective diagnoses its café
associatif (at "observation" since the earlier evening). The facilitator chooses the
project; three phones tick the signs they recognise; the wall counts the answers, then,
revealed, shows how many said each level; the facilitator records "collaboration" and makes
two levers next steps, which the phones' Prochaines étapes page lists; the synthesis PDF
holds the section, its page drawn as an image with the scale's chart on it."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlmodel import select

from core.domain import inputs
from core.domain.models import Action, Canvas, Collective, PhaseKind
from core.domain.templates import load_templates
from core.services import phases, relation, workshops
from core.services.accounts import actor_for_username
from core.settings import PROJECT_ROOT
from core.storage.db import session_scope
from tests.browser.conftest import (
    ADMIN,
    ARTIFACTS,
    axe_violations,
    guide_shot,
    join,
    login,
    wait_idle,
)

TEMPLATES = load_templates(PROJECT_ROOT / "data")
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
WALL = {"width": 1920, "height": 1080}
ANSWERS = {  # what each phone recognises
    "Josiane": ["Curiosité réciproque", "Le collectif et la collectivité se voient"],
    "Karim": ["Compréhension des contraintes", "Le collectif et la collectivité se voient"],
    "Lucie": ["Curiosité réciproque", "Réseau d'information"],
}


def evening(server) -> tuple[int, str, int, str]:
    """A second evening of the demo collective, started at its diagnostic step."""
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        collective = session.exec(select(Collective).where(
            Collective.slug == "demo-miallet")).one()
        workshop = workshops.create_workshop(
            session=session, actor=admin, collective_id=collective.id,
            workshop_in=inputs.WorkshopCreate(title="Soirée de suivi du café"),
            workshop_format=TEMPLATES.formats["soiree-2h"], lang="fr")
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        index = next(p.position for p in phases.phases_of(session, workshop.id)
                     if p.kind == PhaseKind.DIAGNOSTIC)
        phases.go_to(session=session, actor=admin, workshop_id=workshop.id, index=index)
        café = session.exec(select(Canvas).where(Canvas.collective_id == collective.id,
                                                 Canvas.title.startswith("Un café"))).one()
        return workshop.id, workshop.join_code, café.id, café.title


def test_three_phones_diagnose_the_cafe_and_two_levers_become_next_steps(server, new_context):
    workshop_id, code, canvas_id, title = evening(server)
    facilitator = new_context(viewport=LAPTOP).new_page()
    login(facilitator, server.url)
    facilitator.goto(f"{server.url}/relation?w={workshop_id}")
    wait_idle(facilitator)
    facilitator.get_by_role("heading", name="Et la collectivité ?").wait_for()
    # The collective has two canvases: the facilitator chooses the café.
    facilitator.get_by_label("Le projet sur lequel la salle répond").click()
    facilitator.get_by_role("option", name=title).click()
    wait_idle(facilitator)

    wall = new_context(viewport=WALL).new_page()
    login(wall, server.url)
    wall.goto(f"{server.url}/projector?w={workshop_id}")

    phones = {}
    for name in ANSWERS:
        phone = new_context(viewport=PHONE).new_page()
        join(phone, server.url, code, name)
        phone.get_by_role("heading", name="Et la collectivité ?").wait_for(timeout=15_000)
        phones[name] = phone
    wall.get_by_text("0 / 3 ont répondu").wait_for(timeout=15_000)
    wall.get_by_text("Où en est le projet avec sa collectivité ?").wait_for()
    for name, signs in ANSWERS.items():
        phone = phones[name]
        wait_idle(phone)
        for sign in signs:
            phone.get_by_text(sign).first.click()
        if name == "Josiane":  # her signs point to observation; she says collaboration
            phone.get_by_role("radiogroup").get_by_text("Collaboration", exact=True).click()
        phone.get_by_role("button", name="Envoyer").click()
        phone.get_by_text("Les signes cochés indiquent").wait_for()
    phones["Josiane"].get_by_text("Les signes cochés indiquent « Observation ». Votre "
                                  "réponse : « Collaboration ».").wait_for()
    phones["Karim"].screenshot(path=str(ARTIFACTS / "relation-phone-answer.png"),
                               full_page=True)
    wall.get_by_text("3 / 3 ont répondu").wait_for(timeout=15_000)
    wall.screenshot(path=str(ARTIFACTS / "relation-wall-count.png"))
    # Nobody's answer on the wall before the reveal.
    assert "Collaboration" not in wall.locator(".fab-projector-group").all_inner_texts()

    # --- revealed together: the scale on the wall and on the phones -----------------------
    facilitator.reload()
    wait_idle(facilitator)
    facilitator.get_by_role("button", name="Dévoiler les réponses").click()
    wait_idle(facilitator)
    ranking = wall.locator(".fab-projector-group", has_text="Relation avec la collectivité")
    ranking.wait_for(timeout=15_000)
    rows = {row.locator(".fab-rank-title").inner_text():
            row.locator(".fab-rank-score").inner_text()
            for row in ranking.locator(".fab-rank-row").all()}
    assert rows == {"Défiance": "0 personne", "Observation": "1 personne",
                    "Collaboration": "2 personnes", "Co-portage": "0 personne"}
    wall.screenshot(path=str(ARTIFACTS / "relation-wall-revealed.png"))
    guide_shot(wall, "collectivite")
    phones["Lucie"].get_by_text("écart entre les réponses", exact=False).wait_for(
        timeout=15_000)
    # Where it stood, from the earlier evening, until the room agrees again.
    phones["Lucie"].get_by_text("Jusqu'ici : Observation (").wait_for()
    phones["Lucie"].screenshot(path=str(ARTIFACTS / "relation-phone-revealed.png"),
                               full_page=True)

    # --- the level agreed, and two levers as next steps ------------------------------------
    facilitator.get_by_text("Collaboration", exact=True).last.click()
    facilitator.get_by_label("Une note (ce qui vous le fait dire)").fill(
        "La mairie prête la salle ; on se connaît mieux")
    facilitator.get_by_role("button", name="Enregistrer le niveau").click()
    wait_idle(facilitator)
    facilitator.get_by_text("Niveau retenu : Collaboration (").wait_for()
    facilitator.get_by_text("Son parcours : Observation").wait_for()
    for lever in ("financement-hybride", "expertise-ciblee"):
        facilitator.locator(f".st-key-levers_{canvas_id}_{lever}").get_by_text(
            "Choisir ce levier").click()
        wait_idle(facilitator)
    facilitator.get_by_label("Qui", exact=True).first.fill("Martine")
    facilitator.get_by_role("button", name="Ajouter aux prochaines étapes").click()
    facilitator.get_by_text("2 prochaines étapes ajoutées.").wait_for()
    facilitator.screenshot(path=str(ARTIFACTS / "relation-facilitator.png"), full_page=True)
    assert axe_violations(facilitator) == []
    with session_scope(url=server.database_url) as session:
        made = session.exec(select(Action).where(Action.workshop_id == workshop_id,
                                                 Action.lever != "")).all()
        assert sorted((a.lever, a.who) for a in made) == [
            ("collectivite:expertise-ciblee", ""),
            ("collectivite:financement-hybride", "Martine")]
        assert relation.current_levels(session, [canvas_id]) == {canvas_id: "collaboration"}

    # --- the phones follow to the next steps and see them --------------------------------
    # The phones see the level agreed and its levers as soon as it is recorded.
    phones["Lucie"].get_by_text("Niveau retenu : Collaboration").wait_for(timeout=15_000)
    phones["Lucie"].screenshot(path=str(ARTIFACTS / "relation-phone-agreed.png"),
                               full_page=True)
    with session_scope(write=True, url=server.database_url) as session:
        phases.next_phase(session=session, actor=actor_for_username(session, ADMIN),
                          workshop_id=workshop_id)
    phone = phones["Josiane"]
    phone.get_by_role("heading", name="Prochaines étapes").wait_for(timeout=15_000)
    phone.get_by_text("Développer des modèles hybrides de financement").first.wait_for()
    phone.get_by_text("Améliorer l'accès à une expertise ciblée").first.wait_for()

    # --- the livrable: the section, and its chart on the page -----------------------------
    facilitator.goto(f"{server.url}/synthesis?w={workshop_id}")
    wait_idle(facilitator)
    facilitator.get_by_role("heading", name="Relation avec la collectivité").wait_for()
    with facilitator.expect_download() as pdf:
        facilitator.get_by_role("button", name="Télécharger (PDF)").click()
    data = pdf.value.path().read_bytes()
    (ARTIFACTS / "synthese-relation.pdf").write_bytes(data)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    (number,) = [i for i, text in enumerate(pages) if "Niveau retenu" in text]
    text = re.sub(r"\s+", " ", pages[number])
    after = re.sub(r"\s+", " ", " ".join(pages[number:]))
    assert "Relation avec la collectivité" in text and "Niveau retenu : Collaboration" in text
    assert "Son parcours : Observation" in text and "→ Collaboration" in text
    assert "Leviers choisis et leurs étapes" in after
    assert "Développer des modèles hybrides de financement" in after
    assert _drawn_in_brand_colour(data, number) > 2_000  # the agreed level's bar


def _drawn_in_brand_colour(pdf: bytes, page: int) -> int:
    """Return how many pixels of the page, drawn as an image, are the chart's dark bar
    colour (#b03a0a): the chart is on the page, not only its table."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    image = document[page].render(scale=1.5).to_pil().convert("RGB")
    image.save(ARTIFACTS / "synthese-relation-page.png")
    pixels = image.tobytes()
    return sum(1 for i in range(0, len(pixels), 3)
               if abs(pixels[i] - 0xB0) < 12 and abs(pixels[i + 1] - 0x3A) < 12
               and abs(pixels[i + 2] - 0x0A) < 12)
