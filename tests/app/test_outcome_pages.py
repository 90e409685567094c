"""Prochaines étapes (pages/next_steps.py) and Synthèse (pages/synthesis.py), from app.py."""

from sqlmodel import select

from core.domain.models import Action, ActionChange, ActionStatus, PhaseKind
from core.services import canvas_links, phases
from tests.app.conftest import as_participant, as_user, fresh, open_as_facilitator, texts
from tests.app.test_access import nav_paths
from tests.conftest import start_at
from ui import render

NEXT_STEPS = "pages/next_steps.py"
SYNTHESIS = "pages/synthesis.py"


def to_next_steps(db, running_workshop_app):
    from core.domain.models import Workshop

    start_at(db, running_workshop_app["facilitator"],
             db.get(Workshop, running_workshop_app["workshop_id"]), PhaseKind.NEXT_STEPS)


def add_action(db, running_workshop_app, templates, what: str):
    """Write an action as the facilitator, straight through the service."""
    from core.domain import inputs
    from core.services import actions

    return actions.add_action(session=db, actor=running_workshop_app["facilitator"],
                              workshop_id=running_workshop_app["workshop_id"],
                              action_in=inputs.ActionCreate(what=what), templates=templates)


def test_participant_proposes_an_action_for_herself(new_app, db, running_workshop_app):
    to_next_steps(db, running_workshop_app)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert not at.exception
    at.switch_page(NEXT_STEPS).run()
    assert "Pas encore de prochaine étape" in texts(at)
    at.text_input(key="action_what").input("Appeler la mairie pour la grange")
    at.selectbox(key="action_who").select("me")
    at.multiselect(key="action_supports").select("collectivite")
    at.button(key="FormSubmitter:action_capture-Ajouter").click().run()
    assert not at.exception
    fresh(db)
    action = db.exec(select(Action)).one()
    assert (action.what, action.who, action.support_wanted) == (
        "Appeler la mairie pour la grange", "Élise", "collectivite")
    at.run()
    page = texts(at)
    assert "Appeler la mairie pour la grange" in page and "person</span> Élise" in page
    assert "Le collectif" in page  # grouped by project: the collective as a whole


def test_a_participant_agrees_to_be_named_in_the_synthesis(new_app, db, running_workshop_app):
    from core.domain.models import Participant

    to_next_steps(db, running_workshop_app)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page(NEXT_STEPS).run()
    box = at.checkbox(key="named_in_synthesis")
    assert box.label == "Mon nom peut figurer dans la synthèse" and box.value is False
    box.check().run()
    fresh(db)
    me = db.exec(select(Participant).where(
        Participant.token == running_workshop_app["token"])).one()
    assert me.named_in_synthesis
    at.checkbox(key="named_in_synthesis").uncheck().run()
    fresh(db)
    assert not db.get(Participant, me.id).named_in_synthesis


def test_outside_the_phase_there_is_no_form(new_app, running_workshop_app):
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page(NEXT_STEPS).run()
    assert not at.exception
    assert "s'écrivent pendant la phase « prochaines étapes »" in texts(at)
    assert not [t for t in at.text_input if t.key == "action_what"]


def test_facilitator_follows_an_action_and_its_history(new_app, db, running_workshop_app):
    to_next_steps(db, running_workshop_app)
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], NEXT_STEPS)
    at.text_input(key="action_what").input("Chiffrer les travaux")
    at.button(key="FormSubmitter:action_capture-Ajouter").click().run()
    fresh(db)
    action = db.exec(select(Action)).one()
    at.selectbox(key="action_chosen").select(action.id).run()
    at.radio(key=f"status_value_{action.id}").set_value(ActionStatus.DOING)
    at.text_input(key=f"status_note_{action.id}").input("Devis demandé")
    at.button(key=f"FormSubmitter:status_{action.id}-Mettre à jour").click().run()
    assert not at.exception
    fresh(db)
    assert db.get(Action, action.id).status == ActionStatus.DOING
    changes = db.exec(select(ActionChange).where(ActionChange.action_id == action.id)).all()
    assert [(c.change, c.note) for c in changes] == [("created", ""),
                                                     ("status", "Devis demandé")]
    assert "Devis demandé" in texts(at)


