"""Load harness: a live workshop driven the way browsers drive it. Prints figures.

    .venv/bin/python bench/load.py [--participants 60] [--cards 3] [--postgres] [--runs 3]

- 60 participants, each a client speaking Streamlit's websocket protocol (the `websockets`
  package and the protobufs in `streamlit.proto`): they join through the join form, keep
  their live fragment polling as a browser does, add needs during the "explore" phase, then
  score every candidate during the "score" phase.
- A projector: a real Chromium (Playwright) on the projection page; a MutationObserver
  records when each card first appears on the wall.
- Reported: time from a card's submission to its appearance on the projector (p50 / p95),
  server memory per connected session, lost writes (cards and scores sent but not stored),
  server CPU. With --postgres, the same on PostgreSQL (FABRIQUE_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._setup import ready_to_vote  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    ADMIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    prepare_database,
)
from tests.conftest import PASSWORD  # noqa: E402

MARKER = re.compile(r"LOAD-\d+-\d+")
SUBMIT = "FormSubmitter:need_capture-Ajouter"  # the card form's "Ajouter"
WATCHING: list[asyncio.Task] = []  # what each card's phone was shown, checked aside
PHASE_CHANGED = [0.0]  # when the facilitator moved the workshop to the vote (monotonic)
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
            ForwardMsg.FINISHED_EARLY_FOR_RERUN}


class Client:
    """One browser tab, spoken to through Streamlit's websocket protocol."""

    def __init__(self, port: int, query: str = "") -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.query = query
        self.page_hash = ""
        self.widgets: dict[str, str] = {}  # user key → widget id
        # user key → the fragment that drew the widget: a browser reruns only that
        # fragment when the widget is used (a form's button inside a fragment…)
        self.widget_fragments: dict[str, str] = {}
        self.fragments: dict[str, float] = {}
        self.finished = asyncio.Event()
        self.lock = asyncio.Lock()
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.poller: asyncio.Task | None = None
        self.runs = 0
        self.kinds: collections.Counter[str] = collections.Counter()  # messages, by kind
        self.session_id = ""  # the server's session (its traces name it: tests/trace_runs)
        self.received = 0  # bytes
        # The values this tab's widgets hold (user key → (field, value)): a browser sends
        # every widget's value with every rerun, its polls included; triggers only once.
        self.values: dict[str, tuple[str, object]] = {}
        self.sent_to: int | None = None  # the port a participant server sends it to
        self.cached: set[str] = set()  # big elements this tab holds (Streamlit's cache)
        self.texts = ""  # the words of the text elements drawn (markdown, html, alerts)
        # What this tab was shown: the markers of cards in any element, and the alerts
        # (error and warning boxes), each with when it arrived.
        self.markers_seen: dict[str, float] = {}
        self.alerts: list[tuple[float, str]] = []

    async def connect(self) -> None:
        # No pings from this side, as a browser (it only answers the server's, every 30 s):
        # the client library's own (every 20 s, closing after 20 s without an answer) hung
        # up on phones whose server was busy, and counted their cards lost — a browser waits.
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"],
                                           max_size=None, open_timeout=30,
                                           ping_interval=None)
        self.reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        for task in (self.poller, self.reader):
            if task:
                task.cancel()
        if self.ws:
            await self.ws.close()

    async def _read(self) -> None:
        async for data in self.ws:
            self.received += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            delta = msg.delta
            self.kinds[kind if kind != "delta" else "delta:" + (
                delta.new_element.WhichOneof("type") or delta.WhichOneof("type") or "")] += 1
            if msg.metadata.cacheable and msg.hash:
                self.cached.add(msg.hash)
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                now = time.monotonic()
                element_type = element.WhichOneof("type")
                if element_type in ("html", "markdown", "heading", "alert"):
                    words = element.SerializeToString().decode("utf-8", "replace")
                    self.texts = (self.texts + "\n" + words)[-200_000:]
                if element_type in ("html", "markdown"):  # a board, not a form's field
                    for found in MARKER.findall(element.SerializeToString().decode(
                            "utf-8", "replace")):
                        self.markers_seen.setdefault(found, now)
                if element_type == "alert":
                    self.alerts.append((now, element.alert.body))
                elif element_type == "exception":  # an error box (details hidden)
                    self.alerts.append((now, "error: " + element.exception.type))
                elif (element_type == "bidi_component"
                      and element.bidi_component.component_name.endswith("placement")):
                    # ui/placement.py: this participant belongs on another app server.
                    self.sent_to = int(json.loads(element.bidi_component.json)["port"])
                widget = getattr(element, element.WhichOneof("type") or "", None)
                widget_id = getattr(widget, "id", "") if widget is not None else ""
                if widget_id.startswith("$$ID-"):
                    key = widget_id.split("-", 2)[2]
                    self.widgets[key] = widget_id
                    self.widget_fragments[key] = msg.delta.fragment_id
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "new_session" and msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            if kind == "new_session" and not msg.metadata.run.fragment_ids:
                # A full run redraws the page: a browser forgets its old fragment timers.
                self.fragments.clear()
            elif kind == "auto_rerun":
                self.fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            elif kind == "script_finished" and msg.script_finished in FINISHED:
                self.runs += 1
                self.finished.set()

    async def rerun(self, *, page_name: str = "", states: list | None = None,
                    fragment_id: str = "", auto: bool = False, timeout: float = 60,
                    on_send=None) -> None:
        """Send a rerun (with widget values) and wait for the run to finish."""
        async with self.lock:
            msg = BackMsg()
            client = msg.rerun_script
            client.query_string = self.query
            client.page_script_hash = "" if page_name else self.page_hash
            client.page_name = page_name
            if not fragment_id and states:
                # As a browser does: the widget used (the trigger, else the last value)
                # reruns the fragment it is drawn in, if any, not the page.
                used = [k for k, f, _ in states if "trigger" in f] or [states[-1][0]]
                fragment_id = self.widget_fragments.get(used[0], "")
            client.fragment_id = fragment_id
            client.is_auto_rerun = auto
            # As a browser does: the server sends a reference for a big element it holds.
            client.cached_message_hashes.extend(sorted(self.cached))
            for key, field, value in states or []:
                if "trigger" not in field:
                    self.values[key] = (field, value)
            triggers = [(k, f, v) for k, f, v in states or [] if "trigger" in f]
            values = [(k, f, v) for k, (f, v) in self.values.items() if k in self.widgets]
            for key, field, value in values + triggers:
                state = client.widget_states.widgets.add()
                state.id = self.widgets[key]
                if field == "string_array_value":
                    state.string_array_value.data.extend(value)
                else:
                    setattr(state, field, value)
            self.finished.clear()
            if on_send is not None:
                on_send()
            await self.ws.send(msg.SerializeToString())
            await asyncio.wait_for(self.finished.wait(), timeout)

    async def settle(self, quiet: float = 0.4) -> None:
        """Wait until the server stops sending (follow-up reruns, page switches)."""
        while True:
            runs = self.runs
            await asyncio.sleep(quiet)
            if self.runs == runs:
                return

    def start_polling(self) -> None:
        """Rerun the live fragments on their interval, as a browser does."""
        async def loop() -> None:
            while True:
                for fragment_id, interval in list(self.fragments.items()):
                    await asyncio.sleep(interval)
                    if fragment_id not in self.fragments:
                        continue
                    with contextlib.suppress(TimeoutError, KeyError):
                        await self.rerun(fragment_id=fragment_id, auto=True, timeout=5)
                if not self.fragments:
                    await asyncio.sleep(0.5)
        self.poller = asyncio.create_task(loop())


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (0 without one): its
    server and the backends alive now — the app servers' pools keep theirs for the run."""
    used = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        if text.split("(", 1)[1].startswith("postgres)"):
            used += cpu_seconds(int(stat.parent.name))
    return used


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def join_workshop(client: Client, code: str, name: str, errors: list[str]) -> bool:
    """Join through the join form, as a phone does; land on the current phase's board."""
    await client.rerun(page_name="join")
    # A first run may end early and rerun (Streamlit's page setup): wait for the form.
    deadline = time.monotonic() + 30
    form = {"join_code", "join_name", "FormSubmitter:join_form-Rejoindre"}
    while not form <= set(client.widgets) or not client.finished.is_set():
        if time.monotonic() > deadline:
            errors.append(f"{name} never saw the join form")
            return False
        await asyncio.sleep(0.1)
    await client.rerun(states=[("join_code", "string_value", code),
                               ("join_name", "string_value", name),
                               ("FormSubmitter:join_form-Rejoindre", "trigger_value", True)])
    deadline = time.monotonic() + 30
    while "p" not in parse_qs(client.query):  # the join reruns the page: wait for it
        if time.monotonic() > deadline:
            errors.append(f"{name} did not join")
            return False
        await asyncio.sleep(0.1)
    await client.settle()
    if client.sent_to is not None:
        # Sent on to a participant server (fabrique serve): the browser loads the same
        # address on that port, its token in the query.
        await client.close()
        client.url = f"ws://127.0.0.1:{client.sent_to}/_stcore/stream"
        client.sent_to, client.widgets, client.fragments = None, {}, {}
        client.page_hash = ""
        await client.connect()
        await client.rerun(page_name="workshop")
        await client.settle()
    return True


