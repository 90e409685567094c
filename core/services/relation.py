"""Where a project stands with its collectivité: a gradient (``data/gradients/``) as a
diagnostic, its levers made next steps, and each project's level followed over time.

During a phase of kind "diagnostic", each participant ticks, privately, the signs they
recognise for the project (a collective's canvas chosen by the facilitator; in a "chacun
son projet" workshop, their own project); Fabrique proposes the level the signs point to
and the person may adjust it. The facilitator reveals the answers together — how many at
each level, how far apart, the signs most ticked, never who said what — and records the
agreed level with a short note (a porteur records their own project's). The levers of that
level, and of the next, are offered as cards; one to three chosen become next steps of the
project, with the support each lever calls for. Levels are append-only: their history is
the project's path ("observation en mars → collaboration en juin").

Rights: ``core.domain.policy`` (``Act.ANSWER_DIAGNOSTIC``, ``SEE_DIAGNOSTIC``, ``RECORD_LEVEL``,
``CHOOSE_LEVER``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.analysis import gradient_math
from core.analysis.gradient_math import Tally
from core.domain import policy
from core.domain.actors import Actor, ParticipantActor
from core.domain.inputs import LeverPick
from core.domain.models import (
    Action,
    AgendaPhase,
    Canvas,
    Diagnostic,
    DiagnosticAnswer,
    Participant,
    PhaseKind,
    Project,
    RelationLevel,
    Workshop,
    WorkshopMode,
    pk,
    utcnow,
)
from core.domain.policy import Act, Where
from core.domain.templates import Gradient, GradientLever, Templates
from core.errors import InvalidInput, NotFound
from core.services import actions
from core.services.access import (
    author_of,
    canvas_for,
    current_phase_row,
    where_in,
    who_for_canvas,
    who_for_workshop,
    workshop_for,
)
from core.services.live_cache import bump_board_revision
from core.text.i18n import N_

DEFAULT_GRADIENT = "collectivite"
MAX_LEVERS = 3  # chosen at once: "the room picks one to three"
NOTE_MAX = 500


def gradient_of(templates: Templates, key: str = DEFAULT_GRADIENT) -> Gradient:
    """Return the gradient ``key`` of ``data/gradients/``, or refuse an unknown one."""
    gradient = templates.gradients.get(key)
    if gradient is None:
        raise InvalidInput(N_("Unknown gradient: {value}."), value=key)
    return gradient


def level_label(gradient: Gradient, key: str, lang: str) -> str:
    """A level's name in ``lang`` (its key if the gradient no longer has it)."""
    level = gradient.level(key)
    return level.label(lang) if level is not None else key


def sign_text(gradient: Gradient, key: str, lang: str) -> str:
    """A sign's words in ``lang`` (its key if the gradient no longer has it)."""
    sign = gradient.sign(key)
    return sign.text(lang) if sign is not None else key


# --- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerView:
    """One person's answer about one project."""

    canvas_id: int
    signs: tuple[str, ...]
    proposed: str | None  # the level the signs point to
    level: str  # the level the person settled on


@dataclass(frozen=True)
class ProjectLevel:
    """A project of the workshop and where it stands (a "chacun son projet" workshop)."""

    canvas_id: int
    title: str
    level: str | None
    answered: int


@dataclass(frozen=True)
class DiagnosticView:
    """The current diagnostic phase as one person may see it: everything its screen needs,
    decided here (pages only draw it)."""

    phase_id: int
    gradient_key: str
    projects: bool  # each porteur answers about their own project
    canvas_id: int | None  # the project the room answers about (collective workshops)
    subject: str  # its title ("" until the facilitator chose it)
    choices: tuple[tuple[int, str], ...]  # the canvases the facilitator may choose
    revealed: bool
    answered: int  # people who answered
    present: int  # participants of the workshop
    tally: Tally | None  # the answers together, when this person may see them
    my_canvas_id: int | None  # what this participant answers about
    my_answer: AnswerView | None
    may_answer: bool
    why_not: str | None  # why this person may not answer now (a message id)
    facilitates: bool
    level: str | None  # the level recorded at this round for the subject (or one's project)
    earlier: LevelStep | None = None  # else the one recorded before (an earlier session)
    project_levels: tuple[ProjectLevel, ...] = ()  # the facilitator's, projects mode


