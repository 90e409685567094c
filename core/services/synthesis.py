"""The synthesis of a workshop, or of a collective across its workshops: what the room
leaves with — participation, the needs heard by theme, the groups, the ideas with the needs
they answer, the scoring, the projects' canvases, the next steps.

One plain structure (``Synthesis``), read once from the services, which the Synthèse page
shows and the livrable writes (PDF, DOCX, Markdown: ``core/outputs/livrable``). Available at any
time, mid-workshop too. Anonymous unless the facilitator asks for names: then no
participant's name is in it (cards' authors, who does what, the participant list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from core.analysis.grouping import suggest_groups
from core.analysis.scoring_math import DISAGREEMENT_FLAG, CandidateResult, Robustness
from core.domain.actors import Actor
from core.domain.models import Action, Canvas, CardKind, Workshop, WorkshopMode, pk, utcnow
from core.domain.policy import Act, Who
from core.domain.templates import Templates
from core.services import (
    actions,
    canvases,
    cards,
    clusters,
    participants,
    projects,
    relation,
    scoring,
    workshops,
)
from core.services.access import (
    canvas_where,
    collective_row,
    collective_standing,
    workshop_standing,
)
from core.services.workshops import held_on
from core.text.cleaning import fold
from core.text.i18n import N_, translate

SECTIONS = ("participation", "porteurs", "needs", "groups", "ideas", "scoring", "projects",
            "relation", "actions")
# What a "chacun son projet" workshop holds (no boards of cards: each porteur's project).
PORTEURS_SECTIONS = ("participation", "porteurs", "relation", "actions")
SECTION_TITLES = {
    "participation": N_("Participation"),
    "porteurs": N_("The porteurs' projects"),
    "needs": N_("What we heard: the needs"),
    "groups": N_("Groups"),
    "ideas": N_("Ideas and the needs they answer"),
    "scoring": N_("Opportunity scoring"),
    "projects": N_("Projects and their canvases"),
    "relation": N_("Relationship with the local authority"),
    "actions": N_("Next steps"),
}
STATUS_LABELS = {"todo": N_("To do"), "doing": N_("In progress"), "done": N_("Done"),
                 "abandoned": N_("Dropped")}


@dataclass(frozen=True)
class NeedLine:
    text: str
    source: str  # the source's label, or ""
    supports: int  # "ça me concerne"
    author: str  # "" when anonymous


@dataclass(frozen=True)
class ThemeBlock:
    label: str
    color: str
    needs: list[NeedLine]

    @property
    def supports(self) -> int:
        return sum(n.supports for n in self.needs)


@dataclass(frozen=True)
class GroupBlock:
    name: str
    kind: str  # need or idea
    cards: list[str]


@dataclass(frozen=True)
class IdeaBlock:
    text: str
    supports: int
    needs: list[tuple[str, str]]  # (need, its source's label): the evidence chain


@dataclass(frozen=True)
class ScoreLine:
    rank: int | None
    title: str
    score: float | None
    disagreement: float | None
    flagged: bool  # the room disagreed
    backing: int  # needs backing it
    selected: bool


@dataclass(frozen=True)
class ScoringBlock:
    workshop: str
    mode: str  # scores or dots
    voters: int
    finished: int
    criteria: list[tuple[str, float]]  # (name, weight)
    lines: list[ScoreLine]
    robust: bool | None  # does the leader hold when weights move? None: no scores
    results: list[CandidateResult]  # for the charts
    titles: dict[int, str]
    dots: list[tuple[str, int]]  # (title, dots), for a dot vote


@dataclass(frozen=True)
class ProjectBlock:
    title: str
    template: str
    sections: list[tuple[str, str]]  # (section title, text)


@dataclass(frozen=True)
class ActionLine:
    what: str
    who: str
    due_on: date | None
    supports: list[str]
    status: str  # its label
    note: str
    project: str


@dataclass(frozen=True)
class RelationBlock:
    """Where a project stands with its collectivité: the level agreed on the gradient's
    scale and its path, the room's last diagnostic (how many said each level, how far
    apart, the signs recognised), the levers chosen and their steps. For the porteurs'
    projects of a "chacun son projet" workshop, how many stand at each level only."""

    project: str
    scale: list[str]  # the levels' names, lowest first
    level: int | None  # the agreed level's place on the scale (None: none recorded)
    note: str
    path: list[tuple[str, date]]  # (level, the day it was recorded), each move
    answered: int  # people who answered its last diagnostic (projects, for the porteurs')
    counts: list[int]  # per level of the scale
    spread: float | None  # standard deviation of the answers, in levels
    signs: list[tuple[str, int]]  # (sign, how many recognised it), most first
    levers: list[ActionLine]  # the steps made from the levers chosen


@dataclass(frozen=True)
class Participation:
    workshops: int
    participants: int
    needs: int
    ideas: int
    supports: int
    ballots: int
    actions: int
    names: list[str] = field(default_factory=list)  # only when named


@dataclass(frozen=True)
class PorteurLine:
    pitch: str
    commune: str
    filled: int
    sections: int
    names: list[str]  # only the porteurs who agreed to be named, when names are shown


@dataclass(frozen=True)
class PorteursBlock:
    """A "chacun son projet" workshop's projects: one-line pitches in the suggested groups,
    how much of their canvases is written, the support wanted, the interest in the
    incubation programme, and the canvases their porteurs chose to share."""

    groups: list[tuple[str, list[PorteurLine]]]  # (telling words, projects)
    porteurs: int
    supports: list[tuple[str, int]]  # (support, projects wanting it), most wanted first
    interest: list[tuple[str, int]]  # (answer, projects)
    annex: list[ProjectBlock]

    @property
    def projects(self) -> int:
        return sum(len(lines) for _label, lines in self.groups)


@dataclass(frozen=True)
class Synthesis:
    """Everything the livrable says, in the reader's language."""

    title: str
    collective: str
    territory: str
    subtitle: str  # the workshop(s)
    made_on: datetime  # when this document was made
    held_on: date | None  # the day the workshop was held (the first, for a collective)
    held_until: date | None  # the last workshop's day, for a collective
    lang: str
    anonymous: bool
    sections: tuple[str, ...]
    participation: Participation
    themes: list[ThemeBlock]
    groups: list[GroupBlock]
    ideas: list[IdeaBlock]
    scoring: list[ScoringBlock]
    projects: list[ProjectBlock]
    actions: list[ActionLine]
    porteurs: PorteursBlock | None = None  # a "chacun son projet" workshop's
    relations: list[RelationBlock] = field(default_factory=list)

    def heading(self, section: str) -> str:
        return translate(self.lang, SECTION_TITLES[section])


