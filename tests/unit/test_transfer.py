"""Moving a collective between instances (core/transfer.py): export → import into a fresh
database → export gives the same document but for identifiers, on SQLite, on PostgreSQL
and from one to the other; a refused file changes nothing; the JSON Schema in
data/schemas/ is the format's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from core.domain.actors import UserActor
from core.domain.models import (
    AccessRole,
    Action,
    ActionChange,
    ActionStatus,
    AgendaPhase,
    Candidate,
    Canvas,
    CanvasRevision,
    Card,
    CardKind,
    CardLink,
    CardSupport,
    Cluster,
    Collective,
    CollectiveAccess,
    Comment,
    Criterion,
    CriterionChange,
    Pairing,
    Participant,
    PhaseKind,
    Project,
    ProjectMember,
    ProjectStage,
    ProjectStageChange,
    Role,
    Score,
    User,
    Vote,
    Workshop,
)
from core.errors import InvalidInput, PermissionDenied
from core.services import transfer
from core.settings import PROJECT_ROOT
from core.storage.db import get_engine
from tests.conftest import make_user

SCHEMA = PROJECT_ROOT / "data" / "schemas" / "collective-v3.schema.json"
SCHEMA_V1 = PROJECT_ROOT / "data" / "schemas" / "collective-v1.schema.json"  # as it was
SCHEMA_V2 = PROJECT_ROOT / "data" / "schemas" / "collective-v2.schema.json"  # as it was
NASTY = ["=SOMME(A1:A9)", "+33 6 12", "-", "@maire", "Ünïcödé 🌻 ‮", "a\u0301e\u0300",
         "日本語のテキスト", "\"guillemets\" ; virgule, tab\tfin", "ligne\nsuivante", "é" * 40]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))


def canonical(document: dict) -> dict:
    """The document with identifiers replaced by each row's rank in its table (what stays
    the same when a collective moves): ids, references, join and link codes, the owner."""
    parts = [part for part in transfer.PARTS if part.name in document["tables"]]
    ranks = {}
    for part in parts:
        rows = document["tables"][part.name]
        if rows and "id" in rows[0]:
            ranks[part.name] = {row["id"]: i for i, row in enumerate(rows)}
    tables = {}
    for part in parts:
        refs = transfer.references(part)
        out = []
        for row in document["tables"][part.name]:
            row = dict(row)
            if "id" in row:
                row["id"] = ranks[part.name][row["id"]]
            for name, target in refs.items():
                if row.get(name) is not None and target != transfer.USERS:
                    row[name] = ranks[target][row[name]]
            row.pop("join_code", None)
            row.pop("code", None)
            if part.name == "collective":
                row.pop("owner_id")  # whoever imports it owns it
            out.append(row)
        tables[part.name] = out
    return tables


def build_world(session: Session, owner_id: int, data: st.DataObject) -> int:
    """A collective with every kind of row, drawn by hypothesis: returns its id."""
    draw = data.draw
    collective = Collective(name=draw(TEXT), territory=draw(TEXT), description=draw(TEXT),
                            owner_id=owner_id)
    session.add(collective)
    session.flush()
    cards: list[Card] = []
    for w in range(draw(st.integers(1, 2))):
        workshop = Workshop(collective_id=collective.id, title=draw(TEXT),
                            join_code=f"W{w}X{collective.id}Q", status="ended",
                            scheduled_on=dt.date(2026, 5, 1 + w),
                            results_revealed=draw(st.booleans()), created_by_id=owner_id)
        session.add(workshop)
        session.flush()
        for position, kind in enumerate((PhaseKind.WELCOME, PhaseKind.EXPLORE)):
            session.add(AgendaPhase(workshop_id=workshop.id, position=position, kind=kind,
                                    title=draw(TEXT), instructions=draw(TEXT)))
        people = []
        for i, name in enumerate(draw(st.lists(TEXT, max_size=3, unique_by=str.casefold))):
            person = Participant(workshop_id=workshop.id, display_name=name,
                                 name_key=f"{i}-{name.casefold()}"[:80],
                                 token=f"t{w}-{i}-{collective.id}",
                                 user_id=owner_id if i == 0 else None)
            session.add(person)
            people.append(person)
        group = Cluster(workshop_id=workshop.id, kind=CardKind.IDEA, name=draw(TEXT))
        session.add(group)
        session.flush()
        mine = []
        for text in draw(st.lists(TEXT, max_size=5)):
            card = Card(collective_id=collective.id, workshop_id=workshop.id,
                        kind=draw(st.sampled_from(list(CardKind))), text=text,
                        theme=draw(st.sampled_from(["", "mobilite"])), author_name=draw(TEXT),
                        participant_id=people[0].id if people and draw(st.booleans()) else None,
                        user_id=owner_id if draw(st.booleans()) else None,
                        cluster_id=group.id if draw(st.booleans()) else None,
                        client_key=f"k-{w}-{len(mine)}-{collective.id}")
            session.add(card)
            mine.append(card)
        session.flush()
        if len(mine) >= 2:
            mine[0].merged_into_id = mine[-1].id  # a reference to a later row
            session.add(CardLink(idea_id=mine[0].id, need_id=mine[1].id))
            for person in people:
                session.add(CardSupport(card_id=mine[1].id, participant_id=person.id))
        cards += mine
        criterion = Criterion(workshop_id=workshop.id, key="impact", name_fr=draw(TEXT),
                              name_en="Impact", weight=draw(st.sampled_from([0.5, 1.0, 2.25])),
                              direction=-1, axis="impact")
        session.add(criterion)
        session.flush()
        session.add(CriterionChange(workshop_id=workshop.id, criterion_id=criterion.id,
                                    user_id=owner_id, change="weight", old_weight=1.0,
                                    new_weight=2.25))
        candidates = [Candidate(workshop_id=workshop.id, card_id=c.id, selected=True)
                      for c in mine[:2]]
        if draw(st.booleans()):
            candidates.append(Candidate(workshop_id=workshop.id, cluster_id=group.id))
        session.add_all(candidates)
        session.flush()
        for person in people:
            for candidate in candidates:
                session.add(Score(participant_id=person.id, candidate_id=candidate.id,
                                  criterion_id=criterion.id,
                                  value=draw(st.sampled_from([None, 1, 3, 5]))))
                session.add(Vote(participant_id=person.id, candidate_id=candidate.id,
                                 dots=draw(st.integers(0, 3))))
        for _ in range(draw(st.integers(0, 1))):
            canvas = Canvas(collective_id=collective.id, workshop_id=workshop.id,
                            candidate_id=candidates[0].id if candidates else None,
                            template_key="outille-toi", title=draw(TEXT))
            session.add(canvas)
            session.flush()
            base = None
            for text in draw(st.lists(TEXT, min_size=1, max_size=4)):
                revision = CanvasRevision(canvas_id=canvas.id, section_key="besoin", text=text,
                                          base_revision_id=base, author_name=draw(TEXT),
                                          author_user_id=owner_id)
                session.add(revision)
                session.flush()
                base = revision.id
            thread = Comment(canvas_id=canvas.id, section_key="besoin", text=draw(TEXT),
                             author_name=draw(TEXT), client_key=f"c-{canvas.id}")
            session.add(thread)
            session.flush()
            session.add(Comment(canvas_id=canvas.id, section_key="besoin", text=draw(TEXT),
                                parent_id=thread.id,
                                author_participant_id=people[0].id if people else None,
                                resolved_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)))
            action = Action(collective_id=collective.id, workshop_id=workshop.id,
                            canvas_id=canvas.id, what=draw(TEXT), who=draw(TEXT),
                            who_participant_id=people[0].id if people else None,
                            due_on=dt.date(2027, 1, 15), support_wanted="collectivite",
                            status=ActionStatus.DOING, note=draw(TEXT),
                            created_by_user_id=owner_id)
            session.add(action)
            session.flush()
            for status in (ActionStatus.TODO, ActionStatus.DOING):
                session.add(ActionChange(action_id=action.id, change="status", status=status,
                                         note=draw(TEXT), author_name=draw(TEXT)))
            if people and draw(st.booleans()):  # a porteur's own project on this canvas
                project = Project(collective_id=collective.id, workshop_id=workshop.id,
                                  canvas_id=canvas.id, pitch=draw(TEXT), commune=draw(TEXT),
                                  interest=draw(st.sampled_from(["", "yes", "maybe", "no"])),
                                  supports="lieu,financement", share_canvas=draw(st.booleans()),
                                  contact=draw(TEXT), featured="agreed",
                                  stage=ProjectStage.TESTING, followup_note=draw(TEXT),
                                  next_meeting_on=dt.date(2027, 2, 3))
                session.add(project)
                session.flush()
                for person in people:
                    session.add(ProjectMember(project_id=project.id, participant_id=person.id))
                session.add(ProjectStageChange(project_id=project.id,
                                               stage=ProjectStage.TESTING,
                                               author_user_id=owner_id))
                session.add(CollectiveAccess(
                    collective_id=collective.id, code=f"team-{canvas.id}-x",
                    role=AccessRole.EDIT, canvas_id=canvas.id,
                    made_by_participant_id=people[0].id))
        phase_id = session.execute(select(AgendaPhase.id).where(
            AgendaPhase.workshop_id == workshop.id)).scalars().first()
        for group_no, person in enumerate(people):
            session.add(Pairing(workshop_id=workshop.id, phase_id=phase_id,
                                participant_id=person.id, group_no=group_no // 2))
    session.add(CollectiveAccess(collective_id=collective.id, code=f"link-{collective.id}-x",
                                 role=AccessRole.COMMENT, created_by=owner_id))
    session.commit()
    return collective.id


def moved(source: Session, target: Session, collective_id: int) -> tuple[dict, dict]:
    """Export from ``source``, import into ``target``, export again: both documents."""
    first = transfer.export_collective(session=source, actor=_admin(source),
                                       collective_id=collective_id)
    imported = transfer.import_collective(session=target, actor=_admin(target),
                                          data=transfer.dumps(first))
    assert not imported.already_here
    second = transfer.export_collective(session=target, actor=_admin(target),
                                        collective_id=imported.collective_id)
    return first, second


def _admin(session: Session) -> UserActor:
    """The database's admin (made the first time)."""
    user = session.execute(select(User).where(User.username == "root")).scalar_one_or_none()
    if user is None:
        return make_user(session, "root", Role.ADMIN)
    return UserActor(user_id=user.id, username=user.username, name=user.name, role=user.role)


