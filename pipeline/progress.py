"""Progress of a long step on one terminal line: count, total, rate and ETA (quiet when not a terminal)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def format_eta(seconds: float) -> str:
    seconds = max(int(round(seconds)), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """``with Progress("extract", total=6800, unit="articles") as p: p.update(500)`` redraws
    ``extract: 500/6,800 articles (7%), 143/s, ETA 0:44`` at most every ``min_interval`` seconds."""

    def __init__(self, label: str, *, total: int | None = None, unit: str = "items", stream: TextIO | None = None,
                 enabled: bool | None = None, min_interval: float = 0.5,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.min_interval, self.clock = min_interval, clock
        self.done = 0
        self.started = clock()
        self._drawn_at: float | None = None

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        count = f"{self.done:,}" + (f"/{self.total:,}" if self.total else "")
        parts = [f"{self.label}: {count} {self.unit}"]
        if self.total:
            parts[0] += f" ({100 * self.done / self.total:.0f}%)"
        parts.append(f"{rate:,.0f}/s" if rate >= 10 else f"{rate:.1f}/s")
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {format_eta((self.total - self.done) / rate)}")
        else:
            parts.append(f"elapsed {format_eta(elapsed)}")
        return ", ".join(parts)

    def add_total(self, n: int) -> None:
        """Raise the total as more work is found (a crawl learns each source's links as it goes)."""
        self.total = (self.total or 0) + n

    def update(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if self.enabled and (self._drawn_at is None or now - self._drawn_at >= self.min_interval):
            self._draw()
            self._drawn_at = now

    def _draw(self, end: str = "") -> None:
        self.stream.write("\r\x1b[K" + self.line() + end)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(end="\n")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
