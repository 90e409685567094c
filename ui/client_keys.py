"""A key made in the browser for each card, comment or action typed in a form, so that the
same write sent twice is stored once (``core/services/once.py``).

The key must outlive the server: a phone that pressed "Ajouter" just as the server died
reconnects to a fresh server that knows nothing of its session, with the text still in
the field — pressing again must send the same key. So the browser makes it and holds it:
this small component (components v2, plain JavaScript, nothing fetched) sits inside the
form and puts a random key among the form's values (inside a form, a component's value is
only sent with the form: no extra run). Once the server has stored the write, it hands the
key back (``used``) and the browser makes the next one. Without JavaScript (AppTest) there
is no key, and writes are simply not recognised when sent twice.
"""

from __future__ import annotations

import streamlit as st

KEY_STATE = "key"

_JS = """
export default function ({ data, setStateValue }) {
  const keys = window.__fabriqueClientKeys || (window.__fabriqueClientKeys = {});
  const fresh = () => {
    // getRandomValues works on a hall's plain-HTTP address too (randomUUID does not).
    const bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode(...bytes)).replace(/\\+/g, '-').replace(/\\//g, '_');
  };
  let key = keys[data.slot];
  if (!key || data.used.includes(key)) key = keys[data.slot] = fresh();
  if (data.current !== key) setStateValue('key', key);
}
"""

_component = st.components.v2.component("fabrique_client_key", js=_JS)


def _used_key(slot: str) -> str:
    return f"_{slot}_used"


def current(slot: str) -> str | None:
    """Return the key the browser sent with this run's form (None without one)."""
    value = st.session_state.get(slot)
    key = value.get(KEY_STATE) if hasattr(value, "get") else None
    return key if isinstance(key, str) else None


def used(slot: str, key: str | None) -> None:
    """Say the write sent with ``key`` is stored: the browser makes the next key."""
    if key:
        st.session_state[_used_key(slot)] = [key]


def place(slot: str) -> None:
    """Draw the key's component (inside the form, after the submission was handled)."""
    _component(key=slot, data={"slot": slot, "used": st.session_state.get(_used_key(slot), []),
                               "current": current(slot)})
