"""The facilitator's re-login cookie, written and deleted by a small script in the page.

streamlit-authenticator (0.4.2, pinned) reads its cookie from ``st.context.cookies`` but
builds extra-streamlit-components' ``CookieManager`` on every run, and that manager draws
an iframe which, once loaded, sends every cookie of the page back to the server: a second
run of each page a visitor or a facilitator opens. A press made while that second run
starts is lost — Streamlit stops the run that carried it for the newer one, and a button's
press lives only in the run it was sent with. On a loaded server or a slow phone the iframe
reports late enough for that to happen: "Rejoindre" pressed, nothing happens (seen in the
test suite under two workers: the join run with the press, then the cookie run, and no
participant).

Only writing and deleting need the page's help (a cookie read comes with the connection).
``install()`` hands the authenticator this module's ``CookieManager`` instead: drawn only
in the run that writes or deletes, as a components-v2 script in the page itself (no iframe,
nothing fetched), which writes ``document.cookie`` and then reruns the app once — as the
iframe did after a login, so the new facilitator is taken to their workshops.
"""

from __future__ import annotations

import datetime as dt
import secrets
import types
from typing import Any

import streamlit as st

_JS = """
export default function ({ data, setTriggerValue }) {
  const done = window.__fabriqueCookieOrders || (window.__fabriqueCookieOrders = new Set());
  if (done.has(data.order)) return;  // drawn again by a later run: already carried out
  done.add(data.order);
  const expires = data.value === null ? new Date(0) : new Date(data.expires * 1000);
  document.cookie = `${data.name}=${data.value === null ? '' : encodeURIComponent(data.value)}`
    + `; path=/; expires=${expires.toUTCString()}; SameSite=Strict`;
  setTriggerValue('written', data.order);
}
"""

_component = st.components.v2.component("fabrique_cookie", js=_JS)


def _order(name: str, value: str | None, expires_at: dt.datetime | None) -> None:
    """Draw the script that writes (or, with ``value`` None, deletes) cookie ``name``."""
    expires = (expires_at or dt.datetime.now() + dt.timedelta(days=1)).timestamp()
    _component(key=f"_fabrique_cookie_{'delete' if value is None else 'set'}",
               data={"order": secrets.token_urlsafe(8), "name": name, "value": value,
                     "expires": expires},
               on_written_change=lambda: None)


class CookieManager:
    """What streamlit-authenticator asks of extra-streamlit-components' manager: ``set``
    and ``delete`` (it reads through ``st.context.cookies``). Drawing nothing until asked."""

    def __init__(self, key: str = "init") -> None:
        self.cookies: dict[str, Any] = {}

    def get(self, cookie: str) -> Any:
        return st.context.cookies.get(cookie)

    def set(self, cookie: str, val: str, key: str = "set", path: str = "/",
            expires_at: dt.datetime | None = None, **_options: Any) -> None:
        if cookie:
            _order(cookie, str(val), expires_at)

    def delete(self, cookie: str, key: str = "delete") -> None:
        _order(cookie, None, None)


def install() -> None:
    """Make streamlit-authenticator build this module's manager (call before it does)."""
    from streamlit_authenticator.models import cookie_model

    cookie_model.stx = types.SimpleNamespace(CookieManager=CookieManager)
