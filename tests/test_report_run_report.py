"""The HTML run report: content, escaping, self-containedness, and a real headless-Chromium render."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from load_fixtures import D1, D2, build_known_lake, event, known_events, run_row, sources_arrow, write_lake

from pipeline import paths
from pipeline.cli import main
from pipeline.load import load_warehouse
from pipeline.report import write_run_report
from pipeline.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def report(settings: Settings) -> Path:
    build_known_lake(settings)
    write_lake(settings, "events", [
        *[e for e in known_events() if e["run_date"] == D2],
        event("x1", "a5", "alpha", D2, D2, actor1_norm="<script>alert(1)</script>", char_start=99),
    ], D2)
    load_warehouse(settings, sources=sources_arrow())
    docs = Path(paths.data_docs_dir(settings)) / f"run-{D2}" / "events"
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html></html>")
    return Path(write_run_report(settings, run_id=f"run-{D2}", run_date=D2))


def test_report_sections(report: Path, settings: Settings) -> None:
    assert report == Path(settings.data_root) / "reports" / D2.isoformat() / "index.html"
    html = report.read_text()
    for heading in ("Headline", "Stages", "Events per event date and type", "Deaths per event date and type",
                    "Events and deaths by country", "Map of events", "Events by country / admin1 (all 2)",
                    "Actors (actor1) by events (all 4)", "The events (all 4, most deaths first)",
                    "Quarantine reasons", "Crawl errors per source"):
        assert heading in html, heading
    assert html.count("<svg") == 5
    assert "fatalities_implausible" in html  # D2's quarantine reason
    assert "lat_lon_out_of_range" not in html  # D1's is another day
    assert "SY / Idlib" in html and "Russian Air Force" in html
    assert "timeout 1" in html and "{" not in html.split("<body>")[1].split("</style>")[-1]  # no raw dicts
    assert f'href="../data_docs/run-{D2}/events/index.html"' in html  # this run's docs, not another's


def test_report_counts_events_like_the_summary(report: Path, settings: Settings) -> None:
    """Issue 11: the report counted mentions; it now shows the run summary's events and deaths."""
    from pipeline.load import connect
    from pipeline.load.events import run_date_counts

    con = connect(settings)
    try:
        totals = run_date_counts(con, D2)
    finally:
        con.close()
    assert (totals["events"], totals["fatalities"], totals["mentions"]) == (4, 4, 4)
    html = report.read_text()
    assert "<b>4</b> real-world events, <b>4</b> deaths" in html and "from 4 event mentions" in html
    assert '<td dir="auto" class="ar">قصف الطيران بلدة سرمين</td>' in html  # Arabic evidence, right to left
    assert "<circle" in html and 'class="border"' in html  # the offline map: events over country borders


def test_long_lists_say_how_much_is_shown() -> None:
    from pipeline.report.charts import shown_of

    assert shown_of(list(range(31)), 25) == (list(range(25)), "top 25 of 31")
    assert shown_of([1, 2], 25) == ([1, 2], "all 2")


def test_stages_are_readable_and_include_late_rows(settings: Settings) -> None:
    from pipeline.report.run_report import readable

    assert readable("0 links, skipped {'not_html': 1}") == "0 links, skipped not_html 1"
    assert readable('{"articles": 15, "events": 25}') == "articles 15, events 25"
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    # the load stage's row reaches the lake after the warehouse was loaded
    write_lake(settings, "runs", [run_row(D2, "load", errors_by_kind='{"events": 5}')], D2)
    html = Path(write_run_report(settings, run_id=f"run-{D2}", run_date=D2)).read_text()
    assert "<td>load</td>" in html and "events 5" in html
    assert "<td>report</td>" in html and "this page" in html


def test_report_for_a_day_without_a_run_fails(report: Path, settings: Settings, capsys) -> None:
    assert main(["--data-root", settings.data_root, "report", "--date", "2031-01-01"]) == 2
    assert "no run of 2031-01-01" in capsys.readouterr().err


def test_report_charts_cover_the_runs_events_even_when_old(settings: Settings) -> None:
    """A replay of an old archive (event dates long before the run date) still charts its events."""
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    later = D2.replace(year=D2.year + 1)
    html = Path(write_run_report(settings, run_id=f"run-{D2}", run_date=D2)).read_text()
    assert D2.isoformat() in html and "no events in this window" not in html
    empty = Path(write_run_report(settings, run_id="none", run_date=later)).read_text()
    assert "SY / Idlib" not in empty  # events of other run dates are not this run's


def test_report_is_self_contained_and_escaped(report: Path) -> None:
    html = report.read_text()
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html


def test_report_without_warehouse(settings: Settings) -> None:
    html = Path(write_run_report(settings, run_id="r", run_date=D1)).read_text()
    assert "No warehouse yet" in html


def test_report_command_picks_latest_run(report: Path, settings: Settings, capsys) -> None:
    assert main(["--data-root", settings.data_root, "report", "--date", D1.isoformat()]) == 0
    html = Path(capsys.readouterr().out.strip()).read_text()
    assert f"run-{D1}" in html and "lat_lon_out_of_range" in html


def _png_is_not_blank(png: bytes) -> bool:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels)) > 16  # a blank page compresses to a handful of byte values


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1000,1400", f"--screenshot={shot}", report.as_uri()],
        check=True, capture_output=True, timeout=60,
    )
    assert shot.stat().st_size > 10_000
    assert _png_is_not_blank(shot.read_bytes())


def test_blank_png_is_detected(tmp_path: Path) -> None:
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * 4 for _ in range(4))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + b"\0\0\0\0"  # noqa: E731
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    assert not _png_is_not_blank(png)


def test_boundaries_are_shipped_with_their_notice() -> None:
    import json

    from pipeline.report.run_report import boundaries_file, country_outlines

    names = {f["properties"]["name"] for f in json.loads(boundaries_file().read_text())["features"]}
    assert {"Syria", "Iraq", "Yemen", "Sudan", "Libya", "Somalia", "Egypt", "Lebanon"} <= names
    assert "Natural Earth" in (boundaries_file().parent / "NOTICE").read_text()
    assert len(country_outlines()) > 100
