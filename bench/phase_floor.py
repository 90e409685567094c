"""A room taken to the vote at once: how long until every phone shows its ballot, for
Fabrique and for a bare Streamlit app drawing the same elements (the floor: what Streamlit
itself costs for one full run of such a page per phone). Prints figures.

    .venv/bin/python bench/phase_floor.py [--phones 300] [--only bare|bare_step|fabrique]
        [--servers N]

Phones are protocol-level clients (bench/load.py's ``Client``), nobody writing. Fabrique:
the phones join the demo workshop on its needs' board, then the facilitator opens the
vote's phase; each phone's server wakes it and it runs the vote page (ui/push.py).
The floor: the phones sit on a bare two-page app's first page, then all ask at once for
its second page — the elements a phone's vote page draws (the page's CSS, its title, two
metrics, the ballot of three candidates × two criteria in bordered boxes, a live
fragment, the sidebar's menu of eight pages and its button), no database, no check.
``bare_step``: the same elements drawn by one fragment per phone that shows whichever step
the workshop is at, so that a phase change reruns that fragment instead of the page (no
navigation, sidebar or new session per phone) — whether such a structure would lower the
floor. ``--servers N`` (the floors only): N bare servers, the phones dealt among them —
what Streamlit itself can do with both cores. Figures: seconds from the change until each phone
has its ballot (p50 / p95 / max), and the servers' CPU per phone.
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

from bench._setup import bare_server, ready_to_vote  # noqa: E402
from bench.load import Client, cpu_seconds, join_workshop, percentile  # noqa: E402
from tests.browser.conftest import ADMIN, Server, prepare_database  # noqa: E402

# The ballot every floor draws: three candidates × two criteria in bordered boxes.
BALLOT = '''
@st.fragment
def ballot():
    st.progress(0.0, text="0 / 6 réponses données")
    for candidate in range(3):
        with st.container(border=True, key=f"candidate-{candidate}"):
            st.html(f"<div class='b'><b>Idée {candidate} : une navette</b></div>")
            st.caption(":material/target: appuyée par 3 besoins")
            for criterion in ("Impact", "Effort"):
                st.segmented_control(
                    criterion, [1, 2, 3, 4, 5, "?"], key=f"score_{candidate}_{criterion}",
                    format_func=lambda o: "Je ne sais pas" if o == "?" else str(o),
                    help="Quel effet sur les besoins ?")
'''

BARE_APP = '''
import streamlit as st

st.set_page_config(page_title="Bare", layout="wide")
st.html("<style>[data-testid='InputInstructions']{display:none}</style>")


def needs():
    st.html("<style>.b{color:#333}</style>")
    st.title("Constats et besoins")
    with st.form("need_capture", clear_on_submit=True):
        st.text_area("Votre constat", key="need_capture_text")
        st.form_submit_button("Ajouter")
    live()


def vote():
    st.html("<style>.b{color:#333}</style>")
    st.title("Évaluer")
    left, right = st.columns(2)
    left.metric("Vote", "Ouvert")
    right.metric("Terminé", "0 / 300", help="Participants qui ont tout noté.")
    live()
    st.header("Mon vote")
    ballot()


def live():
    @st.fragment(run_every=20)
    def poll():
        st.html("<div class='b'>Phase 2 sur 4 <b>Évaluer</b> 12:00</div>")
    poll()


@BALLOT@


pages = [st.Page(needs, title="Constats", url_path="explore", default=True),
         st.Page(vote, title="Évaluer", url_path="score")]
pages += [st.Page(lambda: None, title=f"Page {n}", url_path=f"page{n}") for n in range(6)]
navigation = st.navigation({"Atelier": pages}, expanded=True)
st.sidebar.caption("Connecté·e : Téléphone")
st.sidebar.button("Quitter cet atelier", key="leave_button")
navigation.run()
'''.replace("@BALLOT@", BALLOT)


# The same elements, but a phone's whole screen is one fragment that draws the step the
# workshop is at (read from a file beside the app): a phase change is a rerun of that
# fragment, not of the page — no navigation, sidebar or new session per phone.
STEP_APP = BARE_APP.replace("""pages = [st.Page(needs""", """from pathlib import Path

STEP_FILE = Path(__file__).with_name("step.txt")


@st.fragment(run_every=20)
def step():
    if STEP_FILE.exists() and STEP_FILE.read_text() == "vote":
        st.html("<style>.b{color:#333}</style>")
        st.title("Évaluer")
        left, right = st.columns(2)
        left.metric("Vote", "Ouvert")
        right.metric("Terminé", "0 / 300", help="Participants qui ont tout noté.")
        st.html("<div class='b'>Phase 2 sur 4 <b>Évaluer</b> 12:00</div>")
        st.header("Mon vote")
        ballot()
    else:
        st.html("<style>.b{color:#333}</style>")
        st.title("Constats et besoins")
        with st.form("need_capture", clear_on_submit=True):
            st.text_area("Votre constat", key="need_capture_text")
            st.form_submit_button("Ajouter")
        st.html("<div class='b'>Phase 1 sur 4 <b>Constats</b> 12:00</div>")


pages = [st.Page(step, title="Atelier", url_path="workshop", default=True)]
pages += [st.Page(needs""").replace('url_path="explore", default=True', 'url_path="explore"')



def same_app() -> str:
    """The floor with the elements a phone's phase change draws in Fabrique, one for one
    (counted in the messages a phone receives, 7 Dec: 50 against the bare page's 37): the
    page's favicon, the language's picker, the sweeper's component (its script), the notice's
    slot, the help link, the navigation's twenty-two entries (eight listed), Fabrique's own
    CSS (board and phase bar: 7 KB a run), and the phase change made as Fabrique makes it —
    the phone's live fragment is woken, reads the step and switches to the vote's page (two
    runs). No database, no check: what Streamlit itself costs for that screen."""
    from ui import live, render, sweeper

    return SAME_APP.format(favicon=render.FAVICON, board_css=render.BOARD_CSS,
                           phase_css=live.PHASE_CSS, sweeper_js=sweeper._JS, ballot=BALLOT)


SAME_APP = """
from pathlib import Path

import streamlit as st

STEP_FILE = Path(__file__).with_name("step.txt")
BOARD_CSS = {board_css!r}
PHASE_CSS = {phase_css!r}
SWEEPER = st.components.v2.component("bare_sweeper", js={sweeper_js!r})

st.set_page_config(page_title="Bare", page_icon={favicon!r}, layout="wide")
st.sidebar.selectbox("Langue / Language", ["fr", "en"], key="lang",
                     format_func={{"fr": "Français", "en": "English"}}.__getitem__)
st.html("<style>[data-testid='InputInstructions']{{display:none}}</style>")


def needs():
    st.html(BOARD_CSS)
    st.title("Constats et besoins")
    with st.form("need_capture", clear_on_submit=True):
        st.text_area("Votre constat", key="need_capture_text")
        st.form_submit_button("Ajouter")
    live("Constats")


def vote():
    st.html(BOARD_CSS)
    st.title("Évaluer")
    left, right = st.columns(2)
    left.metric("Vote", "Ouvert")
    right.metric("Terminé", "0 / 300", help="Participants qui ont tout noté.")
    live("Évaluer")
    st.empty()  # the deferred message's slot
    st.header("Mon vote")
    ballot()


def live(title):
    st.html(PHASE_CSS)

    @st.fragment(run_every=20)
    def poll():
        step = STEP_FILE.read_text() if STEP_FILE.exists() else "needs"
        if title == "Constats" and step == "vote":
            st.switch_page(PAGES[1])
        st.html(f"<div class='b'>Phase 2 sur 4 <b>{{title}}</b> 12:00</div>")
    poll()


{ballot}


PAGES = [st.Page(needs, title="Constats", url_path="explore", default=True),
         st.Page(vote, title="Évaluer", url_path="score")]
listed = PAGES + [st.Page(lambda: None, title=f"Page {{n}}", url_path=f"page{{n}}",
                          icon=":material/lightbulb:") for n in range(6)]
hidden = [st.Page(lambda: None, title=f"Cachée {{n}}", url_path=f"hidden{{n}}",
                  icon=":material/lightbulb:", visibility="hidden") for n in range(14)]
navigation = st.navigation({{"Atelier": listed + hidden}}, expanded=True)
with st.sidebar:
    SWEEPER(key="fab_sweeps", on_sweep_change=lambda: None)
notice = st.empty()
st.sidebar.page_link(PAGES[0], label="Aide pour cette page", icon=":material/help:")
st.sidebar.caption("Connecté·e : Téléphone")
st.sidebar.button("Quitter cet atelier", key="leave_button")
navigation.run()
"""

def has_ballot(client: Client) -> bool:
    return any(key.startswith("score_") for key in client.widgets)


async def until_ballots(clients: list[Client], since: float, wait: float = 120) -> list[float]:
    """Seconds from ``since`` until each phone holds its ballot's controls."""
    arrived: dict[int, float] = {}
    deadline = time.monotonic() + wait
    while len(arrived) < len(clients) and time.monotonic() < deadline:
        now = time.monotonic()
        for n, client in enumerate(clients):
            if n not in arrived and has_ballot(client):
                arrived[n] = now - since
        await asyncio.sleep(0.05)
    return sorted(arrived.values())


async def bare(args) -> dict:
    """The floor: each phone asks for the vote's page, as a browser would on its server's
    word."""
    return await floor(args, BARE_APP,
                       lambda client: client.rerun(page_name="score", timeout=120))


async def bare_same(args) -> dict:
    """The floor of the same elements (``same_app``): each phone's live fragment is rerun,
    as its server's wake asks; it reads the step and switches to the vote's page."""
    def ask(client: Client):
        return client.rerun(fragment_id=next(iter(client.fragments)), auto=True,
                            timeout=120)

    return await floor(args, same_app(), ask)


async def bare_step(args) -> dict:
    """The floor if a phase change reran one fragment per phone instead of its page: the
    phones sit on the step fragment's needs; the step file turns to the vote and each
    phone's fragment is rerun (as its server's wake would ask: ui/push.py)."""
    def ask(client: Client):
        return client.rerun(fragment_id=next(iter(client.fragments)), auto=True,
                            timeout=120)

    return await floor(args, STEP_APP, ask)


async def floor(args, source: str, ask) -> dict:
    """Phones dealt among ``--servers`` bare servers of ``source``, then taken to the vote
    at once: the step file turned (read by STEP_APP only) and ``ask(client)`` sent by each
    phone."""
    servers = [bare_server(source) for _ in range(args.servers)]
    try:
        clients = []
        for n in range(args.phones):
            client = Client(servers[n % len(servers)].port)
            await client.connect()
            await client.rerun()
            clients.append(client)
        await asyncio.gather(*(c.settle() for c in clients))
        await asyncio.sleep(2)
        for server in servers:
            (server.data_dir / "step.txt").write_text("vote")
        cpu, since = cpu_of(servers), time.monotonic()
        for client in clients:
            asyncio.ensure_future(ask(client))
        delays = await until_ballots(clients, since)
        await asyncio.gather(*(c.settle() for c in clients))
        return figures(delays, cpu_of(servers) - cpu, clients)
    finally:
        for server in servers:
            server.stop()


def cpu_of(servers) -> float:
    return sum(cpu_seconds(server.process.pid) for server in servers)


async def fabrique(args) -> dict:
    from sqlmodel import col, select

    from core.domain.models import Workshop
    from core.domain.templates import load_templates
    from core.services import phases
    from core.services.accounts import actor_for_username
    from core.storage.db import session_scope

    data_dir = Path(tempfile.mkdtemp())
    server = Server(data_dir)
    prepare_database(server.database_url, data_dir)
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(select(Workshop).order_by(col(Workshop.id).desc())).first()
        wid, code = workshop.id, workshop.join_code
        _, score = ready_to_vote(session, admin, wid, load_templates(ROOT / "data"))
    server.start()
    try:
        async def join(n: int) -> Client:
            client = Client(server.port, query=f"code={code}")
            await client.connect()
            assert await join_workshop(client, code, f"Téléphone {n}", [])
            client.start_polling()  # as a browser: its live fragment's own rare poll
            return client

        clients = []
        for first in range(0, args.phones, 10):  # ten at a time
            clients += await asyncio.gather(*(join(n) for n in range(
                first, min(first + 10, args.phones))))
        await asyncio.sleep(3)
        for client in clients:
            client.kinds.clear()
        cpu, since = cpu_seconds(server.process.pid), time.monotonic()
        with session_scope(write=True, url=server.database_url) as session:
            phases.go_to(session=session, actor=actor_for_username(session, ADMIN),
                         workshop_id=wid, index=score)
        delays = await until_ballots(clients, since)
        await asyncio.gather(*(c.settle() for c in clients))
        result = figures(delays, cpu_seconds(server.process.pid) - cpu, clients)
        tell_the_missing(clients, server)
        return result
    finally:
        server.stop()


def tell_the_missing(clients: list[Client], server: Server) -> None:
    """Say what the phones without their ballot show (their page, last messages)."""
    missing = [c for c in clients if not has_ballot(c)]
    if not missing:
        return
    pages: dict[str, int] = {}
    for client in clients:
        pages[client.page_hash[:8]] = pages.get(client.page_hash[:8], 0) + 1
    print(f"{len(missing)} phones without their ballot; pages of all phones: {pages}; "
          f"server log: {server.log}")
    for client in missing[:5]:
        print(f"  session {client.session_id[:8]} (tests/trace_runs names it), page "
              f"{client.page_hash[:8]}, runs {client.runs}, alerts {client.alerts[-3:]}, "
              f"what it received since the change {dict(client.kinds)}")
    ballot = next((c for c in clients if has_ballot(c)), None)
    if ballot is not None:
        print(f"  a phone with its ballot received {dict(ballot.kinds)}")


def figures(delays: list[float], cpu: float, clients: list[Client]) -> dict:
    return {"phones": len(clients), "arrived": len(delays),
            "p50": percentile(delays, 0.5) if delays else None,
            "p95": percentile(delays, 0.95) if delays else None,
            "max": max(delays) if delays else None,
            "cpu_ms_per_phone": 1000 * cpu / len(clients)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--only", choices=("bare", "bare_same", "bare_step", "fabrique"),
                        default=None)
    parser.add_argument("--servers", type=int, default=1,
                        help="bare Streamlit servers for the floor (the phones dealt among them)")
    args = parser.parse_args()
    floor = "bare Streamlit page (the floor" + (
        f", {args.servers} servers)" if args.servers > 1 else ")")
    step_floor = "bare Streamlit, the phase drawn by one fragment per phone" + (
        f" ({args.servers} servers)" if args.servers > 1 else "")
    same_floor = "bare Streamlit, Fabrique's elements and way of changing phase" + (
        f" ({args.servers} servers)" if args.servers > 1 else "")
    for label, run in ((floor, bare), (same_floor, bare_same), (step_floor, bare_step),
                       ("Fabrique, needs → vote", fabrique)):
        if args.only and run.__name__ != args.only:
            continue
        result = asyncio.run(run(args))
        print(f"{label}: {result['arrived']} / {result['phones']} phones with their ballot, "
              f"p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s, max "
              f"{result['max']:.2f} s; server CPU {result['cpu_ms_per_phone']:.1f} ms per phone")


if __name__ == "__main__":
    main()
