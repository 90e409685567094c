"""Where a project stands with its collectivité: the gradient as data (quoting the seed),
the level signs point to, the answers together, the reveal, the level recorded and its
history, levers made next steps, "what changed since", and who may do each."""

from __future__ import annotations

import re
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from core.analysis import gradient_math
from core.domain import inputs
from core.domain.models import PhaseKind, utcnow
from core.domain.templates import load_templates
from core.errors import InvalidInput, PermissionDenied, TemplateError
from core.services import actions, canvases, phases, projects, relation, workshops
from tests.conftest import join, start_at

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed-004-gradient.txt"
# The study's own abbreviations and slips, as the file writes them out.
WRITTEN_OUT = {"accompngt": "accompagnement", "les fonctionnement": "le fonctionnement"}


def _plain(text: str) -> str:
    text = text.replace("\u2019", "'").replace("«", '"').replace("»", '"')
    return re.sub(r"[\s*]+", " ", text).strip().lower()


def test_the_gradient_quotes_the_study(templates):
    seed = SEED.read_text(encoding="utf-8")
    for short, full in WRITTEN_OUT.items():
        seed = seed.replace(short, full)
    seed = _plain(seed)
    gradient = templates.gradients["collectivite"]
    assert [level.key for level in gradient.levels] == [
        "defiance", "observation", "collaboration", "co-portage"]
    quoted = [level.label.fr.replace("é", "e") for level in gradient.levels]
    quoted += [s.text.fr for level in gradient.levels for s in level.signs]
    quoted += [lever.text.fr for lever in gradient.levers]
    missing = [text for text in quoted if _plain(text).replace('"', "") not in
               seed.replace('"', "")]
    assert missing == []
    assert len([s for level in gradient.levels for s in level.signs]) == 10
    # Each level's levers, as the study lists them under it.
    assert gradient.levels[0].levers == ["casser-representations", "potentiel-emplois",
                                         "articuler-politiques", "premiere-action",
                                         "dimension-collective"]
    assert "expertise-ciblee" in gradient.levels[2].levers
    assert gradient.lever("expertise-ciblee").supports == ["juridique",
                                                           "reseau-accompagnement", "cae"]


