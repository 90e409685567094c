"""The workshop's phases: the one place that decides what happens when a phase starts or
ends, the shared clock, and what each screen needs to follow along.

- Entering a phase starts its clock; entering "évaluer" asks the vote to open, leaving it
  to close (the vote's life is ``core.services.scoring``'s: its state, its readiness rule,
  the facilitator's buttons, the reveal of the results).
- Leaving a phase reveals the cards written privately during it.

Who may write on which board in which phase is ``core.domain.policy``'s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select, update

from core.domain import policy
from core.domain.actors import Actor, ParticipantActor
from core.domain.inputs import PhaseCreate, PhaseUpdate
from core.domain.models import (
    AgendaPhase,
    Card,
    Diagnostic,
    PhaseKind,
    Workshop,
    WorkshopStatus,
    pk,
    utcnow,
)
from core.domain.timer import Clock, clock
from core.errors import InvalidInput, NotFound
from core.services import live_cache, scoring
from core.services.access import (
    check_can_see_live,
    facilitated_workshop,
)
from core.services.live_cache import commit_workshop_change
from core.text.i18n import N_

log = logging.getLogger(__name__)

EXTRA_TIME_SECONDS = 300

@dataclass(frozen=True)
class LiveState:
    """What every screen of a workshop shows and polls: cheap to read."""

    workshop_id: int
    revision: int
    status: str
    phase: AgendaPhase | None
    index: int | None
    phases: int
    clock: Clock | None
    scoring_state: str
    results_revealed: bool
    paused: bool = False
    mode: str = "collective"  # WorkshopMode: the room's funnel, or each porteur's project
    answers_revealed: bool = False  # a diagnostic phase's answers, revealed together

    @property
    def projects(self) -> bool:
        """Whether each participant carries their own project ("chacun son projet")."""
        return self.mode == "projects"

    @property
    def draft(self) -> bool:
        """Not started yet."""
        return self.status == WorkshopStatus.DRAFT

    @property
    def running(self) -> bool:
        """Started and not ended (paused included)."""
        return self.status == WorkshopStatus.RUNNING

    @property
    def ended(self) -> bool:
        return self.status == WorkshopStatus.ENDED

    @property
    def current(self) -> str | None:
        """The kind of the phase the room is in (``PhaseKind``), None unless it runs: what
        the screens' registries of phases are looked up with."""
        return self.phase.kind if self.running and self.phase is not None else None

    @property
    def welcoming(self) -> bool:
        """Before the start and during the welcome: the wall is mostly the way in."""
        return self.draft or self.current == PhaseKind.WELCOME

    @property
    def pairing(self) -> bool:
        """During "regards croisés", when each porteur reads a partner's project."""
        return self.current == PhaseKind.PAIRS

    @property
    def focus(self) -> tuple[str, ...]:
        """The canvas sections the current phase works on (none: the whole canvas)."""
        if self.phase is None or not self.phase.focus:
            return ()
        return tuple(k for k in self.phase.focus.split(",") if k)

    def where(self, board: str | None = None) -> policy.Where:
        """Return the facts of this moment for the policy (what a screen may offer)."""
        return policy.Where(
            stage=policy.stage_of(self.status, self.paused),
            phase=self.phase.kind if self.phase is not None else None,
            locked=bool(self.phase is not None and self.phase.locked), board=board,
            scoring=self.scoring_state, results_revealed=self.results_revealed,
            answers_revealed=self.answers_revealed)


def phases_of(session: Session, workshop_id: int) -> list[AgendaPhase]:
    """Return a workshop's phases in order."""
    return list(session.exec(
        select(AgendaPhase).where(AgendaPhase.workshop_id == workshop_id)
        .order_by(col(AgendaPhase.position))
    ).all())


def current_phase(session: Session, workshop: Workshop) -> AgendaPhase | None:
    """Return the phase the workshop is in (None before it starts)."""
    if workshop.current_phase is None:
        return None
    return session.exec(select(AgendaPhase).where(
        AgendaPhase.workshop_id == pk(workshop),
        AgendaPhase.position == workshop.current_phase)).first()


