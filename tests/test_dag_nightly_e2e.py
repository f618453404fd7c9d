"""End to end: the nightly DAG runs with ``dag.test()`` on the bundled sample source and fills the lake,
the warehouse and the report; a rerun of the same logical date replaces the day instead of adding to it.

Airflow fixes its home and metadata DB when it is first imported, so each run happens in a fresh Python
process (``RUNNER`` below) with a throwaway ``AIRFLOW_HOME`` holding a migrated SQLite DB. Inside that
process ``dag.test()`` executes every task in-process: no scheduler, no executor, no servers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
SAMPLE_SOURCES = PROJECT_DIR / "data" / "sources" / "sample.yaml"
# The run for 2025-03-04: the day (and partition) the sample articles are crawled into.
LOGICAL_DATE = "2025-03-04T00:00:00+00:00"
RUN_DATE = "2025-03-04"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

RUNNER = r"""
import datetime as dt, json, sys
from pathlib import Path

from airflow.models.pool import Pool
from airflow.utils import db
from airflow.dag_processing.dagbag import BundleDagBag

airflow_home, dags_dir, dag_id, logical_date = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
conf = json.loads(sys.argv[5])
if not (Path(airflow_home) / "airflow.db").exists():
    db.initdb()
Pool.create_or_update_pool("crawl_fetch", 2, "concurrent outlet crawls", include_deferred=False)
Pool.create_or_update_pool("duckdb_warehouse", 1, "single DuckDB writer", include_deferred=False)
bag = BundleDagBag(dag_folder=dags_dir, bundle_path=dags_dir)
assert not bag.import_errors, bag.import_errors
dag = bag.dags[dag_id]
for task in dag.tasks:  # a failing stage fails the test now instead of after minutes of backoff
    task.retries = 0
when = dt.datetime.fromisoformat(logical_date)
dag_run = dag.test(logical_date=when, run_after=when, run_conf=conf)
states = {}
for ti in dag_run.get_task_instances():
    key = ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.rendered_map_index or ti.map_index}]"
    states[key] = str(ti.state)
print("RESULT " + json.dumps({
    "state": str(dag_run.state),
    "run_id": dag_run.run_id,
    "logical_date": dag_run.logical_date.isoformat(),
    "tasks": states,
}))
"""


def run_dag(airflow_home: Path, dag_id: str, logical_date: str, conf: dict, *, expect: str = "success") -> dict:
    """Run ``dag_id`` once with ``dag.test()`` in a fresh process; returns its state and task states."""
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_DIR / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            RUNNER,
            str(airflow_home),
            str(PROJECT_DIR / "dags"),
            dag_id,
            logical_date,
            json.dumps(conf),
        ],
        cwd=airflow_home,  # not the project: relative paths must not depend on the worker's directory
        env=env,
        capture_output=True,
        text=True,
        timeout=500,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, (proc.stdout[-4000:], proc.stderr[-4000:])
    result = json.loads(lines[-1].removeprefix("RESULT "))
    assert result["state"] == expect, (result, proc.stdout[-6000:])
    return result


def _run_nightly(airflow_home: Path, data_root: Path) -> dict:
    conf = {"data_root": str(data_root), "sources_file": str(SAMPLE_SOURCES)}
    return run_dag(airflow_home, "conflict_events_nightly", LOGICAL_DATE, conf)


def _warehouse_rows(data_root: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_root / "warehouse" / "events.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _lake_rows(data_root: Path, table: str) -> int:
    return ds.dataset(data_root / "lake" / table / f"dt={RUN_DATE}", format="parquet").count_rows()


def _day_counts(data_root: Path) -> dict[str, int]:
    counts = {f"lake.{t}": _lake_rows(data_root, t) for t in ("articles", "events")}
    for table in ("articles", "event_mentions", "events"):
        (n,) = _warehouse_rows(data_root, f"select count(*) from {table}")[0]
        counts[f"warehouse.{table}"] = n
    return counts


@pytest.fixture(scope="module")
def nightly_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict, dict, dict]:
    if not SAMPLE_SOURCES.is_file():
        pytest.fail(f"sample source registry missing: {SAMPLE_SOURCES}")
    airflow_home = tmp_path_factory.mktemp("airflow_home")
    data_root = tmp_path_factory.mktemp("nightly") / "data"
    first = _run_nightly(airflow_home, data_root)
    counts_first = _day_counts(data_root)
    second = _run_nightly(airflow_home, data_root)
    counts_second = _day_counts(data_root)
    return data_root, first, counts_first, second, counts_second


def test_every_task_succeeds_with_one_crawl_per_source(nightly_runs):
    _, first, _, _, _ = nightly_runs
    assert first["logical_date"].startswith(RUN_DATE)
    tasks = first["tasks"]
    crawls = [name for name in tasks if name.startswith("crawl[")]
    assert crawls, tasks
    assert set(tasks.values()) == {"success"}, tasks
    for name in ("list_sources", "extract", "validate", "store", "load", "report"):
        assert tasks[name] == "success"


def test_lake_holds_the_run_dates_partitions(nightly_runs):
    data_root, _, counts, _, _ = nightly_runs
    assert counts["lake.articles"] > 0
    assert counts["lake.events"] > 0
    assert (data_root / "lake" / "runs" / f"dt={RUN_DATE}").is_dir()


def test_warehouse_holds_the_day_with_the_airflow_run_id(nightly_runs):
    data_root, first, counts, _, _ = nightly_runs
    assert counts["warehouse.event_mentions"] == counts["lake.events"]  # the lake's events are mentions
    assert 0 < counts["warehouse.events"] <= counts["warehouse.event_mentions"]
    rows = _warehouse_rows(data_root, "select distinct run_id, cast(run_date as varchar) from event_mentions")
    assert len(rows) == 1
    run_id, run_date = rows[0]
    assert run_date == RUN_DATE
    assert run_id.startswith(f"airflow-{RUN_DATE}-")


def test_report_is_written_for_the_run_date(nightly_runs):
    data_root, _, _, _, _ = nightly_runs
    reports = list((data_root / "reports").rglob("*.html"))
    assert any(RUN_DATE in str(p) for p in reports), reports


def test_rerun_of_the_same_logical_date_adds_no_duplicates(nightly_runs):
    data_root, first, counts_first, second, counts_second = nightly_runs
    assert second["tasks"] == first["tasks"]
    assert counts_second == counts_first
    dupes = _warehouse_rows(data_root, "select event_id from events group by event_id having count(*) > 1")
    assert dupes == []
    dupes = _warehouse_rows(data_root, "select mention_id from event_mentions group by 1 having count(*) > 1")
    assert dupes == []
    dupes = _warehouse_rows(data_root, "select article_id from articles group by article_id having count(*) > 1")
    assert dupes == []


def test_snapshot_dag_publishes_the_version_once_then_skips(nightly_runs):
    data_root, _, _, _, _ = nightly_runs
    airflow_home = data_root.parent / "airflow_snapshot"
    airflow_home.mkdir()
    conf = {"data_root": str(data_root)}
    first = run_dag(airflow_home, "conflict_events_snapshot", "2025-03-10T06:00:00+00:00", conf)
    assert first["tasks"] == {"publish": "success"}
    assert (data_root / "snapshots" / "v2025.03.10").is_dir()
    again = run_dag(airflow_home, "conflict_events_snapshot", "2025-03-10T06:00:00+00:00", conf)
    assert again["tasks"] == {"publish": "skipped"}, "an existing version is skipped, not failed or overwritten"
