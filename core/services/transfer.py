"""A collective as one JSON file, to move it between Fabrique instances (a village hall's
laptop, an incubator's server) — the format is documented in docs/admin.md ("Moving a
collective") and its JSON Schema is ``data/schemas/collective-v3.schema.json``.

The file holds every row of one collective, table by table: the collective, its
workshops and their agendas, participants, cards, "ça me concerne", links between ideas
and needs, groups, criteria and their changes, candidates, scores and dots, canvases with
every revision and comment, next steps with their history, the collective's links, and
in a "chacun son projet" workshop each porteur's project, its team, its follow-up's
history and who read whose project, and each project's relation with its collectivité
(the diagnostics' answers, the levels recorded over time).
Each row keeps its columns; ``id`` is the row's identifier *in the file*, and a column
that refers to another row (``workshop_id``, ``card_id``…) holds that row's ``id`` in the
file. What belongs to one instance stays there: accounts (a column that named a
facilitator's account holds ``0``, "a facilitator", and the facilitator who imports takes
it over), participants' secret tokens (new ones are made), keys against double sending.

Import never overwrites: a collective carries a ``uid`` that stays the same wherever it
goes, and a file whose collective is already here is not imported again. A file of an
unknown format version, one that is not valid, or that refers to a row it does not hold,
is refused with a message that says what is wrong, and nothing is written. A file of an
older version is read as it was written: version 1 (before the porteurs' projects) and
version 2 (before the relation with the collectivité) are brought to version 3 first
(``_upgrade``).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from sqlalchemy import Table, bindparam, insert, select, update
from sqlmodel import Session, SQLModel, col

from core.domain.actors import Actor
from core.domain.models import (
    Action,
    ActionChange,
    AgendaPhase,
    Candidate,
    Canvas,
    CanvasRevision,
    CardLink,
    CardSupport,
    Cluster,
    Collective,
    CollectiveAccess,
    Comment,
    Criterion,
    CriterionChange,
    Diagnostic,
    DiagnosticAnswer,
    EnumText,
    Pairing,
    Participant,
    Project,
    ProjectMember,
    ProjectStageChange,
    RelationLevel,
    Score,
    Vote,
    Workshop,
)
from core.domain.models import Card as CardRow
from core.errors import InvalidInput
from core.services import access
from core.text.i18n import N_

FORMAT = "fabrique-collective"
VERSION = 3
READS = (1, 2, 3)  # the versions this Fabrique imports
ACCOUNT = 0  # what a column naming a facilitator's account holds in the file
USERS = "app_user"


@dataclass(frozen=True)
class Part:
    """One table of the file: its rows are those whose ``parent_column`` points to a row
    of ``parent`` already in the file (``parent`` None: the collective itself)."""

    model: type[SQLModel]
    parent_column: str
    parent: str | None
    drop: tuple[str, ...] = ()  # columns that stay on their instance

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined]

    @property
    def name(self) -> str:
        return self.table.name

    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns if c.name not in self.drop]


PARTS: tuple[Part, ...] = (
    Part(Collective, "id", None, drop=("slug",)),
    Part(Workshop, "collective_id", "collective"),
    Part(AgendaPhase, "workshop_id", "workshop"),
    Part(Participant, "workshop_id", "workshop",
         drop=("token", "join_key", "browser_key", "on_phase")),
    Part(Cluster, "workshop_id", "workshop"),
    Part(CardRow, "collective_id", "collective", drop=("client_key",)),
    Part(CardSupport, "card_id", "card"),
    Part(CardLink, "idea_id", "card"),
    Part(Criterion, "workshop_id", "workshop"),
    Part(CriterionChange, "workshop_id", "workshop"),
    Part(Candidate, "workshop_id", "workshop"),
    Part(Score, "candidate_id", "candidate"),
    Part(Vote, "candidate_id", "candidate"),
    Part(Canvas, "collective_id", "collective"),
    Part(CollectiveAccess, "collective_id", "collective"),
    Part(CanvasRevision, "canvas_id", "canvas", drop=("writer", "writer_seq")),
    Part(Comment, "canvas_id", "canvas", drop=("client_key",)),
    Part(Action, "collective_id", "collective", drop=("client_key",)),
    Part(ActionChange, "action_id", "action"),
    Part(Project, "collective_id", "collective"),
    Part(ProjectMember, "project_id", "project"),
    Part(ProjectStageChange, "project_id", "project"),
    Part(Pairing, "workshop_id", "workshop"),
    Part(Diagnostic, "workshop_id", "workshop"),
    Part(DiagnosticAnswer, "diagnostic_id", "diagnostic"),
    Part(RelationLevel, "collective_id", "collective"),
)
BY_NAME = {part.name: part for part in PARTS}


def references(part: Part) -> dict[str, str]:
    """Return the columns of ``part`` that refer to another row: column → table."""
    return {fk.parent.name: fk.column.table.name for fk in part.table.foreign_keys
            if fk.parent.name not in part.drop}


# --- export -------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def export_collective(*, session: Session, actor: Actor, collective_id: int) -> dict:
    """Return everything of one collective as the file's document (a dict ready for
    JSON), for its facilitator or an admin."""
    collective = access.collective_for(session, actor, collective_id)
    ids: dict[str, list[int]] = {}
    tables: dict[str, list[dict]] = {}
    for part in PARTS:
        table = part.table
        parents = [collective.id] if part.parent is None else ids[part.parent]
        rows = session.execute(
            select(table).where(table.c[part.parent_column].in_(parents))
            .order_by(*table.primary_key.columns)).mappings().all() if parents else []
        users = [c for c, target in references(part).items() if target == USERS]
        kept = part.columns()
        out = []
        for row in rows:
            item = {name: _value(row[name]) for name in kept}
            for name in users:
                if item[name] is not None:
                    item[name] = ACCOUNT
            out.append(item)
        tables[part.name] = out
        if "id" in table.c:
            ids[part.name] = [row["id"] for row in rows]
    return {"format": FORMAT, "version": VERSION,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(), "tables": tables}


def dumps(document: dict) -> bytes:
    """Return the document as the file's bytes (UTF-8 JSON, one table row per line)."""
    lines = ["{", f'"format":{json.dumps(document["format"])},',
             f'"version":{document["version"]},',
             f'"exported_at":{json.dumps(document["exported_at"])},', '"tables":{']
    names = list(document["tables"])
    for i, name in enumerate(names):
        rows = document["tables"][name]
        body = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":"))
                          for row in rows)
        lines.append(f'"{name}":[' + ("\n" + body + "\n" if rows else "") + "]"
                     + ("," if i < len(names) - 1 else ""))
    lines.append("}}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- the format, as pydantic models (and so as a JSON Schema) ------------------------------


def _python_type(column) -> type:
    """The Python type a column holds (through SQLModel's type decorators)."""
    kind = column.type
    return getattr(kind, "impl_instance", kind).python_type


def _field_type(part: Part, column) -> Any:
    if isinstance(column.type, EnumText):
        kind: Any = Literal[tuple(m.value for m in column.type.enum)]
    elif references(part).get(column.name) == USERS:
        kind = Literal[ACCOUNT]
    else:
        kind = _python_type(column)
        if kind is float:
            kind = float | int
    return kind | None if column.nullable and not column.primary_key else kind


def _row_model(part: Part) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for column in part.table.columns:
        if column.name in part.drop:
            continue
        kind = _field_type(part, column)
        length = getattr(getattr(column.type, "impl_instance", column.type), "length", None)
        if length and kind in (str, str | None):
            fields[column.name] = (kind, Field(max_length=length))
        else:
            fields[column.name] = (kind, ...)
    return create_model(
        f"{part.model.__name__}Row", __config__=ConfigDict(extra="forbid"), **fields)


ROW_MODELS = {part.name: _row_model(part) for part in PARTS}
Tables = create_model(  # type: ignore[call-overload]
    "Tables", __config__=ConfigDict(extra="forbid"),
    **{name: (list[model], ...) for name, model in ROW_MODELS.items()})  # type: ignore[valid-type]


class Document(BaseModel):
    """A collective as a file (version 3)."""

    model_config = ConfigDict(extra="forbid", title="Fabrique collective, version 3")

    format: Literal["fabrique-collective"]
    version: Literal[3]
    exported_at: dt.datetime
    tables: Tables  # type: ignore[valid-type]


def json_schema() -> dict:
    """Return the JSON Schema of the file (written to data/schemas/ and kept equal by a
    test)."""
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = (__doc__ or "").split("\n\n")[0].replace("\n", " ")
    return schema


# --- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """What an import did: the collective's id here, and whether it was already here."""

    collective_id: int
    name: str
    already_here: bool
    rows: int


def _parse(data: bytes) -> dict:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InvalidInput(N_("This file is not text in UTF-8 (byte {at})."),
                           at=error.start) from None
    except json.JSONDecodeError as error:
        raise InvalidInput(N_("This file is not valid JSON: {problem}, line {line}, "
                              "column {column}."), problem=error.msg, line=error.lineno,
                           column=error.colno) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(N_("This file is not a Fabrique collective (its \"format\" "
                              "should be \"{format}\")."), format=FORMAT)
    if document.get("version") not in READS:
        raise InvalidInput(N_("This file is in version {found} of the format, and this "
                              "Fabrique reads version {known}: update Fabrique to import "
                              "it."), found=str(document.get("version")), known=VERSION)
    if document["version"] < VERSION:
        document = _upgrade(document)
    try:
        Document.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:3])
        raise InvalidInput(N_("This file does not follow the format ({count} problems): "
                              "{problems}."), count=error.error_count(),
                           problems=problems) from None
    return document