async def outcome_of(client: Client, marker: str, since: float, wait: float = 30) -> str:
    """What the phone was shown after sending the card ``marker``: "shown" (on its board),
    "refused: …" (an alert arrived), or "nothing" within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if marker in client.markers_seen:
            return "shown"
        alerts = [body for at, body in client.alerts if at >= since]
        if alerts:
            return "refused: " + alerts[0][:90]
        await asyncio.sleep(0.2)
    return "nothing"


async def participant(port: int, code: str, number: int, args, sent: dict[str, float],
                      ready: asyncio.Event, scoring_open: asyncio.Event,
                      ballots: list[int], errors: list[str],
                      outcomes: dict[str, str], phase_delays: list[float]) -> Client:
    client = Client(port, query=f"code={code}")
    await client.connect()
    await asyncio.sleep(random.uniform(0, args.join_spread))
    if not await join_workshop(client, code, f"Participant {number}", errors):
        return client
    client.start_polling()
    explore_page = client.page_hash  # where the join landed: the needs' page
    await ready.wait()
    for index in range(args.cards):
        await asyncio.sleep(random.uniform(0.5, args.write_spread / args.cards))
        marker = f"LOAD-{number}-{index}"
        # As a person does: press "Ajouter" once it is on the screen (a run of the page
        # that is drawing it again has not sent it yet).
        deadline = time.monotonic() + 20
        while (SUBMIT not in client.widgets and client.page_hash == explore_page
               and time.monotonic() < deadline):
            await asyncio.sleep(0.1)
        if client.page_hash == explore_page and SUBMIT not in client.widgets:
            outcomes[marker] = "form not drawn"
            errors.append(f"{marker}: the card form was not on the phone's screen for 20 s")
            continue
        if client.page_hash != explore_page:
            # The phone was taken to the next phase: the form is no longer on its screen,
            # nothing can be sent (a browser would not send it).
            outcomes[marker] = "moved on before sending"
            continue
        text = f"Besoin {marker} : une navette pour le marché du samedi"
        since = time.monotonic()
        try:
            await client.rerun(states=[
                ("need_capture_text", "string_value", text),
                (SUBMIT, "trigger_value", True)],
                on_send=lambda marker=marker: sent.__setitem__(marker, time.time() * 1000))
        except TimeoutError:
            errors.append(f"{marker}: the run of its submission did not finish in 60 s")
        except KeyError:  # redrawn between the look and the press: nothing was sent
            outcomes[marker] = "form not drawn"
            errors.append(f"{marker}: the card form left the phone's screen as it was pressed")
            continue

        async def note(marker: str = marker, since: float = since) -> None:
            outcomes[marker] = await outcome_of(client, marker, since)
        WATCHING.append(asyncio.create_task(note()))
    await scoring_open.wait()
    # The phase change moves the page to "Évaluer" at the next poll.
    deadline = time.monotonic() + 30
    while not any(k.startswith("score_") for k in client.widgets):
        if time.monotonic() > deadline:
            errors.append(f"participant {number} never saw the ballot (fragments "
                          f"{client.fragments}, runs {client.runs}, {client.query})")
            return client
        await asyncio.sleep(0.2)
    phase_delays.append(time.monotonic() - PHASE_CHANGED[0])
    await client.settle()  # the whole ballot, not its first widgets
    await asyncio.sleep(random.uniform(0, 3))
    for key in sorted(k for k in client.widgets if k.startswith("score_")):
        ballots.append(1)
        await client.rerun(states=[(key, "string_array_value", [str(random.randint(1, 5))])])
    return client


async def scenario(server: Server, args, wall_server: Server | None = None,
                   helpers: list[Server] | None = None, entry: str | None = None) -> dict:
    """Run the workshop; phones and the wall go through ``entry`` (a proxy's
    http://host:port) when given, else straight to the servers."""
    entry_port = int(entry.rsplit(":", 1)[1]) if entry else server.port
    from playwright.async_api import async_playwright
    from sqlmodel import col, select

    from core.domain.models import Card, PhaseKind, Score, Workshop
    from core.domain.templates import load_templates
    from core.services import phases
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope

    templates = load_templates(ROOT / "data")
    with session_scope(write=True, url=server.database_url) as session:
        scores_before = len(session.exec(select(Score)).all())  # the demo's own
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(select(Workshop).order_by(col(Workshop.id).desc())).first()
        wid, code = workshop.id, workshop.join_code
        ready_to_vote(session, admin, wid, templates)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        wall = await browser.new_page(viewport={"width": 1920, "height": 1080})
        # When each marker reaches the browser (its websocket), to tell the server's share
        # of the delay from the browser's.
        frames: dict[str, float] = {}

        def on_ws(ws):
            def got(payload):
                data = payload if isinstance(payload, bytes) else payload.encode()
                now = time.time() * 1000
                for m in re.findall(rb"LOAD-\d+-\d+", data):
                    frames.setdefault(m.decode(), now)
            ws.on("framereceived", got)
        wall.on("websocket", on_ws)
        # The app server the projector is connected to (or the proxy in front of them).
        shown_url = entry or (wall_server or server).url
        await wall.goto(shown_url + "/")
        await wall.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]'
                                     '[data-test-connection-state="CONNECTED"]')
        await wall.get_by_label("Identifiant").wait_for()
        await asyncio.sleep(0.5)
        await wall.get_by_label("Identifiant").fill(ADMIN)
        await wall.get_by_label("Mot de passe").fill(PASSWORD)
        await wall.get_by_role("button", name="Se connecter").click()
        await wall.get_by_role("heading", name="Collectifs et ateliers").wait_for()
        await asyncio.sleep(1.5)  # the re-login cookie is written
        await wall.goto(f"{shown_url}/projector?w={wid}")
        await wall.get_by_text(code).first.wait_for()
        await wall.evaluate("""() => {
            window.__seen = {};
            // Note each marker when the node holding it is added (cheap, no layout).
            const note = (text) => {
              for (const m of (text || "").matchAll(/LOAD-\\d+-\\d+/g))
                if (!(m[0] in window.__seen)) window.__seen[m[0]] = Date.now();
            };
            new MutationObserver((records) => {
              for (const r of records) for (const n of r.addedNodes) note(n.textContent);
            }).observe(document.body, {childList: true, subtree: true});
        }""")

        # One page served first, so the memory figure counts sessions, not the first
        # import of the app's modules (the projector may be on another server).
        warm = Client(entry_port, query=f"code={code}")
        await warm.connect()
        await join_workshop(warm, code, "Échauffement", [])
        await warm.close()
        harness_cpu = time.process_time()
        memory_before = rss_kib(server.process.pid)
        servers = [server] + ([wall_server] if wall_server else []) + (helpers or [])
        cpu_before = sum(cpu_seconds(s.process.pid) for s in servers)
        on_postgres = server.database_url.startswith("postgresql")
        database_before = database_cpu_seconds() if on_postgres else 0.0
        started = time.monotonic()
        sent: dict[str, float] = {}
        ballots: list[int] = []
        errors: list[str] = []
        outcomes: dict[str, str] = {}
        phase_delays: list[float] = []
        ready, scoring_open = asyncio.Event(), asyncio.Event()
        tasks = [asyncio.create_task(participant(entry_port, code, n, args, sent, ready,
                                                 scoring_open, ballots, errors, outcomes,
                                                 phase_delays))
                 for n in range(args.participants)]
        await asyncio.sleep(args.join_spread + 5)
        memory_joined = rss_kib(server.process.pid)
        ready.set()
        # The facilitator moves on once every card has been sent and its phone has seen
        # it added (the figures are about the server, not about a race with the
        # facilitator), or at a deadline.
        deadline = time.monotonic() + args.write_spread + args.explore_extra
        while time.monotonic() < deadline and len(outcomes) < args.participants * args.cards:
            await asyncio.sleep(0.5)
        explore_lasted = time.monotonic() - started
        with session_scope(write=True, url=server.database_url) as session:
            admin = actor_for_username(session, ADMIN)
            score_phase = next(p.position for p in phases.phases_of(session, wid)
                               if p.kind == PhaseKind.SCORE)
            phases.go_to(session=session, actor=admin, workshop_id=wid, index=score_phase)
        PHASE_CHANGED[0] = time.monotonic()
        scoring_open.set()
        room: list[tuple[float, int, int, bool]] = []
        watcher = asyncio.create_task(watch_room(server.database_url, wid, room))
        clients = await asyncio.gather(*tasks, return_exceptions=True)
        watcher.cancel()
        await asyncio.gather(*WATCHING)
        WATCHING.clear()
        elapsed = time.monotonic() - started
        cpu_used = sum(cpu_seconds(s.process.pid) for s in servers) - cpu_before
        database_cpu = database_cpu_seconds() - database_before if on_postgres else 0.0
        harness_cpu = time.process_time() - harness_cpu
        await asyncio.sleep(2)
        seen = await wall.evaluate("() => window.__seen")
        await browser.close()
    for client in clients:
        if isinstance(client, Client):
            await client.close()
        else:
            errors.append(repr(client))

    with session_scope(url=server.database_url) as session:
        rows = session.exec(select(Card.text, Card.created_at)
                            .where(Card.text.contains("LOAD-"))).all()
        stored_at = {m.group(0): created.timestamp() * 1000 for text, created in rows
                     for m in [MARKER.search(text)] if m}
        stored = set(stored_at)
        scores = len(session.exec(select(Score)).all()) - scores_before
    latencies = [seen[m] - t for m, t in sent.items() if m in seen]
    to_browser = [frames[m] - stored_at[m] for m in sent if m in frames and m in stored_at]
    drawing = [seen[m] - frames[m] for m in sent if m in frames and m in seen]
    to_store = [stored_at[m] - t for m, t in sent.items() if m in stored_at]
    to_wall = [seen[m] - stored_at[m] for m in sent if m in seen and m in stored_at]
    # Each card from the phone's side: stored or not, and what the phone was shown.
    kinds: dict[str, int] = {}
    kinds["not sent: the phone was already on the next phase"] = sum(
        1 for o in outcomes.values() if o == "moved on before sending")
    kinds["not sent: the form was not on the screen for 20 s"] = sum(
        1 for o in outcomes.values() if o == "form not drawn")
    for marker in sent:
        shown = outcomes.get(marker, "nothing")
        kind = ("stored" if marker in stored else "not stored") + ", " + (
            "shown" if shown == "shown" else "refused out loud" if shown.startswith("refused")
            else "nothing shown")
        kinds[kind] = kinds.get(kind, 0) + 1
    refusals = sorted({o for o in outcomes.values() if o.startswith("refused")})
    return {
        "outcomes": kinds, "refusals": refusals, "explore_lasted": explore_lasted,
        "phase_p95": percentile(phase_delays, 0.95) if phase_delays else None,
        "phase_max": max(phase_delays) if phase_delays else None,
        "on_new_phase": len(phase_delays), "room": room,
        "silently_lost": kinds.get("not stored, nothing shown", 0),
        "participants": args.participants, "cards_sent": len(sent),
        "cards_stored": len(stored), "cards_on_wall": len(latencies),
        "lost_cards": len(set(sent) - stored), "scores_sent": len(ballots),
        "scores_stored": scores, "lost_scores": len(ballots) - scores,
        "latencies": latencies,
        "p50": percentile(latencies, 0.5) if latencies else None,
        "p95": percentile(latencies, 0.95) if latencies else None,
        "max": max(latencies) if latencies else None,
        "memory_per_session_kib": (memory_joined - memory_before) / max(1, args.participants),
        "cpu_percent": 100 * cpu_used / elapsed, "elapsed": elapsed, "errors": errors,
        "database_cpu_percent": 100 * database_cpu / elapsed,
        "harness_cpu_percent": 100 * harness_cpu / elapsed,
        "store_p50": percentile(to_store, 0.5) if to_store else None,
        "wall_p50": percentile(to_wall, 0.5) if to_wall else None,
        "store_p95": percentile(to_store, 0.95) if to_store else None,
        "browser_p50": percentile(to_browser, 0.5) if to_browser else None,
        "browser_p95": percentile(to_browser, 0.95) if to_browser else None,
        "draw_p95": percentile(drawing, 0.95) if drawing else None,
        "wall_p95": percentile(to_wall, 0.95) if to_wall else None,
    }


