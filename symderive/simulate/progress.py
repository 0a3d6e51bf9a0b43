"""A tiny progress bar on stderr for sweeps (no dependency).

On a terminal the bar redraws one line in place (``label [#####.....] 12/40  3.1 s``); on anything
else (a log file, CI) it writes a single summary line when the work is done, so logs stay short.
Timings go to stderr only: nothing here ends up in generated files.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class ProgressBar:
    """Counts finished tasks out of ``total``; ``advance`` is thread-safe (futures call it)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.width = width
        self.stream = sys.stderr if stream is None else stream
        self.interactive = self.stream.isatty()
        self.start = time.perf_counter()
        self._lock = threading.Lock()
        self._draw()

    def _line(self) -> str:
        filled = self.width * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        return f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:6.1f} s"

    def _draw(self) -> None:
        if self.interactive:
            self.stream.write("\r" + self._line())
            self.stream.flush()

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.done += count
            self._draw()

    def close(self) -> None:
        with self._lock:
            self.stream.write(("\r" if self.interactive else "") + self._line() + "\n")
            self.stream.flush()
