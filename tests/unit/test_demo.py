"""The demo collective loads once, with a realistic residency."""

import pytest
from sqlmodel import func, select

from core.errors import TemplateError
from core.models import Card, CardKind, CardLink, Collective, Workshop
from core.settings import PROJECT_ROOT
from launch.demo import demo_files, load_demo


def test_demo_loads_once(session, templates):
    (path,) = demo_files(PROJECT_ROOT / "data")
    collective = load_demo(session=session, path=path, templates=templates)
    assert collective is not None and "Miallet" in collective.name
    assert load_demo(session=session, path=path, templates=templates) is None
    assert session.exec(select(func.count()).select_from(Collective)).one() == 1
    needs = session.exec(select(Card).where(Card.kind == CardKind.NEED)).all()
    assert 30 <= len(needs) <= 60
    assert {c.theme for c in needs} >= {"tourisme", "bien-vieillir", "alimentation", "habitat"}
    assert len(session.exec(select(CardLink)).all()) == 17  # the ideas answer needs
    workshop = session.exec(select(Workshop)).one()
    assert workshop.status == "draft" and len(workshop.join_code) == 6


def test_a_demo_idea_must_answer_needs(session, templates, tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(
        "slug: t\ncollective: {name: T}\nworkshop: {title: W, format: ideation-3h}\n"
        "cards:\n  - {kind: idea, text: Une idée, answers: [0]}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_demo(session=session, path=path, templates=templates)
    assert "cards.0.answers" in exc.value.params["details"]
