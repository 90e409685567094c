"""The demo collective, loaded from ``data/demo/*.yaml`` on first start (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.errors import TemplateError
from core.i18n import N_
from core.models import (
    CARD_TEXT_MAX,
    Card,
    CardKind,
    CardLink,
    Collective,
    Role,
    User,
    Workshop,
    pk,
    utcnow,
)
from core.services.workshops import add_agenda, insert_with_join_code
from core.templates import Templates, read_yaml_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DemoCollective(_Strict):
    name: str = Field(min_length=1)
    territory: str = ""
    description: str = ""


class DemoWorkshop(_Strict):
    title: str = Field(min_length=1)
    format: str


class DemoCard(_Strict):
    kind: CardKind = CardKind.NEED
    text: str = Field(min_length=1, max_length=CARD_TEXT_MAX)
    theme: str = ""
    source: str = ""
    author: str = ""
    place: str = ""
    # For an idea: the positions (from 0) of the needs it answers in the file's list.
    answers: list[int] = Field(default_factory=list)


class DemoFile(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]{1,80}$")
    collective: DemoCollective
    workshop: DemoWorkshop
    cards: list[DemoCard] = Field(default_factory=list)


def demo_files(templates_dir: Path) -> list[Path]:
    """Return the demo files shipped in ``data/demo``."""
    return sorted((templates_dir / "demo").glob("*.yaml"))


def load_demo(*, session: Session, path: Path, templates: Templates,
              lang: str = "fr") -> Collective | None:
    """Load one demo collective; return None if it is already there."""
    demo = read_yaml_model(path, DemoFile)
    if session.exec(select(Collective.id).where(Collective.slug == demo.slug)).first():
        return None
    fmt = templates.formats.get(demo.workshop.format)
    if fmt is None:
        raise TemplateError(N_("Template file {file} is invalid: {details}"), file=str(path),
                            details=f"workshop.format: unknown format '{demo.workshop.format}'")
    for index, card in enumerate(demo.cards):
        if card.theme and card.theme not in templates.themes:
            raise TemplateError(N_("Template file {file} is invalid: {details}"),
                                file=str(path),
                                details=f"cards.{index}.theme: unknown theme '{card.theme}'")
        for target in card.answers:
            if not (0 <= target < len(demo.cards) and demo.cards[target].kind == CardKind.NEED
                    and card.kind == CardKind.IDEA):
                raise TemplateError(N_("Template file {file} is invalid: {details}"),
                                    file=str(path),
                                    details=f"cards.{index}.answers: {target} is not a need")
        if card.source and card.source not in templates.sources:
            raise TemplateError(N_("Template file {file} is invalid: {details}"),
                                file=str(path),
                                details=f"cards.{index}.source: unknown source '{card.source}'")
    admin = session.exec(
        select(User).where(User.role == Role.ADMIN).order_by(col(User.id))
    ).first()
    collective = Collective(
        slug=demo.slug,
        name=demo.collective.name,
        territory=demo.collective.territory,
        description=demo.collective.description,
        owner_id=admin.id if admin else None,
    )
    session.add(collective)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # another app replica loaded it at the same moment
        return None
    workshop = Workshop(collective_id=pk(collective), title=demo.workshop.title,
                        format_key=fmt.key, join_code="")
    insert_with_join_code(session, workshop)
    add_agenda(session, workshop, fmt, lang)
    start = utcnow() - timedelta(minutes=len(demo.cards))
    rows: list[Card] = []
    for index, item in enumerate(demo.cards):
        rows.append(
            Card(
                collective_id=pk(collective),
                workshop_id=workshop.id,
                kind=item.kind.value,
                text=item.text,
                theme=item.theme,
                source=item.source,
                author_name=item.author,
                place=item.place,
                created_at=start + timedelta(minutes=index),
                updated_at=start + timedelta(minutes=index),
            )
        )
    session.add_all(rows)
    session.flush()
    for row, item in zip(rows, demo.cards, strict=True):
        for target in item.answers:
            session.add(CardLink(idea_id=pk(row), need_id=pk(rows[target])))
    session.commit()
    return collective
