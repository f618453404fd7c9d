"""Mentions and real-world events in the warehouse.

The lake's ``events`` table holds the extractor's mention records (``schema.EVENT_FIELDS``). The load
stages them as ``event_mentions`` (the lake's ``event_id`` becomes ``mention_id``), then, over every day
in the warehouse, assigns each asserted mention to a real-world event (``sql/marts/assign_events.sql``)
and rebuilds ``events`` from the mentions (``sql/marts/events.sql``). Clustering runs here rather than
in extract because an event reported on two days, or by two outlets on different nights, is only visible
to a stage that sees every day.
"""

from __future__ import annotations

import logging

import duckdb

from pipeline import schema
from pipeline.load.ddl import duckdb_type, quote_ident, read_sql
from pipeline.load.expectations import check_warehouse_expectations

logger = logging.getLogger(__name__)

# lake table -> warehouse table it is merged into (same name unless listed)
WAREHOUSE_TABLE_OF: dict[str, str] = {"events": "event_mentions"}
# warehouse table -> {warehouse column: lake column, or None when the load computes it}
_LAKE_COLUMN_OF: dict[str, dict[str, str | None]] = {
    "event_mentions": {"mention_id": "event_id", "event_id": None, "is_repeated_toll": None},
}


def warehouse_table(lake_table: str) -> str:
    """The warehouse table a lake table is loaded into."""
    return WAREHOUSE_TABLE_OF.get(lake_table, lake_table)


def staging_select_list(table: str) -> str:
    """``cast(<lake column> as <type>) as <warehouse column>`` for every column of warehouse ``table``."""
    renames = _LAKE_COLUMN_OF.get(table, {})
    items = []
    for f in schema.WAREHOUSE_FIELDS[table]:
        source = renames.get(f.name, f.name)
        expression = "null" if source is None else quote_ident(source)
        items.append(f"cast({expression} as {duckdb_type(f.type)}) as {quote_ident(f.name)}")
    return ",\n    ".join(items)


def rebuild_events(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Assign every mention to its event and rebuild ``events``; returns counts (call inside the load's
    transaction, after the lake is merged)."""
    con.execute(read_sql("marts/assign_events.sql"))
    # A fresh table (inside the load's transaction): emptying 400k rows out of the key index costs seconds.
    con.execute("drop table events")
    con.execute(read_sql("ddl/events.sql"))
    con.execute(f"insert into events by name ({read_sql('marts/events.sql')})")
    counts = check_events(con)
    logger.info("events: %d real-world events from %d asserted mentions (%d not asserted)",
                counts["events"], counts["asserted_mentions"], counts["other_mentions"])
    return counts


def check_events(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Counts of events and mentions; ValidationFailed when ``expectations/warehouse_*.json`` fail."""
    check_warehouse_expectations(con)
    events, asserted, other = con.execute(
        "select (select count(*) from events), count(*) filter (where modality = 'asserted'), "
        "count(*) filter (where modality <> 'asserted') from event_mentions").fetchall()[0]
    return {"events": events, "asserted_mentions": asserted, "other_mentions": other}


def run_date_counts(con: duckdb.DuckDBPyConnection, run_date) -> dict:
    """What the mentions stored for ``run_date`` add up to: real-world events (by action type), their
    conservative deaths, mentions, and mentions not asserted as fact."""
    day = {"d": run_date}
    touched = "select event_id from event_mentions where run_date = $d and event_id is not null"
    events, fatalities = con.execute(
        f"select count(*), coalesce(sum(fatalities), 0) from events where event_id in ({touched})", day
    ).fetchall()[0]
    by_type = dict(con.execute(
        f"select action_type, count(*) as n from events where event_id in ({touched}) "
        "group by 1 order by n desc, 1", day).fetchall())
    mentions, not_factual = con.execute(
        "select count(*), count(*) filter (where modality <> 'asserted') from event_mentions "
        "where run_date = $d", day).fetchall()[0]
    return {"events": events, "fatalities": int(fatalities), "events_by_type": by_type,
            "mentions": mentions, "not_factual": not_factual}
