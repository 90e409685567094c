"""Guessing join codes is slowed down per client, on every server alike."""

from datetime import timedelta

import pytest
from sqlmodel import select

from core.domain import inputs
from core.domain.models import Attempt
from core.errors import NotFound, PermissionDenied
from core.services import accounts, limits, participants, phases, workshops
from core.text.i18n import translate


@pytest.fixture
def ended_workshop(session, facilitator, running_workshop, templates):
    """A second workshop of the collective, started and ended."""
    ended = workshops.create_workshop(
        session=session, actor=facilitator, collective_id=running_workshop.collective_id,
        workshop_in=inputs.WorkshopCreate(title="Atelier d'avant"),
        workshop_format=templates.formats["soiree-2h"], lang="fr")
    phases.start(session=session, actor=facilitator, workshop_id=ended.id)
    return phases.end(session=session, actor=facilitator, workshop_id=ended.id)


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


def test_the_wait_doubles_up_to_a_cap_and_a_right_code_forgives_nothing(session,
                                                                       running_workshop):
    subject = "join:10.0.0.9"
    for _ in range(limits.FREE_FAILURES + 20):
        limits.record(session, "join", subject, failed=True)
    assert limits.wait_seconds(session, "join", subject) == limits.CAP_SECONDS
    # Once the wait is over, the right code goes through…
    for attempt in session.exec(select(Attempt)).all():
        attempt.created_at -= timedelta(seconds=limits.CAP_SECONDS + 1)
    session.commit()
    assert limits.wait_seconds(session, "join", subject) == 0
    participant = guess(session, code=running_workshop.join_code)
    assert participant.id
    # …but does not start the count again: the next wrong code waits the cap at once.
    with pytest.raises(NotFound):
        guess(session, name="Eve 2")
    assert limits.wait_seconds(session, "join", subject) == limits.CAP_SECONDS
    # Failures older than the window are forgotten.
    for _ in range(limits.FREE_FAILURES + 3):
        limits.record(session, "join", "join:10.0.0.11", failed=True)
    for attempt in session.exec(select(Attempt).where(
            Attempt.subject == "join:10.0.0.11")).all():
        attempt.created_at -= limits.WINDOW + timedelta(seconds=1)
    session.commit()
    assert limits.wait_seconds(session, "join", "join:10.0.0.11") == 0


def test_a_known_code_between_guesses_does_not_reset_the_count(session, running_workshop,
                                                               ended_workshop):
    """The probe's pattern: four wrong codes, then a code that exists (even an ended
    workshop's), ten times over. Before, each look-up that found a workshop forgave the
    four failures before it and all 40 wrong codes were answered."""
    answered = refused = 0
    for round_ in range(10):
        for guess_ in range(4):
            try:
                guess(session, code=f"ZZZ{round_}{guess_}X")
            except NotFound:
                answered += 1
            except PermissionDenied:
                refused += 1
        with pytest.raises(PermissionDenied):  # the ended workshop, or the wait
            guess(session, code=ended_workshop.join_code)
    assert answered == limits.FREE_FAILURES
    assert refused == 40 - limits.FREE_FAILURES


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


def test_a_right_password_does_not_forgive_the_address(session):
    """Someone with an account of their own cannot reset their address's count by signing
    in with it between guesses at another account."""
    for _ in range(limits.FREE_FAILURES - 1):
        assert sign_in(session, ok=False) == (False, True)
    assert sign_in(session, ok=True, username="eve") == (True, True)
    assert sign_in(session, ok=False) == (False, True)
    with pytest.raises(PermissionDenied):
        sign_in(session, ok=False, username="dominique")


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


def test_behind_a_proxy_the_address_it_added_counts_not_the_clients_own():
    """X-Forwarded-For is "<written by the client>, <added by the proxy>": the first would
    let a guesser send a new address with each try."""
    assert limits.forwarded_client("6.6.6.6, 192.168.1.20") == "192.168.1.20"
    assert limits.forwarded_client("192.168.1.20") == "192.168.1.20"
    assert limits.forwarded_client("1.1.1.1, 2.2.2.2 , 10.0.0.7 ") == "10.0.0.7"
    assert limits.forwarded_client("10.0.0.7, ") == "10.0.0.7"
    assert limits.forwarded_client("") == limits.forwarded_client(None) == ""
