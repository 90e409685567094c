"""Projection: the wall of the salle des fêtes — current phase and timer, the live board of
that phase, and how to join (QR code, code, address), in type readable from the back."""

import streamlit as st

from core.models import CardKind, PhaseKind, WorkshopStatus
from core.services import cards, clusters, scoring
from core.services.phases import LiveState
from core.settings import get_settings
from ui import calls, legacy_guard, links, live, render, startup
from ui.i18n import _, lang
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

screen = open_workshop_screen(None, facilitator=True, css=render.PROJECTOR_CSS,
                              empty_title=_("Projector"))
workshop_id, workshop, drawn = screen.workshop_id, screen.workshop, screen.state
templates = startup.templates()


def header(state: LiveState) -> str:
    if state.status != WorkshopStatus.RUNNING or state.phase is None:
        title = workshop.title
        timer = ""
    else:
        title = state.phase.title
        timer = live.timer_html(state, big=True)
    return (f"<div class='fab-projector-head'><div class='fab-projector-title'>"
            f"{render.escape(title)}</div>{timer}</div>")


def wall(state: LiveState) -> str:
    """Return what the room looks at in this phase (redrawn live)."""
    key = (state.revision, state.index, state.status, state.results_revealed, lang())
    cached = st.session_state.get("projector_drawn")
    if cached is None or cached[0] != key:
        cached = (key, "".join(wall_html(state)))
        st.session_state["projector_drawn"] = cached
    return cached[1]


def wall_html(state: LiveState) -> list[str]:
    phase = state.phase
    if state.status == WorkshopStatus.DRAFT:
        return [render.projector_text(_("Welcome! The workshop starts soon."))]
    if state.status == WorkshopStatus.ENDED or phase is None:
        return [render.projector_text(_("Thank you all!"))]
    blocks = []
    if phase.kind in (PhaseKind.EXPLORE, PhaseKind.IDEAS):
        kind = CardKind.NEED if phase.kind == PhaseKind.EXPLORE else CardKind.IDEA
        board = calls.read(cards.board, workshop_id=workshop_id, kind=kind)
        shown = [c for c in board.cards if c.revealed]
        hidden = len(board.cards) - len(shown)
        if phase.instructions:
            blocks.append(render.projector_text(phase.instructions, small=True))
        if hidden:
            blocks.append(render.projector_text(
                _("{n} cards written, revealed together soon.", n=hidden), small=True))
        groups: dict[str, list] = {}
        for view in shown:
            groups.setdefault(view.theme, []).append(view)
        for key in [k for k in templates.themes if k in groups] + [
                k for k in groups if k not in templates.themes]:
            theme = templates.themes.get(key)
            blocks.append(render.projector_cards(
                templates.theme_label(key, lang()) if key else _("No theme"),
                theme.color if theme else "#868e96", [v.text for v in groups[key]]))
    elif phase.kind == PhaseKind.GROUP:
        for kind in (CardKind.IDEA, CardKind.NEED):
            grouped = calls.read(clusters.group_board, workshop_id=workshop_id, kind=kind)
            for group in grouped.groups:
                blocks.append(render.projector_cards(
                    group.name, group.color, [c.text for c in group.cards if c.revealed]))
    elif phase.kind == PhaseKind.SCORE:
        board, result = calls.read(scoring.results_view, workshop_id=workshop_id,
                                     lang=lang())
        blocks.append(render.projector_text(
            _("{done} / {total} have voted", done=board.finished, total=board.voters)))
        if board.workshop.results_revealed and result is not None:
            titles = {c.id: c.title for c in board.candidates}
            ranked = [f"{r.rank}. {titles.get(r.candidate, '?')}" for r in result.scored
                      if r.rank is not None][:5]
            blocks.append(render.projector_cards(_("Results"), "#c2410c", ranked))
    else:
        blocks.append(render.projector_text(phase.instructions or phase.title))
    return blocks


main, side = st.columns([3, 1], gap="large")
with main:
    live.follow(workshop_id, drawn, bar=header, content=wall,
                interval=get_settings().projector_interval)

with side:
    link = links.join_link(workshop.join_code)
    st.html(render.qr(link, size=300))
    st.html(render.join_block(link, workshop.join_code, _("Join the workshop:")))
