"""Log in as a facilitator, or create the first admin account on first start."""

import streamlit as st

from core.errors import FabriqueError
from core.services import accounts
from core.settings import get_settings
from core.storage.db import session_scope
from launch.startup import SETUP_CODE_FILE
from ui import calls, identity, legacy_guard, render, screens, startup
from ui.i18n import _

CREATED_KEY = "_admin_created"

legacy_guard.page_setup()

st.title(_("Fabrique"))
st.caption(_("From a territory's needs to projects people carry."))

with session_scope() as db:
    needs_admin = not accounts.has_admin(db)

if needs_admin:
    st.header(_("First start: create the administrator account"))
    st.info(
        _("Fabrique printed a setup code in the terminal where it was started "
          "(also saved in {path}). Type it below to prove you installed it.",
          path=render.md(get_settings().data_dir / SETUP_CODE_FILE)),
        icon=":material/key:",
    )
    with st.form("first_admin"):
        code = st.text_input(_("Setup code"), key="setup_code")
        username = st.text_input(_("Username"), key="admin_username",
                                 help=_("Letters, digits, dot, dash or underscore."))
        name = st.text_input(_("Your name"), key="admin_name")
        email = st.text_input(_("Email (optional)"), key="admin_email")
        password = st.text_input(_("Password"), type="password", key="admin_password",
                                 help=_("At least {min} characters.",
                                        min=accounts.PASSWORD_MIN))
        confirm = st.text_input(_("Password again"), type="password", key="admin_confirm")
        submitted = st.form_submit_button(_("Create the account"), type="primary")
    if submitted:
        if password != confirm:
            st.error(_("The two passwords differ."), icon=":material/warning:")
        else:
            try:
                with session_scope(write=True) as db:
                    accounts.create_first_admin(session=db, code=code, username=username,
                                                name=name, password=password, email=email)
            except FabriqueError as error:
                calls.show_error(error)
            else:
                startup.forget_setup_code()  # spent: its file is deleted
                st.session_state[CREATED_KEY] = True  # said after the rerun, above the login
                st.rerun()
else:
    if st.session_state.pop(CREATED_KEY, False):
        st.success(_("Account created. You can log in now."), icon=":material/check_circle:")
    with st.form("login_form", enter_to_submit=True):
        st.header(_("Facilitator login"))
        username = st.text_input(_("Username"), key="login_username", autocomplete="username")
        password = st.text_input(_("Password"), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(_("Log in"), type="primary")
    if submitted and username and password:
        try:
            with session_scope(write=True) as db:
                # Each try passes through the sign-in limits first.
                ok = accounts.sign_in(
                    session=db, username=username, client=identity.client_address(),
                    check_password=lambda: accounts.password_matches(db, username, password))
        except FabriqueError as error:
            calls.show_error(error)
        else:
            if ok:
                identity.sign_in(username)
                # Where the facilitator was going (a page that asked to sign in first), or
                # their collectives (from the login page itself, or "/").
                if screens.shown_address() in ("", screens.LOGIN.url_path):
                    screens.HOME.go()
                st.rerun()
            else:
                st.error(_("Wrong username or password."), icon=":material/warning:")
    elif submitted:
        st.error(_("Type your username and password."), icon=":material/warning:")

st.divider()
st.markdown(_("**Taking part in a workshop?** You need no account."))
screens.JOIN.link(_("Join with the workshop code"))
