"""`conflict-events crawl`: crawl a source registry for one run date and stage the articles."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import uuid

from pipeline.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "crawl", help="crawl the registry's outlets (feeds, sitemaps, WARC files) and stage new articles"
    )
    parser.add_argument("--sources", help="source registry YAML (default: settings paths.sources_file)")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="logical run date YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--source", action="append", dest="source_ids", metavar="ID",
                        help="crawl only this source id (repeatable; disabled sources may be named)")
    parser.add_argument("--warc-root", action="append", dest="warc_roots", metavar="DIR", default=[],
                        help="a folder the registry's warc paths may read besides the data root and data/ "
                             "(repeatable; adds to the setting crawl.warc_roots)")
    parser.set_defaults(handler=crawl_command, settings_overrides=_overrides)


def _overrides(args: argparse.Namespace) -> dict[str, dict]:
    """``--warc-root`` folders added to the configured ``crawl.warc_roots``."""
    if not args.warc_roots:
        return {}
    from pipeline.settings import Settings

    configured = list(Settings.load(args.config).crawl.warc_roots)
    return {"crawl": {"warc_roots": [*configured, *args.warc_roots]}}


def crawl_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.run import run_crawl

    run_date = args.date or dt.datetime.now(dt.UTC).date()
    run_id = f"crawl-{run_date}-{uuid.uuid4().hex[:8]}"
    staged = run_crawl(
        settings, run_date=run_date, run_id=run_id, sources_file=args.sources or settings.paths.sources_file,
        source_ids=args.source_ids,
    )
    print(f"run {run_id}: articles staged at {staged}")
    failed = failed_sources(settings, run_date=run_date, run_id=run_id)
    for source_id, errors in failed:
        print(f"error: source {source_id} fetched nothing because of errors {errors}", file=sys.stderr)
    return 1 if failed else 0


def failed_sources(settings: Settings, *, run_date: dt.date, run_id: str) -> list[tuple[str, str]]:
    """(source id, errors by kind) of the run's sources whose every fetch failed (``runs`` status failed)."""
    from pipeline.store import read_partition

    runs = read_partition(settings, table_name="runs", run_date=run_date).to_pylist()
    return [(r["source_id"], r["errors_by_kind"]) for r in runs
            if r["run_id"] == run_id and r["stage"] == "crawl" and r["status"] == "failed"]
