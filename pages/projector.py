"""Projection: the wall of the salle des fêtes — current phase and timer, the live board of
that phase, and how to join (QR code, code, address), in type readable from the back. What
each phase shows is ``ui/wall.py``'s."""

import streamlit as st

from core.settings import get_settings
from ui import legacy_guard, links, live, render, startup
from ui.i18n import _
from ui.wall import Wall
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

screen = open_workshop_screen(None, facilitator=True, css=render.PROJECTOR_CSS,
                              empty_title=_("Projector"))
drawn = screen.state
wall = Wall(screen.workshop, startup.templates())
follow = dict(bar=wall.header, content=wall.content,
              interval=get_settings().projector_interval, on_top=False)

if drawn.welcoming or drawn.ended:
    # The way in takes the whole wall (a phase change redraws the page); at the end, the
    # wall no longer invites anyone to join (a late phone would be refused).
    live.follow(screen.workshop_id, drawn, **follow)
else:
    main, side = st.columns([3, 1], gap="large")
    with main:
        live.follow(screen.workshop_id, drawn, **follow)
    with side:
        link = links.join_link(screen.workshop.join_code)
        st.html(render.qr(link, size=300))
        st.html(render.join_block(link, screen.workshop.join_code, _("Join the workshop:")))
