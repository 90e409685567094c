""""Chacun son projet" through app.py: a participant names their project and lands on
their own canvas (focus sections first), raises a hand; the facilitator's table sees it;
"Regards croisés" (pages/exchange.py) shows the partner's canvas and sends a comment that
lands on it, private; "Suivi des porteurs" (pages/followup.py) lists, filters, exports
and updates the projects."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.domain import inputs
from core.domain.models import Comment, PhaseKind, Project, ProjectStage, Workshop
from core.errors import PermissionDenied
from core.outputs import exports
from core.services import participants, phases, projects, workshops
from tests.app.conftest import as_participant, fresh, open_as_facilitator, texts
from tests.app.test_access import addresses, nav_paths
from tests.conftest import make_user, start_at
from ui import live

CANVAS = "pages/canvas.py"
EXCHANGE = "pages/exchange.py"
FOLLOWUP = "pages/followup.py"
FACILITATE = "pages/facilitate.py"
WORKSHOP = "pages/workshop.py"


@pytest.fixture
def incubator_app(db, templates) -> dict:
    """An Outille-toi workshop of "chacun son projet", started, with Inès and Hugo."""
    camille = make_user(db, "camille")
    collective = workshops.create_collective(
        session=db, actor=camille, collective_in=inputs.CollectiveCreate(name="Incubateur"))
    workshop = workshops.create_workshop(
        session=db, actor=camille, collective_id=collective.id,
        workshop_in=inputs.WorkshopCreate(title="Outille-toi"),
        workshop_format=templates.formats["outille-toi-2h"], lang="fr")
    start_at(db, camille, workshop, PhaseKind.WELCOME)
    people = {name: participants.join_workshop(session=db, code=workshop.join_code,
                                               display_name=name)
              for name in ("Inès", "Hugo")}
    return {"workshop": workshop, "facilitator": camille, "tokens": {
        n: p.token for n, p in people.items()}}


def test_a_porteur_names_a_project_and_writes_this_steps_sections(new_app, db, templates,
                                                                   incubator_app):
    at = as_participant(new_app(), incubator_app["tokens"]["Inès"]).run()
    assert not at.exception
    # Their menu: their workshop, their canvas, their partner's, their steps.
    assert nav_paths(at) == ["workshop", "canvas", "exchange", "relation", "next_steps"]
    assert "Votre projet" in texts(at)
    at.text_input(key="project_pitch").input("Un café-épicerie sur la place")
    at.button(key="FormSubmitter:project_start-Commencer mon canevas").click().run()
    assert not at.exception
    fresh(db)
    project = db.exec(select(Project)).one()
    assert project.pitch == "Un café-épicerie sur la place"
    # The step "Le besoin et pour qui": their own canvas opens on its two sections.
    start_at(db, incubator_app["facilitator"], fresh(db).get(
        Workshop, incubator_app["workshop"].id), PhaseKind.FORMALISE)
    at.switch_page(CANVAS).run()
    assert not at.exception
    page = texts(at)
    assert "Cette étape" in page and "Par exemple" in page
    assert at.title[0].value == "Un café\\-épicerie sur la place"
    focus_keys = [t.key for t in at.text_area][:2]
    assert focus_keys == [f"canvas_{project.canvas_id}_besoin",
                          f"canvas_{project.canvas_id}_pour-qui"]
    at.button(key="hand_button").click().run()
    assert projects.hand_is_up(session=fresh(db), actor=participants.actor_for_token(
        db, incubator_app["tokens"]["Inès"]))
    # The facilitator's table shows the project and the raised hand.
    fac = open_as_facilitator(new_app, incubator_app["workshop"].id, FACILITATE)
    board = texts(fac)
    assert "Projets (1)" in board and "Un café-épicerie sur la place" in board
    assert fac.button(key=f"lower_{project.id}")
    fac.button(key=f"lower_{project.id}").click().run()
    assert not projects.hand_is_up(session=fresh(db), actor=participants.actor_for_token(
        db, incubator_app["tokens"]["Inès"]))


def test_regards_croises_comments_land_on_the_partners_canvas_privately(
        new_app, db, templates, incubator_app):
    workshop = incubator_app["workshop"]
    owners = {}
    for name, pitch in (("Inès", "Un café-épicerie"), ("Hugo", "Une recyclerie")):
        actor = participants.actor_for_token(db, incubator_app["tokens"][name])
        owners[name] = projects.start_project(session=db, actor=actor, pitch=pitch,
                                              templates=templates)
    start_at(db, incubator_app["facilitator"], fresh(db).get(Workshop, workshop.id),
             PhaseKind.PAIRS)
    at = as_participant(new_app(), incubator_app["tokens"]["Inès"]).run()
    at.switch_page(EXCHANGE).run()
    assert "Le binôme se forme" not in texts(at)
    assert "L'animation forme les binômes" in texts(at)
    projects.make_pairs(session=fresh(db), actor=incubator_app["facilitator"],
                        workshop_id=workshop.id)
    at.run()
    assert not at.exception
    hugo = owners["Hugo"]
    assert render_md_free(at.header[0].value) == "Une recyclerie"
    at.selectbox(key=f"exchange_{hugo.id}_section").select("valeur")
    at.radio(key=f"exchange_{hugo.id}_prompt").set_value("lead")
    at.text_area(key=f"exchange_{hugo.id}_text").input("Voyez la ressourcerie de Nontron")
    at.button(key=f"FormSubmitter:exchange_{hugo.id}_form-Envoyer").click().run()
    assert not at.exception
    comment = fresh(db).exec(select(Comment)).one()
    assert (comment.canvas_id, comment.section_key, comment.private) == (
        hugo.canvas_id, "valeur", True)
    assert comment.text == "Une question, un contact, une piste : Voyez la ressourcerie de Nontron"
    assert "Ce que vous avez laissé sur ce canevas" in texts(at)
    # Hugo sees it on his own canvas, private, and shares it.
    owner = as_participant(new_app(), incubator_app["tokens"]["Hugo"]).run()
    owner.switch_page(CANVAS).run()
    assert "Vous seul·e et l'animation voyez ce commentaire." in texts(owner)
    owner.button(key=f"share_{comment.id}").click().run()
    assert not owner.exception
    assert fresh(db).get(Comment, comment.id).private is False


def render_md_free(text: str) -> str:
    return text.replace("\\", "")


def test_the_follow_up_lists_filters_exports_and_updates(new_app, db, templates,
                                                         incubator_app):
    for name, pitch, commune in (("Inès", "Un café-épicerie", "Thiviers"),
                                 ("Hugo", "Une recyclerie", "Nontron")):
        actor = participants.actor_for_token(db, incubator_app["tokens"][name])
        project = projects.start_project(session=db, actor=actor, pitch=pitch,
                                         templates=templates)
        projects.update_project(session=db, actor=actor, project_id=project.id,
                                templates=templates, project_in=inputs.ProjectUpdate(
                                    pitch=pitch, commune=commune, interest="yes"))
    at = open_as_facilitator(new_app, incubator_app["workshop"].id, FOLLOWUP)
    page = texts(at)
    assert "2 projets" in page
    table = at.dataframe[3].value  # after the counts by commune, stage and level
    assert list(table["Projet"]) == ["Un café-épicerie", "Une recyclerie"]
    at.selectbox(key="fu_commune").select("Nontron").run()
    assert list(at.dataframe[3].value["Projet"]) == ["Une recyclerie"]
    assert "1 projet" in texts(at)
    chosen = fresh(db).exec(select(Project).where(Project.pitch == "Une recyclerie")).one()
    at.selectbox(key="fu_stage").select("")  # all stages
    form = f"fu_form_{chosen.id}"
    at.selectbox(key="fu_project").select(chosen.id).run()
    [stage] = [s for s in at.selectbox if s.label == "Étape" and s.key != "fu_stage"]
    stage.select("testing")
    [note] = [t for t in at.text_area if t.label == "Note de suivi"]
    note.input("Collecte test au printemps")
    at.button(key=f"FormSubmitter:{form}-Enregistrer").click().run()
    assert not at.exception
    fresh(db).refresh(chosen)
    assert (chosen.stage, chosen.followup_note) == (ProjectStage.TESTING,
                                                   "Collecte test au printemps")
    csv = exports.followup_csv(projects.followup(
        session=db, actor=incubator_app["facilitator"], templates=templates,
        commune="Nontron"), templates, "fr").decode("utf-8-sig")
    header, row = csv.strip().splitlines()
    assert header.startswith("Projet;Porteur·euses;Commune;Étape")
    assert row.startswith("Une recyclerie;Hugo;Nontron;en test;")
    # A participant's /followup is their workshop; the service refuses them anyway.
    other = as_participant(new_app(), incubator_app["tokens"]["Hugo"]).run()
    assert addresses(other)["followup"] == "workshop"
    with pytest.raises(PermissionDenied):
        projects.followup(session=db, actor=participants.actor_for_token(
            db, incubator_app["tokens"]["Hugo"]), templates=templates)


def test_a_porteurs_workshop_does_not_offer_the_funnels_boards(new_app, db, incubator_app):
    fac = open_as_facilitator(new_app, incubator_app["workshop"].id, FACILITATE)
    assert not [t for t in fac.toggle if (t.key or "").startswith("lock_")]
    assert nav_paths(fac)[:8] == ["home", "facilitate", "projector", "canvas", "relation",
                                  "next_steps", "synthesis", "followup"]
    assert "explore" not in nav_paths(fac) and "score" not in nav_paths(fac)


def test_a_step_changed_while_the_canvas_is_drawn_is_caught_by_its_live_part(
        new_app, db, templates, incubator_app, monkeypatch):
    """The canvas draws the sections of the step it read first; its live part must compare
    the workshop with that step, not with one read later in the same run: otherwise a step
    changed between the two reads leaves the new step's bar over the old step's sections,
    and nothing redraws them."""
    facilitator, workshop_id = incubator_app["facilitator"], incubator_app["workshop"].id
    token = incubator_app["tokens"]["Inès"]
    projects.start_project(session=db, actor=participants.actor_for_token(db, token),
                           pitch="Un café", templates=templates)
    start_at(db, facilitator, fresh(db).get(Workshop, workshop_id), PhaseKind.FORMALISE)
    steps = [p.position for p in phases.phases_of(fresh(db), workshop_id)
             if p.kind == PhaseKind.FORMALISE]
    at = as_participant(new_app(), token).run()
    canvas_id = fresh(db).exec(select(Project)).one().canvas_id

    real = live.live_state
    moved: list[int] = []

    def read_then_move_on(workshop_id: int):
        state = real(workshop_id)
        if not moved:  # the page's read: the facilitator moves on right after it
            moved.append(state.index)
            phases.go_to(session=fresh(db), actor=facilitator, workshop_id=workshop_id,
                         index=steps[1])
        return state

    monkeypatch.setattr(live, "live_state", read_then_move_on)
    at.switch_page(CANVAS).run()
    assert not at.exception
    assert moved == [steps[0]]  # drawn first from the first step
    focus_keys = [t.key for t in at.text_area][:2]
    # Redrawn for the step it moved to: "L'activité et la valeur créée".
    assert focus_keys == [f"canvas_{canvas_id}_activite", f"canvas_{canvas_id}_valeur"]
