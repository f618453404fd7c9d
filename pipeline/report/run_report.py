"""The morning run report: one self-contained HTML file per run date, read from the warehouse.

It counts real-world events (``events``) touched by the run's mentions, with the same figures as the run
summary (``pipeline.load.events.run_date_counts``), and shows every list in full or says "top N of M".
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import logging
import os
import posixpath
import re
from html import escape
from pathlib import Path

import duckdb

from pipeline import paths
from pipeline.errors import ConfigError, WarehouseMissing
from pipeline.load import connect
from pipeline.load.events import run_date_counts
from pipeline.paths import resource_dir
from pipeline.report.charts import html_table, point_map, ranked_bars, shown_of, stacked_bars
from pipeline.report.data_docs import make_offline
from pipeline.settings import Settings

logger = logging.getLogger(__name__)
WINDOW_DAYS = 30
RANKED_LIMIT = 25
EVENT_ROWS_LIMIT = 300
def countries_file() -> Path:
    return resource_dir("data/gazetteer") / "countries.tsv"


def boundaries_file() -> Path:
    return resource_dir("data/boundaries") / "countries_110m.geojson"

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.axis,.legend,.label{font-size:11px;fill:#333}.empty{color:#888}
.failed{color:#b00}.headline{font-size:16px}.headline b{font-size:20px}
td.ar{font-family:"Noto Naskh Arabic","Amiri","Noto Sans Arabic",system-ui,sans-serif;max-width:520px}
.map .grid{stroke:#dde3ea;stroke-width:1}.map .border{fill:none;stroke:#8a96a3;stroke-width:0.8}
.map .place{font-size:12px;fill:#667;font-weight:600}
.caption{color:#555;font-size:12px}td.ar:nth-last-child(2){min-width:380px}"""

# The events the run's mentions belong to (the same set the run summary counts).
_TOUCHED = "event_id in (select event_id from event_mentions where run_date = $run_date and event_id is not null)"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[tuple]:
    used = {k: v for k, v in params.items() if f"${k}" in sql}  # DuckDB refuses unused named parameters
    return con.execute(sql, used).fetchall()


def gather(con: duckdb.DuckDBPyConnection, *, run_id: str, run_date: dt.date) -> dict:
    """Everything the report shows, as plain rows: the stages of ``run_id`` and the events it coded.

    Event charts cover the real-world events that ``run_date``'s mentions belong to, by their event_date:
    a backfill or an archive replay reports the days it actually covered.
    """
    p = {"run_id": run_id, "run_date": run_date}
    ev = f"from events where {_TOUCHED}"
    return {
        "totals": run_date_counts(con, run_date),
        "stages": _rows(con, "select stage, coalesce(source_id, ''), status, records_in, records_out, quarantined, "
                        "errors, started_at, finished_at, errors_by_kind, message from runs where run_id = $run_id "
                        "order by started_at nulls last, stage, source_id", p),
        "daily": _rows(con, f"select event_date, coalesce(event_type, '?'), count(*), coalesce(sum(fatalities), 0) "
                       f"{ev} and event_date is not null group by all order by all", p),
        "countries": _rows(con, "select coalesce(country_code, '?'), count(*) as n, coalesce(sum(fatalities), 0) "
                           f"{ev} group by 1 order by n desc, 1", p),
        "places": _rows(con, "select concat_ws(' / ', coalesce(country_code, '?'), coalesce(admin1, '?')), "
                        f"count(*) as n {ev} group by 1 order by n desc, 1", p),
        "actors": _rows(con, f"select actor1_norm, count(*) as n {ev} and actor1_norm is not null "
                        "group by 1 order by n desc, 1", p),
        "events": _rows(con, "select event_date, event_type, location_text, concat_ws(' / ', country_code, admin1), "
                        "actor1_norm, actor2_norm, fatalities, num_mentions, num_sources, evidence, event_id "
                        f"{ev} order by fatalities desc nulls last, num_mentions desc, event_date, event_id", p),
        "points": _rows(con, "select latitude, longitude, coalesce(event_type, '?'), coalesce(fatalities, 0), "
                        "concat_ws(' · ', cast(event_date as varchar), event_type, location_text, "
                        f"'deaths ' || coalesce(cast(fatalities as varchar), '?')) {ev} "
                        "and latitude is not null and longitude is not null", p),
        "quarantine": _rows(con, "select stage, table_name, reason, count(*) as n from quarantine where "
                            "run_date = $run_date group by all order by n desc, reason", p),
        "crawl": _rows(con, "select source_id, status, fetched, new_articles, duplicates, errors, errors_by_kind "
                       "from runs where run_id = $run_id and stage = 'crawl' order by errors desc, source_id", p),
    }


