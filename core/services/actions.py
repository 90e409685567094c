"""Next steps: who does what by when, with which support, for which project.

Proposed and taken ("je m'en occupe") by participants during the workshop's "prochaines
étapes" phase, edited by the facilitator at any time, followed by the collective between
sessions through its link (an edit link may update a status and its note). Every change is
kept (``ActionChange``, append-only): the history of a status is never lost. Deleting is
soft. Who may do what is ``core.domain.policy``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Protocol

from sqlmodel import Session, col, select

from core.domain import policy
from core.domain.actors import Actor, CollectiveActor, ParticipantActor
from core.domain.inputs import ActionCreate, ActionUpdate, ProgressNote
from core.domain.models import (
    Action,
    ActionChange,
    ActionStatus,
    Canvas,
    CollectiveAccess,
    Participant,
    Workshop,
    WorkshopMode,
    WorkshopStatus,
    pk,
    utcnow,
)
from core.domain.policy import ACTION_BOARD, Act, Where, Who
from core.domain.templates import Templates
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services.access import (
    author_of,
    canvas_for,
    collective_for,
    collective_member,
    collective_row,
    project_of_canvas,
    where_in,
    who_for_canvas,
    who_for_collective,
    who_for_workshop,
    workshop_for,
)
from core.services.live_cache import bump_board_revision
from core.services.once import insert_once
from core.text.i18n import N_


@dataclass(frozen=True)
class ActionView:
    """A next step as shown."""

    id: int
    what: str
    who: str
    who_participant_id: int | None
    due_on: date | None
    supports: tuple[str, ...]
    canvas_id: int | None
    project: str  # the canvas's title, or "" for the collective as a whole
    status: ActionStatus
    note: str
    workshop_id: int | None
    mine: bool  # proposed or taken by the person asking
    updated_at: datetime
    doing: bool = False  # the person asking is who does it (taken, or proposed "for me")
    lever: str = ""  # "gradient:lever" when made from a gradient's lever
    # What the person asking may do with it now (the policy's answer, for the screen).
    may_take: bool = False
    may_update: bool = False
    may_edit: bool = False


@dataclass(frozen=True)
class CaptureView:
    """What the next-steps form offers the person on the page, decided here: whether they
    propose a step now, what stands instead of the form if not (a message id), whether
    their steps are their own project's only ("chacun son projet"), and whom a step may be
    given to (a participant: nobody or themselves; the facilitator: anyone)."""

    may_propose: bool
    notice: str | None
    own_project_only: bool
    gives_to_anyone: bool


class Moment(Protocol):
    """What the form needs of the workshop's moment (``phases.LiveState`` has it; the phase
    service reads the next steps, so it is not imported here)."""

    status: str
    projects: bool

    def where(self, board: str | None = None) -> Where: ...


def capture_view(actor: Actor, state: Moment | None) -> CaptureView:
    """The next-steps form for ``actor`` at the workshop's moment ``state`` (None: between
    sessions, through the collective's link). Reads nothing: the page holds ``state``."""
    participant = policy.is_participant(actor)
    may = policy.may(actor, Act.PROPOSE_ACTION,
                     state.where(ACTION_BOARD) if state is not None else None)
    notice = None
    if not may and participant and state is not None and state.status == WorkshopStatus.RUNNING:
        notice = N_("Next steps are written during the “next steps” phase.")
    return CaptureView(may_propose=may, notice=notice,
                       own_project_only=participant and state is not None and state.projects,
                       gives_to_anyone=policy.facilitates(actor))


@dataclass(frozen=True)
class ChangeView:
    """One entry of an action's history."""

    action_id: int
    change: str  # created, edited, taken, status, deleted, restored
    status: ActionStatus
    note: str
    author: str
    created_at: datetime


def _supports(raw: str) -> tuple[str, ...]:
    return tuple(s for s in raw.split(",") if s)


def _check_supports(keys: tuple[str, ...], templates: Templates) -> str:
    for key in keys:
        if key not in templates.supports:
            raise InvalidInput(N_("Unknown kind of support: {value}."), value=key)
    return ",".join(dict.fromkeys(keys))


def _mine(actor: Actor, action: Action) -> bool:
    if not isinstance(actor, ParticipantActor):
        return False
    return actor.participant_id in (action.who_participant_id,
                                    action.proposed_by_participant_id)


