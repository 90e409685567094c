"""Personal data (core/services/privacy.py): after anonymising, a person's name is nowhere
in the database (every text column searched) nor in any export; retention anonymises on
time; a deleted collective can come back until it is purged, then every row is gone; the
automatic backup when a workshop ends."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import zipfile
from contextlib import closing

import pytest
from sqlalchemy import String, Text, select
from sqlmodel import SQLModel

from core.domain import inputs
from core.domain.models import (
    Action,
    ActionStatus,
    Canvas,
    CanvasRevision,
    Card,
    CardKind,
    Collective,
    Comment,
    Participant,
    PhaseKind,
    Workshop,
)
from core.errors import InvalidInput, PermissionDenied
from core.outputs import exports, livrable
from core.services import (
    actions,
    cards,
    participants,
    phases,
    privacy,
    synthesis,
    transfer,
    workshops,
)
from core.text.cleaning import fold
from tests.conftest import join, start_at

NAME = "Zéphyrine Bouchard"


def everywhere(session, needle: str) -> list[str]:
    """Every table.column whose text holds ``needle``, case and accents aside (compared
    here, in Python: SQLite's lower() folds ASCII only)."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)
                   or isinstance(getattr(c.type, "impl_instance", None), String | Text)]
        for column in columns:
            values = session.execute(select(column).where(column.is_not(None))).scalars()
            if any(fold(needle) in fold(str(v)) for v in values):
                found.append(f"{table.name}.{column.name}")
    return found


def test_anonymised_name_is_nowhere(session, facilitator, running_workshop, templates):
    workshop = running_workshop
    person = join(session, workshop, NAME)
    other = join(session, workshop, "Marcel")
    need = cards.add_card(session=session, actor=person, workshop_id=workshop.id,
                          templates=templates, card_in=inputs.CardCreate(text="Un besoin"))
    cards.toggle_support(session=session, actor=other, card_id=need.id)
    cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                   templates=templates, card_in=inputs.CardCreate(
                       text="Noté pour elle", author_name=NAME.upper(), on_behalf=True))
    quoted = cards.add_card(session=session, actor=person, workshop_id=workshop.id,
                            templates=templates, card_in=inputs.CardCreate(
                                text="Ce que dit le maire", author_name="Le maire"))
    start_at(session, facilitator, workshop, PhaseKind.NEXT_STEPS)
    action = actions.add_action(session=session, actor=person, workshop_id=workshop.id,
                                templates=templates,
                                action_in=inputs.ActionCreate(what="Appeler", for_me=True))
    actions.set_status(session=session, actor=person, action_id=action.id,
                       status=ActionStatus.DOING, note="en cours")
    canvas = Canvas(collective_id=workshop.collective_id, workshop_id=workshop.id,
                    template_key="outille-toi", title="Projet")
    session.add(canvas)
    session.flush()
    session.add(CanvasRevision(canvas_id=canvas.id, section_key="besoin", text="Texte",
                               author_participant_id=person.participant_id, author_name=NAME))
    session.add(Comment(canvas_id=canvas.id, section_key="besoin", text="Avis",
                        author_participant_id=person.participant_id, author_name=NAME))
    session.commit()
    assert len(everywhere(session, "Zéphyrine")) >= 5
    old_token = session.get(Participant, person.participant_id).token

    with pytest.raises(PermissionDenied):
        privacy.anonymise_participant(session=session, actor=other,
                                      participant_id=person.participant_id)
    new = privacy.anonymise_participant(session=session, actor=facilitator,
                                        participant_id=person.participant_id)
    assert new == "Participant·e 1"
    assert everywhere(session, "Zéphyrine") == []
    assert participants.actor_for_token(session, old_token) is None  # the link is revoked
    assert session.get(Action, action.id).who == new
    assert session.get(Card, quoted.id).author_name == "Le maire"  # someone else's words
    assert "Marcel" in [p.display_name for p in session.exec(select(Participant)).scalars()]

    # Nor in any export: the collective's file, the spreadsheets (named), the synthesis.
    document = transfer.dumps(transfer.export_collective(
        session=session, actor=facilitator, collective_id=workshop.collective_id))
    assert "zéphyrine" not in document.decode("utf-8").lower()
    tables = exports.sheets(session=session, actor=facilitator, workshop_id=workshop.id,
                            templates=templates, lang="fr", named=True)
    archive = zipfile.ZipFile(io.BytesIO(exports.zip_file(tables, "fr")))
    for name in archive.namelist():
        assert "zéphyrine" not in archive.read(name).decode("utf-8-sig").lower(), name
    found = synthesis.build(session=session, actor=facilitator, lang="fr",
                            templates=templates, workshop_id=workshop.id, anonymous=False)
    assert "zéphyrine" not in livrable.write(found, "md").decode("utf-8").lower()


def test_retention_anonymises_ended_workshops_on_time(session, facilitator, running_workshop):
    workshop = running_workshop
    join(session, workshop, NAME)
    with pytest.raises(InvalidInput):
        privacy.set_retention(session=session, actor=facilitator,
                              collective_id=workshop.collective_id, days=0)
    privacy.set_retention(session=session, actor=facilitator,
                          collective_id=workshop.collective_id, days=30)
    assert privacy.apply_retention(session) == 0  # still running
    phases.end(session=session, actor=facilitator, workshop_id=workshop.id)
    ended = session.get(Workshop, workshop.id).ended_at
    ended = ended if ended.tzinfo else ended.replace(tzinfo=dt.UTC)
    assert privacy.apply_retention(session, now=ended + dt.timedelta(days=29)) == 0
    assert everywhere(session, "Zéphyrine") != []
    assert privacy.apply_retention(session, now=ended + dt.timedelta(days=31)) == 1
    assert everywhere(session, "Zéphyrine") == []
    assert privacy.apply_retention(session, now=ended + dt.timedelta(days=40)) == 0


