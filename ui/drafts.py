"""Save-while-typing for long text fields.

Streamlit's ``st.text_area`` sends its text when the field is left (or Ctrl+Enter): text
typed and never left would be lost when the tab closes. This small component (Streamlit's
components v2: plain JavaScript in the page, no build step, nothing fetched) listens to the
text areas whose widget keys it is given and:

- sends their text after a short pause in the typing, and at once when the tab is hidden
  or closed; the page saves it like a normal change, and the field keeps what its user is
  typing (its value is not pushed back);
- keeps a copy of each text in the browser (``localStorage``) from the first keystroke
  until the server has acknowledged it: a tab closed before its last text got through (or
  a hall's Wi-Fi gone for a minute) sends it the next time the page opens, with the version
  it was written on, so a text saved by someone else meanwhile is shown as a conflict; a
  text sent and not acknowledged a few seconds later (the message or the run that carried
  the acknowledgement was lost) is sent again — each field acknowledged on its own;
- reports which field has the focus, so the page does not replace that field's text
  while its writer is in it;
- ranks each text it keeps: a browser's own id (made once, kept in ``localStorage``) and a
  number that only grows in that browser, sent with the text. The service keeps only the
  newest of a browser's sendings for a section (``canvases.save_section``): one sent again,
  overtaken on the way or folded into one run with a newer one never replaces the newer
  text. Leaving a field sends its text at once, ranked; while this script runs, the field's
  own change (Streamlit's, unranked, and possibly an old value the browser had not yet
  replaced by the server's) is not saved (``live``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

DRAFT_EVENT = "draft"
EDITING_STATE = "editing"
PAUSE_MS = 1200
RESEND_MS = 4000  # sent, not acknowledged after this: sent again

_JS = """
export default function ({ data, parentElement, setStateValue, setTriggerValue }) {
  // One controller per page, kept across redraws: listeners stay, a pending pause keeps
  // running, and each redraw only hands it the new data and senders.
  const c = window.__fabriqueDrafts || (window.__fabriqueDrafts = {
    pending: new Set(), timer: null, leaving: null, editing: null, sentOld: new Set(),
    sentAt: {}, navigating: 0,
  });
  Object.assign(c, { data, setStateValue, setTriggerValue, root: parentElement });
  const prefix = 'fabrique-draft:' + data.scope + ':';
  const store = {
    get(field) {
      try { return JSON.parse(localStorage.getItem(prefix + field)); } catch (e) { return null; }
    },
    set(field, value) {
      try { localStorage.setItem(prefix + field, JSON.stringify(value)); } catch (e) {}
    },
    drop(field) { try { localStorage.removeItem(prefix + field); } catch (e) {} },
    fields() {
      const found = [];
      try {
        for (let i = 0; i < localStorage.length; i++) {
          const name = localStorage.key(i);
          if (name.startsWith(prefix)) found.push(name.slice(prefix.length));
        }
      } catch (e) {}
      return found;
    },
  };
  c.store = store;
  // This browser's id and a rank that only grows here (not the clock alone: it may step
  // back), for the server to keep a section's newest text of this browser.
  c.writer = c.writer || (() => {
    try {
      let id = localStorage.getItem('fabrique-writer');
      if (!id) {
        const bytes = new Uint8Array(12);
        crypto.getRandomValues(bytes);
        id = btoa(String.fromCharCode(...bytes)).replace(/\\+/g, '-').replace(/\\//g, '_');
        localStorage.setItem('fabrique-writer', id);
      }
      return id;
    } catch (e) { return null; }
  })();
  c.nextSeq = c.nextSeq || (() => {
    let last = 0;
    try { last = Number(localStorage.getItem('fabrique-seq')) || 0; } catch (e) {}
    const seq = Math.max(Date.now(), last + 1);
    try { localStorage.setItem('fabrique-seq', String(seq)); } catch (e) {}
    return seq;
  });
  const send = (fields) => {
    const drafts = [];
    for (const field of fields) {
      const saved = store.get(field);
      if (saved) {
        drafts.push({ field, text: saved.text, base: saved.base, seq: saved.seq,
                      writer: c.writer });
        c.sentAt[field] = Date.now();
      }
    }
    if (drafts.length) c.setTriggerValue('draft', drafts);
  };
  c.send = send;
  c.flush = () => {
    clearTimeout(c.timer);
    c.timer = null;
    const fields = [...c.pending];
    c.pending.clear();
    send(fields);
  };
  c.fieldOf = (target) => {
    if (!(target instanceof HTMLTextAreaElement)) return null;
    for (let box = target.closest('[class*="st-key-"]'); box;
         box = box.parentElement && box.parentElement.closest('[class*="st-key-"]')) {
      for (const name of box.classList) {
        const field = name.startsWith('st-key-') ? c.data.fields[name.slice(7)] : undefined;
        if (field !== undefined) return field;
      }
    }
    return null;
  };

  // What the server has acknowledged is no longer kept; what it never got (a tab closed
  // too soon) is sent again, once per page.
  for (const field of store.fields()) {
    const saved = store.get(field);
    if (!saved || saved.seq <= (data.ack[field] ?? 0)) store.drop(field);
    else if (!c.pending.has(field) && !c.sentOld.has(saved.seq) && c.timer === null) {
      c.sentOld.add(saved.seq);
      send([field]);
    }
  }
  c.editing = data.editing;

  if (!c.listening) {
    c.listening = true;
    // A link followed (the menu, "L'atelier avance"): the focus leaves the field because
    // the page is being left. Reporting it would ask for a run of this page, which, if it
    // reached the server before the new page's, would take the person back.
    document.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('a[href]')) {
        c.navigating = Date.now();
      }
    }, true);
    const report = (field) => {
      clearTimeout(c.leaving);
      if (field === null && Date.now() - c.navigating < 5000) return;
      if (field !== c.editing) {
        c.editing = field;
        c.setStateValue('editing', field);
      }
    };
    document.addEventListener('input', (event) => {
      const field = c.fieldOf(event.target);
      if (field === null) return;
      const base = c.data.bases[field] ?? null;
      c.store.set(field, { text: event.target.value, base, seq: c.nextSeq() });
      c.pending.add(field);
      clearTimeout(c.timer);
      c.timer = setTimeout(() => c.flush(), c.data.pause_ms);
    }, true);
    document.addEventListener('focusin', (event) => {
      const field = c.fieldOf(event.target);
      if (field !== null) { c.navigating = 0; report(field); }
    }, true);
    document.addEventListener('focusout', (event) => {
      const field = c.fieldOf(event.target);
      if (field === null) return;
      // Leaving the field sends what it holds now, ranked (the field's own change, sent
      // by Streamlit, is not saved while this script runs).
      if (c.pending.has(field)) {
        c.pending.delete(field);
        if (c.pending.size === 0) { clearTimeout(c.timer); c.timer = null; }
        c.send([field]);
      }
      clearTimeout(c.leaving);
      c.leaving = setTimeout(() => report(null), 250);
    }, true);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') c.flush();
    });
    window.addEventListener('pagehide', () => c.flush());
    // A text sent and still not acknowledged is sent again (saving the same text twice
    // changes nothing); one being typed waits for its pause. Only while the page that
    // saves it is shown: elsewhere in the app, it waits for that page to open again.
    setInterval(() => {
      if (c.timer !== null || !(c.root && c.root.isConnected)) return;
      const late = c.store.fields().filter((field) => {
        const saved = c.store.get(field);
        return saved && saved.seq > (c.data.ack[field] ?? 0) && !c.pending.has(field)
          && Date.now() - (c.sentAt[field] ?? 0) >= c.data.resend_ms;
      });
      if (late.length) c.send(late);
    }, 1000);
  }
}
"""

_component = st.components.v2.component("fabrique_drafts", js=_JS)


@dataclass(frozen=True)
class Draft:
    """A text sent while being typed, the version (``base``) it was written on, and its
    rank among its browser's sendings (``writer``, ``seq``; None without them)."""

    field: str
    text: str
    base: int | None
    writer: str | None = None
    seq: int | None = None


