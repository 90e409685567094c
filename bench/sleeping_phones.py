"""Phones that sleep: a hall's phones lock their screens together, and come back.

    .venv/bin/python bench/sleeping_phones.py [--phones 200] [--sleep 180] [--postgres]

Each phone (a client speaking Streamlit's websocket protocol, as in bench/load.py) joins the
workshop during "Constats et besoins", adds one need and sees it on its board; half of them
press "Ajouter" on a second need and lose their connection at that very moment (the screen
locks as the button is pressed: the card may or may not have reached the server), the
other half have it typed in the field. Then every connection is closed for ``--sleep``
seconds — past Streamlit's 120 s for a disconnected session, and more phones than the 128
sessions it keeps: every one of them comes back as a new session. Meanwhile the
facilitator adds five minutes to the phase.

Coming back (spread over 10 s, as screens unlock), each phone opens its page again with
its personal link, as the browser does, holding the text still in its field and the key the
browser made for it, and presses "Ajouter" (again). Reported: phones back as the same
person, on the current phase, with the time added; the second need of each phone stored
exactly once; the first still once; nothing lost or doubled; how long the room took to be
back. Figures as printed, with the day.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import random
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import SUBMIT, Client, cpu_seconds, join_workshop, percentile  # noqa: E402
from tests.browser.conftest import Server, prepare_database  # noqa: E402

FIELD = "need_capture_text"
KEY = "need_capture_key"  # the browser-made key of the card being typed (ui/client_keys)


def card_text(number: int, which: str) -> str:
    return f"SLEEP-{number}-{which} : une navette pour le marché du samedi"


async def press(client: Client, text: str, key: str, *, wait: bool = True) -> None:
    """Press "Ajouter" with ``text`` in the field and the browser's key beside it."""
    states: list = [(FIELD, "string_value", text)]
    if KEY in client.widgets:
        states.append((KEY, "json_value", json.dumps({"key": key})))
    states.append((SUBMIT, "trigger_value", True))
    if wait:
        await client.rerun(states=states)
    else:  # sent, and the screen locks at once: no answer awaited
        task = asyncio.create_task(client.rerun(states=states, timeout=5))
        await asyncio.sleep(0.005)
        task.cancel()


async def phone(port: int, code: str, number: int, args, report: dict, asleep: asyncio.Event,
                awake: asyncio.Event) -> None:
    client = Client(port, query=f"code={code}")
    await client.connect()
    await asyncio.sleep(random.uniform(0, args.join_spread))
    errors: list[str] = []
    name = f"Dormeur {number}"
    if not await join_workshop(client, code, name, errors):
        report["not joined"].append((number, errors))
        return
    token = parse_qs(client.query)["p"][0]
    deadline = time.monotonic() + 20
    while SUBMIT not in client.widgets and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await press(client, card_text(number, "A"), secrets.token_urlsafe(18))
    second_key = secrets.token_urlsafe(18)
    pressed_as_it_slept = number % 2 == 0
    await asleep.wait()
    if pressed_as_it_slept:
        await press(client, card_text(number, "B"), second_key, wait=False)
    await client.close()
    await awake.wait()
    await asyncio.sleep(random.uniform(0, args.wake_spread))
    # The screen unlocks: the page opens again at its address, a new session (the old
    # one is gone), the text still in its field.
    back = time.monotonic()
    returning = Client(port, query=f"p={token}")
    returning.values[FIELD] = ("string_value", card_text(number, "B"))
    await returning.connect()
    await returning.rerun(page_name="explore")
    await returning.settle()
    deadline = time.monotonic() + 30
    while SUBMIT not in returning.widgets and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    seen = " ".join(body for _at, body in returning.alerts)
    report["back after"].append(time.monotonic() - back)
    report["same person"] += int(re.search(re.escape(name) + r"(?!\d)", returning.texts)
                                 is not None)
    report["on the current phase"] += int(SUBMIT in returning.widgets
                                           and args.extended_marker in returning.texts)
    if seen:
        report["alerts"].append((number, seen[:120]))
    if SUBMIT in returning.widgets:
        await press(returning, card_text(number, "B"), second_key)
    await returning.settle()
    await returning.close()


