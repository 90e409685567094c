"""A whole demo workshop run to its end in Chromium, as a facilitator, two phones and the
wall, then its synthesis downloaded: a scenario to look at (screenshots of the wall in every
phase, the phones, the synthesis page; the PDF and the DOCX), not a timed test.

What people do goes through the pages: joining, the phases moved by "Phase suivante",
needs, ideas, votes, a canvas section, next steps, "Je m'en occupe", ending the workshop,
the downloads. Two set-up steps a facilitator makes with several clicks go through the
services to keep the script short: accepting groups and choosing what is scored.

    .venv/bin/python bench/journey.py [--out test-artifacts/journey]
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _setup import ROOT


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "journey")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    from docx import Document
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader
    from sqlmodel import select

    from core.domain.models import Card, CardKind
    from core.domain.templates import load_templates
    from core.services import canvases, clusters, scoring
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope
    from tests.browser.conftest import (
        ADMIN,
        CHROMIUM,
        CHROMIUM_ARGS,
        DEMO_WORKSHOP,
        Server,
        join,
        login,
        prepare_database,
        wait_idle,
    )
    from tests.browser.test_scoring import vote

    templates = load_templates(ROOT / "data")
    data_dir = Path(tempfile.mkdtemp())
    server = Server(data_dir)
    prepare_database(server.database_url, data_dir)
    server.start()
    started = time.perf_counter()

    def step(label: str) -> None:
        print(f"{time.perf_counter() - started:6.1f} s  {label}", flush=True)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            facilitator = browser.new_context(viewport={"width": 1366, "height": 768},
                                              locale="fr-FR").new_page()
            login(facilitator, server.url)
            with session_scope(url=server.database_url) as session:
                workshop = session.exec(DEMO_WORKSHOP).one()
                wid, code = workshop.id, workshop.join_code
            facilitator.get_by_role("button", name="Démarrer").click()
            wait_idle(facilitator)
            facilitator.locator(f".st-key-open_{wid} button").click()
            facilitator.get_by_role("heading", name="Animer l'atelier").wait_for()
            step("facilitator: demo workshop started and open")

            wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            login(wall, server.url)
            wall.goto(f"{server.url}/projector?w={wid}")
            wait_idle(wall)
            phones = {}
            for name in ("Paulette", "Marcel"):
                phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                join(phone, server.url, code, name)
                phones[name] = phone
            step("two phones joined by the code")

            def next_phase(expected: str) -> None:
                facilitator.get_by_role("button", name="Phase suivante").click()
                wait_idle(facilitator)
                facilitator.get_by_text(expected).first.wait_for()
                for phone in phones.values():
                    wait_idle(phone)
                wall.wait_for_timeout(1500)
                wait_idle(wall)

            def shoot(label: str) -> None:
                wall.screenshot(path=str(out / f"wall-{label}.png"))

            shoot("1-welcome")
            next_phase("Phase 2 sur 9")
            next_phase("Phase 3 sur 9")
            needs = {"Paulette": ["Plus de commerce au bourg", "Les aînés sont seuls le soir"],
                     "Marcel": ["Pas de bus le dimanche", "Nulle part où se retrouver"]}
            for name, texts in needs.items():
                field = phones[name].get_by_label("Nouveau besoin")
                field.click()
                for text in texts:
                    phones[name].keyboard.type(text, delay=5)
                    phones[name].keyboard.press("Enter")
                    phones[name].wait_for_timeout(300)
                    wait_idle(phones[name])
            wall.get_by_text("Nulle part où se retrouver").first.wait_for(timeout=10_000)
            shoot("3-explore")
            phones["Paulette"].screenshot(path=str(out / "phone-explore.png"))
            step("explore: four needs typed on the phones, on the wall")
            next_phase("Phase 4 sur 9")
            shoot("4-exchange")
            next_phase("Phase 5 sur 9")
            ideas = {"Paulette": "Un café-épicerie associatif", "Marcel": "Un minibus partagé"}
            for name, text in ideas.items():
                field = phones[name].get_by_label("Nouvelle idée")
                field.fill(text)
                field.press("Enter")
                wait_idle(phones[name])
            wall.get_by_text("Un minibus partagé").first.wait_for(timeout=10_000)
            shoot("5-ideas")
            step("ideas: one idea from each phone")

            with session_scope(write=True, url=server.database_url) as session:
                admin = actor_for_username(session, ADMIN)
                idea_ids = list(session.exec(select(Card.id).where(
                    Card.workshop_id == wid, Card.kind == CardKind.IDEA).order_by(Card.id)))
                clusters.accept_groups(session=session, actor=admin, workshop_id=wid, groups=[
                    clusters.ProposedGroup("Lieux et commerces", idea_ids[-2:-1]),
                    clusters.ProposedGroup("Se déplacer", idea_ids[-1:])])
                scoring.apply_criteria_set(session=session, actor=admin, workshop_id=wid,
                                           criteria_set=templates.criteria_sets["impact-effort"])
                # What the room scores: the two ideas typed on the phones.
                candidates = [c.id for c in scoring.set_candidates(
                    session=session, actor=admin, workshop_id=wid, card_ids=idea_ids[-2:])]
            next_phase("Phase 6 sur 9")
            shoot("6-group")
            next_phase("Phase 7 sur 9")
            shoot("7-score-voting")
            ballots = {"Paulette": {candidates[0]: ("5", "2"), candidates[1]: ("3", "4")},
                       "Marcel": {candidates[0]: ("4", "Je ne sais pas"),
                                  candidates[1]: ("4", "4")}}
            for name, ballot in ballots.items():
                phone = phones[name]
                phone.get_by_role("heading", name="Mon vote").wait_for()
                wait_idle(phone)
                for candidate, values in ballot.items():
                    vote(phone, candidate, values)
            step("score: both phones voted (2 criteria × 2 candidates)")
            facilitator.goto(f"{server.url}/score?w={wid}")
            wait_idle(facilitator)
            facilitator.get_by_role("button", name="Révéler les résultats").click()
            wait_idle(facilitator)
            wall.wait_for_timeout(1500)
            shoot("7-score-revealed")
            phones["Paulette"].screenshot(path=str(out / "phone-score.png"), full_page=True)
            phones["Paulette"].goto(phones["Paulette"].url.replace("/score", "/results"))
            phones["Paulette"].get_by_text("Un café-épicerie associatif").first.wait_for()
            wait_idle(phones["Paulette"])
            phones["Paulette"].screenshot(path=str(out / "phone-results.png"))

            with session_scope(write=True, url=server.database_url) as session:
                admin = actor_for_username(session, ADMIN)
                scoring.set_selected(session=session, actor=admin, candidate_id=candidates[0],
                                     selected=True)
                canvas = canvases.start_canvas(session=session, actor=admin, workshop_id=wid,
                                               templates=templates, candidate_id=candidates[0])
                canvas_id = canvas.id
            facilitator.goto(f"{server.url}/facilitate?w={wid}")
            wait_idle(facilitator)
            next_phase("Phase 8 sur 9")
            phone = phones["Marcel"]
            phone.goto(phone.url.split("?")[0].rsplit("/", 1)[0]
                       + f"/canvas?p={phone.url.split('p=')[1].split('&')[0]}&c={canvas_id}")
            wait_idle(phone)
            field = phone.get_by_label("L'activité proposée", exact=True)
            field.fill("Un café-épicerie ouvert quatre demi-journées, tenu par des bénévoles.")
            field.press("Control+Enter")
            phone.get_by_text("Enregistré par Marcel").wait_for()
            wall.wait_for_timeout(1500)
            shoot("8-formalise")
            step("formalise: a canvas from the chosen idea, a section written on a phone")

            next_phase("Phase 9 sur 9")
            paulette = phones["Paulette"]
            # From the canvas, phones are offered the current step rather than taken there
            # (what they type is not dropped): she follows the link.
            paulette.get_by_role("link", name="L'atelier avance").click()
            paulette.get_by_role("heading", name="Prochaines étapes").wait_for()
            paulette.get_by_label("Quoi").fill("Rencontrer la mairie pour un local")
            who = paulette.get_by_label("Qui")
            who.scroll_into_view_if_needed()
            who.click()
            who.fill("Moi")
            who.press("Enter")
            paulette.get_by_role("button", name="Ajouter").click()
            wait_idle(paulette)
            marcel = phones["Marcel"]
            marcel.goto(marcel.url.split("?")[0].rsplit("/", 1)[0]
                        + f"/next_steps?p={marcel.url.split('p=')[1].split('&')[0]}")
            wait_idle(marcel)
            marcel.get_by_label("Quoi").fill("Chiffrer le minibus avec la communauté de "
                                             "communes")
            marcel.get_by_label("Quoi").press("Enter")
            wait_idle(marcel)
            wall.get_by_text("Chiffrer le minibus").wait_for(timeout=10_000)
            shoot("9-next-steps")
            paulette.screenshot(path=str(out / "phone-next-steps.png"), full_page=True)
            step("next steps: two actions from the phones, on the wall")

            facilitator.goto(f"{server.url}/facilitate?w={wid}")
            wait_idle(facilitator)
            facilitator.get_by_role("button", name="Terminer l'atelier").click()
            facilitator.get_by_role("button", name="Oui, terminer").click()  # it asks first
            wait_idle(facilitator)
            wall.get_by_text("Merci à toutes et à tous").first.wait_for(timeout=15_000)
            wait_idle(wall)
            shoot("10-closing")
            for name, phone in phones.items():
                phone.get_by_text("Merci d'avoir participé").first.wait_for(timeout=15_000)
                wait_idle(phone)
                phone.screenshot(path=str(out / f"phone-end-{name}.png"), full_page=True)
            step("the facilitator ended the workshop: closing wall")

            facilitator.goto(f"{server.url}/synthesis?w={wid}")
            wait_idle(facilitator)
            facilitator.screenshot(path=str(out / "synthesis-page.png"), full_page=True)
            files = {}
            for fmt, label in (("pdf", "Télécharger (PDF)"),
                               ("docx", "Télécharger (Word, DOCX)")):
                with facilitator.expect_download() as download:
                    facilitator.get_by_role("button", name=label).click()
                files[fmt] = out / f"synthese.{fmt}"
                files[fmt].write_bytes(download.value.path().read_bytes())
            step("synthesis downloaded as PDF and DOCX from the page")
            browser.close()
    finally:
        server.stop()

    reader = PdfReader(io.BytesIO(files["pdf"].read_bytes()))
    print(f"PDF: {len(reader.pages)} pages, "
          f"{sum(len(p.images) for p in reader.pages)} image(s)")
    document = Document(str(files["docx"]))
    print("DOCX headings:", [p.text for p in document.paragraphs
                              if p.style.name == "Heading 1"])
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(files["pdf"]),  # noqa: S603
                        str(out / "synthese")], check=True)
        print("PDF pages as images:", sorted(p.name for p in out.glob("synthese-*.png")))


if __name__ == "__main__":
    main()
