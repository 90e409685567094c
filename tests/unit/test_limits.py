"""Guessing join codes is slowed down per client, on every server alike."""

from datetime import timedelta

import pytest
from sqlmodel import select

from core.errors import NotFound, PermissionDenied
from core.i18n import translate
from core.models import Attempt
from core.services import accounts, limits, participants


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


def sign_in(session, ok, username="camille", client="10.0.0.9"):
    checked = []

    def check_password():
        checked.append(True)
        return ok

    result = accounts.sign_in(session=session, username=username, client=client,
                              check_password=check_password)
    return result, bool(checked)


def test_wrong_passwords_slow_down_the_address_and_the_account(session):
    for _ in range(limits.FREE_FAILURES):
        assert sign_in(session, ok=False) == (False, True)
    # The sixth try waits, and its password is not even checked.
    with pytest.raises(PermissionDenied, match="wait 2 s") as refused:
        sign_in(session, ok=True)
    assert translate("fr", refused.value.msgid).startswith("Trop d'essais")
    # Same account from another address: the account's own count slows it too…
    with pytest.raises(PermissionDenied):
        sign_in(session, ok=True, client="10.0.0.10")
    # …but another account from another address is free.
    assert sign_in(session, ok=True, username="dominique", client="10.0.0.10") == (True, True)


def test_guessing_from_elsewhere_never_locks_the_facilitator_out_for_long(session):
    for index in range(limits.FREE_FAILURES + 30):  # a guesser hopping between addresses
        limits.record(session, "sign-in-account", "sign-in:camille", failed=True)
        limits.record(session, "sign-in-address", f"sign-in:10.1.0.{index}", failed=True)
    waited = limits.wait_seconds(session, "sign-in-account", "sign-in:camille",
                                 cap=limits.ACCOUNT_CAP_SECONDS)
    assert waited == limits.ACCOUNT_CAP_SECONDS == 30
    # After that half minute the facilitator's right password goes through and starts the
    # count again.
    for attempt in session.exec(select(Attempt)).all():
        attempt.created_at -= timedelta(seconds=limits.ACCOUNT_CAP_SECONDS + 1)
    session.commit()
    assert sign_in(session, ok=True, client="127.0.0.1") == (True, True)
    assert limits.wait_seconds(session, "sign-in-account", "sign-in:camille") == 0
    # The guesser's addresses stay slowed down for up to five minutes each.
    assert limits.wait_seconds(session, "sign-in-address", "sign-in:10.1.0.4") == 0
    for _ in range(limits.FREE_FAILURES + 8):
        limits.record(session, "sign-in-address", "sign-in:10.1.0.99", failed=True)
    assert limits.wait_seconds(session, "sign-in-address", "sign-in:10.1.0.99") == \
        limits.CAP_SECONDS
