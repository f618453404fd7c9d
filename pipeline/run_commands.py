"""`conflict-events run`: the whole pipeline once, as the nightly DAG would run it."""

from __future__ import annotations

import argparse
import datetime as dt

from pipeline.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="crawl -> extract -> validate -> store -> load -> report, once, and print a summary"
    )
    parser.add_argument("--sources", help="source registry YAML (default: settings paths.sources_file)")
    parser.add_argument(
        "--date", type=dt.date.fromisoformat, help="logical run date YYYY-MM-DD (default: today, UTC)"
    )
    parser.add_argument(
        "--published-on",
        type=dt.date.fromisoformat,
        help="keep only articles published on this day (backfills); default: every new article",
    )
    parser.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.run import format_summary, new_run_id, run_all

    run_date = args.date or dt.datetime.now(dt.UTC).date()
    window = None
    if args.published_on:
        start = dt.datetime.combine(args.published_on, dt.time(), tzinfo=dt.UTC)
        window = (start, start + dt.timedelta(days=1))
    summary = run_all(
        settings,
        run_date=run_date,
        run_id=new_run_id(run_date),
        sources_file=args.sources,
        window=window,
    )
    print(format_summary(summary))
    return 0
