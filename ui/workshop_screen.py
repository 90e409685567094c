"""One way into every workshop screen: who acts, the workshop open in this session, its
live state — or, when no workshop is open, the empty state and the page stops."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.domain import policy
from core.domain.actors import Actor
from core.domain.models import Workshop
from core.services import workshops
from core.services.phases import LiveState
from ui import calls, identity, live, render, screens
from ui.i18n import _


@dataclass(frozen=True)
class WorkshopScreen:
    """What a workshop screen is drawn from."""

    actor: Actor
    workshop: Workshop
    state: LiveState

    @property
    def workshop_id(self) -> int:
        return self.state.workshop_id

    @property
    def facilitates(self) -> bool:
        """Whether the person at this screen runs the workshop."""
        return policy.facilitates(self.actor)


def open_workshop_screen(title: str | None, *, facilitator: bool = False,
                         css: str = render.BOARD_CSS,
                         empty_title: str | None = None) -> WorkshopScreen:
    """Start a workshop screen: its CSS and ``title`` (already translated; ``None``: the
    page draws its own), for its facilitator only with ``facilitator``. Without an open
    workshop, say so (under ``empty_title`` when the page has no title of its own) and
    stop. The live state is read before the page's data, so a change made in between
    shows at the next tick rather than being missed."""
    actor = identity.require_user() if facilitator else identity.require_actor()
    workshop_id = identity.current_workshop_id()
    st.html(css)
    if title is not None:
        st.title(title)
    if workshop_id is None:
        if title is None and empty_title is not None:
            st.title(empty_title)
        st.info(_("Open a workshop first, from your collectives."), icon=":material/arrow_back:")
        if policy.facilitates(actor):
            screens.HOME.link()
        st.stop()
    state = live.live_state(workshop_id)
    workshop = calls.read(workshops.get_workshop, workshop_id=workshop_id)
    return WorkshopScreen(actor, workshop, state)