def readable(text: str | None) -> str:
    """A stage message or JSON/dict text with ``{'kind': n}`` turned into ``kind n, kind n``."""
    if not text:
        return ""

    def one(match: re.Match) -> str:
        try:
            value = ast.literal_eval(match.group(0))
        except (ValueError, SyntaxError):
            try:
                value = json.loads(match.group(0))
            except ValueError:
                return match.group(0)
        if not isinstance(value, dict):
            return match.group(0)
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"

    return re.sub(r"\{[^{}]*\}", one, text)


def _duration(started: dt.datetime | None, finished: dt.datetime | None) -> str:
    if not started or not finished:
        return ""
    seconds = int((finished - started).total_seconds())
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def stage_rows(stages: list[tuple]) -> list[tuple]:
    """Stages as readable cells: duration instead of two timestamps, details without JSON braces."""
    out = []
    for stage, source, status, n_in, n_out, quarantined, errors, started, finished, by_kind, message in stages:
        details = "; ".join(t for t in (readable(by_kind), readable(message)) if t and t != "none")
        out.append((stage, source, status, n_in, n_out, quarantined, errors, _duration(started, finished), details))
    return out


def merge_lake_stages(stages: list[tuple], lake_rows: list[dict]) -> list[tuple]:
    """Add the run's stage rows the warehouse cannot hold yet (``load`` is recorded after it loads)."""
    have = {(r[0], r[1]) for r in stages}
    extra = [(r["stage"], r.get("source_id") or "", r["status"], r.get("records_in"), r.get("records_out"),
              r.get("quarantined"), r.get("errors"), r.get("started_at"), r.get("finished_at"),
              r.get("errors_by_kind"), r.get("message"))
             for r in lake_rows if (r["stage"], r.get("source_id") or "") not in have]
    return sorted([*stages, *extra], key=lambda r: (r[7] is None, r[7] or dt.datetime.min.replace(tzinfo=dt.UTC)))


def _daily_series(rows: list[tuple], *, value: int = 2) -> tuple[list[str], dict[str, list[int]]]:
    """Days (the last WINDOW_DAYS up to the latest event date) and one series per event type of column
    ``value`` (2: events, 3: deaths)."""
    if not rows:
        return [], {}
    last = max(r[0] for r in rows)
    first = max(min(r[0] for r in rows), last - dt.timedelta(days=WINDOW_DAYS - 1))
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    series: dict[str, list[int]] = {}
    for row in rows:
        day, event_type = row[0].isoformat(), row[1]
        if day in index:
            series.setdefault(event_type, [0] * len(days))[index[day]] += int(row[value])
    return days, series


def country_labels() -> list[tuple[float, float, str]]:
    """Country names at their GeoNames centroids (data/gazetteer, CC BY 4.0) for the map."""
    labels = []
    for line in countries_file().read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 7 and cols[5] and cols[6]:
            labels.append((float(cols[5]), float(cols[6]), cols[1]))
    return labels


