"""ui/whole_callbacks.py: a press's callback is not cut short by a request the browser sends
while it runs (the lost raised hand of the porteurs' test, traced under load)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.testing.v1 import AppTest

from ui import whole_callbacks


def pressing_while_the_browser_asks_again() -> None:
    """A button whose callback, as it starts, receives a newer request from the browser
    (what a text field's value sent as the finger leaves it does), then reads the session
    and writes."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    st.session_state.asked = st.query_params.get("asked", "")

    def raise_hand() -> None:
        ctx = get_script_run_ctx()
        assert ctx is not None
        ctx.script_requests.request_rerun(RerunData(
            query_string="asked=again", page_script_hash=ctx.page_script_hash))
        who = st.session_state.get("who", "Sandrine")  # as identity reads the token
        st.session_state.hands = [*st.session_state.get("hands", []), who]

    st.button("J'ai une question", key="hand", on_click=raise_hand)
    st.write(f"mains : {len(st.session_state.get('hands', []))}")


@pytest.fixture
def streamlits_own_check() -> Iterator[None]:
    """Streamlit's check as it comes (app.py may have installed Fabrique's in an earlier
    test of this process), restored as it was after the test."""
    current = ScriptRunner._maybe_handle_execution_control_request
    ScriptRunner._maybe_handle_execution_control_request = getattr(  # type: ignore[method-assign]
        current, "__wrapped__", current)
    yield
    ScriptRunner._maybe_handle_execution_control_request = current  # type: ignore[method-assign]


def press(installed: bool) -> AppTest:
    if installed:
        whole_callbacks.install()
    at = AppTest.from_function(pressing_while_the_browser_asks_again).run()
    at.button(key="hand").click().run()
    assert not at.exception
    return at


def test_without_it_streamlit_cuts_the_callback_short(streamlits_own_check):
    # The finding this module answers: the press is lost, with no error anywhere.
    at = press(installed=False)
    assert "hands" not in at.session_state


def test_a_callback_runs_whole_and_the_newer_request_still_runs(streamlits_own_check):
    at = press(installed=True)
    assert at.session_state.hands == ["Sandrine"]  # written once
    assert at.markdown[0].value == "mains : 1"
    # The browser's newer request was not dropped: the press's run stopped for it after
    # the callbacks, and the page was drawn by the newer one.
    assert at.session_state.asked == "again"


def test_installing_twice_wraps_once(streamlits_own_check):
    whole_callbacks.install()
    once = ScriptRunner._maybe_handle_execution_control_request
    whole_callbacks.install()
    assert ScriptRunner._maybe_handle_execution_control_request is once
