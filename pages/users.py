"""Admin: facilitator accounts (create, deactivate, reactivate, reset a password)."""

import streamlit as st

from core.domain.models import Role
from core.services import accounts
from ui import calls, identity, legacy_guard, render
from ui.i18n import _

legacy_guard.page_setup()

identity.require_user(admin=True)
st.title(_("Accounts"))
USERS = "users"


def _set_active(user_id: int, active: bool) -> None:
    calls.call(accounts.set_active, defer_error=USERS, user_id=user_id, active=active)


calls.show_deferred_error(USERS)
users = calls.read(accounts.list_users)
ROLE_LABELS = {Role.ADMIN: _("Administrator"), Role.FACILITATOR: _("Facilitator")}

for account in users:
    with st.container(border=True):
        info, actions = st.columns([3, 2])
        active = account.deactivated_at is None
        info.text(f"{account.name} ({account.username})")
        info.caption(ROLE_LABELS.get(account.role, account.role)
                     + ("" if active else " · " + _("deactivated")))
        if active:
            actions.button(_("Deactivate"), key=f"deactivate_{account.id}",
                           on_click=_set_active, args=(account.id, False))
        else:
            actions.button(_("Reactivate"), key=f"reactivate_{account.id}",
                           on_click=_set_active, args=(account.id, True))
        with actions.popover(_("New password")), st.form(f"reset_{account.id}",
                                                          clear_on_submit=True):
            new = st.text_input(_("New password"), type="password", key=f"reset_pw_{account.id}")
            if st.form_submit_button(_("Set the password")) and calls.call(
                accounts.change_password, user_id=account.id, new_password=new
            ):
                st.success(_("Password changed."), icon=":material/check_circle:")

with st.form("new_account"):
    st.header(_("New facilitator account"))
    username = st.text_input(_("Username"), key="new_username")
    name = st.text_input(_("Name"), key="new_name")
    email = st.text_input(_("Email (optional)"), key="new_email")
    password = st.text_input(_("Password"), type="password", key="new_password",
                             help=_("At least {min} characters.", min=accounts.PASSWORD_MIN))
    role = st.selectbox(_("Role"), [Role.FACILITATOR, Role.ADMIN], key="new_role",
                        format_func=ROLE_LABELS.__getitem__)
    if st.form_submit_button(_("Create the account"), type="primary"):
        created = calls.call(accounts.create_user, username=username, name=name,
                               password=password, email=email, role=Role(role))
        if created:
            calls.clear_after_success("new_username", "new_name", "new_email", "new_password")
            st.toast(_("Account {username} created.", username=render.md(created.username)),
                     icon=":material/check_circle:")
            st.rerun()
