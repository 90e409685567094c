"""``fabrique serve``: the app and the projector's own server, the latter started again
when it stops (killed, out of memory) — the projector button must not lead to a closed
port for long."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import PROJECT_ROOT
from tests.browser.conftest import answers, free_port, port_free


def wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def test_serve_starts_the_projectors_server_again_when_it_stops(tmp_path):
    port = free_port()
    while not port_free(port + 1):  # the projector's server takes the next port
        port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "FABRIQUE_DATA_DIR": str(tmp_path), "FABRIQUE_LOAD_DEMO": "false",
           "FABRIQUE_BACKUPS_KEPT": "0"}
    env.pop("DATABASE_URL", None)
    with log.open("wb") as out:
        serve = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "launch.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--participant-servers", "0"], cwd=PROJECT_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: answers(port) and answers(port + 1), 60), log.read_text()
        wall = next(pid for pid in children(serve.pid)
                    if f"{port + 1}" in Path(f"/proc/{pid}/cmdline").read_text())
        os.kill(wall, signal.SIGKILL)
        assert wait_until(lambda: not answers(port + 1), 10)
        assert wait_until(lambda: answers(port + 1), 60), log.read_text()
        assert "starting it again" in log.read_text()
        assert wall not in children(serve.pid)
        assert answers(port)  # the app itself never stopped
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
    # Stopping the app stops the projector's server too.
    assert wait_until(lambda: not answers(port) and not answers(port + 1), 10)

