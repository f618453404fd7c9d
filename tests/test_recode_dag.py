"""End to end: the ``conflict_events_recode`` DAG codes the sample's stored day again (``dag.test()``), one
mapped recode -> load per day; with the extractor unchanged, no mention or event changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_dag_nightly_e2e import SAMPLE_SOURCES, run_dag

from pipeline.recode import row_fingerprints

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

DAY = "2025-03-04"


def _fingerprints(data_root: Path) -> tuple[dict[str, str], dict[str, str], set[str]]:
    con = duckdb.connect(str(data_root / "warehouse" / "events.duckdb"), read_only=True)
    try:
        mentions = con.execute("select * from event_mentions").to_arrow_table().to_pylist()
        events = con.execute("select * from events").to_arrow_table().to_pylist()
    finally:
        con.close()
    return (row_fingerprints(mentions, "mention_id"), row_fingerprints(events, "event_id"),
            {m["run_id"] for m in mentions})


def test_recode_dag_recodes_each_day_and_changes_nothing_when_the_extractor_is_the_same(tmp_path):
    data_root = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "--data-root", str(data_root), "run",
         "--sources", str(SAMPLE_SOURCES), "--date", DAY],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    mentions, events, run_ids = _fingerprints(data_root)
    assert all(r.startswith("run-") for r in run_ids)

    conf = {"data_root": str(data_root), "sources_file": str(SAMPLE_SOURCES), "start_date": DAY, "end_date": DAY}
    (tmp_path / "airflow_home").mkdir()
    result = run_dag(tmp_path / "airflow_home", "conflict_events_recode", "2025-04-01T00:00:00+00:00", conf)
    assert result["tasks"] == {"list_days": "success", f"recode[{DAY}]": "success", f"load[{DAY}]": "success"}

    after_mentions, after_events, after_run_ids = _fingerprints(data_root)
    assert (after_mentions, after_events) == (mentions, events)
    assert len(after_run_ids) == 1 and next(iter(after_run_ids)).startswith(f"recode-{DAY}-")


def test_recode_dag_fails_on_a_day_with_no_stored_articles(tmp_path):
    conf = {"data_root": str(tmp_path / "data"), "sources_file": str(SAMPLE_SOURCES),
            "start_date": DAY, "end_date": DAY}
    (tmp_path / "airflow_home").mkdir()
    result = run_dag(tmp_path / "airflow_home", "conflict_events_recode", "2025-04-01T00:00:00+00:00", conf,
                     expect="failed")
    assert result["tasks"]["list_days"] == "failed"
