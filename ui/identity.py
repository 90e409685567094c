"""Who is acting in this run: a facilitator (signed in), a participant (their token), a
member of a collective (the collective's link), or a visitor.

The actor is resolved once per run from the database (a deactivated account or a removed
participant stops being recognised at their next click) and kept in ``st.session_state``
for the pages of that run. Which workshop a facilitator has open lives here too.
"""

from __future__ import annotations

import streamlit as st

from core.domain.actors import Actor, ParticipantActor, UserActor
from core.errors import DatabaseUnavailable, FabriqueError
from core.services import accounts, canvas_links, limits, participants, phases
from core.settings import get_settings
from core.storage.db import session_scope
from launch import web
from ui import cookie_orders, url_state

ACTOR_KEY = "_actor"
ACTOR_FROM_KEY = "_actor_from"  # the personal link the participant actor came from
SIGNED_IN_KEY = "_signed_in"  # the facilitator's username, once signed in
DROPPED_COOKIE_KEY = "_dropped_cookie"  # a re-login cookie this session no longer honours
PARTICIPANT_KEY = "participant_token"
WORKSHOP_KEY = "workshop_id"
COOKIE_NAME = accounts.SESSION_COOKIE
WORKSHOP_PARAM = "w"
TOKEN_PARAM = "p"  # noqa: S105 - the name of a URL parameter, not a secret
COLLECTIVE_PARAM = "k"  # the collective's link to its canvases
COLLECTIVE_KEY = "collective_code"
MEMBER_NAME_KEY = "member_name"
STALE_LINK_KEY = "_stale_link"  # which kind of link this visit came with, no longer valid


def _cookie(name: str) -> str | None:
    """The value of cookie ``name`` the page was opened with (None without one; AppTest has
    no cookies)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) else None


def _cookie_key() -> str:
    settings = get_settings()
    configured = settings.cookie_key.get_secret_value() if settings.cookie_key else None
    with session_scope() as session:
        return accounts.cookie_key(session, configured)


def _collective_member(code: str) -> Actor | None:
    """Return the collective member coming through the link ``code``, or forget it."""
    with session_scope() as session:
        member = canvas_links.actor_for_code(session, code,
                                             st.session_state.get(MEMBER_NAME_KEY, ""))
    if member is None:
        forget_collective()
        st.session_state[STALE_LINK_KEY] = COLLECTIVE_PARAM
    return member


AWAY_KEY = "_database_away"


def identify() -> Actor | None:
    """Work out who is acting in this run and remember it for the pages. Without the
    database (restarting), the last run's actor draws the menu, and the page then says it
    is reconnecting; a page opened afresh meanwhile knows nobody yet (``database_away``)."""
    try:
        actor = _identify()
    except DatabaseUnavailable:
        known = st.session_state.get(ACTOR_KEY)
        st.session_state[AWAY_KEY] = known is None
        return known
    st.session_state.pop(AWAY_KEY, None)
    return actor


def database_away() -> bool:
    """Say whether this run could not tell who is acting because the database is away."""
    return bool(st.session_state.get(AWAY_KEY))


def _signed_in_from_cookie() -> str | None:
    """Sign in from the re-login cookie the page was opened with, if it holds."""
    token = _cookie(COOKIE_NAME)
    if token is None or token == st.session_state.get(DROPPED_COOKIE_KEY):
        return None
    username = accounts.session_username(token, _cookie_key())
    if username is None:  # expired, or signed with another key: have it deleted, once
        _drop_cookie(token)
        return None
    st.session_state[SIGNED_IN_KEY] = username
    return username


def _drop_cookie(token: str | None) -> None:
    """Stop honouring the re-login cookie ``token`` in this session (the connection keeps
    sending it until the page is reloaded) and have the browser delete it."""
    if token is not None and st.session_state.get(DROPPED_COOKIE_KEY) != token:
        st.session_state[DROPPED_COOKIE_KEY] = token
        cookie_orders.order("DELETE")


def _identify() -> Actor | None:
    signed_in = st.session_state.get(SIGNED_IN_KEY)
    code = url_state.synced(COLLECTIVE_KEY, COLLECTIVE_PARAM)
    if code and not signed_in:
        member = _collective_member(code)
        if member is not None:
            st.session_state[ACTOR_KEY] = member
            return member
    token = url_state.synced(PARTICIPANT_KEY, TOKEN_PARAM)
    if token and not signed_in:
        # A participant's tab: no re-login cookie to read. The participant this token gave
        # at the last run is asked after through the access memo (one phone, one query
        # less a run).
        known = st.session_state.get(ACTOR_KEY)
        if not (isinstance(known, ParticipantActor)
                and st.session_state.get(ACTOR_FROM_KEY) == token):
            known = None
        with session_scope() as session:
            participant = participants.recognised(session, token, known)
        if participant is not None:
            st.session_state[ACTOR_KEY] = participant
            st.session_state[ACTOR_FROM_KEY] = token
            return participant
        forget_participant()
        st.session_state[STALE_LINK_KEY] = TOKEN_PARAM
    actor: Actor | None = None
    username = signed_in or _signed_in_from_cookie()
    if username:
        with session_scope() as session:
            actor = accounts.actor_for_username(session, username)
        if actor is None:  # deactivated or deleted since: signed out, cookie deleted
            st.session_state.pop(SIGNED_IN_KEY, None)
            _drop_cookie(_cookie(COOKIE_NAME))
        else:
            # Only a hint: every service checks that the facilitator may see it.
            url_state.synced(WORKSHOP_KEY, WORKSHOP_PARAM, accept=str.isdigit,
                             convert=int)
    st.session_state[ACTOR_KEY] = actor
    return actor


def sign_in(username: str) -> None:
    """Sign ``username`` in for this session, and have the browser keep the re-login
    cookie (checked by the caller: ``accounts.sign_in``)."""
    username = username.strip().lower()
    st.session_state[SIGNED_IN_KEY] = username
    st.session_state.pop(DROPPED_COOKIE_KEY, None)
    cookie_orders.order("POST", accounts.session_token(
        username, _cookie_key(), get_settings().cookie_expiry_days))


def log_out() -> None:
    """Log the facilitator out (a button callback: runs before the next run's navigation);
    the re-login cookie is deleted."""
    st.session_state.pop(SIGNED_IN_KEY, None)
    url_state.drop(WORKSHOP_KEY, WORKSHOP_PARAM)
    st.session_state[DROPPED_COOKIE_KEY] = _cookie(COOKIE_NAME) or ""
    cookie_orders.order("DELETE")


def browser() -> str | None:
    """Return the digest of this browser's own cookie (``launch/web.py``), if it has one."""
    return web.browser_digest(_cookie(web.BROWSER_COOKIE))


def stale_link() -> str | None:
    """Return the kind of link this visit came with that no longer opens anything (``p``:
    a participant's, ``k``: a collective's), once."""
    return st.session_state.pop(STALE_LINK_KEY, None)


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


def in_projects_workshop(who: Actor | None) -> bool:
    """Whether ``who`` works in a "chacun son projet" workshop — a participant in theirs, a
    facilitator in the one they opened — whose menu is the porteurs' projects. Read from
    the workshop's live state (which phones share); a refusal is the room's funnel, where
    the page then says what is refused."""
    workshop_id = current_workshop_id()
    if who is None or workshop_id is None:
        return False
    try:
        with session_scope() as session:
            return phases.live_state(session=session, actor=who,
                                     workshop_id=workshop_id).projects
    except FabriqueError:
        return False
