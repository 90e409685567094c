"""The demo collective loads once, with a realistic residency."""

from sqlmodel import func, select

from core.demo import demo_files, load_demo
from core.models import Card, CardKind, Collective, Workshop
from core.settings import PROJECT_ROOT


def test_demo_loads_once(session, templates):
    (path,) = demo_files(PROJECT_ROOT / "data")
    collective = load_demo(session=session, path=path, templates=templates)
    assert collective is not None and "Miallet" in collective.name
    assert load_demo(session=session, path=path, templates=templates) is None
    assert session.exec(select(func.count()).select_from(Collective)).one() == 1
    needs = session.exec(select(Card).where(Card.kind == CardKind.NEED.value)).all()
    assert 30 <= len(needs) <= 60
    assert {c.theme for c in needs} >= {"tourisme", "bien-vieillir", "alimentation", "habitat"}
    workshop = session.exec(select(Workshop)).one()
    assert workshop.status == "draft" and len(workshop.join_code) == 6
