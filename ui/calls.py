"""Calling core services as this run's actor: a refusal becomes a message in the person's
language, shown now or kept for the next run; a success may empty the fields it used."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from core.domain import inputs
from core.errors import DatabaseUnavailable, FabriqueError
from core.services import access
from core.storage.db import session_scope
from ui import render
from ui.i18n import _
from ui.identity import require_actor

RETRY_SECONDS = 2  # how often a page without its database asks again
DEFERRED_ERROR_KEY = "_deferred_error"
PENDING_CLEARS_KEY = "_pending_clears"

T = TypeVar("T")


def show_error(error: FabriqueError) -> None:
    """Show a core refusal in the session's language (its values escaped: they may be typed)."""
    params = {name: render.md(value) for name, value in error.params.items()}
    st.error(_(error.msgid, **params), icon=":material/warning:")


def call(service: Callable[..., T], /, *, defer_error: str | None = None,
         **kwargs: Any) -> T | None:
    """Run a writing service as this run's actor; on refusal show why and return None.

    With ``defer_error`` (a slot name) the message is kept for the next run, where
    ``show_deferred_error(slot)`` shows it: for button callbacks and for pages that rerun
    right after a refusal.
    """
    try:
        kwargs = _built(kwargs)
        with session_scope(write=True) as session:
            return service(session=session, actor=require_actor(), **kwargs)
    except FabriqueError as error:
        if defer_error:
            st.session_state[DEFERRED_ERROR_KEY + defer_error] = error
        else:
            show_error(error)
        return None
    finally:
        remembered = _run_reads()
        if remembered:  # what this run read before writing is read again after
            remembered.clear()


def _built(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Validate the forms among ``kwargs`` (``inputs.typed``), inside the caller's refusal
    handling: a text too long is a message, not a traceback."""
    def built(value: Any) -> Any:
        if isinstance(value, inputs.Typed):
            return value.build()
        if isinstance(value, list):  # several forms at once (levers chosen together)
            return [built(item) for item in value]
        return value

    return {name: built(value) for name, value in kwargs.items()}


def show_deferred_error(slot: str) -> None:
    """Show the refusal a previous run or callback kept in ``slot``."""
    error = st.session_state.pop(DEFERRED_ERROR_KEY + slot, None)
    if error is not None:
        show_error(error)


def _run_reads() -> dict[Any, Any] | None:
    """Return what this page run's reads remember (``access.remembering_reads``): kept on
    the run's own context, which Streamlit builds afresh for each run (fragments' too)."""
    ctx = get_script_run_ctx()
    run = ctx.parallel_coordinator if ctx is not None else None
    if run is None:
        return None
    store = getattr(run, "_fabrique_reads", None)
    if store is None:
        store = {}
        run._fabrique_reads = store  # type: ignore[attr-defined]
    return store


def read(service: Callable[..., T], /, **kwargs: Any) -> T:
    """Run a reading service as this run's actor; on refusal show why and stop the page.
    A participant's right to see the workshop is checked at the run's first read only."""
    try:
        kwargs = _built(kwargs)
        with session_scope() as session, access.remembering_reads(_run_reads()):
            return service(session=session, actor=require_actor(), **kwargs)
    except DatabaseUnavailable:
        reconnecting()
    except FabriqueError as error:
        show_error(error)
        st.stop()
        raise  # pragma: no cover - st.stop raises


def reconnecting() -> NoReturn:
    """Show a short "reconnecting" state instead of the page (or of its live part), and
    try again every few seconds until the database answers."""
    st.warning(_("The database does not answer: reconnecting… Nothing you typed is lost."),
               icon=":material/sync_problem:")
    time.sleep(RETRY_SECONDS)
    rerun_here()
    raise AssertionError  # pragma: no cover - st.rerun raises


def clear_after_success(*keys: str) -> None:
    """Empty these text fields at the next run (a refused form keeps what was typed)."""
    st.session_state.setdefault(PENDING_CLEARS_KEY, set()).update(keys)


def apply_pending_clears() -> None:
    """Empty the fields a success asked to clear, before any widget is drawn."""
    for key in st.session_state.pop(PENDING_CLEARS_KEY, set()):
        st.session_state[key] = ""


def in_fragment_run() -> bool:
    """Whether this run is a fragment's alone (not a whole run of the page)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def rerun_here() -> None:
    """Rerun the fragment this code runs in (or the page, when it runs in a full run)."""
    if in_fragment_run():
        st.rerun(scope="fragment")
    st.rerun()
