"""Keep every run inside ``st.navigation`` (and so behind its sign-in).

On a fresh server process, until some run calls ``st.navigation``, Streamlit serves a URL
such as ``/explore`` by running ``pages/explore.py`` without ``app.py`` (its legacy
multipage mode, which also lists every file of ``pages/``). It happens to every open tab
after a restart. Streamlit 1.67 has no setting that turns this mode off while the folder is
called ``pages/``, so ``app.py`` marks each run and every page starts with
``page_setup()``: a run without the mark switches the process to ``st.navigation`` mode and
reruns once, through ``app.py`` and its sign-in. The check is per run: another tab may
already have switched the process while this run started in the old mode. (Streamlit 1.67
internals, pinned.)
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP_RAN_KEY = "_app_ran"
LEGACY_RERUN_KEY = "_legacy_rerun"


def leave_pages_directory_mode() -> None:
    """Start the server in ``st.navigation`` mode (``asgi.py``, before any page is served):
    the first page a fresh server serves then runs through app.py like every other, in one
    run, instead of ``page_setup`` leaving the old mode with a second run."""
    PagesManager.uses_pages_directory = False


def mark_app_run() -> None:
    """Record that app.py runs this run (``page_setup`` looks for it)."""
    st.session_state[APP_RAN_KEY] = True
    st.session_state.pop(LEGACY_RERUN_KEY, None)


def page_setup() -> None:
    """Start every page with this: leave Streamlit's pages/ fallback if it ran us alone."""
    if st.session_state.pop(APP_RAN_KEY, False):
        return
    PagesManager.uses_pages_directory = False
    if not st.session_state.get(LEGACY_RERUN_KEY):
        st.session_state[LEGACY_RERUN_KEY] = True
        st.rerun()
    st.stop()  # still not through app.py (a page file run on its own): draw nothing
