"""Participants' presence, written by their server in batches (``ui/presence``,
``participants.note_presence``)."""

from datetime import UTC, timedelta

from core.domain.models import Participant, utcnow
from core.services import participants
from core.storage.db import DatabaseUnavailable
from tests.conftest import join
from ui import presence


def naive(moment):
    """A UTC time without its zone (SQLite gives them so, PostgreSQL with it)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def seen_at(session, actor):
    session.expire_all()
    return naive(session.get(Participant, actor.participant_id).last_seen_at)


def test_a_room_is_marked_present_in_one_statement(session, facilitator, running_workshop,
                                                   participant):
    """Everyone gathered is marked at the given time; a removed participant stays as the
    facilitator left them; one UPDATE for the room."""
    from sqlalchemy import event

    marc, gone = join(session, running_workshop, "Marc"), join(session, running_workshop, "Gus")
    participants.remove_participant(session=session, actor=facilitator,
                                    participant_id=gone.participant_id)
    before = seen_at(session, gone)
    later = utcnow() + timedelta(minutes=5)
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        written = participants.note_presence(
            session=session, seen_at=later,
            participant_ids={participant.participant_id, marc.participant_id,
                             gone.participant_id})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert written == 2
    assert len([s for s in statements if s.lstrip().upper().startswith("UPDATE")]) == 1
    assert seen_at(session, participant) == seen_at(session, marc)
    assert abs(seen_at(session, participant) - naive(later)) < timedelta(seconds=1)
    assert seen_at(session, gone) == before


def test_a_server_writes_what_it_gathered_and_keeps_it_if_the_database_is_away(
        session, running_workshop, participant, monkeypatch):
    url = session.get_bind().url.render_as_string(hide_password=False)
    old = utcnow() - timedelta(hours=1)
    participants.note_presence(session=session, participant_ids={participant.participant_id},
                               seen_at=old)
    monkeypatch.setattr(presence, "_pending", {url: {participant.participant_id: 2}})

    def away(**_kwargs):
        raise DatabaseUnavailable("away")

    monkeypatch.setattr(participants, "note_presence", away)
    assert presence.flush() == 0
    assert presence._pending == {url: {participant.participant_id: 2}}  # kept for the next try
    monkeypatch.undo()
    monkeypatch.setattr(presence, "_pending", {url: {participant.participant_id: 2}})
    assert presence.flush() == 1
    assert presence._pending == {}
    assert seen_at(session, participant) > naive(old) + timedelta(minutes=30)
    assert session.get(Participant, participant.participant_id).on_phase == 2


def test_a_participant_marks_only_themself_present(session, facilitator, running_workshop,
                                                   participant):
    """``touch`` (a phone without a server to gather its presence: AppTest): the
    participant's own row; anyone else is refused."""
    import pytest

    from core.errors import PermissionDenied

    participants.note_presence(session=session, participant_ids={participant.participant_id},
                               seen_at=utcnow() - timedelta(hours=1))
    participants.touch(session=session, actor=participant)
    assert seen_at(session, participant) > naive(utcnow()) - timedelta(minutes=1)
    with pytest.raises(PermissionDenied):
        participants.touch(session=session, actor=facilitator)


def test_the_facilitator_is_told_how_many_phones_are_behind(session, facilitator,
                                                            running_workshop, participant):
    """After a phase change, the phones whose screens still show another phase are
    counted (present ones only, once the room had ``BEHIND_AFTER`` to follow); enough of
    them say the server does not keep up. Only the facilitator may ask."""
    import pytest

    from core.domain.models import Workshop
    from core.errors import PermissionDenied
    from core.services import phases

    room = [join(session, running_workshop, f"Personne {n}") for n in range(29)] + [
        participant]
    phases.next_phase(session=session, actor=facilitator, workshop_id=running_workshop.id)
    current = session.get(Workshop, running_workshop.id).current_phase
    now = utcnow()
    ids = [p.participant_id for p in room]
    # 18 phones drew the new phase, 10 still show the one before, 2 left long ago.
    participants.note_presence(session=session, participant_ids=ids[:18], seen_at=now,
                               on_phase=dict.fromkeys(ids[:18], current))
    participants.note_presence(session=session, participant_ids=ids[18:28], seen_at=now,
                               on_phase=dict.fromkeys(ids[18:28], current - 1))
    participants.note_presence(session=session, participant_ids=ids[28:],
                               seen_at=now - timedelta(minutes=5),
                               on_phase=dict.fromkeys(ids[28:], current - 1))

    def progress(seconds: float):
        started = session.get(Workshop, running_workshop.id).phase_started_at
        return participants.room_progress(session=session, actor=facilitator,
                                          workshop_id=running_workshop.id,
                                          now=started + timedelta(seconds=seconds))

    assert progress(3).behind == 0  # the room is still following
    later = progress(25)
    assert (later.present, later.behind, later.seconds) == (28, 10, 25)
    assert later.overloaded
    # Two phones behind (a locked screen) are said, not taken for an overload.
    participants.note_presence(session=session, participant_ids=ids[18:26], seen_at=now,
                               on_phase=dict.fromkeys(ids[18:26], current))
    assert (progress(25).behind, progress(25).overloaded) == (2, False)
    with pytest.raises(PermissionDenied):
        participants.room_progress(session=session, actor=participant,
                                   workshop_id=running_workshop.id)
    # Paused, nobody is hurried.
    phases.pause(session=session, actor=facilitator, workshop_id=running_workshop.id)
    assert progress(25).behind == 0


def test_presence_of_a_room_on_two_phases_is_two_statements(session, running_workshop,
                                                            participant):
    marc = join(session, running_workshop, "Marc")
    written = participants.note_presence(
        session=session, participant_ids={participant.participant_id, marc.participant_id},
        seen_at=utcnow(), on_phase={participant.participant_id: 3, marc.participant_id: 4})
    session.expire_all()
    assert written == 2
    assert session.get(Participant, participant.participant_id).on_phase == 3
    assert session.get(Participant, marc.participant_id).on_phase == 4