def _copy_data(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.mark.parametrize(("change", "says"), [
    (lambda s: s.replace("levers: [financement-hybride, expertise-ciblee, coordination",
                         "levers: [financement-hybride, expertise-ciblee, coordinatio"),
     "names lever 'coordinatio'"),
    (lambda s: s.replace("supports: [collectivite]", "supports: [mairie]", 1),
     "levers.2.supports: unknown support 'mairie'"),
    (lambda s: s.replace("key: curiosite", "key: incomprehension"),
     "duplicate sign key 'incomprehension'"),
])
def test_a_broken_gradient_is_refused_with_its_file_and_field(tmp_path, change, says):
    data = _copy_data(tmp_path)
    path = data / "gradients" / "collectivite.yaml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_templates(data)
    assert "collectivite.yaml" in str(refused.value.params)
    assert says in str(refused.value.params)


def test_another_gradient_is_another_file(tmp_path):
    data = _copy_data(tmp_path)
    (data / "gradients" / "habitants.yaml").write_text(textwrap.dedent("""\
        key: habitants
        name: {fr: "Relation avec les habitants", en: "Relationship with residents"}
        question: {fr: "Les habitants connaissent-ils le projet ?", en: "Do residents know it?"}
        source: {fr: "Notre collectif", en: "Our collective"}
        levels:
          - key: inconnu
            label: {fr: "Inconnu", en: "Unknown"}
            signs: [{key: personne, text: {fr: "Personne n'en parle", en: "Nobody talks of it"}}]
          - key: porte
            label: {fr: "Porté", en: "Carried"}
            signs: [{key: benevoles, text: {fr: "Des bénévoles", en: "Volunteers"}}]
        """), encoding="utf-8")
    loaded = load_templates(data)
    assert sorted(loaded.gradients) == ["collectivite", "habitants"]
    assert gradient_math.proposed_level(loaded.gradients["habitants"], ["benevoles"]) == "porte"


def test_the_level_the_signs_point_to(templates):
    gradient = templates.gradients["collectivite"]
    propose = lambda *signs: gradient_math.proposed_level(gradient, signs)  # noqa: E731
    assert propose() is None
    assert propose("mefiance-elus", "pas-de-lien") == "defiance"
    assert propose("curiosite") == "observation"
    assert propose("confiance", "competences") == "co-portage"
    # One level weighs the share of its own signs: one sign of défiance's four does not
    # outweigh both of observation's.
    assert propose("pas-de-lien", "curiosite", "reseau-information") == "observation"
    assert propose("pas-de-lien", "curiosite", "reseau-information",
                   "contraintes") == "observation"
    # Signs on both sides in equal weight: the lower level, which the person adjusts.
    assert propose("curiosite", "reseau-information", "contraintes",
                   "complementaires") == "observation"


def test_the_answers_together(templates):
    gradient = templates.gradients["collectivite"]
    tally = gradient_math.tally(gradient, [
        ("observation", ["curiosite", "pas-de-lien"]), ("observation", ["curiosite"]),
        ("collaboration", ["contraintes", "curiosite"]), ("defiance", ["pas-de-lien"])])
    assert tally.answered == 4
    assert tally.counts == {"defiance": 1, "observation": 2, "collaboration": 1,
                            "co-portage": 0}
    assert tally.most_said == "observation"
    assert (tally.lowest, tally.highest) == ("defiance", "collaboration")
    assert tally.spread == pytest.approx(0.7071, abs=1e-3)  # places 0, 1, 1, 2
    assert tally.signs == [("curiosite", 3), ("pas-de-lien", 2), ("contraintes", 1)]
    agreed = gradient_math.tally(gradient, [("observation", []), ("observation", [])])
    assert agreed.spread == 0
    assert gradient_math.tally(gradient, []).spread is None


@pytest.fixture
def evening(session, facilitator, workshop, templates):
    """The soirée at its diagnostic, about its one canvas, three people in."""
    start_at(session, facilitator, workshop, PhaseKind.FORMALISE)
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, title="Café associatif")
    people = [join(session, workshop, name) for name in ("Josiane", "Karim", "Lucie")]
    start_at(session, facilitator, workshop, PhaseKind.DIAGNOSTIC)
    return canvas, people


def _view(session, actor, workshop, templates):
    return relation.diagnostic(session=session, actor=actor, workshop_id=workshop.id,
                               templates=templates)


def test_a_room_answers_privately_then_sees_its_answers_together(session, facilitator,
                                                                   workshop, templates,
                                                                   evening):
    canvas, (josiane, karim, lucie) = evening
    view = _view(session, josiane, workshop, templates)
    assert view.canvas_id == canvas.id and view.subject == "Café associatif"
    assert view.may_answer and view.tally is None and view.my_answer is None
    given = relation.answer(session=session, actor=josiane, workshop_id=workshop.id,
                            signs=["curiosite", "reseau-information"], level="",
                            templates=templates)
    assert (given.proposed, given.level) == ("observation", "observation")
    # Adjusted: the signs say observation, Karim says défiance.
    relation.answer(session=session, actor=karim, workshop_id=workshop.id,
                    signs=["curiosite"], level="defiance", templates=templates)
    # Changed in place, not counted twice.
    relation.answer(session=session, actor=josiane, workshop_id=workshop.id,
                    signs=["curiosite", "contraintes"], level="observation",
                    templates=templates)
    mine = _view(session, josiane, workshop, templates).my_answer
    assert mine.signs == ("curiosite", "contraintes") and mine.level == "observation"
    room = _view(session, facilitator, workshop, templates)
    assert (room.answered, room.present) == (2, 3)
    assert room.tally.counts["observation"] == 1 and room.tally.counts["defiance"] == 1
    assert _view(session, lucie, workshop, templates).tally is None  # not revealed yet
    with pytest.raises(PermissionDenied):
        relation.reveal(session=session, actor=lucie, workshop_id=workshop.id)
    relation.reveal(session=session, actor=facilitator, workshop_id=workshop.id)
    seen = _view(session, lucie, workshop, templates)
    assert seen.revealed and seen.tally.answered == 2
    assert seen.tally.signs[0] == ("curiosite", 2)
    assert not seen.may_answer and seen.why_not == (
        "The answers are revealed: yours can no longer change.")
    with pytest.raises(PermissionDenied, match="revealed"):
        relation.answer(session=session, actor=lucie, workshop_id=workshop.id,
                        signs=["confiance"], level="", templates=templates)


