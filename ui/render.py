"""HTML for boards and cards. Every piece of user text goes through ``html.escape``:
it shows exactly as typed and can neither run nor restyle the page."""

from __future__ import annotations

import re
from html import escape

from core.services.cards import CardView
from core.templates import Templates

BOARD_CSS = """
<style>
.fab-card{border-left:6px solid #868e96;padding:4px 2px 4px 12px;}
.fab-card-text{font-size:1.05rem;line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere;}
.fab-card-meta{margin-top:6px;font-size:.8rem;color:#5c636a;overflow-wrap:anywhere;}
.fab-theme{display:flex;align-items:center;gap:.5rem;margin:1.2rem 0 .2rem 0;
  font-size:1.25rem;font-weight:700;}
.fab-chip{display:inline-block;width:.9rem;height:.9rem;border-radius:50%;}
.fab-count{font-weight:400;color:#5c636a;font-size:1rem;}
</style>
"""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|:<>$~=])")


def md(text: object) -> str:
    """Escape user text for a Markdown-rendering element (st.caption, st.error, toasts…).

    Streamlit's Markdown also reads ``:red[...]``, ``:material/…:`` and ``$…$``; every
    punctuation mark that could start one is backslash-escaped.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def line(text: str, *, icon: str = "", size: str = "1rem", bold: bool = False) -> str:
    """Return one line of user text as safe HTML."""
    weight = "600" if bold else "400"
    prefix = f"{escape(icon)} " if icon else ""
    return (f"<div style='font-size:{size};font-weight:{weight};overflow-wrap:anywhere'>"
            f"{prefix}{escape(text)}</div>")


def theme_header(label: str, color: str, count: int) -> str:
    """Return the heading of a theme's column on a board."""
    return (f"<div class='fab-theme'><span class='fab-chip' style='background:{escape(color)}'>"
            f"</span>{escape(label)} <span class='fab-count'>({count})</span></div>")


def card(view: CardView, templates: Templates, lang: str) -> str:
    """Return a card's body: its text and a line of details."""
    theme = templates.themes.get(view.theme)
    color = theme.color if theme else "#868e96"
    details = [f"#{view.id}"]
    if view.source:
        details.append(templates.source_label(view.source, lang))
    author = view.author_name or view.writer_name
    if author:
        details.append(author)
    if view.place:
        details.append("📍 " + view.place)
    if view.support_count:
        details.append(f"👍 {view.support_count}")
    meta = " · ".join(escape(d) for d in details)
    return (f"<div class='fab-card' style='border-left-color:{escape(color)}'>"
            f"<div class='fab-card-text'>{escape(view.text)}</div>"
            f"<div class='fab-card-meta'>{meta}</div></div>")