@dataclass(frozen=True)
class LevelStep:
    """One level recorded for a project."""

    level: str
    note: str
    author: str
    created_at: datetime
    round_id: int | None = None  # the diagnostic it was agreed at, if any


@dataclass(frozen=True)
class RelationView:
    """Where a project stands on a gradient, and its path."""

    canvas_id: int
    title: str
    gradient_key: str
    history: tuple[LevelStep, ...]  # oldest first
    may_record: bool
    may_choose: bool
    levers_chosen: tuple[actions.ActionView, ...]

    @property
    def level(self) -> str | None:
        return self.history[-1].level if self.history else None

    def path(self) -> list[LevelStep]:
        """The moves of the level (a level recorded again without a move left out)."""
        moves: list[LevelStep] = []
        for step in self.history:
            if not moves or moves[-1].level != step.level:
                moves.append(step)
        return moves


@dataclass(frozen=True)
class LevelMove:
    """A project's level moved: "what changed since…"."""

    canvas_id: int
    title: str
    before: str | None
    level: str
    note: str
    author: str
    created_at: datetime
    round_id: int | None = None  # the diagnostic it was agreed at, if any


# --- plain reads (the caller has let the actor in) ------------------------------------------


def histories(session: Session, canvas_ids: Sequence[int],
              gradient_key: str = DEFAULT_GRADIENT) -> dict[int, list[LevelStep]]:
    """Return each canvas's levels recorded on the gradient, oldest first."""
    found: dict[int, list[LevelStep]] = {c: [] for c in canvas_ids}
    if not canvas_ids:
        return found
    for row in session.exec(select(RelationLevel).where(
            col(RelationLevel.canvas_id).in_(list(canvas_ids)),
            RelationLevel.gradient_key == gradient_key).order_by(col(RelationLevel.id))):
        found[row.canvas_id].append(LevelStep(row.level, row.note, row.author_name,
                                              row.created_at, row.diagnostic_id))
    return found


def current_levels(session: Session, canvas_ids: Sequence[int],
                   gradient_key: str = DEFAULT_GRADIENT) -> dict[int, str]:
    """Return the level last recorded for each canvas that has one."""
    return {c: steps[-1].level for c, steps in histories(session, canvas_ids,
                                                         gradient_key).items() if steps}


def lever_actions(session: Session, canvas_ids: Sequence[int],
                  gradient_key: str = DEFAULT_GRADIENT) -> list[Action]:
    """Return the next steps made from the gradient's levers for these canvases."""
    if not canvas_ids:
        return []
    return list(session.exec(select(Action).where(
        col(Action.canvas_id).in_(list(canvas_ids)), col(Action.deleted_at).is_(None),
        col(Action.lever).startswith(f"{gradient_key}:")).order_by(col(Action.id))))


def diagnostic_of_phase(session: Session, phase_id: int) -> Diagnostic | None:
    return session.exec(select(Diagnostic).where(Diagnostic.phase_id == phase_id)).first()


def answers_of(session: Session, diagnostic_id: int) -> list[DiagnosticAnswer]:
    return list(session.exec(select(DiagnosticAnswer).where(
        DiagnosticAnswer.diagnostic_id == diagnostic_id).order_by(col(DiagnosticAnswer.id))))


def latest_answers(session: Session, canvas_ids: Sequence[int]) -> dict[int,
                                                                        list[DiagnosticAnswer]]:
    """Return, for each canvas, the answers of the last diagnostic held about it."""
    found: dict[int, dict[int, list[DiagnosticAnswer]]] = {}
    if not canvas_ids:
        return {}
    for row in session.exec(select(DiagnosticAnswer).where(
            col(DiagnosticAnswer.canvas_id).in_(list(canvas_ids)))):
        found.setdefault(row.canvas_id, {}).setdefault(row.diagnostic_id, []).append(row)
    return {c: rounds[max(rounds)] for c, rounds in found.items()}


def diagnosed_canvases(session: Session, workshop_ids: Sequence[int]) -> list[tuple[int, str]]:
    """Return the collective canvases the workshops' diagnostics were about (a project
    started at an earlier session, diagnosed again at this one), as (id, title)."""
    if not workshop_ids:
        return []
    rows = session.exec(select(Canvas).join(Diagnostic, col(Diagnostic.canvas_id) == col(
        Canvas.id)).where(col(Diagnostic.workshop_id).in_(list(workshop_ids)),
                          col(Canvas.deleted_at).is_(None)).order_by(col(Canvas.id))).all()
    return list(dict.fromkeys((pk(c), c.title) for c in rows))


