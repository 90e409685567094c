"""Translation bound to the current session's language."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.i18n import LANGUAGES, normalize_language, translate, translate_plural
from core.settings import get_settings

LANG_KEY = "lang"
LANG_WIDGET_KEY = "_lang_widget"


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


def _keep_language() -> None:
    st.session_state[LANG_KEY] = st.session_state[LANG_WIDGET_KEY]


def language_picker() -> None:
    """Let the person switch between French and English.

    The choice lives under its own key: a widget's state is dropped on runs that do not
    draw it, and the language must survive those.
    """
    names = {"fr": "Français", "en": "English"}
    st.sidebar.selectbox(
        "Langue / Language", LANGUAGES, index=LANGUAGES.index(lang()), key=LANG_WIDGET_KEY,
        format_func=names.__getitem__, on_change=_keep_language,
    )