def test_an_answer_names_known_signs_and_levels(session, workshop, templates, evening):
    _canvas, (josiane, _karim, _lucie) = evening
    for signs, level in ((["nimporte"], ""), (["curiosite"], "excellent"), ([], "")):
        with pytest.raises(InvalidInput):
            relation.answer(session=session, actor=josiane, workshop_id=workshop.id,
                            signs=signs, level=level, templates=templates)


def test_no_answer_outside_the_diagnostic(session, facilitator, workshop, templates, evening):
    _canvas, (josiane, _karim, _lucie) = evening
    start_at(session, facilitator, workshop, PhaseKind.NEXT_STEPS)
    assert _view(session, josiane, workshop, templates) is None
    with pytest.raises(PermissionDenied, match="diagnostic is not open"):
        relation.answer(session=session, actor=josiane, workshop_id=workshop.id,
                        signs=["curiosite"], level="", templates=templates)


def test_with_several_canvases_the_facilitator_chooses_the_project(session, facilitator,
                                                                      workshop, templates,
                                                                      evening):
    canvas, (josiane, _karim, _lucie) = evening
    other = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                  templates=templates, title="Halle de producteurs")
    view = _view(session, josiane, workshop, templates)
    assert view.canvas_id is None and not view.may_answer
    assert view.why_not == "The facilitator is choosing the project."
    assert [title for _id, title in _view(session, facilitator, workshop,
                                          templates).choices] == [
        "Halle de producteurs", "Café associatif"]
    relation.set_subject(session=session, actor=facilitator, workshop_id=workshop.id,
                         canvas_id=other.id)
    relation.answer(session=session, actor=josiane, workshop_id=workshop.id,
                    signs=["pas-de-lien"], level="", templates=templates)
    with pytest.raises(InvalidInput, match="already answered"):
        relation.set_subject(session=session, actor=facilitator, workshop_id=workshop.id,
                             canvas_id=canvas.id)


def test_the_level_recorded_its_history_and_what_changed(session, facilitator, workshop,
                                                         templates, evening):
    canvas, (josiane, _karim, _lucie) = evening
    before = utcnow() - timedelta(seconds=1)
    relation.record_level(session=session, actor=facilitator, canvas_id=canvas.id,
                          level="observation", note="La maire est curieuse",
                          templates=templates)
    relation.record_level(session=session, actor=facilitator, canvas_id=canvas.id,
                          level="observation", note="Toujours", templates=templates)
    relation.record_level(session=session, actor=facilitator, canvas_id=canvas.id,
                          level="collaboration", note="Convention signée",
                          templates=templates)
    view = relation.relation(session=session, actor=facilitator, canvas_id=canvas.id,
                             templates=templates)
    assert view.level == "collaboration" and len(view.history) == 3
    assert [(s.level, s.note) for s in view.path()] == [
        ("observation", "La maire est curieuse"), ("collaboration", "Convention signée")]
    assert view.history[0].author == "Camille"
    moves = relation.moves_since(session=session, actor=facilitator,
                                 collective_id=workshop.collective_id, since=before)
    assert [(m.title, m.before, m.level) for m in moves] == [
        ("Café associatif", None, "observation"), ("Café associatif", "observation",
                                                   "collaboration")]
    # A participant reads the level (the canvas) but does not record it.
    assert relation.relation(session=session, actor=josiane, canvas_id=canvas.id,
                             templates=templates).may_record is False
    with pytest.raises(PermissionDenied):
        relation.record_level(session=session, actor=josiane, canvas_id=canvas.id,
                              level="co-portage", note="", templates=templates)
    with pytest.raises(InvalidInput):
        relation.record_level(session=session, actor=facilitator, canvas_id=canvas.id,
                              level="amitie", note="", templates=templates)


