"""Benchmark: validate_table (Great Expectations on pandas) versus plain pyarrow masks of the same rules.

    .venv/bin/python bench/bench_validate.py            # 100k and 1M rows
    .venv/bin/python bench/bench_validate.py --rows 100000

Synthetic rows are deterministic (pipeline/validate/synthetic.py) with ~3% bad. The baseline computes the
same row-level rules with pyarrow.compute, reading thresholds and sets from the same suite JSON, and must
refuse exactly the rows GE refuses. Results go to bench/results/validate.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.settings import Settings
from pipeline.store.parquet import conform
from pipeline.validate import validate_table
from pipeline.validate.frame import in_country_box
from pipeline.validate.suites import load_suite, parameters_for
from pipeline.validate.synthetic import synthetic_events

RUN_DATE = dt.date(2025, 3, 14)
RESULTS = Path(__file__).with_name("results") / "validate.json"


def baseline_refused(table: pa.Table, suite: dict, params: dict) -> np.ndarray:
    """Row mask of the events suite's row-level rules, computed with pyarrow.compute."""
    table = conform(table, "events", check_nulls=False)
    n = table.num_rows
    bad = np.zeros(n, dtype=bool)

    def param(value):
        return params[value["$PARAMETER"]] if isinstance(value, dict) else value

    def mark(mask: pa.ChunkedArray | pa.Array) -> None:
        nonlocal bad
        bad |= np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)

    for e in suite["expectations"]:
        kind, kw = e["type"], e["kwargs"]
        column = kw.get("column")
        if kind == "expect_column_values_to_not_be_null":
            mark(pc.is_null(table.column(column), nan_is_null=True))
        elif kind == "expect_column_values_to_be_unique":
            ids = table.column(column).to_pandas()
            mark(pa.array(ids.duplicated(keep=False) & ids.notna()))
        elif kind == "expect_column_values_to_be_in_set" and column.startswith("_"):
            mark(pa.array(np.asarray(in_country_box(table).fillna(True) == False)))  # noqa: E712
        elif kind == "expect_column_values_to_be_in_set":
            values = table.column(column)
            mark(pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pa.array(kw["value_set"])))))
        elif kind == "expect_column_values_to_be_between":
            values = table.column(column)
            if pa.types.is_date(values.type):
                values = values.cast(pa.timestamp("ms"))
            for bound, outside in ((kw.get("min_value"), pc.less), (kw.get("max_value"), pc.greater)):
                bound = param(bound)
                if bound is None:
                    continue
                if hasattr(bound, "to_pydatetime"):
                    bound = pa.scalar(bound.to_pydatetime(), values.type)
                mark(outside(values, bound))
        elif kind == "expect_column_values_to_match_regex":
            values = table.column(column)
            mark(pc.and_(pc.is_valid(values), pc.invert(pc.match_substring_regex(values, kw["regex"]))))
        elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
            if kw["column_A"] == "_latest_plausible_event_date":
                published = pc.floor_temporal(table.column("published_at").cast(pa.timestamp("s")), unit="day")
                a = pc.add(published, pa.scalar(86_400, pa.duration("s")))
                b = table.column("event_date").cast(pa.timestamp("s"))
            else:
                a, b = table.column(kw["column_A"]), table.column(kw["column_B"])
            mark(pc.less(a, b) if kw.get("or_equal") else pc.less_equal(a, b))
    return bad


def bench(rows: int, settings: Settings) -> dict:
    table, _ = synthetic_events(rows, run_date=RUN_DATE)
    suite = load_suite("events")
    params = parameters_for(settings, RUN_DATE)

    started = time.perf_counter()
    refused = baseline_refused(table, suite, params)
    baseline_seconds = time.perf_counter() - started

    started = time.perf_counter()
    result = validate_table(table, settings, table_name="events", run_id="bench", run_date=RUN_DATE)
    ge_seconds = time.perf_counter() - started

    agree = int(refused.sum()) == result.quarantine.num_rows
    figures = {
        "rows": rows,
        "quarantined": result.quarantine.num_rows,
        "baseline_refused": int(refused.sum()),
        "agree": agree,
        "ge_seconds": round(ge_seconds, 3),
        "ge_rows_per_second": round(rows / ge_seconds),
        "baseline_seconds": round(baseline_seconds, 3),
        "baseline_rows_per_second": round(rows / baseline_seconds),
        "ratio_ge_vs_baseline": round(ge_seconds / baseline_seconds, 1),
    }
    print(
        f"{rows:>9} rows: GE {ge_seconds:7.2f} s ({figures['ge_rows_per_second']:>9,} rows/s) | "
        f"pyarrow baseline {baseline_seconds:6.2f} s ({figures['baseline_rows_per_second']:>10,} rows/s) | "
        f"ratio {figures['ratio_ge_vs_baseline']}x | quarantined {figures['quarantined']} "
        f"(baseline {figures['baseline_refused']}, {'agree' if agree else 'DISAGREE'})",
        file=sys.stderr,
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("great_expectations._docs_decorators").setLevel(logging.WARNING)
    settings = Settings.load().replace(validate={"data_docs": False})
    started = time.perf_counter()
    import great_expectations  # noqa: F401  (import cost measured apart from the runs)

    import_seconds = time.perf_counter() - started
    print(f"great_expectations import: {import_seconds:.2f} s", file=sys.stderr)
    runs = [bench(n, settings) for n in args.rows]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "validate_events",
        "machine": f"{platform.machine()} {platform.python_version()}",
        "ge_import_seconds": round(import_seconds, 2),
        "runs": runs,
    }, indent=2) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all(r["agree"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
