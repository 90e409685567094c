"""Participants' screens woken by their server when the workshop moves, instead of every
phone asking every second.

300 phones polling every second cost one core of Streamlit runs by themselves (a bare
fragment costs 2.3 ms a run: bench/poll.py), before anyone writes a card. So a phone's live
fragment (``ui/live.follow``) registers here what it drew — its workshop, the moment (phase,
status, vote, lock, pause, the clock's end) and the board's revision — and one thread per
server process reads each watched workshop's state four times a second (one row, shared
with every screen through ``live_cache``) and reruns the fragment of each phone whose
screen no longer matches it:

- at once when the moment changed: a new phase (the phone follows within a fraction of a
  second), time added, a pause, the time running out; or when the database does not
  answer (the screen says so, and tries again by itself);
- when only the board changed, at most every ``content_period`` seconds: the phone's board
  shows the newest cards (its own it sees at once: its own page run draws them); the period
  grows with the phones a server wakes, so that they cost it about ``WAKES_PER_SECOND``
  runs a second together.

Phones still ask themselves, rarely (``participant_poll``): the fallback if a wake is lost.
Their timer counts down in the browser meanwhile (``ui/live.timer_html``).

Streamlit has no public call for a server-side rerun. This module is the only place that
uses its runtime for one: ``AppSession.request_rerun``, the call Streamlit makes itself
when a source file changes with ``runOnSave``, from the server's event loop, with the
data a browser's own fragment tick carries minus the widget values (``widget_states``
None: nothing a person typed or picked is replayed over a newer value — an empty set of
values would be merged over the person's pending ones and drop them). Checked in Chromium
against a real server by tests/browser/test_live.py; without a Streamlit runtime (AppTest),
``available()`` is false and phones poll at ``participant_interval`` as before.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from core.errors import DatabaseUnavailable
from core.services import phases
from core.services.phases import LiveState
from core.settings import get_settings
from core.storage.db import current_url, session_scope

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25  # how often the watcher reads each watched workshop
WAKES_PER_SECOND = 25  # board refreshes a server offers its phones together, per second
WAKE_AGAIN_AFTER = 5.0  # a wake not followed by a run within this is sent again
CLOCK_SLACK = 2.0  # seconds a phone's counting timer may drift before it is woken
LEFT_PAGE_SECONDS = 1.5  # a field's commit naming the page just left, within this: moved on


def moment(state: LiveState) -> tuple:
    """Return what, when it changes, a phone must see at once (not the clock's tick)."""
    return (state.status, state.index, state.scoring_state, state.results_revealed,
            state.phase.locked if state.phase is not None else None, state.paused,
            state.answers_revealed)


def _end(state: LiveState, now: float) -> float | None:
    """Return when (monotonic) the phase's time runs out, as a timer counting shows it."""
    if state.clock is None:
        return None
    if state.clock.paused:
        return float(state.clock.remaining)  # frozen: compared as it is
    return now + state.clock.remaining


@dataclass
class Watched:
    """One phone's live fragment, as it was last drawn."""

    session_id: str
    fragment_id: str
    page_script_hash: str
    query_string: str
    url: str
    workshop_id: int
    moment: tuple
    revision: int
    end: float | None
    paused: bool
    drawn_at: float
    woken_at: float = 0.0
    registered_at: float = field(default_factory=time.monotonic)


@dataclass
class _ServerRerun:
    """What ``AppSession.request_rerun`` reads of a browser's ``ClientState``: a fragment
    tick of this session, without widget values (None: keep the session's own)."""

    fragment_id: str
    page_script_hash: str
    query_string: str
    page_name: str = ""
    widget_states: Any = None
    is_auto_rerun: bool = True
    is_history_navigation: bool = False
    cached_message_hashes: tuple = field(default_factory=tuple)

    def HasField(self, name: str) -> bool:  # noqa: N802 - the protobuf method it stands for
        return False


class Waker:
    """The watched fragments of this process, and the thread that wakes them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[str, Watched] = {}
        self._thread: threading.Thread | None = None

    def register(self, entry: Watched) -> None:
        with self._lock:
            self._watched[entry.session_id] = entry
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="fabrique-waker",
                                                daemon=True)
                self._thread.start()

    def content_period(self, count: int) -> float:
        """Seconds between two refreshes of a phone's board while cards keep coming."""
        return max(get_settings().participant_interval, count / WAKES_PER_SECOND)

    def due(self, entry: Watched, state: LiveState, now: float, period: float) -> bool:
        """Whether this phone's screen must be redrawn now."""
        if entry.woken_at > entry.drawn_at and now - entry.woken_at < WAKE_AGAIN_AFTER:
            return False  # asked already; its run is on its way
        if moment(state) != entry.moment:
            return True
        end = _end(state, now)
        if (end is None) != (entry.end is None):
            return True
        if end is not None and entry.end is not None:
            if abs(end - entry.end) > CLOCK_SLACK:
                return True  # time added, phase restarted
            if not entry.paused and entry.end > entry.drawn_at and now >= entry.end:
                return True  # the time ran out: the timer turns red and counts up
        return state.revision != entry.revision and now - entry.drawn_at >= period

    def _run(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            try:
                self.tick()
            except Exception:  # the watcher must outlive any one failure
                log.exception("waking the participants' screens failed")

    def tick(self) -> None:
        """Read each watched workshop once and wake the screens it no longer matches."""
        poll_every = get_settings().participant_poll
        now = time.monotonic()
        with self._lock:
            for key in [k for k, e in self._watched.items()
                        if now - max(e.drawn_at, e.registered_at) > 3 * poll_every]:
                del self._watched[key]  # gone: its page has no live fragment any more
            entries = list(self._watched.values())
        period = self.content_period(len(entries))
        by_workshop: dict[tuple[str, int], list[Watched]] = {}
        for entry in entries:
            by_workshop.setdefault((entry.url, entry.workshop_id), []).append(entry)
        for (url, workshop_id), group in by_workshop.items():
            try:
                with session_scope(url=url) as session:
                    state = phases.watched_state(session=session, workshop_id=workshop_id)
            except DatabaseUnavailable:
                # Every screen of the workshop says so (and tries again by itself) at once,
                # not at its next poll.
                now = time.monotonic()
                for entry in group:
                    if not (entry.woken_at > entry.drawn_at
                            and now - entry.woken_at < WAKE_AGAIN_AFTER):
                        entry.woken_at = now
                        _wake(entry)
                continue
            except Exception as error:  # the screens' own polls show what is wrong
                log.info("the watcher could not read workshop %s: %s", workshop_id, error)
                continue
            now = time.monotonic()
            for entry in group:
                if self.due(entry, state, now, period):
                    entry.woken_at = now
                    _wake(entry)


_waker = Waker()


def waker() -> Waker:
    return _waker


def _runtime() -> Any:
    from streamlit import runtime

    return runtime.get_instance() if runtime.exists() else None


def available() -> bool:
    """Whether this run's server can wake its screens (a real Streamlit server, not AppTest)."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    rt = _runtime()
    # AppTest installs a MagicMock(spec=Runtime) for its runs, whose get_app_session answers
    # a mock, never None: only a real AppSession is a server that holds this browser (else
    # AppTest would start the presence thread, writing behind the tests' backs).
    return (ctx is not None and rt is not None
            and isinstance(rt.get_app_session(ctx.session_id), AppSession))


def register(workshop_id: int, state: LiveState) -> None:
    """Register the live fragment running now as following ``workshop_id``, drawn from
    ``state``. Call it from inside the fragment, once it has drawn."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        ThreadState,
        get_script_run_ctx,
    )

    ctx = get_script_run_ctx()
    fragment_id = ThreadState.get().fragment_id
    if ctx is None or fragment_id is None:
        return
    now = time.monotonic()
    _waker.register(Watched(
        session_id=ctx.session_id, fragment_id=fragment_id,
        page_script_hash=ctx.page_script_hash, query_string=ctx.query_string,
        url=current_url(), workshop_id=workshop_id, moment=moment(state),
        revision=state.revision, end=_end(state, now),
        paused=bool(state.clock is not None and state.clock.paused), drawn_at=now))


def forget_session() -> None:
    """Stop waking this session's fragment: called at each full run of a page, whose live
    fragment registers again if it is to be woken. A page that is not (a canvas: it polls)
    must not be woken with the fragment of the page before it: Streamlit would run that
    fragment with the page before's address, and the browser, told of another page, clears
    its screen and cannot place the fragment's elements (a blank page)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with _waker._lock:
        _waker._watched.pop(ctx.session_id, None)


def refresh_soon() -> None:
    """Redraw this session's live fragment at the watcher's next tick (its person just
    changed the board: a card they added shows on their board at once, however many
    others are writing)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with _waker._lock:
        entry = _waker._watched.get(ctx.session_id)
        if entry is not None:
            entry.revision = -1  # not what the board is at: due at the next tick
            entry.drawn_at = entry.woken_at = float("-inf")


def keep_late_actions() -> None:
    """Run the page for a person's action in a fragment the server no longer holds, instead
    of dropping it (once per process; idempotent).

    Streamlit ignores a rerun of a fragment its session no longer holds (a full run since,
    such as the phase change taking a phone to the vote, dropped it): a card pressed in the
    card form (a fragment) just as the server moved the phone on would be dropped without a
    word. So a person's action (not a timer's tick) for a fragment that is gone runs the
    page the browser shows, with the values it sent: the form is drawn once more, the card
    is stored or refused out loud with its text kept (``ui/board.CardBoard.capture_form``).
    """
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession

    if getattr(AppSession.request_rerun, "_fabrique_keeps_late_actions", False):
        return
    original = AppSession.request_rerun

    def request_rerun(self: AppSession, client_state: Any) -> None:
        if (isinstance(client_state, ClientState) and client_state.fragment_id
                and not client_state.is_auto_rerun
                and not self.has_fragment(client_state.fragment_id)):
            late = ClientState()
            late.CopyFrom(client_state)
            late.fragment_id = ""
            client_state = late
        if isinstance(client_state, ClientState) and not client_state.fragment_id:
            client_state = _to_the_page_moved_to(self, client_state)
        original(self, client_state)

    request_rerun._fabrique_keeps_late_actions = True  # type: ignore[attr-defined]
    AppSession.request_rerun = request_rerun  # type: ignore[method-assign]


def _to_the_page_moved_to(session: Any, client_state: Any) -> Any:
    """A browser's whole-page request naming the page it just left goes to the page it
    moved to (within ``LEFT_PAGE_SECONDS``).

    Leaving a page with text typed in a field (a menu link, "L'atelier avance"), the
    browser asks for the new page, then commits the field as it loses the focus: a
    request naming the page being left, which would run it again and undo the click. Such
    a commit goes to the new page, with its values (the drafts script keeps the text)."""
    from streamlit.proto.ClientState_pb2 import ClientState

    now = time.monotonic()
    moved = getattr(session, "_fabrique_moved", None)
    if (moved is not None and now - moved[1] < LEFT_PAGE_SECONDS
            and client_state.page_script_hash == moved[2]
            and client_state.widget_states.SerializeToString()
            != moved[0].widget_states.SerializeToString()):
        # A widget's commit (its values differ from the move's) naming the page the
        # browser just left. (A link back to it carries the same values: a move of its
        # own; a page the server opened since is not the one left.)
        sent_on = ClientState()
        sent_on.CopyFrom(client_state)
        sent_on.page_script_hash = moved[0].page_script_hash
        sent_on.page_name = moved[0].page_name
        sent_on.query_string = moved[0].query_string
        client_state = sent_on
    last = getattr(session, "_fabrique_last_page", None)
    if last is not None and client_state.page_script_hash != last:
        session._fabrique_moved = (client_state, now, last)
    session._fabrique_last_page = client_state.page_script_hash
    return client_state


def keep_peoples_destinations() -> None:
    """Never let a rerun the server or a script asks for take a person's pending request
    to another page (once per process; idempotent).

    Streamlit folds a rerun request that arrives while another waits into one, and the
    newer request names the page. A person's click on another page (their browser's
    request, carrying their widget values) followed a moment later by a rerun asked by the
    server (a phone woken, ``st.rerun`` in a live fragment that saw a change, a
    ``st.switch_page``) would run the page the person was leaving, silently undoing their
    click. A request without widget values is the server's own; folded over a browser's, it
    keeps the browser's page, query and context. A live tick keeps the pending request's
    page whatever it is: a tick of the page being left, folded over the move to the next
    step, would otherwise run the old page again (the move undone) or, after a person's
    press, run their press on the page they left.
    """
    from dataclasses import replace

    from streamlit.runtime.scriptrunner_utils.script_requests import (
        ScriptRequests,
        ScriptRequestType,
    )

    if getattr(ScriptRequests._request_rerun_locked, "_fabrique_keeps_destinations", False):
        return
    original = ScriptRequests._request_rerun_locked

    def request_rerun_locked(self: ScriptRequests, new_data: Any) -> bool:
        pending = self._rerun_data if self._state == ScriptRequestType.RERUN else None
        # A live tick (a fragment's timer in the browser) names the page it was set up on:
        # folded over a pending move (a ``st.switch_page`` to the next step, a person's
        # click), it would take the run back to the page being left.
        # Two ticks fold as Streamlit has it (the newer one's page; ui/left_pages.py skips
        # the run if that page was left: the page shown ticks again).
        tick = new_data.is_auto_rerun and bool(new_data.fragment_id
                                               or new_data.fragment_id_queue)
        pending_tick = pending is not None and pending.is_auto_rerun and bool(
            pending.fragment_id_queue)
        if pending is not None and ((tick and not pending_tick)
                                    or (new_data.widget_states is None
                                        and pending.widget_states is not None)):
            new_data = replace(new_data, page_script_hash=pending.page_script_hash,
                               page_name=pending.page_name,
                               query_string=pending.query_string,
                               context_info=pending.context_info)
        return original(self, new_data)

    request_rerun_locked._fabrique_keeps_destinations = True  # type: ignore[attr-defined]
    ScriptRequests._request_rerun_locked = request_rerun_locked  # type: ignore[method-assign]


def _wake(entry: Watched) -> None:
    """Ask Streamlit, on its event loop, to rerun this phone's live fragment."""
    rt = _runtime()
    session = rt.get_app_session(entry.session_id) if rt is not None else None
    if session is None:  # the phone left
        with _waker._lock:
            if _waker._watched.get(entry.session_id) is entry:
                del _waker._watched[entry.session_id]
        return
    rerun = _ServerRerun(entry.fragment_id, entry.page_script_hash, entry.query_string)
    rt._get_async_objs().eventloop.call_soon_threadsafe(session.request_rerun, rerun)
