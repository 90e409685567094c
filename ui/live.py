"""Live workshop screens: a small fragment polls the workshop's revision and clock.

Each tick it redraws only the phase bar (title and timer, the same on every screen since it
is computed from stored times). When the revision moved — someone added, moved, scored,
edited — it reruns the page, which redraws the board from the database. Reading a revision
is one row, so this works the same with several app servers sharing one database.
Participants also follow the facilitator: a new phase takes them to its page. Their
fragment does not poll every second: their server wakes it when the workshop moves
(``ui/push.py``), and their timer counts in the browser.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape

import streamlit as st

from core.domain import policy
from core.services import participants, phases
from core.services.phases import LiveState
from core.settings import get_settings
from ui import calls, identity, presence, push, render, screens
from ui.i18n import _, ngettext

TOUCH_EVERY_SECONDS = 30
FOLLOWED_KEY = "_followed_phase"
HOLD_KEY = "_hold_page"

PHASE_CSS = """
<style>
.fab-phase{display:flex;align-items:center;gap:1rem;flex-wrap:wrap;padding:.5rem .9rem;
  border-radius:10px;background:#fff4e6;border:1px solid #ffd8a8;}
.fab-phase-title{font-weight:700;font-size:1.1rem;overflow-wrap:anywhere;}
.fab-phase-step{color:#5c636a;}
.fab-timer{margin-left:auto;font-variant-numeric:tabular-nums;font-weight:700;
  font-size:1.4rem;}
.fab-timer.over{color:#c92a2a;}
.fab-timer.paused{color:#5c636a;}
/* A phone's timer counts in the browser between two wakes of its screen (ui/push.py): an
   integer property animated in whole-second steps, shown as two counters. ("\\3C" is "<":
   st.html's sanitiser drops a style element whose text holds "<" and a letter.) */
@property --fab-left{syntax:'\\3C integer>';inherits:false;initial-value:0}
@property --fab-m{syntax:'\\3C integer>';inherits:false;initial-value:0}
@property --fab-s{syntax:'\\3C integer>';inherits:false;initial-value:0}
.fab-clock{--fab-m:max(0,calc((var(--fab-left) - 30) / 60));
  --fab-s:calc(var(--fab-left) - var(--fab-m) * 60);
  counter-reset:fab-m var(--fab-m) fab-s var(--fab-s);
  animation:fab-down calc(var(--fab-from) * 1s) steps(var(--fab-from), end) forwards;}
.fab-clock.up{animation:fab-up 6000s steps(6000, end) forwards;}
.fab-clock::after{content:counter(fab-m, decimal-leading-zero) ":"
  counter(fab-s, decimal-leading-zero);}
.fab-clock.up::before{content:"+";}
@keyframes fab-down{from{--fab-left:var(--fab-from)}to{--fab-left:0}}
@keyframes fab-up{from{--fab-left:var(--fab-from)}to{--fab-left:calc(var(--fab-from) + 6000)}}
/* On a phone, a page whose form comes first (Explorer, Idées…) keeps its phase and timer
   pinned at the top, in the space above the title, one line: never below the form. */
@media (max-width: 640px){
  .fab-phase-pin{position:fixed;top:3.5rem;left:.6rem;right:.6rem;z-index:100;}
  .fab-phase-pin .fab-phase{flex-wrap:nowrap;gap:.6rem;padding:.35rem .7rem;
    box-shadow:0 2px 6px rgba(0,0,0,.12);}
  .fab-phase-pin .fab-phase-title{font-size:1rem;white-space:nowrap;overflow:hidden;
    text-overflow:ellipsis;min-width:0;}
  .fab-phase-pin .fab-phase-step{white-space:nowrap;}
  .fab-phase-pin .fab-timer{font-size:1.2rem;white-space:nowrap;}
}
/* The link to the current step, on a page people stay on (a canvas): at the bottom of
   the screen, wherever they have scrolled. */
.st-key-fab-moved-on{position:fixed;bottom:1rem;left:50%;transform:translateX(-50%);
  z-index:1000;width:auto;max-width:calc(100vw - 1.2rem);background:#fff4ec;
  border:2px solid #b03a0a;border-radius:.6rem;box-shadow:0 4px 14px rgba(0,0,0,.18);
  padding:.2rem .8rem;}
.st-key-fab-moved-on a{font-size:1.1rem;font-weight:600;}
</style>
"""


def screen_for(state: LiveState) -> screens.Screen:
    """Return the screen a participant should be on during the current phase."""
    return screens.PHASE_SCREENS.get(state.current, screens.WORKSHOP)


def timer_html(state: LiveState, *, big: bool = False, counting: bool = False) -> str:
    """Return the timer of the current phase (red once over time). ``counting``: it counts
    the seconds in the browser (a phone, whose screen is redrawn only when the workshop
    moves); otherwise it shows the time of this run (screens redrawn twice a second)."""
    if state.clock is None:
        return ""
    css = "fab-timer" + (" over" if state.clock.overrun else "") + (
        " paused" if state.clock.paused else "")
    label = escape(state.clock.label()) + (" " + render.icon("pause") if state.clock.paused
                                           else "")
    if counting and not state.clock.paused:
        # The label is still there for tests and as the start; the counter draws it.
        seconds = abs(state.clock.remaining)
        direction = " up" if state.clock.overrun else ""
        if seconds or direction:
            label = (f"<span class='fab-clock{direction}' data-label='{label}' "
                     f"style='--fab-from:{seconds}'></span>")
    title = _("Over time") if state.clock.overrun else _("Time left")
    style = " style='font-size:3.2rem'" if big else ""
    return (f"<span class='{css}' title='{escape(title)}'{style}>{render.icon('timer')} "
            f"{label}</span>")


def phase_bar_html(state: LiveState, *, counting: bool = False) -> str:
    """Return the bar that tells everyone where the workshop is (``counting``: its timer
    counts in the browser)."""
    if state.draft:
        text = _("The workshop has not started yet.")
        return f"<div class='fab-phase'><span class='fab-phase-title'>{escape(text)}</span></div>"
    if not state.running or state.phase is None:
        text = _("The workshop is over.")
        return f"<div class='fab-phase'><span class='fab-phase-title'>{escape(text)}</span></div>"
    step = _("Phase {n} of {total}", n=(state.index or 0) + 1, total=state.phases)
    return (f"<div class='fab-phase'><span class='fab-phase-step'>{escape(step)}</span>"
            f"<span class='fab-phase-title'>{escape(state.phase.title)}</span>"
            f"{timer_html(state, counting=counting)}</div>")


SHOWN_KEY = "_shown_phase"  # the phase a whole run of the page drew, noted at its end


def _touch_participant(index: int | None) -> None:
    """Record that a participant is here and the phase their screen shows (``index``): at
    most every half minute, and at once when the phase shown changed (the facilitator
    counts the phones behind). Gathered by their server and written with the room's others
    (``ui/presence``), or at once without a server to write them (AppTest)."""
    now = time.monotonic()
    last, shown = st.session_state.get("_last_touch", (0.0, None))
    if now - last >= TOUCH_EVERY_SECONDS or shown != index:
        st.session_state["_last_touch"] = (now, index)
        participant = identity.participant_number(identity.actor())
        if push.available() and participant is not None:
            presence.seen(participant, index)
        else:
            calls.call(participants.touch, on_phase=index)


def _shown(state: LiveState) -> None:
    """Note the phase this participant's screen shows, once it is drawn: a live tick's
    at its end; a whole run's when the run ends (``touch_after_run``, from app.py) — a
    room's runs started together end together, and a phone is not on the new phase
    before its page is."""
    if calls.in_fragment_run():
        _touch_participant(state.index)
    else:
        st.session_state[SHOWN_KEY] = state.index


def touch_after_run() -> None:
    """At the end of a whole run of the page: note the phase it drew (``_shown``)."""
    if SHOWN_KEY in st.session_state and policy.is_participant(identity.actor()):
        _touch_participant(st.session_state.pop(SHOWN_KEY))


def structure(state: LiveState) -> tuple:
    """Return what, when it changes, changes the page itself (not only its live content)."""
    return (state.status, state.index, state.scoring_state, state.results_revealed,
            state.phase.locked if state.phase is not None else None, state.answers_revealed)


MOVED_ON_KEY = "fab-moved-on"  # the link to the current step, on a page people stay on


def follow(workshop_id: int, drawn: LiveState, *,
           bar: Callable[[LiveState], str] | None = None,
           content: Callable[[LiveState], str] | None = None,
           stay: screens.Screen | None = None, watch: Callable[[], None] | None = None,
           interval: float | None = None, on_top: bool = True,
           each_tick: Callable[[LiveState], None] | None = None) -> None:
    """Keep this page live, from where it is called: a fragment polls the workshop.

    Each tick redraws the phase bar (``bar`` draws a custom one) and the live ``content``
    (HTML, rebuilt from a cache unless the revision moved; sent as a reference while it does
    not change). Only a change of phase, status, vote or lock reruns the whole page — a
    new card does not: with sixty screens, a full rerun of every page for every card would
    not keep up. Participants follow the facilitator: a new phase takes them to its page
    — unless ``stay`` names this page (one where people write long texts: leaving it
    would drop what is being typed), where a link to the phase's page is offered instead.
    Phones are woken by their server when the workshop moves and otherwise poll rarely
    (``ui/push.py``, ``participant_poll``); the facilitator's screens poll every
    ``live_interval``, the wall at its own ``interval``. ``watch`` runs at each
    tick too (a page's own check, read at each tick: phones then poll at their interval);
    ``each_tick(state)`` runs at each tick of the phone's own pace, woken or polling (a
    page's part drawn from the board, to redraw when the revision moves). With ``content``
    (drawn after the page's form), the phase bar is pinned at the top of a phone's screen
    (``on_top``; the wall has its own).
    """
    st.html(PHASE_CSS)
    settings = get_settings()
    # A phone is woken by its server when the workshop moves (ui/push.py) and asks itself
    # only rarely — unless the page watches something else at each tick (``watch``: a
    # canvas others write in); without a server to wake it (AppTest), it asks at its pace.
    woken = (policy.is_participant(identity.actor()) and watch is None
             and push.available())
    if interval is None:
        interval = (settings.participant_poll if woken
                    else settings.participant_interval
                    if policy.is_participant(identity.actor()) else settings.live_interval)

    if policy.is_participant(identity.actor()):
        # The phase this participant was last taken to (not the one this run was drawn in:
        # a page that reran for another reason after the phase changed must move too).
        st.session_state.setdefault(FOLLOWED_KEY, (drawn.index, drawn.status))

    @st.fragment(run_every=interval)
    def poll() -> None:
        state = calls.read(phases.live_state, workshop_id=workshop_id)
        if each_tick is not None:
            each_tick(state)
        if policy.is_participant(identity.actor()):
            moved = (state.index, state.status) != st.session_state[FOLLOWED_KEY]
            if moved and screen_for(state).url_path == screens.shown_address():
                # Already there (through the "moved on" link): nothing to switch — a
                # switch to the page being drawn, from its fragment, broke the screen
                # ("Bad delta path index" in the browser, a blank page).
                st.session_state[FOLLOWED_KEY] = (state.index, state.status)
                moved = False
            held = moved and st.session_state.get(HOLD_KEY, False)
            if moved and not (stay is not None or held):
                st.session_state[FOLLOWED_KEY] = (state.index, state.status)
                screen_for(state).go()
            if held or (stay is not None and screen_for(state) != stay):
                # Pinned to the bottom of the screen: a phone scrolled far down a canvas
                # sees it where it is.
                with st.container(key=MOVED_ON_KEY):
                    st.page_link(screen_for(state).path, icon=":material/arrow_forward:",
                                 label=_("The workshop moved on: go to the current step"))
        held = policy.is_participant(identity.actor()) and st.session_state.get(
            HOLD_KEY, False)
        if structure(state) != structure(drawn) and not held:  # held: until they act
            st.rerun(scope="app")
        if watch is not None:
            watch()
        drawn_bar = bar(state) if bar is not None else phase_bar_html(state, counting=woken)
        if (content is not None or stay is not None) and on_top:
            drawn_bar = f"<div class='fab-phase-pin'>{drawn_bar}</div>"
        # Two elements: the bar, whose timer changes at each tick, and the content, the
        # same from one tick to the next until someone changes the board. Streamlit sends
        # an element the screen already holds as a reference to it (its hash), so a big
        # board costs a few bytes per tick instead of its whole text, and the screen does
        # not redraw it (bench/poll.py).
        st.html(render.Built(drawn_bar))
        if content is not None:
            drawn_content = content(state)
            if drawn_content:
                st.html(render.Built(drawn_content))
        if woken:
            push.register(workshop_id, state)
        if policy.is_participant(identity.actor()):
            _shown(state)  # drawn: not reached when the page moves on or reruns

    poll()


def hold_page(hold: bool = True) -> None:
    """Keep a participant on this page when the phase changes (it shows something they must
    see, such as their refused text); they are offered a link to the current step instead.
    Released by ``hold_page(False)``."""
    st.session_state[HOLD_KEY] = hold


def live_state(workshop_id: int) -> LiveState:
    """Read the live state the page is drawn from (read it before the page's data)."""
    return calls.read(phases.live_state, workshop_id=workshop_id)


ROOM_EVERY_SECONDS = 2.0  # the facilitator's count of phones behind, asked again


def room_notice(workshop_id: int) -> None:
    """On the facilitator's screen, once the phones should have followed a phase change:
    how many still show another phase, and when that many say the server does not keep
    up, what to do about it — rather than the room finding out."""

    @st.fragment(run_every=ROOM_EVERY_SECONDS)
    def notice() -> None:
        room = calls.read(participants.room_progress, workshop_id=workshop_id)
        if room is None or not room.behind:
            return
        if room.overloaded:
            st.warning(_(
                "{behind} of {present} phones do not show this step yet, {seconds} s after "
                "the change: the computer serving Fabrique cannot keep up with the room. "
                "Give it time before changing step again. For a room this size: a second "
                "server for the participants, or PostgreSQL (administrator's guide).",
                behind=room.behind, present=room.present, seconds=room.seconds),
                icon=":material/speed:")
        else:
            st.caption(ngettext("{n} phone of {present} does not show this step yet.",
                                "{n} phones of {present} do not show this step yet.",
                                room.behind, present=room.present))

    notice()
