"""The phase timer, computed from stored times — never from a browser's clock — so every
screen shows the same remaining time.

remaining = duration + extra − (now − started − paused), where ``paused`` is the seconds
already spent paused plus, while paused, the time since the pause began.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Clock:
    """A phase's clock at one instant."""

    remaining: int  # seconds; negative once the phase runs over
    elapsed: int
    total: int
    paused: bool

    @property
    def overrun(self) -> bool:
        return self.remaining < 0

    def label(self) -> str:
        """Return "12:05", or "+02:13" once the time is over."""
        seconds = abs(self.remaining)
        text = f"{seconds // 60:02d}:{seconds % 60:02d}"
        return f"+{text}" if self.overrun else text


def clock(*, now: datetime, started: datetime | None, duration_min: int,
          extra_seconds: int = 0, paused_seconds: int = 0,
          paused_at: datetime | None = None) -> Clock:
    """Return the clock of a phase started at ``started`` (not started: full time left)."""
    total = duration_min * 60 + extra_seconds
    if started is None:
        return Clock(remaining=total, elapsed=0, total=total, paused=paused_at is not None)
    paused = paused_seconds
    if paused_at is not None:
        paused += max(0, int((now - paused_at).total_seconds()))
    elapsed = max(0, int((now - started).total_seconds()) - paused)
    return Clock(remaining=total - elapsed, elapsed=elapsed, total=total,
                 paused=paused_at is not None)