def tally_of(gradient: Gradient, answers: Sequence[DiagnosticAnswer]) -> Tally:
    return gradient_math.tally(gradient, ((a.level, _keys(a.signs)) for a in answers))


def _keys(raw: str) -> tuple[str, ...]:
    return tuple(k for k in raw.split(",") if k)


# --- the diagnostic phase -------------------------------------------------------------------


def _diagnostic_phase(session: Session, workshop: Workshop) -> AgendaPhase | None:
    phase = current_phase_row(session, workshop)
    return phase if phase is not None and phase.kind == PhaseKind.DIAGNOSTIC else None


def _round(session: Session, workshop: Workshop, phase: AgendaPhase) -> Diagnostic:
    """Return the phase's round, made the first time it is needed."""
    found = diagnostic_of_phase(session, pk(phase))
    if found is not None:
        return found
    row = Diagnostic(workshop_id=pk(workshop), phase_id=pk(phase), gradient_key=DEFAULT_GRADIENT)
    if workshop.mode == WorkshopMode.COLLECTIVE:
        canvases = _workshop_canvases(session, workshop)
        if len(canvases) == 1:  # the evening's one project: no choice to make
            row.canvas_id = canvases[0][0]
    session.add(row)
    session.flush()
    return row


def _workshop_canvases(session: Session, workshop: Workshop) -> list[tuple[int, str]]:
    """The collective's canvases (a collective's projects, not porteurs'), newest first."""
    porteurs = select(Project.canvas_id).where(Project.collective_id == workshop.collective_id)
    rows = session.exec(select(Canvas).where(
        Canvas.collective_id == workshop.collective_id, col(Canvas.deleted_at).is_(None),
        col(Canvas.id).not_in(porteurs)).order_by(col(Canvas.id).desc())).all()
    return [(pk(c), c.title) for c in rows]


def _own_canvas(session: Session, workshop: Workshop, participant_id: int) -> int | None:
    from core.services.projects import own_project_row

    project = own_project_row(session, participant_id)
    if project is None or project.workshop_id != workshop.id:
        return None
    return project.canvas_id


def _where(session: Session, workshop: Workshop, revealed: bool) -> Where:
    phase = current_phase_row(session, workshop)
    return dataclasses.replace(where_in(session, workshop),
                               phase=phase.kind if phase is not None else None,
                               answers_revealed=revealed)


def diagnostic(*, session: Session, actor: Actor, workshop_id: int,
               templates: Templates) -> DiagnosticView | None:
    """Return the current phase's diagnostic as ``actor`` may see it (None outside one)."""
    workshop = workshop_for(session, actor, workshop_id)
    phase = _diagnostic_phase(session, workshop)
    if phase is None:
        return None
    row = diagnostic_of_phase(session, pk(phase))
    gradient = gradient_of(templates, row.gradient_key if row else DEFAULT_GRADIENT)
    projects = workshop.mode == WorkshopMode.PROJECTS
    answers = answers_of(session, pk(row)) if row is not None else []
    revealed = bool(row and row.revealed_at)
    who = who_for_workshop(session, actor, workshop)
    where = _where(session, workshop, revealed)
    facilitates = who in policy.FACILITATORS
    canvas_id = row.canvas_id if row is not None else None
    choices = [] if projects else _workshop_canvases(session, workshop)
    if canvas_id is None and len(choices) == 1:
        canvas_id = choices[0][0]  # the evening's one project: no choice to make
    my_canvas = canvas_id
    if isinstance(actor, ParticipantActor):
        my_canvas = _own_canvas(session, workshop, actor.participant_id) if projects \
            else canvas_id
    why_not = policy.decide(who, Act.ANSWER_DIAGNOSTIC, where)
    if why_not is None and my_canvas is None:
        why_not = (N_("Start your canvas first: the diagnostic is about your project.")
                   if projects else N_("The facilitator is choosing the project."))
    mine = None
    if isinstance(actor, ParticipantActor):
        own = next((a for a in answers if a.participant_id == actor.participant_id
                    and a.canvas_id == my_canvas), None)
        if own is not None:
            mine = AnswerView(own.canvas_id, _keys(own.signs), own.proposed or None, own.level)
    shown = [a for a in answers if projects or a.canvas_id == canvas_id]
    see = policy.decide(who, Act.SEE_DIAGNOSTIC, where) is None
    present = len(session.exec(select(Participant.id).where(
        Participant.workshop_id == workshop_id, col(Participant.removed_at).is_(None))).all())
    level_of = my_canvas if isinstance(actor, ParticipantActor) else canvas_id
    steps = histories(session, [level_of], gradient.key)[level_of] if level_of else []
    # The level agreed at this round; before it, the one recorded at an earlier session.
    this_round = [step for step in steps if row is not None and step.round_id == row.id]
    before = [step for step in steps if row is None or step.round_id != row.id]
    project_levels: tuple[ProjectLevel, ...] = ()
    if projects and facilitates:
        from core.services.projects import workshop_projects

        rows = workshop_projects(session, workshop_id)
        recorded = current_levels(session, [p.canvas_id for p in rows], gradient.key)
        project_levels = tuple(ProjectLevel(
            p.canvas_id, p.pitch, recorded.get(p.canvas_id),
            sum(a.canvas_id == p.canvas_id for a in answers)) for p in rows)
    return DiagnosticView(
        phase_id=pk(phase), gradient_key=gradient.key, projects=projects,
        canvas_id=canvas_id, subject=dict(choices).get(canvas_id, "") if canvas_id else "",
        choices=tuple(choices) if facilitates else (), revealed=revealed,
        answered=len({a.participant_id for a in shown}), present=present,
        tally=tally_of(gradient, shown) if see else None, my_canvas_id=my_canvas,
        my_answer=mine, may_answer=why_not is None, why_not=why_not, facilitates=facilitates,
        level=this_round[-1].level if this_round else None,
        earlier=before[-1] if before and not this_round else None,
        project_levels=project_levels)