def _default(column) -> tuple[bool, Any]:
    """Return whether a column has a value to give a row that lacks it, and that value:
    its default when it is a constant, None when it may be empty."""
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return True, _value(default.arg)
    if default is not None and getattr(default, "is_callable", False):
        return True, _value(default.arg(None))  # a moment: when the row arrives here
    if column.nullable:
        return True, None
    return False, None


def _upgrade(document: dict) -> dict:
    """Bring a file of an older version to version 3: the tables added since (the
    porteurs' projects in version 2, the diagnostics and levels of the relation with the
    collectivité in version 3) are empty, and a column added since (a workshop's mode, a
    phase's focus, an action's lever, a
    participant's consent to be named…) takes its default, as a migration gives it to the
    rows already in a database. A column version 1 did not know and that has no default
    stays missing, and the file is refused naming it."""
    tables = dict(document.get("tables") or {})
    for part in PARTS:
        rows = tables.get(part.name)
        if rows is None:
            tables[part.name] = []
            continue
        if not isinstance(rows, list):
            continue  # refused by the validation, with its place
        fills = {}
        for column in part.table.columns:
            if column.name in part.drop:
                continue
            known, value = _default(column)
            if known:
                fills[column.name] = value
        tables[part.name] = [{**{k: v for k, v in fills.items() if k not in row}, **row}
                             if isinstance(row, dict) else row for row in rows]
    return {**document, "version": VERSION, "tables": tables}


