"""Session bootstrap: who is here (facilitator, participant or visitor), and calling services.

The actor is resolved once per run from the database (a deactivated account or a removed
participant stops being recognised at their next click) and kept in ``st.session_state``
for the pages of that run.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit_authenticator.utilities.exceptions import LoginError

from core.actors import Actor, ParticipantActor, UserActor
from core.db import session_scope
from core.errors import FabriqueError
from core.joining import app_url, join_url, lan_address
from core.services import accounts, canvases, participants
from core.settings import get_settings
from core.templates import Templates, load_templates
from launch.startup import Ready, bootstrap
from ui import render
from ui.i18n import _

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
DEFERRED_ERROR_KEY = "_deferred_error"
PENDING_CLEARS_KEY = "_pending_clears"
APP_RAN_KEY = "_app_ran"
LEGACY_RERUN_KEY = "_legacy_rerun"

T = TypeVar("T")


# Every browser tab runs its script in a thread of this one process. Database drivers give
# the interpreter lock back during each call and must win it again after: with dozens of
# busy threads and the default 5 ms switch interval, that wait dominates (measured with
# bench/load.py). A shorter interval hands the lock over sooner.
GIL_SWITCH_INTERVAL = 0.0005


# Python's full garbage collections stop every thread — the one sending messages to the
# screens too — for 100-280 ms once dozens of sessions are open, every few seconds under
# load (measured with bench/load.py). What was loaded at start is set aside for good
# (gc.freeze) and collections run less often; short-lived objects still go at once.
GC_THRESHOLDS = (20_000, 20, 20)


@st.cache_resource(show_spinner=False)
def _bootstrap_once(url: str, templates_dir: str, load_demo: bool) -> Ready:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    ready = bootstrap(get_settings())
    if gc.get_threshold() != GC_THRESHOLDS:  # once per process
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
    return ready


def ensure_ready() -> Ready:
    """Migrate, load templates and the demo, once per server process and database."""
    settings = get_settings()
    return _bootstrap_once(settings.resolved_database_url, str(settings.templates_dir),
                           settings.load_demo)


def templates() -> Templates:
    """Return the templates from ``data/`` (reread when a file changes)."""
    return load_templates(get_settings().templates_dir)


def show_error(error: FabriqueError) -> None:
    """Show a core refusal in the session's language (its values escaped: they may be typed)."""
    params = {name: render.md(value) for name, value in error.params.items()}
    st.error(_(error.msgid, **params), icon="⚠️")


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


def _sync_participant_token() -> str | None:
    """Keep the participant's token in the URL so a reload brings them back.

    Navigation links drop the query string, so it is set again on every run.
    """
    token = st.session_state.get(PARTICIPANT_KEY)
    from_url = st.query_params.get(TOKEN_PARAM)
    if not token and from_url:
        token = st.session_state[PARTICIPANT_KEY] = from_url
    if token and from_url != token:
        st.query_params[TOKEN_PARAM] = token
    return token


def _sync_collective_code() -> str | None:
    """Keep the collective's link code in the URL (as the participant's token)."""
    code = st.session_state.get(COLLECTIVE_KEY)
    from_url = st.query_params.get(COLLECTIVE_PARAM)
    if not code and from_url:
        code = st.session_state[COLLECTIVE_KEY] = from_url
    if code and from_url != code:
        st.query_params[COLLECTIVE_PARAM] = code
    return code


def _collective_member(code: str) -> Actor | None:
    """Return the collective member coming through the link ``code``, or forget it."""
    with session_scope() as session:
        member = canvases.actor_for_code(session, code,
                                         st.session_state.get(MEMBER_NAME_KEY, ""))
    if member is None:
        forget_collective()
    return member


def forget_collective() -> None:
    """Leave the collective's canvases in this browser."""
    st.session_state.pop(COLLECTIVE_KEY, None)
    if COLLECTIVE_PARAM in st.query_params:
        del st.query_params[COLLECTIVE_PARAM]


def identify() -> Actor | None:
    """Work out who is acting in this run and remember it for the pages."""
    code = _sync_collective_code()
    if code and not st.session_state.get("authentication_status"):
        member = _collective_member(code)
        if member is not None:
            st.session_state[AUTHENTICATOR_KEY] = None
            st.session_state[ACTOR_KEY] = member
            return member
    token = _sync_participant_token()
    if token and not st.session_state.get("authentication_status"):
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
                _sync_workshop_param()
    st.session_state[ACTOR_KEY] = actor
    return actor


def log_out() -> None:
    """Log the facilitator out (a button callback: runs before the next run's navigation)."""
    auth = st.session_state.get(AUTHENTICATOR_KEY)
    if auth is not None:
        auth.authentication_controller.logout()
    st.session_state.pop(WORKSHOP_KEY, None)
    if WORKSHOP_PARAM in st.query_params:
        del st.query_params[WORKSHOP_PARAM]
    # The cookie is deleted during the next run, where its component can render.
    st.session_state[LOGGED_OUT_KEY] = True


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


def user_actor() -> UserActor | None:
    """Return the facilitator or admin acting in this run, if any."""
    current = actor()
    return current if isinstance(current, UserActor) else None


def mark_app_run() -> None:
    """Record that app.py runs this run (``page_setup`` looks for it)."""
    st.session_state[APP_RAN_KEY] = True
    st.session_state.pop(LEGACY_RERUN_KEY, None)


