"""The demo collective, loaded from ``data/demo/*.yaml`` on first start (idempotent)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.analysis.gradient_math import proposed_level
from core.domain.models import (
    CARD_TEXT_MAX,
    Action,
    ActionChange,
    ActionStatus,
    AgendaPhase,
    Candidate,
    Canvas,
    CanvasRevision,
    Card,
    CardKind,
    CardLink,
    Collective,
    Comment,
    Criterion,
    Diagnostic,
    DiagnosticAnswer,
    Participant,
    PhaseKind,
    Project,
    ProjectMember,
    ProjectStage,
    ProjectStageChange,
    RelationLevel,
    Role,
    Score,
    ScoringState,
    User,
    Workshop,
    WorkshopStatus,
    pk,
    utcnow,
)
from core.domain.templates import Templates, read_yaml_model
from core.errors import TemplateError
from core.services.workshops import add_agenda, insert_with_join_code
from core.text.i18n import N_
from core.text.names import name_keys


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DemoCollective(_Strict):
    name: str = Field(min_length=1)
    territory: str = ""
    description: str = ""


class DemoWorkshop(_Strict):
    title: str = Field(min_length=1)
    format: str


class DemoCard(_Strict):
    kind: CardKind = CardKind.NEED
    text: str = Field(min_length=1, max_length=CARD_TEXT_MAX)
    theme: str = ""
    source: str = ""
    author: str = ""
    place: str = ""
    # For an idea: the positions (from 0) of the needs it answers in the file's list.
    answers: list[int] = Field(default_factory=list)


class DemoAction(_Strict):
    what: str = Field(min_length=1, max_length=500)
    who: str = ""  # a participant's name, or anyone's
    due_in_days: int | None = None  # from the day the demo is loaded
    supports: list[str] = Field(default_factory=list)
    status: ActionStatus = ActionStatus.TODO
    note: str = ""
    lever: str = ""  # a lever of the collectivité gradient this step was made from


class DemoAnswer(_Strict):
    signs: list[str] = Field(default_factory=list)
    level: str = ""  # "": the level the signs point to


class DemoDiagnostic(_Strict):
    """The evening's diagnostic of its project's relation with the collectivité."""

    answers: list[DemoAnswer] = Field(min_length=1)  # one per participant, in order
    level: str  # the level agreed and recorded
    note: str = ""


class DemoComment(_Strict):
    section: str
    author: str  # a participant of the workshop
    text: str = Field(min_length=1, max_length=1000)


class DemoProject(_Strict):
    """A porteur's own project in a "chacun son projet" workshop held earlier."""

    pitch: str = Field(min_length=1, max_length=160)
    porteurs: list[str] = Field(min_length=1, max_length=3)  # participants of the workshop
    commune: str = ""
    interest: str = Field(default="", pattern=r"^(|yes|maybe|no)$")
    supports: list[str] = Field(default_factory=list)
    share_canvas: bool = False
    stages: list[ProjectStage] = Field(default_factory=list)  # moves since, in order
    followup_note: str = ""
    canvas: dict[str, str] = Field(default_factory=dict)  # section key → text
    comments: list[DemoComment] = Field(default_factory=list)  # from partners


class DemoEarlier(_Strict):
    """A workshop already held: its cards, a vote, a canvas, next steps (or, in a
    "chacun son projet" workshop, each porteur's project)."""

    title: str = Field(min_length=1)
    format: str
    days_ago: int = Field(default=21, ge=1)
    participants: list[str] = Field(min_length=1)
    cards: list[DemoCard] = Field(default_factory=list)
    candidates: list[int] = Field(default_factory=list)  # positions of ideas in cards
    scores: list[list[int]] = Field(default_factory=list)  # per candidate, per participant
    selected: int | None = None  # position in candidates of the one formalised
    canvas: dict[str, str] = Field(default_factory=dict)  # section key → text
    actions: list[DemoAction] = Field(default_factory=list)
    projects: list[DemoProject] = Field(default_factory=list)
    diagnostic: DemoDiagnostic | None = None


class DemoFile(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]{1,80}$")
    collective: DemoCollective
    workshop: DemoWorkshop
    cards: list[DemoCard] = Field(default_factory=list)
    earlier: DemoEarlier | None = None


def demo_files(templates_dir: Path) -> list[Path]:
    """Return the demo files shipped in ``data/demo``."""
    return sorted((templates_dir / "demo").glob("*.yaml"))


