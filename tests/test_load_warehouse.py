"""load_warehouse: idempotent loads from the lake, and the analysis views on a small known dataset."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from load_fixtures import D1, D2, build_known_lake, event, sources_arrow, write_lake

from pipeline.errors import SchemaMismatch, WarehouseMissing
from pipeline.load import connect, load_warehouse, run_query
from pipeline.settings import Settings


@pytest.fixture
def loaded(settings: Settings) -> Settings:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    return settings


def q(settings: Settings, sql: str) -> list[tuple]:
    con = connect(settings)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_load_counts_and_reload_is_idempotent(settings: Settings) -> None:
    build_known_lake(settings)
    first = load_warehouse(settings, sources=sources_arrow())
    assert first == {"articles": 5, "events": 7, "sources": 2, "runs": 8, "quarantine": 2}
    assert load_warehouse(settings) == first
    assert load_warehouse(settings, run_date=D1) == first
    assert load_warehouse(settings, sources=sources_arrow()) == first


def test_rerun_of_a_day_replaces_that_days_rows(loaded: Settings) -> None:
    # the extractor was fixed: day D1 now has a single event, with a new fatality count
    write_lake(loaded, "events", [event("e1", "a1", "alpha", dt.date(2025, 1, 10), D1, fatalities=6)], D1)
    counts = load_warehouse(loaded, run_date=D1)
    assert counts["events"] == 4  # 1 from D1 + 3 from D2
    assert q(loaded, "select fatalities from events where event_id = 'e1'") == [(6,)]


def test_duplicate_key_across_partitions_keeps_latest_run(loaded: Settings) -> None:
    later = dt.date(2025, 1, 20)
    write_lake(loaded, "events", [event("e1", "a1", "alpha", dt.date(2025, 1, 10), later, fatalities=9)], later)
    counts = load_warehouse(loaded)
    assert counts["events"] == 7  # e1 now lives in the later run: still 7 distinct ids
    assert q(loaded, "select fatalities, run_date from events where event_id = 'e1'") == [
        (9, dt.date(2025, 1, 20))]


def test_runs_key_with_null_source_is_upserted(loaded: Settings) -> None:
    load_warehouse(loaded, run_date=D2)
    assert q(loaded, "select count(*) from runs where stage = 'extract'") == [(2,)]


def test_failed_load_rolls_back(loaded: Settings) -> None:
    path = write_lake(loaded, "events", [event("e9", "a1", "alpha", D2, D2)], dt.date(2025, 2, 1))
    pq.write_table(pa.table({"event_id": ["x"]}), path)  # a file missing required columns
    with pytest.raises(SchemaMismatch, match="article_id"):
        load_warehouse(loaded)
    assert q(loaded, "select count(*) from events") == [(7,)]


def test_connect_read_only_requires_file(settings: Settings) -> None:
    with pytest.raises(WarehouseMissing):
        connect(settings)


def test_read_only_connection_refuses_writes(loaded: Settings) -> None:
    con = connect(loaded)
    with pytest.raises(duckdb.Error):
        con.execute("delete from events")
    con.close()


def test_event_clusters_merge_two_outlets_and_split_other_places(loaded: Settings) -> None:
    rows = q(loaded, "select event_ids, num_articles, num_sources, fatalities, fatalities_max, "
                     "first_event_date, last_event_date, representative_event_id from event_clusters "
                     "order by event_ids")
    assert rows == [
        (["e1", "e2"], 2, 2, 5, 7, dt.date(2025, 1, 10), dt.date(2025, 1, 11), "e1"),
        (["e3"], 1, 1, 2, 2, dt.date(2025, 1, 10), dt.date(2025, 1, 10), "e3"),  # other place
        (["e5"], 1, 1, None, None, dt.date(2025, 1, 12), dt.date(2025, 1, 12), "e5"),
        (["e6"], 1, 1, 1, 1, dt.date(2025, 1, 12), dt.date(2025, 1, 12), "e6"),  # other actor
        (["e7"], 1, 1, 3, 3, dt.date(2025, 1, 14), dt.date(2025, 1, 14), "e7"),  # three days later
    ]


def test_daily_strikes_do_not_chain_into_one_cluster(settings: Settings) -> None:
    days = [dt.date(2025, 3, d) for d in range(1, 6)]
    write_lake(settings, "events", [
        event(f"s{i}", f"a{i}", "alpha", d, D1, actor1_norm="X") for i, d in enumerate(days)], D1)
    load_warehouse(settings)
    sizes = q(settings, "select num_mentions from event_clusters order by first_event_date")
    assert sizes == [(2,), (2,), (1,)]


def test_non_asserted_events_are_not_counted(loaded: Settings) -> None:
    assert q(loaded, "select count(*) from event_cluster_members where event_id = 'e4'") == [(0,)]
    assert q(loaded, "select count(*) from events_with_articles") == [(6,)]


def test_events_daily(loaded: Settings) -> None:
    rows = q(loaded, "select event_date, admin1, event_type, num_events, num_mentions, fatalities "
                     "from events_daily order by all")
    assert rows == [
        (dt.date(2025, 1, 10), "Idlib", "Explosions/Remote violence", 2, 3, 7),
        (dt.date(2025, 1, 12), "Aleppo", "Battles", 2, 2, 1),
        (dt.date(2025, 1, 14), "Idlib", "Explosions/Remote violence", 1, 1, 3),
    ]


def test_fatalities_monthly_and_actor_dyads(loaded: Settings) -> None:
    assert q(loaded, "select event_type, num_events, num_events_with_count, fatalities "
                     "from fatalities_monthly order by all") == [
        ("Battles", 2, 1, 1), ("Explosions/Remote violence", 3, 3, 10)]
    assert q(loaded, "select actor1_norm, actor2_norm, num_events, num_mentions from actor_dyads "
                     "order by all") == [
        ("Russian Air Force", None, 2, 2), ("SDF", "SNA", 1, 1), ("Turkish Army", None, 1, 1)]


def test_events_with_articles_joins_article_and_source(loaded: Settings) -> None:
    assert q(loaded, "select article_title, source_name, source_country_code from events_with_articles "
                     "where event_id = 'e2'") == [("title a2", "Beta Daily", "LB")]


def test_run_query_returns_arrow(loaded: Settings) -> None:
    table = run_query(loaded, "select count(*) as n from events")
    assert table.column("n").to_pylist() == [7]
