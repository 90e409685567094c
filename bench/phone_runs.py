"""What each kind of run a phone asks for costs its server, one phone at a time on an idle
server. Prints figures (milliseconds of server CPU per run, mean of ``--repeat``).

    .venv/bin/python bench/phone_runs.py [--cards 900] [--repeat 20]

A room's load is these runs times the phones: at 300 phones, 900 card submissions and 300
page switches at a phase change. Runs: the Explorer page (a full run: joining, reloading),
adding a card (the card form's fragment), a wake of the live board (its fragment, as its
server wakes it: ui/push.py), the vote's page (a full run: where a phase change takes
every phone at once), and a change of phase each way with ``--phones`` phones on the board
(per phone: the wake of its live fragment and the run of the new page). The phone speaks
Streamlit's protocol (bench/load.py's ``Client``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._setup import fill_board, ready_to_vote  # noqa: E402
from bench.load import Client, cpu_seconds, join_workshop  # noqa: E402
from tests.browser.conftest import ADMIN, Server, prepare_database  # noqa: E402


async def timed(server: Server, client: Client, send, repeat: int) -> float:
    """Server CPU (ms) per run made by ``send()``: the process's CPU time over ``repeat``
    runs (its threads included, those ended too: /proc/…/stat), less what it spends idle
    over as long (the watcher of ui/push.py, the websockets' pings)."""
    await client.settle(0.3)
    start, before = time.monotonic(), cpu_seconds(server.process.pid)
    for _ in range(repeat):
        await send()
        await client.settle(0.3)
    used, lasted = cpu_seconds(server.process.pid) - before, time.monotonic() - start
    before = cpu_seconds(server.process.pid)
    await asyncio.sleep(lasted)
    idle = cpu_seconds(server.process.pid) - before
    return 1000 * max(0.0, used - idle) / repeat


async def measure(args) -> dict[str, float]:
    from sqlmodel import col, select

    from core.domain.models import Workshop
    from core.domain.templates import load_templates
    from core.services import phases
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope

    data_dir = Path(tempfile.mkdtemp())
    server = Server(data_dir)
    prepare_database(server.database_url, data_dir)
    templates = load_templates(ROOT / "data")
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(select(Workshop).order_by(col(Workshop.id).desc())).first()
        wid, code = workshop.id, workshop.join_code
        explore, score = ready_to_vote(session, admin, wid, templates)
        fill_board(session, code, wid, templates, args.cards)
    server.start()
    figures: dict[str, float] = {}
    try:
        phone = Client(server.port, query=f"code={code}")
        await phone.connect()
        assert await join_workshop(phone, code, "Mesure", [])
        explore_page = phone.page_hash
        for _ in range(50):  # its live fragment, as the join's run reports it
            if phone.fragments:
                break
            await phone.settle(0.2)
        live = next(iter(phone.fragments))

        async def page() -> None:
            await phone.rerun()

        async def card() -> None:
            card.n += 1  # type: ignore[attr-defined]
            await phone.rerun(states=[
                ("need_capture_text", "string_value", f"Carte de mesure {card.n}"),  # type: ignore[attr-defined]
                ("FormSubmitter:need_capture-Ajouter", "trigger_value", True)])
        card.n = 0  # type: ignore[attr-defined]

        async def wake() -> None:
            await phone.rerun(fragment_id=live, auto=True)

        for label, send in (("Explorer page (full run)", page),
                            ("adding a card (the form's fragment)", card),
                            ("live board, woken (its fragment)", wake)):
            if not args.only or args.only in label:
                figures[label] = await timed(server, phone, send, args.repeat)
        if not args.only or args.only in "phase change":
            figures.update(await phase_changes(server, phone, args, code, wid, explore, score))
        if args.only and args.only not in "vote page":
            return figures
        with session_scope(write=True, url=server.database_url) as session:
            phases.go_to(session=session, actor=actor_for_username(session, ADMIN),
                         workshop_id=wid, index=score)
        while phone.page_hash == explore_page:
            await asyncio.sleep(0.1)
        figures["vote page (full run)"] = await timed(server, phone, page, args.repeat)
        await phone.close()
    finally:
        server.stop()
    return figures


async def phase_changes(server: Server, phone: Client, args, code: str, wid: int,
                        explore: int, score: int) -> dict[str, float]:
    """Server CPU per phone for a change of phase, each way: ``--phones`` phones on the
    needs' board (``phone`` among them) taken to the vote, then back, ``--repeat`` times.
    Each phone costs a wake of its live fragment and a full run of the new page; the
    watcher's one read of the workshop is shared (ui/push.py)."""
    from core.services import phases
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope

    phones = [phone]
    for n in range(args.phones - 1):
        other = Client(server.port, query=f"code={code}")
        await other.connect()
        assert await join_workshop(other, code, f"Mesure {n}", [])
        phones.append(other)
    pages = {phone.page_hash}
    used = {"to the vote": 0.0, "back to the needs": 0.0}
    lasted = {"to the vote": 0.0, "back to the needs": 0.0}
    for _ in range(args.repeat):
        for label, index in (("to the vote", score), ("back to the needs", explore)):
            for each in phones:
                await each.settle(0.2)
            before = {id(each): each.page_hash for each in phones}
            start, started = cpu_seconds(server.process.pid), time.monotonic()
            with session_scope(write=True, url=server.database_url) as session:
                phases.go_to(session=session, actor=actor_for_username(session, ADMIN),
                             workshop_id=wid, index=index)
            while any(each.page_hash == before[id(each)] for each in phones):
                await asyncio.sleep(0.05)
            await asyncio.gather(*(each.settle(0.3) for each in phones))
            used[label] += cpu_seconds(server.process.pid) - start
            lasted[label] += time.monotonic() - started
            pages.add(phone.page_hash)
    # What the server spends idle meanwhile (the watcher, the websockets' pings).
    start = cpu_seconds(server.process.pid)
    await asyncio.sleep(5)
    idle = (cpu_seconds(server.process.pid) - start) / 5
    for each in phones[1:]:
        await each.close()
    assert len(pages) == 2
    return {f"phase change {label} (per phone: its wake and the new page's run)":
            1000 * max(0.0, used[label] - idle * lasted[label]) / args.repeat / len(phones)
            for label in used}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=900)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="only the runs whose name holds this")
    parser.add_argument("--phones", type=int, default=20,
                        help="phones on the board for a phase change")
    args = parser.parse_args()
    figures = asyncio.run(measure(args))
    for label, ms in figures.items():
        print(f"{label}, {args.cards} cards on the board: {ms:.1f} ms of server CPU "
              f"(mean of {args.repeat})")


if __name__ == "__main__":
    main()
