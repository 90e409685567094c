"""Atelier: where a participant lands — the current phase, what to do, the shared timer.
The page follows the facilitator: a new phase takes everyone to its board."""

import streamlit as st

from core.domain import policy
from core.services import actions, projects, scoring
from ui import calls, identity, legacy_guard, links, live, render, screens
from ui import projects as project_panel
from ui.i18n import _, date_label
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

screen = open_workshop_screen(None, empty_title=_("Workshop"))
workshop_id, workshop, state = screen.workshop_id, screen.workshop, screen.state
if policy.is_participant(screen.actor) and live.screen_for(state) != screens.WORKSHOP:
    # During a phase with a board, a participant goes straight to it.
    live.screen_for(state).go()
st.title(render.md(workshop.title))
live.follow(workshop_id, state)

if state.draft:
    st.info(_("The workshop has not started yet. This page moves on by itself when the "
              "facilitator starts it."), icon=":material/hourglass_top:")
elif state.ended:
    # The phase bar above says it is over: here, what came of it for this person.
    st.success(_("Thank you for taking part!"), icon=":material/volunteer_activism:")
    board = calls.read(scoring.scoring_board, workshop_id=workshop_id)
    chosen = [] if state.projects else [c.title for c in board.candidates if c.selected]
    if chosen:
        st.subheader(_("What the room chose"))
        st.html(render.bullet_list(chosen))
    if policy.is_participant(screen.actor):
        mine = [a for a in calls.read(actions.workshop_actions, workshop_id=workshop_id)
                if a.doing]
        st.subheader(_("The steps you took on"))
        if mine:
            st.html(render.bullet_list([
                a.what + (f" — {date_label(a.due_on)}" if a.due_on else "") for a in mine]))
        else:
            st.caption(_("None: the next steps are on their page, to take one later."))
        screens.NEXT_STEPS.link(_("All the next steps"))
        token = st.session_state.get(identity.PARTICIPANT_KEY)
        if token:
            st.subheader(_("Your link, to come back"))
            st.caption(_("Keep it (a bookmark, a message to yourself): it opens your cards, "
                         "the canvases and your next steps between sessions."))
            st.code(links.personal_link(token), language=None, wrap_lines=True)
elif state.phase is not None:
    st.html(render.line(state.phase.title, size="1.6rem", bold=True))
    if state.welcoming and policy.is_participant(screen.actor):
        # The welcome's instructions speak to the room ("scan the QR code to join"):
        # this person is told first that they have joined already.
        st.success(_("You are in. The next step appears here by itself when the "
                     "facilitator moves on."), icon=":material/check_circle:")
    if state.phase.instructions:
        st.html(render.line(state.phase.instructions, size="1.2rem"))
    target = live.screen_for(state)
    if target != screens.WORKSHOP:
        st.page_link(target.path, label=_("Go to the board of this phase"),
                     icon=":material/arrow_forward:")

if state.projects and policy.is_participant(screen.actor):
    # "Chacun son projet": one's own project, named here as soon as one has joined.
    mine = calls.read(projects.my_project)
    if mine is None and not state.ended:
        project_panel.name_or_join()
    elif mine is not None:
        st.subheader(_("Your project"))
        st.html(render.line(mine.pitch, size="1.2rem"))
        screens.CANVAS.link(_("Open my canvas"))
