"""`conflict-events publish --version vYYYY.MM.DD` and `conflict-events verify-snapshot PATH`."""

from __future__ import annotations

import argparse

from pipeline.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    from pipeline.cli import iso_date

    publish = subparsers.add_parser("publish", help="write an immutable researcher snapshot from the warehouse")
    publish.add_argument("--version", required=True, help="vYYYY.MM.DD or vYYYY.MM.DD.N (N >= 1)")
    publish.add_argument("--country", help="subset release: events in this ISO-3166 alpha-2 country only")
    publish.add_argument("--from", dest="date_from", type=iso_date, help="subset release: event_date >= YYYY-MM-DD")
    publish.add_argument("--to", dest="date_to", type=iso_date, help="subset release: event_date <= YYYY-MM-DD")
    publish.add_argument("--no-xlsx", action="store_true",
                         help="skip the .xlsx workbooks (they take minutes per million rows; setting publish.xlsx)")
    publish.set_defaults(handler=publish_command, settings_overrides=_overrides)
    verify = subparsers.add_parser("verify-snapshot", help="re-check a snapshot's checksums and row counts")
    verify.add_argument("path", help="snapshot folder or URL, e.g. data/snapshots/latest or "
                        "s3://bucket/prefix/snapshots/latest")
    verify.set_defaults(handler=verify_command)


def _overrides(args: argparse.Namespace) -> dict[str, dict]:
    return {"publish": {"xlsx": False}} if args.no_xlsx else {}


def publish_command(args: argparse.Namespace, settings: Settings) -> int:
    import sys

    from pipeline.errors import SnapshotUnchanged
    from pipeline.publish import publish_snapshot

    try:
        path = publish_snapshot(settings, version=args.version, country=args.country, date_from=args.date_from,
                                date_to=args.date_to)
    except SnapshotUnchanged as exc:  # a rerun after the publish finished: done already, not an error
        print(exc, file=sys.stderr)
        path = exc.path
    print(path)
    return 0


def verify_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.publish import verify_snapshot

    problems = verify_snapshot(args.path)
    for problem in problems:
        print(problem)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0
