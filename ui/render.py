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
.fab-card-links,.fab-card-merged,.fab-list{margin:6px 0 0 0;padding-left:1.1rem;
  font-size:.85rem;color:#343a40;overflow-wrap:anywhere;white-space:pre-wrap;}
.fab-card-merged{font-style:italic;}
.fab-group{background:#f8f9fa;border-radius:10px;padding:10px 14px;margin-bottom:12px;}
.fab-group-name{font-size:1.3rem;font-weight:700;margin-bottom:4px;overflow-wrap:anywhere;}
.fab-group ul{margin:0;padding-left:1.1rem;font-size:1.05rem;white-space:pre-wrap;
  overflow-wrap:anywhere;}
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


def card(view: CardView, templates: Templates, lang: str, *, extra: str = "",
         linked: list[str] | None = None, merged_label: str = "") -> str:
    """Return a card's body: its text, a line of details, the needs an idea answers, and
    the texts of duplicates merged into it."""
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
    if extra:
        details.append(extra)
    meta = " · ".join(escape(d) for d in details)
    links = "".join(f"<li>{escape(text)}</li>" for text in linked or [])
    merged = "".join(f"<li>{escape(text)}</li>" for text in view.merged_texts)
    return (f"<div class='fab-card' style='border-left-color:{escape(color)}'>"
            f"<div class='fab-card-text'>{escape(view.text)}</div>"
            f"<div class='fab-card-meta'>{meta}</div>"
            + (f"<ul class='fab-card-links'>{links}</ul>" if links else "")
            + (f"<div class='fab-card-meta'>{escape(merged_label)}</div>"
               f"<ul class='fab-card-merged'>{merged}</ul>" if merged else "")
            + "</div>")


def bullet_list(items: list[str]) -> str:
    """Return user texts as a bulleted list."""
    return ("<ul class='fab-list'>" + "".join(f"<li>{escape(i)}</li>" for i in items)
            + "</ul>")


def group_block(name: str, color: str, texts: list[str]) -> str:
    """Return a group as a coloured column of card texts (read-only boards)."""
    items = "".join(f"<li>{escape(t)}</li>" for t in texts)
    return (f"<div class='fab-group' style='border-top:8px solid {escape(color)}'>"
            f"<div class='fab-group-name'>{escape(name)} "
            f"<span class='fab-count'>({len(texts)})</span></div>"
            f"<ul>{items}</ul></div>")


def sortable_css(colours: list[str]) -> str:
    """Return the drag-and-drop board's style: large type, one colour per group header."""
    css = [
        ".sortable-component{gap:12px;flex-wrap:wrap;align-items:flex-start;"
        "font-family:'Source Sans Pro',sans-serif;}",
        ".sortable-container{background:#f1f3f5;border-radius:10px;min-width:240px;"
        "flex:1 1 240px;margin:0;}",
        ".sortable-container-header{font-size:1.25rem;font-weight:700;padding:10px 12px;"
        "background:white;border-radius:10px 10px 0 0;border-top:8px solid #868e96;}",
        ".sortable-container-body{min-height:60px;padding:6px;}",
        ".sortable-item{font-size:1.1rem;line-height:1.35;background:white;color:#212529;"
        "border:1px solid #dee2e6;border-radius:8px;padding:10px 12px;margin:6px 0;"
        "white-space:normal;cursor:grab;text-align:left;}",
        ".sortable-item:hover{border-color:#adb5bd;}",
    ]
    # The component puts one element before the containers: the first container is the
    # second child.
    for index, colour in enumerate(colours, start=2):
        if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            css.append(f".sortable-container:nth-child({index}) .sortable-container-header"
                       f"{{border-top-color:{colour};}}")
    return "\n".join(css)
