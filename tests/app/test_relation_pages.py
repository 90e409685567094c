"""Et la collectivité ? through app.py (pages/relation.py): participants tick the signs
they recognise and see the level they point to; the facilitator reveals the answers,
records the level agreed and makes two levers next steps, which the Prochaines étapes page
lists; the canvas's partners section shows the level; a porteur diagnoses their own
project."""

from __future__ import annotations

from sqlmodel import select

from core.domain import inputs
from core.domain.models import Action, Canvas, PhaseKind, RelationLevel, Workshop
from core.services import canvases, participants, projects, relation, workshops
from tests.app.conftest import as_participant, fresh, open_as_facilitator, texts
from tests.conftest import make_user, start_at

RELATION = "pages/relation.py"
FORM = "relation_answer"


def _evening(db, templates, running_workshop_app) -> tuple[Workshop, Canvas]:
    camille = running_workshop_app["facilitator"]
    workshop = db.get(Workshop, running_workshop_app["workshop_id"])
    start_at(db, camille, workshop, PhaseKind.FORMALISE)
    canvas = canvases.start_canvas(session=db, actor=camille, workshop_id=workshop.id,
                                   templates=templates, title="Café associatif")
    start_at(db, camille, fresh(db).get(Workshop, workshop.id), PhaseKind.DIAGNOSTIC)
    return workshop, canvas


def test_a_participant_ticks_signs_and_sees_the_level_they_point_to(
        new_app, db, templates, running_workshop_app):
    workshop, canvas = _evening(db, templates, running_workshop_app)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert not at.exception
    at.switch_page(RELATION).run()
    assert not at.exception
    assert "Et la collectivité ?" in texts(at) and "Café associatif" in texts(at)
    assert "Où en est le projet avec sa collectivité ?" in texts(at)
    at.checkbox(key=f"{FORM}_curiosite").check()
    at.checkbox(key=f"{FORM}_reseau-information").check()
    at.button(key=f"FormSubmitter:{FORM}-Envoyer").click().run()
    assert not at.exception
    assert "Les signes cochés indiquent « Observation ». Votre réponse : « Observation »." \
        in texts(at)
    # Not revealed yet: nobody's answers on their screen, theirs changeable.
    assert not at.get("arrow_vega_lite_chart") and not at.get("vega_lite_chart")
    fresh(db)
    seen = relation.diagnostic(session=db, actor=running_workshop_app["facilitator"],
                               workshop_id=workshop.id, templates=templates)
    assert seen.answered == 1 and seen.tally.counts["observation"] == 1
    # Adjusted: the signs say observation, Élise says défiance.
    at.radio(key=f"{FORM}_level").set_value("defiance")
    at.button(key=f"FormSubmitter:{FORM}-Modifier ma réponse").click().run()
    assert "Votre réponse : « Défiance »" in texts(at)


def test_the_facilitator_reveals_records_and_makes_levers_next_steps(
        new_app, db, templates, running_workshop_app):
    workshop, canvas = _evening(db, templates, running_workshop_app)
    for name, signs in (("Karim", ["curiosite"]), ("Lucie", ["curiosite", "contraintes"])):
        person = participants.join_workshop(session=db, code=workshop.join_code,
                                            display_name=name)
        relation.answer(session=db, actor=participants.actor_for_token(db, person.token),
                        workshop_id=workshop.id, signs=signs, level="", templates=templates)
    at = open_as_facilitator(new_app, workshop.id, RELATION)
    assert "2 / 3 ont répondu" in texts(at)
    reveal = next(b for b in at.button if b.label == "Dévoiler les réponses")
    reveal.click().run()
    assert not at.exception
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # on the scale
    assert "Observation 2" in texts(at)
    key = f"relation_record_{canvas.id}"
    at.radio(key=f"{key}_level").set_value("observation")
    at.text_input(key=f"{key}_note").input("La maire est curieuse du projet")
    at.button(key=f"FormSubmitter:{key}-Enregistrer le niveau").click().run()
    assert not at.exception
    fresh(db)
    (level,) = db.exec(select(RelationLevel)).all()
    assert (level.level, level.note, level.author_name) == (
        "observation", "La maire est curieuse du projet", "Camille")
    assert "Niveau retenu : Observation (" in texts(at)
    prefix = f"levers_{canvas.id}"
    at.checkbox(key=f"{prefix}_ecosysteme-local").check().run()
    at.checkbox(key=f"{prefix}_expertise-ciblee").check().run()
    at.text_input(key=f"{prefix}_ecosysteme-local_who").input("Karim")
    at.button(key=f"FormSubmitter:{prefix}_form-Ajouter aux prochaines étapes").click().run()
    assert not at.exception
    assert "2 prochaines étapes ajoutées." in texts(at)
    fresh(db)
    made = db.exec(select(Action).order_by(Action.id)).all()
    assert [(a.lever, a.who, a.canvas_id) for a in made] == [
        ("collectivite:ecosysteme-local", "Karim", canvas.id),
        ("collectivite:expertise-ciblee", "", canvas.id)]
    assert made[1].support_wanted == "juridique,reseau-accompagnement,cae"
    # The next steps page lists them; the canvas's partners section shows the level.
    at.switch_page("pages/next_steps.py").run()
    assert not at.exception
    assert "Animer et dynamiser un écosystème d" in texts(at)  # (an escaped apostrophe)
    at.query_params["c"] = str(canvas.id)
    at.switch_page("pages/canvas.py").run()
    assert not at.exception
    assert "Relation avec la collectivité : Observation" in texts(at)


