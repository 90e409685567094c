"""Projection: the wall of the salle des fêtes — current phase and timer, the live board of
that phase, and how to join (QR code, code, address), in type readable from the back."""

import streamlit as st

from core.domain.models import CardKind, PhaseKind, VoteMode, WorkshopStatus
from core.domain.templates import NO_THEME_COLOR
from core.services import actions, canvases, cards, clusters, projects, relation, scoring
from core.services.phases import LiveState
from core.services.synthesis import STATUS_LABELS
from core.settings import get_settings
from ui import calls, legacy_guard, links, live, render, startup
from ui import relation as relation_panel
from ui.i18n import _, date_label, lang, ngettext, number
from ui.workshop_screen import open_workshop_screen

LATEST_SHOWN = 4  # two rows of the wall's two columns: what was just written
EXCHANGE_SHOWN = 10  # the needs shown while the room talks, most "ça me concerne" first

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
    key: tuple = (state.revision, state.index, state.status, state.results_revealed,
                  state.answers_revealed, lang())
    if state.phase is not None and state.phase.kind == PhaseKind.FORMALISE:
        # Canvas saves do not move the boards' revision: follow the canvases themselves.
        key += calls.read(canvases.workshop_stamp, workshop_id=workshop_id)
    if state.phase is not None and state.phase.kind == PhaseKind.DIAGNOSTIC:
        # People joining do not move it either: "n / N have answered" follows them.
        found = calls.read(relation.diagnostic, workshop_id=workshop_id, templates=templates)
        key += (found.answered, found.present) if found is not None else ()
    cached = st.session_state.get("projector_drawn")
    if cached is None or cached[0] != key:
        cached = (key, "".join(wall_html(state)))
        st.session_state["projector_drawn"] = cached
    return cached[1]


def welcoming(state: LiveState) -> bool:
    """Before the start and during the welcome, the wall is mostly the way in."""
    return state.status == WorkshopStatus.DRAFT or (
        state.status == WorkshopStatus.RUNNING and state.phase is not None
        and state.phase.kind == PhaseKind.WELCOME)