def _participant_names(session: Session, workshop_ids: list[int]) -> list[str]:
    """Return the names of the people who took part (not the facilitator's own ballot)."""
    return [p.display_name for workshop_id in workshop_ids
            for p in participants.people_of(session, workshop_id)]


def _scoring_block(session: Session, workshop: Workshop, who: Who,
                   lang: str) -> ScoringBlock | None:
    board, found = scoring.results_in(session, workshop, who, lang)
    if not board.candidates:
        return None
    titles = {c.id: c.title for c in board.candidates}
    backing = {c.id: c.evidence for c in board.candidates}
    selected = {c.id for c in board.candidates if c.selected}
    lines: list[ScoreLine] = []
    robust: bool | None = None
    results: list[CandidateResult] = []
    dots: list[tuple[str, int]] = []
    if found is not None:
        results = found.scored
        for r in found.scored:
            lines.append(ScoreLine(r.rank, titles.get(r.candidate, "?"), r.score,
                                   r.disagreement, bool(r.disagreement is not None
                                                        and r.disagreement
                                                        >= DISAGREEMENT_FLAG),
                                   backing.get(r.candidate, 0), r.candidate in selected))
        rob: Robustness | None = found.robustness
        robust = rob.robust if rob is not None else None
        dots = [(titles.get(c, "?"), total) for c, total, _rank in found.dots if total]
    names = {pk(c): (c.name_fr if lang == "fr" else c.name_en) or c.name_fr
             for c in board.criteria}
    return ScoringBlock(workshop.title, board.workshop.vote_mode, board.voters, board.finished,
                        [(names[pk(c)], c.weight) for c in board.criteria], lines, robust,
                        results, titles, dots)


