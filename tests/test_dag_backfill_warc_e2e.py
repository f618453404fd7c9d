"""End to end: the WARC backfill DAG processes each day of a date range into that day's partitions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from test_dag_nightly_e2e import SAMPLE_SOURCES, run_dag

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

DAYS = ("2025-03-02", "2025-03-03")


@pytest.fixture(scope="module")
def backfill(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    airflow_home = tmp_path_factory.mktemp("airflow_home")
    data_root = tmp_path_factory.mktemp("backfill") / "data"
    conf = {
        "data_root": str(data_root),
        "sources_file": str(SAMPLE_SOURCES),
        "start_date": DAYS[0],
        "end_date": DAYS[-1],
    }
    return data_root, run_dag(airflow_home, "conflict_events_backfill_warc", "2025-04-01T00:00:00+00:00", conf)


def test_one_mapped_group_per_day_all_succeed(backfill):
    _, result = backfill
    tasks = result["tasks"]
    assert set(tasks.values()) == {"success"}, tasks
    for stage in ("crawl", "extract", "validate", "store", "load", "report"):  # labelled by day
        assert {f"process_day.{stage}[{day}]" for day in DAYS} <= set(tasks), tasks


def test_each_day_holds_only_articles_published_that_day(backfill):
    data_root, _ = backfill
    for day in DAYS:
        articles = ds.dataset(data_root / "lake" / "articles" / f"dt={day}", format="parquet").to_table()
        assert articles.num_rows > 0, day
        published = {ts.astimezone(dt.UTC).date().isoformat() for ts in articles.column("published_at").to_pylist()}
        assert published == {day}
        events = ds.dataset(data_root / "lake" / "events" / f"dt={day}", format="parquet")
        assert events.count_rows() > 0, day
    assert not (data_root / "lake" / "articles" / "dt=2025-03-04").exists()