def test_levers_become_next_steps_with_their_support(session, facilitator, workshop,
                                                     templates, evening):
    canvas, (josiane, _karim, _lucie) = evening
    gradient = templates.gradients["collectivite"]
    own, after = relation.levers_for(gradient, "observation")
    assert [lever.key for lever in own] == gradient.levels[1].levers
    # The next level's levers not already among them.
    assert [lever.key for lever in after] == ["premiere-action", "individuels-vers-collectif",
                                              "foncier-immobilier", "financement-hybride",
                                              "expertise-ciblee"]
    assert relation.levers_for(gradient, "co-portage")[1] == []
    due = utcnow().date() + timedelta(days=30)
    made = relation.choose_levers(
        session=session, actor=facilitator, canvas_id=canvas.id, workshop_id=workshop.id,
        templates=templates, picks=[
            inputs.LeverPick(lever="ecosysteme-local", who="Karim", due_on=due),
            inputs.LeverPick(lever="expertise-ciblee", what="Rencontrer un juriste SCIC")])
    assert [(a.what, a.who, a.support_wanted, a.lever) for a in made] == [
        ("Animer et dynamiser un écosystème d'accompagnement local", "Karim",
         "reseau-accompagnement,tiers-lieu", "collectivite:ecosysteme-local"),
        ("Rencontrer un juriste SCIC", "", "juridique,reseau-accompagnement,cae",
         "collectivite:expertise-ciblee")]
    steps = actions.workshop_actions(session=session, actor=josiane, workshop_id=workshop.id)
    assert {s.lever for s in steps} == {"collectivite:ecosysteme-local",
                                        "collectivite:expertise-ciblee"}
    assert {s.project for s in steps} == {"Café associatif"}
    again = relation.choose_levers(session=session, actor=facilitator, canvas_id=canvas.id,
                                   workshop_id=workshop.id, templates=templates,
                                   picks=[inputs.LeverPick(lever="ecosysteme-local")])
    assert again == []  # already a step
    chosen = relation.relation(session=session, actor=facilitator, canvas_id=canvas.id,
                               templates=templates).levers_chosen
    assert len(chosen) == 2
    with pytest.raises(InvalidInput, match="one to three"):
        relation.choose_levers(session=session, actor=facilitator, canvas_id=canvas.id,
                               workshop_id=workshop.id, templates=templates,
                               picks=[inputs.LeverPick(lever=k) for k in
                                      ("coordination", "temps-long", "premiere-action",
                                       "financement-hybride")])
    with pytest.raises(InvalidInput, match="Unknown lever"):
        relation.choose_levers(session=session, actor=facilitator, canvas_id=canvas.id,
                               workshop_id=workshop.id, templates=templates,
                               picks=[inputs.LeverPick(lever="magie")])
    with pytest.raises(PermissionDenied):
        relation.choose_levers(session=session, actor=josiane, canvas_id=canvas.id,
                               workshop_id=workshop.id, templates=templates,
                               picks=[inputs.LeverPick(lever="coordination")])


