"""Sweep away what a finished run left on the screen: elements drawn twice.

When a page's layout changes (a phase change moves a canvas's sections between "This step"
and the folded grid), Streamlit's browser side reuses each block at the same place and
replaces its children one by one; what the new run no longer draws stays, marked stale, and
is removed when the run ends — unless the next run has already started by then (a live
fragment's tick, queued behind the page's run, starts the moment it ends): the browser
then skips that clean-up (``clearStaleNodes`` is not called when its run id is no longer
the current one), and the old elements stay beside the new ones until the next whole run
of the page — a section's comments twice, two fields under one label.

Streamlit never draws two elements with one key in a run, so two on screen, once the page
is idle, are left-overs. This small script (components v2, in the page itself, nothing
fetched), drawn by every run outside any fragment, watches the page; once it has been idle
for a moment with a key on screen twice, it asks for one whole run of the page, which ends
with the clean-up. At most three in a row, then it waits for the page to change again.
"""

from __future__ import annotations

import streamlit as st

SWEEPS_KEY = "fab_sweeps"

_JS = """
export default function ({ setTriggerValue }) {
  const w = window;
  w.__fabriqueSweep = setTriggerValue;  // the latest run's, whichever page drew it
  if (w.__fabriqueSweeper) return;
  w.__fabriqueSweeper = { tries: 0, swept: 0, timer: null };
  const state = w.__fabriqueSweeper;
  const doubled = () => {
    const seen = new Set();
    for (const el of document.querySelectorAll('[class*="st-key-"]')) {
      for (const name of el.classList) {
        if (!name.startsWith('st-key-')) continue;
        if (seen.has(name)) return true;
        seen.add(name);
      }
    }
    return false;
  };
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning'
        || document.querySelector('[data-stale="true"]')) return;
    if (!doubled()) { state.tries = 0; return; }
    if (state.tries >= 3) return;
    state.tries += 1;
    state.swept += 1;
    w.__fabriqueSweep('sweep', state.swept);
  };
  new MutationObserver(() => {
    clearTimeout(state.timer);
    state.timer = setTimeout(check, 600);
  }).observe(document.body, { subtree: true, childList: true, attributes: true,
                              attributeFilter: ['data-test-script-state'] });
}
"""

_component = st.components.v2.component("fabrique_sweeper", js=_JS)


def place() -> None:
    """Draw the sweeper (in every whole run, outside any fragment: its request is a run of
    the whole page)."""
    _component(key=SWEEPS_KEY, on_sweep_change=lambda: None)