def run_on(database_url: str | None, args, label: str) -> dict:
    data_dir = Path(tempfile.mkdtemp())
    server = Server(data_dir, database_url)
    server.env["FABRIQUE_PROJECTOR_INTERVAL"] = str(args.interval)
    server.env["FABRIQUE_PARTICIPANT_INTERVAL"] = str(args.participant_interval)
    prepare_database(server.database_url, data_dir)
    # Each server's share of PostgreSQL's connections counts them all, as fabrique serve
    # says it (core/storage/db.py).
    server.env["FABRIQUE_APP_PROCESSES"] = str(
        1 + args.wall_server + args.participant_servers
        + (args.app_servers - 1 if args.proxy else 0))
    # Participant servers (fabrique serve --participant-servers N): phones that join on
    # the main server are sent on to them (ui/placement.py).
    helpers = [Server(data_dir, server.database_url) for _ in range(args.participant_servers)]
    for helper in helpers:
        helper.log = data_dir / f"participant-server-{helper.port}.log"
        helper.env.update({k: v for k, v in server.env.items() if k.startswith("FABRIQUE_")},
                          FABRIQUE_APP_PORT=str(server.port))
        helper.start()
    if helpers:
        server.env["FABRIQUE_PARTICIPANT_PORTS"] = ",".join(str(h.port) for h in helpers)
    proxy = None
    if args.proxy:
        # --app-servers app servers on one database behind nginx, configured by
        # deploy/nginx.conf (tests/browser/test_proxy.py runs the same with two); everyone
        # comes through the proxy.
        from tests.browser.test_proxy import Proxy

        server.env.update(FABRIQUE_TRUSTED_PROXY_HEADER="X-Real-IP")
        others = [Server(data_dir, server.database_url) for _ in range(args.app_servers - 1)]
        for number, other in enumerate(others, start=2):
            other.log = data_dir / f"app-server-{number}.log"
            other.env.update({k: v for k, v in server.env.items()
                              if k.startswith("FABRIQUE_")})
            other.start()
            helpers.append(other)
        (data_dir / "nginx").mkdir()
        proxy = Proxy(data_dir / "nginx", [server.port] + [o.port for o in others])
    server.start()
    if proxy is not None:
        proxy.start()
    wall_server = None
    if args.wall_server:
        # The projector on its own app server process, on the same database.
        wall_server = Server(data_dir, server.database_url)
        wall_server.env.update({k: v for k, v in server.env.items()
                                if k.startswith("FABRIQUE_")})
        wall_server.start()
    try:
        result = asyncio.run(scenario(server, args, wall_server, helpers,
                                      proxy.url if proxy else None))
    finally:
        if proxy is not None:
            proxy.stop()
        server.stop()
        for helper in helpers:
            helper.stop()
        if wall_server:
            wall_server.stop()
    print(f"\n{label}: {result['participants']} participants, live interval "
          f"{args.interval} s on the projector, {args.participant_interval} s on phones, "
          f"{result['elapsed']:.0f} s" + (", projector on its own app server"
                                          if args.wall_server else "")
          + (f", {args.participant_servers} participant server(s)"
             if args.participant_servers else "")
          + (f", {args.app_servers} app servers behind nginx" if args.proxy else ""))
    if result["p50"] is not None:
        print(f"  card submitted → on the projector: p50 {result['p50']:.0f} ms, "
              f"p95 {result['p95']:.0f} ms, max {result['max']:.0f} ms "
              f"({result['cards_on_wall']} / {result['cards_sent']} seen)")
        print(f"    of which submitted → stored p50 {result['store_p50']:.0f} ms "
              f"(p95 {result['store_p95']:.0f}), stored → on the wall p50 "
              f"{result['wall_p50']:.0f} ms (p95 {result['wall_p95']:.0f})")
        print(f"    stored → its message reaches the browser p50 {result['browser_p50']:.0f} ms "
              f"(p95 {result['browser_p95']:.0f}); drawn after it arrives: p95 "
              f"{result['draw_p95']:.0f} ms")
    print(f"  lost writes: {result['lost_cards']} cards of {result['cards_sent']}, "
          f"{result['lost_scores']} scores of {result['scores_sent']} "
          f"(stored: {result['cards_stored']} cards, {result['scores_stored']} scores)")
    print(f"  the needs phase lasted {result['explore_lasted']:.0f} s (moved on once every "
          f"phone had seen its cards added, or at --write-spread + --explore-extra)")
    if result["phase_p95"] is not None:
        print(f"  phase change → ballot on the phone: p95 {result['phase_p95']:.1f} s, max "
              f"{result['phase_max']:.1f} s ({result['on_new_phase']} / "
              f"{result['participants']} participants)")
    if result["room"]:
        # What the facilitator's screen said while the phones followed (``room_progress``).
        said = [(t, behind, warned) for t, _present, behind, warned in result["room"]
                if behind]
        warned = [t for t, _b, w in said if w]
        print(f"  the facilitator's screen: phones counted behind from "
              f"{said[0][0]:.0f} s to {said[-1][0]:.0f} s after the change (at most "
              f"{max(b for _t, b, _w in said)}), the overload said "
              + (f"from {warned[0]:.0f} s to {warned[-1]:.0f} s" if warned else "never")
              if said else "  the facilitator's screen: no phone counted behind")
    print("  from the phones' side: " + ", ".join(
        f"{kind} {n}" for kind, n in sorted(result["outcomes"].items())))
    print(f"  SILENTLY LOST (not stored, the phone shown nothing): {result['silently_lost']}")
    for refusal in result["refusals"][:3]:
        print(f"    {refusal}")
    print(f"  server memory per connected session: "
          f"{result['memory_per_session_kib'] / 1024:.2f} MiB")
    print(f"  server CPU during the run: {result['cpu_percent']:.0f} % of one core "
          f"(the harness itself: {result['harness_cpu_percent']:.0f} %)")
    if result["database_cpu_percent"]:
        print(f"  PostgreSQL CPU during the run: {result['database_cpu_percent']:.0f} % of "
              "one core")
    cores = result["cpu_percent"] / 100
    if result["p95"] is not None and cores > 0:
        print(f"  participants per core used: {result['participants'] / cores:.0f} by the "
              "app servers" + (
                  f", {result['participants'] / (cores + result['database_cpu_percent'] / 100):.0f}"
                  " with PostgreSQL's" if result["database_cpu_percent"] else "")
              + (" (card → wall p95 ≤ 1.5 s)" if result["p95"] <= 1500
                 else " (card → wall p95 above 1.5 s)"))
    for error in result["errors"][:5]:
        print(f"  error: {error}")
    log = server.log.read_text(errors="replace")
    if args.server_log:
        shutil.copy(server.log, args.server_log)
    problems = [line for line in log.splitlines()
                if re.search(r"Error|Exception|Traceback", line)]
    print(f"  server log: {len(problems)} error lines")
    for line in sorted(set(problems))[:8]:
        print(f"    {line[:160]}")
    return result


