"""Values kept both in the session and in the page's URL, so a reload brings them back.

Navigation links drop the query string, so the URL is set again on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st


def synced(state_key: str, param: str, *, accept: Callable[[str], bool] = bool,
           convert: Callable[[str], Any] = str) -> Any:
    """Return the value kept under ``state_key``: taken from the URL's ``param`` when the
    session has none (if ``accept`` says it looks right, made by ``convert``), and written
    back to the URL."""
    value = st.session_state.get(state_key)
    from_url = st.query_params.get(param)
    if value in (None, "") and from_url and accept(from_url):
        value = st.session_state[state_key] = convert(from_url)
    if value not in (None, "") and from_url != str(value):
        st.query_params[param] = str(value)
    return value


def keep(state_key: str, param: str, value: str | int) -> None:
    """Keep ``value`` in the session and in the URL."""
    st.session_state[state_key] = value
    st.query_params[param] = str(value)


def drop(state_key: str, param: str) -> None:
    """Forget the value in the session and in the URL."""
    st.session_state.pop(state_key, None)
    if param in st.query_params:
        del st.query_params[param]
