"""A fragment's request handled just after a whole run ended, before the server's event loop
has passed on what that run drew (``ui/delivered_runs.py``): without the fix, the page
stays cut where the loop was; with it, the page arrives whole, then the fragment runs.

Made to happen on purpose, on a real Streamlit server: the page's run asks the server's
event loop to sleep a second, queues a tick of its live fragment behind that sleep (as
``ui/push.py`` queues a wake), then draws five more lines and ends — so the loop handles the
tick after the run has ended, with the five lines still behind it. Spoken as a browser
speaks Streamlit's protocol (bench/load.py's Client).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time

import pytest

from tests.browser.conftest import PROJECT_ROOT

APP = '''
import os
import sys
import time

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    ThreadState,
    get_script_run_ctx,
)

sys.path.insert(0, {root!r})
if os.environ.get("FABRIQUE_DELIVERED_RUNS") == "on":
    from ui import delivered_runs

    delivered_runs.install()


@st.fragment(run_every=600)
def live():
    st.session_state["live_id"] = ThreadState.get().fragment_id
    st.write("live part")


live()
st.write("first line")
if st.session_state.get("race"):
    st.write("the race is on")
    ctx = get_script_run_ctx()
    runtime = Runtime.instance()
    session = runtime.get_app_session(ctx.session_id)
    loop = runtime._get_async_objs().eventloop
    tick = ClientState(fragment_id=st.session_state["live_id"], is_auto_rerun=True,
                       page_script_hash=ctx.page_script_hash)
    loop.call_soon_threadsafe(time.sleep, 1.0)  # the loop busy: a server under load
    loop.call_soon_threadsafe(session.request_rerun, tick)  # a tick, as ui/push.py wakes
    for n in range(5):
        st.write(f"line {{n}} after the tick")
st.checkbox("race", key="race")
'''


def served(tmp_path, fixed: bool):
    """A Streamlit server of APP, with or without ``delivered_runs``."""
    import os

    from bench._setup import bare_server

    os.environ["FABRIQUE_DELIVERED_RUNS"] = "on" if fixed else "off"
    try:
        return bare_server(APP.format(root=str(PROJECT_ROOT)))
    finally:
        os.environ.pop("FABRIQUE_DELIVERED_RUNS", None)


def lines_drawn(server) -> str:
    from bench.load import Client

    async def scenario() -> str:
        phone = Client(server.port)
        await phone.connect()
        await phone.rerun()
        await phone.settle()
        assert "first line" in phone.texts
        since = len(phone.texts)
        await phone.rerun(states=[("race", "bool_value", True)])
        deadline = time.monotonic() + 8  # the lines come within 2 s (the loop's sleep: 1 s)
        while time.monotonic() < deadline and "line 4 after the tick" not in phone.texts[since:]:
            await asyncio.sleep(0.1)
        await phone.settle(1.5)
        await phone.close()
        return phone.texts[since:]

    # In a thread of its own: Playwright's browser tests leave an event loop running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


@pytest.mark.parametrize("fixed", [False, True], ids=["streamlit-alone", "delivered_runs"])
def test_a_tick_handled_after_a_run_ended_does_not_cut_the_page(tmp_path, fixed):
    server = served(tmp_path, fixed)
    try:
        drawn = lines_drawn(server)
    finally:
        server.stop()
    whole = all(f"line {n} after the tick" in drawn for n in range(5))
    assert "the race is on" in drawn and "live part" in drawn  # in both cases
    assert whole is fixed, drawn[-600:]
