"""The Parquet lake on an object store (any fsspec URL; here the in-memory filesystem), end to end.

The Parquet layers and the crawl state move; WARC archives, the DuckDB file and reports stay on local disk
under data_root. DuckDB reads the remote lake through the same fsspec filesystem the store writes with.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import fsspec

from pipeline import paths
from pipeline.run import new_run_id, run_all
from pipeline.settings import Settings

RUN_DATE = dt.date(2025, 3, 4)


def test_sample_run_with_the_lake_on_an_object_store(settings: Settings, tmp_path: Path) -> None:
    lake_root = f"memory://{tmp_path.name}/events-bucket"
    remote = settings.replace(paths={"lake_root": lake_root})
    summary = run_all(remote, run_date=RUN_DATE, run_id=new_run_id(RUN_DATE), progress=False)

    fs = fsspec.filesystem("memory")
    stored = fs.glob(f"{paths.partition_dir(remote, 'events', RUN_DATE)}/*.parquet")
    assert stored, "events partition written to the object store"
    assert not (Path(settings.data_root) / "lake").exists(), "nothing of the lake written to local disk"
    assert summary.events > 0 and summary.lake.startswith("memory://")

    con = duckdb.connect(str(paths.warehouse_path(remote)), read_only=True)
    try:
        (events,) = con.execute("select count(*) from events").fetchone()
    finally:
        con.close()
    assert events == summary.events
