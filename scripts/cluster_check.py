"""Compare the lake the cluster wrote with the one the single-machine CLI wrote, day by day (cluster.sh test).

    python scripts/cluster_check.py --cluster-dir DIR --pair EXPECTED_ROOT ACTUAL_ROOT DATE [DATE ...] ...

For each pair and date, the ``articles`` and ``events`` partitions must hold the same rows; only ``run_id``
(which names the run that wrote them) may differ. Then the work must have been shared: both workers ran
tasks (their own log folders), and only worker-1, the one on the ``warehouse`` queue, has a warehouse.
Exits 1 on any difference, printing what differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.core import url_to_fs

TABLES = {"articles": "article_id", "events": "event_id"}
RUN_COLUMNS = ("run_id",)


def read_day(root: str, table: str, day: dt.date) -> pa.Table:
    """One day's partition (all parts), without the columns that name the run, sorted by the key."""
    fs, base = url_to_fs(f"{root.rstrip('/')}/lake/{table}/dt={day.isoformat()}")
    parts = sorted(p for p in fs.ls(base, detail=False) if p.endswith(".parquet")) if fs.exists(base) else []
    if not parts:
        raise SystemExit(f"no {table} partition for {day} under {root}")
    data = pa.concat_tables([pq.read_table(p, filesystem=fs) for p in parts], promote_options="permissive")
    data = data.drop_columns([c for c in RUN_COLUMNS if c in data.column_names])
    return data.sort_by(TABLES[table])


def compare(expected_root: str, actual_root: str, days: list[dt.date]) -> list[str]:
    problems = []
    for day in days:
        for table in TABLES:
            expected, actual = read_day(expected_root, table, day), read_day(actual_root, table, day)
            same = expected.num_rows == actual.num_rows and expected.to_pylist() == actual.to_pylist()
            print(f"{table:8} dt={day}: single machine {expected.num_rows:4d} rows, cluster {actual.num_rows:4d} rows"
                  f" -> {'equal' if same else 'DIFFERENT'}")
            if not same:
                problems.append(f"{table} dt={day}: {_first_difference(expected, actual)}")
    return problems


def _first_difference(expected: pa.Table, actual: pa.Table) -> str:
    if expected.num_rows != actual.num_rows:
        return f"{expected.num_rows} vs {actual.num_rows} rows"
    for i, (a, b) in enumerate(zip(expected.to_pylist(), actual.to_pylist(), strict=True)):
        if a != b:
            cols = [k for k in a if a[k] != b.get(k)]
            return f"row {i} differs in {cols}: {[a[c] for c in cols]} vs {[b[c] for c in cols]}"
    return "schemas differ"


def check_workers(cluster_dir: Path) -> list[str]:
    """Both workers ran tasks; the warehouse tasks ran on worker-1 only."""
    problems = []
    for n in (1, 2):
        tasks = {p.name.removeprefix("task_id=") for p in (cluster_dir / f"worker-{n}" / "logs").rglob("task_id=*")}
        print(f"worker-{n} ran: {', '.join(sorted(tasks)) or 'nothing'}")
        if not tasks:
            problems.append(f"worker-{n} ran no task")
        if n == 2 and tasks & {"load", "report", "process_day.load", "process_day.report"}:
            problems.append("a warehouse task ran on worker-2, which does not consume the warehouse queue")
    if not (cluster_dir / "worker-1" / "data-local" / "warehouse").is_dir():
        problems.append("no warehouse on worker-1")
    if (cluster_dir / "worker-2" / "data-local" / "warehouse").exists():
        problems.append("worker-2 has a warehouse")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster-dir", type=Path, required=True)
    parser.add_argument("--pair", nargs="+", action="append", required=True,
                        metavar="EXPECTED_ROOT ACTUAL_ROOT DATE", help="roots, then first and optional last date")
    args = parser.parse_args(argv)
    problems = []
    for expected_root, actual_root, first, *last in args.pair:
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last[0]) if last else start
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        problems += compare(expected_root, actual_root, days)
    problems += check_workers(args.cluster_dir)
    for problem in problems:
        print(f"FAIL: {problem}")
    print("cluster rows equal the single-machine rows" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
