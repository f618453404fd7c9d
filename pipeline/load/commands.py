"""`conflict-events load` and `conflict-events query "SQL"`."""

from __future__ import annotations

import argparse
import json

import pyarrow as pa

from pipeline.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    from pipeline.cli import iso_date

    load = subparsers.add_parser("load", help="create/migrate the DuckDB warehouse and load the lake into it")
    load.add_argument("--date", type=iso_date,
                      help="load only this run date's partitions (default: every partition)")
    load.add_argument("--sources", help="source registry YAML for the sources table "
                      "(default: settings paths.sources_file)")
    load.set_defaults(handler=load_command)

    query = subparsers.add_parser("query", help="run SQL on the warehouse (read-only) and print the result")
    query.add_argument("sql", help='e.g. "select * from events_daily order by event_date desc limit 20"')
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--max-width", type=int, default=40, help="truncate table cells to this many characters")
    query.set_defaults(handler=query_command)


def load_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.load import load_warehouse
    from pipeline.sources import load_registry, sources_table

    sources = sources_table(load_registry(args.sources or settings.paths.sources_file))
    counts = load_warehouse(settings, run_date=args.date, sources=sources)
    for table, n in counts.items():
        print(f"{table:<12} {n:>10}")
    return 0


def query_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.load import run_query

    result = run_query(settings, args.sql)
    print(format_result(result, fmt=args.format, max_width=args.max_width))
    return 0


def format_result(table: pa.Table, *, fmt: str = "table", max_width: int = 40) -> str:
    """A query result as an aligned text table, CSV or JSON lines."""
    rows = table.to_pylist()
    if fmt == "json":
        return "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(table.column_names)
        writer.writerows([[_cell(v, 10**9) for v in r.values()] for r in rows])
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(v, max_width) for v in r.values()] for r in rows]
    widths = [max([len(name), *(len(c[i]) for c in cells)]) for i, name in enumerate(table.column_names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(table.column_names, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: object, max_width: int) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= max_width else text[: max_width - 1] + "…"