def key_class(widget_key: str) -> str:
    """Return the class Streamlit's front end puts on a keyed widget (``st-key-`` + key)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key.strip())


def live(key: str) -> bool:
    """Whether this session's drafts script runs in the browser (it has reported where
    the focus is): then it sends every text, ranked, and a field's own change is not
    saved. Without it (AppTest, a browser without JavaScript), the field's change is."""
    value = st.session_state.get(key)
    return hasattr(value, "get") and EDITING_STATE in value


def editing(key: str) -> str | None:
    """Return the field being written in (it has the focus), as last reported."""
    value = st.session_state.get(key, {}).get(EDITING_STATE)
    return value if isinstance(value, str) else None


def _ack_key(key: str) -> str:
    return f"_{key}_ack"


def save_while_typing(fields: dict[str, str], bases: dict[str, int | None],
                      on_draft: Callable[[Draft], None], *, key: str, scope: str) -> None:
    """Send the text of the text areas keyed as ``fields`` (widget key -> field name) after
    a pause in the typing, when the tab is hidden or closed, and — if that never got
    through — when the page opens again: ``on_draft(draft)`` for each. ``bases`` gives the
    version each field shows; ``scope`` names what these fields belong to (and to whom),
    for the copy kept in the browser. Draw it once per page, anywhere (it shows nothing)."""
    names = set(fields.values())

    def received() -> None:
        drafts = st.session_state[key].get(DRAFT_EVENT)
        for draft in drafts if isinstance(drafts, list) else []:
            if not (isinstance(draft, dict) and draft.get("field") in names
                    and isinstance(draft.get("text"), str)):
                continue
            base, seq, writer = draft.get("base"), draft.get("seq"), draft.get("writer")
            ranked = isinstance(seq, int) and not isinstance(seq, bool) and isinstance(
                writer, str) and 0 < len(writer) <= 40
            on_draft(Draft(draft["field"], draft["text"], base if isinstance(base, int)
                           and not isinstance(base, bool) else None,
                           writer if ranked else None, seq if ranked else None))
            if isinstance(seq, int | float):
                # Acknowledged field by field: a newer text of another field acknowledged
                # says nothing of this one, whose sending may have been lost.
                acks = st.session_state.setdefault(_ack_key(key), {})
                acks[draft["field"]] = max(seq, acks.get(draft["field"], 0))

    _component(key=key, data={
        "fields": {key_class(k): v for k, v in fields.items()}, "bases": bases,
        "pause_ms": PAUSE_MS, "resend_ms": RESEND_MS, "editing": editing(key), "scope": scope,
        "ack": dict(st.session_state.get(_ack_key(key), {}))},
        on_draft_change=received, on_editing_change=lambda: None)
