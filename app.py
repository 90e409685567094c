"""Fabrique: navigation and session bootstrap. Every run goes through ``st.navigation``."""

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from core.domain import policy
from core.errors import DatabaseUnavailable, FabriqueError
from ui import (
    calls,
    cookie_orders,
    guide,
    identity,
    left_pages,
    legacy_guard,
    live,
    placement,
    push,
    render,
    screens,
    startup,
    sweeper,
    whole_callbacks,
)
from ui.i18n import _, language_picker

# A press's callback runs whole, whatever the browser sends meanwhile, and a live tick of a
# page the session has left is not run (asgi.py installs both for the server; here for
# AppTest's runs too).
whole_callbacks.install()
left_pages.install()

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

    st.navigation(screens.everywhere(_startup_failed, "Fabrique"), position="hidden").run()
else:
    calls.apply_pending_clears()
    actor = identity.identify()
    user = identity.user_actor()

    if identity.database_away():
        # A page opened while the database does not answer: whoever this is, wait here,
        # at the address asked for, which opens once the database is back.
        pages: dict[str, list[st.Page]] = {"": screens.everywhere(calls.reconnecting,
                                                                 "Fabrique")}
    elif placement.server_for(actor) is not None:
        # A participant belongs on one of the participant servers (`fabrique serve`):
        # whatever page they asked for, this server only sends them on.
        pages = {"": screens.everywhere(lambda: placement.send_on(actor), "Fabrique")}
    elif policy.facilitates(actor):
        pages = screens.navigation({
            # "Chacun son projet": no boards of cards, the porteurs' projects instead.
            _("Workshop"): (screens.HOME, screens.FACILITATE, screens.PROJECTOR,
                            screens.CANVAS, screens.RELATION, screens.NEXT_STEPS,
                            screens.SYNTHESIS, screens.FOLLOWUP)
            if identity.in_projects_workshop(actor) else
            (screens.HOME, screens.FACILITATE, screens.PROJECTOR, screens.EXPLORE,
             screens.IDEAS, screens.GROUP, screens.SCORE, screens.RESULTS, screens.CANVAS,
             screens.RELATION, screens.NEXT_STEPS, screens.SYNTHESIS, screens.FOLLOWUP,
             screens.IMPORT_CARDS),
            _("Settings"): (screens.ACCOUNT, screens.USERS) if user and user.is_admin
            else (screens.ACCOUNT,),
            _("Help"): (screens.GUIDE,),
        })
    elif policy.is_link_member(actor):
        pages = screens.navigation({_("Our project"): (screens.CANVAS, screens.NEXT_STEPS)},
                                   stand_ins={screens.LOGIN: screens.LOGIN})
    elif policy.is_participant(actor):
        # "Chacun son projet": their own canvas, their partners', their steps.
        own = identity.in_projects_workshop(actor)
        pages = screens.navigation(
            {_("Workshop"): (screens.WORKSHOP, screens.CANVAS, screens.EXCHANGE,
                             screens.RELATION, screens.NEXT_STEPS) if own else
             (screens.WORKSHOP, screens.EXPLORE, screens.IDEAS, screens.GROUP,
              screens.SCORE, screens.RESULTS, screens.CANVAS, screens.RELATION,
              screens.NEXT_STEPS)},
            # Someone who just joined, or opens the join link again, is in their workshop.
            stand_ins={screens.LOGIN: screens.LOGIN})
    else:
        # A visitor: a participant's address asks to join, any other to sign in (and then
        # opens what was asked for).
        pages = screens.navigation(
            {"": (screens.LOGIN, screens.JOIN)},
            stand_ins={screen: screens.JOIN for screen in screens.PARTICIPANT_SCREENS})

    # Every page listed: a collapsed menu ends with Streamlit's own "View 4 more", in English.
    navigation = st.navigation(pages, expanded=True)
    # A page's live fragment registers again (ui/live.follow) if its server is to wake it.
    push.forget_session()
    screens.shown_at(navigation)
    cookie_orders.carry_out()
    with st.sidebar:  # drawn in every whole run, at one place: elements left twice go
        sweeper.place()
    # A slot drawn in every run, so that a notice shown once does not move the page's
    # elements (Streamlit would draw them again as new ones, losing what a field held).
    notice = st.empty()
    stale = identity.stale_link()
    if stale == identity.TOKEN_PARAM:
        notice.warning(_("This personal link no longer opens a workshop (the workshop ended, "
                         "or the facilitator removed the name). Join again with the workshop "
                         "code."), icon=":material/link_off:")
    elif stale == identity.COLLECTIVE_PARAM:
        notice.warning(_("This collective's link no longer opens anything: ask the "
                         "facilitator for a new one."), icon=":material/link_off:")
    shown = screens.shown_screen()
    if shown is not None and shown.guide:  # its part of the facilitator's guide
        st.sidebar.page_link(screens.GUIDE.path, label=_("Help for this page"),
                             icon=":material/help:", query_params={guide.PARAM: shown.guide})
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
    except StopException:  # a page that ends early (st.stop) was drawn too
        live.touch_after_run()
        raise
    else:
        live.touch_after_run()
