"""One page run's reads check a participant's right to see the workshop once
(``access.remembering_reads``, used by ``ui/calls.read``)."""

import pytest
from sqlalchemy import event

from core.domain.models import Workshop
from core.domain.policy import Act
from core.errors import PermissionDenied
from core.services import access, participants, scoring, workshops
from core.storage.db import session_scope
from tests.conftest import join


class Statements:
    """The SQL statements a database is sent while counting."""

    def __init__(self, url: str) -> None:
        self.url, self.sent = url, []

    def __enter__(self):
        with session_scope(url=self.url) as session:
            self.engine = session.get_bind()
        event.listen(self.engine, "before_cursor_execute", self._note)
        return self.sent

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._note)

    def _note(self, conn, cursor, statement, *args):
        self.sent.append(" ".join(statement.split()))


def about_access(sent: list[str]) -> list[str]:
    return [s for s in sent if s.startswith(("SELECT workshop.", "SELECT participant."))]


def test_a_run_checks_a_participants_right_once(db_url, running_workshop, participant):
    """The run's first read checks (the workshop's row, the participant's): later reads of
    the same run, each in its own session, ask neither again; each gets the workshop in
    its own session, as read."""
    run: dict = {}
    with access.remembering_reads(run), Statements(db_url) as sent:
        with session_scope(url=db_url) as session:
            first = workshops.get_workshop(session=session, actor=participant,
                                           workshop_id=running_workshop.id)
            title = first.title
        checked = len(about_access(sent))
        for _ in range(3):
            with session_scope(url=db_url) as session:
                again = workshops.get_workshop(session=session, actor=participant,
                                               workshop_id=running_workshop.id)
                assert again in session and again.title == title
                scoring.my_ballot(session=session, actor=participant,
                                  workshop_id=running_workshop.id)
    assert checked == 2
    assert len(about_access(sent)) == checked  # none after the first
    # Without a run's store (writes, other callers) every read checks again.
    with Statements(db_url) as sent, session_scope(url=db_url) as session:
        workshops.get_workshop(session=session, actor=participant,
                               workshop_id=running_workshop.id)
        workshops.get_workshop(session=session, actor=participant,
                               workshop_id=running_workshop.id)
    assert len([s for s in sent if s.startswith("SELECT participant.")]) == 2


def test_a_refusal_is_not_remembered_and_a_new_run_checks_again(
        db_url, session, facilitator, running_workshop, participant):
    other = join(session, running_workshop, "Gus")
    run: dict = {}
    with access.remembering_reads(run), session_scope(url=db_url) as reading:
        workshops.get_workshop(session=reading, actor=other, workshop_id=running_workshop.id)
    participants.remove_participant(session=session, actor=facilitator,
                                    participant_id=other.participant_id)
    with (access.remembering_reads({}), pytest.raises(PermissionDenied),
          session_scope(url=db_url) as reading):  # the next run: removed
        workshops.get_workshop(session=reading, actor=other, workshop_id=running_workshop.id)
    refused: dict = {}
    with access.remembering_reads(refused):
        for _ in range(2):
            with pytest.raises(PermissionDenied), session_scope(url=db_url) as reading:
                workshops.get_workshop(session=reading, actor=other,
                                       workshop_id=running_workshop.id)
    assert refused == {}


def test_only_a_participants_plain_look_is_remembered(db_url, facilitator, running_workshop,
                                                      participant):
    """A facilitator's standing (read from their account) and any act other than seeing
    (voting, writing on a board) are checked every time."""
    run: dict = {}
    with access.remembering_reads(run), session_scope(url=db_url) as session:
        workshops.get_workshop(session=session, actor=facilitator,
                               workshop_id=running_workshop.id)
        with pytest.raises(PermissionDenied):  # the vote is not open
            access.workshop_for(session, participant, running_workshop.id, Act.VOTE)
        access.workshop_for(session, participant, running_workshop.id, board="need")
    assert run == {}
    with access.remembering_reads(run), session_scope(url=db_url) as session:
        workshop = access.workshop_for(session, participant, running_workshop.id)
    assert list(run.values()) == [(workshop, access.Who.PARTICIPANT)]
    assert isinstance(workshop, Workshop)


def test_a_run_starts_afresh_and_a_write_forgets_what_it_read():
    """In a real Streamlit run (AppTest): each run has its own store, and a write
    (``ui/calls.call``, whatever its outcome) empties it, so the reads after it check
    again."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from core.domain.actors import ParticipantActor
        from ui import calls, identity

        st.session_state[identity.ACTOR_KEY] = ParticipantActor(1, 1, "Paulette")
        calls._run_reads()[object()] = "read"  # a new entry at each run
        st.write(f"before {len(calls._run_reads())}")
        if st.session_state.get("write"):
            calls.call(lambda **_: None)  # a service that writes nothing: still a write
        st.write(f"after {len(calls._run_reads())}")

    at = AppTest.from_function(script).run()
    assert [m.value for m in at.markdown] == ["before 1", "after 1"]
    at.session_state["write"] = True
    at.run()
    assert [m.value for m in at.markdown] == ["before 1", "after 0"]
