"""When a server wakes a phone's screen (ui/push.py): at once when the workshop moves, on
a new card only once the room's refresh period has passed, never twice for one change."""

from dataclasses import replace

from core.domain.models import WorkshopStatus
from core.domain.timer import Clock
from core.services.phases import LiveState
from ui import push


def state(*, revision: int = 1, index: int = 2, remaining: int = 600,
          paused: bool = False) -> LiveState:
    clock = Clock(remaining=remaining, elapsed=900 - remaining, total=900, paused=paused)
    return LiveState(7, revision, WorkshopStatus.RUNNING, None, index, 9, clock, "setup",
                     False, paused)


def drawn(at: float, shown: LiveState) -> push.Watched:
    return push.Watched(
        session_id="s", fragment_id="f", page_script_hash="p", query_string="",
        url="sqlite://", workshop_id=7, moment=push.moment(shown), revision=shown.revision,
        end=push._end(shown, at), paused=shown.paused, drawn_at=at)


def test_a_new_phase_wakes_at_once_a_new_card_after_the_period():
    waker = push.Waker()
    entry = drawn(100.0, state())
    assert not waker.due(entry, state(), 100.3, 1.0)
    assert waker.due(entry, state(index=3), 100.3, 1.0)  # the next phase: at once
    assert not waker.due(entry, state(revision=2), 100.5, 1.0)  # a card: not yet
    assert waker.due(entry, state(revision=2), 101.2, 1.0)  # …after the period
    entry.woken_at = 101.2
    assert not waker.due(entry, state(revision=3), 101.5, 1.0)  # asked, not run yet
    assert waker.due(entry, state(revision=3), 101.2 + push.WAKE_AGAIN_AFTER + 0.1, 1.0)


def test_the_clock_wakes_when_time_is_added_paused_or_over():
    waker = push.Waker()
    entry = drawn(100.0, state(remaining=600))
    # Ten seconds later the clock says 590 left: what the phone counted itself.
    assert not waker.due(entry, state(remaining=590), 110.0, 1.0)
    assert waker.due(entry, state(remaining=890), 110.0, 1.0)  # five minutes added
    assert waker.due(entry, state(remaining=590, paused=True), 110.0, 1.0)
    ending = drawn(100.0, state(remaining=5))
    assert not waker.due(ending, state(remaining=1), 104.0, 1.0)
    assert waker.due(ending, state(remaining=-1), 106.0, 1.0)  # turns red, counts up
    over = drawn(106.0, state(remaining=-1))
    assert not waker.due(over, state(remaining=-30), 135.0, 1.0)


def test_a_big_room_spaces_the_board_refreshes_out():
    waker = push.Waker()
    assert waker.content_period(10) == 1.0  # FABRIQUE_PARTICIPANT_INTERVAL
    assert waker.content_period(300) == 300 / push.WAKES_PER_SECOND


def test_the_rerun_carries_no_widget_values():
    """None, not an empty set: Streamlit merges an empty set over the values a person's
    own pending rerun carries, and theirs would be lost."""
    rerun = push._ServerRerun("f", "p", "")
    assert rerun.widget_states is None and rerun.fragment_id == "f"
    assert not rerun.HasField("context_info")
    assert replace(rerun, query_string="w=1").query_string == "w=1"


def test_a_rerun_the_server_asks_for_keeps_the_persons_pending_page():
    """A person clicks another page; before that run starts, the server asks to rerun the
    page they are leaving (a wake, a live fragment's st.rerun): the run that follows is the
    person's page, with their values. Without keep_peoples_destinations the server's
    request, newer, named the page."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner_utils.script_requests import (
        RerunData,
        ScriptRequests,
    )

    push.keep_peoples_destinations()
    push.keep_peoples_destinations()  # idempotent
    clicked = WidgetStates()
    press = clicked.widgets.add()
    press.id, press.trigger_value = "$$ID-join", True
    requests = ScriptRequests()
    requests.request_rerun(RerunData(query_string="p=tok", widget_states=clicked,
                                     page_script_hash="workshop-page"))
    requests.request_rerun(RerunData(query_string="p=tok&c=3", widget_states=None,
                                     page_script_hash="canvas-page"))
    run = requests.on_scriptrunner_yield().rerun_data
    assert run.page_script_hash == "workshop-page" and run.query_string == "p=tok"
    assert [w.id for w in run.widget_states.widgets] == ["$$ID-join"]
    # A person's request after the server's is the person's, as Streamlit has it.
    requests = ScriptRequests()
    requests.request_rerun(RerunData(page_script_hash="canvas-page"))
    requests.request_rerun(RerunData(widget_states=clicked, page_script_hash="workshop-page"))
    assert requests.on_scriptrunner_yield().rerun_data.page_script_hash == "workshop-page"


def test_a_tick_of_the_page_left_does_not_undo_a_move():
    """The step moves: the live fragment asks for the next step's page (st.switch_page, a
    request without widget values); before that run starts, the browser's timer of the old
    page's fragment sends a tick naming the old page. Streamlit folds the two into one whole
    run of the newer request's page — the old one, the move undone. With
    keep_peoples_destinations the run is the new page's; the same after a person's press."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner_utils.script_requests import (
        RerunData,
        ScriptRequests,
    )

    push.keep_peoples_destinations()
    ticking = WidgetStates()
    value = ticking.widgets.add()
    value.id, value.string_value = "$$ID-old-field", "brouillon"
    requests = ScriptRequests()
    requests.request_rerun(RerunData(query_string="p=tok", page_script_hash="canvas-page"))
    requests.request_rerun(RerunData(query_string="p=tok", widget_states=ticking,
                                     page_script_hash="workshop-page", fragment_id="live",
                                     is_auto_rerun=True))
    run = requests.on_scriptrunner_yield().rerun_data
    assert run.page_script_hash == "canvas-page"
    assert not run.fragment_id_queue  # a whole run: the move's

    pressed = WidgetStates()
    press = pressed.widgets.add()
    press.id, press.trigger_value = "$$ID-send", True
    requests = ScriptRequests()
    requests.request_rerun(RerunData(widget_states=pressed, page_script_hash="relation-page"))
    requests.request_rerun(RerunData(widget_states=ticking, page_script_hash="workshop-page",
                                     fragment_id="live", is_auto_rerun=True))
    run = requests.on_scriptrunner_yield().rerun_data
    assert run.page_script_hash == "relation-page"
    assert "$$ID-send" in [w.id for w in run.widget_states.widgets]
    # Two ticks fold as Streamlit has it: the newer one's page (ui/left_pages.py skips the
    # run if that page was left).
    requests = ScriptRequests()
    requests.request_rerun(RerunData(widget_states=ticking, page_script_hash="workshop-page",
                                     fragment_id="old-live", is_auto_rerun=True))
    requests.request_rerun(RerunData(widget_states=ticking, page_script_hash="relation-page",
                                     fragment_id="live", is_auto_rerun=True))
    assert requests.on_scriptrunner_ready().rerun_data.page_script_hash == "relation-page"
