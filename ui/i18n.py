"""Translation bound to the current session's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal

from core.settings import get_settings
from core.text.i18n import LANGUAGES, normalize_language, translate, translate_plural

LANG_KEY = "lang"
LANG_WIDGET_KEY = "_lang_widget"
LANG_PARAM = "lang"  # in the page's address when someone chose another language


def _default() -> str:
    return normalize_language(get_settings().default_language)


def lang() -> str:
    """Return the session's language: the one chosen (kept in the page's address, so a
    reload or a link keeps it), else the settings' default."""
    language = st.session_state.get(LANG_KEY)  # one read: every message asks
    if language is None:
        chosen = st.query_params.get(LANG_PARAM, "")
        language = st.session_state[LANG_KEY] = chosen if chosen in LANGUAGES else _default()
    return language


def _(msgid: str, **params: Any) -> str:
    """Translate ``msgid`` into the session's language."""
    return translate(lang(), msgid, **params)


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """Translate a message that depends on a count."""
    return translate_plural(lang(), singular, plural, n, **params)


def number(value: float, digits: int = 2) -> str:
    """Return a number as the session's language writes it (Babel: 4,56 in French)."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=lang())


def date_label(value: dt.date, *, year: bool = True) -> str:
    """Return a date as the session's language writes it (Babel): "29 nov. 2026",
    "Nov 29, 2026"; without the year: "29 nov.", "Nov 29"."""
    if year:
        return format_date(value, format="medium", locale=lang())
    return format_skeleton("MMMd", value, locale=lang())


def moment_label(value: dt.datetime, *, year: bool = True) -> str:
    """Return a date and time as the session's language writes them: "29 nov. 2026 14:05",
    "Nov 29, 2026 2:05 PM" (without the year: "29 nov. 14:05")."""
    return f"{date_label(value, year=year)} {format_time(value, format='short', locale=lang())}"


def _keep_language() -> None:
    st.session_state[LANG_KEY] = st.session_state[LANG_WIDGET_KEY]


def language_picker() -> None:
    """Let the person switch between French and English.

    The choice lives under its own key: a widget's state is dropped on runs that do not
    draw it, and the language must survive those; a choice other than the default is kept
    in the page's address (``?lang=en``), so a reload keeps it.
    """
    names = {"fr": "Français", "en": "English"}
    # Navigation drops the query string: the choice is written back on every run.
    if lang() != _default():
        if st.query_params.get(LANG_PARAM) != lang():
            st.query_params[LANG_PARAM] = lang()
    elif LANG_PARAM in st.query_params:
        del st.query_params[LANG_PARAM]
    st.sidebar.selectbox(
        "Langue / Language", LANGUAGES, index=LANGUAGES.index(lang()), key=LANG_WIDGET_KEY,
        format_func=names.__getitem__, on_change=_keep_language,
    )