def test_each_porteur_diagnoses_their_own_project(session, facilitator, templates):
    collective = workshops.create_collective(
        session=session, actor=facilitator,
        collective_in=inputs.CollectiveCreate(name="Incubateur de la Vallée"))
    workshop = workshops.create_workshop(
        session=session, actor=facilitator, collective_id=collective.id,
        workshop_in=inputs.WorkshopCreate(title="Outille-toi"),
        workshop_format=templates.formats["outille-toi-2h"], lang="fr")
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    ines, zoe, late = (join(session, workshop, n) for n in ("Inès", "Zoé", "Tom"))
    mine = projects.start_project(session=session, actor=ines, pitch="Épicerie itinérante",
                                  templates=templates)
    theirs = projects.start_project(session=session, actor=zoe, pitch="Ressourcerie",
                                    templates=templates)
    start_at(session, facilitator, workshop, PhaseKind.DIAGNOSTIC)
    assert not _view(session, late, workshop, templates).may_answer  # no project yet
    relation.answer(session=session, actor=ines, workshop_id=workshop.id,
                    signs=["pas-de-lien", "mefiance-elus"], level="", templates=templates)
    relation.answer(session=session, actor=zoe, workshop_id=workshop.id,
                    signs=["confiance"], level="collaboration", templates=templates)
    mine_seen = _view(session, ines, workshop, templates)
    assert mine_seen.my_canvas_id == mine.canvas_id and mine_seen.my_answer.level == "defiance"
    room = _view(session, facilitator, workshop, templates)
    assert room.tally.counts["defiance"] == 1 and room.tally.counts["collaboration"] == 1
    assert [(p.title, p.answered) for p in room.project_levels] == [
        ("Épicerie itinérante", 1), ("Ressourcerie", 1)]
    # The porteur records their own project's level; never another's.
    relation.record_level(session=session, actor=ines, canvas_id=mine.canvas_id,
                          level="defiance", note="Pas encore vu la mairie",
                          templates=templates)
    with pytest.raises(PermissionDenied):
        relation.record_level(session=session, actor=ines, canvas_id=theirs.canvas_id,
                              level="defiance", note="", templates=templates)
    assert _view(session, ines, workshop, templates).level == "defiance"
    made = relation.choose_levers(session=session, actor=ines, canvas_id=mine.canvas_id,
                                  workshop_id=workshop.id, templates=templates,
                                  picks=[inputs.LeverPick(lever="premiere-action")])
    assert made[0].canvas_id == mine.canvas_id
    # After the workshop, the porteur still moves their project's level on.
    phases.end(session=session, actor=facilitator, workshop_id=workshop.id)
    relation.record_level(session=session, actor=ines, canvas_id=mine.canvas_id,
                          level="observation", note="Rendez-vous avec l'élu",
                          templates=templates)
    assert relation.current_levels(session, [mine.canvas_id]) == {mine.canvas_id: "observation"}


def test_the_synthesis_says_where_the_project_stands(session, facilitator, workshop,
                                                     templates, evening):
    from core.outputs import livrable
    from core.services import synthesis

    canvas, (josiane, karim, lucie) = evening
    for actor, signs in ((josiane, ["curiosite"]), (karim, ["curiosite", "pas-de-lien"]),
                         (lucie, ["contraintes", "complementaires"])):
        relation.answer(session=session, actor=actor, workshop_id=workshop.id, signs=signs,
                        level="", templates=templates)
    relation.record_level(session=session, actor=facilitator, canvas_id=canvas.id,
                          level="observation", note="La maire est curieuse",
                          templates=templates)
    relation.choose_levers(session=session, actor=facilitator, canvas_id=canvas.id,
                           workshop_id=workshop.id, templates=templates,
                           picks=[inputs.LeverPick(lever="temps-long", who="Karim")])
    found = synthesis.build(session=session, actor=facilitator, templates=templates,
                            lang="fr", workshop_id=workshop.id, anonymous=False)
    (block,) = found.relations
    assert (block.project, block.level, block.counts) == ("Café associatif", 1, [0, 2, 1, 0])
    assert block.signs[0] == ("Curiosité réciproque : chaque acteur s'intéresse aux actions "
                              "de l'autre et à son fonctionnement", 2)
    assert [(a.what, a.who) for a in block.levers] == [
        ("Intégrer le temps long dans l'accueil et l'accompagnement des projets collectifs",
         "Karim")]
    text = livrable.write(found, "md").decode()
    part = text.split("## Relation avec la collectivité", 1)[1].split("\n## ", 1)[0]
    assert "Niveau retenu\u202f: Observation." in part
    assert "| Observation | 2 | ✓ |" in part and "| Collaboration | 1 |  |" in part
    assert "Écart entre les réponses" in part and "Karim" in part
    # Without the section, nothing of it is read.
    assert synthesis.build(session=session, actor=facilitator, templates=templates, lang="fr",
                           workshop_id=workshop.id, sections=("actions",)).relations == []