def _record(session: Session, actor: Actor, action: Action, change: str) -> None:
    user_id, participant_id, name = author_of(session, actor)
    session.add(ActionChange(action_id=pk(action), change=change, status=action.status,
                             note=action.note, author_user_id=user_id,
                             author_participant_id=participant_id, author_name=name))


def _save(session: Session, actor: Actor, action: Action, change: str) -> Action:
    """Record ``change`` in the action's history and commit, telling live screens."""
    _record(session, actor, action, change)
    action.updated_at = utcnow()
    if action.workshop_id is not None:
        bump_board_revision(session, action.workshop_id)
    session.commit()
    return action


def _who_for_action(session: Session, actor: Actor, action: Action) -> tuple[Who, Where]:
    """Return how ``actor`` stands towards ``action`` and the facts of the moment:
    participants through the workshop it was written in, everyone else through its
    collective."""
    who, where, porteur = _standing(session, actor, action.canvas_id, action.workshop_id,
                                    action.collective_id)
    return who, replace(where, own=porteur or _mine(actor, action))


def _standing(session: Session, actor: Actor, canvas_id: int | None,
              workshop_id: int | None, collective_id: int) -> tuple[Who, Where, bool]:
    """How ``actor`` stands towards the actions of one project (``canvas_id``) written in
    one workshop of one collective, the facts of the moment, and whether they carry that
    project (a porteur's own steps, any time)."""
    if isinstance(actor, ParticipantActor) and _carries(session, actor, canvas_id):
        return Who.PORTEUR, Where(), True
    if isinstance(actor, ParticipantActor):
        workshop = session.get(Workshop, workshop_id) if workshop_id else None
        if workshop is None:
            return Who.PARTICIPANT_ELSEWHERE, Where(), False
        where = where_in(session, workshop, board=ACTION_BOARD)
        return who_for_workshop(session, actor, workshop), Where(
            stage=where.stage, phase=where.phase, locked=where.locked,
            board=ACTION_BOARD), False
    collective = collective_row(session, collective_id)
    who = who_for_collective(session, actor, collective)
    if isinstance(actor, CollectiveActor) and who in policy.LINKS and \
            not _link_opens(session, actor, canvas_id):
        return Who.LINK_ELSEWHERE, Where(), False
    return who, Where(), False


def _link_opens(session: Session, actor: CollectiveActor, canvas_id: int | None) -> bool:
    """Whether a link reaches steps of ``canvas_id``'s project: a collective's link, the
    collective's own steps (not a porteur's project); a porteur's link, its project's."""
    access = session.get(CollectiveAccess, actor.access_id)
    scoped = access.canvas_id if access is not None else None
    if scoped is not None:
        return canvas_id == scoped
    return canvas_id is None or project_of_canvas(session, canvas_id) is None


def _carries(session: Session, actor: ParticipantActor, canvas_id: int | None) -> bool:
    """Whether ``actor`` carries the project whose canvas is ``canvas_id``."""
    if canvas_id is None:
        return False
    canvas = session.get(Canvas, canvas_id)
    if canvas is None or project_of_canvas(session, canvas_id) is None:
        return False
    return who_for_canvas(session, actor, canvas) is Who.PORTEUR


def _action_for(session: Session, actor: Actor, action_id: int, act: Act, *,
                deleted_too: bool = False) -> Action:
    action = session.get(Action, action_id)
    if action is None or (action.deleted_at is not None and not deleted_too):
        raise NotFound(N_("This action does not exist."))
    who, where = _who_for_action(session, actor, action)
    policy.require(who, act, where)
    return action


def _canvas_of(session: Session, collective_id: int, canvas_id: int | None) -> int | None:
    if canvas_id is None:
        return None
    canvas = session.get(Canvas, canvas_id)
    if canvas is None or canvas.deleted_at is not None or canvas.collective_id != collective_id:
        raise InvalidInput(N_("This project is not one of the collective's canvases."))
    return canvas_id


def _who_named(session: Session, workshop_id: int | None, participant_id: int | None,
               name: str) -> tuple[int | None, str]:
    """Return who takes the action: a participant of the workshop, or a name typed (a
    collective member, an outside person), or nobody yet."""
    if participant_id is None:
        return None, name
    participant = session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop_id or (
            participant.removed_at is not None):
        raise InvalidInput(N_("This person is not a participant of this workshop."))
    return participant_id, participant.display_name