def live_state(*, session: Session, actor: Actor, workshop_id: int,
               now: datetime | None = None) -> LiveState:
    """Return the revision, phase and clock of a workshop (what live views poll).

    Two queries (the access check, then the workshop with its current phase and the number
    of phases), remembered by this server for a fraction of a second (``live_cache``) — the
    clock is computed at each call from what was read.
    """
    check_can_see_live(session, actor, workshop_id)
    # The facilitator's screens (one or two: the wall, the controls) always read afresh;
    # the sixty phones share the memo.
    max_age = live_cache.LIVE_SECONDS if isinstance(actor, ParticipantActor) else 0.0
    return _live_state(session, workshop_id, max_age, now)


def watched_state(*, session: Session, workshop_id: int) -> LiveState:
    """Return a workshop's live state for its server's own watcher (``ui/push.py``), which
    only decides from it when to wake the screens that follow the workshop — each screen
    then reads it again as its person (``live_state``, access checked). Nobody is shown
    this one: it takes no actor. Shares the phones' memo."""
    return _live_state(session, workshop_id, live_cache.LIVE_SECONDS, None)


def _live_state(session: Session, workshop_id: int, max_age: float,
                now: datetime | None) -> LiveState:
    row = live_cache.remembered(session, workshop_id, live_cache.STATE, max_age,
                           lambda: _read_live_row(session, workshop_id))
    workshop, phase, count, revealed = row
    running_clock = None
    if phase is not None and workshop.status == WorkshopStatus.RUNNING:
        running_clock = clock(now=now or utcnow(), started=workshop.phase_started_at,
                              duration_min=phase.duration_min,
                              extra_seconds=workshop.extra_seconds,
                              paused_seconds=workshop.paused_seconds,
                              paused_at=workshop.paused_at)
    return LiveState(workshop_id, workshop.board_revision, workshop.status, phase,
                     workshop.current_phase, count, running_clock, workshop.scoring_state,
                     workshop.results_revealed, workshop.paused_at is not None,
                     str(workshop.mode), revealed)


def _read_live_row(session: Session, workshop_id: int) -> tuple[Workshop, AgendaPhase | None,
                                                                  int, bool]:
    count = (select(func.count()).select_from(AgendaPhase)
             .where(col(AgendaPhase.workshop_id) == workshop_id).scalar_subquery())
    row = session.exec(
        select(Workshop, AgendaPhase, count, col(Diagnostic.revealed_at))
        .outerjoin(AgendaPhase, (col(AgendaPhase.workshop_id) == col(Workshop.id))
                   & (col(AgendaPhase.position) == col(Workshop.current_phase)))
        .outerjoin(Diagnostic, col(Diagnostic.phase_id) == col(AgendaPhase.id))
        .where(col(Workshop.id) == workshop_id, col(Workshop.deleted_at).is_(None))
    ).first()
    if row is None:
        raise NotFound(N_("This workshop does not exist or was deleted."))
    workshop, phase, count, revealed_at = row
    # Shared between sessions: detach them so no session can refresh or change them.
    session.expunge(workshop)
    if phase is not None:
        session.expunge(phase)
    return workshop, phase, count, revealed_at is not None


def writes_privately(session: Session, actor: Actor, workshop: Workshop) -> bool:
    """Tell whether a card written now stays hidden until the facilitator reveals it."""
    if not policy.is_participant(actor):
        return False
    phase = current_phase(session, workshop)
    return bool(phase and phase.private_writing)


# --- transitions ------------------------------------------------------------------------


def _leave(session: Session, workshop: Workshop, phase: AgendaPhase | None) -> None:
    """What ending a phase does."""
    if phase is None:
        return
    if phase.private_writing:
        _reveal_cards(session, pk(workshop))
    if phase.kind == PhaseKind.SCORE:
        scoring.vote_phase_left(workshop)


def _enter(session: Session, workshop: Workshop, phase: AgendaPhase) -> None:
    """What starting a phase does."""
    workshop.current_phase = phase.position
    workshop.phase_started_at = utcnow()
    workshop.paused_at = None
    workshop.paused_seconds = 0
    workshop.extra_seconds = 0
    if phase.kind == PhaseKind.SCORE:
        scoring.vote_phase_entered(session, workshop)


