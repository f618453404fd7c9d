"""Benchmark: load N synthetic events (default 1M) from the Parquet lake into a fresh DuckDB warehouse.

Compares `load_warehouse` (typed staging, key upsert, primary-key index, views) with a baseline
`CREATE TABLE AS SELECT * FROM read_parquet(...)` in the same run. Deterministic data (seeded numpy).
Writes bench/results/load.json. Usage: .venv/bin/python bench/bench_load.py [--rows N] [--days D]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import paths, schema
from pipeline.load import load_warehouse
from pipeline.load.warehouse import lake_files
from pipeline.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
START = dt.date(2025, 1, 1)


def synthetic_events(n: int, day: dt.date, seed: int) -> pa.Table:
    """``n`` plausible event rows for one run date (ids unique across days)."""
    rng = np.random.default_rng(seed)
    event_types = np.array([schema.ACTION_TO_ACLED[a][0] for a in schema.ACTION_TYPES])
    action_idx = rng.integers(0, len(schema.ACTION_TYPES), n)
    ids = np.char.add(f"{day:%Y%m%d}-", np.arange(n).astype(str))
    cols = {
        "event_id": ids, "article_id": np.char.add("a", (np.arange(n) // 3).astype(str)),
        "source_id": np.array(["alpha", "beta", "gamma", "delta"])[rng.integers(0, 4, n)],
        "url": np.char.add("https://news.example/", ids),
        "published_at": pa.array(np.full(n, np.datetime64(day, "s")), pa.timestamp("s", tz="UTC")),
        "event_date": pa.array(np.datetime64(day, "D") - rng.integers(0, 3, n).astype("timedelta64[D]")),
        "date_precision": np.full(n, "day"), "action_type": np.array(schema.ACTION_TYPES)[action_idx],
        "event_type": event_types[action_idx], "modality": np.where(rng.random(n) < 0.9, "asserted", "denied"),
        "actor1_norm": np.array(["Army", "Police", "ISIS", "SDF", "Unknown"])[rng.integers(0, 5, n)],
        "location_text": np.array(["حلب", "إدلب", "درعا", "الرقة"])[rng.integers(0, 4, n)],
        "country_code": np.full(n, "SY"),
        "admin1": np.array(["Aleppo", "Idlib", "Daraa", "Raqqa"])[rng.integers(0, 4, n)],
        "latitude": rng.uniform(32, 37, n), "longitude": rng.uniform(35, 42, n),
        "geonames_id": rng.integers(1, 5000, n), "fatalities": rng.integers(0, 20, n).astype(np.int32),
        "evidence": np.char.add("قتل عدد من الأشخاص في قصف على المدينة ", ids),
        "char_start": rng.integers(0, 5000, n).astype(np.int32), "char_end": np.full(n, 6000, np.int32),
        "confidence": rng.random(n), "extractor_version": np.full(n, "rules-0.1"),
        "run_id": np.full(n, f"run-{day}"), "run_date": pa.array(np.full(n, np.datetime64(day, "D"))),
    }
    arrays = [pa.array(cols[f.name]).cast(f.type) if f.name in cols else pa.nulls(n, f.type)
              for f in schema.EVENT_FIELDS]
    return pa.Table.from_arrays(arrays, schema=schema.EVENT_SCHEMA)


def write_lake(settings: Settings, rows: int, days: int) -> None:
    per_day = rows // days
    for i in range(days):
        day = START + dt.timedelta(days=i)
        folder = Path(paths.partition_dir(settings, "events", day))
        folder.mkdir(parents=True, exist_ok=True)
        n = per_day + (rows - per_day * days if i == days - 1 else 0)
        pq.write_table(synthetic_events(n, day, seed=i), folder / "data.parquet", compression="zstd")
        print(f"wrote {day}: {n} events", file=sys.stderr)


def time_baseline(settings: Settings, db: Path) -> float:
    con = duckdb.connect(str(db))
    t0 = time.perf_counter()
    con.execute("create table events as select * from read_parquet($files)",
                {"files": lake_files(settings, "events")})
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(paths={"data_root": tmp})
        t0 = time.perf_counter()
        write_lake(settings, args.rows, args.days)
        generate_s = time.perf_counter() - t0
        baseline_s = time_baseline(settings, Path(tmp) / "baseline.duckdb")
        t0 = time.perf_counter()
        counts = load_warehouse(settings)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        reload_counts = load_warehouse(settings, run_date=START)
        reload_day_s = time.perf_counter() - t0
    # the lake's events are mentions; the load clusters them into real-world events
    assert counts["event_mentions"] == args.rows == reload_counts["event_mentions"]
    assert counts["events"] == reload_counts["events"]
    result = {
        "rows": args.rows, "partitions": args.days, "real_events": counts["events"],
        "generate_and_write_s": round(generate_s, 2),
        "baseline_ctas_s": round(baseline_s, 2), "baseline_rows_per_s": round(args.rows / baseline_s),
        "load_warehouse_s": round(load_s, 2), "load_rows_per_s": round(args.rows / load_s),
        "ratio_load_vs_baseline": round(load_s / baseline_s, 2),
        "reload_one_day_s": round(reload_day_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "duckdb": duckdb.__version__, "python": platform.python_version(), "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
