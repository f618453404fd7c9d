"""Progress lines: count, total, rate, ETA; nothing written when not a terminal (issue 11)."""

from __future__ import annotations

import io

from pipeline.progress import Progress, format_eta


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_line_has_count_rate_and_eta() -> None:
    clock = Clock()
    out = io.StringIO()
    with Progress("extract", total=6800, unit="articles", stream=out, enabled=True, clock=clock) as p:
        clock.now = 10.0
        p.update(1450)
        assert p.line() == "extract: 1,450/6,800 articles (21%), 145/s, ETA 0:37"
    text = out.getvalue()
    assert "\r" in text and text.endswith("\n") and "1,450/6,800" in text


def test_quiet_when_not_a_terminal() -> None:
    out = io.StringIO()  # StringIO.isatty() is False
    with Progress("load", total=3, stream=out) as p:
        p.update(3)
    assert out.getvalue() == ""


def test_redraws_are_throttled_and_eta_format() -> None:
    clock = Clock()
    out = io.StringIO()
    p = Progress("x", total=100, stream=out, enabled=True, clock=clock, min_interval=1.0)
    for _ in range(50):
        p.update(1)  # same instant: drawn once
    assert out.getvalue().count("\r") == 1
    assert format_eta(3725) == "1:02:05" and format_eta(59) == "0:59"
