"""Fabrique's web server: Streamlit's app (``app.py``, the script every page runs) with the
routes and middleware of ``launch/web.py`` (the re-login cookie over HTTP, each browser's
own cookie). ``streamlit run asgi.py`` serves it (``fabrique serve`` does)."""

import streamlit as st

from launch import web
from ui import delivered_runs, left_pages, legacy_guard, whole_callbacks

# No legacy pages/ mode, from the very first page a fresh server serves (ui/legacy_guard.py).
legacy_guard.leave_pages_directory_mode()
# A press's callback is not cut short by a request the browser sends meanwhile (the module
# says why): before any session's first run.
whole_callbacks.install()
# A live tick of a page the session has left is not run (it would blank the new page).
left_pages.install()
# A fragment's run waits until the run before it has reached the browser.
delivered_runs.install()

app = st.App("app.py", routes=web.routes(), middleware=web.middleware())