def _anonymous_who(who: str, participant_id: int | None, names: set[str], named: set[int],
                   lang: str) -> str:
    """Who does a next step, in an anonymous synthesis: a participant who agreed to be
    named ("mon nom peut figurer dans la synthèse"), by their name; another participant, as
    one; a name typed by the facilitator that is no participant's (a partner, a member of
    the collective), as typed."""
    if participant_id is not None and participant_id in named:
        return who
    if participant_id is not None or fold(who) in names:
        return translate(lang, N_("A participant"))
    return who



def build(*, session: Session, actor: Actor, templates: Templates, lang: str,
          workshop_id: int | None = None, collective_id: int | None = None,
          sections: tuple[str, ...] = SECTIONS, anonymous: bool = True) -> Synthesis:
    """Read the synthesis of one workshop (``workshop_id``) or of a collective across its
    workshops (``collective_id``) — the facilitator's.

    One authorisation: the facilitator's standing towards the workshop (or the collective)
    is decided once here, and everything below is read within it (the services' ``*_in``
    readers), not checked again for each board, vote, canvas and step."""
    if workshop_id is not None:
        workshop, who = workshop_standing(session, actor, workshop_id, Act.FACILITATE)
        collective = collective_row(session, workshop.collective_id)
        chosen = [workshop]
        title = workshop.title
        subtitle = translate(lang, N_("Workshop synthesis"))
    elif collective_id is not None:
        collective, who = collective_standing(session, actor, collective_id)
        chosen = workshops.workshops_of(session, collective_id)
        title = collective.name
        subtitle = translate(lang, N_("Synthesis of {count} workshops"), count=len(chosen))
    else:
        raise ValueError("a workshop or a collective")
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown sections: {unknown}")
    ids = [pk(w) for w in chosen]
    own = [w for w in chosen if w.mode == WorkshopMode.PROJECTS]
    # Each kind of workshop says what it holds: a "chacun son projet" workshop has no boards
    # of cards, the room's funnel no porteurs' projects.
    fitting = PORTEURS_SECTIONS if own and len(own) == len(chosen) else tuple(
        x for x in SECTIONS if x != "porteurs" or own)
    sections = tuple(x for x in sections if x in fitting)
    names = _participant_names(session, ids)
    folded = {fold(n) for n in names}
    named = {pk(p) for workshop_id in ids for p in participants.people_of(session, workshop_id)
             if p.named_in_synthesis}

    needs, ideas, group_blocks, scoring_blocks = [], [], [], []
    for w in chosen:
        needs += cards.board_in(session, actor, w, CardKind.NEED).cards
        ideas += cards.board_in(session, actor, w, CardKind.IDEA).cards
        for kind in (CardKind.NEED, CardKind.IDEA):
            board = clusters.group_board_in(session, actor, w, kind)
            group_blocks += [GroupBlock(g.name, kind, [c.text for c in g.cards])
                             for g in board.groups if g.cards]
        block = _scoring_block(session, w, who, lang)
        if block is not None:
            scoring_blocks.append(block)

    def source(key: str) -> str:
        return templates.source_label(key, lang) if key else ""

    by_theme: dict[str, list[NeedLine]] = {}
    for need in sorted(needs, key=lambda n: -n.support_count):
        author = "" if anonymous else (need.author_name or "")
        by_theme.setdefault(need.theme, []).append(
            NeedLine(need.text, source(need.source), need.support_count, author))
    order = [k for k in templates.themes if k in by_theme] + [
        k for k in by_theme if k not in templates.themes]
    themes = [ThemeBlock(templates.theme_label(k, lang) if k
                         else translate(lang, N_("No theme")),
                         templates.themes[k].color if k in templates.themes else "#868e96",
                         by_theme[k]) for k in order]

    need_by_id = {n.id: n for n in needs}
    idea_blocks = [IdeaBlock(i.text, i.support_count,
                             [(need_by_id[n].text, source(need_by_id[n].source))
                              for n in i.links if n in need_by_id])
                   for i in sorted(ideas, key=lambda i: (-len(i.links), -i.support_count))]

    porteurs_block = _porteurs_block(session, own, who, templates, lang,
                                     named=set() if anonymous else named) if own else None
    porteur_canvases = set(projects.canvases_of(session, ids))
    projects_found = []
    collective_canvases: list[tuple[int, str]] = []
    for canvas in canvases.list_canvases_in(session, actor, chosen[0]) if chosen else []:
        if workshop_id is not None and canvas.workshop_id != workshop_id:
            continue
        if pk(canvas) in porteur_canvases:  # a porteur's own: annexed only if they share it
            continue
        collective_canvases.append((pk(canvas), canvas.title))
        view = canvases.canvas_view_in(session, canvas, who, canvas_where(session, canvas, who),
                                       templates)
        projects_found.append(ProjectBlock(canvas.title, view.template.name(lang), [
            (s.title(lang), view.text(s.key)) for s in view.template.sections]))

    if workshop_id is not None:
        found_actions = actions.workshop_actions_in(session, actor, chosen[0])
    else:
        found_actions = actions.collective_actions_in(session, actor, pk(collective))
    action_lines = [ActionLine(
        a.what, _anonymous_who(a.who, a.who_participant_id, folded, named, lang) if anonymous
        else a.who, a.due_on, [templates.support_label(s, lang) for s in a.supports],
        translate(lang, STATUS_LABELS[a.status]), a.note, a.project) for a in found_actions]

    # A project of an earlier session diagnosed again at this one counts here too.
    collective_canvases += [c for c in relation.diagnosed_canvases(session, ids)
                            if c not in collective_canvases]
    relation_blocks = _relation_blocks(
        session, templates, lang, collective_canvases, sorted(porteur_canvases),
        lambda a: _anonymous_who(a.who, a.who_participant_id, folded, named, lang)
        if anonymous else a.who) if "relation" in sections else []

    ballots = sum(b.finished for b in scoring_blocks)
    participation = Participation(
        workshops=len(chosen), participants=len(names), needs=len(needs), ideas=len(ideas),
        supports=sum(n.support_count for n in needs) + sum(i.support_count for i in ideas),
        ballots=ballots, actions=len(found_actions),
        names=[] if anonymous else sorted(set(names), key=fold))
    days = sorted(held_on(w) for w in chosen)
    return Synthesis(title=title, collective=collective.name, territory=collective.territory,
                     subtitle=subtitle, made_on=utcnow(),
                     held_on=days[0] if days else None,
                     held_until=days[-1] if len(days) > 1 else None,
                     lang=lang, anonymous=anonymous,
                     sections=tuple(s for s in SECTIONS if s in sections),
                     participation=participation, themes=themes, groups=group_blocks,
                     ideas=idea_blocks, scoring=scoring_blocks, projects=projects_found,
                     actions=action_lines, porteurs=porteurs_block,
                     relations=relation_blocks)


