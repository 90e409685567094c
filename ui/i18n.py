"""Translation bound to the current session's language."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.i18n import LANGUAGES, normalize_language, translate, translate_plural
from core.settings import get_settings

LANG_KEY = "lang"


def lang() -> str:
    """Return the session's language (the settings' default until someone picks one)."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalize_language(get_settings().default_language)
    return st.session_state[LANG_KEY]


def _(msgid: str, **params: Any) -> str:
    """Translate ``msgid`` into the session's language."""
    return translate(lang(), msgid, **params)


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """Translate a message that depends on a count."""
    return translate_plural(lang(), singular, plural, n, **params)


def language_picker() -> None:
    """Let the person switch between French and English."""
    names = {"fr": "Français", "en": "English"}
    st.sidebar.selectbox(
        "Langue / Language", LANGUAGES, key=LANG_KEY, format_func=names.__getitem__
    )
