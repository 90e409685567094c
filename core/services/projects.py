"""Porteurs' own projects, in a "chacun son projet" workshop (the incubators' Outille-toi):
each participant — or a team of two or three — names a project in one line and writes its
canvas; the facilitator sees every project's progress and raised hands, pairs projects
for "regards croisés", may put one forward on the wall with its porteur's agreement; and
the incubator follows the porteurs afterwards, across its workshops.

Rights: ``core.domain.policy`` (``Who.PORTEUR``, ``Who.PARTNER``, ``Act.MANAGE_PROJECT``); who a
participant is towards a project is worked out in ``core.services.access``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.analysis import pairing
from core.domain import policy
from core.domain.actors import Actor, ParticipantActor
from core.domain.inputs import FollowUp, ProjectUpdate
from core.domain.models import (
    Action,
    AgendaPhase,
    Canvas,
    CanvasRevision,
    Collective,
    Comment,
    Pairing,
    Participant,
    PhaseKind,
    Project,
    ProjectMember,
    ProjectStage,
    ProjectStageChange,
    Workshop,
    WorkshopMode,
    WorkshopStatus,
    pk,
    utcnow,
)
from core.domain.policy import Act, Who
from core.domain.templates import Templates
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services.access import (
    active_participant,
    active_user,
    collective_for,
    current_phase_row,
    facilitated_workshop,
    require_user,
    who_for_canvas,
    workshop_for,
)
from core.services.live_cache import bump_board_revision
from core.services.workshops import held_on
from core.text.cleaning import clean_text, fold
from core.text.i18n import N_

TEAM_MAX = 3  # a project is carried by one person, or a team of two or three
CONTACT_MAX = 200
# Where a project stands, as the incubator follows it (ProjectStage), in its words.
STAGE_LABELS = {ProjectStage.IDEA: N_("idea"), ProjectStage.TESTING: N_("testing"),
                ProjectStage.INCUBATED: N_("in incubation"),
                ProjectStage.LAUNCHED: N_("launched"), ProjectStage.PAUSED: N_("on hold"),
                ProjectStage.STOPPED: N_("stopped")}
INTEREST_LABELS = {"yes": N_("yes"), "maybe": N_("maybe"), "no": N_("no"), "": ""}


@dataclass(frozen=True)
class ProjectView:
    """A project as its porteurs and the facilitator see it."""

    id: int
    pitch: str
    canvas_id: int
    workshop_id: int
    members: tuple[str, ...]
    member_ids: tuple[int, ...]
    commune: str
    interest: str
    supports: tuple[str, ...]
    share_canvas: bool
    contact: str
    featured: str
    stage: str

    @property
    def named(self) -> str:
        """The pitch with its porteurs' names, as lists of projects show it."""
        return f"{self.pitch} ({', '.join(self.members)})"


@dataclass(frozen=True)
class BoardRow:
    """One line of the accompagnateur's table."""

    project: ProjectView
    filled: int  # sections written
    sections: int
    last_activity: dt.datetime | None
    comments: int  # comments received from others
    hand_raised: dt.datetime | None  # the earliest raised hand of its porteurs
    hands: tuple[int, ...]  # who raised it (participant ids), to lower them


@dataclass(frozen=True)
class FollowUpRow:
    """One project in the incubator's follow-up, across its workshops."""

    project: ProjectView
    collective: str
    workshop: str
    held_on: dt.date
    filled: int
    sections: int
    last_activity: dt.datetime | None
    followup_note: str
    next_meeting_on: dt.date | None
    level: str = ""  # where it stands with its collectivité (a gradient's level key)


# --- reading ------------------------------------------------------------------------------


def _supports(raw: str) -> tuple[str, ...]:
    return tuple(k for k in raw.split(",") if k)


