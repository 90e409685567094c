"""A live fragment's tick that names a page the session has left is not run.

A phone's live fragment ticks (its browser's timer, or its server waking it: ``ui/push.py``)
name the page they were set up on. When the workshop moves on, the fragment takes the phone
to the new step's page (``st.switch_page``): a whole run of the new page. A tick of the old
page's fragment sent or queued meanwhile — the browser's timer firing before it has read
the new page, a wake asked just before the move — waits for that run to end (Streamlit never
lets a fragment's run cut a whole run short), then runs as a run of the *old* page:

- the browser, told a run of another page has started, clears the whole screen (Streamlit's
  front end clears the page's elements whenever a run names another page than the one
  shown), and the fragment, unknown to the new page, draws nothing: the phone is left with
  an empty page under its phase bar, for good (docs/developer.md tells how it was found);
- the server, seeing a run of another page, forgets the values of the new page's fields.

``install()`` makes Streamlit skip a fragment-only run whose page is not the page the
session last ran. Nothing is lost: a tick carries no press (a person's action in a fragment
of a page left is a whole-page request by then: ``push.keep_late_actions``), and the page
now shown ticks with its own fragment. Installed once per process, by ``asgi.py`` for the
server and by ``app.py`` for every run (AppTest's own runs).
"""

from __future__ import annotations

import logging
from typing import Any

_MARK = "_fabrique_left_pages"
_LOGGER = logging.getLogger(__name__)


def of_a_page_left(rerun_data: Any, current_page: str, main_page: str) -> bool:
    """Whether this request is a fragment-only run naming another page than the current
    one (a request naming no page runs the main page's hash: compared as such)."""
    if not rerun_data.fragment_id_queue or not current_page:
        return False
    return (rerun_data.page_script_hash or main_page) != current_page


def install() -> None:
    """Skip fragment runs of a page the session has left (see the module); idempotent."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    run = ScriptRunner._run_script
    if getattr(run, _MARK, False):
        return

    def run_unless_of_a_page_left(self: Any, rerun_data: Any) -> None:
        pages = self._pages_manager
        if of_a_page_left(rerun_data, pages.current_page_script_hash,
                          pages.main_script_hash):
            _LOGGER.debug("Fragment run of a page left, skipped: %s",
                          rerun_data.fragment_id_queue)
            return
        run(self, rerun_data)

    setattr(run_unless_of_a_page_left, _MARK, True)
    run_unless_of_a_page_left.__wrapped__ = run  # type: ignore[attr-defined]
    ScriptRunner._run_script = run_unless_of_a_page_left  # type: ignore[method-assign]