def country_outlines() -> list[list[tuple[float, float]]]:
    """Country borders (Natural Earth 1:110m, public domain; data/boundaries/NOTICE) as (lon, lat) lines."""
    try:
        collection = json.loads(boundaries_file().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("no country outlines for the map (%s)", exc)
        return []
    return [[(lon, lat) for lon, lat in line] for feature in collection["features"]
            for line in feature["geometry"]["coordinates"]]


def _ranked(title: str, rows: list[tuple]) -> str:
    shown, caption = shown_of([(str(r[0]), int(r[1])) for r in rows], RANKED_LIMIT)
    return f"<h2>{escape(title)} ({caption})</h2>" + ranked_bars(shown)


def _headline(totals: dict) -> str:
    return (f'<p class="headline"><b>{totals["events"]}</b> real-world events, <b>{totals["fatalities"]}</b> deaths '
            f'(each toll counted once), from {totals["mentions"]} event mentions, of which '
            f'{totals["not_factual"]} not asserted as fact (kept in <code>event_mentions</code> only).</p>')


def _event_sections(data: dict) -> list[str]:
    days, series = _daily_series(data["daily"])
    fdays, fseries = _daily_series(data["daily"], value=3)
    events, caption = shown_of(data["events"], EVENT_ROWS_LIMIT)
    return [
        "<h2>Headline</h2>" + _headline(data["totals"]),
        f"<h2>Events per event date and type (up to {WINDOW_DAYS} days)</h2>" + stacked_bars(days, series),
        f"<h2>Deaths per event date and type (up to {WINDOW_DAYS} days)</h2>"
        + stacked_bars(fdays, fseries, label="deaths per day by event type"),
        "<h2>Events and deaths by country</h2>" + html_table(["country", "events", "deaths"], data["countries"]),
        "<h2>Map of events</h2>" + point_map(data["points"], country_labels(), outlines=country_outlines())
        + '<p class="caption">No map tiles, works offline; dot size grows with deaths. Borders: Made with Natural '
          "Earth (public domain); country names at GeoNames centroids (CC BY 4.0). Events without coordinates are "
          "not drawn.</p>",
        _ranked("Events by country / admin1", data["places"]),
        _ranked("Actors (actor1) by events", data["actors"]),
        f"<h2>The events ({caption}, most deaths first)</h2>"
        + html_table(["event date", "type", "place", "country / admin1", "actor 1", "actor 2", "deaths", "mentions",
                      "sources", "evidence", "event_id"], events, rtl_columns=frozenset({2, 9}))
        + ("" if len(events) == len(data["events"]) else
           '<p class="caption">The full list: <code>conflict-events query "select * from events"</code>.</p>'),
    ]


def render(data: dict | None, *, run_id: str, run_date: dt.date, data_docs: dict[str, str] | None) -> str:
    """The report HTML (``data`` None: the warehouse does not exist yet)."""
    sections = [f"<h1>Run report {escape(run_date.isoformat())}</h1><p>run <code>{escape(run_id)}</code></p>"]
    if data_docs:
        links = " · ".join(f'<a href="{escape(href)}">{escape(table)}</a>' for table, href in data_docs.items())
        sections.append(f"<p>Great Expectations data docs: {links}</p>")
    if data is None:
        sections.append('<p class="failed">No warehouse yet: run <code>conflict-events load</code>.</p>')
    else:
        stages = stage_rows(data["stages"]) + [("report", "", "ok", None, None, None, 0, "", "this page")]
        failed = sum(1 for r in stages if r[2] == "failed")
        sections += _event_sections(data)
        sections += [
            "<h2>Stages</h2>" + (f'<p class="failed">{failed} failed stage(s)</p>' if failed else "")
            + html_table(["stage", "source", "status", "in", "out", "quarantined", "errors", "took", "details"],
                         stages),
            "<h2>Quarantine reasons</h2>" + html_table(["stage", "table", "reason", "rows"], data["quarantine"]),
            "<h2>Crawl errors per source</h2>" + html_table(
                ["source", "status", "fetched", "new", "duplicates", "errors", "errors by kind"],
                [(*r[:6], readable(r[6])) for r in data["crawl"]]),
        ]
    body = "\n".join(f"<section>{s}</section>" for s in sections)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>conflict-events run '
            f"{escape(run_date.isoformat())}</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _lake_runs(settings: Settings, run_id: str, run_date: dt.date) -> list[dict]:
    """The run's rows in the lake's runs partition (stages recorded after the warehouse load)."""
    from pipeline.store import iter_partition_batches

    try:
        rows = [r for batch in iter_partition_batches(settings, table_name="runs", run_date=run_date)
                for r in batch.to_pylist()]
    except (OSError, ValueError) as exc:
        logger.warning("runs partition of %s unreadable (%s): stages from the warehouse only", run_date, exc)
        return []
    return [r for r in rows if r["run_id"] == run_id]


def data_docs_links(settings: Settings, run_id: str, run_date: dt.date) -> dict[str, str]:
    """Table -> link from the report to the run's data docs site, for the sites that were published (on the
    object store when the outputs are remote: the report is written by another task, maybe on another host).
    Both are published under the same root, so the link is relative and works on disk and in a bucket."""
    from pipeline.publish.object_store import exists

    report_folder = paths.join(paths.reports_dir(settings), run_date.isoformat())
    docs_root = paths.data_docs_dir(settings)
    remote = paths.is_remote(docs_root)
    links = {}
    for table in ("articles", "events"):
        index = paths.join(docs_root, run_id, table, "index.html")
        if exists(index) if remote else Path(index).exists():
            links[table] = posixpath.relpath(index.split("://", 1)[-1], report_folder.split("://", 1)[-1])
            if not remote:  # sites built before validation made them offline itself
                make_offline(Path(docs_root) / run_id / table, Path(docs_root))
    return links


def write_run_report(settings: Settings, *, run_id: str, run_date: dt.date) -> str:
    """Write ``<reports>/<run_date>/index.html`` and return its path (a URL when the outputs are on an object
    store: built in the local build folder, then uploaded)."""
    from pipeline.publish.object_store import upload_file

    published = paths.join(paths.reports_dir(settings), run_date.isoformat())
    folder = Path(paths.local_build_dir(settings, published))
    if paths.is_remote(str(folder)):
        raise ConfigError(f"reports are built in a local folder, got {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    link = data_docs_links(settings, run_id, run_date)
    try:
        con = connect(settings, read_only=True)
    except WarehouseMissing:
        data = None
    else:
        try:
            data = gather(con, run_id=run_id, run_date=run_date)
        finally:
            con.close()
        data["stages"] = merge_lake_stages(data["stages"], _lake_runs(settings, run_id, run_date))
    out = folder / "index.html"
    tmp = folder / ".index.html.tmp"
    tmp.write_text(render(data, run_id=run_id, run_date=run_date, data_docs=link), encoding="utf-8")
    os.replace(tmp, out)
    if paths.is_remote(published):
        upload_file(out, paths.join(published, "index.html"))  # one object: readers see the old or the new
        out = paths.join(published, "index.html")
    logger.info("run report: %s", out)
    return str(out)
