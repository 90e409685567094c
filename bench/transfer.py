"""Moving a big collective, and backing it up: 5 workshops × 1,000 cards, 14,400 scores
(per workshop 60 people × 8 candidates × 6 criteria), 20 canvases × 500 revisions.
Prints the export (service + JSON), the import into a fresh database, and the SQLite
backup, in seconds; the same import into PostgreSQL with --postgres (a throwaway server
from this machine's binaries, or FABRIQUE_TEST_POSTGRES_URL). Targets: export and import
≤ 10 s each, backup ≤ 5 s.

    .venv/bin/python bench/transfer.py [--postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _setup import ROOT

sys.path.insert(0, str(ROOT))

WORKSHOPS, CARDS, PEOPLE, CANDIDATES, CRITERIA = 5, 1000, 60, 8, 6
CANVASES, REVISIONS = 20, 500


def build(url: str) -> tuple[object, int]:
    """The big collective, inserted in bulk; return (the owner as an actor, its id)."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from core.domain.actors import UserActor
    from core.domain.models import (
        Candidate,
        Canvas,
        CanvasRevision,
        Card,
        Collective,
        Criterion,
        Participant,
        Role,
        Score,
        User,
        Workshop,
    )
    from core.storage.db import get_engine

    random.seed(7)
    now = dt.datetime.now(dt.UTC)
    with Session(get_engine(url, write=True), expire_on_commit=False) as session:
        user = User(username="bench", name="Bench", password_hash="x", role=Role.ADMIN)
        session.add(user)
        session.flush()
        collective = Collective(name="Grand collectif", owner_id=user.id)
        session.add(collective)
        session.flush()
        for w in range(WORKSHOPS):
            workshop = Workshop(collective_id=collective.id, title=f"Atelier {w}",
                                join_code=f"B{w}{uuid.uuid4().hex[:6].upper()}",
                                status="ended")
            session.add(workshop)
            session.flush()
            people = session.execute(insert(Participant).returning(Participant.id), [
                {"workshop_id": workshop.id, "display_name": f"Personne {i}",
                 "name_key": f"personne {i}", "token": uuid.uuid4().hex,
                 "created_at": now, "last_seen_at": now} for i in range(PEOPLE)]
            ).scalars().all()
            cards = session.execute(insert(Card).returning(Card.id), [
                {"collective_id": collective.id, "workshop_id": workshop.id,
                 "kind": "idea" if i % 3 else "need",
                 "text": f"Carte {i} : une idée pour le bourg, « n° {i} » — {w}",
                 "participant_id": people[i % PEOPLE], "created_at": now, "updated_at": now}
                for i in range(CARDS)]).scalars().all()
            criteria = session.execute(insert(Criterion).returning(Criterion.id), [
                {"workshop_id": workshop.id, "key": f"c{i}", "name_fr": f"Critère {i}",
                 "name_en": f"Criterion {i}", "weight": 1.5} for i in range(CRITERIA)]
            ).scalars().all()
            candidates = session.execute(insert(Candidate).returning(Candidate.id), [
                {"workshop_id": workshop.id, "card_id": cards[1 + i * 3], "created_at": now}
                for i in range(CANDIDATES)]).scalars().all()
            session.execute(insert(Score), [
                {"participant_id": p, "candidate_id": c, "criterion_id": k,
                 "value": random.randint(1, 5), "updated_at": now}
                for p in people for c in candidates for k in criteria])
            for n in range(CANVASES // WORKSHOPS):
                canvas = Canvas(collective_id=collective.id, workshop_id=workshop.id,
                                template_key="outille-toi", title=f"Projet {w}-{n}")
                session.add(canvas)
                session.flush()
                base = None
                for r in range(REVISIONS):  # chained: each revision edits the previous
                    base = session.execute(insert(CanvasRevision).returning(
                        CanvasRevision.id), [{
                            "canvas_id": canvas.id, "section_key": f"s{r % 12}",
                            "text": f"Version {r} du texte de la section, assez longue " * 3,
                            "base_revision_id": base, "author_name": "Lucie",
                            "created_at": now}]).scalar_one()
        session.commit()
        return (UserActor(user_id=user.id, username="bench", name="Bench", role=Role.ADMIN),
                collective.id)


def admin_in(url: str) -> object:
    from sqlmodel import Session

    from core.domain.actors import UserActor
    from core.domain.models import Role, User
    from core.storage.db import get_engine

    with Session(get_engine(url, write=True), expire_on_commit=False) as session:
        user = User(username="admin", name="Admin", password_hash="x", role=Role.ADMIN)
        session.add(user)
        session.commit()
        return UserActor(user_id=user.id, username="admin", name="Admin", role=Role.ADMIN)


def sqlite_url() -> str:
    from core.storage.migrate import upgrade

    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    return url


def timed(label: str, function) -> object:
    started = time.perf_counter()
    result = function()
    print(f"  {label:<44} {time.perf_counter() - started:6.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    os.environ["FABRIQUE_BACKUPS_KEPT"] = "0"
    from sqlalchemy import func, select
    from sqlmodel import Session

    from core.services import transfer
    from core.storage import backup
    from core.storage.db import dispose_engines, get_engine

    source = sqlite_url()
    owner, collective_id = timed("building the collective (bulk)", lambda: build(source))
    with Session(get_engine(source)) as session:
        rows = {p.name: session.execute(select(func.count()).select_from(p.table)
                                        ).scalar_one() for p in transfer.PARTS}
    print(f"  rows: {sum(rows.values()):,} ({rows['card']:,} cards, {rows['score']:,} scores, "
          f"{rows['canvas_revision']:,} revisions)")

    def export() -> bytes:
        with Session(get_engine(source)) as session:
            return transfer.dumps(transfer.export_collective(
                session=session, actor=owner, collective_id=collective_id))

    data = timed("export (SQLite → JSON)", export)
    print(f"  file: {len(data) / 1e6:.1f} MB")

    def import_into(url: str) -> object:
        actor = admin_in(url)
        with Session(get_engine(url, write=True)) as session:
            return transfer.import_collective(session=session, actor=actor, data=data)

    target = sqlite_url()
    done = timed("import (JSON → a fresh SQLite)", lambda: import_into(target))
    print(f"  imported {done.rows:,} rows")  # type: ignore[attr-defined]
    copy = Path(tempfile.mkdtemp()) / "copy.db"
    made = timed("backup (SQLite online backup + check)", lambda: backup.backup(source, copy))
    print(f"  backup: {made.size / 1e6:.1f} MB")  # type: ignore[attr-defined]
    dispose_engines(source)
    dispose_engines(target)
    if args.postgres:
        from core.storage.migrate import upgrade
        from tests.pg_server import scratch_database, start_throwaway

        server = None
        base = os.environ.get("FABRIQUE_TEST_POSTGRES_URL")
        if not base:
            server = start_throwaway()
            assert server is not None, "no PostgreSQL binaries on this machine"
            base = server.url
        try:
            with scratch_database(base, "fabrique_bench") as url:
                upgrade(url)
                timed("import (JSON → PostgreSQL)", lambda: import_into(url))
                with Session(get_engine(url)) as session:
                    imported = session.execute(select(func.max(transfer.BY_NAME["collective"]
                                                               .table.c.id))).scalar_one()

                def export_pg() -> bytes:
                    from core.domain.actors import UserActor
                    from core.domain.models import Role, User

                    with Session(get_engine(url)) as session:
                        user = session.execute(select(User).where(User.username == "admin")
                                               ).scalar_one()
                        who = UserActor(user_id=user.id, username=user.username, name=user.name,
                                        role=Role.ADMIN)
                        return transfer.dumps(transfer.export_collective(
                            session=session, actor=who, collective_id=imported))

                timed("export (PostgreSQL → JSON)", export_pg)
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