def answers_together(*, session: Session, actor: Actor, workshop_id: int,
                     templates: Templates) -> Tally | None:
    """Return the current diagnostic's answers together (the facilitator's at any time, the
    participants' once revealed): how many at each level, how far apart, the signs most
    ticked — never who said what. None outside a diagnostic phase."""
    workshop = workshop_for(session, actor, workshop_id)
    phase = _diagnostic_phase(session, workshop)
    row = diagnostic_of_phase(session, pk(phase)) if phase is not None else None
    policy.require(who_for_workshop(session, actor, workshop), Act.SEE_DIAGNOSTIC,
                   _where(session, workshop, bool(row and row.revealed_at)))
    if phase is None:
        return None
    gradient = gradient_of(templates, row.gradient_key if row else DEFAULT_GRADIENT)
    answers = answers_of(session, pk(row)) if row is not None else []
    if row is not None and workshop.mode == WorkshopMode.COLLECTIVE:
        answers = [a for a in answers if a.canvas_id == row.canvas_id]
    return tally_of(gradient, answers)


def set_subject(*, session: Session, actor: Actor, workshop_id: int, canvas_id: int) -> None:
    """Choose the project the room's diagnostic is about (a collective workshop; before
    anyone answered: answers are about one project)."""
    workshop = workshop_for(session, actor, workshop_id, Act.FACILITATE)
    phase = _diagnostic_phase(session, workshop)
    if phase is None:
        raise InvalidInput(N_("The diagnostic is not open during the current phase."))
    if canvas_id not in dict(_workshop_canvases(session, workshop)):
        raise InvalidInput(N_("This project is not one of the collective's canvases."))
    row = _round(session, workshop, phase)
    if row.canvas_id != canvas_id and answers_of(session, pk(row)):
        raise InvalidInput(N_("People have already answered about another project."))
    row.canvas_id = canvas_id
    bump_board_revision(session, workshop_id)
    session.commit()


