"""The demo collective loads once, with a realistic residency."""

import pytest
from sqlmodel import func, select

from core.domain.models import (
    Action,
    Canvas,
    Card,
    CardKind,
    CardLink,
    Collective,
    PhaseKind,
    ProjectStageChange,
    Score,
    Workshop,
    WorkshopMode,
    WorkshopStatus,
)
from core.errors import TemplateError
from core.services import phases, projects, relation, synthesis
from core.settings import PROJECT_ROOT
from launch.demo import demo_files, load_demo


def counts(session) -> dict[str, int]:
    return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Collective, Workshop, Card, CardLink, Score, Canvas, Action)}


def test_demo_loads_once_with_the_whole_journey(session, templates, admin):
    (path,) = [p for p in demo_files(PROJECT_ROOT / "data") if p.stem == "miallet"]
    collective = load_demo(session=session, path=path, templates=templates)
    assert collective is not None and "Miallet" in collective.name
    loaded = counts(session)
    assert load_demo(session=session, path=path, templates=templates) is None
    assert counts(session) == loaded  # loading twice duplicates nothing
    assert loaded["Collective"] == 1 and loaded["Workshop"] == 2
    ready, earlier = sorted(session.exec(select(Workshop)).all(),
                            key=lambda w: w.status != WorkshopStatus.DRAFT)
    needs = session.exec(select(Card).where(Card.kind == CardKind.NEED,
                                            Card.workshop_id == ready.id)).all()
    assert 30 <= len(needs) <= 60
    assert {c.theme for c in needs} >= {"tourisme", "bien-vieillir", "alimentation", "habitat"}
    assert ready.status == WorkshopStatus.DRAFT and len(ready.join_code) == 6
    # The workshop to run goes through every phase of the Outille-toi format, to the end.
    kinds = [p.kind for p in phases.phases_of(session, ready.id)]
    # (the diagnostic of the relation with the collectivité: the earlier evening's, below)
    assert set(kinds) >= {p.kind for p in templates.formats["soiree-2h"].phases} - {
        PhaseKind.DIAGNOSTIC}
    assert kinds[-2:] == [PhaseKind.FORMALISE, PhaseKind.NEXT_STEPS]
    # The earlier evening has what a synthesis and "since the last session" show.
    assert earlier.status == WorkshopStatus.ENDED and earlier.results_revealed
    found = synthesis.build(session=session, actor=admin, templates=templates, lang="fr",
                            workshop_id=earlier.id, anonymous=False)
    assert found.participation.participants == 6 and found.participation.ballots == 6
    assert found.scoring[0].lines[0].title.startswith("Un café associatif")
    assert found.scoring[0].lines[0].selected
    assert found.projects and "café éphémère" in dict(found.projects[0].sections)[
        "Le premier test « par le faire »"]
    assert [(a.who, a.status) for a in found.actions][0] == ("Josiane", "En cours")
    assert len(found.actions) == 6
    # Its diagnostic: the café at "observation", two levers made steps under way.
    canvas_id = session.exec(select(Canvas.id).where(Canvas.workshop_id == earlier.id)).one()
    seen = relation.relation(session=session, actor=admin, canvas_id=canvas_id,
                             templates=templates)
    assert seen.level == "observation" and "maire" in seen.history[0].note
    assert sorted((a.lever, a.status) for a in seen.levers_chosen) == [
        ("collectivite:articuler-politiques", "doing"),
        ("collectivite:ecosysteme-local", "doing")]


def test_the_demo_incubator_follows_eight_porteurs(session, templates, admin):
    """An incubator's "chacun son projet" workshop ready to start, and one held: eight
    projects, canvases written more or less, partners' comments, two stages moved."""
    (path,) = [p for p in demo_files(PROJECT_ROOT / "data") if p.stem == "incubateur"]
    collective = load_demo(session=session, path=path, templates=templates)
    assert collective is not None
    ready, earlier = sorted(session.exec(select(Workshop).where(
        Workshop.collective_id == collective.id)).all(),
        key=lambda w: w.status != WorkshopStatus.DRAFT)
    assert ready.mode == WorkshopMode.PROJECTS == earlier.mode
    assert ready.status == WorkshopStatus.DRAFT and earlier.status == WorkshopStatus.ENDED
    assert PhaseKind.PAIRS in [p.kind for p in phases.phases_of(session, ready.id)]
    followed = projects.followup(session=session, actor=admin, templates=templates)
    assert len(followed.rows) == 8
    filled = sorted(r.filled for r in followed.rows)
    assert filled[0] == 0 and filled[-1] == 11 and len(set(filled)) >= 5
    teams = [r.project.members for r in followed.rows if len(r.project.members) > 1]
    assert ("Inès", "Bastien") in teams
    assert dict(followed.by_stage) == {"idea": 6, "testing": 1, "incubated": 1}
    assert session.exec(select(func.count()).select_from(ProjectStageChange)).one() == 2
    board = projects.board(session=session, actor=admin, workshop_id=earlier.id,
                           templates=templates)
    assert sum(r.comments for r in board) == 4


def test_a_demo_idea_must_answer_needs(session, templates, tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(
        "slug: t\ncollective: {name: T}\nworkshop: {title: W, format: ideation-3h}\n"
        "cards:\n  - {kind: idea, text: Une idée, answers: [0]}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_demo(session=session, path=path, templates=templates)
    assert "cards.0.answers" in exc.value.params["details"]


def test_the_synthesis_of_a_porteurs_workshop(session, templates, admin):
    """Participation, the pitches in groups, completeness, support and interest; a canvas
    annexed only if its porteurs shared it; no names unless asked and agreed."""
    from core.domain.models import Participant
    from core.outputs.livrable import markdown as livrable_md

    (path,) = [p for p in demo_files(PROJECT_ROOT / "data") if p.stem == "incubateur"]
    collective = load_demo(session=session, path=path, templates=templates)
    earlier = session.exec(select(Workshop).where(
        Workshop.collective_id == collective.id,
        Workshop.status == WorkshopStatus.ENDED)).one()
    found = synthesis.build(session=session, actor=admin, templates=templates, lang="fr",
                            workshop_id=earlier.id)
    assert found.sections == synthesis.PORTEURS_SECTIONS
    block = found.porteurs
    assert block.projects == 8 and block.porteurs == 10
    assert dict(block.interest) == {"Intéressé·e": 3, "Peut-être": 3, "Pas intéressé·e": 1,
                                    "Sans réponse": 1}
    assert block.supports[0] == ("Collectivité (commune, communauté de communes, "
                                 "département)", 3)
    assert sorted(p.title for p in block.annex) == [
        "Un café-épicerie associatif sur la place de Saint-Jory",
        "Un tiers-lieu numérique dans l'ancienne gare"]
    assert all(not line.names for _label, lines in block.groups for line in lines)
    text = livrable_md.write(found)
    assert "Une conserverie partagée pour les producteurs" in text  # its pitch
    assert "Les surplus de l" not in text  # its canvas, not shared
    assert "dépôt de pain" in text  # the café's canvas, shared
    assert "Hugo" not in text and "Yannick" not in text and "0 besoins" not in text
    # Named: only the porteurs who agreed.
    ines = session.exec(select(Participant).where(Participant.display_name == "Inès",
                                                  Participant.workshop_id == earlier.id)).one()
    ines.named_in_synthesis = True
    session.commit()
    named = synthesis.build(session=session, actor=admin, templates=templates, lang="fr",
                            workshop_id=earlier.id, anonymous=False)
    names = {n for _label, lines in named.porteurs.groups for line in lines for n in line.names}
    assert names == {"Inès"}
