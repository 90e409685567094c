"""The addresses people are given: joining a workshop, the projector, the collective's
canvases (this laptop's network address on a hall's Wi-Fi, or the public address)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from core.outputs.joining import app_url, join_url, lan_address
from core.settings import get_settings
from ui.identity import COLLECTIVE_PARAM

PAGE_URL_KEY = "_page_url"


def page_url() -> str | None:
    """The address of the page in the person's browser (``st.context.url``); a run the
    server started itself (a phone woken when the workshop moves) carries none: the last
    one this session saw."""
    url = st.context.url
    if url:
        st.session_state[PAGE_URL_KEY] = url
        return url
    return st.session_state.get(PAGE_URL_KEY)


def join_link(code: str) -> str:
    """Return the address participants use to join (local network address on a laptop)."""
    settings = get_settings()
    return join_url(page_url=page_url(), code=code, public_url=settings.public_url,
                    lan=lan_address(), port=settings.app_port)


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def only_this_computer() -> bool:
    """Say whether phones cannot reach this server: it listens on the loopback address
    only (``make run HOST=127.0.0.1``) and no public address is configured."""
    address = str(st.get_option("server.address") or "")
    return address in LOOPBACK and not get_settings().public_url


def projector_link(workshop_id: int) -> str:
    """Return the projector's address: on its own app server when there is one (same host
    as this page, so the facilitator's sign-in cookie goes along), else on this one."""
    path = f"/projector?w={workshop_id}"
    port = get_settings().wall_port
    here = urlsplit(page_url() or "")
    if not port or not here.hostname:
        return path
    host = f"[{here.hostname}]" if ":" in here.hostname else here.hostname
    return urlunsplit((here.scheme or "http", f"{host}:{port}", "/projector",
                       f"w={workshop_id}", ""))


def wall_answers() -> bool:
    """Say whether the projector's own app server answers (True when there is none: the
    projector is on this server). ``fabrique serve`` starts it again if it stops; until
    then its button would lead to a closed port."""
    port = get_settings().wall_port
    if not port:
        return True
    address = str(st.get_option("server.address") or "")
    host = "127.0.0.1" if address in ("", "0.0.0.0", "::") else address  # noqa: S104
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def personal_link(token: str) -> str:
    """Return a participant's personal link (``/workshop?p=TOKEN``): who opens it takes
    part as that person, so it is shown to them alone (a phone lost, a new device)."""
    from ui.identity import TOKEN_PARAM

    return app_url(page_url=page_url(), path="/workshop", query={TOKEN_PARAM: token},
                   public_url=get_settings().public_url, lan=lan_address(),
                   port=get_settings().app_port)


def collective_link(code: str) -> str:
    """Return the address that opens the collective's canvases (``/canvas?k=CODE``)."""
    return app_url(page_url=page_url(), path="/canvas", query={COLLECTIVE_PARAM: code},
                   public_url=get_settings().public_url, lan=lan_address(),
                   port=get_settings().app_port)