async def scenario(server: Server, args) -> dict:
    from core.services import phases
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope
    from tests.browser.conftest import ADMIN
    from tests.browser.test_live import open_explore_in

    workshop_id, code = open_explore_in(server.database_url)
    with session_scope(url=server.database_url) as session:
        state = phases.watched_state(session=session, workshop_id=workshop_id)
        args.extended_marker = state.phase.title if state.phase is not None else ""
    report: dict = {"not joined": [], "back after": [], "same person": 0,
                    "on the current phase": 0, "alerts": []}
    asleep, awake = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(phone(server.port, code, n, args, report, asleep, awake))
             for n in range(args.phones)]
    await asyncio.sleep(args.join_spread + 15)
    asleep.set()
    started_sleep = time.monotonic()
    await asyncio.sleep(2)
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        phases.add_time(session=session, actor=admin, workshop_id=workshop_id, seconds=300)
    await asyncio.sleep(max(0.0, args.sleep - (time.monotonic() - started_sleep)))
    report["pressed as they slept, stored"] = sum(
        count for text, count in stored(server.database_url, workshop_id).items()
        if text.endswith(card_text(0, "B")[len("SLEEP-0-B"):]) and "-B " in text)
    awake.set()
    cpu_before = cpu_seconds(server.process.pid)
    wall = time.monotonic()
    await asyncio.gather(*tasks)
    report["room back in"] = time.monotonic() - wall
    report["cpu back"] = cpu_seconds(server.process.pid) - cpu_before
    report["stored"] = stored(server.database_url, workshop_id)
    return report


def stored(url: str, workshop_id: int) -> Counter:
    from sqlmodel import col, select

    from core.domain.models import Card
    from core.storage.db import session_scope

    with session_scope(url=url) as session:
        texts = session.exec(select(Card.text).where(
            Card.workshop_id == workshop_id, col(Card.deleted_at).is_(None),
            col(Card.text).like("SLEEP-%"))).all()
    return Counter(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--sleep", type=float, default=180.0)
    parser.add_argument("--join-spread", type=float, default=30.0)
    parser.add_argument("--wake-spread", type=float, default=10.0)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    args.extended_marker = ""  # the current phase's title, read when the workshop opens
    data_dir = Path(tempfile.mkdtemp())
    with contextlib.ExitStack() as stack:
        url = None
        if args.postgres:
            from tests.pg_server import scratch_database, start_throwaway

            pg = start_throwaway()
            assert pg is not None, "no PostgreSQL binaries on this machine"
            stack.callback(pg.stop)
            url = stack.enter_context(scratch_database(pg.url, "fabrique_sleep"))
        server = Server(data_dir, url)
        prepare_database(server.database_url, data_dir)
        server.start()
        try:
            report = asyncio.run(scenario(server, args))
        finally:
            server.stop()
    phones = args.phones
    counts = report["stored"]
    a_once = sum(counts.get(card_text(n, "A"), 0) == 1 for n in range(phones))
    b_once = sum(counts.get(card_text(n, "B"), 0) == 1 for n in range(phones))
    doubled = sum(1 for c in counts.values() if c > 1)
    back = report["back after"]
    print(f"{dt.date.today()} — {phones} phones asleep {args.sleep:.0f} s "
          f"({'PostgreSQL' if args.postgres else 'SQLite'})")
    print(f"  joined: {phones - len(report['not joined'])} / {phones}")
    print(f"  back as the same person: {report['same person']} / {phones}; on the current "
          f"phase's board: {report['on the current phase']} / {phones}")
    print(f"  first need stored once: {a_once} / {phones}; the need typed (or pressed) as "
          f"it slept, stored once after coming back: {b_once} / {phones}; doubled: "
          f"{doubled} (of the {phones // 2 + phones % 2} pressed as the screen locked, "
          f"{report['pressed as they slept, stored']} had reached the database before "
          f"it)")
    if back:
        print(f"  a phone's page back: p50 {percentile(back, 0.5):.2f} s, p95 "
              f"{percentile(back, 0.95):.2f} s, max {max(back):.2f} s; the room back in "
              f"{report['room back in']:.1f} s, {report['cpu back']:.1f} s of server CPU")
    for number, alert in report["alerts"][:5]:
        print(f"  alert on phone {number}: {alert}")
    for number, errors in report["not joined"][:5]:
        print(f"  phone {number} did not join: {errors}")


if __name__ == "__main__":
    main()