def load_demo(*, session: Session, path: Path, templates: Templates,
              lang: str = "fr") -> Collective | None:
    """Load one demo collective; return None if it is already there."""
    demo = read_yaml_model(path, DemoFile)
    if session.exec(select(Collective.id).where(Collective.slug == demo.slug)).first():
        return None
    fmt = templates.formats.get(demo.workshop.format)
    if fmt is None:
        raise TemplateError(N_("Template file {file} is invalid: {details}"), file=str(path),
                            details=f"workshop.format: unknown format '{demo.workshop.format}'")
    for index, card in enumerate(demo.cards):
        if card.theme and card.theme not in templates.themes:
            raise TemplateError(N_("Template file {file} is invalid: {details}"),
                                file=str(path),
                                details=f"cards.{index}.theme: unknown theme '{card.theme}'")
        for target in card.answers:
            if not (0 <= target < len(demo.cards) and demo.cards[target].kind == CardKind.NEED
                    and card.kind == CardKind.IDEA):
                raise TemplateError(N_("Template file {file} is invalid: {details}"),
                                    file=str(path),
                                    details=f"cards.{index}.answers: {target} is not a need")
        if card.source and card.source not in templates.sources:
            raise TemplateError(N_("Template file {file} is invalid: {details}"),
                                file=str(path),
                                details=f"cards.{index}.source: unknown source '{card.source}'")
    if demo.earlier is not None:
        _check_earlier(path, demo.earlier, templates)
    admin = session.exec(
        select(User).where(User.role == Role.ADMIN).order_by(col(User.id))
    ).first()
    collective = Collective(
        slug=demo.slug,
        name=demo.collective.name,
        territory=demo.collective.territory,
        description=demo.collective.description,
        owner_id=admin.id if admin else None,
    )
    session.add(collective)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # another app replica loaded it at the same moment
        return None
    if demo.earlier is not None:
        _load_earlier(session, collective, demo.earlier, templates, lang)
    workshop = Workshop(collective_id=pk(collective), title=demo.workshop.title,
                        format_key=fmt.key, join_code="", mode=fmt.mode)
    insert_with_join_code(session, workshop)
    add_agenda(session, workshop, fmt, lang)
    _add_cards(session, collective, workshop, demo.cards,
               utcnow() - timedelta(minutes=len(demo.cards)))
    session.commit()
    return collective


def _invalid(path: Path, details: str) -> TemplateError:
    return TemplateError(N_("Template file {file} is invalid: {details}"), file=str(path),
                         details=details)


def _check_earlier(path: Path, earlier: DemoEarlier, templates: Templates) -> None:
    if earlier.format not in templates.formats:
        raise _invalid(path, f"earlier.format: unknown format '{earlier.format}'")
    for index in earlier.candidates:
        if not (0 <= index < len(earlier.cards) and earlier.cards[index].kind == CardKind.IDEA):
            raise _invalid(path, f"earlier.candidates: {index} is not an idea")
    if len(earlier.scores) != len(earlier.candidates) or any(
            len(row) != len(earlier.participants) or not all(1 <= v <= 5 for v in row)
            for row in earlier.scores):
        raise _invalid(path, "earlier.scores: one row per candidate, one 1-5 score per "
                             "participant")
    if earlier.selected is not None and not 0 <= earlier.selected < len(earlier.candidates):
        raise _invalid(path, "earlier.selected: not a candidate")
    canvas = templates.default_canvas
    for key in earlier.canvas:
        if canvas.section(key) is None:
            raise _invalid(path, f"earlier.canvas: no section '{key}' in {canvas.key}")
    gradient = templates.gradients.get("collectivite")
    for index, action in enumerate(earlier.actions):
        for support in action.supports:
            if support not in templates.supports:
                raise _invalid(path, f"earlier.actions.{index}: unknown support '{support}'")
        if action.lever and (gradient is None or gradient.lever(action.lever) is None):
            raise _invalid(path, f"earlier.actions.{index}: unknown lever '{action.lever}'")
    if earlier.diagnostic is not None:
        _check_diagnostic(path, earlier, templates)
    for index, project in enumerate(earlier.projects):
        where = f"earlier.projects.{index}"
        for name in project.porteurs + [c.author for c in project.comments]:
            if name not in earlier.participants:
                raise _invalid(path, f"{where}: '{name}' is not a participant")
        for support in project.supports:
            if support not in templates.supports:
                raise _invalid(path, f"{where}: unknown support '{support}'")
        for key in [*project.canvas, *(c.section for c in project.comments)]:
            if canvas.section(key) is None:
                raise _invalid(path, f"{where}: no section '{key}' in {canvas.key}")


