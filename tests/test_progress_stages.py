"""Progress lines on crawl, load, recode and publish (issue 11): drawn with count, rate and ETA on a
terminal, nothing written otherwise."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import redirect_stderr

import pytest
from load_fixtures import build_known_lake, sources_arrow

from pipeline import recode
from pipeline.load import load_warehouse
from pipeline.publish import publish_snapshot
from pipeline.run import run_crawl
from pipeline.settings import Settings

SAMPLE_DAY = dt.date(2025, 3, 3)


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr is in an interactive shell."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(params=[True, False], ids=["terminal", "pipe"])
def stderr(request) -> io.StringIO:
    """The stream a test's stage writes to as sys.stderr (redirected in the test body: pytest's own capture
    replaces sys.stderr again when the test call starts)."""
    return Terminal() if request.param else io.StringIO()


def _lines(stream: io.StringIO, label: str) -> list[str]:
    """The progress lines of ``label`` drawn on the stream (each redraw starts with a carriage return)."""
    return [part.removeprefix("\x1b[K").rstrip("\n") for part in stream.getvalue().split("\r")
            if part.removeprefix("\x1b[K").startswith(f"{label}: ")]


def _check(stream: io.StringIO, label: str, final: str) -> None:
    lines = _lines(stream, label)
    if isinstance(stream, Terminal):
        assert lines, f"no {label} progress line on a terminal: {stream.getvalue()!r}"
        assert lines[-1].startswith(f"{label}: {final}") and "/s" in lines[-1], lines[-1]
        assert stream.getvalue().endswith("\n")
    else:
        assert "\r" not in stream.getvalue() and not lines


def test_crawl_progress(settings: Settings, stderr: io.StringIO) -> None:
    with redirect_stderr(stderr):
        run_crawl(settings, run_date=SAMPLE_DAY, run_id="crawl-progress")
    lines = _lines(stderr, "crawl")
    _check(stderr, "crawl", "")
    if lines:
        pages = int(lines[-1].split()[1].replace(",", ""))
        assert pages > 0 and lines[-1].split()[2] == "pages,"


def test_load_progress(settings: Settings, stderr: io.StringIO) -> None:
    build_known_lake(settings)
    with redirect_stderr(stderr):
        load_warehouse(settings, sources=sources_arrow())
    _check(stderr, "load", "6/6 steps (100%)")


def test_publish_progress(settings: Settings, stderr: io.StringIO) -> None:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    with redirect_stderr(stderr):
        publish_snapshot(settings, version="v2025.01.14", created_at=dt.datetime(2025, 1, 14, tzinfo=dt.UTC))
    _check(stderr, "publish", "17/17 rows (100%)")  # 5 events + 7 mentions + 5 articles into the workbooks


def test_recode_progress(settings: Settings, stderr: io.StringIO, monkeypatch) -> None:
    build_known_lake(settings)
    day = dt.date(2025, 1, 11)
    none = recode.Changes(0, (), (), ())

    def fake_day(settings: Settings, *, run_date: dt.date, sources_file: str | None = None) -> recode.DayRecode:
        from pipeline.store import partition_row_count

        articles = partition_row_count(settings, table_name="articles", run_date=run_date)
        return recode.DayRecode(run_date, "r", articles, 0, none, none, 1.0)

    monkeypatch.setattr(recode, "recode_day", fake_day)
    with redirect_stderr(stderr):
        results = recode.recode_range(settings, day, day, echo=lambda _: None)
    total = results[0].articles
    assert total > 0
    _check(stderr, "recode", f"{total}/{total} articles (100%)")
