"""`make test`'s scheduler (tests/conftest.py), driven with simulated workers: the browser
tests that make their own load never run beside another browser test, every test is
handed out once, and a worker out of work takes browser tests rather than idling."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from tests.conftest import ALONE_SCOPE, pytest_xdist_make_scheduler, worker_group

REST = [f"tests/unit/test_u.py::test_{n}" for n in range(40)]
LONE = [f"tests/browser/test_every_press.py::test_{n}" for n in range(5)] + [
    "tests/browser/test_faults.py::test_kill", "tests/browser/test_proxy.py::test_nginx"]
OTHERS = [f"tests/browser/test_canvas.py::test_{n}" for n in range(9)] + [
    f"tests/browser/test_live.py::test_{n}" for n in range(8)]


class Worker:
    def __init__(self, name: str, sent: list[int]) -> None:
        self.gateway = SimpleNamespace(id=name)
        self.shutting_down = False
        self.queue: list[int] = []
        self.sent = sent  # every test handed to any worker

    def send_runtest_some(self, indexes: list[int]) -> None:
        assert not self.shutting_down
        self.queue.extend(indexes)
        self.sent.extend(indexes)

    def shutdown(self) -> None:
        self.shutting_down = True


def config() -> SimpleNamespace:
    values = {"dist": "loadgroup", "tx": ["2*popen"]}
    return SimpleNamespace(getvalue=values.__getitem__,
                           option=SimpleNamespace(loadscopereorder=True))


def run(collection: list[str], seed: int) -> list[tuple[str, str, str]]:
    """Run the scheduler over two simulated workers, each running the head of its queue
    for a time drawn at random (non-browser tests short, browser tests long, lone ones
    longest); return, for every state the two workers pass through, (worker, its test, the
    other worker's test or "")."""
    scheduler = pytest_xdist_make_scheduler(config(), None)
    sent: list[int] = []
    workers = [Worker("gw0", sent), Worker("gw1", sent)]
    for worker in workers:
        scheduler.add_node(worker)
        scheduler.add_node_collection(worker, collection)
    scheduler.schedule()
    chance = random.Random(seed)

    def length(test: str) -> float:
        scale = 10 if worker_group(test) == ALONE_SCOPE else (
            5 if test.startswith("tests/browser/") else 1)
        return scale * chance.uniform(0.5, 1.5)

    now, ends = 0.0, {}
    seen: list[tuple[str, str, str]] = []
    while any(w.queue for w in workers):
        for worker in workers:
            if worker.queue and worker.gateway.id not in ends:
                ends[worker.gateway.id] = now + length(collection[worker.queue[0]])
        for worker in workers:
            other = next(w for w in workers if w is not worker)
            if worker.queue:
                seen.append((worker.gateway.id, collection[worker.queue[0]],
                             collection[other.queue[0]] if other.queue else ""))
        worker = min((w for w in workers if w.queue), key=lambda w: ends[w.gateway.id])
        now = ends.pop(worker.gateway.id)
        scheduler.mark_test_complete(worker, worker.queue.pop(0))
    assert all(w.shutting_down for w in workers)
    assert sorted(sent) == list(range(len(collection)))  # each test handed out once
    return seen


@pytest.mark.parametrize("seed", range(30))
def test_lone_browser_tests_never_run_beside_another_browser_test(seed):
    collection = OTHERS[:9] + LONE + OTHERS[9:] + REST
    ran = run(collection, seed)
    assert {test for _, test, _ in ran} == set(collection)  # each handed out
    for _worker, test, beside in ran:
        if worker_group(test) == ALONE_SCOPE:
            assert not beside.startswith("tests/browser/"), (test, beside)
        if beside and worker_group(beside) == ALONE_SCOPE:
            assert not test.startswith("tests/browser/"), (test, beside)
    # The lone tests run on one worker, one after the other.
    assert len({w for w, test, _ in ran if test in LONE}) == 1


def test_a_worker_done_with_the_rest_takes_browser_tests():
    ran = run(OTHERS + LONE + REST, seed=1)
    by_worker = {w: [t for ww, t, _ in ran if ww == w] for w in ("gw0", "gw1")}
    rest_worker = next(w for w, tests in by_worker.items() if REST[0] in tests)
    assert any(t in OTHERS for t in by_worker[rest_worker])


def test_without_lone_tests_nothing_waits():
    ran = run(OTHERS + REST, seed=2)
    assert {t for _, t, _ in ran} == set(OTHERS + REST)
    assert any(t in OTHERS and beside in OTHERS for _, t, beside in ran)
