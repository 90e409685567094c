"""The wall of the salle des fêtes, phase by phase: what each kind of phase shows the room,
in type readable from the back (``pages/projector.py`` follows the workshop and lays it out).

One registry, ``BLOCKS``: a phase kind → what the wall shows during it. A new kind of
phase gets its wall here, and nowhere else decides what the wall shows."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.domain.models import CardKind, PhaseKind, VoteMode, Workshop
from core.domain.templates import NO_THEME_COLOR, Templates
from core.services import actions, canvases, cards, clusters, projects, relation, scoring
from core.services.phases import LiveState
from core.services.synthesis import STATUS_LABELS
from ui import calls, links, live, render
from ui import relation as relation_panel
from ui.i18n import _, date_label, lang, ngettext, number

LATEST_SHOWN = 4  # two rows of the wall's two columns: what was just written
EXCHANGE_SHOWN = 10  # the needs shown while the room talks, most "ça me concerne" first
DRAWN_KEY = "projector_drawn"


class Wall:
    """One workshop's wall, drawn for a ``LiveState``."""

    def __init__(self, workshop: Workshop, templates: Templates):
        assert workshop.id is not None
        self.workshop = workshop
        self.workshop_id: int = workshop.id
        self.templates = templates

    # --- the page's two parts --------------------------------------------------------------

    def header(self, state: LiveState) -> str:
        if not state.running or state.phase is None:
            title, timer = self.workshop.title, ""
        else:
            title, timer = state.phase.title, live.timer_html(state, big=True)
        return (f"<div class='fab-projector-head'><div class='fab-projector-title'>"
                f"{render.escape(title)}</div>{timer}</div>")

    def content(self, state: LiveState) -> str:
        """Return what the room looks at in this phase (redrawn live, only when it moved)."""
        key: tuple = (state.revision, state.index, state.status, state.results_revealed,
                      state.answers_revealed, lang())
        follows = FOLLOWS.get(state.current)
        if follows is not None:
            key += follows(self)
        cached = st.session_state.get(DRAWN_KEY)
        if cached is None or cached[0] != key:
            cached = (key, "".join(self.blocks(state)))
            st.session_state[DRAWN_KEY] = cached
        return cached[1]

    def blocks(self, state: LiveState) -> list[str]:
        phase = state.phase
        if state.welcoming:
            link = links.join_link(self.workshop.join_code)
            text = (phase.instructions if phase is not None and not state.draft
                    else _("Welcome! The workshop starts soon."))
            return [render.welcome_wall(link, self.workshop.join_code,
                                        _("Join the workshop:"), text)]
        if not state.running or phase is None:
            return self.closing(state)
        if state.projects:
            return self.projects_wall(state)
        draw = BLOCKS.get(phase.kind)
        if draw is None:
            return [render.projector_text(phase.instructions or phase.title)]
        return draw(self, state)

    # --- the room's funnel, phase by phase -------------------------------------------------

    def instructions(self, state: LiveState) -> list[str]:
        phase = state.phase
        return [render.projector_text(phase.instructions, small=True)] \
            if phase is not None and phase.instructions else []

    def cards(self, state: LiveState, kind: str) -> list[str]:
        """A board of cards: the newest first, then by theme; hidden ones counted."""
        board = calls.read(cards.board, workshop_id=self.workshop_id, kind=kind)
        shown = [c for c in board.cards if c.revealed]
        hidden = len(board.cards) - len(shown)
        blocks = self.instructions(state)
        if hidden:
            blocks.append(render.projector_text(
                _("{n} cards written, revealed together soon.", n=hidden), small=True))
        if len(shown) > LATEST_SHOWN:
            # Newest first, above the themes: with many cards the themes run below the
            # screen, and a card just written must be seen at once.
            newest = sorted(shown, key=lambda v: v.id, reverse=True)[:LATEST_SHOWN]
            blocks.append(render.projector_latest(_("Just written"), [
                (v.text, self.templates.theme_color(v.theme)) for v in newest]))
        groups: dict[str, list] = {}
        for view in shown:
            groups.setdefault(view.theme, []).append(view)
        themes = self.templates.themes
        for key in [k for k in themes if k in groups] + [k for k in groups if k not in themes]:
            blocks.append(render.projector_cards(
                self.templates.theme_label(key, lang()) if key else _("No theme"),
                self.templates.theme_color(key), [v.text for v in groups[key]]))
        return blocks

    def needs(self, state: LiveState) -> list[str]:
        return self.cards(state, CardKind.NEED)

    def ideas(self, state: LiveState) -> list[str]:
        return self.cards(state, CardKind.IDEA)

    def groups(self, state: LiveState) -> list[str]:
        blocks = self.instructions(state)
        for kind in (CardKind.IDEA, CardKind.NEED):
            grouped = calls.read(clusters.group_board, workshop_id=self.workshop_id, kind=kind)
            for group in grouped.groups:
                blocks.append(render.projector_cards(
                    group.name, group.color, [c.text for c in group.cards if c.revealed]))
            left = [c.text for c in grouped.unclassified if c.revealed]
            if kind == CardKind.IDEA and left:  # what the room still has to place
                blocks.append(render.projector_cards(_("Not grouped yet"), NO_THEME_COLOR,
                                                     left))
        return blocks

    def vote(self, state: LiveState) -> list[str]:
        board, result = calls.read(scoring.results_view, workshop_id=self.workshop_id,
                                   lang=lang())
        revealed = board.revealed and result is not None
        blocks = [] if revealed else self.instructions(state)
        blocks.append(render.projector_text(
            _("{done} / {total} have voted", done=board.finished, total=board.voters)))
        dots = board.workshop.vote_mode == VoteMode.DOTS
        if not revealed and board.criteria:
            # What the room scores against, while it votes.
            if dots:
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
            if dots:
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
        return blocks

    def canvases(self, state: LiveState) -> list[str]:
        """The canvases being written, as the room fills them section by section: each
        written section's title and text, large; how many are filled."""
        found = [c for c in calls.read(canvases.list_canvases, workshop_id=self.workshop_id)
                 if c.workshop_id == self.workshop_id and c.id is not None]
        if not found:
            return [render.projector_text(_("No canvas yet: the facilitator starts one from "
                                            "the chosen idea."))]
        blocks = []
        for canvas in found:
            view = calls.read(canvases.canvas_view, canvas_id=canvas.id,
                              templates=self.templates)
            states = canvases.completeness(view)
            written = [(s.title(lang()), view.text(s.key)) for s in view.template.sections
                       if states[s.key] != "empty"]
            blocks.append(render.projector_sections(
                canvas.title, written, _("{done} / {total} sections filled",
                                         done=len(written), total=len(states))))
        return blocks

    def talk(self, state: LiveState) -> list[str]:
        """Time to talk: the needs that concern the most people first, with their count;
        the newest among equals."""
        blocks = self.instructions(state)
        needs = calls.read(cards.board, workshop_id=self.workshop_id, kind=CardKind.NEED)
        ranked = sorted((c for c in needs.cards if c.revealed),
                        key=lambda c: (-c.support_count, -c.id))[:EXCHANGE_SHOWN]
        if ranked:
            blocks.append(render.projector_latest(_("Needs to talk about"), [
                (c.text + (f" · +{c.support_count}" if c.support_count else ""),
                 self.templates.theme_color(c.theme)) for c in ranked], icon_name="forum"))
        return blocks

    def next_steps(self, state: LiveState) -> list[str]:
        """The next steps, large, grouped by project (the phase's instructions above)."""
        asked = self.instructions(state)
        return asked + self.actions(asked=bool(asked))

    def actions(self, *, asked: bool = False) -> list[str]:
        """``asked``: the phase's question is on the wall already (not said twice)."""
        views = calls.read(actions.workshop_actions, workshop_id=self.workshop_id)
        if not views:
            return [render.projector_text(
                _("No step yet: write the first one on your phone.") if asked
                else _("Who does what, by when? Write it on your phone."))]
        groups: dict[str, list[tuple[str, str, str]]] = {}
        for view in views:
            meta = " · ".join(x for x in (
                view.who or _("nobody yet"),
                date_label(view.due_on, year=False) if view.due_on else "",
                _(STATUS_LABELS[view.status])) if x)
            groups.setdefault(view.project or _("The collective"), []).append(
                (view.what, meta, view.status))
        return [render.projector_actions(project, rows) for project, rows in groups.items()]

    def diagnostic(self, state: LiveState) -> list[str]:
        """"Et la collectivité ?": the question and how many answered; once revealed, how
        many said each level of the scale, how far apart, the signs most recognised —
        never who."""
        found = calls.read(relation.diagnostic, workshop_id=self.workshop_id,
                           templates=self.templates)
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

    def closing(self, state: LiveState) -> list[str]:
        """The end: what was chosen, the next steps, thanks."""
        blocks = [render.projector_text(_("Thank you all!"))]
        if state.projects:  # each porteur's steps are their own
            return blocks
        board, _result = calls.read(scoring.results_view, workshop_id=self.workshop_id,
                                    lang=lang())
        chosen = [c.title for c in board.candidates if c.selected]
        if chosen:
            blocks.append(render.projector_cards(_("What we chose"), "#2f9e44", chosen))
        if calls.read(actions.workshop_actions, workshop_id=self.workshop_id):
            blocks += self.actions()
        return blocks

    # --- "chacun son projet" ---------------------------------------------------------------

    def projects_wall(self, state: LiveState) -> list[str]:
        """How many projects wrote in each section in focus — nobody's text, unless a
        project is put forward with its porteurs' agreement; the pairs; the diagnostic."""
        phase = state.phase
        assert phase is not None
        blocks = self.instructions(state)
        draw = PROJECT_BLOCKS.get(phase.kind)
        blocks += draw(self, state) if draw is not None else []
        return blocks or [render.projector_text(phase.title)]

    def pairs(self, state: LiveState) -> list[str]:
        made = calls.read(projects.pairs, workshop_id=self.workshop_id)
        if made is None or not made.groups:
            return [render.projector_text(_("The pairs are being made."))]
        return [render.projector_cards(_("Pairs"), "#1864ab", [
            " ↔ ".join(", ".join(p.members) for p in group) for group in made.groups])]

    def sections(self, state: LiveState) -> list[str]:
        """The step's sections: their question and example, how many projects wrote there;
        the project put forward, if its porteurs agreed."""
        if not state.focus:
            return []
        shown = calls.read(projects.wall, workshop_id=self.workshop_id, focus=state.focus)
        template = self.templates.default_canvas
        blocks = []
        for key in state.focus:
            section = template.section(key)
            if section is None:
                continue
            blocks.append(render.projector_sections(section.title(lang()), [
                (" ".join(q(lang()) for q in section.questions) or section.title(lang()),
                 _("For example: {example}", example=section.example(lang())))],
                ngettext("{n} project of {total} wrote here",
                         "{n} projects of {total} wrote here",
                         shown.written.get(key, 0), total=shown.projects)))
        if shown.featured is not None:
            written = [(template.section(k).title(lang()), text)
                       for k, text in shown.featured_texts.items()
                       if text.strip() and template.section(k) is not None]
            blocks.append(render.projector_sections(
                shown.featured.pitch, written or [(_("Nothing written yet"), "")],
                _("shown with its porteurs' agreement")))
        return blocks

    # --- what moves a wall besides the boards' revision ------------------------------------

    def canvases_stamp(self) -> tuple:
        # Canvas saves do not move the boards' revision: follow the canvases themselves.
        return tuple(calls.read(canvases.workshop_stamp, workshop_id=self.workshop_id))

    def answered(self) -> tuple:
        # People joining do not move it either: "n / N have answered" follows them.
        found = calls.read(relation.diagnostic, workshop_id=self.workshop_id,
                           templates=self.templates)
        return (found.answered, found.present) if found is not None else ()


Blocks = Callable[[Wall, LiveState], list[str]]

# What the wall shows in each phase of the room's funnel (another kind: its instructions).
BLOCKS: dict[str, Blocks] = {
    PhaseKind.EXPLORE: Wall.needs,
    PhaseKind.IDEAS: Wall.ideas,
    PhaseKind.GROUP: Wall.groups,
    PhaseKind.SCORE: Wall.vote,
    PhaseKind.FORMALISE: Wall.canvases,
    PhaseKind.EXCHANGE: Wall.talk,
    PhaseKind.NEXT_STEPS: Wall.next_steps,
    PhaseKind.DIAGNOSTIC: Wall.diagnostic,
}
# ... and in "chacun son projet", under the step's instructions.
PROJECT_BLOCKS: dict[str, Blocks] = {
    PhaseKind.PAIRS: Wall.pairs,
    PhaseKind.DIAGNOSTIC: Wall.diagnostic,
    PhaseKind.FORMALISE: Wall.sections,
}
# What else a phase's wall follows, beyond the boards' revision.
FOLLOWS: dict[str | None, Callable[[Wall], tuple]] = {
    PhaseKind.FORMALISE: Wall.canvases_stamp,
    PhaseKind.DIAGNOSTIC: Wall.answered,
}