def _relation_blocks(session: Session, templates: Templates, lang: str,
                     canvases_: list[tuple[int, str]], porteurs: list[int],
                     who: Callable[[Action], str]) -> list[RelationBlock]:
    """Each collective project's relation with its collectivité (those with a level or a
    diagnostic), and the porteurs' projects counted by level."""
    gradient = relation.gradient_of(templates)
    scale = [level.label(lang) for level in gradient.levels]
    ids = [c for c, _title in canvases_]
    histories = relation.histories(session, ids)
    answers = relation.latest_answers(session, ids)
    levers = relation.lever_actions(session, ids)
    blocks = []
    for canvas_id, title in canvases_:
        steps = histories.get(canvas_id, [])
        said = answers.get(canvas_id, [])
        if not steps and not said:
            continue
        tally = relation.tally_of(gradient, said)
        moves = [step for i, step in enumerate(steps)
                 if i == 0 or steps[i - 1].level != step.level]
        level = gradient.index(steps[-1].level) if steps else -1
        blocks.append(RelationBlock(
            title, scale, level if level >= 0 else None, steps[-1].note if steps else "",
            [(relation.level_label(gradient, m.level, lang), m.created_at.date())
             for m in moves],
            tally.answered, [tally.counts[x.key] for x in gradient.levels], tally.spread,
            [(relation.sign_text(gradient, key, lang), n) for key, n in tally.signs],
            [ActionLine(a.what, who(a), a.due_on,
                        [templates.support_label(x, lang) for x in a.support_wanted.split(",")
                         if x], translate(lang, STATUS_LABELS[a.status]), a.note, title)
             for a in levers if a.canvas_id == canvas_id]))
    if porteurs:
        levels = relation.current_levels(session, porteurs)
        if levels:
            counts = [sum(1 for v in levels.values() if v == x.key) for x in gradient.levels]
            blocks.append(RelationBlock(translate(lang, N_("The porteurs' projects")), scale,
                                        None, "", [], len(levels), counts, None, [], []))
    return blocks


