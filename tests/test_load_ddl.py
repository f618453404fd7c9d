"""The warehouse DDL is generated from pipeline/schema.py and the checked-in sql/ddl files match it."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from pipeline import schema
from pipeline.errors import SchemaMismatch
from pipeline.load.ddl import WAREHOUSE_TABLES, create_table_sql, ddl_path, duckdb_type, expected_columns
from pipeline.load.migrations import ensure_schema, existing_columns


@pytest.mark.parametrize("table", WAREHOUSE_TABLES)
def test_ddl_file_matches_schema_module(table: str) -> None:
    assert ddl_path(table).read_text(encoding="utf-8") == create_table_sql(table), (
        "regenerate with `python -m pipeline.load.ddl`"
    )


def test_created_tables_match_arrow_schema() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    for table in WAREHOUSE_TABLES:
        assert existing_columns(con, table) == expected_columns(table)
        # Arrow -> DuckDB -> Arrow round trip keeps names and (up to timestamp unit) types
        back = con.sql(f"select * from {table}").to_arrow_table().schema
        assert back.names == schema.warehouse_column_names(table)


def test_primary_keys_declared_where_keys_are_not_null() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    rows = con.execute(
        "select table_name, constraint_column_names from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    pks = {t: tuple(cols) for t, cols in rows}
    for table in ("articles", "event_mentions", "events", "quarantine", "sources"):
        assert pks[table] == schema.WAREHOUSE_KEYS[table]
    assert "runs" not in pks  # source_id is nullable: the merge is null-safe instead


def test_type_mapping() -> None:
    assert duckdb_type(pa.timestamp("s", tz="UTC")) == "TIMESTAMP WITH TIME ZONE"
    assert duckdb_type(pa.list_(pa.string())) == "VARCHAR[]"
    assert duckdb_type(pa.date32()) == "DATE"
    with pytest.raises(SchemaMismatch):
        duckdb_type(pa.dictionary(pa.int8(), pa.string()))


def test_migration_adds_new_columns_and_refuses_retyped_ones() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    con.execute('alter table runs drop column "message"')
    applied = ensure_schema(con)
    assert applied == ['alter table runs add column "message" VARCHAR']
    assert "message" in existing_columns(con, "runs")
    con.execute('alter table runs alter column "errors" type varchar')
    with pytest.raises(SchemaMismatch, match="runs.errors"):
        ensure_schema(con)


def test_schema_version_recorded_once() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    ensure_schema(con)
    assert con.execute("select version from schema_migrations").fetchall() == [(schema.SCHEMA_VERSION,)]


def test_migration_moves_mentions_out_of_a_1_0_events_table() -> None:
    """A 1.0.x warehouse kept mentions in `events`; 1.1.0 moves them to `event_mentions` (issue 11)."""
    con = duckdb.connect()
    con.execute(
        'create table events ("event_id" varchar primary key, "article_id" varchar not null, "modality" varchar, '
        '"action_type" varchar, "evidence" varchar, "char_start" integer, "char_end" integer, '
        '"confidence" double, "extractor_version" varchar, "run_id" varchar, "run_date" date)')
    con.execute("insert into events values ('m1', 'a1', 'asserted', 'riot', 'نص', 0, 3, 0.5, 'x', 'r', "
                "date '2025-01-01')")
    con.execute("create view event_clusters as select event_id from events")
    ensure_schema(con)
    assert existing_columns(con, "event_mentions") == expected_columns("event_mentions")
    assert existing_columns(con, "events") == expected_columns("events")
    assert con.execute("select mention_id, article_id, event_id from event_mentions").fetchall() == [
        ("m1", "a1", None)]
    assert con.execute("select count(*) from events").fetchall() == [(0,)]
    assert not con.execute("select * from duckdb_views() where view_name = 'event_clusters'").fetchall()


def test_every_warehouse_column_has_a_description() -> None:
    for table, fields in schema.WAREHOUSE_FIELDS.items():
        for f in fields:
            assert len(f.description) > 10, f"{table}.{f.name} has no real description"