def wall_html(state: LiveState) -> list[str]:
    phase = state.phase
    if welcoming(state):
        link = links.join_link(workshop.join_code)
        text = (_("Welcome! The workshop starts soon.") if phase is None
                or state.status == WorkshopStatus.DRAFT else phase.instructions)
        return [render.welcome_wall(link, workshop.join_code, _("Join the workshop:"), text)]
    if state.status == WorkshopStatus.ENDED or phase is None:
        return closing_wall()
    if state.projects:
        return projects_wall(state)
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
        if len(shown) > LATEST_SHOWN:
            # Newest first, above the themes: with many cards the themes run below the
            # screen, and a card just written must be seen at once.
            newest = sorted(shown, key=lambda v: v.id, reverse=True)[:LATEST_SHOWN]
            blocks.append(render.projector_latest(_("Just written"), [
                (v.text, templates.theme_color(v.theme)) for v in newest]))
        groups: dict[str, list] = {}
        for view in shown:
            groups.setdefault(view.theme, []).append(view)
        for key in [k for k in templates.themes if k in groups] + [
                k for k in groups if k not in templates.themes]:
            blocks.append(render.projector_cards(
                templates.theme_label(key, lang()) if key else _("No theme"),
                templates.theme_color(key), [v.text for v in groups[key]]))
    elif phase.kind == PhaseKind.GROUP:
        if phase.instructions:
            blocks.append(render.projector_text(phase.instructions, small=True))
        for kind in (CardKind.IDEA, CardKind.NEED):
            grouped = calls.read(clusters.group_board, workshop_id=workshop_id, kind=kind)
            for group in grouped.groups:
                blocks.append(render.projector_cards(
                    group.name, group.color, [c.text for c in group.cards if c.revealed]))
            left = [c.text for c in grouped.unclassified if c.revealed]
            if kind == CardKind.IDEA and left:  # what the room still has to place
                blocks.append(render.projector_cards(_("Not grouped yet"), NO_THEME_COLOR, left))
    elif phase.kind == PhaseKind.SCORE:
        board, result = calls.read(scoring.results_view, workshop_id=workshop_id,
                                     lang=lang())
        revealed = board.revealed and result is not None
        if phase.instructions and not revealed:
            blocks.append(render.projector_text(phase.instructions, small=True))
        blocks.append(render.projector_text(
            _("{done} / {total} have voted", done=board.finished, total=board.voters)))
        if not revealed and board.criteria:
            # What the room scores against, while it votes.
            if board.workshop.vote_mode == VoteMode.DOTS:
                blocks.append(render.projector_text(ngettext(
                    "Each of you places {n} dot on the ideas you back.",
                    "Each of you places {n} dots on the ideas you back.",
                    board.workshop.dots_per_person), small=True))
            else:
                blocks.append(render.projector_criteria(
                    _("Score each idea from 1 to 5 on:"),
                    [(c.name_fr if lang() == "fr" else c.name_en,
                      c.question_fr if lang() == "fr" else c.question_en)
                     for c in board.criteria]))
        if revealed:
            titles = {c.id: c.title for c in board.candidates}
            if board.workshop.vote_mode == VoteMode.DOTS:
                # (rank, candidate, what it got, as a number for the bar)
                rows = [(rank, c, ngettext("{n} dot", "{n} dots", total),
                         float(total)) for c, total, rank in result.dots if rank is not None]
            else:
                rows = [(r.rank, r.candidate, _("{score} / 5", score=number(r.score or 0.0)),
                         r.score or 0.0) for r in result.scored if r.rank is not None]
            best = max((row[3] for row in rows[:5]), default=0.0) or 1.0
            blocks.append(render.projector_ranking(_("Results"), [
                (rank, titles.get(c, "?"), shown, value / best)
                for rank, c, shown, value in rows[:5]]))
    elif phase.kind == PhaseKind.FORMALISE:
        blocks += canvases_wall()
    elif phase.kind == PhaseKind.EXCHANGE:
        # Time to talk: the needs that concern the most people first.
        if phase.instructions:
            blocks.append(render.projector_text(phase.instructions, small=True))
        needs = calls.read(cards.board, workshop_id=workshop_id, kind=CardKind.NEED)
        # The most "ça me concerne" first, with their count; the newest among equals.
        ranked = sorted((c for c in needs.cards if c.revealed),
                        key=lambda c: (-c.support_count, -c.id))[:EXCHANGE_SHOWN]
        if ranked:
            blocks.append(render.projector_latest(_("Needs to talk about"), [
                (c.text + (f" · +{c.support_count}" if c.support_count else ""),
                 templates.theme_color(c.theme)) for c in ranked], icon_name="forum"))
    elif phase.kind == PhaseKind.NEXT_STEPS:
        if phase.instructions:
            blocks.append(render.projector_text(phase.instructions, small=True))
        blocks += actions_wall()
    elif phase.kind == PhaseKind.DIAGNOSTIC:
        blocks += diagnostic_wall()
    else:
        blocks.append(render.projector_text(phase.instructions or phase.title))
    return blocks


def projects_wall(state: LiveState) -> list[str]:
    """"Chacun son projet": the step's question and example, how many projects wrote in
    each section in focus — nobody's text, unless a project is put forward with its
    porteurs' agreement; during "regards croisés", the pairs."""
    phase = state.phase
    assert phase is not None
    blocks = [render.projector_text(phase.instructions, small=True)] if phase.instructions \
        else []
    if phase.kind == PhaseKind.PAIRS:
        made = calls.read(projects.pairs, workshop_id=workshop_id)
        if made is None or not made.groups:
            blocks.append(render.projector_text(_("The pairs are being made.")))
        else:
            blocks.append(render.projector_cards(_("Pairs"), "#1864ab", [
                " ↔ ".join(", ".join(p.members) for p in group) for group in made.groups]))
        return blocks
    if phase.kind == PhaseKind.DIAGNOSTIC:
        return blocks + diagnostic_wall()
    if phase.kind != PhaseKind.FORMALISE or not state.focus:
        return blocks or [render.projector_text(phase.title)]
    shown = calls.read(projects.wall, workshop_id=workshop_id, focus=state.focus)
    template = templates.default_canvas
    for key in state.focus:
        section = template.section(key)
        if section is None:
            continue
        blocks.append(render.projector_sections(section.title(lang()), [
            (" ".join(q(lang()) for q in section.questions) or section.title(lang()),
             _("For example: {example}", example=section.example(lang())))],
            ngettext("{n} project of {total} wrote here", "{n} projects of {total} wrote here",
                     shown.written.get(key, 0), total=shown.projects)))
    if shown.featured is not None:
        written = [(template.section(k).title(lang()), text)
                   for k, text in shown.featured_texts.items()
                   if text.strip() and template.section(k) is not None]
        blocks.append(render.projector_sections(
            shown.featured.pitch, written or [(_("Nothing written yet"), "")],
            _("shown with its porteurs' agreement")))
    return blocks


