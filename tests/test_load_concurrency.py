"""Readers never block the load and a failed load never loses a day (https://issues.local/12 item 2)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from load_fixtures import D1, D2, build_known_lake, event, write_lake

from pipeline import paths
from pipeline.errors import WarehouseBusy
from pipeline.load import connect, load_warehouse
from pipeline.settings import Settings

D3 = dt.date(2025, 1, 15)
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print(con.execute("select count(*) from event_mentions").fetchone()[0], flush=True)
sys.stdin.readline()  # hold the connection until told to query again
print(con.execute("select count(*) from event_mentions").fetchone()[0], flush=True)
sys.stdin.readline()
"""


def _events(settings: Settings) -> int:
    con = connect(settings)
    try:
        return con.execute("select count(*) from event_mentions").fetchone()[0]
    finally:
        con.close()


def _hold(settings: Settings, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, paths.warehouse_path(settings), mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "7"  # connected (and holding its lock)
    return proc


def _release(proc: subprocess.Popen) -> str:
    proc.stdin.write("\n")
    proc.stdin.flush()
    seen = proc.stdout.readline().strip()
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=30)
    return seen


def test_load_of_a_day_catches_up_days_the_warehouse_lacks(settings: Settings) -> None:
    build_known_lake(settings)  # days D1 and D2 in the lake; the load of D2 never happened
    counts = load_warehouse(settings, run_date=D1)
    assert counts["event_mentions"] == 7 and counts["articles"] == 5
    # D2 is re-stored while the next night loads only its own day: D2's new version is loaded too
    write_lake(settings, "events", [event("e9", "a3", "alpha", D2, D2)], D2)
    write_lake(settings, "events", [event("e1", "a1", "alpha", D1, D3)], D3)
    counts = load_warehouse(settings, run_date=D3)
    assert counts["event_mentions"] == 5  # D1's four minus e1 (moved to D3) + e1 + e9
    assert load_warehouse(settings, run_date=D3) == counts


def test_a_reader_in_another_process_does_not_block_the_load(settings: Settings) -> None:
    build_known_lake(settings)
    load_warehouse(settings)
    reader = _hold(settings, "ro")
    try:
        write_lake(settings, "events", [event("e8", "a1", "alpha", D3, D3)], D3)
        counts = load_warehouse(settings, run_date=D3, busy_wait=5)
        assert counts["event_mentions"] == 8
        assert _events(settings) == 8  # a new connection sees the new day
    finally:
        seen = _release(reader)
    assert seen == "7"  # the open reader kept a consistent previous version
    assert sorted(p.name for p in Path(settings.data_root).iterdir() if "building" in p.name) == []


def test_a_writer_in_another_process_is_waited_for_then_reported_in_one_line(settings: Settings) -> None:
    build_known_lake(settings)
    load_warehouse(settings)
    writer = _hold(settings, "rw")
    try:
        with pytest.raises(WarehouseBusy, match="is open for writing in another process") as info:
            load_warehouse(settings, run_date=D1, busy_wait=1.5)
        assert "\n" not in str(info.value)
    finally:
        _release(writer)
    assert load_warehouse(settings, run_date=D1)["event_mentions"] == 7


def test_two_concurrent_loads_both_succeed(settings: Settings, tmp_path: Path) -> None:
    build_known_lake(settings)
    cmd = [sys.executable, "-m", "pipeline", "--data-root", settings.data_root, "load",
           "--sources", settings.paths.sources_file]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert [rc for rc, _ in results] == [0, 0], results
    assert _events(settings) == 7