def test_an_edit_link_updates_a_status_between_sessions(new_app, db, running_workshop_app,
                                                        templates):
    to_next_steps(db, running_workshop_app)
    camille = running_workshop_app["facilitator"]
    action = add_action(db, running_workshop_app, templates, "Écrire au département")
    phases.end(session=db, actor=camille, workshop_id=running_workshop_app["workshop_id"])
    link = canvas_links.create_access(session=db, actor=camille,
                                      collective_id=running_workshop_app["collective_id"])
    at = new_app()
    at.query_params["k"] = link.code
    at.run()
    at.switch_page(NEXT_STEPS).run()
    assert not at.exception
    assert "Écrire au département" in texts(at)
    at.selectbox(key="action_chosen").select(action.id).run()
    at.radio(key=f"status_value_{action.id}").set_value(ActionStatus.DONE)
    at.text_input(key=f"status_note_{action.id}").input("Envoyé le 3")
    at.button(key=f"FormSubmitter:status_{action.id}-Mettre à jour").click().run()
    assert not at.exception
    fresh(db)
    assert (db.get(Action, action.id).status, db.get(Action, action.id).note) == (
        ActionStatus.DONE, "Envoyé le 3")


def test_synthesis_page_shows_the_chosen_sections_and_offers_its_files(
        new_app, db, running_workshop_app):
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], SYNTHESIS)
    page = texts(at)
    # Set as French print sets it (a narrow no-break space before the colon).
    for heading in ("Participation", "Ce que nous avons entendu\u202f: les besoins",
                    "Prochaines étapes"):
        # Headings are user text too (a canvas's title): escaped for Markdown.
        assert render.md(heading) in [h.value for h in at.header], heading
    assert "1 participant·es." in page
    assert "Élise" not in page  # anonymous by default
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Télécharger (PDF)", "Télécharger (Word, DOCX)",
                         "Télécharger (Markdown)", "Télécharger les tableaux (ZIP)"]
    at.multiselect(key="synthesis_sections").set_value(["actions"]).run()
    assert [h.value for h in at.header] == ["Prochaines étapes"]
    at.multiselect(key="synthesis_sections").set_value(["participation"]).run()
    assert "Élise" not in texts(at)
    at.toggle(key="synthesis_named").set_value(True).run()
    assert "Élise" in texts(at)  # named: the participation list shows who took part


def test_menus_offer_next_steps_to_all_and_the_synthesis_to_the_facilitator(
        new_app, running_workshop_app):
    phone = as_participant(new_app(), running_workshop_app["token"]).run()
    assert "next_steps" in nav_paths(phone) and "synthesis" not in nav_paths(phone)
    facilitator = as_user(new_app(), "camille").run()
    assert {"next_steps", "synthesis"} <= set(nav_paths(facilitator))


def test_what_changed_since_a_workshop(new_app, db, running_workshop_app, templates):
    to_next_steps(db, running_workshop_app)
    from core.services import actions

    camille = running_workshop_app["facilitator"]
    action = add_action(db, running_workshop_app, templates, "Écrire au département")
    actions.set_status(session=db, actor=camille, action_id=action.id,
                       status=ActionStatus.DOING, note="Brouillon prêt")
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], NEXT_STEPS)
    at.selectbox(key="since_workshop").select(0).run()  # since this workshop began
    assert not at.exception
    page = "\n".join(t.value for t in at.text)
    assert "Brouillon prêt" in page and "Camille" in page


def test_dates_are_written_for_the_language(new_app, db, running_workshop_app, templates):
    """A due date and a history line read "29 nov. 2099" in French, "Nov 29, 2099" in
    English (Babel), never "29/11/2026"."""
    import datetime as dt

    from babel.dates import format_date

    from core.domain import inputs
    from core.services import actions

    to_next_steps(db, running_workshop_app)
    due = dt.date(2099, 11, 29)
    actions.add_action(session=db, actor=running_workshop_app["facilitator"],
                       workshop_id=running_workshop_app["workshop_id"], templates=templates,
                       action_in=inputs.ActionCreate(what="Réserver la salle", due_on=due))
    today = format_date(dt.datetime.now(dt.UTC), "medium", locale="fr")
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], NEXT_STEPS)
    at.selectbox(key="since_workshop").select(0).run()
    page = texts(at)
    assert "event</span> 29 nov. 2099" in page, page
    assert today in "\n".join(t.value for t in at.text)  # the history line
    assert "29/11/2099" not in page
    at.session_state["lang"] = "en"
    at.run()
    assert "event</span> Nov 29, 2099" in texts(at)