def _members(session: Session, project_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Each project's porteurs (participant id, name), in the order they joined."""
    found: dict[int, list[tuple[int, str]]] = {p: [] for p in project_ids}
    if not project_ids:
        return found
    rows = session.exec(
        select(ProjectMember.project_id, Participant.id, Participant.display_name)
        .join(Participant, col(Participant.id) == col(ProjectMember.participant_id))
        .where(col(ProjectMember.project_id).in_(project_ids),
               col(Participant.removed_at).is_(None))
        .order_by(col(ProjectMember.joined_at))).all()
    for project_id, participant_id, name in rows:
        if participant_id is not None:
            found[project_id].append((participant_id, name))
    return found


def _view(project: Project, members: list[tuple[int, str]]) -> ProjectView:
    return ProjectView(pk(project), project.pitch, project.canvas_id, project.workshop_id,
                       tuple(name for _id, name in members),
                       tuple(pid for pid, _name in members), project.commune,
                       project.interest, _supports(project.supports), project.share_canvas,
                       project.contact, project.featured, str(project.stage))


def _views(session: Session, projects: list[Project]) -> list[ProjectView]:
    members = _members(session, [pk(p) for p in projects])
    return [_view(p, members[pk(p)]) for p in projects]


def _project_row(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None or project.deleted_at is not None:
        raise NotFound(N_("This project does not exist."))
    return project


def who_for_project(session: Session, actor: Actor, project: Project) -> Who:
    """Return how ``actor`` stands towards ``project``: as towards its canvas (its porteur,
    a partner, another project's, the facilitator…: ``access.who_for_canvas``, the one
    home of that answer)."""
    canvas = session.get(Canvas, project.canvas_id)
    if canvas is None:
        raise NotFound(N_("This project does not exist."))
    return who_for_canvas(session, actor, canvas)


def project_for(session: Session, actor: Actor, project_id: int,
                act: Act = Act.MANAGE_PROJECT) -> Project:
    """Return a project on which the actor may do ``act``, or refuse."""
    project = _project_row(session, project_id)
    policy.require(who_for_project(session, actor, project), act)
    return project


def canvases_of(session: Session, workshop_ids: list[int]) -> list[int]:
    """The canvases of the porteurs' projects of these workshops."""
    if not workshop_ids:
        return []
    return list(session.exec(select(Project.canvas_id).where(
        col(Project.workshop_id).in_(workshop_ids))).all())


def own_project_row(session: Session, participant_id: int) -> Project | None:
    """Return the project a participant carries (None: not yet)."""
    return session.exec(select(Project).join(
        ProjectMember, col(ProjectMember.project_id) == col(Project.id)).where(
        ProjectMember.participant_id == participant_id,
        col(Project.deleted_at).is_(None))).first()


def my_project(*, session: Session, actor: Actor) -> ProjectView | None:
    """Return the project this participant carries, or None while they have none."""
    if not isinstance(actor, ParticipantActor):
        return None
    active_participant(session, actor)
    project = own_project_row(session, actor.participant_id)
    return None if project is None else _views(session, [project])[0]


def joinable_projects(*, session: Session, actor: Actor) -> list[ProjectView]:
    """Return the projects of this participant's workshop a teammate may join (fewer than
    three porteurs)."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    workshop_for(session, actor, actor.workshop_id)
    projects = list(session.exec(select(Project).where(
        Project.workshop_id == actor.workshop_id, col(Project.deleted_at).is_(None))
        .order_by(col(Project.id))).all())
    return [v for v in _views(session, projects) if 0 < len(v.members) < TEAM_MAX]


# --- a porteur's project -------------------------------------------------------------------


def _projects_workshop(session: Session, actor: ParticipantActor) -> Workshop:
    workshop = workshop_for(session, actor, actor.workshop_id)
    if workshop.mode != WorkshopMode.PROJECTS:
        raise InvalidInput(N_("In this workshop the room carries its projects together."))
    if workshop.status == WorkshopStatus.ENDED:
        raise PermissionDenied(N_("The workshop is over: the boards are read-only."))
    return workshop


def start_project(*, session: Session, actor: Actor, pitch: str,
                  templates: Templates) -> Project:
    """Name one's own project in one line: its canvas is made from the default template."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    workshop = _projects_workshop(session, actor)
    active_participant(session, actor)
    existing = own_project_row(session, actor.participant_id)
    if existing is not None:
        return existing
    title = clean_text(pitch, max_length=160, multiline=False)
    canvas = Canvas(collective_id=workshop.collective_id, workshop_id=pk(workshop),
                    template_key=templates.default_canvas.key, title=title)
    session.add(canvas)
    session.flush()
    project = Project(collective_id=workshop.collective_id, workshop_id=pk(workshop),
                      canvas_id=pk(canvas), pitch=title)
    session.add(project)
    session.flush()
    session.add(ProjectMember(project_id=pk(project), participant_id=actor.participant_id))
    bump_board_revision(session, pk(workshop))
    session.commit()
    return project


def join_project(*, session: Session, actor: Actor, project_id: int) -> Project:
    """Join a teammate's project (two or three carry one): its canvas is theirs too."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    workshop = _projects_workshop(session, actor)
    active_participant(session, actor)
    project = _project_row(session, project_id)
    if project.workshop_id != pk(workshop):
        raise NotFound(N_("This project does not exist."))
    existing = own_project_row(session, actor.participant_id)
    if existing is not None:
        if pk(existing) == project_id:
            return existing
        raise InvalidInput(N_("You already carry a project in this workshop."))
    if len(_members(session, [project_id])[project_id]) >= TEAM_MAX:
        raise InvalidInput(N_("This project already has three porteurs."))
    session.add(ProjectMember(project_id=project_id, participant_id=actor.participant_id))
    bump_board_revision(session, pk(workshop))
    session.commit()
    return project


def update_project(*, session: Session, actor: Actor, project_id: int,
                   project_in: ProjectUpdate, templates: Templates) -> Project:
    """Change what a porteur says of their project (its porteurs, or the facilitator)."""
    project = project_for(session, actor, project_id)
    unknown = [k for k in project_in.supports if k not in templates.supports]
    if unknown:
        raise InvalidInput(N_("Unknown support: {key}."), key=unknown[0])
    project.pitch = project_in.pitch
    project.commune = project_in.commune
    project.interest = project_in.interest
    project.supports = ",".join(dict.fromkeys(project_in.supports))
    project.share_canvas = project_in.share_canvas
    project.updated_at = utcnow()
    canvas = session.get(Canvas, project.canvas_id)
    if canvas is not None:
        canvas.title = project.pitch
    bump_board_revision(session, project.workshop_id)
    session.commit()
    return project


def set_contact(*, session: Session, actor: Actor, project_id: int, contact: str,
                consent: bool) -> Project:
    """Leave a way to be reached, with one's explicit consent to the purpose the screen
    names (the incubator following the project up): never required; typed by a porteur
    only; without consent, or emptied, nothing is kept."""
    project = project_for(session, actor, project_id)
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only the porteur can leave their own contact."))
    text = clean_text(contact, max_length=CONTACT_MAX, multiline=False) if contact.strip() \
        else ""
    if text and not consent:
        raise InvalidInput(N_("Tick the box to agree that the incubator contacts you, or "
                              "leave the field empty."))
    project.contact = text
    project.contact_consent_at = utcnow() if text else None
    project.updated_at = utcnow()
    session.commit()
    return project


def forget_contacts_of(session: Session, participant_id: int) -> int:
    """Remove the contact of the projects a participant carries (their anonymisation);
    return how many were removed. The caller commits."""
    removed = 0
    for project in session.exec(select(Project).join(
            ProjectMember, col(ProjectMember.project_id) == col(Project.id)).where(
            ProjectMember.participant_id == participant_id)).all():
        if project.contact:
            project.contact = ""
            project.contact_consent_at = None
            removed += 1
    return removed


# --- hands, and the accompagnateur's table ---------------------------------------------------


def raise_hand(*, session: Session, actor: Actor, raised: bool) -> Participant:
    """"J'ai une question": a participant raises (or lowers) their own hand."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    participant = active_participant(session, actor)
    participant.hand_raised_at = (participant.hand_raised_at or utcnow()) if raised else None
    bump_board_revision(session, participant.workshop_id)
    session.commit()
    return participant


def hand_is_up(*, session: Session, actor: Actor) -> bool:
    """Whether this participant's hand is up."""
    if not isinstance(actor, ParticipantActor):
        return False
    return active_participant(session, actor).hand_raised_at is not None


def lower_hand(*, session: Session, actor: Actor, participant_id: int) -> None:
    """The facilitator lowers a participant's hand (the question is answered)."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(N_("This participant does not exist."))
    facilitated_workshop(session, actor, participant.workshop_id)
    participant.hand_raised_at = None
    bump_board_revision(session, participant.workshop_id)
    session.commit()


def _filled(session: Session, canvas_ids: list[int]) -> dict[int, int]:
    """How many sections of each canvas hold text (their latest revision not empty)."""
    if not canvas_ids:
        return {}
    latest = (select(func.max(CanvasRevision.id)).where(
        col(CanvasRevision.canvas_id).in_(canvas_ids))
        .group_by(col(CanvasRevision.canvas_id), col(CanvasRevision.section_key)))
    rows = session.exec(select(CanvasRevision.canvas_id, func.count()).where(
        col(CanvasRevision.id).in_(latest), col(CanvasRevision.text) != "")
        .group_by(col(CanvasRevision.canvas_id))).all()
    return dict(rows)


def _last_activity(session: Session, canvas_ids: list[int]) -> dict[int, dt.datetime]:
    """When each canvas was last written in or commented."""
    found: dict[int, dt.datetime] = {}
    if not canvas_ids:
        return found
    for canvas_column, moment in ((CanvasRevision.canvas_id, CanvasRevision.created_at),
                                  (Comment.canvas_id, Comment.created_at),
                                  (Action.canvas_id, Action.updated_at)):
        for canvas_id, when in session.exec(select(col(canvas_column), func.max(moment)).where(
                col(canvas_column).in_(canvas_ids)).group_by(col(canvas_column))).all():
            if when is None or canvas_id is None:
                continue
            when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            if canvas_id not in found or when > found[canvas_id]:
                found[canvas_id] = when
    return found


def _template_keys(session: Session, canvas_ids: list[int]) -> dict[int, str]:
    if not canvas_ids:
        return {}
    return {canvas_id: key for canvas_id, key in session.exec(
        select(Canvas.id, Canvas.template_key).where(col(Canvas.id).in_(canvas_ids))).all()
        if canvas_id is not None}


def _sections(templates: Templates, canvases: dict[int, str]) -> dict[int, int]:
    counts = {}
    for canvas_id, key in canvases.items():
        template = templates.canvases.get(key) or templates.default_canvas
        counts[canvas_id] = len(template.sections)
    return counts


def workshop_projects(session: Session, workshop_id: int) -> list[Project]:
    """The projects of a workshop, in the order they were started (no rights checked)."""
    return list(session.exec(select(Project).where(
        Project.workshop_id == workshop_id, col(Project.deleted_at).is_(None))
        .order_by(col(Project.id))).all())


def board(*, session: Session, actor: Actor, workshop_id: int,
          templates: Templates) -> list[BoardRow]:
    """The accompagnateur's table: every project of the workshop, its porteurs, how much of
    its canvas is written, when it last moved, the comments it received, raised hands."""
    return board_in(session, facilitated_workshop(session, actor, workshop_id), templates)


def board_in(session: Session, workshop: Workshop, templates: Templates) -> list[BoardRow]:
    """``board`` of a workshop the caller has already let its reader facilitate."""
    workshop_id = pk(workshop)
    projects = workshop_projects(session, workshop_id)
    views = _views(session, projects)
    canvas_ids = [p.canvas_id for p in projects]
    keys = _template_keys(session, canvas_ids)
    sections = _sections(templates, keys)
    filled = _filled(session, canvas_ids)
    moved = _last_activity(session, canvas_ids)
    comments: Counter[int] = Counter()
    members_of = {v.canvas_id: set(v.member_ids) for v in views}
    if canvas_ids:
        for canvas_id, author in session.exec(select(Comment.canvas_id,
                                                     Comment.author_participant_id).where(
                col(Comment.canvas_id).in_(canvas_ids), col(Comment.deleted_at).is_(None))):
            if author not in members_of.get(canvas_id, set()):
                comments[canvas_id] += 1
    hands = {p.id: p.hand_raised_at for p in session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id,
        col(Participant.hand_raised_at).is_not(None)))}
    rows = []
    for view in views:
        raised = sorted((hands[m], m) for m in view.member_ids if m in hands)
        rows.append(BoardRow(view, filled.get(view.canvas_id, 0),
                             sections.get(view.canvas_id, 0), moved.get(view.canvas_id),
                             comments[view.canvas_id], raised[0][0] if raised else None,
                             tuple(m for _when, m in raised)))
    return rows


def raised_hands(*, session: Session, actor: Actor, workshop_id: int) -> list[Participant]:
    """The participants whose hand is up, the first raised first (facilitator)."""
    facilitated_workshop(session, actor, workshop_id)
    return list(session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, col(Participant.hand_raised_at).is_not(None),
        col(Participant.removed_at).is_(None)).order_by(col(Participant.hand_raised_at))))


# --- regards croisés -------------------------------------------------------------------------


def _pairs_phase(session: Session, workshop: Workshop, phase_id: int | None) -> AgendaPhase:
    phase = session.get(AgendaPhase, phase_id) if phase_id is not None else \
        current_phase_row(session, workshop)
    if phase is None or phase.workshop_id != workshop.id or phase.kind != PhaseKind.PAIRS:
        raise InvalidInput(N_("Pairs are made for a “regards croisés” phase."))
    return phase


def _groups(session: Session, phase_id: int) -> dict[int, list[int]]:
    """The groups of a phase: group number → participant ids."""
    groups: dict[int, list[int]] = {}
    for participant_id, group in session.exec(select(Pairing.participant_id,
                                                     Pairing.group_no).where(
            Pairing.phase_id == phase_id).order_by(col(Pairing.group_no))).all():
        groups.setdefault(group, []).append(participant_id)
    return groups


def _project_units(session: Session, workshop_id: int) -> dict[int, list[int]]:
    """The workshop's projects and their porteurs (participant ids)."""
    units: dict[int, list[int]] = {}
    for project_id, participant_id in session.exec(
            select(ProjectMember.project_id, ProjectMember.participant_id)
            .join(Project, col(Project.id) == col(ProjectMember.project_id))
            .join(Participant, col(Participant.id) == col(ProjectMember.participant_id))
            .where(Project.workshop_id == workshop_id, col(Project.deleted_at).is_(None),
                   col(Participant.removed_at).is_(None))
            .order_by(col(ProjectMember.project_id))).all():
        units.setdefault(project_id, []).append(participant_id)
    return units


def _write_groups(session: Session, workshop_id: int, phase_id: int,
                  groups: list[list[int]], units: dict[int, list[int]]) -> None:
    for old in session.exec(select(Pairing).where(Pairing.phase_id == phase_id)).all():
        session.delete(old)
    session.flush()
    for number, group in enumerate(groups, start=1):
        for project_id in group:
            for participant_id in units[project_id]:
                session.add(Pairing(workshop_id=workshop_id, phase_id=phase_id,
                                    participant_id=participant_id, group_no=number))


def make_pairs(*, session: Session, actor: Actor, workshop_id: int,
               phase_id: int | None = None, groups: list[list[int]] | None = None,
               seed: int | None = None) -> list[list[int]]:
    """Pair the workshop's projects for a "regards croisés" phase (the current one unless
    ``phase_id``): at random, or as the facilitator chose (``groups`` of project ids);
    pairs, a trio for the odd one. Made again, they replace the previous ones. Returns the
    groups (project ids)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    phase = _pairs_phase(session, workshop, phase_id)
    units = _project_units(session, workshop_id)
    try:
        made = (pairing.chosen(groups, list(units)) if groups is not None
                else pairing.groups_of(list(units), seed=seed))
    except ValueError as error:
        raise InvalidInput(N_("These pairs cannot be made: {problem}."),
                           problem=str(error)) from None
    _write_groups(session, workshop_id, pk(phase), made, units)
    bump_board_revision(session, workshop_id)
    session.commit()
    return made


def place_latecomers(session: Session, workshop: Workshop) -> bool:
    """During a "regards croisés" phase whose pairs are made, give a group to the porteurs
    who arrived since (a teammate with their team; a new project with another new one, or
    in the smallest group). Returns whether anything was added; the caller commits."""
    phase = current_phase_row(session, workshop)
    if phase is None or phase.kind != PhaseKind.PAIRS:
        return False
    existing = _groups(session, pk(phase))
    if not existing:
        return False
    units = _project_units(session, pk(workshop))
    placed = {p for members in existing.values() for p in members}
    group_of_project: dict[int, int] = {}
    for number, members in existing.items():
        for project_id, porteurs in units.items():
            if set(porteurs) & set(members):
                group_of_project[project_id] = number
    added = False
    for project_id, porteurs in units.items():  # a teammate joins their team's group
        team_group = group_of_project.get(project_id)
        for participant_id in porteurs:
            if team_group is not None and participant_id not in placed:
                session.add(Pairing(workshop_id=pk(workshop), phase_id=pk(phase),
                                    participant_id=participant_id, group_no=team_group))
                added = True
    new = [p for p in units if p not in group_of_project]
    if new:
        by_group: dict[int, list[int]] = {}
        for project_id, number in group_of_project.items():
            by_group.setdefault(number, []).append(project_id)
        numbers = sorted(by_group)
        groups = pairing.place_latecomers([by_group[n] for n in numbers], new)
        for index, group in enumerate(groups):
            group_no = (numbers[index] if index < len(numbers)
                        else max(numbers, default=0) + index - len(numbers) + 1)
            for project_id in group:
                if project_id in new:
                    for participant_id in units[project_id]:
                        session.add(Pairing(workshop_id=pk(workshop), phase_id=pk(phase),
                                            participant_id=participant_id, group_no=group_no))
                        added = True
    if added:
        bump_board_revision(session, pk(workshop))
    return added


@dataclass(frozen=True)
class PairsView:
    """The groups of a "regards croisés" phase, as project views."""

    phase_id: int
    groups: list[list[ProjectView]]


def pairs(*, session: Session, actor: Actor, workshop_id: int) -> PairsView | None:
    """The current "regards croisés" phase's groups (facilitator); None outside one or
    before they are made."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    phase = current_phase_row(session, workshop)
    if phase is None or phase.kind != PhaseKind.PAIRS:
        return None
    if place_latecomers(session, workshop):
        session.commit()
    groups = _groups(session, pk(phase))
    if not groups:
        return PairsView(pk(phase), [])
    projects = {pk(p): p for p in session.exec(select(Project).where(
        Project.workshop_id == workshop_id, col(Project.deleted_at).is_(None)))}
    views = {v.id: v for v in _views(session, list(projects.values()))}
    out = []
    for members in groups.values():
        ids = [v.id for v in views.values() if set(v.member_ids) & set(members)]
        out.append([views[i] for i in ids])
    return PairsView(pk(phase), out)


def my_partners(*, session: Session, actor: Actor) -> list[ProjectView] | None:
    """The projects this porteur reads during the current "regards croisés" phase (None
    outside one, or before the facilitator made the pairs)."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    workshop = workshop_for(session, actor, actor.workshop_id)
    phase = current_phase_row(session, workshop)
    if phase is None or phase.kind != PhaseKind.PAIRS:
        return None
    if place_latecomers(session, workshop):
        session.commit()
    groups = _groups(session, pk(phase))
    mine = next((members for members in groups.values()
                 if actor.participant_id in members), None)
    if mine is None:
        return None
    own = own_project_row(session, actor.participant_id)
    others = [p for p in session.exec(select(Project).join(
        ProjectMember, col(ProjectMember.project_id) == col(Project.id)).where(
        col(ProjectMember.participant_id).in_(mine), col(Project.deleted_at).is_(None)))
        .unique().all() if own is None or pk(p) != pk(own)]
    unique = list({pk(p): p for p in others}.values())
    return _views(session, unique)


# --- the wall ----------------------------------------------------------------------------------


def ask_feature(*, session: Session, actor: Actor, project_id: int) -> Project:
    """The facilitator would like to show a project's text on the wall: its porteurs are
    asked on their screen (one project at a time)."""
    project = _project_row(session, project_id)
    facilitated_workshop(session, actor, project.workshop_id)
    for other in session.exec(select(Project).where(
            Project.workshop_id == project.workshop_id, Project.featured != "")).all():
        other.featured = ""
    project.featured = "asked"
    bump_board_revision(session, project.workshop_id)
    session.commit()
    return project


def answer_feature(*, session: Session, actor: Actor, project_id: int,
                   agree: bool) -> Project:
    """A porteur agrees (or not) to have their project's text shown on the wall."""
    project = project_for(session, actor, project_id)
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only the porteur can agree to this."))
    if project.featured != "asked":
        raise InvalidInput(N_("Nobody asks to show this project now."))
    project.featured = "agreed" if agree else "declined"
    bump_board_revision(session, project.workshop_id)
    session.commit()
    return project


def stop_feature(*, session: Session, actor: Actor, workshop_id: int) -> None:
    """The wall goes back to the step's question (facilitator)."""
    facilitated_workshop(session, actor, workshop_id)
    for project in session.exec(select(Project).where(
            Project.workshop_id == workshop_id, Project.featured != "")).all():
        project.featured = ""
    bump_board_revision(session, workshop_id)
    session.commit()


@dataclass(frozen=True)
class WallView:
    """What the wall shows of the projects during a canvas step."""

    projects: int
    written: dict[str, int]  # focus section → projects that wrote in it
    featured: ProjectView | None  # agreed by its porteurs
    featured_texts: dict[str, str]  # its focus sections' text


def wall(*, session: Session, actor: Actor, workshop_id: int,
         focus: tuple[str, ...]) -> WallView:
    """How many projects wrote in each section in focus; the project put forward, if its
    porteurs agreed — never anyone's text otherwise (facilitator's wall)."""
    facilitated_workshop(session, actor, workshop_id)
    projects = list(session.exec(select(Project).where(
        Project.workshop_id == workshop_id, col(Project.deleted_at).is_(None))).all())
    canvas_ids = [p.canvas_id for p in projects]
    written = dict.fromkeys(focus, 0)
    texts: dict[tuple[int, str], str] = {}
    if canvas_ids and focus:
        latest = (select(func.max(CanvasRevision.id)).where(
            col(CanvasRevision.canvas_id).in_(canvas_ids),
            col(CanvasRevision.section_key).in_(focus))
            .group_by(col(CanvasRevision.canvas_id), col(CanvasRevision.section_key)))
        for canvas_id, key, text in session.exec(select(
                CanvasRevision.canvas_id, CanvasRevision.section_key, CanvasRevision.text)
                .where(col(CanvasRevision.id).in_(latest))).all():
            texts[(canvas_id, key)] = text
            if text.strip():
                written[key] += 1
    agreed = next((p for p in projects if p.featured == "agreed"), None)
    featured = _views(session, [agreed])[0] if agreed is not None else None
    featured_texts = ({key: texts.get((agreed.canvas_id, key), "") for key in focus}
                      if agreed is not None else {})
    return WallView(len(projects), written, featured, featured_texts)


# --- the incubator's follow-up ----------------------------------------------------------------


def set_followup(*, session: Session, actor: Actor, project_id: int,
                 followup_in: FollowUp) -> Project:
    """Keep where a project stands, a note and the next meeting (the incubator); a stage
    that moves is kept in its history."""
    project = _project_row(session, project_id)
    collective_for(session, actor, project.collective_id)
    user = active_user(session, require_user(actor))
    stage = ProjectStage(followup_in.stage)
    if stage != project.stage:
        project.stage = stage
        session.add(ProjectStageChange(project_id=project_id, stage=stage,
                                       author_user_id=user.id))
    project.followup_note = followup_in.note
    project.next_meeting_on = followup_in.next_meeting_on
    project.updated_at = utcnow()
    session.commit()
    return project


@dataclass(frozen=True)
class FollowUpView:
    rows: list[FollowUpRow]
    by_commune: list[tuple[str, int]]
    by_stage: list[tuple[str, int]]
    communes: list[str]
    by_level: list[tuple[str, int]]  # (level key, projects), the scale's order; "" none yet


def followup(*, session: Session, actor: Actor, templates: Templates, commune: str = "",
             stage: str = "", interest: str = "", query: str = "") -> FollowUpView:
    """The incubator's follow-up: every porteur's project of the facilitator's collectives
    (an admin's: all), filtered, with the counts by commune and by stage."""
    user = active_user(session, require_user(actor))
    collectives = select(Collective.id).where(col(Collective.deleted_at).is_(None))
    if user.role != "admin":
        collectives = collectives.where(Collective.owner_id == user.id)
    rows = session.exec(select(Project, Collective.name, Workshop.title, Workshop)
                        .join(Collective, col(Collective.id) == col(Project.collective_id))
                        .join(Workshop, col(Workshop.id) == col(Project.workshop_id))
                        .where(col(Project.collective_id).in_(collectives),
                               col(Project.deleted_at).is_(None),
                               col(Workshop.deleted_at).is_(None))
                        .order_by(col(Project.id))).all()
    projects = [row[0] for row in rows]
    views = {v.id: v for v in _views(session, projects)}
    canvas_ids = [p.canvas_id for p in projects]
    keys = _template_keys(session, canvas_ids)
    sections = _sections(templates, keys)
    filled = _filled(session, canvas_ids)
    moved = _last_activity(session, canvas_ids)
    from core.services import relation

    levels = relation.current_levels(session, canvas_ids)
    everything = []
    for project, collective_name, workshop_title, workshop in rows:
        everything.append(FollowUpRow(
            views[pk(project)], collective_name, workshop_title, held_on(workshop),
            filled.get(project.canvas_id, 0), sections.get(project.canvas_id, 0),
            moved.get(project.canvas_id) or project.updated_at, project.followup_note,
            project.next_meeting_on, levels.get(project.canvas_id, "")))
    wanted = fold(query)
    chosen = [r for r in everything
              if (not commune or fold(r.project.commune) == fold(commune))
              and (not stage or r.project.stage == stage)
              and (not interest or r.project.interest == interest)
              and (not wanted or wanted in fold(" ".join((r.project.pitch, r.project.commune,
                                                           *r.project.members))))]
    by_commune = Counter(r.project.commune or "" for r in chosen)
    by_stage = Counter(r.project.stage for r in chosen)
    communes = sorted({r.project.commune for r in everything if r.project.commune}, key=fold)
    by_level = Counter(r.level for r in chosen)
    scale = [level.key for level in relation.gradient_of(templates).levels]
    return FollowUpView(chosen, sorted(by_commune.items(), key=lambda x: (-x[1], fold(x[0]))),
                        [(s.value, by_stage[s.value]) for s in ProjectStage
                         if by_stage[s.value]], communes,
                        [(k, by_level[k]) for k in [*scale, ""] if by_level[k]])
