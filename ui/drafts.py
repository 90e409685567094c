"""Save-while-typing for long text fields.

Streamlit's ``st.text_area`` sends its text when the field is left (or Ctrl+Enter): text
typed and never left is lost when the tab closes. This small component (Streamlit's
components v2: plain JavaScript in the page, no build step, nothing fetched) listens to the
text areas whose widget keys it is given and sends their text after a short pause in the
typing, and at once when the tab is hidden or closed. The page saves it like a normal
change; the field keeps what its user is typing (its value is not pushed back).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

DRAFT_EVENT = "draft"
PAUSE_MS = 1200

_JS = """
export default function ({ data, setTriggerValue }) {
  const fields = data.fields;  // widget class name -> what the page calls that field
  const pauseMs = data.pause_ms;
  const pending = new Map();   // field -> latest text not sent yet
  let timer = null;

  const fieldOf = (target) => {
    if (!(target instanceof HTMLTextAreaElement)) return null;
    let box = target.closest('[class*="st-key-"]');
    while (box) {
      for (const name of box.classList) {
        if (name.startsWith('st-key-') && fields[name.slice(7)] !== undefined) {
          return fields[name.slice(7)];
        }
      }
      box = box.parentElement && box.parentElement.closest('[class*="st-key-"]');
    }
    return null;
  };
  const flush = () => {
    clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const drafts = [...pending].map(([field, text]) => ({ field, text }));
    pending.clear();
    setTriggerValue('draft', drafts);
  };
  const onInput = (event) => {
    const field = fieldOf(event.target);
    if (field === null) return;
    pending.set(field, event.target.value);
    clearTimeout(timer);
    timer = setTimeout(flush, pauseMs);
  };
  const onHide = () => { if (document.visibilityState === 'hidden') flush(); };

  document.addEventListener('input', onInput, true);
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', flush);
  return () => {
    flush();
    document.removeEventListener('input', onInput, true);
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', flush);
  };
}
"""

_component = st.components.v2.component("fabrique_drafts", js=_JS)


def key_class(widget_key: str) -> str:
    """Return the class Streamlit's front end puts on a keyed widget (``st-key-`` + key)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key.strip())


def save_while_typing(fields: dict[str, str], on_draft: Callable[[str, str], None], *,
                      key: str) -> None:
    """Send the text of the text areas keyed as ``fields`` (widget key -> field name) after
    a pause in the typing, and when the tab is hidden or closed: ``on_draft(field, text)``
    for each field typed in. Draw it once per page, anywhere (it shows nothing)."""
    names = set(fields.values())

    def received() -> None:
        drafts = st.session_state[key].get(DRAFT_EVENT)
        for draft in drafts if isinstance(drafts, list) else []:
            if (isinstance(draft, dict) and draft.get("field") in names
                    and isinstance(draft.get("text"), str)):
                on_draft(draft["field"], draft["text"])

    _component(key=key, data={"fields": {key_class(k): v for k, v in fields.items()},
                              "pause_ms": PAUSE_MS}, on_draft_change=received)
