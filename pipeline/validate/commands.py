"""`conflict-events validate`: validate a staging partition and print the result."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging

from pipeline.settings import Settings

log = logging.getLogger(__name__)

HISTORY_RUNS = 7


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="validate a day's staging partition with its Great Expectations suite",
        description="Validate <data_root>/staging/<table>/dt=DATE with expectations/<table>.json; print the "
        "counts, quarantine reasons and batch failures. Exit 1 when a batch-level expectation failed.",
    )
    parser.add_argument("--table", choices=("events", "articles"), required=True)
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="run date YYYY-MM-DD")
    parser.add_argument("--run-id", default=None, help="run id recorded on quarantine rows (default: cli-DATE)")
    parser.add_argument(
        "--write",
        action="store_true",
        help="also replace the lake partition with the valid rows and write the quarantine rows "
        "(only when no batch-level expectation failed)",
    )
    parser.add_argument("--json", action="store_true", help="print the statistics as JSON")
    parser.set_defaults(handler=validate_command)


def previous_row_counts(settings: Settings, *, table_name: str, before: dt.date, runs: int = HISTORY_RUNS) -> list[int]:
    """Row counts of the last ``runs`` lake partitions of ``table_name`` before ``before``."""
    from pipeline.store import list_partitions, read_partition

    days = [d for d in list_partitions(settings, table_name=table_name) if d < before][-runs:]
    return [read_partition(settings, table_name=table_name, run_date=d).num_rows for d in days]


def day_article_ids(settings: Settings, run_date: dt.date) -> list[str] | None:
    """The day's article ids events must point to: the validated partition, else the lake's (None: neither)."""
    from pipeline.store import committed_parts, read_partition

    for layer in ("validated", "lake"):
        if committed_parts(settings, table_name="articles", run_date=run_date, layer=layer):
            table = read_partition(settings, table_name="articles", run_date=run_date, layer=layer)
            return table.column("article_id").to_pylist()
    return None


def validate_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.store import read_partition, replace_partition, write_partition
    from pipeline.validate import validate_table

    run_id = args.run_id or f"cli-{args.date.isoformat()}"
    table = read_partition(settings, table_name=args.table, run_date=args.date, layer="staging")
    article_count = article_ids = None
    if args.table == "events":
        article_count = read_partition(settings, table_name="articles", run_date=args.date, layer="staging").num_rows
        article_ids = day_article_ids(settings, args.date)
    log.info("validating %d staged %s row(s) of %s", table.num_rows, args.table, args.date)
    result = validate_table(
        table,
        settings,
        table_name=args.table,
        run_id=run_id,
        run_date=args.date,
        history=previous_row_counts(settings, table_name=args.table, before=args.date),
        article_count=article_count,
        article_ids=article_ids,
    )
    stats = result.statistics
    if args.json:
        print(json.dumps({**stats, "batch_failures": result.batch_failures, "data_docs": result.data_docs_path},
                         indent=2, ensure_ascii=False))
    else:
        print(f"{args.table} {args.date}: {stats['rows_in']} row(s), {stats['rows_valid']} valid, "
              f"{stats['rows_quarantined']} quarantined ({stats['seconds']} s)")
        for reason, count in stats["reasons"].items():
            print(f"  quarantined {count:>7} {reason}")
        for failure in result.batch_failures:
            print(f"  BATCH FAILURE: {failure}")
        if result.data_docs_path:
            print(f"  data docs: {result.data_docs_path}")
    if result.batch_failures:
        return 1
    if args.write:
        replace_partition(result.valid, settings, table_name=args.table, run_date=args.date)
        write_partition(result.quarantine, settings, table_name="quarantine", run_date=args.date,
                        part=f"validate_{args.table}")
    return 0
