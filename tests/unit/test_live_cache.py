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