INTEREST_ORDER = (("yes", N_("Interested")), ("maybe", N_("Maybe")),
                  ("no", N_("Not interested")), ("", N_("Did not say")))


def _porteurs_block(session: Session, chosen: list[Workshop], who: Who,
                    templates: Templates, lang: str, named: set[int]) -> PorteursBlock:
    rows = [row for w in chosen for row in projects.board_in(session, w, templates)]
    lines = [PorteurLine(r.project.pitch, r.project.commune, r.filled, r.sections,
                         [name for pid, name in zip(r.project.member_ids, r.project.members,
                                                    strict=True) if pid in named])
             for r in rows]
    groups: list[tuple[str, list[PorteurLine]]] = []
    if len(lines) >= 4:  # grouped as the board's suggestion groups cards
        suggestion = suggest_groups([line.pitch for line in lines])
        for number, group in enumerate(suggestion.groups, start=1):
            groups.append((", ".join(group.keywords[:3])
                           or translate(lang, N_("Group {n}"), n=number),
                           [lines[i] for i in sorted(group.members)]))
    elif lines:
        groups.append(("", lines))
    wanted: dict[str, int] = {}
    for r in rows:
        for key in r.project.supports:
            label = templates.support_label(key, lang)
            wanted[label] = wanted.get(label, 0) + 1
    interest = [(translate(lang, label), sum(1 for r in rows if r.project.interest == key))
                for key, label in INTEREST_ORDER]
    annex = []
    for r in rows:
        if not r.project.share_canvas:
            continue
        canvas = session.get(Canvas, r.project.canvas_id)
        if canvas is None or canvas.deleted_at is not None:
            continue
        view = canvases.canvas_view_in(session, canvas, who, canvas_where(session, canvas, who),
                                       templates)
        annex.append(ProjectBlock(r.project.pitch, view.template.name(lang), [
            (x.title(lang), view.text(x.key)) for x in view.template.sections]))
    return PorteursBlock(groups, len({m for r in rows for m in r.project.member_ids}),
                         sorted(wanted.items(), key=lambda x: (-x[1], fold(x[0]))),
                         [x for x in interest if x[1]], annex)
