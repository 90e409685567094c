"""Fabrique: navigation and session bootstrap. Every run goes through ``st.navigation``."""

import streamlit as st

from core import policy
from core.errors import DatabaseUnavailable, FabriqueError
from ui import calls, identity, legacy_guard, placement, render, screens, startup
from ui.i18n import _, language_picker

# A local image (render.FAVICON): a ":material/…:" page icon makes the browser fetch the
# favicon from Google's servers (Streamlit 1.67), and an emoji is a box without an emoji font.
st.set_page_config(page_title="Fabrique", page_icon=render.FAVICON, layout="wide")
legacy_guard.mark_app_run()

try:
    startup.ensure_ready()
    startup_error: FabriqueError | None = None
except FabriqueError as error:
    startup_error = error

language_picker()
# Streamlit writes "Press Enter to submit form" (English, no parameter to change it) under
# every field of a form: hidden by its test id, as the projector hides the sidebar.
st.html("<style>[data-testid='InputInstructions']{display:none}</style>")

if startup_error is not None:
    # Even a broken start goes through st.navigation, or Streamlit would serve pages/.
    def _startup_failed() -> None:
        st.title("Fabrique")
        calls.show_error(startup_error)

    st.navigation([st.Page(_startup_failed, title="Fabrique", url_path="error")]).run()
else:
    calls.apply_pending_clears()
    actor = identity.identify()
    user = identity.user_actor()

    def menu(*entries: screens.Screen) -> list[st.Page]:
        return [entry.page() for entry in entries]

    if policy.facilitates(actor):
        pages = {
            _("Workshop"): menu(screens.HOME, screens.FACILITATE, screens.PROJECTOR,
                                screens.EXPLORE, screens.IDEAS, screens.GROUP, screens.SCORE,
                                screens.RESULTS, screens.CANVAS, screens.NEXT_STEPS,
                                screens.SYNTHESIS, screens.IMPORT_CARDS),
            _("Settings"): menu(screens.ACCOUNT, screens.USERS) if user and user.is_admin
            else menu(screens.ACCOUNT),
        }
    elif policy.is_link_member(actor):
        pages = {_("Our project"): menu(screens.CANVAS, screens.NEXT_STEPS)}
    elif policy.is_participant(actor):
        pages = {_("Workshop"): menu(screens.WORKSHOP, screens.EXPLORE, screens.IDEAS,
                                     screens.GROUP, screens.SCORE, screens.RESULTS,
                                     screens.CANVAS, screens.NEXT_STEPS)}
    else:
        pages = {"": menu(screens.LOGIN, screens.JOIN)}
    if placement.server_for(actor) is not None:
        # A participant belongs on one of the participant servers (`fabrique serve`):
        # whatever page they asked for, this server only sends them on.
        pages = {"": [st.Page(lambda: placement.send_on(actor), title="Fabrique",
                              url_path="workshop", default=True)]}

    # Every page listed: a collapsed menu ends with Streamlit's own "View 4 more", in English.
    navigation = st.navigation(pages, expanded=True)
    if actor is not None:
        st.sidebar.caption(_("Signed in as {name}", name=render.md(actor.name)))
        if user is not None:
            st.sidebar.button(_("Log out"), key="logout_button", on_click=identity.log_out)
        elif policy.is_link_member(actor):
            st.sidebar.button(_("Leave"), key="leave_collective",
                              on_click=identity.forget_collective)
        else:
            st.sidebar.button(_("Leave this workshop"), key="leave_button",
                              on_click=identity.forget_participant)
    try:
        navigation.run()
    except DatabaseUnavailable:
        calls.reconnecting()
