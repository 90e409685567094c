"""Fabrique's web server: Streamlit's app (``app.py``, the script every page runs) with the
routes and middleware of ``launch/web.py`` (the re-login cookie over HTTP, each browser's
own cookie). ``streamlit run asgi.py`` serves it (``fabrique serve`` does)."""

import streamlit as st

from launch import web

app = st.App("app.py", routes=web.routes(), middleware=web.middleware())
