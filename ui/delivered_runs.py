"""A fragment's run waits until what the run before it drew is on its way to the browser.

Streamlit runs a session's script in a ``ScriptRunner`` thread and hands what a run draws to
the server's event loop, which sends it. A request to rerun a fragment (a live part's tick,
a click in a fragment, a phone woken by ``ui/push.py``) that the loop handles after the run
before it has ended, but before the loop has handled that run's last messages (a busy
server: the loop runs seconds behind the script threads), makes Streamlit start a new
``ScriptRunner`` at once; the loop then drops the ended runner's remaining messages as
coming from a runner no longer current (``AppSession._handle_scriptrunner_event_on_event_loop``;
Streamlit's ``request_rerun`` names the hazard, its issue 9921, and guards it only for a
fragment no longer held). The fragment's run redraws the fragment alone: the page stays
cut where the loop was, for good (docs/developer.md tells how it was found).

``install()`` holds such a request until the ended runner's last event (``SHUTDOWN``) has
been handled — by then every message of its runs is queued for the browser, in order — and
then lets Streamlit take it up. A request for the whole page is not held: it redraws the
page, and Streamlit stops the runner before it on purpose. Installed once per process, by
``asgi.py`` (AppTest has no event loop of Streamlit's: nothing to hold there).
"""

from __future__ import annotations

import logging
from typing import Any

_MARK = "_fabrique_delivered_runs"
RETRY_SECONDS = 0.01     # how soon a held request looks again
GIVE_UP_SECONDS = 10.0   # past this, Streamlit's own way (a runner that never ends)
_LOGGER = logging.getLogger(__name__)


def install() -> None:
    """Hold a fragment's request while the ended run's messages are on their way
    (idempotent)."""
    from streamlit.runtime.app_session import AppSession, AppSessionState

    create = AppSession._create_scriptrunner
    if getattr(create, _MARK, False):
        return

    def create_once_delivered(self: Any, initial_rerun_data: Any) -> None:
        ended = self._scriptrunner
        if ended is None or not _for_a_fragment(initial_rerun_data):
            create(self, initial_rerun_data)
            return
        _hold(self, initial_rerun_data, ended, GIVE_UP_SECONDS / RETRY_SECONDS)

    def _hold(session: Any, rerun_data: Any, ended: Any, tries: float) -> None:
        session._event_loop.call_later(RETRY_SECONDS, _again, session, rerun_data, ended,
                                       tries - 1)

    def _again(session: Any, rerun_data: Any, ended: Any, tries: float) -> None:
        if session._state == AppSessionState.SHUTDOWN_REQUESTED:
            return  # the browser left
        current = session._scriptrunner
        if current is None or tries <= 0:
            if tries <= 0:
                _LOGGER.warning("A run's messages still not handled after %s s",
                                GIVE_UP_SECONDS)
            create(session, rerun_data)
        elif current is ended:
            _hold(session, rerun_data, ended, tries)
        elif not current.request_rerun(rerun_data):
            # A runner started meanwhile (a whole run) has ended too: wait for it.
            _hold(session, rerun_data, current, tries)

    setattr(create_once_delivered, _MARK, True)
    create_once_delivered.__wrapped__ = create  # type: ignore[attr-defined]
    AppSession._create_scriptrunner = create_once_delivered  # type: ignore[method-assign]


def _for_a_fragment(rerun_data: Any) -> bool:
    return bool(rerun_data.fragment_id or rerun_data.fragment_id_queue)