def _reveal_cards(session: Session, workshop_id: int) -> int:
    result = session.execute(
        update(Card).where(col(Card.workshop_id) == workshop_id, col(Card.revealed).is_(False))
        .values(revealed=True))
    return int(getattr(result, "rowcount", 0) or 0)


def start(*, session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Open the workshop at its first phase (or where it was, if reopened)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    phases = phases_of(session, workshop_id)
    if not phases:
        raise InvalidInput(N_("The agenda is empty: add a phase first."))
    workshop.status = WorkshopStatus.RUNNING
    if workshop.current_phase is None:
        _enter(session, workshop, phases[0])
    return commit_workshop_change(session, workshop)


def go_to(*, session: Session, actor: Actor, workshop_id: int, index: int) -> Workshop:
    """Move everyone to the phase at ``index`` (ending the current one)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    if workshop.status != WorkshopStatus.RUNNING:
        raise InvalidInput(N_("Start the workshop first."))
    phases = phases_of(session, workshop_id)
    if not 0 <= index < len(phases):
        raise InvalidInput(N_("There is no such phase."))
    _leave(session, workshop, current_phase(session, workshop))
    _enter(session, workshop, phases[index])
    return commit_workshop_change(session, workshop)


def next_phase(*, session: Session, actor: Actor, workshop_id: int,
               from_index: int | None = None) -> Workshop:
    """Move everyone to the next phase. With ``from_index`` (the phase the facilitator's
    screen showed), only from that phase: a button pressed twice, or a press sent again,
    moves once."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    if from_index is not None and workshop.current_phase != from_index:
        return workshop
    index = (workshop.current_phase if workshop.current_phase is not None else -1) + 1
    return go_to(session=session, actor=actor, workshop_id=workshop_id, index=index)


def previous_phase(*, session: Session, actor: Actor, workshop_id: int,
                   from_index: int | None = None) -> Workshop:
    """Move everyone back to the previous phase (``from_index``: as for ``next_phase``)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    if from_index is not None and workshop.current_phase != from_index:
        return workshop
    index = (workshop.current_phase or 0) - 1
    return go_to(session=session, actor=actor, workshop_id=workshop_id, index=index)


def pause(*, session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Stop the clock (boards stay as they are)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    if workshop.paused_at is None and workshop.status == WorkshopStatus.RUNNING:
        workshop.paused_at = utcnow()
    return commit_workshop_change(session, workshop)


def resume(*, session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """Restart the clock."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    if workshop.paused_at is not None:
        paused_at = workshop.paused_at
        workshop.paused_seconds += max(0, int((utcnow() - paused_at).total_seconds()))
        workshop.paused_at = None
    return commit_workshop_change(session, workshop)


def add_time(*, session: Session, actor: Actor, workshop_id: int,
             seconds: int = EXTRA_TIME_SECONDS) -> Workshop:
    """Give the current phase more time (five minutes by default)."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    workshop.extra_seconds += seconds
    return commit_workshop_change(session, workshop)


def end(*, session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """End the workshop: the current phase ends, boards become read-only."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    _leave(session, workshop, current_phase(session, workshop))
    workshop.status = WorkshopStatus.ENDED
    workshop.paused_at = None
    workshop.ended_at = utcnow()
    ended = commit_workshop_change(session, workshop)
    _after_end(session, ended)
    return ended


def _after_end(session: Session, workshop: Workshop) -> None:
    """What follows the end of a workshop: the retention of names of ended workshops is
    applied, and the database is backed up into the data directory (SQLite; PostgreSQL
    with pg_dump where installed). Neither may undo the end: failures are logged."""
    from core.services import privacy
    from core.settings import get_settings
    from core.storage import backup

    settings = get_settings()
    try:
        privacy.apply_retention(session)
    except Exception:  # noqa: BLE001 - logged; the workshop has ended anyway
        session.rollback()
        log.exception("retention after the end of workshop %s", workshop.id)
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    backup.automatic(url, settings.data_dir, settings.backups_kept, f"atelier-{workshop.id}")


def reveal_cards(*, session: Session, actor: Actor, workshop_id: int) -> int:
    """Show everyone the cards written privately so far; return how many."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    count = _reveal_cards(session, workshop_id)
    commit_workshop_change(session, workshop)
    return count


def set_locked(*, session: Session, actor: Actor, phase_id: int, locked: bool) -> AgendaPhase:
    """Lock or unlock a phase's board for participants."""
    phase = session.get(AgendaPhase, phase_id)
    if phase is None:
        raise NotFound(N_("This phase does not exist."))
    workshop = facilitated_workshop(session, actor, phase.workshop_id)
    phase.locked = locked
    commit_workshop_change(session, workshop)
    return phase


# --- editing the agenda -----------------------------------------------------------------


def add_phase(*, session: Session, actor: Actor, workshop_id: int,
              phase_in: PhaseCreate) -> AgendaPhase:
    """Add a phase at the end of the agenda."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    phase = AgendaPhase(workshop_id=workshop_id, position=len(phases_of(session, workshop_id)),
                        kind=phase_in.kind, title=phase_in.title,
                        duration_min=phase_in.duration_min,
                        instructions=phase_in.instructions,
                        private_writing=phase_in.private_writing)
    session.add(phase)
    commit_workshop_change(session, workshop)
    return phase


def update_phase(*, session: Session, actor: Actor, phase_id: int,
                 phase_in: PhaseUpdate) -> AgendaPhase:
    """Change one phase of a workshop's agenda (facilitator only)."""
    phase = session.get(AgendaPhase, phase_id)
    if phase is None:
        raise NotFound(N_("This phase does not exist."))
    workshop = facilitated_workshop(session, actor, phase.workshop_id)
    phase.title = phase_in.title
    phase.duration_min = phase_in.duration_min
    phase.instructions = phase_in.instructions
    commit_workshop_change(session, workshop)
    return phase


def move_phase(*, session: Session, actor: Actor, phase_id: int, offset: int) -> AgendaPhase:
    """Move a phase up (−1) or down (+1) the agenda; the current phase keeps running."""
    phase = session.get(AgendaPhase, phase_id)
    if phase is None:
        raise NotFound(N_("This phase does not exist."))
    workshop = facilitated_workshop(session, actor, phase.workshop_id)
    phases = phases_of(session, phase.workshop_id)
    index = next(i for i, p in enumerate(phases) if pk(p) == phase_id)
    target = index + offset
    if not 0 <= target < len(phases):
        return phase
    current = phases[workshop.current_phase] if workshop.current_phase is not None else None
    phases[index], phases[target] = phases[target], phases[index]
    _renumber(session, phases)
    if current is not None:
        workshop.current_phase = current.position
    commit_workshop_change(session, workshop)
    return phase


def remove_phase(*, session: Session, actor: Actor, phase_id: int) -> None:
    """Remove a phase that is not running (the agenda is the facilitator's plan)."""
    phase = session.get(AgendaPhase, phase_id)
    if phase is None:
        raise NotFound(N_("This phase does not exist."))
    workshop = facilitated_workshop(session, actor, phase.workshop_id)
    if workshop.current_phase == phase.position and (
            workshop.status == WorkshopStatus.RUNNING):
        raise InvalidInput(N_("This phase is running: move to another one first."))
    phases = [p for p in phases_of(session, phase.workshop_id) if pk(p) != phase_id]
    current = None
    if workshop.current_phase is not None:
        current = next((p for p in phases if p.position == workshop.current_phase), None)
    session.delete(phase)
    session.flush()
    _renumber(session, phases)
    if current is not None:
        workshop.current_phase = current.position
    commit_workshop_change(session, workshop)


def _renumber(session: Session, phases: list[AgendaPhase]) -> None:
    # Two passes: positions are unique, so park them out of the way first.
    for index, phase in enumerate(phases):
        phase.position = 10_000 + index
    session.flush()
    for index, phase in enumerate(phases):
        phase.position = index
    session.flush()
