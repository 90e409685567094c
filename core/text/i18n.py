"""Translation layer: gettext catalogs (``core/locale/<lang>/LC_MESSAGES/messages.po``).

Message ids are English; the French catalog is the one facilitators see by default.
Catalogs are read with Babel and compiled in memory, so there is no build step.
Placeholders use ``str.format`` names: ``_("{n} cards", n=3)``.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parents[1] / "locale"
LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAIN = "messages"


def N_(msgid: str) -> str:
    """Mark a string for translation without translating it now."""
    return msgid


def catalog_path(lang: str) -> Path:
    """Return the path of a language's ``.po`` file."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def _translations(lang: str) -> gettext.NullTranslations:
    path = catalog_path(lang)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalize_language(lang: str | None) -> str:
    """Return a supported language code for ``lang`` (``fr-FR`` → ``fr``)."""
    if lang:
        short = lang.split("-")[0].split("_")[0].lower()
        if short in LANGUAGES:
            return short
    return DEFAULT_LANGUAGE


def translate(lang: str, msgid: str, **params: Any) -> str:
    """Translate ``msgid`` into ``lang`` and fill its placeholders."""
    text = _translations(normalize_language(lang)).gettext(msgid)
    return text.format(**params) if params else text


def translate_plural(lang: str, singular: str, plural: str, n: int, **params: Any) -> str:
    """Translate a message whose form depends on the count ``n``."""
    text = _translations(normalize_language(lang)).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def pick(localized: dict[str, str], lang: str) -> str:
    """Return a data file's text in ``lang`` (falling back to French, then any)."""
    lang = normalize_language(lang)
    return localized.get(lang) or localized.get(DEFAULT_LANGUAGE) or next(
        iter(localized.values()), ""
    )
