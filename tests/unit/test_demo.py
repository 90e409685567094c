"""The demo collective loads once, with a realistic residency."""

import pytest
from sqlmodel import func, select

from core.errors import TemplateError
from core.models import (
    Action,
    Canvas,
    Card,
    CardKind,
    CardLink,
    Collective,
    PhaseKind,
    Score,
    Workshop,
    WorkshopStatus,
)
from core.services import phases, synthesis
from core.settings import PROJECT_ROOT
from launch.demo import demo_files, load_demo


def counts(session) -> dict[str, int]:
    return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Collective, Workshop, Card, CardLink, Score, Canvas, Action)}


def test_demo_loads_once_with_the_whole_journey(session, templates, admin):
    (path,) = demo_files(PROJECT_ROOT / "data")
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
    assert set(kinds) >= {p.kind for p in templates.formats["soiree-2h"].phases}
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
    assert len(found.actions) == 4


def test_a_demo_idea_must_answer_needs(session, templates, tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(
        "slug: t\ncollective: {name: T}\nworkshop: {title: W, format: ideation-3h}\n"
        "cards:\n  - {kind: idea, text: Une idée, answers: [0]}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_demo(session=session, path=path, templates=templates)
    assert "cards.0.answers" in exc.value.params["details"]