def _check_diagnostic(path: Path, earlier: DemoEarlier, templates: Templates) -> None:
    item = earlier.diagnostic
    assert item is not None
    gradient = templates.gradients.get("collectivite")
    fmt = templates.formats[earlier.format]
    if gradient is None or not any(p.kind == PhaseKind.DIAGNOSTIC for p in fmt.phases):
        raise _invalid(path, f"earlier.diagnostic: the format '{fmt.key}' has no diagnostic")
    if earlier.selected is None:
        raise _invalid(path, "earlier.diagnostic: about the canvas, and none is selected")
    if gradient.level(item.level) is None:
        raise _invalid(path, f"earlier.diagnostic.level: unknown level '{item.level}'")
    for index, answer in enumerate(item.answers):
        unknown = [s for s in answer.signs if gradient.sign(s) is None]
        if unknown or (answer.level and gradient.level(answer.level) is None):
            raise _invalid(path, f"earlier.diagnostic.answers.{index}: unknown sign or level")
        if not answer.signs and not answer.level:
            raise _invalid(path, f"earlier.diagnostic.answers.{index}: no sign and no level")


def _add_cards(session: Session, collective: Collective, workshop: Workshop,
               items: list[DemoCard], start: datetime) -> list[Card]:
    rows = [Card(collective_id=pk(collective), workshop_id=workshop.id, kind=item.kind,
                 text=item.text, theme=item.theme, source=item.source,
                 author_name=item.author, place=item.place,
                 created_at=start + timedelta(minutes=index),
                 updated_at=start + timedelta(minutes=index))
            for index, item in enumerate(items)]
    session.add_all(rows)
    session.flush()
    for row, item in zip(rows, items, strict=True):
        for target in item.answers:
            session.add(CardLink(idea_id=pk(row), need_id=pk(rows[target])))
    return rows


def _load_earlier(session: Session, collective: Collective, earlier: DemoEarlier,
                  templates: Templates, lang: str) -> Workshop:
    """Write a workshop held ``days_ago`` days ago, ended, with what it produced."""
    held = utcnow() - timedelta(days=earlier.days_ago)
    fmt = templates.formats[earlier.format]
    workshop = Workshop(collective_id=pk(collective), title=earlier.title, format_key=fmt.key,
                        join_code="", status=WorkshopStatus.ENDED, mode=fmt.mode,
                        current_phase=len(fmt.phases) - 1, created_at=held,
                        scoring_state=ScoringState.CLOSED, results_revealed=True)
    insert_with_join_code(session, workshop)
    add_agenda(session, workshop, fmt, lang)
    people = [Participant(workshop_id=pk(workshop), display_name=name,
                          name_key=name_keys(name).name_key,
                          look_key=name_keys(name).look_key,
                          token=secrets.token_urlsafe(24), created_at=held)
              for name in earlier.participants]
    session.add_all(people)
    cards = _add_cards(session, collective, workshop, earlier.cards, held)
    criteria = [Criterion(workshop_id=pk(workshop), key=c.key, name_fr=c.name.fr,
                          name_en=c.name.en, question_fr=c.question.fr,
                          question_en=c.question.en, weight=c.weight, direction=c.sign,
                          axis=c.axis, position=position)
                for position, c in enumerate(templates.default_criteria_set.criteria)]
    workshop.criteria_set_key = templates.default_criteria_set.key
    candidates = [Candidate(workshop_id=pk(workshop), card_id=pk(cards[index]),
                            selected=position == earlier.selected)
                  for position, index in enumerate(earlier.candidates)]
    session.add_all([*criteria, *candidates])
    session.flush()
    for candidate, row in zip(candidates, earlier.scores, strict=True):
        for person, base in zip(people, row, strict=True):
            for position, criterion in enumerate(criteria):
                # A little spread between criteria, the same every time the demo loads.
                value = base if criterion.direction > 0 else 6 - base
                value = min(5, max(1, value - (position + pk(person)) % 2))
                session.add(Score(participant_id=pk(person), candidate_id=pk(candidate),
                                  criterion_id=pk(criterion), value=value, updated_at=held))
    canvas_id = None
    if earlier.selected is not None:
        chosen = candidates[earlier.selected]
        template = templates.default_canvas
        canvas = Canvas(collective_id=pk(collective), workshop_id=pk(workshop),
                        candidate_id=pk(chosen), template_key=template.key,
                        title=cards[earlier.candidates[earlier.selected]].text[:200],
                        created_at=held)
        session.add(canvas)
        session.flush()
        canvas_id = pk(canvas)
        writers = earlier.participants
        for index, (key, text) in enumerate(earlier.canvas.items()):
            session.add(CanvasRevision(canvas_id=canvas_id, section_key=key, text=text,
                                       author_name=writers[index % len(writers)],
                                       created_at=held + timedelta(minutes=index)))
    by_name = {p.display_name: p for p in people}
    session.flush()
    for index, item in enumerate(earlier.projects):
        _load_project(session, collective, workshop, item, by_name, templates,
                      held + timedelta(minutes=index))
    if earlier.diagnostic is not None and canvas_id is not None:
        _load_diagnostic(session, collective, workshop, earlier.diagnostic, people, canvas_id,
                         templates, held)
    gradient = templates.gradients.get("collectivite")
    for item in earlier.actions:
        taker = by_name.get(item.who)
        lever = gradient.lever(item.lever) if gradient and item.lever else None
        supports = item.supports or (lever.supports if lever else [])
        action = Action(collective_id=pk(collective), workshop_id=pk(workshop),
                        canvas_id=canvas_id, what=item.what, who=item.who,
                        who_participant_id=pk(taker) if taker else None,
                        due_on=(held + timedelta(days=item.due_in_days)).date()
                        if item.due_in_days is not None else None,
                        support_wanted=",".join(supports), status=item.status,
                        note=item.note, created_at=held, updated_at=held,
                        lever=f"collectivite:{lever.key}" if lever else "")
        session.add(action)
        session.flush()
        session.add(ActionChange(action_id=pk(action), change="created",
                                 status=ActionStatus.TODO, author_name=item.who,
                                 created_at=held))
        if item.status != ActionStatus.TODO or item.note:
            session.add(ActionChange(action_id=pk(action), change="status",
                                     status=item.status, note=item.note,
                                     author_name=item.who,
                                     created_at=held + timedelta(days=3)))
    return workshop