# --- writing --------------------------------------------------------------------------


def add_action(*, session: Session, actor: Actor, workshop_id: int, action_in: ActionCreate,
               templates: Templates) -> Action:
    """Write a next step in a workshop (a participant proposes it; "for me" takes it). A
    porteur writes the steps of their own project at any time, after the workshop too."""
    if isinstance(actor, ParticipantActor) and _carries(session, actor, action_in.canvas_id):
        policy.require(Who.PORTEUR, Act.PROPOSE_ACTION)
        workshop = workshop_for(session, actor, workshop_id)
    else:
        workshop = workshop_for(session, actor, workshop_id, Act.PROPOSE_ACTION,
                                board=ACTION_BOARD)
        if isinstance(actor, ParticipantActor) and action_in.canvas_id is not None and \
                project_of_canvas(session, action_in.canvas_id) is not None:
            raise PermissionDenied(N_("This project is its porteurs' own."))
    who_id, who = _who_named(session, workshop_id, action_in.who_participant_id,
                             action_in.who)
    if isinstance(actor, ParticipantActor) and action_in.for_me:
        who_id, who = actor.participant_id, actor.name
    user_id, participant_id, _name = author_of(session, actor)
    action = Action(collective_id=workshop.collective_id, workshop_id=workshop_id,
                    canvas_id=_canvas_of(session, workshop.collective_id, action_in.canvas_id),
                    what=action_in.what, who=who, who_participant_id=who_id,
                    due_on=action_in.due_on,
                    support_wanted=_check_supports(action_in.supports, templates),
                    proposed_by_participant_id=participant_id, created_by_user_id=user_id,
                    client_key=action_in.client_key)
    action, new = insert_once(session, action, same_author=lambda stored: (
        stored.proposed_by_participant_id, stored.created_by_user_id) == (
        participant_id, user_id), content=lambda row: row.what)
    if not new:
        return action  # sent twice: stored (and its change recorded) the first time
    return _save(session, actor, action, "created")


def update_action(*, session: Session, actor: Actor, action_id: int, action_in: ActionUpdate,
                  templates: Templates) -> Action:
    """Change what, who, when, which support and which project (the facilitator any
    action; a participant those they proposed or took, during the workshop)."""
    action = _action_for(session, actor, action_id, Act.EDIT_ACTION)
    action.who_participant_id, action.who = _who_named(
        session, action.workshop_id, action_in.who_participant_id, action_in.who)
    action.what = action_in.what
    action.due_on = action_in.due_on
    action.support_wanted = _check_supports(action_in.supports, templates)
    action.canvas_id = _canvas_of(session, action.collective_id, action_in.canvas_id)
    return _save(session, actor, action, "edited")


def take_action(*, session: Session, actor: Actor, action_id: int) -> Action:
    """Say "je m'en occupe": the participant becomes who does it."""
    action = _action_for(session, actor, action_id, Act.TAKE_ACTION)
    assert isinstance(actor, ParticipantActor)  # the policy lets only participants take
    participant = session.get(Participant, actor.participant_id)
    action.who_participant_id = actor.participant_id
    action.who = participant.display_name if participant else actor.name
    return _save(session, actor, action, "taken")


def set_status(*, session: Session, actor: Actor, action_id: int, status: ActionStatus,
               note: str = "") -> Action:
    """Change where an action stands (à faire, en cours, fait, abandonné) with a short
    progress note; the change is kept in its history."""
    action = _action_for(session, actor, action_id, Act.UPDATE_ACTION)
    new_note = ProgressNote(note=note).note
    if ActionStatus(status) == action.status and new_note == action.note:
        return action
    action.status = ActionStatus(status)
    action.note = new_note
    return _save(session, actor, action, "status")


def delete_action(*, session: Session, actor: Actor, action_id: int) -> Action:
    """Put an action in the bin (it can be restored; its history stays)."""
    action = _action_for(session, actor, action_id, Act.EDIT_ACTION)
    if action.deleted_at is None:
        action.deleted_at = utcnow()
        _save(session, actor, action, "deleted")
    return action


