"""Phases: transitions and what they do, refusals, the shared clock with pauses."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.domain import inputs
from core.domain.models import Card, CardKind, PhaseKind, VoteMode
from core.domain.timer import clock
from core.errors import InvalidInput, PermissionDenied
from core.services import cards, phases, scoring
from tests.conftest import join, start_at

T0 = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)


def test_clock_counts_down_and_overruns():
    c = clock(now=T0 + timedelta(minutes=3), started=T0, duration_min=10)
    assert (c.remaining, c.label(), c.overrun) == (420, "07:00", False)
    late = clock(now=T0 + timedelta(minutes=12, seconds=13), started=T0, duration_min=10)
    assert (late.remaining, late.label(), late.overrun) == (-133, "+02:13", True)


def test_clock_with_pauses_and_extra_time():
    # 2 minutes already paused earlier, paused again 1 minute ago, 5 extra minutes.
    c = clock(now=T0 + timedelta(minutes=10), started=T0, duration_min=10, extra_seconds=300,
              paused_seconds=120, paused_at=T0 + timedelta(minutes=9))
    assert c.paused and c.elapsed == 10 * 60 - 120 - 60 and c.remaining == 900 - 420
    not_started = clock(now=T0, started=None, duration_min=15)
    assert not_started.remaining == 900


def test_phases_move_everyone_and_participants_follow(session, facilitator, workshop):
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    marc = join(session, workshop, "Marc")
    state = phases.live_state(session=session, actor=marc, workshop_id=workshop.id)
    assert (state.index, state.phase.kind, state.phases) == (0, "welcome", 9)
    revision = state.revision
    phases.next_phase(session=session, actor=facilitator, workshop_id=workshop.id)
    state = phases.live_state(session=session, actor=marc, workshop_id=workshop.id)
    assert state.index == 1 and state.revision > revision
    phases.previous_phase(session=session, actor=facilitator, workshop_id=workshop.id)
    assert phases.live_state(session=session, actor=marc, workshop_id=workshop.id).index == 0
    with pytest.raises(InvalidInput):
        phases.previous_phase(session=session, actor=facilitator, workshop_id=workshop.id)
    for action in (phases.next_phase, phases.pause, phases.end):
        with pytest.raises(PermissionDenied):
            action(session=session, actor=marc, workshop_id=workshop.id)


def test_boards_open_only_in_their_phase(session, templates, facilitator, workshop):
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    marc = join(session, workshop, "Marc")

    def add(kind):
        return cards.add_card(session=session, actor=marc, workshop_id=workshop.id,
                              card_in=inputs.CardCreate(text="Une carte",
                                                        kind=kind), templates=templates)

    with pytest.raises(PermissionDenied) as exc:  # "Accueil": no board open
        add(CardKind.NEED)
    assert "closed during the current phase" in exc.value.msgid
    start_at(session, facilitator, workshop, PhaseKind.EXPLORE)
    need = add(CardKind.NEED)
    with pytest.raises(PermissionDenied):
        add(CardKind.IDEA)
    start_at(session, facilitator, workshop, PhaseKind.IDEAS)
    add(CardKind.IDEA)
    with pytest.raises(PermissionDenied):  # needs are read-only now
        cards.toggle_support(session=session, actor=marc, card_id=need.id)
    # A locked board refuses too; the facilitator can always write.
    current = phases.current_phase(session, workshop)
    phases.set_locked(session=session, actor=facilitator, phase_id=current.id, locked=True)
    with pytest.raises(PermissionDenied) as exc:
        add(CardKind.IDEA)
    assert "locked" in exc.value.msgid
    cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                   card_in=inputs.CardCreate(text="Celle de l'animatrice",
                                             kind=CardKind.IDEA), templates=templates)


def test_private_writing_is_revealed_by_the_facilitator_or_at_phase_end(
    session, templates, facilitator, workshop
):
    phases.add_phase(session=session, actor=facilitator, workshop_id=workshop.id,
                     phase_in=inputs.PhaseCreate(kind=PhaseKind.IDEAS, title="Idées en silence",
                                                 duration_min=10, private_writing=True))
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    phases.go_to(session=session, actor=facilitator, workshop_id=workshop.id,
                 index=len(phases.phases_of(session, workshop.id)) - 1)
    marc, zoe = join(session, workshop, "Marc"), join(session, workshop, "Zoé")
    cards.add_card(session=session, actor=marc, workshop_id=workshop.id,
                   card_in=inputs.CardCreate(text="Mon idée", kind=CardKind.IDEA),
                   templates=templates)

    def seen_by(actor):
        return [c.text for c in cards.board(session=session, actor=actor,
                                             workshop_id=workshop.id, kind=CardKind.IDEA).cards]

    assert seen_by(zoe) == [] and seen_by(marc) == ["Mon idée"]
    assert phases.reveal_cards(session=session, actor=facilitator, workshop_id=workshop.id) == 1
    assert seen_by(zoe) == ["Mon idée"]
    cards.add_card(session=session, actor=zoe, workshop_id=workshop.id,
                   card_in=inputs.CardCreate(text="Celle de Zoé", kind=CardKind.IDEA),
                   templates=templates)
    phases.previous_phase(session=session, actor=facilitator, workshop_id=workshop.id)
    assert all(session.exec(select(Card.revealed)).all())  # leaving the phase reveals


def test_the_score_phase_opens_and_closes_the_vote(session, templates, facilitator, workshop):
    idea = cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                          card_in=inputs.CardCreate(text="Une idée",
                                                    kind=CardKind.IDEA), templates=templates)
    scoring.apply_criteria_set(session=session, actor=facilitator, workshop_id=workshop.id,
                               criteria_set=templates.criteria_sets["impact-effort"])
    scoring.set_candidates(session=session, actor=facilitator, workshop_id=workshop.id,
                           card_ids=[idea.id])
    scoring.configure_votes(session=session, actor=facilitator, workshop_id=workshop.id,
                            mode=VoteMode.SCORES)
    start_at(session, facilitator, workshop, PhaseKind.SCORE)
    assert phases.live_state(session=session, actor=facilitator,
                             workshop_id=workshop.id).scoring_state == "open"
    phases.next_phase(session=session, actor=facilitator, workshop_id=workshop.id)
    state = phases.live_state(session=session, actor=facilitator, workshop_id=workshop.id)
    assert state.scoring_state == "closed" and not state.results_revealed


def test_pause_resume_and_more_time(session, facilitator, workshop):
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    phases.pause(session=session, actor=facilitator, workshop_id=workshop.id)
    assert phases.live_state(session=session, actor=facilitator,
                             workshop_id=workshop.id).clock.paused
    phases.resume(session=session, actor=facilitator, workshop_id=workshop.id)
    before = phases.live_state(session=session, actor=facilitator, workshop_id=workshop.id)
    phases.add_time(session=session, actor=facilitator, workshop_id=workshop.id)
    after = phases.live_state(session=session, actor=facilitator, workshop_id=workshop.id)
    assert not after.clock.paused and after.clock.total == before.clock.total + 300


def test_the_agenda_can_be_reordered_shortened_and_extended(session, facilitator, workshop):
    first, second = phases.phases_of(session, workshop.id)[:2]
    phases.move_phase(session=session, actor=facilitator, phase_id=second.id, offset=-1)
    assert [p.id for p in phases.phases_of(session, workshop.id)[:2]] == [second.id, first.id]
    phases.update_phase(session=session, actor=facilitator, phase_id=first.id,
                        phase_in=inputs.PhaseUpdate(title="Accueil café", duration_min=5))
    added = phases.add_phase(session=session, actor=facilitator, workshop_id=workshop.id,
                             phase_in=inputs.PhaseCreate(kind=PhaseKind.EXCHANGE,
                                                         title="Pot de clôture", duration_min=20))
    assert phases.phases_of(session, workshop.id)[-1].id == added.id
    phases.remove_phase(session=session, actor=facilitator, phase_id=added.id)
    assert [p.position for p in phases.phases_of(session, workshop.id)] == list(range(9))
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    running = phases.current_phase(session, workshop)
    with pytest.raises(InvalidInput):
        phases.remove_phase(session=session, actor=facilitator, phase_id=running.id)


def test_live_polls_see_this_servers_changes_at_once_and_others_within_the_memo(
        session, facilitator, workshop):
    """Live polls are remembered for a fraction of a second per server (``live_cache``): a change
    made through this process is seen at once; one made elsewhere (another server on the
    same database) within ``LIVE_SECONDS``; a removed participant is refused at once."""
    import time

    from sqlalchemy import text

    from core.services import live_cache, participants

    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    marc = join(session, workshop, "Marc")
    seen = phases.live_state(session=session, actor=marc, workshop_id=workshop.id).revision
    phases.next_phase(session=session, actor=facilitator, workshop_id=workshop.id)
    assert phases.live_state(session=session, actor=marc, workshop_id=workshop.id).index == 1

    seen = phases.live_state(session=session, actor=marc, workshop_id=workshop.id).revision
    session.commit()  # end this session's transaction, as a page run does
    with session.get_bind().engine.begin() as other_server:  # no ORM event: like elsewhere
        other_server.execute(text("UPDATE workshop SET board_revision = board_revision + 1 "
                                  "WHERE id = :id"), {"id": workshop.id})
    started = time.monotonic()
    while phases.live_state(session=session, actor=marc,
                            workshop_id=workshop.id).revision == seen:
        session.commit()
        assert time.monotonic() - started < live_cache.LIVE_SECONDS + 0.5
        time.sleep(0.02)

    participants.remove_participant(session=session, actor=facilitator,
                                    participant_id=marc.participant_id)
    with pytest.raises(PermissionDenied):
        phases.live_state(session=session, actor=marc, workshop_id=workshop.id)


def test_a_press_sent_twice_moves_one_phase(session, facilitator, workshop):
    """The page sends the phase it showed: the same press again does not skip a phase."""
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    for _ in range(2):
        phases.next_phase(session=session, actor=facilitator, workshop_id=workshop.id,
                          from_index=0)
    assert phases.live_state(session=session, actor=facilitator,
                             workshop_id=workshop.id).index == 1
    for _ in range(2):
        phases.previous_phase(session=session, actor=facilitator, workshop_id=workshop.id,
                              from_index=1)
    assert phases.live_state(session=session, actor=facilitator,
                             workshop_id=workshop.id).index == 0