def diagnostic_wall() -> list[str]:
    """"Et la collectivité ?": the question and how many answered; once revealed, how many
    said each level of the scale, how far apart, the signs most recognised — never who."""
    found = calls.read(relation.diagnostic, workshop_id=workshop_id, templates=templates)
    if found is None:
        return []
    gradient = relation_panel.gradient(found.gradient_key)
    blocks = []
    if found.subject:
        blocks.append(render.projector_text(found.subject))
    if not found.revealed or found.tally is None:
        blocks.append(render.projector_text(gradient.question(lang()), small=True))
        blocks.append(render.projector_text(_("{done} / {total} have answered",
                                              done=found.answered, total=found.present)))
        return blocks
    counts = [found.tally.counts[level.key] for level in gradient.levels]
    best = max(counts) or 1
    blocks.append(render.projector_ranking(gradient.name(lang()), [
        (position, level.label(lang()), ngettext("{n} person", "{n} people", n), n / best)
        for position, (level, n) in enumerate(zip(gradient.levels, counts, strict=True),
                                              start=1)]))
    blocks.append(render.projector_text(_(
        "How far apart: {spread} level (0: everyone said the same level).",
        spread=number(found.tally.spread or 0.0, 1)), small=True))
    if found.tally.signs:
        blocks.append(render.projector_cards(_("Signs most recognised"), "#b03a0a", [
            f"{relation.sign_text(gradient, key, lang())} ({n})"
            for key, n in found.tally.signs[:3]], count=False))
    return blocks


def canvases_wall() -> list[str]:
    """The canvases being written, as the room fills them section by section: each written
    section's title and text, large; how many are filled."""
    found = [c for c in calls.read(canvases.list_canvases, workshop_id=workshop_id)
             if c.workshop_id == workshop_id and c.id is not None]
    if not found:
        return [render.projector_text(_("No canvas yet: the facilitator starts one from the "
                                        "chosen idea."))]
    blocks = []
    for canvas in found:
        view = calls.read(canvases.canvas_view, canvas_id=canvas.id, templates=templates)
        states = canvases.completeness(view)
        written = [(s.title(lang()), view.text(s.key)) for s in view.template.sections
                   if states[s.key] != "empty"]
        blocks.append(render.projector_sections(
            canvas.title, written, _("{done} / {total} sections filled", done=len(written),
                                     total=len(states))))
    return blocks


def actions_wall() -> list[str]:
    """The next steps, large, grouped by project."""
    views = calls.read(actions.workshop_actions, workshop_id=workshop_id)
    if not views:
        return [render.projector_text(_("Who does what, by when? Write it on your phone."))]
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for view in views:
        meta = " · ".join(x for x in (view.who or _("nobody yet"),
                                      date_label(view.due_on, year=False) if view.due_on else "",
                                      _(STATUS_LABELS[view.status])) if x)
        groups.setdefault(view.project or _("The collective"), []).append(
            (view.what, meta, view.status))
    return [render.projector_actions(project, rows) for project, rows in groups.items()]


def closing_wall() -> list[str]:
    """The end: what was chosen, the next steps, thanks."""
    blocks = [render.projector_text(_("Thank you all!"))]
    if drawn.projects:  # each porteur's steps are their own
        return blocks
    board, result = calls.read(scoring.results_view, workshop_id=workshop_id, lang=lang())
    chosen = [c.title for c in board.candidates if c.selected]
    if chosen:
        blocks.append(render.projector_cards(_("What we chose"), "#2f9e44", chosen))
    blocks += actions_wall() if calls.read(actions.workshop_actions,
                                           workshop_id=workshop_id) else []
    return blocks


if welcoming(drawn) or drawn.status == WorkshopStatus.ENDED:
    # The way in takes the whole wall (a phase change redraws the page); at the end, the
    # wall no longer invites anyone to join (a late phone would be refused).
    live.follow(workshop_id, drawn, bar=header, content=wall,
                interval=get_settings().projector_interval, on_top=False)
else:
    main, side = st.columns([3, 1], gap="large")
    with main:
        live.follow(workshop_id, drawn, bar=header, content=wall,
                    interval=get_settings().projector_interval, on_top=False)
    with side:
        link = links.join_link(workshop.join_code)
        st.html(render.qr(link, size=300))
        st.html(render.join_block(link, workshop.join_code, _("Join the workshop:")))