def restore_action(*, session: Session, actor: Actor, action_id: int) -> Action:
    """Bring a deleted action back."""
    action = _action_for(session, actor, action_id, Act.EDIT_ACTION, deleted_too=True)
    if action.deleted_at is not None:
        action.deleted_at = None
        _save(session, actor, action, "restored")
    return action


# --- reading --------------------------------------------------------------------------


def _views(session: Session, actor: Actor, rows: list[Action]) -> list[ActionView]:
    canvas_ids = {a.canvas_id for a in rows if a.canvas_id is not None}
    titles = {pk(c): c.title for c in session.exec(
        select(Canvas).where(col(Canvas.id).in_(canvas_ids)))} if canvas_ids else {}
    standings: dict[tuple[int | None, int | None, int], tuple[Who, Where, bool]] = {}
    found = []
    for a in rows:
        # Once per what the answer depends on, not per step: an account's standing is its
        # collective's; a link's, the project's too; a participant's, project and workshop.
        key = ((a.canvas_id, a.workshop_id, a.collective_id)
               if isinstance(actor, ParticipantActor)
               else (a.canvas_id, None, a.collective_id) if isinstance(actor, CollectiveActor)
               else (None, None, a.collective_id))
        if key not in standings:
            standings[key] = _standing(session, actor, a.canvas_id, a.workshop_id,
                                       a.collective_id)
        who, where, porteur = standings[key]
        mine = _mine(actor, a)
        where = replace(where, own=porteur or mine)
        found.append(ActionView(
            pk(a), a.what, a.who, a.who_participant_id, a.due_on, _supports(a.support_wanted),
            a.canvas_id, titles.get(a.canvas_id, "") if a.canvas_id else "", a.status, a.note,
            a.workshop_id, mine, a.updated_at,
            isinstance(actor, ParticipantActor) and a.who_participant_id == actor.participant_id,
            a.lever, may_take=policy.allowed(who, Act.TAKE_ACTION, where),
            may_update=policy.allowed(who, Act.UPDATE_ACTION, where),
            may_edit=policy.allowed(who, Act.EDIT_ACTION, where)))
    return found


def views(session: Session, actor: Actor, rows: list[Action]) -> list[ActionView]:
    """Return ``rows`` as shown to ``actor`` (the caller has let them in)."""
    return _views(session, actor, rows)


def insert_made(session: Session, actor: Actor, rows: list[Action]) -> list[Action]:
    """Store next steps another service made and let ``actor`` make (a gradient's levers),
    each with its "created" in its history, in one commit."""
    for action in rows:
        session.add(action)
        session.flush()
        _record(session, actor, action, "created")
    for workshop_id in {a.workshop_id for a in rows if a.workshop_id is not None}:
        bump_board_revision(session, workshop_id)
    session.commit()
    return rows


def _ordered(query):
    """The collective's own actions first, then by project; by date, undated last."""
    return query.where(col(Action.deleted_at).is_(None)).order_by(
        col(Action.canvas_id).is_not(None), col(Action.canvas_id),
        col(Action.due_on).is_(None), col(Action.due_on), col(Action.id))


def workshop_actions(*, session: Session, actor: Actor, workshop_id: int) -> list[ActionView]:
    """Return the next steps written in a workshop, by project then date."""
    return workshop_actions_in(session, actor,
                               workshop_for(session, actor, workshop_id, Act.SEE_ACTIONS))


def workshop_actions_in(session: Session, actor: Actor, workshop: Workshop
                        ) -> list[ActionView]:
    """``workshop_actions`` of a workshop whose steps the caller has already let ``actor``
    see."""
    workshop_id = pk(workshop)
    rows = list(session.exec(_ordered(select(Action).where(Action.workshop_id == workshop_id))))
    if isinstance(actor, ParticipantActor) and workshop.mode == WorkshopMode.PROJECTS:
        # "Chacun son projet": a porteur's steps are theirs (and the facilitator's to see).
        rows = [a for a in rows if a.who_participant_id == actor.participant_id
                or (a.canvas_id is not None and _carries(session, actor, a.canvas_id))]
    return _views(session, actor, rows)


