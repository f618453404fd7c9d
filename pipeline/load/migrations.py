"""Create or migrate the warehouse schema to ``schema.SCHEMA_VERSION``.

Fresh file: run ``sql/ddl/*.sql``. Existing file: columns the schema module added since are added with
``alter table ... add column`` (additive migration); a dropped or retyped column is a SchemaMismatch,
because rewriting published history needs a human decision. Each applied version is a row in
``schema_migrations``.

One structural migration: a 1.0.x warehouse kept the extractor's mentions in ``events``. From 1.1.0 they
live in ``event_mentions`` (``event_id`` renamed ``mention_id``) and ``events`` holds real-world events,
rebuilt by the load from the mentions (:func:`split_mentions_from_events`).
"""

from __future__ import annotations

import logging

import duckdb

from pipeline import schema
from pipeline.errors import SchemaMismatch
from pipeline.load.ddl import WAREHOUSE_TABLES, expected_columns, quote_ident, read_sql

logger = logging.getLogger(__name__)


def existing_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> data type of a main-schema table ({} when it does not exist)."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'main' and table_name = $table and not internal order by column_index",
        {"table": table},
    ).fetchall()
    return dict(rows)


def applied_versions(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select version from schema_migrations order by applied_at").fetchall()]


def plan_table(table: str, have: dict[str, str]) -> list[str]:
    """Statements that bring ``table`` from columns ``have`` to the schema module (raises on conflicts)."""
    if not have:
        return [read_sql(f"ddl/{table}.sql")]
    want = expected_columns(table)
    problems = [f"{table}.{c}: warehouse has {have[c]}, schema says {t}"
                for c, t in want.items() if c in have and have[c] != t]
    problems += [f"{table}.{c}: in the warehouse but not in the schema" for c in have if c not in want]
    if problems:
        raise SchemaMismatch("warehouse cannot be migrated automatically: " + "; ".join(problems))
    return [f"alter table {table} add column {quote_ident(c)} {t}" for c, t in want.items() if c not in have]


# Views of every schema version (dropped before a structural migration; the load recreates the current ones).
ALL_VIEWS: tuple[str, ...] = ("events_with_articles", "actor_dyads", "fatalities_monthly", "events_daily",
                              "event_clusters", "event_cluster_members")


def split_mentions_from_events(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Move a 1.0.x ``events`` table (mention grain) to ``event_mentions``; [] when there is nothing to move."""
    events = existing_columns(con, "events")
    if "modality" not in events or existing_columns(con, "event_mentions"):
        return []
    statements = [f"drop view if exists {view}" for view in ALL_VIEWS]
    statements.append(read_sql("ddl/event_mentions.sql"))
    shared = [c for c in expected_columns("event_mentions") if c in events and c != "event_id"]
    columns = ", ".join(quote_ident(c) for c in shared)
    statements.append(f'insert into event_mentions ("mention_id", {columns}) select "event_id", {columns} from events')
    statements.append("drop table events")
    for statement in statements:
        con.execute(statement)
    logger.info("moved %s mention rows from events to event_mentions",
                con.execute("select count(*) from event_mentions").fetchall()[0][0])
    return statements


def ensure_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or migrate every warehouse table; returns the statements applied (call inside a transaction)."""
    con.execute(read_sql("ddl/schema_migrations.sql"))
    applied: list[str] = split_mentions_from_events(con)
    for table in WAREHOUSE_TABLES:
        for statement in plan_table(table, existing_columns(con, table)):
            con.execute(statement)
            applied.append(statement)
    versions = applied_versions(con)
    if schema.SCHEMA_VERSION not in versions:
        description = "create" if not versions else f"migrate from {versions[-1]}: {len(applied)} statement(s)"
        con.execute(
            "insert into schema_migrations (version, description) values ($v, $d)",
            {"v": schema.SCHEMA_VERSION, "d": description},
        )
        logger.info("warehouse schema %s (%s)", schema.SCHEMA_VERSION, description)
    return applied