def answer(*, session: Session, actor: Actor, workshop_id: int, signs: Sequence[str],
           level: str, templates: Templates) -> AnswerView:
    """Record the signs a participant recognises and the level they settle on ("" takes
    the level the signs point to); changed in place until the answers are revealed."""
    workshop = workshop_for(session, actor, workshop_id)
    phase = _diagnostic_phase(session, workshop)
    row = diagnostic_of_phase(session, pk(phase)) if phase is not None else None
    policy.require(who_for_workshop(session, actor, workshop), Act.ANSWER_DIAGNOSTIC,
                   _where(session, workshop, bool(row and row.revealed_at)))
    assert isinstance(actor, ParticipantActor) and phase is not None  # the policy's
    row = _round(session, workshop, phase)
    gradient = gradient_of(templates, row.gradient_key)
    canvas_id = _own_canvas(session, workshop, actor.participant_id) \
        if workshop.mode == WorkshopMode.PROJECTS else row.canvas_id
    if canvas_id is None:
        raise InvalidInput(N_("Start your canvas first: the diagnostic is about your project.")
                           if workshop.mode == WorkshopMode.PROJECTS
                           else N_("The facilitator is choosing the project."))
    for key in signs:
        if gradient.sign(key) is None:
            raise InvalidInput(N_("Unknown sign: {value}."), value=key)
    if level and gradient.level(level) is None:
        raise InvalidInput(N_("Unknown level: {value}."), value=level)
    ticked = tuple(dict.fromkeys(signs))
    proposed = gradient_math.proposed_level(gradient, ticked)
    chosen = level or proposed
    if chosen is None:
        raise InvalidInput(N_("Tick the signs you recognise, or choose a level."))
    stored = session.exec(select(DiagnosticAnswer).where(
        DiagnosticAnswer.diagnostic_id == pk(row),
        DiagnosticAnswer.participant_id == actor.participant_id,
        DiagnosticAnswer.canvas_id == canvas_id)).first()
    if stored is None:
        stored = DiagnosticAnswer(diagnostic_id=pk(row), participant_id=actor.participant_id,
                                  canvas_id=canvas_id)
        session.add(stored)
    stored.signs, stored.proposed, stored.level = ",".join(ticked), proposed or "", chosen
    stored.updated_at = utcnow()
    bump_board_revision(session, workshop_id)
    session.commit()
    return AnswerView(canvas_id, ticked, proposed, chosen)


def reveal(*, session: Session, actor: Actor, workshop_id: int, revealed: bool = True) -> None:
    """Reveal the answers together (or hide them again to let people answer on)."""
    workshop = workshop_for(session, actor, workshop_id, Act.FACILITATE)
    phase = _diagnostic_phase(session, workshop)
    if phase is None:
        raise InvalidInput(N_("The diagnostic is not open during the current phase."))
    row = _round(session, workshop, phase)
    row.revealed_at = utcnow() if revealed else None
    bump_board_revision(session, workshop_id)
    session.commit()


# --- a project's level and levers -----------------------------------------------------------


def _canvas(session: Session, actor: Actor, canvas_id: int, act: Act) -> Canvas:
    canvas = session.get(Canvas, canvas_id)
    if canvas is None or canvas.deleted_at is not None:
        raise NotFound(N_("This canvas does not exist or was deleted."))
    policy.require(who_for_canvas(session, actor, canvas), act)
    return canvas


def record_level(*, session: Session, actor: Actor, canvas_id: int, level: str, note: str,
                 templates: Templates, workshop_id: int | None = None,
                 gradient_key: str = DEFAULT_GRADIENT) -> LevelStep:
    """Record the level agreed for a project, with a short note (its history keeps every
    one) — at ``workshop_id``'s diagnostic when it is about this project (a project of an
    earlier session diagnosed again: its screens follow), else on its own."""
    canvas = _canvas(session, actor, canvas_id, Act.RECORD_LEVEL)
    gradient = gradient_of(templates, gradient_key)
    if gradient.level(level) is None:
        raise InvalidInput(N_("Unknown level: {value}."), value=level)
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        raise InvalidInput(N_("The note is too long ({count} characters at most)."),
                           count=NOTE_MAX)
    diagnostic_id = None
    held = workshop_id if workshop_id is not None else canvas.workshop_id
    workshop = session.get(Workshop, held) if held is not None else None
    if workshop is not None and workshop.collective_id != canvas.collective_id:
        raise InvalidInput(N_("This project is not one of the collective's canvases."))
    if workshop is not None:
        phase = _diagnostic_phase(session, workshop)
        row = diagnostic_of_phase(session, pk(phase)) if phase is not None else None
        if row is not None and (row.canvas_id == canvas_id or (
                row.canvas_id is None and workshop.mode == WorkshopMode.PROJECTS)):
            diagnostic_id = row.id
    user_id, participant_id, name = author_of(session, actor)
    stored = RelationLevel(collective_id=canvas.collective_id, canvas_id=canvas_id,
                           gradient_key=gradient.key, level=level, note=note,
                           diagnostic_id=diagnostic_id, author_user_id=user_id,
                           author_participant_id=participant_id, author_name=name)
    session.add(stored)
    if workshop is not None:
        bump_board_revision(session, pk(workshop))
    session.commit()
    return LevelStep(stored.level, stored.note, stored.author_name, stored.created_at)