def _collective_of(session: Session, actor: Actor, collective_id: int | None) -> int:
    """Return the collective asked about: a member's through their link, or the one the
    facilitator names (after checking they manage it)."""
    if isinstance(actor, CollectiveActor):
        own = collective_member(session, actor).collective_id
        if collective_id is not None and collective_id != own:
            raise NotFound(N_("This collective does not exist or was deleted."))
        return own
    if collective_id is None:
        raise InvalidInput(N_("Choose a collective first."))
    collective_for(session, actor, collective_id)
    return collective_id


def collective_seen(session: Session, actor: Actor, collective_id: int | None) -> int:
    """Return the collective whose next steps ``actor`` may follow (see ``changes_since``)."""
    return _collective_of(session, actor, collective_id)


def collective_actions(*, session: Session, actor: Actor,
                       collective_id: int | None = None) -> list[ActionView]:
    """Return every next step of a collective (the facilitator names it; a member through
    the collective's link gets theirs)."""
    return collective_actions_in(session, actor, _collective_of(session, actor, collective_id))


def collective_actions_in(session: Session, actor: Actor, collective_id: int
                          ) -> list[ActionView]:
    """``collective_actions`` of a collective whose steps the caller has already let
    ``actor`` see."""
    rows = list(session.exec(_ordered(select(Action).where(
        Action.collective_id == collective_id))))
    if isinstance(actor, CollectiveActor):  # a link: what it opens only
        rows = [a for a in rows if _link_opens(session, actor, a.canvas_id)]
    return _views(session, actor, rows)


def canvas_actions(*, session: Session, actor: Actor, canvas_id: int) -> list[ActionView]:
    """Return the next steps of one project (what its canvas's next-steps section shows)."""
    canvas_for(session, actor, canvas_id)
    rows = list(session.exec(_ordered(select(Action).where(Action.canvas_id == canvas_id))))
    return _views(session, actor, rows)


def deleted_actions(*, session: Session, actor: Actor, workshop_id: int) -> list[ActionView]:
    """Return the actions put in the bin in a workshop (the facilitator's)."""
    workshop_for(session, actor, workshop_id, Act.FACILITATE)
    rows = list(session.exec(select(Action).where(
        Action.workshop_id == workshop_id, col(Action.deleted_at).is_not(None))
        .order_by(col(Action.deleted_at).desc())))
    return _views(session, actor, rows)


def history(*, session: Session, actor: Actor, action_id: int) -> list[ChangeView]:
    """Return an action's history, oldest first."""
    _action_for(session, actor, action_id, Act.SEE_ACTIONS, deleted_too=True)
    return [ChangeView(c.action_id, c.change, c.status, c.note, c.author_name, c.created_at)
            for c in session.exec(select(ActionChange).where(
                ActionChange.action_id == action_id).order_by(col(ActionChange.id)))]


def sessions(*, session: Session, actor: Actor,
             collective_id: int | None = None) -> list[tuple[str, datetime]]:
    """Return the collective's workshops as (title, the day it was planned for, else when
    it was created), newest first: the sessions "what changed since" can start from
    (members through their link too). Never a later moment than its start, so nothing
    written during it is missed."""
    collective_id = _collective_of(session, actor, collective_id)
    rows = session.exec(select(Workshop).where(Workshop.collective_id == collective_id,
                                               col(Workshop.deleted_at).is_(None)))
    held = [(w.title, datetime.combine(w.scheduled_on, time.min, tzinfo=UTC)
             if w.scheduled_on else w.created_at) for w in rows]
    return sorted(held, key=lambda item: item[1], reverse=True)


def changes_since(*, session: Session, actor: Actor, collective_id: int | None,
                  since: datetime) -> list[tuple[ActionView, list[ChangeView]]]:
    """Return the collective's actions changed after ``since``, each with those changes
    ("depuis la dernière séance")."""
    actions = {a.id: a for a in collective_actions(session=session, actor=actor,
                                                   collective_id=collective_id)}
    if not actions:
        return []
    found: dict[int, list[ChangeView]] = {}
    for c in session.exec(select(ActionChange).where(
            col(ActionChange.action_id).in_(list(actions)),
            col(ActionChange.created_at) > since).order_by(col(ActionChange.id))):
        found.setdefault(c.action_id, []).append(
            ChangeView(c.action_id, c.change, c.status, c.note, c.author_name, c.created_at))
    return [(actions[i], changes) for i, changes in found.items()]
