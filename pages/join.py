"""Join a workshop with its code and a display name: no account needed."""

import streamlit as st

from core.errors import FabriqueError
from core.services import participants
from core.storage.db import session_scope
from ui import calls, client_keys, identity, legacy_guard, screens
from ui.i18n import _

JOIN_KEY = "join_key"  # the form's key, made in the browser (ui/client_keys)

legacy_guard.page_setup()

st.title(_("Join a workshop"))
st.write(_("Type the code the facilitator shows, and the name others will see."))

code_from_link = st.query_params.get("code", "")
with st.form("join_form"):
    code = st.text_input(_("Workshop code"), value=code_from_link, max_chars=12,
                         placeholder="ABC123", key="join_code")
    name = st.text_input(_("Your name"), max_chars=40, key="join_name",
                         placeholder=_("First name, or first name and village"))
    submitted = st.form_submit_button(_("Join"), type="primary")
    # One press, one key: sent again (its answer lost on the way), it finds the same
    # participant instead of "someone already takes part as…".
    sent_key = client_keys.current(JOIN_KEY)
    client_keys.place(JOIN_KEY)

if submitted:
    try:
        with session_scope(write=True) as db:
            participant = participants.join_workshop(
                session=db, code=code, display_name=name,
                token=st.session_state.get(identity.PARTICIPANT_KEY)
                or st.query_params.get(identity.TOKEN_PARAM),
                client=identity.client_address(), join_key=sent_key,
                browser=identity.browser())
    except FabriqueError as error:
        calls.show_error(error)
    else:
        client_keys.used(JOIN_KEY, sent_key)
        if "code" in st.query_params:
            del st.query_params["code"]
        identity.become_participant(participant.token)
        # To their personal link's page (the current step), whose address they keep.
        screens.WORKSHOP.go()

st.caption(_("Once you have joined, your page's address is your personal link: it brings "
             "you back to your cards. Lost it? The facilitator can show it to you again."))