def relation(*, session: Session, actor: Actor, canvas_id: int, templates: Templates,
             gradient_key: str = DEFAULT_GRADIENT) -> RelationView:
    """Return where a project stands on the gradient, its path and the levers chosen."""
    canvas = canvas_for(session, actor, canvas_id)
    gradient = gradient_of(templates, gradient_key)
    who = who_for_canvas(session, actor, canvas)
    chosen = lever_actions(session, [canvas_id], gradient.key)
    return RelationView(
        canvas_id=canvas_id, title=canvas.title, gradient_key=gradient.key,
        history=tuple(histories(session, [canvas_id], gradient.key)[canvas_id]),
        may_record=policy.allowed(who, Act.RECORD_LEVEL),
        may_choose=policy.allowed(who, Act.CHOOSE_LEVER),
        levers_chosen=tuple(actions.views(session, actor, chosen)))


def levers_for(gradient: Gradient, level: str) -> tuple[list[GradientLever],
                                                        list[GradientLever]]:
    """Return the levers of ``level`` (to move on from it) and those of the next level
    not already among them (to prepare the step after)."""
    index = gradient.index(level)
    if index < 0:
        return [], []
    own = [gradient.lever(k) for k in gradient.levels[index].levers]
    after: list[GradientLever | None] = []
    if index + 1 < len(gradient.levels):
        after = [gradient.lever(k) for k in gradient.levels[index + 1].levers
                 if k not in gradient.levels[index].levers]
    return [x for x in own if x], [x for x in after if x]


def choose_levers(*, session: Session, actor: Actor, canvas_id: int, workshop_id: int | None,
                  picks: Sequence[LeverPick], templates: Templates,
                  gradient_key: str = DEFAULT_GRADIENT) -> list[Action]:
    """Make one to three levers next steps of the project (what, who, by when), each
    asking for the support its lever calls for. A lever already a step is not added
    twice."""
    canvas = _canvas(session, actor, canvas_id, Act.CHOOSE_LEVER)
    gradient = gradient_of(templates, gradient_key)
    if not 1 <= len(picks) <= MAX_LEVERS:
        raise InvalidInput(N_("Choose one to three levers."))
    if workshop_id is not None:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None or workshop.collective_id != canvas.collective_id:
            raise InvalidInput(N_("This project is not one of the collective's canvases."))
    already = {a.lever for a in lever_actions(session, [canvas_id], gradient.key)}
    made = []
    for pick in picks:
        lever = gradient.lever(pick.lever)
        if lever is None:
            raise InvalidInput(N_("Unknown lever: {value}."), value=pick.lever)
        key = f"{gradient.key}:{lever.key}"
        if key in already:
            continue
        already.add(key)
        made.append(Action(
            collective_id=canvas.collective_id, workshop_id=workshop_id or canvas.workshop_id,
            canvas_id=canvas_id, what=pick.what or lever.text.fr, who=pick.who,
            due_on=pick.due_on, support_wanted=",".join(
                s for s in lever.supports if s in templates.supports), lever=key))
    return actions.insert_made(session, actor, made)


def moves_since(*, session: Session, actor: Actor, collective_id: int | None, since: datetime,
                gradient_key: str = DEFAULT_GRADIENT) -> list[LevelMove]:
    """Return the levels that moved after ``since`` on the collective's projects ("what
    changed since…"), each with the level before."""
    collective_id = actions.collective_seen(session, actor, collective_id)
    rows = list(session.exec(select(RelationLevel).where(
        RelationLevel.collective_id == collective_id,
        RelationLevel.gradient_key == gradient_key).order_by(col(RelationLevel.id))))
    titles = {pk(c): c.title for c in session.exec(select(Canvas).where(
        Canvas.collective_id == collective_id, col(Canvas.deleted_at).is_(None)))}
    last: dict[int, str] = {}
    moves = []
    for row in rows:
        before = last.get(row.canvas_id)
        last[row.canvas_id] = row.level
        if row.created_at > since and before != row.level and row.canvas_id in titles:
            moves.append(LevelMove(row.canvas_id, titles[row.canvas_id], before, row.level,
                                   row.note, row.author_name, row.created_at))
    return moves

