"""Fabrique: navigation and session bootstrap. Every run goes through ``st.navigation``."""

import streamlit as st

from core.actors import CollectiveActor
from core.errors import FabriqueError
from ui import render, session
from ui.i18n import _, language_picker

st.set_page_config(page_title="Fabrique", page_icon="🧶", layout="wide")
session.mark_app_run()

try:
    session.ensure_ready()
    startup_error: FabriqueError | None = None
except FabriqueError as error:
    startup_error = error

language_picker()

if startup_error is not None:
    # Even a broken start goes through st.navigation, or Streamlit would serve pages/.
    def _startup_failed() -> None:
        st.title("Fabrique")
        session.show_error(startup_error)

    st.navigation([st.Page(_startup_failed, title="Fabrique", url_path="error")]).run()
else:
    session.apply_pending_clears()
    actor = session.identify()
    user = session.user_actor()

    login = st.Page("pages/login.py", title=_("Log in"), icon="🔑", url_path="login")
    join = st.Page("pages/join.py", title=_("Join a workshop"), icon="🙋", url_path="join")
    home = st.Page("pages/home.py", title=_("Collectives and workshops"), icon="🏠",
                   url_path="home")
    facilitate = st.Page("pages/facilitate.py", title=_("Lead"), icon="🎬",
                         url_path="facilitate")
    projector = st.Page("pages/projector.py", title=_("Projector"), icon="📽️",
                        url_path="projector")
    workshop = st.Page("pages/workshop.py", title=_("Workshop"), icon="🧭", url_path="workshop")
    explore = st.Page("pages/explore.py", title=_("Explore"), icon="🔎", url_path="explore")
    ideas = st.Page("pages/ideas.py", title=_("Ideas"), icon="💡", url_path="ideas")
    group = st.Page("pages/group.py", title=_("Group"), icon="🗂️", url_path="group")
    score = st.Page("pages/score.py", title=_("Score"), icon="🗳️", url_path="score")
    results = st.Page("pages/results.py", title=_("Results"), icon="📊", url_path="results")
    canvas = st.Page("pages/canvas.py", title=_("Formalise"), icon="📄", url_path="canvas")
    import_cards = st.Page("pages/import_cards.py", title=_("Import cards"), icon="📥",
                           url_path="import")
    account = st.Page("pages/account.py", title=_("My account"), icon="👤", url_path="account")
    users = st.Page("pages/users.py", title=_("Accounts"), icon="🛡️", url_path="users")

    if user is not None:
        pages = {
            _("Workshop"): [home, facilitate, projector, explore, ideas, group, score,
                            results, canvas, import_cards],
            _("Settings"): [account, users] if user.is_admin else [account],
        }
    elif isinstance(actor, CollectiveActor):
        pages = {_("Our project"): [canvas]}
    elif actor is not None:
        pages = {_("Workshop"): [workshop, explore, ideas, group, score, results, canvas]}
    else:
        pages = {"": [login, join]}

    navigation = st.navigation(pages)
    if actor is not None:
        st.sidebar.caption(_("Signed in as {name}", name=render.md(actor.name)))
        if user is not None:
            st.sidebar.button(_("Log out"), key="logout_button", on_click=session.log_out)
        elif isinstance(actor, CollectiveActor):
            st.sidebar.button(_("Leave"), key="leave_collective",
                              on_click=session.forget_collective)
        else:
            st.sidebar.button(_("Leave this workshop"), key="leave_button",
                              on_click=session.forget_participant)
    navigation.run()
