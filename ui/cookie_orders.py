"""Ask the browser to have the re-login cookie set or deleted by the server
(``launch/web.py``): a small script (components v2, in the page itself, no iframe, nothing
fetched from elsewhere) that sends one request to ``/fabrique/session`` and reports nothing
back, so it starts no run of its own. It is drawn in every run of the session until the
server says the order was carried out; drawn again, it does nothing (each order's id is
kept in the page)."""

from __future__ import annotations

import secrets
from typing import Literal

import streamlit as st

from launch import web

ORDER_KEY = "_cookie_order"

_JS = """
export default function ({ data }) {
  const done = window.__fabriqueCookieOrders || (window.__fabriqueCookieOrders = new Set());
  if (!data || !data.id || done.has(data.id)) return;
  done.add(data.id);
  const headers = { [data.orderHeader]: data.id };
  if (data.token) headers[data.sessionHeader] = data.token;
  fetch(data.url, { method: data.method, headers, credentials: 'same-origin',
                    cache: 'no-store' })
    .then((answer) => { if (!answer.ok) done.delete(data.id); })
    .catch(() => done.delete(data.id));
}
"""

_component = st.components.v2.component("fabrique_cookie_order", js=_JS)


def order(method: Literal["POST", "DELETE"], token: str = "") -> None:
    """Have the re-login cookie set to ``token`` (POST) or deleted (DELETE), from this
    session's next runs."""
    st.session_state[ORDER_KEY] = {"id": secrets.token_urlsafe(12), "method": method,
                                   "token": token}


def carry_out() -> None:
    """Draw this session's pending order, if any (once done, forget it), in a slot of the
    sidebar drawn in every run: an element that comes and goes would move every element
    after it, and Streamlit would draw those again as new ones (an open expander closes,
    a field loses what its browser held)."""
    slot = st.sidebar.empty()
    pending = st.session_state.get(ORDER_KEY)
    if pending is None:
        return
    if web.order_done(pending["id"]):
        del st.session_state[ORDER_KEY]
        return
    with slot:
        _component(key="_cookie_order_script",
                   data={**pending, "url": web.SESSION_PATH, "orderHeader": web.ORDER_HEADER,
                         "sessionHeader": web.SESSION_HEADER})
