"""The facilitator's own account: change the password."""

import streamlit as st

from core.services import accounts
from ui import calls, identity, legacy_guard
from ui.i18n import _

legacy_guard.page_setup()

user = identity.require_user()
st.title(_("My account"))
st.text(_("Name: {name}", name=user.name))
st.text(_("Username: {username}", username=user.username))

with st.form("change_password", clear_on_submit=True):
    st.header(_("Change my password"))
    current = st.text_input(_("Current password"), type="password", key="pw_current")
    new = st.text_input(_("New password"), type="password", key="pw_new",
                        help=_("At least {min} characters.", min=accounts.PASSWORD_MIN))
    again = st.text_input(_("New password again"), type="password", key="pw_again")
    if st.form_submit_button(_("Change the password"), type="primary"):
        if new != again:
            st.error(_("The two passwords differ."), icon=":material/warning:")
        elif calls.call(accounts.change_password, user_id=user.user_id, new_password=new,
                          current_password=current):
            st.success(_("Password changed."), icon=":material/check_circle:")
