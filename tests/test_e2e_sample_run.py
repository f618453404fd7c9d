"""End to end: `conflict-events run` on the bundled sample data, as `make run` does it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SOURCES = PROJECT_ROOT / "data" / "sources" / "sample.yaml"
RUN_DATE = "2025-03-04"

pytestmark = pytest.mark.slow


def _run_pipeline(data_root: Path) -> subprocess.CompletedProcess:
    # A relative --data-root, as `make run` uses ("data"): every stage must cope with relative paths.
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "--data-root", data_root.name, "run",
         "--sources", str(SAMPLE_SOURCES), "--date", RUN_DATE],
        cwd=data_root.parent, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    data_root = tmp_path_factory.mktemp("e2e") / "data"
    proc = _run_pipeline(data_root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return data_root, proc


def _query(data_root: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_root / "warehouse" / "events.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_summary_names_counts_and_files(sample_run):
    data_root, proc = sample_run
    out = proc.stdout
    assert "articles stored" in out and "real events" in out and "event mentions" in out
    assert "warehouse/events.duckdb" in out
    assert "conflict-events query" in out
    assert (data_root / "lake" / "events" / f"dt={RUN_DATE}").is_dir()
    docs = next(line.split(":", 1)[1].strip() for line in out.splitlines() if "data docs" in line)
    assert (data_root.parent / docs).is_file(), "the summary links this run's Great Expectations data docs"
    assert "not asserted as fact" in out
    noise = [line for line in proc.stderr.splitlines() if line.strip() == "[]" or " great_expectations" in line]
    assert not noise, "the run's log holds Great Expectations' set-up chatter: " + repr(noise[:3])


@pytest.mark.xfail(strict=True, reason="known miss of the decision model (first seen with dl1-2170e043a4, still with "
                   "dl1-db720d3241): the rules code the seed's Diyala security operation "
                   "(tests/test_extract_engine.py) but the model rejects it (security_operation is a thin type in "
                   "training); strict: passes again -> remove this mark")
def test_seed_article_yields_the_diyala_security_operation(sample_run):
    data_root, _ = sample_run
    rows = _query(
        data_root,
        "select event_date, country_code, admin1, actor1_norm from event_mentions "
        "where action_type = 'security_operation' and admin1 = 'Diyala' and modality = 'asserted'",
    )
    assert rows, "no Diyala security operation extracted from the seed article"
    assert any(r[0] == dt.date(2025, 3, 3) and r[1] == "IQ" for r in rows)


def test_no_coded_event_of_the_sample_is_quarantined(sample_run):
    """The sample's only bad input is its English page; an event the extractor codes with a value the schema
    does not allow is lost at validate (two Sudan and Yemen events once were, geo_precision "admin1")."""
    data_root, _ = sample_run
    assert _query(data_root, "select table_name, reason, count(*) from quarantine group by all") == \
        [("articles", "not_arabic", 1)]


def test_every_stored_event_traces_back_to_its_sentence(sample_run):
    data_root, _ = sample_run
    bad = _query(
        data_root,
        "select e.mention_id from event_mentions e join articles a using (article_id) "
        "where substr(a.text, e.char_start + 1, e.char_end - e.char_start) <> e.evidence",
    )
    assert bad == []


def test_negative_and_non_arabic_pages_yield_no_events(sample_run):
    data_root, _ = sample_run
    quarantined = _query(data_root, "select reason from quarantine where stage = 'crawl'")
    assert any("not_arabic" in r[0] for r in quarantined)
    events_per_article = _query(
        data_root, "select count(*) from articles a left join event_mentions e using (article_id) "
        "where a.title like '%مباراة%' or a.title like '%الدوري%' group by a.article_id")
    assert all(n == 0 for (n,) in events_per_article if n is not None)


def test_rerun_of_the_same_day_duplicates_nothing(sample_run):
    data_root, _ = sample_run
    counts = ("select (select count(*) from events), (select count(*) from event_mentions), "
              "(select count(*) from articles), (select list(event_id order by event_id) from events)")
    before = _query(data_root, counts)[0]
    proc = _run_pipeline(data_root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = _query(data_root, counts)[0]
    assert after == before  # same counts and the same event ids
    dupes = _query(data_root, "select event_id from events group by event_id having count(*) > 1")
    assert dupes == []


def test_summary_report_snapshot_and_readme_agree_on_events_and_deaths(sample_run):
    """Issue 11 "done means": the README's figures, the summary, the warehouse, the report and a snapshot
    give the same number of real events and deaths for the sample."""
    data_root, proc = sample_run
    events, deaths = _query(data_root, "select count(*), sum(fatalities) from events")[0]
    summary = re.search(r"real events\s*: (\d+) \((\d+) deaths", proc.stdout)
    assert summary and (int(summary.group(1)), int(summary.group(2))) == (events, deaths)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"\*\*(\d+) real events and (\d+) deaths\*\*", readme)
    assert stated and (int(stated.group(1)), int(stated.group(2))) == (events, deaths)
    report = (data_root / "reports" / RUN_DATE / "index.html").read_text(encoding="utf-8")
    assert f"<b>{events}</b> real-world events, <b>{deaths}</b> deaths" in report
    syria = _query(data_root, "select sum(fatalities) from fatalities_monthly where country_code = 'SY'")[0][0]
    assert syria == 9  # 3 at Kisweh + 6 at the Tishreen dam; counting mentions gave 18
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--data-root", data_root.name, "publish",
                           "--version", "v2025.03.04"], cwd=data_root.parent, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = json.loads((data_root / "snapshots" / "v2025.03.04" / "manifest.json").read_text())
    assert manifest["row_counts"]["events"] == events
    released = duckdb.connect().execute(
        f"select sum(fatalities) from '{data_root / 'snapshots' / 'v2025.03.04' / 'events.parquet'}'").fetchone()[0]
    assert released == deaths


def test_data_docs_work_offline(sample_run, tmp_path):
    """Issue 11: the data docs loaded Bootstrap/jQuery from a CDN; offline the index was unstyled and its
    validation list empty. After the run (its report step) they load only local files."""
    from pipeline.report.data_docs import remote_assets

    data_root, _ = sample_run
    pages = list((data_root / "reports" / "data_docs").rglob("*.html"))
    assert pages
    assert {p.name: remote_assets(p.read_text(encoding="utf-8")) for p in pages} == {p.name: [] for p in pages}
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium not installed")
    index = next(p for p in pages if p.name == "index.html" and p.parent.name == "events")
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--virtual-time-budget=5000", "--dump-dom", index.as_uri()],
        capture_output=True, text=True, timeout=90, check=True).stdout
    assert 'class="bootstrap-table bootstrap4"' in dom  # bootstrap-table ran: the list is rendered
    # the validation list is rendered with its result icon (which one is the suite's verdict, not this test's)
    assert "staging-events" in dom and ("fa-check-circle" in dom or "fa-times-circle" in dom)
