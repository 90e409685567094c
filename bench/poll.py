"""What one idle phone costs the server, next to a bare Streamlit fragment of one element
polling every second (the floor). Prints figures: CPU per poll, and per phone and second
(Fabrique's phones are woken by their server and poll every 20 s: ui/push.py).

    .venv/bin/python bench/poll.py [--phones 30] [--seconds 20] [--cards 300]

Phones are protocol-level clients (bench/load.py's ``Client``): they join the demo
workshop on Explorer, whose board holds ``--cards`` needs, and poll as a browser does,
nobody writing. Measured over ``--seconds``: the app server's CPU time per poll (from
/proc), the bytes sent per poll, and the polls actually made. The floor: the same phones on
a one-file app whose only content is ``@st.fragment(run_every=…)`` drawing one element,
with Fabrique's Streamlit settings.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._setup import bare_server, fill_board  # noqa: E402
from bench.load import Client, cpu_seconds, join_workshop  # noqa: E402
from tests.browser.conftest import ADMIN, Server, prepare_database  # noqa: E402

BARE_APP = """
import streamlit as st

@st.fragment(run_every={interval})
def tick():
    st.html("<div>tick</div>")

tick()
"""


async def measure(server: Server, clients: list[Client], seconds: float) -> dict:
    for client in clients:
        client.start_polling()
    await asyncio.sleep(3)  # every phone in its rhythm
    runs = sum(c.runs for c in clients)
    received = sum(c.received for c in clients)
    cpu = cpu_seconds(server.process.pid)
    await asyncio.sleep(seconds)
    cpu = cpu_seconds(server.process.pid) - cpu
    polls = sum(c.runs for c in clients) - runs
    sent = sum(c.received for c in clients) - received
    for client in clients:
        await client.close()
    return {"polls": polls, "cpu_ms_per_poll": 1000 * cpu / max(1, polls),
            "cpu_ms_per_phone_second": 1000 * cpu / seconds / max(1, len(clients)),
            "bytes_per_poll": sent / max(1, polls), "cpu_percent": 100 * cpu / seconds}


async def fabrique(args) -> dict:
    from sqlmodel import col, select

    from core.domain.models import PhaseKind, Workshop
    from core.domain.templates import load_templates
    from core.services import phases
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope

    data_dir = Path(tempfile.mkdtemp())
    server = Server(data_dir)
    server.env["FABRIQUE_PARTICIPANT_INTERVAL"] = str(args.interval)
    if args.participant_poll:
        server.env["FABRIQUE_PARTICIPANT_POLL"] = str(args.participant_poll)
    prepare_database(server.database_url, data_dir)
    templates = load_templates(ROOT / "data")

    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(select(Workshop).order_by(col(Workshop.id).desc())).first()
        wid, code = workshop.id, workshop.join_code
        phases.start(session=session, actor=admin, workshop_id=wid)
        explore = next(p.position for p in phases.phases_of(session, wid)
                       if p.kind == PhaseKind.EXPLORE)
        phases.go_to(session=session, actor=admin, workshop_id=wid, index=explore)
        fill_board(session, code, wid, templates, args.cards,
                   "Besoin {n} : une navette pour le marché du samedi et la maison de santé")
    server.start()
    try:
        clients = []
        for n in range(args.phones):
            client = Client(server.port, query=f"code={code}")
            await client.connect()
            await join_workshop(client, code, f"Téléphone {n}", [])
            clients.append(client)
        return await measure(server, clients, args.seconds)
    finally:
        server.stop()


async def bare(args) -> dict:
    server = bare_server(BARE_APP.format(interval=args.interval))
    try:
        clients = []
        for _ in range(args.phones):
            client = Client(server.port)
            await client.connect()
            await client.rerun()
            await client.settle()
            clients.append(client)
        return await measure(server, clients, args.seconds)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--interval", type=float, default=1.0, help="phones' poll (s)")
    parser.add_argument("--participant-poll", type=float, default=None,
                        help="FABRIQUE_PARTICIPANT_POLL for Fabrique's phones (default: "
                             "Fabrique's, 20 s: its server wakes them; 1: as before ui/push.py)")
    parser.add_argument("--only", choices=("bare", "fabrique"), default=None)
    args = parser.parse_args()
    for label, run in (("bare fragment (the floor)", bare), ("Fabrique, Explorer", fabrique)):
        if args.only and run.__name__ != args.only:
            continue
        result = asyncio.run(run(args))
        every = (args.interval if run is bare
                 else args.participant_poll or "20 (woken by the server)")
        print(f"{label}: {args.phones} phones polling every {every} s"
              + (f", {args.cards} cards on the board" if run is fabrique else "")
              + f": {result['polls']} polls in {args.seconds:.0f} s, "
              f"server CPU {result['cpu_ms_per_poll']:.2f} ms per poll "
              f"({result['cpu_percent']:.0f} % of one core; "
              f"{result['cpu_ms_per_phone_second']:.2f} ms per phone and second), "
              f"{result['bytes_per_poll'] / 1024:.1f} KiB sent per poll")


if __name__ == "__main__":
    main()
