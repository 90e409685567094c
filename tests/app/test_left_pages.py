"""ui/left_pages.py: a live tick of a page the phone has left is not run (Inès's canvas body
vanished after a step change in the porteurs' test: traced to such a tick)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.testing.v1 import AppTest

from ui import left_pages


def a_phone_moved_on_while_its_old_page_ticks() -> None:
    """Two pages: the step before (a live fragment that ticks) and the canvas (a field).
    While the canvas is drawn, the old page's tick arrives, naming the old page — as a
    browser's timer fires before the browser has read the new page."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        ThreadState,
        get_script_run_ctx,
    )

    def before() -> None:
        @st.fragment
        def tick() -> None:
            ctx = get_script_run_ctx()
            assert ctx is not None
            st.session_state.old_tick = (ThreadState.get().fragment_id, ctx.page_script_hash)
            st.session_state.ticks = st.session_state.get("ticks", 0) + 1

        tick()

    def canvas() -> None:
        st.text_input("Le besoin du territoire", key="need")
        st.session_state.canvas_runs = st.session_state.get("canvas_runs", 0) + 1
        if st.session_state.get("need") and not st.session_state.get("ticked"):
            st.session_state.ticked = True
            fragment_id, page = st.session_state.old_tick
            ctx = get_script_run_ctx()
            assert ctx is not None
            ctx.script_requests.request_rerun(RerunData(
                fragment_id=fragment_id, page_script_hash=page, is_auto_rerun=True))

    canvas_page = st.Page(canvas, title="Canevas", url_path="canevas")
    page = st.navigation([st.Page(before, title="Avant", url_path="avant"), canvas_page])
    if st.session_state.get("moved") and page.title == "Avant":
        st.switch_page(canvas_page)  # the step moved: the phone is taken to the canvas
    page.run()


@pytest.fixture
def streamlits_own_run() -> Iterator[None]:
    """Streamlit's run as it comes (app.py may have installed Fabrique's in an earlier test of
    this process), restored as it was after the test."""
    current = ScriptRunner._run_script
    ScriptRunner._run_script = getattr(current, "__wrapped__", current)  # type: ignore[method-assign]
    yield
    ScriptRunner._run_script = current  # type: ignore[method-assign]


def typed_after_moving(installed: bool) -> AppTest:
    if installed:
        left_pages.install()
    at = AppTest.from_function(a_phone_moved_on_while_its_old_page_ticks).run()
    assert at.session_state.ticks == 1
    at.session_state.moved = True
    at.run()
    at.text_input(key="need").input("Un café au bourg").run()
    assert not at.exception
    assert at.session_state.ticked
    return at


def test_without_it_the_old_pages_tick_forgets_the_new_pages_field(streamlits_own_run):
    # What the module answers: the tick runs as a run of the page left, after the canvas's
    # run; Streamlit then drops the canvas's field values (and the browser, told another
    # page runs, clears the screen).
    at = typed_after_moving(installed=False)
    assert "need" not in at.session_state


def test_the_old_pages_tick_is_skipped_and_the_field_kept(streamlits_own_run):
    at = typed_after_moving(installed=True)
    assert at.session_state.need == "Un café au bourg"
    assert at.session_state.ticks == 1  # the old page's fragment did not run again
    at.run()
    assert at.text_input(key="need").value == "Un café au bourg"
    # The canvas goes on as before.
    at.text_input(key="need").input("Un café et une épicerie").run()
    assert at.session_state.need == "Un café et une épicerie"
    assert at.text_input(key="need").value == "Un café et une épicerie"


def test_a_tick_of_the_page_shown_still_runs():
    current = SimpleNamespace(fragment_id_queue=["f"], page_script_hash="canevas")
    assert not left_pages.of_a_page_left(current, "canevas", "main")
    unnamed = SimpleNamespace(fragment_id_queue=["f"], page_script_hash="")
    assert not left_pages.of_a_page_left(unnamed, "main", "main")
    assert left_pages.of_a_page_left(unnamed, "canevas", "main")
    left = SimpleNamespace(fragment_id_queue=["f"], page_script_hash="avant")
    assert left_pages.of_a_page_left(left, "canevas", "main")
    whole = SimpleNamespace(fragment_id_queue=[], page_script_hash="avant")
    assert not left_pages.of_a_page_left(whole, "canevas", "main")  # a whole run goes


def test_installing_twice_wraps_once(streamlits_own_run):
    left_pages.install()
    once = ScriptRunner._run_script
    left_pages.install()
    assert ScriptRunner._run_script is once
