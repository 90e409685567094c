"""Who is acting in this run: a facilitator (signed in), a participant (their token), a
member of a collective (the collective's link), or a visitor.

The actor is resolved once per run from the database (a deactivated account or a removed
participant stops being recognised at their next click) and kept in ``st.session_state``
for the pages of that run. Which workshop a facilitator has open lives here too.
"""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from core.actors import Actor, ParticipantActor, UserActor
from core.db import session_scope
from core.errors import DatabaseUnavailable
from core.services import accounts, canvas_links, limits, participants
from core.settings import get_settings
from ui import url_state

ACTOR_KEY = "_actor"
AUTHENTICATOR_KEY = "_authenticator"
PARTICIPANT_KEY = "participant_token"
WORKSHOP_KEY = "workshop_id"
COOKIE_NAME = "fabrique_session"
WORKSHOP_PARAM = "w"
TOKEN_PARAM = "p"  # noqa: S105 - the name of a URL parameter, not a secret
COLLECTIVE_PARAM = "k"  # the collective's link to its canvases
COLLECTIVE_KEY = "collective_code"
MEMBER_NAME_KEY = "member_name"
LOGGED_OUT_KEY = "_logged_out"


def _authenticator() -> stauth.Authenticate:
    settings = get_settings()
    configured = settings.cookie_key.get_secret_value() if settings.cookie_key else None
    with session_scope() as session:
        credentials = accounts.credentials(session)
        key = accounts.cookie_key(session, configured)
    return stauth.Authenticate(
        credentials,
        cookie_name=COOKIE_NAME,
        cookie_key=key,
        cookie_expiry_days=settings.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )


def authenticator() -> stauth.Authenticate:
    """Return this run's authenticator (created by ``identify``), or stop the page."""
    auth = st.session_state.get(AUTHENTICATOR_KEY)
    if auth is None:
        st.stop()
    return auth


def _collective_member(code: str) -> Actor | None:
    """Return the collective member coming through the link ``code``, or forget it."""
    with session_scope() as session:
        member = canvas_links.actor_for_code(session, code,
                                             st.session_state.get(MEMBER_NAME_KEY, ""))
    if member is None:
        forget_collective()
    return member


def identify() -> Actor | None:
    """Work out who is acting in this run and remember it for the pages. Without the
    database (restarting), the last run's actor draws the menu; the page then says it is
    reconnecting."""
    try:
        return _identify()
    except DatabaseUnavailable:
        return st.session_state.get(ACTOR_KEY)


def _identify() -> Actor | None:
    signed_in = bool(st.session_state.get("authentication_status"))
    code = url_state.synced(COLLECTIVE_KEY, COLLECTIVE_PARAM)
    if code and not signed_in:
        member = _collective_member(code)
        if member is not None:
            st.session_state[AUTHENTICATOR_KEY] = None
            st.session_state[ACTOR_KEY] = member
            return member
    token = url_state.synced(PARTICIPANT_KEY, TOKEN_PARAM)
    if token and not signed_in:
        # A participant's tab: no login form, no re-login cookie to read. Skipping the
        # authenticator (a component and a query) keeps a room of phones cheap.
        with session_scope() as session:
            participant = participants.actor_for_token(session, token)
        if participant is not None:
            st.session_state[AUTHENTICATOR_KEY] = None
            st.session_state[ACTOR_KEY] = participant
            return participant
        forget_participant()
    auth = _authenticator()
    st.session_state[AUTHENTICATOR_KEY] = auth
    if st.session_state.pop(LOGGED_OUT_KEY, False):
        auth.cookie_controller.delete_cookie()
    try:
        # Re-login from the signed cookie; renders nothing.
        auth.login(location="unrendered")
    except LoginError:
        # The cookie names an account that no longer exists or was deactivated.
        auth.cookie_controller.delete_cookie()
    actor: Actor | None = None
    with session_scope() as session:
        if st.session_state.get("authentication_status"):
            actor = accounts.actor_for_username(session, st.session_state.get("username"))
            if actor is None:
                auth.logout(location="unrendered")
            else:
                # Only a hint: every service checks that the facilitator may see it.
                url_state.synced(WORKSHOP_KEY, WORKSHOP_PARAM, accept=str.isdigit,
                                 convert=int)
    st.session_state[ACTOR_KEY] = actor
    return actor


def log_out() -> None:
    """Log the facilitator out (a button callback: runs before the next run's navigation)."""
    auth = st.session_state.get(AUTHENTICATOR_KEY)
    if auth is not None:
        auth.authentication_controller.logout()
    url_state.drop(WORKSHOP_KEY, WORKSHOP_PARAM)
    # The cookie is deleted during the next run, where its component can render.
    st.session_state[LOGGED_OUT_KEY] = True


def client_address() -> str:
    """Return the address this browser connects from (behind a reverse proxy, the address
    the proxy added last to its configured header), to count its wrong tries."""
    header = get_settings().trusted_proxy_header
    if header:
        added = limits.forwarded_client(st.context.headers.get(header))
        if added:
            return added
    return st.context.ip_address or "unknown"


def actor() -> Actor | None:
    """Return this run's actor."""
    return st.session_state.get(ACTOR_KEY)


def actor_tag(who: Actor) -> str:
    """Return a short name for who is acting, the same from one visit to the next (for what
    a browser keeps for them)."""
    if isinstance(who, UserActor):
        return f"u{who.user_id}"
    if isinstance(who, ParticipantActor):
        return f"p{who.participant_id}"
    return f"k{who.access_id}-{who.name}"


def participant_number(who: Actor | None) -> int | None:
    """Return the participant's id if ``who`` is a participant (None otherwise)."""
    return who.participant_id if isinstance(who, ParticipantActor) else None


def user_actor() -> UserActor | None:
    """Return the facilitator or admin acting in this run, if any."""
    current = actor()
    return current if isinstance(current, UserActor) else None


def require_actor() -> Actor:
    """Return this run's actor, or stop the page.

    Navigation only offers these pages to identified people; the check here also
    covers a page file run on its own (Streamlit's pages/ fallback on a cold start).
    """
    current = actor()
    if current is None:
        st.stop()
    return current  # type: ignore[return-value]


def require_user(*, admin: bool = False) -> UserActor:
    """Return this run's facilitator (or admin, with ``admin``), or stop the page."""
    current = user_actor()
    if current is None or (admin and not current.is_admin):
        st.stop()
    return current  # type: ignore[return-value]


def become_participant(token: str) -> None:
    """Remember the participant this browser now is."""
    url_state.keep(PARTICIPANT_KEY, TOKEN_PARAM, token)


def forget_participant() -> None:
    """Leave the workshop in this browser (the participant stays in the workshop)."""
    st.session_state.pop(WORKSHOP_KEY, None)
    url_state.drop(PARTICIPANT_KEY, TOKEN_PARAM)


def forget_collective() -> None:
    """Leave the collective's canvases in this browser."""
    url_state.drop(COLLECTIVE_KEY, COLLECTIVE_PARAM)


def current_workshop_id() -> int | None:
    """Return the workshop this session is working on."""
    current = actor()
    if isinstance(current, ParticipantActor):
        return current.workshop_id
    return st.session_state.get(WORKSHOP_KEY)


def open_workshop(workshop_id: int) -> None:
    """Make ``workshop_id`` the facilitator's current workshop."""
    url_state.keep(WORKSHOP_KEY, WORKSHOP_PARAM, workshop_id)
