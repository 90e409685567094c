"""Once per server process: tune the interpreter for a room of screens, migrate, load the
templates and the demo (``launch.startup``)."""

from __future__ import annotations

import gc
import sys
import threading
import time

from core.domain.templates import Templates, load_templates
from core.settings import get_settings
from core.storage.db import session_scope
from launch.startup import Ready, bootstrap, housekeeping, remove_setup_code
from ui import push

# Every browser tab runs its script in a thread of this one process, and each database call
# gives the interpreter lock back and must win it again: a shorter switch interval hands it
# over sooner to the thread that waits for it (bench/load.py shows the effect).
GIL_SWITCH_INTERVAL = 0.0005


# A full garbage collection stops every thread, the one sending messages to the screens
# too, for longer as sessions pile up: what was loaded at start is set aside for good
# (gc.freeze) and collections run less often; short-lived objects still go at once.
GC_THRESHOLDS = (20_000, 20, 20)


# What each database's start gave, in this process. A plain dict, not st.cache_resource:
# every run asks for it, and Streamlit's cache costs a noticeable share of a phone's run
# (bench/phone_runs.py).
_ready: dict[tuple[str, str, bool], Ready] = {}
_ready_lock = threading.Lock()


def _bootstrap_once(url: str, templates_dir: str, load_demo: bool) -> Ready:
    key = (url, templates_dir, load_demo)
    ready = _ready.get(key)
    if ready is not None:
        return ready
    with _ready_lock:  # one start at a time; a failed one is tried again at the next run
        ready = _ready.get(key)
        if ready is None:
            sys.setswitchinterval(GIL_SWITCH_INTERVAL)
            push.keep_late_actions()
            push.keep_peoples_destinations()
            ready = bootstrap(get_settings())
            if gc.get_threshold() != GC_THRESHOLDS:  # once per process
                gc.collect()
                gc.freeze()
                gc.set_threshold(*GC_THRESHOLDS)
            _ready[key] = ready
    return ready


HOUSEKEEPING_EVERY = 3600.0  # seconds
_housekeeping = {"last": time.monotonic(), "lock": threading.Lock()}


def ensure_ready() -> Ready:
    """Migrate, load templates and the demo, once per server process and database; and,
    hourly, purge and anonymise what is due (``launch.startup.housekeeping``)."""
    settings = get_settings()
    ready = _bootstrap_once(settings.resolved_database_url, str(settings.templates_dir),
                            settings.load_demo)
    if time.monotonic() - _housekeeping["last"] >= HOUSEKEEPING_EVERY and \
            _housekeeping["lock"].acquire(blocking=False):
        try:
            _housekeeping["last"] = time.monotonic()
            with session_scope(write=True) as session:
                housekeeping(session, settings)
        finally:
            _housekeeping["lock"].release()
    return ready


def forget_setup_code() -> None:
    """Delete the first-run code's file (the administrator now exists)."""
    remove_setup_code(get_settings())


def templates() -> Templates:
    """Return the templates from ``data/`` (reread when a file changes)."""
    return load_templates(get_settings().templates_dir)


def database_key() -> str:
    """Return the database this server uses (part of cross-session cache keys)."""
    return get_settings().resolved_database_url
