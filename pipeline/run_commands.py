"""`conflict-events run`: the whole pipeline once, as the nightly DAG would run it; `recode`: past days again."""

from __future__ import annotations

import argparse
import datetime as dt

from pipeline.cli import iso_date
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

    recode = subparsers.add_parser(
        "recode", help="re-extract the stored articles of past days with the current extractor, store and reload"
    )
    recode.add_argument("--from", dest="first", required=True, type=iso_date, help="first day YYYY-MM-DD")
    recode.add_argument("--to", dest="last", required=True, type=iso_date, help="last day YYYY-MM-DD, inclusive")
    recode.add_argument("--sources", help="source registry YAML loaded with the warehouse (default: settings)")
    recode.set_defaults(handler=recode_command)


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


def recode_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.recode import recode_range

    results = recode_range(settings, args.first, args.last, sources_file=args.sources)
    changed = sum(r.mention_changes.any or r.event_changes.any for r in results)
    print(f"recoded {len(results)} day(s), {changed} changed")
    return 0
