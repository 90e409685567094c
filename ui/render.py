"""HTML for boards and cards. Every piece of user text goes through ``html.escape``:
it shows exactly as typed and can neither run nor restyle the page."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime
from html import escape

from core.domain.templates import Templates
from core.outputs.joining import qr_data_uri
from core.settings import PROJECT_ROOT

# The app's icon, as the image itself (a data: URL), read once per process: given as a
# file, Streamlit would read and register it again at every run.
FAVICON = "data:image/png;base64," + base64.b64encode(
    (PROJECT_ROOT / "ui" / "favicon.png").read_bytes()).decode()

BOARD_CSS = """
<style>
.fab-muted{color:#5c636a;font-weight:400;font-size:.95rem;}
.fab-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px;}
.fab-cell{border:1px solid #dee2e6;border-radius:10px;padding:10px 12px;background:#fff;}
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
.fab-heading{font-size:1.5rem;font-weight:700;margin:1rem 0 .2rem 0;}
.fab-notice{background:#e7f1fb;color:#0b4a7a;border-radius:.5rem;padding:.8rem 1rem;
  margin:.4rem 0;}
.fab-details{border:1px solid #dee2e6;border-radius:8px;padding:.5rem .8rem;margin:.5rem 0;}
.fab-details summary{cursor:pointer;font-weight:600;}
.fab-join-url{font-size:1.2rem;font-weight:600;overflow-wrap:anywhere;}
.fab-join-code{font-size:2.4rem;font-weight:800;letter-spacing:.2em;}
.fab-qr img{display:block;max-width:100%;height:auto;image-rendering:pixelated;}
.fab-group{background:#f8f9fa;border-radius:10px;padding:10px 14px;margin-bottom:12px;}
.fab-group-name{font-size:1.3rem;font-weight:700;margin-bottom:4px;overflow-wrap:anywhere;}
.fab-group ul{margin:0;padding-left:1.1rem;font-size:1.05rem;white-space:pre-wrap;
  overflow-wrap:anywhere;}
.fab-status{display:inline-block;color:#fff;border-radius:4px;padding:0 6px;font-weight:600;}
.fab-table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.95rem;}
.fab-table th{background:#fff4e6;font-weight:700;}
.fab-table th,.fab-table td{border:1px solid #dee2e6;padding:.3rem .5rem;vertical-align:top;
  overflow-wrap:anywhere;white-space:pre-wrap;}
.fab-ranking{list-style:none;margin:.4rem 0;padding:0;}
.fab-ranking li{display:flex;gap:.7rem;align-items:flex-start;padding:.55rem 0;
  border-bottom:1px solid #e9ecef;}
.fab-ranking .fab-rank-n{font-size:1.4rem;font-weight:800;min-width:1.6rem;color:#b03a0a;}
.fab-ranking .fab-rank-main{flex:1;min-width:0;}
.fab-ranking .fab-rank-name{font-size:1.05rem;font-weight:600;overflow-wrap:anywhere;}
.fab-ranking .fab-rank-bar{height:.5rem;background:#f1f3f5;border-radius:.25rem;
  margin-top:.3rem;}
.fab-ranking .fab-rank-bar>div{height:100%;background:#b03a0a;border-radius:.25rem;}
.fab-ranking .fab-rank-meta{font-size:.85rem;color:#5c636a;margin-top:.2rem;}
.fab-ranking .fab-rank-value{font-weight:800;font-size:1.1rem;white-space:nowrap;
  font-variant-numeric:tabular-nums;}
</style>
"""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|:<>$~=])")


# What a backslash does not stop (checked in Chromium): GitHub-style autolinks of bare
# addresses ("http://…", "www.…", "a@b.fr") and Streamlit's ":material/…:" icons. An
# invisible word joiner (U+2060) after the colon, before the dot of "www." and before "@"
# breaks them; the text reads the same.
_COLON_WORD = re.compile(r"\\:(?=[A-Za-z/])")
_WWW_DOT = re.compile(r"(?i)(?<=www)\\\.")
WORD_JOINER = "\u2060"


class Built:
    """HTML built here, handed to ``st.html`` as is. Streamlit dedents and strips a plain
    string's every line first (``textwrap.dedent``): on a live board of 300 cards, redrawn
    at each tick of every phone, that was a third of the server's time (bench/poll.py).
    An object with ``_repr_html_`` is taken as it is (Streamlit's documented way)."""

    __slots__ = ("html",)

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def md(text: object) -> str:
    """Escape user text for a Markdown-rendering element (st.caption, st.error, toasts…).

    Streamlit's Markdown also reads ``:red[...]``, ``:material/…:`` and ``$…$``; every
    punctuation mark that could start one is backslash-escaped, and what a backslash does
    not stop (autolinks, icons) is broken by an invisible word joiner.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    escaped = _COLON_WORD.sub(lambda m: m.group(0) + WORD_JOINER, escaped)
    escaped = _WWW_DOT.sub(lambda m: WORD_JOINER + m.group(0), escaped)
    return escaped.replace("@", WORD_JOINER + "@")


# Streamlit's bundled Material Symbols font (the one its ":material/…:" icons use): icons
# that need no emoji font from the system, which a village-hall laptop may well lack.
_ICON_STYLE = ("font-family:'Material Symbols Rounded';font-weight:400;font-style:normal;"
               "font-size:1.15em;line-height:1;vertical-align:-0.2em;display:inline-block;"
               "white-space:nowrap;font-feature-settings:'liga';-webkit-font-smoothing:"
               "antialiased;user-select:none")
_ICON_PREFIX = re.compile(r"^:material/([a-z0-9_]+):\s*")


def icon(name: str) -> str:
    """Return a Material Symbols icon as HTML (``name`` as in ``:material/name:``, or the
    whole ``:material/name:``)."""
    name = name.removeprefix(":material/").rstrip(":")
    return f"<span aria-hidden='true' translate='no' style=\"{_ICON_STYLE}\">{escape(name)}</span>"


def icon_text(text: str) -> str:
    """Return ``text`` as safe HTML, its leading ``:material/name:`` (ours, never typed by
    people: they only reach the rest) drawn as the icon."""
    found = _ICON_PREFIX.match(text)
    if found is None:
        return escape(text)
    return icon(found.group(1)) + " " + escape(text[found.end():])


def line(text: str, *, icon_name: str = "", size: str = "1rem", bold: bool = False) -> str:
    """Return one line of user text as safe HTML (``icon_name``: a Material Symbols name)."""
    weight = "600" if bold else "400"
    prefix = f"{icon(icon_name)} " if icon_name else ""
    return (f"<div style='font-size:{size};font-weight:{weight};overflow-wrap:anywhere'>"
            f"{prefix}{escape(text)}</div>")


def title_and_note(title: str, note: str) -> str:
    """Return a bold line of user text followed, on the same line, by a grey note."""
    return (f"<div style='font-size:1.1rem;overflow-wrap:anywhere'><b>{escape(title)}</b>"
            f" <span class='fab-muted'>· {escape(note)}</span></div>")


def ranking(rows: list[tuple[int | None, str, str, float, str]]) -> str:
    """Return a ranking that fits a phone's width: (rank, title, value as written, bar
    fraction 0–1, a line of details) per row, the value never cut."""
    items = "".join(
        f"<li><div class='fab-rank-n'>{escape(str(rank) if rank is not None else '–')}</div>"
        f"<div class='fab-rank-main'><div class='fab-rank-name'>{escape(title)}</div>"
        f"<div class='fab-rank-bar'><div style='width:"
        f"{max(0.0, min(1.0, fraction)) * 100:.0f}%'></div></div>"
        + (f"<div class='fab-rank-meta'>{escape(meta)}</div>" if meta else "")
        + f"</div><div class='fab-rank-value'>{escape(value)}</div></li>"
        for rank, title, value, fraction, meta in rows)
    return f"<ol class='fab-ranking'>{items}</ol>"


def notice(text: str) -> str:
    """Return an information box (like ``st.info``) inside an HTML block."""
    return f"<div class='fab-notice'>{escape(text)}</div>"


CANVAS_CSS = """
<style>
.fab-section-title{font-weight:700;font-size:1.05rem;display:flex;gap:.4rem;
  align-items:baseline;}
.fab-section-state{color:#5c636a;}
.fab-questions{margin:.2rem 0 .2rem 1.1rem;padding:0;color:#5c636a;font-size:.9rem;}
.fab-complete{display:flex;flex-wrap:wrap;gap:.35rem;margin:.3rem 0 .8rem 0;}
.fab-complete span{border-radius:999px;padding:.1rem .6rem;font-size:.85rem;}
.fab-complete .empty{background:#f1f3f5;color:#5c636a;}
.fab-complete .thin{background:#fff3bf;color:#5c4400;}
.fab-complete .done{background:#d3f9d8;color:#1b5e20;}
.fab-diff ins{background:#d3f9d8;text-decoration:none;}
.fab-diff del{background:#ffe3e3;}
.fab-diff{white-space:pre-wrap;line-height:1.6;}
.fab-paragraphs{white-space:pre-wrap;overflow-wrap:anywhere;}
.fab-thread{border-left:3px solid #4c6ef5;padding:.2rem .6rem;margin:.3rem 0;}
.fab-thread.resolved{opacity:.55;border-left-color:#adb5bd;}
.fab-reply{margin-left:1rem;}
@media (max-width: 640px){[data-testid="stHorizontalBlock"]{flex-direction:column;}}
</style>
"""


def section_head(title: str, state: str, questions: list[str]) -> str:
    """Return a canvas section's title, its completeness mark and its guiding questions."""
    items = "".join(f"<li>{escape(q)}</li>" for q in questions)
    return (f"<div class='fab-section-title'><span class='fab-section-state'>"
            f"{escape(state)}</span>{escape(title)}</div><ul class='fab-questions'>{items}</ul>")


def completeness(sections: list[tuple[str, str]], summary: str,
                 labels: dict[str, str]) -> str:
    """Return the at-a-glance line of which sections are empty, thin or done."""
    chips = "".join(f"<span class='{escape(state)}' title='{escape(labels[state])}'>"
                    f"{escape(title)}</span>" for title, state in sections)
    return (f"<div><strong>{escape(summary)}</strong></div>"
            f"<div class='fab-complete'>{chips}</div>")


def word_diff(runs: list[tuple[str, str]], summary: str) -> str:
    """Return word differences: added words highlighted in green, removed struck in red."""
    parts = []
    for op, text in runs:
        body = escape(text)
        parts.append(f"<ins>{body}</ins>" if op == "added" else
                     f"<del>{body}</del>" if op == "removed" else body)
    return (f"<div class='fab-card-meta'>{escape(summary)}</div>"
            f"<div class='fab-diff'>{' '.join(parts)}</div>")


def comment(thread, replies: list, resolved_label: str,
            moment: Callable[[datetime], str]) -> str:
    """Return a comment thread: the comment, its replies, faded once resolved (``moment``
    writes a date and time for the reader's language)."""
    def one(item) -> str:
        when = moment(item.created_at)
        return (f"<div class='fab-comment'><div class='fab-card-meta'>{escape(item.author)}"
                f" · {escape(when)}</div><div class='fab-paragraphs'>{escape(item.text)}"
                f"</div></div>")
    mark = (f" <span class='fab-card-meta'>{icon('check_circle')} {escape(resolved_label)}</span>"
            if thread.resolved else "")
    body = one(thread) + "".join(
        f"<div class='fab-reply'>{one(r)}</div>" for r in replies)
    css = "fab-thread resolved" if thread.resolved else "fab-thread"
    return f"<div class='{css}'>{body}{mark}</div>"


def paragraphs(text: str) -> str:
    """Return user text with its line breaks kept."""
    return f"<div class='fab-paragraphs'>{escape(text)}</div>"


def theme_header(label: str, color: str, count: int) -> str:
    """Return the heading of a theme's column on a board."""
    return (f"<div class='fab-theme'><span class='fab-chip' style='background:{escape(color)}'>"
            f"</span>{escape(label)} <span class='fab-count'>({count})</span></div>")


def bullet_list(items: list[str]) -> str:
    """Return user texts as a bulleted list."""
    return ("<ul class='fab-list'>" + "".join(f"<li>{escape(i)}</li>" for i in items)
            + "</ul>")


def table(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...],
          align: tuple[str, ...], legend: tuple[str, ...] = ()) -> str:
    """Return a table of texts (each escaped), numbers aligned as ``align`` says, and the
    lines that explain it under it."""
    def cells(tag: str, values: tuple[str, ...]) -> str:
        return "".join(f"<{tag} style='text-align:{escape(a)}'>{escape(v)}</{tag}>"
                       for v, a in zip(values, align, strict=True))
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    notes = "".join(f"<div class='fab-muted'>{escape(line)}</div>" for line in legend)
    return (f"<table class='fab-table'><thead><tr>{cells('th', headers)}</tr></thead>"
            f"<tbody>{body}</tbody></table>{notes}")


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


def theme_section(label: str, color: str, cards_html: list[str]) -> str:
    """Return a theme's heading and its cards (already escaped) as one responsive grid."""
    return (theme_header(label, color, len(cards_html))
            + "<div class='fab-grid'>"
            + "".join(f"<div class='fab-cell'>{c}</div>" for c in cards_html) + "</div>")


def join_block(url: str, code: str, intro: str) -> str:
    """Return how to join: the address and the code, large."""
    return (f"<div class='fab-join'><div>{escape(intro)}</div>"
            f"<div class='fab-join-url'>{escape(url)}</div>"
            f"<div class='fab-join-code'>{escape(code)}</div></div>")


def welcome_wall(url: str, code: str, intro: str, text: str) -> str:
    """Return the welcome wall: the QR code and the code fill the screen, to be read and
    scanned from the back of the hall; the address and the room's instructions beside."""
    return (f"<div class='fab-welcome'>{qr(url, size=620)}<div class='fab-welcome-side'>"
            f"<div class='fab-welcome-intro'>{escape(intro)}</div>"
            f"<div class='fab-welcome-code'>{escape(code)}</div>"
            f"<div class='fab-welcome-url'>{escape(url)}</div>"
            + (f"<div class='fab-welcome-text'>{escape(text)}</div>" if text else "")
            + "</div></div>")


def qr(url: str, *, size: int = 220) -> str:
    """Return a QR code of ``url`` (made on this machine) at ``size`` pixels."""
    return (f"<div class='fab-qr'><img src='{escape(qr_data_uri(url))}' "
            f"width='{int(size)}' height='{int(size)}' alt='QR code'></div>")


# The projector: no sidebar nor toolbar, type readable from ten metres on 1920×1080.
PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stHeader"],
[data-testid="stToolbar"],[data-testid="stDecoration"]{display:none !important;}
[data-testid="stMainBlockContainer"]{max-width:100% !important;padding:1.2rem 2rem !important;}
.fab-projector-head{display:flex;align-items:baseline;gap:2rem;margin-bottom:.6rem;}
.fab-welcome{display:flex;align-items:center;gap:4rem;margin-top:1rem;}
.fab-welcome-side{min-width:0;}
.fab-welcome-intro{font-size:2.6rem;font-weight:600;}
.fab-welcome-code{font-size:9rem;font-weight:800;letter-spacing:.6rem;line-height:1.1;}
.fab-welcome-url{font-size:2rem;overflow-wrap:anywhere;color:#343a40;}
.fab-welcome-text{font-size:2.2rem;margin-top:1.5rem;line-height:1.3;}
.fab-rank-row{display:flex;align-items:center;gap:1.2rem;margin:.5rem 0;font-size:2.2rem;}
.fab-rank{font-weight:800;width:3rem;text-align:right;color:#b03a0a;}
.fab-rank-body{flex:1;min-width:0;}
.fab-rank-title{font-weight:600;overflow-wrap:anywhere;line-height:1.2;}
.fab-rank-bar{height:1.1rem;background:#f1f3f5;border-radius:.55rem;margin-top:.3rem;}
.fab-rank-bar>div{height:100%;background:#b03a0a;border-radius:.55rem;}
.fab-rank-score{font-weight:800;font-variant-numeric:tabular-nums;min-width:5rem;
  text-align:right;}
.fab-projector-title{font-size:56px;font-weight:800;line-height:1.1;overflow-wrap:anywhere;}
.fab-projector-head .fab-timer{margin-left:auto;font-size:72px !important;}
.fab-projector-text{font-size:40px;line-height:1.3;margin:.4rem 0;white-space:pre-wrap;
  overflow-wrap:anywhere;}
.fab-projector-text.small{font-size:32px;color:#343a40;}
.fab-projector-group{margin:.8rem 0 1rem 0;}
.fab-projector-group-name{font-size:40px;font-weight:800;display:flex;align-items:center;
  gap:.6rem;overflow-wrap:anywhere;}
.fab-projector-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));
  gap:16px;margin-top:.4rem;}
.fab-projector-card{font-size:32px;line-height:1.3;background:#fff;border:2px solid #dee2e6;
  border-left:12px solid #868e96;border-radius:12px;padding:14px 18px;white-space:pre-wrap;
  overflow-wrap:anywhere;color:#111;}
.fab-projector-section{border-left-color:#b03a0a;}
.fab-projector-section-title{font-size:28px;font-weight:800;color:#b03a0a;
  margin-bottom:.3rem;}
.fab-projector-section-text{font-size:32px;}
.fab-join{font-size:32px;}
.fab-join .fab-join-url{font-size:28px;}
.fab-join .fab-join-code{font-size:64px;}
</style>
"""


def projector_text(text: str, *, small: bool = False) -> str:
    """Return a paragraph in projector type."""
    css = "fab-projector-text small" if small else "fab-projector-text"
    return f"<div class='{css}'>{escape(text)}</div>"


def projector_cards(name: str, color: str, texts: list[str], *, count: bool = True) -> str:
    """Return a group of cards in projector type (one HTML block, cheap to redraw)."""
    cards_html = "".join(
        f"<div class='fab-projector-card' style='border-left-color:{escape(color)}'>"
        f"{escape(text)}</div>" for text in texts)
    return (f"<div class='fab-projector-group'><div class='fab-projector-group-name'>"
            f"<span class='fab-chip' style='background:{escape(color)}'></span>"
            f"{escape(name)}"
            + (f" <span class='fab-count'>({len(texts)})</span>" if count else "")
            + f"</div><div class='fab-projector-grid'>{cards_html}</div></div>")


def projector_sections(name: str, sections: list[tuple[str, str]], summary: str) -> str:
    """Return a canvas for the wall, section by section as the room fills it: each written
    section's title and its text, large (line breaks kept)."""
    cards_html = "".join(
        f"<div class='fab-projector-card fab-projector-section'>"
        f"<div class='fab-projector-section-title'>{escape(title)}</div>"
        f"<div class='fab-projector-section-text'>{escape(text)}</div></div>"
        for title, text in sections)
    return (f"<div class='fab-projector-group'><div class='fab-projector-group-name'>"
            f"{icon('description')} {escape(name)} <span class='fab-count'>{escape(summary)}"
            f"</span></div><div class='fab-projector-grid'>{cards_html}</div></div>")


def projector_criteria(name: str, rows: list[tuple[str, str]]) -> str:
    """Return the vote's criteria for the wall: each one's name and the question it asks."""
    cards_html = "".join(
        f"<div class='fab-projector-card fab-projector-section'>"
        f"<div class='fab-projector-section-title'>{escape(title)}</div>"
        + (f"<div class='fab-projector-section-text'>{escape(question)}</div>"
           if question else "") + "</div>"
        for title, question in rows)
    return (f"<div class='fab-projector-group'><div class='fab-projector-group-name'>"
            f"{icon('how_to_vote')} {escape(name)}</div>"
            f"<div class='fab-projector-grid'>{cards_html}</div></div>")


def projector_ranking(name: str, rows: list[tuple[int, str, str, float]]) -> str:
    """Return the ranking for the wall: rank, title, score (already written for the
    language) and a bar of ``fraction`` (0–1) of the leader's score, readable from the
    back of the hall."""
    lines = "".join(
        f"<div class='fab-rank-row'><div class='fab-rank'>{rank}</div>"
        f"<div class='fab-rank-body'><div class='fab-rank-title'>{escape(title)}</div>"
        f"<div class='fab-rank-bar'><div style='width:{max(0.0, min(1.0, fraction)) * 100:.0f}%'>"
        f"</div></div></div><div class='fab-rank-score'>{escape(score)}</div></div>"
        for rank, title, score, fraction in rows)
    return (f"<div class='fab-projector-group'><div class='fab-projector-group-name'>"
            f"{icon('leaderboard')} {escape(name)}</div>{lines}</div>")


def projector_latest(name: str, cards: list[tuple[str, str]], *,
                     icon_name: str = "schedule") -> str:
    """Return the newest cards (text, theme colour), each in its theme's colour, as the
    band at the top of the wall: what was just written is always on the screen."""
    cards_html = "".join(
        f"<div class='fab-projector-card fab-latest' style='border-left-color:{escape(color)}'>"
        f"{escape(text)}</div>" for text, color in cards)
    return (f"<div class='fab-projector-group'><div class='fab-projector-group-name'>"
            f"{icon(icon_name)} {escape(name)}</div>"
            f"<div class='fab-projector-grid'>{cards_html}</div></div>")


def public_card(card, templates: Templates, lang: str, *, extra: list[str], linked: list[str],
                merged_label: str, me_label: str, own_label: str) -> str:
    """Return a card everyone sees alike; "you too" and "yours" are hidden marks that a
    reader's own style rule (``personal_marks``) shows."""
    color = templates.theme_color(card.theme)
    details = [f"#{card.id}"]
    if card.source:
        details.append(templates.source_label(card.source, lang))
    author = card.author_name or card.writer_name
    if author:
        details.append(author)
    if card.place:
        details.append(":material/location_on: " + card.place)
    if card.support_count:
        details.append(f":material/thumb_up: {card.support_count}")
    details.extend(extra)
    meta = " · ".join(icon_text(d) for d in details)
    marks = (f"<span class='fab-mark fab-me-{card.id}'> · {icon('thumb_up')} "
             f"{escape(me_label)}</span>"
             f"<span class='fab-mark fab-own-{card.id}'> · {escape(own_label)}</span>")
    links = "".join(f"<li>{escape(text)}</li>" for text in linked)
    merged = "".join(f"<li>{escape(text)}</li>" for text in card.merged_texts)
    return (f"<div class='fab-card' style='border-left-color:{escape(color)}'>"
            f"<div class='fab-card-text'>{escape(card.text)}</div>"
            f"<div class='fab-card-meta'>{meta}{marks}</div>"
            + (f"<ul class='fab-card-links'>{links}</ul>" if links else "")
            + (f"<div class='fab-card-meta'>{escape(merged_label)}</div>"
               f"<ul class='fab-card-merged'>{merged}</ul>" if merged else "")
            + "</div>")


def personal_marks(supported: frozenset[int], mine: frozenset[int]) -> str:
    """Return the style rule that shows this reader's own marks on the shared board."""
    selectors = [f".fab-me-{int(i)}" for i in sorted(supported)] + [
        f".fab-own-{int(i)}" for i in sorted(mine)]
    rule = f"{','.join(selectors)}{{display:inline !important;}}" if selectors else ""
    return f"<style>.fab-mark{{display:none;}}{rule}</style>"


def heading(text: str) -> str:
    """Return a section heading (inside an HTML block)."""
    return f"<h2 class='fab-heading'>{escape(text)}</h2>"


def details(summary: str, items: list[str], *, opened: bool = False) -> str:
    """Return a list that opens and closes (HTML details: no script, no rerun)."""
    state = " open" if opened else ""
    return (f"<details class='fab-details'{state}><summary>{escape(summary)}</summary>"
            f"{bullet_list(items)}</details>")


STATUS_COLOURS = {"todo": "#868e96", "doing": "#1971c2", "done": "#2f9e44",
                  "abandoned": "#adb5bd"}


def action_card(what: str, *, status: str, status_label: str, details: list[str],
                note: str = "") -> str:
    """Return a next step as a card: what, then who / when / support, its status."""
    color = STATUS_COLOURS.get(status, "#868e96")
    meta = " · ".join(icon_text(d) for d in details if d)
    done = " style='text-decoration:line-through'" if status == "abandoned" else ""
    return (f"<div class='fab-card' style='border-left-color:{color}'>"
            f"<div class='fab-card-text'{done}>{escape(what)}</div>"
            f"<div class='fab-card-meta'><span class='fab-status' style='background:{color}'>"
            f"{escape(status_label)}</span> {meta}</div>"
            + (f"<div class='fab-card-meta'>{escape(note)}</div>" if note else "")
            + "</div>")


def action_group(project: str, cards_html: list[str]) -> str:
    """Return one project's next steps (cards already escaped) as a grid."""
    return (f"<h2 class='fab-heading'>{escape(project)} "
            f"<span class='fab-count'>({len(cards_html)})</span></h2>"
            "<div class='fab-grid'>"
            + "".join(f"<div class='fab-cell'>{c}</div>" for c in cards_html) + "</div>")


def projector_actions(project: str, rows: list[tuple[str, str, str]]) -> str:
    """Return one project's next steps in projector type: (what, who and when, status)."""
    cards_html = "".join(
        f"<div class='fab-projector-card' style='border-left-color:"
        f"{STATUS_COLOURS.get(status, '#868e96')}'>{escape(what)}"
        f"<div style='font-size:24px;color:#495057'>{escape(meta)}</div></div>"
        for what, meta, status in rows)
    return (f"<div class='fab-projector-group'><div class='fab-projector-group-name'>"
            f"{escape(project)} <span class='fab-count'>({len(rows)})</span></div>"
            f"<div class='fab-projector-grid'>{cards_html}</div></div>")


def download_link(url: str, label: str, icon_name: str) -> str:
    """Return a link that downloads a file Fabrique's server makes when it is opened,
    drawn as a primary button."""
    return (f"<a href='{escape(url)}' download style='display:inline-flex;gap:.4rem;"
            "align-items:center;padding:.45rem .9rem;border-radius:.5rem;background:#b03a0a;"
            "color:#fff;text-decoration:none;font-weight:500'>"
            f"{icon(icon_name)} {escape(label)}</a>")
