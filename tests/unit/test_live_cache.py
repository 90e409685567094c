"""The per-server memo of what readers of one board revision share (``live_cache``)."""

import threading
import time

from core.services.live_cache import PerRevision


def test_kept_values_are_the_newest_and_read_once():
    kept: PerRevision[str] = PerRevision(kept=2)
    reads: list[int] = []

    def read(n: int) -> str:
        reads.append(n)
        return f"v{n}"

    assert kept.get(1, lambda: read(1)) == "v1"
    assert kept.get(1, lambda: read(99)) == "v1"  # kept: not read again
    kept.get(2, lambda: read(2))
    kept.get(1, lambda: read(99))  # 1 is the newest used now
    kept.get(3, lambda: read(3))  # 2 goes
    assert kept.peek(2) is None and kept.peek(1) == "v1" and kept.peek(3) == "v3"
    assert reads == [1, 2, 3]


def _builds_when_eight_miss_together(one_build: bool) -> int:
    kept: PerRevision[int] = PerRevision(kept=4, one_build=one_build)
    builds: list[int] = []
    start = threading.Barrier(8)

    def build() -> int:
        builds.append(1)
        time.sleep(0.05)  # long enough for every other reader to miss too
        return 42

    def reader() -> None:
        start.wait()
        assert kept.get("board@7", build) == 42

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(builds)


def test_with_one_build_readers_that_miss_together_wait_for_it():
    """A room of phones asking for a board's HTML at once builds it once."""
    assert _builds_when_eight_miss_together(one_build=True) == 1
    assert _builds_when_eight_miss_together(one_build=False) == 8


def test_a_session_s_participant_is_recognised_from_the_access_memo(
        session, facilitator, running_workshop, participant):
    """A phone's run asks the database who it is only when the access memo holds no
    verdict; a removal made through this server is seen at the next run; a token is never
    taken for another participant's."""
    from sqlalchemy import event

    from core.domain.models import Participant
    from core.services import participants
    from tests.conftest import join

    token = session.get(Participant, participant.participant_id).token
    marc = join(session, running_workshop, "Marc")
    marc_token = session.get(Participant, marc.participant_id).token
    assert participants.recognised(session, token, None) == participant  # read, then kept

    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert participants.recognised(session, token, participant) == participant
        assert statements == []  # the memo's verdict (the first read left it)
        # Another participant's token, with this session's participant: read, and Marc's.
        assert participants.recognised(session, marc_token, participant) == marc
        assert statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    participants.remove_participant(session=session, actor=facilitator,
                                    participant_id=participant.participant_id)
    assert participants.recognised(session, token, participant) is None
    assert participants.recognised(session, token, None) is None
