"""Spread a room's phones over the participant servers ``fabrique serve`` starts.

One Streamlit server is one Python process, so one core: past a hundred and fifty phones
polling every second, a single process is saturated (bench/load.py). ``fabrique serve
--participant-servers N`` starts N more app servers on the next ports, on the same
database, and tells the main server their ports (``FABRIQUE_PARTICIPANT_PORTS``). A
participant who joins — or opens their personal link — on the main server is sent on to
one of them (the same one each time: their number modulo N), with the same address but
the port: the page's query keeps their token (``?p=…``), so the server they land on knows
them, and any server of the same database would. The facilitator, the projector and
collective members stay where they are.
"""

from __future__ import annotations

import streamlit as st

from core.domain.actors import Actor
from core.settings import get_settings
from ui.i18n import _
from ui.identity import participant_number

_JS = """
export default function ({ data }) {
  const target = new URL(window.location.href);
  target.port = String(data.port);
  // The join page is the main server's: the participant's own page is "workshop".
  if (target.pathname.endsWith('/join')) {
    target.pathname = target.pathname.slice(0, -'join'.length) + 'workshop';
  }
  if (target.href !== window.location.href) window.location.replace(target.href);
}
"""

_component = st.components.v2.component("fabrique_placement", js=_JS)


def server_for(actor: Actor | None) -> int | None:
    """Return the port of the participant server ``actor`` belongs on, or None (stay)."""
    ports = get_settings().participant_port_list
    number = participant_number(actor)
    if not ports or number is None:
        return None
    return ports[number % len(ports)]


def send_on(actor: Actor | None) -> None:
    """Send a participant on to their server (the page this server shows them)."""
    port = server_for(actor)
    if port is None:
        return
    _component(key="placement", data={"port": port})
    st.caption(_("Opening your workshop page…"))
