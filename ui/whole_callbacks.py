"""A button's callback runs whole, even when the browser asks for another run meanwhile.

Every press in Fabrique is handled in its widget's callback (``on_click``): Streamlit runs the
callbacks at the start of the run the press came with, and they write (a card, a raised hand,
a project). But Streamlit checks for a newer request from the browser at every access to
``st.session_state`` and every element sent — inside callbacks too — and if one came, it
stops the run there by raising ``RerunException``: the callback is cut short, and the press,
already taken from the browser's message, is gone. On a busy laptop such a request often
comes within milliseconds of a press (a text field's value sent as the finger leaves it, a
live tick, a component's value). Streamlit knows the trade-off
(streamlit/streamlit#10578: "a function writing into session state being interrupted isn't
protected") and offers no way to protect one.

``install()`` makes that check wait while a callback runs (Streamlit marks the thread's
``run_location`` as ``CALLBACK`` then): the newer request is taken right after the callbacks,
where Streamlit checks again before the page's body, so nothing the browser sent is dropped —
it is only handled a few milliseconds later. A ``st.rerun()`` in a callback still ends it at
once (Streamlit raises it directly there: ``calls.reconnecting`` does, the database away); a
``st.switch_page()`` in a callback would finish the callback before leaving (no callback of
Fabrique's switches page). Installed once per process,
by ``asgi.py`` for the server and by ``app.py`` for every run (AppTest's own runs).
"""

from __future__ import annotations

from typing import Any

_MARK = "_fabrique_whole_callbacks"


def install() -> None:
    """Let callbacks run whole (see the module's docstring); idempotent."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        RunLocation,
        ThreadState,
    )

    check = ScriptRunner._maybe_handle_execution_control_request
    if getattr(check, _MARK, False):
        return

    def checked_after_callbacks(self: Any) -> None:
        try:
            in_callback = ThreadState.get().run_location is RunLocation.CALLBACK
        except RuntimeError:  # a thread outside any run
            in_callback = False
        if not in_callback:
            check(self)

    setattr(checked_after_callbacks, _MARK, True)
    checked_after_callbacks.__wrapped__ = check  # type: ignore[attr-defined]
    ScriptRunner._maybe_handle_execution_control_request = checked_after_callbacks  # type: ignore[method-assign]
