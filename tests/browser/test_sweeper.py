"""Elements a finished run left on the screen twice are swept by one more run of the page
(``ui/sweeper.py``): what the browser does when it finds a key shown twice on an idle page,
and that it stops asking after three runs when they do not help."""

from __future__ import annotations

import time

from tests.browser.conftest import login, wait_idle

# A copy of a keyed element, as a left-over would stand beside the new one.
LEAVE_TWICE = """() => {
    const el = document.querySelector('.st-key-logout_button');
    const copy = el.cloneNode(true);
    copy.id = 'left-over';
    el.parentElement.appendChild(copy);
}"""
SWEPT = "() => window.__fabriqueSweeper ? window.__fabriqueSweeper.swept : null"
COUNT_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__runs = 0;
    new MutationObserver(() => {
        if (app.dataset.testScriptState === 'running') window.__runs += 1;
    }).observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
}"""


def test_a_key_left_twice_asks_for_a_run_of_the_page_three_times_at_most(server, new_context):
    page = new_context().new_page()
    login(page, server.url)
    wait_idle(page)
    assert page.evaluate(SWEPT) == 0  # mounted, nothing to sweep on a clean page
    page.evaluate(COUNT_RUNS)
    page.evaluate(LEAVE_TWICE)
    # Not Streamlit's own element: no run removes it, so the sweeper asks three times
    # (a run each), then stops and waits for the page to change.
    deadline = time.monotonic() + 15
    while page.evaluate(SWEPT) < 3:
        assert time.monotonic() < deadline, f"swept {page.evaluate(SWEPT)} times"
        page.wait_for_timeout(100)
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.__runs") >= 3  # (a live fragment's ticks may too)
    page.wait_for_timeout(1500)
    assert page.evaluate(SWEPT) == 3
    # Gone, then left again: the sweeper asks again (its count of tries starts afresh).
    page.evaluate("() => document.getElementById('left-over').remove()")
    wait_idle(page)
    page.wait_for_timeout(1500)  # the sweeper looked at the page once it was clean
    page.evaluate(LEAVE_TWICE)
    deadline = time.monotonic() + 10
    while page.evaluate(SWEPT) < 4:
        assert time.monotonic() < deadline, "not swept again"
        page.wait_for_timeout(100)