def _coerce(part: Part, name: str, value: Any) -> Any:
    column = part.table.c[name]
    if value is None or not isinstance(value, str):
        return value
    kind = str if isinstance(column.type, EnumText) else _python_type(column)
    if kind is dt.datetime:
        moment = dt.datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # stored as UTC
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value


def _free(session: Session, column, value: str, make) -> str:
    """Return ``value`` if no row holds it in ``column`` (unique), else a new one."""
    while session.execute(select(column).where(column == value)).first() is not None:
        value = make()
    return value


def import_collective(*, session: Session, actor: Actor, data: bytes) -> Imported:
    """Create the collective of a file here, owned by the facilitator importing it; or,
    when it is already here, say so and write nothing. All or nothing: a refused file
    leaves the database as it was."""
    user = access.active_user(session, access.require_user(actor))
    document = _parse(data)
    tables: dict[str, list[dict]] = document["tables"]
    if len(tables["collective"]) != 1:
        raise InvalidInput(N_("This file should hold one collective; it holds {count}."),
                           count=len(tables["collective"]))
    source = tables["collective"][0]
    found = session.execute(select(Collective.id, Collective.name).where(  # type: ignore[call-overload]
        col(Collective.uid) == source["uid"])).first()
    if found is not None:
        return Imported(found[0], found[1], True, 0)
    try:
        count = _insert_all(session, tables, user.id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    created = session.execute(select(Collective.id).where(  # type: ignore[call-overload]
        col(Collective.uid) == source["uid"])).scalar_one()
    return Imported(created, source["name"], False, count)


def _missing(table: str, row: object, ref: object, target: str) -> InvalidInput:
    return InvalidInput(N_("Row {row} of \"{table}\" refers to row {ref} of \"{target}\", "
                           "which the file does not hold."),
                        row=str(row), table=table, ref=str(ref), target=target)


def _insert_all(session: Session, tables: dict[str, list[dict]], user_id: int | None) -> int:
    """Insert every table of the file in order, each in one statement; return the rows."""
    from core.services.canvas_links import ACCESS_CODE_BYTES
    from core.services.workshops import new_join_code

    mapping: dict[str, dict[int, int]] = {}
    count = 0
    for part in PARTS:
        rows = tables[part.name]
        refs = references(part)
        table = part.table
        prepared = []
        for row in rows:
            values = {name: _coerce(part, name, value) for name, value in row.items()}
            values.pop("id", None)
            for name, target in refs.items():
                old = row.get(name)
                if old is None:
                    continue
                if target == USERS:
                    values[name] = user_id
                elif target == part.name:
                    values[name] = None  # set once every row of the table is in
                elif old in mapping.get(target, {}):
                    values[name] = mapping[target][old]
                else:
                    raise _missing(part.name, row.get("id", "?"), old, target)
            if part.name == "collective":
                values["owner_id"] = user_id
            elif part.name == "workshop":
                values["join_code"] = _free(session, table.c.join_code, values["join_code"],
                                            new_join_code)
            elif part.name == "participant":
                values["token"] = secrets.token_urlsafe(24)
            elif part.name == "collective_access":
                values["code"] = _free(session, table.c.code, values["code"],
                                       lambda: secrets.token_urlsafe(ACCESS_CODE_BYTES))
            prepared.append(values)
        count += len(prepared)
        if "id" not in table.c:
            if prepared:
                session.execute(insert(table), prepared)
            continue
        new_ids = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            prepared).scalars().all() if prepared else []
        mapping[part.name] = {row["id"]: new for row, new in zip(rows, new_ids, strict=True)}
        for name, target in refs.items():
            if target != part.name:
                continue
            links = []
            for row, new in zip(rows, new_ids, strict=True):
                old = row.get(name)
                if old is None:
                    continue
                if old not in mapping[part.name]:
                    raise _missing(part.name, row["id"], old, target)
                links.append({"row_id": new, "target": mapping[part.name][old]})
            if links:
                session.execute(update(table).where(table.c.id == bindparam("row_id"))
                                .values({name: bindparam("target")}), links)
    return count


# python -m core.services.transfer > data/schemas/collective-v3.schema.json
if __name__ == "__main__":
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
