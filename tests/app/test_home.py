"""Home page (pages/home.py): collectives and workshops of the facilitator."""

from sqlmodel import select

from core.domain.models import Collective, Workshop
from tests.app.conftest import as_user, fresh, texts
from tests.conftest import make_user


def test_empty_state_then_create_a_collective_and_a_workshop(new_app, db):
    make_user(db, "camille")
    at = as_user(new_app(), "camille").run()
    assert "Aucun collectif pour l'instant" in texts(at)
    at.text_input(key="new_collective_name").input("Résidence de Thiviers")
    at.text_input(key="new_collective_territory").input("Dordogne")
    at.button(key="FormSubmitter:new_collective-Créer le collectif").click().run()
    assert not at.exception
    assert "Résidence de Thiviers" in texts(at)
    at.selectbox(key="new_workshop_format").select("soiree-2h")
    at.text_input(key="new_workshop_title").input("Outille-toi du 12 mars")
    at.button(key="FormSubmitter:new_workshop-Créer l'atelier").click().run()
    assert not at.exception
    fresh(db)
    workshop = db.exec(select(Workshop)).one()
    assert workshop.title == "Outille-toi du 12 mars"
    assert workshop.join_code in texts(at) or any(
        m.value == workshop.join_code for m in at.metric)
    assert db.exec(select(Collective)).one().name == "Résidence de Thiviers"


def test_start_end_and_open_a_workshop(new_app, db, running_workshop_app):
    at = as_user(new_app(), "camille").run()
    workshop_id = running_workshop_app["workshop_id"]
    assert "En cours" in texts(at)
    at.button(key=f"end_{workshop_id}").click().run()
    fresh(db)
    assert db.get(Workshop, workshop_id).status == "ended"
    at.button(key=f"open_{workshop_id}").click().run()
    assert not at.exception
    assert "Animer l'atelier" in texts(at)
    assert at.session_state["workshop_id"] == workshop_id


def test_a_missing_title_is_explained(new_app, db, running_workshop_app):
    at = as_user(new_app(), "camille").run()
    at.button(key="FormSubmitter:new_workshop-Créer l'atelier").click().run()
    assert "le texte est vide" in texts(at)
