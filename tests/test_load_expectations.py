"""The warehouse suites (expectations/warehouse_*.json) cover the schema and fail a load that breaks them."""

from __future__ import annotations

import duckdb
import pytest
from load_fixtures import build_known_lake, sources_arrow

from pipeline import schema
from pipeline.errors import ValidationFailed
from pipeline.load import connect, load_warehouse
from pipeline.load.expectations import (
    CHECKED_TABLES,
    check_warehouse_expectations,
    failed_expectations,
    load_warehouse_suite,
)
from pipeline.load.migrations import ensure_schema
from pipeline.settings import Settings


def by_type(suite: dict, kind: str) -> dict[str, dict]:
    return {e["kwargs"]["column"]: e["kwargs"] for e in suite["expectations"] if e["type"] == kind}


@pytest.mark.parametrize("table", CHECKED_TABLES)
def test_suite_matches_the_schema(table: str) -> None:
    suite = load_warehouse_suite(table)
    fields = schema.WAREHOUSE_FIELDS[table]
    assert suite["meta"]["schema_version"] == schema.SCHEMA_VERSION and suite["meta"]["table"] == table
    assert set(by_type(suite, "expect_column_values_to_not_be_null")) == {f.name for f in fields if not f.nullable}
    assert set(by_type(suite, "expect_column_values_to_be_unique")) == set(schema.WAREHOUSE_KEYS[table])
    assert {c: k["value_set"] for c, k in by_type(suite, "expect_column_values_to_be_in_set").items()} == {
        f.name: list(f.allowed) for f in fields if f.allowed}
    con = duckdb.connect()
    ensure_schema(con)
    assert failed_expectations(con, table) == {}  # every query runs on an empty warehouse


def test_a_broken_events_table_is_caught(settings: Settings) -> None:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    con = connect(settings, read_only=False)
    try:
        check_warehouse_expectations(con)  # sound after a load
        con.execute("update events set fatalities_low = 9, num_mentions = 0 where representative_mention_id = 'e1'")
        con.execute("update event_mentions set event_id = 'gone' where mention_id = 'e3'")
        failures = failed_expectations(con, "events") | failed_expectations(con, "event_mentions")
        assert {"fatalities_range_inverted", "empty_num_mentions", "fewer_mentions_than_articles",
                "num_mentions_disagrees_with_event_mentions", "mention_of_a_missing_event"} <= set(failures)
        with pytest.raises(ValidationFailed, match="fatalities_range_inverted"):
            check_warehouse_expectations(con)
    finally:
        con.close()


def test_a_failed_event_build_rolls_back_the_whole_load(settings: Settings, monkeypatch) -> None:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())

    def fail(con) -> None:
        raise ValidationFailed("warehouse expectations failed: injected")

    monkeypatch.setattr("pipeline.load.events.check_warehouse_expectations", fail)
    with pytest.raises(ValidationFailed, match="injected"):
        load_warehouse(settings)
    con = connect(settings)
    try:
        assert con.execute("select count(*) from events").fetchone() == (5,)  # truncate rolled back
    finally:
        con.close()