def test_a_deleted_collective_comes_back_until_purged(session, admin, facilitator,
                                                      other_facilitator, running_workshop,
                                                      templates):
    workshop = running_workshop
    collective_id = workshop.collective_id
    join(session, workshop, NAME)
    cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                   templates=templates, card_in=inputs.CardCreate(text="Un besoin",
                                                                  kind=CardKind.NEED))
    other = workshops.create_collective(session=session, actor=other_facilitator,
                                        collective_in=inputs.CollectiveCreate(name="Autre"))
    with pytest.raises(PermissionDenied):
        privacy.delete_collective(session=session, actor=other_facilitator,
                                  collective_id=collective_id, confirm="Collectif de Miallet")
    with pytest.raises(InvalidInput):
        privacy.delete_collective(session=session, actor=facilitator,
                                  collective_id=collective_id, confirm="Miallet")
    privacy.delete_collective(session=session, actor=facilitator,
                              collective_id=collective_id, confirm=" collectif de miallet ")
    assert collective_id not in [c.id for c in workshops.list_collectives(
        session=session, actor=facilitator)]
    with pytest.raises(PermissionDenied):
        privacy.deleted_collectives(session=session, actor=facilitator)
    with pytest.raises(PermissionDenied):
        workshops.all_collectives(session=session, actor=facilitator)
    assert [c.id for c in privacy.deleted_collectives(session=session, actor=admin)] == [
        collective_id]
    privacy.restore_collective(session=session, actor=admin, collective_id=collective_id)
    assert collective_id in [c.id for c, _n in workshops.all_collectives(session=session,
                                                                         actor=admin)]

    privacy.delete_collective(session=session, actor=facilitator,
                              collective_id=collective_id, confirm="Collectif de Miallet")
    deleted = session.get(Collective, collective_id).deleted_at
    deleted = deleted if deleted.tzinfo else deleted.replace(tzinfo=dt.UTC)
    assert privacy.purge_deleted(session, 30, now=deleted + dt.timedelta(days=29)) == []
    assert privacy.purge_deleted(session, 30, now=deleted + dt.timedelta(days=31)) == [
        collective_id]
    assert session.get(Collective, collective_id) is None
    assert everywhere(session, "Zéphyrine") == []
    assert everywhere(session, "Un besoin") == []
    assert session.get(Collective, other.id) is not None  # the neighbour is untouched


def test_a_backup_is_made_when_a_workshop_ends(sqlite_url, monkeypatch, tmp_path, templates):
    """SQLite (PostgreSQL's backup is pg_dump's: tests/unit/test_cli_data.py)."""
    from sqlmodel import Session

    from core.storage.db import get_engine
    from tests.conftest import make_user

    monkeypatch.setenv("FABRIQUE_BACKUPS_KEPT", "2")
    monkeypatch.setenv("FABRIQUE_DATA_DIR", str(tmp_path / "data"))
    with Session(get_engine(sqlite_url, write=True), expire_on_commit=False) as session:
        owner = make_user(session, "camille")
        collective = workshops.create_collective(
            session=session, actor=owner, collective_in=inputs.CollectiveCreate(name="C"))
        workshop = workshops.create_workshop(
            session=session, actor=owner, collective_id=collective.id,
            workshop_in=inputs.WorkshopCreate(title="A"),
            workshop_format=templates.formats["soiree-2h"], lang="fr")
        for _ in range(3):
            phases.start(session=session, actor=owner, workshop_id=workshop.id)
            phases.end(session=session, actor=owner, workshop_id=workshop.id)
    made = sorted((tmp_path / "data" / "backups").iterdir())
    assert len(made) == 2 and all(p.name.endswith(f"atelier-{workshop.id}.db") for p in made)
    with closing(sqlite3.connect(made[-1])) as copy:
        assert copy.execute("SELECT count(*) FROM workshop WHERE status = 'ended'"
                            ).fetchone()[0] == 1


def test_start_up_purges_and_anonymises_what_is_due(session, facilitator, running_workshop):
    """launch.startup.housekeeping: what each app server runs at start and hourly."""
    from core.settings import Settings
    from launch.startup import housekeeping

    join(session, running_workshop, NAME)
    privacy.set_retention(session=session, actor=facilitator,
                          collective_id=running_workshop.collective_id, days=1)
    phases.end(session=session, actor=facilitator, workshop_id=running_workshop.id)
    other = workshops.create_collective(session=session, actor=facilitator,
                                        collective_in=inputs.CollectiveCreate(name="Ancien"))
    privacy.delete_collective(session=session, actor=facilitator, collective_id=other.id,
                              confirm="Ancien")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    for row in (session.get(Workshop, running_workshop.id), session.get(Collective, other.id)):
        if isinstance(row, Workshop):
            row.ended_at = long_ago
        else:
            row.deleted_at = long_ago
        session.add(row)
    session.commit()
    other_id = other.id
    housekeeping(session, Settings(purge_after_days=30))
    assert session.get(Collective, other_id) is None
    assert everywhere(session, "Zéphyrine") == []