def _load_diagnostic(session: Session, collective: Collective, workshop: Workshop,
                     item: DemoDiagnostic, people: list[Participant], canvas_id: int,
                     templates: Templates, held: datetime) -> None:
    """The evening's diagnostic, revealed, and the level the room agreed on."""
    gradient = templates.gradients["collectivite"]
    phase = next(p for p in session.exec(select(AgendaPhase).where(
        AgendaPhase.workshop_id == pk(workshop))) if p.kind == PhaseKind.DIAGNOSTIC)
    row = Diagnostic(workshop_id=pk(workshop), phase_id=pk(phase), gradient_key=gradient.key,
                     canvas_id=canvas_id, revealed_at=held + timedelta(minutes=100),
                     created_at=held + timedelta(minutes=90))
    session.add(row)
    session.flush()
    for person, answer in zip(people, item.answers, strict=False):
        proposed = proposed_level(gradient, answer.signs) or ""
        session.add(DiagnosticAnswer(diagnostic_id=pk(row), participant_id=pk(person),
                                     canvas_id=canvas_id, signs=",".join(answer.signs),
                                     proposed=proposed, level=answer.level or proposed,
                                     updated_at=held + timedelta(minutes=95)))
    session.add(RelationLevel(collective_id=pk(collective), canvas_id=canvas_id,
                              gradient_key=gradient.key, level=item.level, note=item.note,
                              diagnostic_id=pk(row), author_name="Animation",
                              created_at=held + timedelta(minutes=105)))


def _load_project(session: Session, collective: Collective, workshop: Workshop,
                  item: DemoProject, by_name: dict[str, Participant], templates: Templates,
                  held: datetime) -> None:
    """A porteur's project as the workshop left it, and what the incubator did since."""
    canvas = Canvas(collective_id=pk(collective), workshop_id=pk(workshop),
                    template_key=templates.default_canvas.key, title=item.pitch,
                    created_at=held)
    session.add(canvas)
    session.flush()
    project = Project(collective_id=pk(collective), workshop_id=pk(workshop),
                      canvas_id=pk(canvas), pitch=item.pitch, commune=item.commune,
                      interest=item.interest, supports=",".join(item.supports),
                      share_canvas=item.share_canvas, followup_note=item.followup_note,
                      stage=item.stages[-1] if item.stages else ProjectStage.IDEA,
                      created_at=held, updated_at=held)
    session.add(project)
    session.flush()
    for name in item.porteurs:
        session.add(ProjectMember(project_id=pk(project), participant_id=pk(by_name[name]),
                                  joined_at=held))
    for index, stage in enumerate(item.stages):
        session.add(ProjectStageChange(project_id=pk(project), stage=stage,
                                       created_at=held + timedelta(days=7 * (index + 1))))
    writers = item.porteurs
    for index, (key, text) in enumerate(item.canvas.items()):
        session.add(CanvasRevision(canvas_id=pk(canvas), section_key=key, text=text,
                                   author_name=writers[index % len(writers)],
                                   created_at=held + timedelta(minutes=index)))
    for index, comment in enumerate(item.comments):
        author = by_name[comment.author]
        session.add(Comment(canvas_id=pk(canvas), section_key=comment.section,
                            text=comment.text, author_name=comment.author,
                            author_participant_id=pk(author), private=True,
                            created_at=held + timedelta(minutes=40 + index)))
