"""Guessing join codes is slowed down per client, on every server alike."""

from datetime import timedelta

import pytest
from sqlmodel import select

from core.errors import NotFound, PermissionDenied
from core.models import Attempt
from core.services import limits, participants


def guess(session, code="ZZZZZZ", client="10.0.0.9", name="Eve"):
    return participants.join_workshop(session=session, code=code, display_name=name,
                                      client=client)


def test_wrong_codes_slow_down_that_client_only(session, running_workshop):
    for _ in range(limits.FREE_FAILURES):
        with pytest.raises(NotFound):
            guess(session)
    with pytest.raises(PermissionDenied, match="wait 2 s"):
        guess(session)
    # Even the right code waits: the client is guessing.
    with pytest.raises(PermissionDenied):
        guess(session, code=running_workshop.join_code)
    # Another client is not slowed down.
    assert guess(session, code=running_workshop.join_code, client="10.0.0.10").id


def test_the_wait_doubles_up_to_a_cap_and_a_right_code_starts_again(session,
                                                                    running_workshop):
    subject = "join:10.0.0.9"
    for _ in range(limits.FREE_FAILURES + 20):
        limits.record(session, "join", subject, failed=True)
    assert limits.wait_seconds(session, "join", subject) == limits.CAP_SECONDS
    # After the wait, one more wrong code: the next wait is the cap again.
    for attempt in session.exec(select(Attempt)).all():
        attempt.created_at -= timedelta(seconds=limits.CAP_SECONDS + 1)
    session.commit()
    assert limits.wait_seconds(session, "join", subject) == 0
    participant = guess(session, code=running_workshop.join_code)
    assert participant.id
    assert limits.wait_seconds(session, "join", subject) == 0  # the count starts again
    # Failures older than the window are forgotten.
    for _ in range(limits.FREE_FAILURES + 3):
        limits.record(session, "join", "join:10.0.0.11", failed=True)
    for attempt in session.exec(select(Attempt).where(
            Attempt.subject == "join:10.0.0.11")).all():
        attempt.created_at -= limits.WINDOW + timedelta(seconds=1)
    session.commit()
    assert limits.wait_seconds(session, "join", "join:10.0.0.11") == 0