def counts(session: Session) -> dict[str, int]:
    """Rows in every table a collective has."""
    session.rollback()
    return {part.name: session.execute(select(func.count()).select_from(part.table)).scalar_one()
            for part in transfer.PARTS}


# Few examples (each builds and moves a collective through two databases), no shrinking
# (minutes on a database): a failure prints its seed.
HYPOTHESIS = settings(max_examples=6, deadline=None,
                      phases=(Phase.explicit, Phase.reuse, Phase.generate),
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


@HYPOTHESIS
@given(data=st.data())
def test_export_import_export_gives_the_same_collective(db_url, other_sqlite, data):
    """From each database (SQLite, PostgreSQL) into a fresh SQLite one."""
    round_trip(db_url, other_sqlite, data)


@HYPOTHESIS
@given(data=st.data())
def test_from_sqlite_into_each_database(other_sqlite, db_url, data):
    """A laptop's collective (SQLite) into SQLite and into PostgreSQL."""
    round_trip(other_sqlite, db_url, data)


def round_trip(source_url: str, target_url: str, data: st.DataObject) -> None:
    """Build a collective in one database, move it to the other: the same document."""
    with Session(get_engine(source_url, write=True), expire_on_commit=False) as source, \
            Session(get_engine(target_url, write=True), expire_on_commit=False) as target:
        collective_id = built(source, data)
        first, second = moved(source, target, collective_id)
    assert canonical(first) == canonical(second)
    assert first["tables"]["collective"][0]["uid"] == second["tables"]["collective"][0]["uid"]


def built(session: Session, data: st.DataObject) -> int:
    try:
        return build_world(session, _admin(session).user_id, data)
    except Exception:
        session.rollback()
        raise


@pytest.mark.parametrize("slug", ["demo-miallet", "demo-incubateur"])
def test_the_demo_collective_moves_whole(db_url, other_sqlite, slug):
    """The demos (the residency: canvases, scores, actions; the incubator: porteurs'
    projects, teams, stages, private comments) survive."""
    from core.settings import Settings
    from launch.startup import bootstrap

    bootstrap(Settings(database_url=other_sqlite, data_dir=Path(other_sqlite[10:]).parent))
    with Session(get_engine(other_sqlite, write=True), expire_on_commit=False) as source, \
            Session(get_engine(db_url, write=True), expire_on_commit=False) as target:
        demo = source.execute(select(Collective.id).where(Collective.slug == slug)).scalar_one()
        first, second = moved(source, target, demo)
        assert counts(target) == {name: len(rows) for name, rows in first["tables"].items()}
    assert canonical(first) == canonical(second)
    sizes = {name: len(rows) for name, rows in first["tables"].items()}
    if slug == "demo-miallet":
        assert sizes["card"] > 20 and sizes["canvas_revision"] > 0 and sizes["action"] > 0
    else:
        assert (sizes["project"], sizes["project_member"], sizes["project_stage_change"]) == (
            8, 10, 2)
        assert sizes["comment"] == 4 and sizes["canvas_revision"] > 30


def row_def_kinds(known: dict) -> list[str]:
    """The phase kinds a schema knows."""
    return known["AgendaPhaseRow"]["properties"]["kind"]["enum"]


def _as_version(document: dict, version: int) -> dict:
    """The document as Fabrique wrote it in an older ``version``: without the tables and
    columns added since (read from that version's schema, kept in data/schemas/)."""
    schema = {1: SCHEMA_V1, 2: SCHEMA_V2}[version]
    known = json.loads(schema.read_text(encoding="utf-8"))["$defs"]
    tables = {}
    for part in transfer.PARTS:
        row_def = known.get(f"{part.model.__name__}Row")
        if row_def is None:
            continue
        tables[part.name] = [{k: v for k, v in row.items() if k in row_def["properties"]}
                             for row in document["tables"][part.name]]
    # A phase kind added since is what the migration makes it for an older schema.
    for row in tables["agenda_phase"]:
        if row["kind"] not in row_def_kinds(known):
            row["kind"] = "exchange"
    return {**document, "version": version, "tables": tables}


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_file_is_still_imported(db_url, other_sqlite, version):
    """A file exported before the porteurs' projects (version 1) or before the relation
    with the collectivité (version 2): read as version 3, its new columns given their
    defaults, nothing else changed."""
    import jsonschema

    from core.settings import Settings
    from launch.startup import bootstrap

    bootstrap(Settings(database_url=other_sqlite, data_dir=Path(other_sqlite[10:]).parent))
    with Session(get_engine(other_sqlite, write=True), expire_on_commit=False) as source, \
            Session(get_engine(db_url, write=True), expire_on_commit=False) as target:
        demo = source.execute(select(Collective.id).where(
            Collective.slug == "demo-miallet")).scalar_one()
        old = _as_version(transfer.export_collective(session=source, actor=_admin(source),
                                                     collective_id=demo), version)
        jsonschema.validate(json.loads(transfer.dumps(old)), json.loads(
            (SCHEMA_V1 if version == 1 else SCHEMA_V2).read_text(encoding="utf-8")))
        imported = transfer.import_collective(session=target, actor=_admin(target),
                                              data=transfer.dumps(old))
        again = transfer.export_collective(session=target, actor=_admin(target),
                                           collective_id=imported.collective_id)
    assert canonical(_as_version(again, version)) == canonical(old)
    assert {a["lever"] for a in again["tables"]["action"]} == {""}
    assert again["tables"]["relation_level"] == [] and again["version"] == 3
    if version == 1:
        assert {w["mode"] for w in again["tables"]["workshop"]} == {"collective"}
        assert {p["named_in_synthesis"] for p in again["tables"]["participant"]} == {False}
        assert again["tables"]["project"] == []


def test_the_same_file_twice_is_imported_once(session, facilitator, workshop):
    data = transfer.dumps(transfer.export_collective(
        session=session, actor=facilitator, collective_id=workshop.collective_id))
    before = counts(session)
    again = transfer.import_collective(session=session, actor=facilitator, data=data)
    assert again.already_here and again.collective_id == workshop.collective_id
    assert counts(session) == before


def _refused(session, actor, data: bytes, says: str) -> None:
    before = counts(session)
    with pytest.raises(InvalidInput) as refused:
        transfer.import_collective(session=session, actor=actor, data=data)
    assert says in refused.value.msgid.format(**refused.value.params), refused.value.params
    assert counts(session) == before  # nothing written


def _document(session, actor, collective_id) -> dict:
    document = transfer.export_collective(session=session, actor=actor,
                                          collective_id=collective_id)
    document["tables"]["collective"][0]["uid"] = "5d1f0000-0000-4000-8000-000000000001"
    return document


def test_refused_files_change_nothing(session, facilitator, running_workshop, templates):
    from core.domain import inputs
    from core.services import cards

    need = cards.add_card(session=session, actor=facilitator, workshop_id=running_workshop.id,
                          templates=templates, card_in=inputs.CardCreate(text="Un besoin"))
    cards.add_card(session=session, actor=facilitator, workshop_id=running_workshop.id,
                   templates=templates, card_in=inputs.CardCreate(
                       text="Une idée", kind=CardKind.IDEA, need_ids=(need.id,)))
    document = _document(session, facilitator, running_workshop.collective_id)
    good = transfer.dumps(document)
    _refused(session, facilitator, good[: len(good) // 2], "not valid JSON")
    _refused(session, facilitator, b"\xff\xfe", "not text in UTF-8")
    _refused(session, facilitator, json.dumps({"format": "x"}).encode(), "not a Fabrique")
    _refused(session, facilitator, json.dumps({**document, "version": 7}).encode(),
             "version 7 of the format")
    broken = json.loads(good)
    broken["tables"]["card"][0]["text"] = 12
    _refused(session, facilitator, json.dumps(broken).encode(), "tables.card.0.text")
    # A link to a card the file does not hold: refused after the collective, its workshop
    # and cards were inserted — and those are rolled back.
    missing = json.loads(good)
    missing["tables"]["card_link"][0]["need_id"] = 99999
    _refused(session, facilitator, json.dumps(missing).encode(),
             'refers to row 99999 of "card"')
    assert not transfer.import_collective(session=session, actor=facilitator,
                                          data=good).already_here


def test_only_its_facilitator_exports_and_participants_never_import(
        session, facilitator, other_facilitator, workshop, participant):
    with pytest.raises(PermissionDenied):
        transfer.export_collective(session=session, actor=other_facilitator,
                                   collective_id=workshop.collective_id)
    data = transfer.dumps(_document(session, facilitator, workshop.collective_id))
    with pytest.raises(PermissionDenied):
        transfer.import_collective(session=session, actor=participant, data=data)
    mine = transfer.import_collective(session=session, actor=other_facilitator, data=data)
    assert session.get(Collective, mine.collective_id).owner_id == other_facilitator.user_id


def test_the_schema_file_is_the_format_and_exports_follow_it(session, facilitator, workshop):
    import jsonschema

    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == transfer.json_schema(), (
        "the format changed: bump VERSION if old files no longer fit, then "
        "python -m core.services.transfer > data/schemas/collective-v3.schema.json")
    document = json.loads(transfer.dumps(transfer.export_collective(
        session=session, actor=facilitator, collective_id=workshop.collective_id)))
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    document["tables"]["workshop"][0]["status"] = "lost"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
