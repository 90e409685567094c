"""Importing the rows of a CSV file (read by ``core.text.csvfile``) as cards.

An import is all or nothing: it is checked row by row first, and one transaction writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from core.domain.actors import Actor
from core.domain.models import CARD_TEXT_MAX, Card, CardKind, pk
from core.domain.templates import Templates
from core.errors import InvalidInput
from core.services.access import facilitated_workshop
from core.services.live_cache import bump_board_revision
from core.text.cleaning import clean_text, fold
from core.text.csvfile import MAX_BYTES, MAX_ROWS, CsvTable, read_csv
from core.text.i18n import N_

__all__ = ["MAX_BYTES", "MAX_ROWS", "CsvTable", "read_csv", "plan_import", "import_cards"]

@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported. ``line`` is the row's number in a spreadsheet."""

    line: int
    msgid: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CardDraft:
    line: int
    text: str
    theme: str
    source: str


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: the cards, the rejected rows, the blank rows skipped."""

    drafts: list[CardDraft]
    problems: list[RowProblem]
    blank: int


def _lookup(templates: dict) -> dict[str, str]:
    """Map a key or a French or English label, case and accents aside, to its key."""
    table: dict[str, str] = {}
    for key, item in templates.items():
        for name in (key, item.label.fr, item.label.en):
            table[fold(name)] = key
    return table


def plan_import(table: CsvTable, *, text_column: str, templates: Templates,
                theme_column: str | None = None, source_column: str | None = None) -> ImportPlan:
    """Check every row; themes and sources match by key or label, French or English."""
    for name in (text_column, theme_column, source_column):
        if name is not None and name not in table.columns:
            raise InvalidInput(N_("There is no column {column} in this file."), column=name)
    themes, sources = _lookup(templates.themes), _lookup(templates.sources)
    index = {name: table.columns.index(name) for name in table.columns}
    drafts, problems, blank = [], [], 0
    for number, row in enumerate(table.rows, start=2):
        if not any(cell.strip() for cell in row):
            blank += 1
            continue
        if len(row) > len(table.columns):
            problems.append(RowProblem(number, N_("more cells than columns ({count})"),
                                       {"count": len(row)}))
            continue

        def cell(name: str | None, row: list[str] = row) -> str:
            if name is None:
                return ""
            position = index[name]
            return row[position].strip() if position < len(row) else ""

        raw_text = cell(text_column)
        if not raw_text:
            problems.append(RowProblem(number, N_("empty text")))
            continue
        if len(raw_text) > CARD_TEXT_MAX:
            problems.append(RowProblem(number, N_("text too long ({length} characters, at "
                                                  "most {max})"),
                                       {"length": len(raw_text), "max": CARD_TEXT_MAX}))
            continue
        theme_value, source_value = cell(theme_column), cell(source_column)
        theme = themes.get(fold(theme_value), None) if theme_value else ""
        if theme is None:
            problems.append(RowProblem(number, N_("unknown theme “{value}”"),
                                       {"value": theme_value}))
            continue
        source = sources.get(fold(source_value), None) if source_value else ""
        if source is None:
            problems.append(RowProblem(number, N_("unknown source “{value}”"),
                                       {"value": source_value}))
            continue
        drafts.append(CardDraft(number, clean_text(raw_text, max_length=CARD_TEXT_MAX),
                                theme, source))
    return ImportPlan(drafts=drafts, problems=problems, blank=blank)


def import_cards(*, session: Session, actor: Actor, workshop_id: int, plan: ImportPlan,
                 kind: CardKind = CardKind.NEED, skip_rejected: bool = False) -> int:
    """Write the plan's cards in one transaction; return how many were imported.

    With rejected rows, nothing is written unless ``skip_rejected`` says to import the
    valid rows anyway.
    """
    workshop = facilitated_workshop(session, actor, workshop_id)
    if plan.problems and not skip_rejected:
        raise InvalidInput(N_("{count} rows cannot be imported: nothing was imported."),
                           count=len(plan.problems))
    if not plan.drafts:
        raise InvalidInput(N_("There is no card to import in this file."))
    for draft in plan.drafts:
        session.add(Card(collective_id=workshop.collective_id, workshop_id=pk(workshop),
                         kind=CardKind(kind), text=draft.text, theme=draft.theme,
                         source=draft.source, user_id=getattr(actor, "user_id", None)))
    bump_board_revision(session, pk(workshop))
    session.commit()
    return len(plan.drafts)