def run_several(database_url: str | None, args, label: str) -> None:
    """Run the scenario ``--runs`` times (a fresh server and database each time): on a
    two-core machine shared with the browser, one run's tail varies a lot."""
    latencies: list[float] = []
    for number in range(1, args.runs + 1):
        latencies += run_on(database_url() if callable(database_url) else database_url,
                            args, label if args.runs == 1 else f"{label}, run {number}")[
                                "latencies"]
    if args.runs > 1 and latencies:
        print(f"\n{label}, {args.runs} runs pooled: card submitted → on the projector: "
              f"p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f}"
              f" ms, max {max(latencies):.0f} ms ({len(latencies)} cards)")


async def watch_room(database_url: str, workshop_id: int,
                     room: list[tuple[float, int, int, bool]]) -> None:
    """Ask every second what the facilitator's screen says of the phones behind
    (``participants.room_progress``): (seconds after the change, present, behind,
    overloaded)."""
    from core.services import participants
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope

    def ask() -> tuple[int, int, bool]:
        with session_scope(url=database_url) as session:
            found = participants.room_progress(
                session=session, actor=actor_for_username(session, ADMIN),
                workshop_id=workshop_id)
            return found.present, found.behind, found.overloaded

    while True:
        present, behind, overloaded = await asyncio.to_thread(ask)
        room.append((time.monotonic() - PHASE_CHANGED[0], present, behind, overloaded))
        await asyncio.sleep(1.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--cards", type=int, default=3, help="cards per participant")
    parser.add_argument("--join-spread", type=float, default=10.0)
    parser.add_argument("--write-spread", type=float, default=30.0)
    parser.add_argument("--explore-extra", type=float, default=60.0,
                        help="seconds the needs phase may last beyond --write-spread while "
                             "cards are still being sent")
    parser.add_argument("--interval", type=float, default=None,
                        help="projector's poll (as `fabrique serve`: 0.25 s on the wall's own "
                             "server, else 0.5 s)")
    parser.add_argument("--participant-interval", type=float, default=1.0)
    parser.add_argument("--postgres", action="store_true",
                        help="also on PostgreSQL (FABRIQUE_TEST_POSTGRES_URL)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--server-log", default=None, metavar="PATH",
                        help="keep a copy of the main app server's log (with "
                             "STREAMLIT_LOGGER_LEVEL=info: the reruns Streamlit dropped)")
    parser.add_argument("--participant-servers", type=int, default=0, metavar="N",
                        help="app servers for the phones, as fabrique serve starts them")
    parser.add_argument("--proxy", action="store_true",
                        help="--app-servers app servers behind nginx (deploy/nginx.conf), "
                             "everyone through the proxy; use with --postgres --no-sqlite")
    parser.add_argument("--app-servers", type=int, default=2, metavar="N",
                        help="with --proxy: how many app servers nginx shares the room "
                             "among (default 2)")
    parser.add_argument("--wall-server", action="store_true",
                        help="the projector on a second app server (same database)")
    parser.add_argument("--burners", type=int, default=0, metavar="N",
                        help="N processes keeping a core busy each, all along (the laptop "
                             "also plays music)")
    args = parser.parse_args()
    if args.interval is None:
        args.interval = 0.25 if args.wall_server else 0.5
    random.seed(11)
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(args.burners)]
    if burners:
        print(f"{len(burners)} busy-loop process(es) beside the room")
    try:
        if not args.no_sqlite:
            run_several(None, args, "SQLite")
        if args.postgres:
            from tests.pg_server import scratch_database

            base = os.environ["FABRIQUE_TEST_POSTGRES_URL"]
            with contextlib.ExitStack() as made:  # each run's database, dropped at the end
                run_several(lambda: made.enter_context(scratch_database(base,
                                                                        "fabrique_load")),
                            args, "PostgreSQL")
    finally:
        for burner in burners:
            burner.kill()

if __name__ == "__main__":
    main()
