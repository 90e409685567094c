"""Projection: the wall of the salle des fêtes — current phase and timer, the live board of
that phase, and how to join (QR code, code, address), in type readable from the back."""

import streamlit as st

from core.models import CardKind, PhaseKind, WorkshopStatus
from core.services import cards, clusters, scoring, workshops
from core.services.phases import LiveState
from ui import live, render, session
from ui.i18n import _, lang

session.page_setup()

session.require_user()
workshop_id = session.current_workshop_id()
st.html(render.PROJECTOR_CSS)
if workshop_id is None:
    st.title(_("Projector"))
    st.info(_("Open a workshop first, from your collectives."), icon="👈")
    st.stop()

workshop = session.read(workshops.get_workshop, workshop_id=workshop_id)
drawn = live.live_state(workshop_id)
templates = session.templates()


def header(state: LiveState) -> str:
    if state.status != WorkshopStatus.RUNNING.value or state.phase is None:
        title = workshop.title
        timer = ""
    else:
        title = state.phase.title
        timer = live.timer_html(state, big=True)
    return (f"<div class='fab-projector-head'><div class='fab-projector-title'>"
            f"{render.escape(title)}</div>{timer}</div>")


main, side = st.columns([3, 1], gap="large")
with main:
    live.follow(workshop_id, drawn, bar=header)
    phase = drawn.phase
    if drawn.status == WorkshopStatus.DRAFT.value:
        st.html(render.projector_text(_("Welcome! The workshop starts soon.")))
    elif drawn.status == WorkshopStatus.ENDED.value:
        st.html(render.projector_text(_("Thank you all!")))
    elif phase is not None and phase.kind in (PhaseKind.EXPLORE.value, PhaseKind.IDEAS.value):
        kind = CardKind.NEED if phase.kind == PhaseKind.EXPLORE.value else CardKind.IDEA
        board = session.read(cards.board, workshop_id=workshop_id, kind=kind)
        shown = [c for c in board.cards if c.revealed]
        hidden = len(board.cards) - len(shown)
        if phase.instructions:
            st.html(render.projector_text(phase.instructions, small=True))
        if hidden:
            st.html(render.projector_text(
                _("{n} cards written, revealed together soon.", n=hidden), small=True))
        groups: dict[str, list] = {}
        for view in shown:
            groups.setdefault(view.theme, []).append(view)
        for key in [k for k in templates.themes if k in groups] + [
                k for k in groups if k not in templates.themes]:
            theme = templates.themes.get(key)
            st.html(render.projector_cards(
                templates.theme_label(key, lang()) if key else _("No theme"),
                theme.color if theme else "#868e96", [v.text for v in groups[key]]))
    elif phase is not None and phase.kind == PhaseKind.GROUP.value:
        for kind in (CardKind.IDEA, CardKind.NEED):
            grouped = session.read(clusters.group_board, workshop_id=workshop_id, kind=kind)
            for group in grouped.groups:
                st.html(render.projector_cards(group.name, group.color,
                                               [c.text for c in group.cards if c.revealed]))
    elif phase is not None and phase.kind == PhaseKind.SCORE.value:
        board, result = session.read(scoring.results_view, workshop_id=workshop_id,
                                     lang=lang())
        st.html(render.projector_text(
            _("{done} / {total} have voted", done=board.finished, total=board.voters)))
        if board.workshop.results_revealed and result is not None:
            titles = {c.id: c.title for c in board.candidates}
            ranked = [f"{r.rank}. {titles.get(r.candidate, '?')}" for r in result.scored
                      if r.rank is not None][:5]
            st.html(render.projector_cards(_("Results"), "#c2410c", ranked))
    elif phase is not None:
        st.html(render.projector_text(phase.instructions or phase.title))

with side:
    link = session.join_link(workshop.join_code)
    st.html(render.qr(link, size=300))
    st.html(render.join_block(link, workshop.join_code, _("Join the workshop:")))
