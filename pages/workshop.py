"""Atelier: where a participant lands — the current phase, what to do, the shared timer.
The page follows the facilitator: a new phase takes everyone to its board."""

import streamlit as st

from core.actors import ParticipantActor
from core.models import WorkshopStatus
from core.services import workshops
from ui import live, render, session
from ui.i18n import _

session.page_setup()

actor = session.require_actor()
workshop_id = session.current_workshop_id()
st.html(render.BOARD_CSS)
if workshop_id is None:
    st.title(_("Workshop"))
    st.info(_("Open a workshop first, from your collectives."), icon="👈")
    st.stop()

workshop = session.read(workshops.get_workshop, workshop_id=workshop_id)
state = live.live_state(workshop_id)
if isinstance(actor, ParticipantActor) and live.page_for(state) != live.WORKSHOP_PAGE:
    # During a phase with a board, a participant goes straight to it.
    st.switch_page(live.page_for(state))
st.title(render.md(workshop.title))
live.follow(workshop_id, state)

if state.status == WorkshopStatus.DRAFT.value:
    st.info(_("The workshop has not started yet. This page moves on by itself when the "
              "facilitator starts it."), icon="⏳")
elif state.status == WorkshopStatus.ENDED.value:
    st.success(_("The workshop is over. Thank you for taking part!"), icon="🙏")
elif state.phase is not None:
    st.html(render.line(state.phase.title, size="1.6rem", bold=True))
    if state.phase.instructions:
        st.html(render.line(state.phase.instructions, size="1.2rem"))
    target = live.page_for(state)
    if target != live.WORKSHOP_PAGE:
        st.page_link(target, label=_("Go to the board of this phase"), icon="👉")
