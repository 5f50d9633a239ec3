"""A progress bar on the terminal, for builds long enough to need one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30
DELAY = 1.0  # seconds: quicker builds show no bar at all
INTERVAL = 0.1  # seconds between two redraws


class TerminalProgress:
    """Draw `stage ▕████░░░░▏ done/total` on one line of a terminal, from `DELAY` seconds
    into the build on, at most every `INTERVAL`; `clear` leaves the line empty again."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.drawn_at = -INTERVAL
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Show how far a stage has come."""
        now = self.clock()
        if now - self.started < DELAY or (now - self.drawn_at < INTERVAL and done < total):
            return
        filled = WIDTH * done // max(total, 1)
        self.stream.write(f"\r{stage:<8}▕{'█' * filled}{'░' * (WIDTH - filled)}▏ {done}/{total}\033[K")
        self.stream.flush()
        self.drawn_at, self.shown = now, True

    def clear(self) -> None:
        """Erase the bar, if one was drawn, before the summary line."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