def test_a_porteur_diagnoses_and_records_their_own_project(new_app, db, templates):
    camille = make_user(db, "camille")
    collective = workshops.create_collective(
        session=db, actor=camille, collective_in=inputs.CollectiveCreate(name="Incubateur"))
    workshop = workshops.create_workshop(
        session=db, actor=camille, collective_id=collective.id,
        workshop_in=inputs.WorkshopCreate(title="Outille-toi"),
        workshop_format=templates.formats["outille-toi-2h"], lang="fr")
    start_at(db, camille, workshop, PhaseKind.WELCOME)
    ines = participants.join_workshop(session=db, code=workshop.join_code,
                                      display_name="Inès")
    project = projects.start_project(session=db, actor=participants.actor_for_token(db, ines.token),
                                     pitch="Épicerie itinérante", templates=templates)
    start_at(db, camille, fresh(db).get(Workshop, workshop.id), PhaseKind.DIAGNOSTIC)
    at = as_participant(new_app(), ines.token).run()
    assert not at.exception
    at.switch_page(RELATION).run()
    at.checkbox(key=f"{FORM}_pas-de-lien").check()
    at.checkbox(key=f"{FORM}_mefiance-elus").check()
    at.button(key=f"FormSubmitter:{FORM}-Envoyer").click().run()
    assert not at.exception
    key = f"relation_record_{project.canvas_id}"
    assert at.radio(key=f"{key}_level").value == "defiance"  # what they answered
    at.button(key=f"FormSubmitter:{key}-Enregistrer le niveau").click().run()
    assert not at.exception
    assert relation.current_levels(fresh(db), [project.canvas_id]) == {
        project.canvas_id: "defiance"}
    # The facilitator's table: each project's level, nobody's signs.
    facilitator = open_as_facilitator(new_app, workshop.id, RELATION)
    assert "Épicerie itinérante" in texts(facilitator) and "Défiance" in texts(facilitator)


def test_the_collectives_link_shows_the_level_and_its_path(new_app, db, templates,
                                                            running_workshop_app):
    """Between sessions, a member through the collective's link reads where the project
    stands on its canvas (the partners' section), with its path."""
    from datetime import timedelta

    from core.domain.models import RelationLevel as Level
    from core.services import canvas_links

    workshop, canvas = _evening(db, templates, running_workshop_app)
    camille = running_workshop_app["facilitator"]
    for level, note in (("observation", "Curieuse"), ("collaboration", "Convention")):
        relation.record_level(session=db, actor=camille, canvas_id=canvas.id, level=level,
                              note=note, templates=templates)
    first = db.exec(select(Level).order_by(Level.id)).first()
    first.created_at -= timedelta(days=60)  # recorded two months ago
    db.commit()
    link = canvas_links.create_access(session=db, actor=camille,
                                      collective_id=running_workshop_app["collective_id"])
    at = new_app()
    at.query_params["k"] = link.code
    at.query_params["c"] = str(canvas.id)
    at.run()
    at.switch_page("pages/canvas.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Relation avec la collectivité : Collaboration — son parcours : Observation (" in \
        shown and ") → Collaboration (" in shown
    # "Ce qui a changé depuis…" lists the move made since the workshop began.
    at.switch_page("pages/next_steps.py").run()
    assert not at.exception
    assert "« Café associatif » avec la collectivité : Observation → Collaboration" in texts(at)
