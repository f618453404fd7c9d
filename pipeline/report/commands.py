"""`conflict-events report --date YYYY-MM-DD [--run-id ID]`."""

from __future__ import annotations

import argparse
import datetime as dt

from pipeline.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    from pipeline.cli import iso_date

    parser = subparsers.add_parser("report", help="write the HTML run report of a run date")
    parser.add_argument("--date", type=iso_date, required=True, help="run date YYYY-MM-DD")
    parser.add_argument("--run-id", help="run to report (default: the latest run of that date in the warehouse)")
    parser.set_defaults(handler=report_command)


def report_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.errors import PipelineError
    from pipeline.report import write_run_report

    run_id = args.run_id or latest_run_id(settings, args.date)
    if run_id is None:
        raise PipelineError(f"no run of {args.date} in the warehouse: run `conflict-events run --date {args.date}` "
                            "(or crawl ... load) first, or pass --run-id")
    print(write_run_report(settings, run_id=run_id, run_date=args.date))
    return 0


def latest_run_id(settings: Settings, run_date: dt.date) -> str | None:
    from pipeline.load import connect

    con = connect(settings, read_only=True)  # no warehouse: WarehouseMissing, a one-line error
    try:
        rows = con.execute("select run_id from runs where run_date = $d order by started_at desc nulls last, "
                           "run_id desc limit 1", {"d": run_date}).fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None
