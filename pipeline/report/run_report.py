"""The morning run report: one self-contained HTML file per run date, read from the warehouse."""

from __future__ import annotations

import datetime as dt
import logging
import os
from html import escape
from pathlib import Path

import duckdb

from pipeline import paths
from pipeline.errors import ConfigError, WarehouseMissing
from pipeline.load import connect
from pipeline.report.charts import html_table, ranked_bars, stacked_bars
from pipeline.settings import Settings

logger = logging.getLogger(__name__)
WINDOW_DAYS = 30

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:980px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f4f4}.axis,.legend,.label{font-size:11px;fill:#333}.empty{color:#888}
.failed{color:#b00}"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[tuple]:
    used = {k: v for k, v in params.items() if f"${k}" in sql}  # DuckDB refuses unused named parameters
    return con.execute(sql, used).fetchall()


def gather(con: duckdb.DuckDBPyConnection, *, run_id: str, run_date: dt.date) -> dict:
    """Everything the report shows, as plain rows: the stages of ``run_id`` and the events it coded.

    Event charts cover the asserted events stored for ``run_date`` (this run's partition), by their
    event_date: a backfill or an archive replay reports the days it actually covered.
    """
    p = {"run_id": run_id, "run_date": run_date}
    coded = "from event_mentions where run_date = $run_date and modality = 'asserted'"
    return {
        "stages": _rows(con, "select stage, coalesce(source_id, ''), status, records_in, records_out, quarantined, "
                        "errors, message from runs where run_id = $run_id order by started_at nulls last, stage, "
                        "source_id", p),
        "daily": _rows(con, f"select event_date, coalesce(event_type, '?'), count(*) {coded} "
                       "and event_date is not null group by all order by all", p),
        "places": _rows(con, "select concat_ws(' / ', coalesce(country_code, '?'), coalesce(admin1, '?')), "
                        f"count(*) as n {coded} group by 1 order by n desc, 1 limit 15", p),
        "actors": _rows(con, f"select actor1_norm, count(*) as n {coded} and actor1_norm is not null "
                        "group by 1 order by n desc, 1 limit 10", p),
        "quarantine": _rows(con, "select stage, table_name, reason, count(*) as n from quarantine where "
                            "run_date = $run_date group by all order by n desc, reason", p),
        "crawl": _rows(con, "select source_id, status, fetched, new_articles, duplicates, errors, errors_by_kind "
                       "from runs where run_id = $run_id and stage = 'crawl' order by errors desc, source_id", p),
    }


def _daily_series(rows: list[tuple]) -> tuple[list[str], dict[str, list[int]]]:
    """Days (the last WINDOW_DAYS up to the latest event date) and one count series per event type."""
    if not rows:
        return [], {}
    last = max(day for day, _, _ in rows)
    first = max(min(day for day, _, _ in rows), last - dt.timedelta(days=WINDOW_DAYS - 1))
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    series: dict[str, list[int]] = {}
    for day, event_type, n in rows:
        if day.isoformat() in index:
            series.setdefault(event_type, [0] * len(days))[index[day.isoformat()]] += int(n)
    return days, series


def render(data: dict | None, *, run_id: str, run_date: dt.date, data_docs: dict[str, str] | None) -> str:
    """The report HTML (``data`` None: the warehouse does not exist yet)."""
    sections = [f"<h1>Run report {escape(run_date.isoformat())}</h1><p>run <code>{escape(run_id)}</code></p>"]
    if data_docs:
        links = " · ".join(f'<a href="{escape(href)}">{escape(table)}</a>' for table, href in data_docs.items())
        sections.append(f"<p>Great Expectations data docs: {links}</p>")
    if data is None:
        sections.append('<p class="failed">No warehouse yet: run <code>conflict-events load</code>.</p>')
    else:
        days, series = _daily_series(data["daily"])
        failed = sum(1 for r in data["stages"] if r[2] == "failed")
        sections += [
            "<h2>Stages</h2>" + (f'<p class="failed">{failed} failed stage(s)</p>' if failed else "")
            + html_table(["stage", "source", "status", "in", "out", "quarantined", "errors", "message"],
                         data["stages"]),
            f"<h2>Events coded in this run, per event date and type (up to {WINDOW_DAYS} days)</h2>"
            + stacked_bars(days, series),
            "<h2>Events by country / admin1</h2>" + ranked_bars([(r[0], int(r[1])) for r in data["places"]]),
            "<h2>Top actors (actor1)</h2>" + ranked_bars([(r[0], int(r[1])) for r in data["actors"]]),
            "<h2>Quarantine reasons</h2>" + html_table(["stage", "table", "reason", "rows"], data["quarantine"]),
            "<h2>Crawl errors per source</h2>" + html_table(
                ["source", "status", "fetched", "new", "duplicates", "errors", "errors by kind"], data["crawl"]),
        ]
    body = "\n".join(f"<section>{s}</section>" for s in sections)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>conflict-events run '
            f"{escape(run_date.isoformat())}</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def write_run_report(settings: Settings, *, run_id: str, run_date: dt.date) -> str:
    """Write ``<data_root>/reports/<run_date>/index.html`` and return its path."""
    root = paths.reports_dir(settings)
    if "://" in root:
        raise ConfigError(f"reports are written to a local folder, got {root}")
    folder = Path(root) / run_date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    run_docs = Path(paths.data_docs_dir(settings)) / run_id
    link = {
        table: os.path.relpath(run_docs / table / "index.html", folder)
        for table in ("articles", "events")
        if (run_docs / table / "index.html").exists()
    }
    try:
        con = connect(settings, read_only=True)
    except WarehouseMissing:
        data = None
    else:
        try:
            data = gather(con, run_id=run_id, run_date=run_date)
        finally:
            con.close()
    out = folder / "index.html"
    tmp = folder / ".index.html.tmp"
    tmp.write_text(render(data, run_id=run_id, run_date=run_date, data_docs=link), encoding="utf-8")
    os.replace(tmp, out)
    logger.info("run report: %s", out)
    return str(out)