def page_setup() -> None:
    """Start every page with this: leave Streamlit's pages/ fallback if it ran us alone.

    On a fresh server process, until some run calls st.navigation, Streamlit serves a URL
    such as /explore by running pages/explore.py without app.py (its legacy multipage
    mode, which also lists every file of pages/). It happens to every open tab after a
    restart. A page that finds no mark of app.py in this run switches the process to
    st.navigation mode and reruns once, through app.py and its login. The check is per run:
    another tab may already have switched the process while this run started in the old
    mode. (Streamlit 1.67 internals, pinned.)
    """
    if st.session_state.pop(APP_RAN_KEY, False):
        return
    PagesManager.uses_pages_directory = False
    if not st.session_state.get(LEGACY_RERUN_KEY):
        st.session_state[LEGACY_RERUN_KEY] = True
        st.rerun()


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
    st.session_state[PARTICIPANT_KEY] = token
    st.query_params[TOKEN_PARAM] = token


def forget_participant() -> None:
    """Leave the workshop in this browser (the participant stays in the workshop)."""
    st.session_state.pop(PARTICIPANT_KEY, None)
    st.session_state.pop(WORKSHOP_KEY, None)
    if TOKEN_PARAM in st.query_params:
        del st.query_params[TOKEN_PARAM]


def current_workshop_id() -> int | None:
    """Return the workshop this session is working on."""
    current = actor()
    if isinstance(current, ParticipantActor):
        return current.workshop_id
    return st.session_state.get(WORKSHOP_KEY)


def _sync_workshop_param() -> None:
    """Keep the facilitator's open workshop in the URL, so a reload reopens it.

    Only a hint: every service checks that the facilitator may see that workshop.
    """
    workshop_id = st.session_state.get(WORKSHOP_KEY)
    from_url = st.query_params.get(WORKSHOP_PARAM)
    if workshop_id is None and from_url and from_url.isdigit():
        st.session_state[WORKSHOP_KEY] = workshop_id = int(from_url)
    if workshop_id is not None and from_url != str(workshop_id):
        st.query_params[WORKSHOP_PARAM] = str(workshop_id)


def open_workshop(workshop_id: int) -> None:
    """Make ``workshop_id`` the facilitator's current workshop."""
    st.session_state[WORKSHOP_KEY] = workshop_id
    st.query_params[WORKSHOP_PARAM] = str(workshop_id)


def call(service: Callable[..., T], /, *, defer_error: str | None = None,
         **kwargs: Any) -> T | None:
    """Run a writing service as this run's actor; on refusal show why and return None.

    With ``defer_error`` (a slot name) the message is kept for the next run, where
    ``show_deferred_error(slot)`` shows it: for button callbacks and for pages that rerun
    right after a refusal.
    """
    try:
        with session_scope(write=True) as session:
            return service(session=session, actor=require_actor(), **kwargs)
    except FabriqueError as error:
        if defer_error:
            st.session_state[DEFERRED_ERROR_KEY + defer_error] = error
        else:
            show_error(error)
        return None


def show_deferred_error(slot: str) -> None:
    """Show the refusal a previous run or callback kept in ``slot``."""
    error = st.session_state.pop(DEFERRED_ERROR_KEY + slot, None)
    if error is not None:
        show_error(error)


def read(service: Callable[..., T], /, **kwargs: Any) -> T:
    """Run a reading service as this run's actor; on refusal show why and stop the page."""
    try:
        with session_scope() as session:
            return service(session=session, actor=require_actor(), **kwargs)
    except FabriqueError as error:
        show_error(error)
        st.stop()
        raise  # pragma: no cover - st.stop raises


def clear_after_success(*keys: str) -> None:
    """Empty these text fields at the next run (a refused form keeps what was typed)."""
    st.session_state.setdefault(PENDING_CLEARS_KEY, set()).update(keys)


def apply_pending_clears() -> None:
    """Empty the fields a success asked to clear, before any widget is drawn."""
    for key in st.session_state.pop(PENDING_CLEARS_KEY, set()):
        st.session_state[key] = ""


def join_link(code: str) -> str:
    """Return the address participants use to join (local network address on a laptop)."""
    settings = get_settings()
    return join_url(page_url=st.context.url, code=code, public_url=settings.public_url,
                    lan=lan_address(), port=settings.app_port)


def projector_link(workshop_id: int) -> str:
    """Return the projector's address: on its own app server when there is one (same host
    as this page, so the facilitator's sign-in cookie goes along), else on this one."""
    path = f"/projector?w={workshop_id}"
    port = get_settings().wall_port
    here = urlsplit(st.context.url or "")
    if not port or not here.hostname:
        return path
    host = f"[{here.hostname}]" if ":" in here.hostname else here.hostname
    return urlunsplit((here.scheme or "http", f"{host}:{port}", "/projector",
                       f"w={workshop_id}", ""))


def collective_link(code: str) -> str:
    """Return the address that opens the collective's canvases (``/canvas?k=CODE``)."""
    return app_url(page_url=st.context.url, path="/canvas", query={COLLECTIVE_PARAM: code},
                   public_url=get_settings().public_url, lan=lan_address(),
                   port=get_settings().app_port)


def current_url_key() -> str:
    """Return the database this server uses (part of cross-session cache keys)."""
    return get_settings().resolved_database_url


def rerun_here() -> None:
    """Rerun the fragment this code runs in (or the page, when it runs in a full run)."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        st.rerun(scope="fragment")
    st.rerun()
