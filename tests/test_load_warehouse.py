"""load_warehouse: idempotent loads from the lake, and the analysis views on a small known dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from load_fixtures import D1, D2, build_known_lake, event, sources_arrow, write_lake

from pipeline import schema
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


COUNTS = {"articles": 5, "event_mentions": 7, "events": 5, "sources": 2, "runs": 8, "quarantine": 2}


def test_load_counts_and_reload_is_idempotent(settings: Settings) -> None:
    build_known_lake(settings)
    first = load_warehouse(settings, sources=sources_arrow())
    assert first == COUNTS
    assert load_warehouse(settings) == first
    assert load_warehouse(settings, run_date=D1) == first
    assert load_warehouse(settings, sources=sources_arrow()) == first


def test_event_ids_are_stable_across_reloads(loaded: Settings) -> None:
    before = q(loaded, "select mention_id, event_id from event_mentions order by all")
    load_warehouse(loaded, run_date=D2)
    assert q(loaded, "select mention_id, event_id from event_mentions order by all") == before


def test_rerun_of_a_day_replaces_that_days_rows(loaded: Settings) -> None:
    # the extractor was fixed: day D1 now has a single event, with a new fatality count
    write_lake(loaded, "events", [event("e1", "a1", "alpha", dt.date(2025, 1, 10), D1, fatalities=6)], D1)
    counts = load_warehouse(loaded, run_date=D1)
    assert counts["event_mentions"] == 4  # 1 from D1 + 3 from D2
    assert q(loaded, "select fatalities from event_mentions where mention_id = 'e1'") == [(6,)]
    assert q(loaded, "select e.fatalities from events e join event_mentions m using (event_id) "
                     "where mention_id = 'e1'") == [(6,)]


def test_duplicate_key_across_partitions_keeps_latest_run(loaded: Settings) -> None:
    later = dt.date(2025, 1, 20)
    write_lake(loaded, "events", [event("e1", "a1", "alpha", dt.date(2025, 1, 10), later, fatalities=9)], later)
    counts = load_warehouse(loaded)
    assert counts["event_mentions"] == 7  # e1 now lives in the later run: still 7 distinct ids
    assert q(loaded, "select fatalities, run_date from event_mentions where mention_id = 'e1'") == [
        (9, dt.date(2025, 1, 20))]


def test_runs_key_with_null_source_is_upserted(loaded: Settings) -> None:
    load_warehouse(loaded, run_date=D2)
    assert q(loaded, "select count(*) from runs where stage = 'extract'") == [(2,)]


def test_failed_load_rolls_back(loaded: Settings) -> None:
    path = write_lake(loaded, "events", [event("e9", "a1", "alpha", D2, D2)], dt.date(2025, 2, 1))
    stray = pa.table({"event_id": ["x"]}).replace_schema_metadata({"schema_version": schema.SCHEMA_VERSION})
    pq.write_table(stray, path)  # a file missing required columns
    with pytest.raises(SchemaMismatch, match="article_id"):
        load_warehouse(loaded)
    assert q(loaded, "select count(*) from event_mentions") == [(7,)]
    assert q(loaded, "select count(*) from events") == [(5,)]


def test_connect_read_only_requires_file(settings: Settings) -> None:
    with pytest.raises(WarehouseMissing):
        connect(settings)


def test_read_only_connection_refuses_writes(loaded: Settings) -> None:
    con = connect(loaded)
    with pytest.raises(duckdb.Error):
        con.execute("delete from events")
    con.close()


def _mentions_by_event(settings: Settings) -> list[list[str]]:
    rows = q(settings, "select list(mention_id order by mention_id) from event_mentions "
                       "where event_id is not null group by event_id order by 1")
    return [r[0] for r in rows]


def test_events_merge_two_outlets_and_split_other_places(loaded: Settings) -> None:
    rows = q(loaded, "select list(m.mention_id order by m.mention_id), e.num_articles, e.num_sources, "
                     "e.fatalities, e.fatalities_low, e.fatalities_high, e.first_event_date, e.last_event_date, "
                     "e.representative_mention_id, e.source_ids from events e join event_mentions m using (event_id) "
                     "group by all order by 1")
    assert rows == [
        (["e1", "e2"], 2, 2, 5, 5, 7, dt.date(2025, 1, 10), dt.date(2025, 1, 11), "e1", ["alpha", "beta"]),
        (["e3"], 1, 1, 2, 2, 2, dt.date(2025, 1, 10), dt.date(2025, 1, 10), "e3", ["alpha"]),  # other place
        (["e5"], 1, 1, None, None, None, dt.date(2025, 1, 12), dt.date(2025, 1, 12), "e5", ["beta"]),
        (["e6"], 1, 1, 1, 1, 1, dt.date(2025, 1, 12), dt.date(2025, 1, 12), "e6", ["alpha"]),  # other actor
        (["e7"], 1, 1, 3, 3, 3, dt.date(2025, 1, 14), dt.date(2025, 1, 14), "e7", ["beta"]),  # three days later
    ]
    # the named actor of the cluster wins over the mention that names none
    assert q(loaded, "select actor1_norm from events where representative_mention_id = 'e1'") == [
        ("Russian Air Force",)]


def test_daily_strikes_do_not_chain_into_one_event(settings: Settings) -> None:
    days = [dt.date(2025, 3, d) for d in range(1, 6)]
    write_lake(settings, "events", [
        event(f"s{i}", f"a{i}", "alpha", d, D1, actor1_norm="X") for i, d in enumerate(days)], D1)
    load_warehouse(settings)
    sizes = q(settings, "select num_mentions from events order by first_event_date")
    assert sizes == [(2,), (2,), (1,)]


def test_non_asserted_mentions_stay_in_mentions_only(loaded: Settings) -> None:
    assert q(loaded, "select modality, event_id from event_mentions where mention_id = 'e4'") == [("denied", None)]
    assert q(loaded, "select sum(num_mentions) from events") == [(6,)]
    assert q(loaded, "select count(*) from mentions_with_articles") == [(7,)]


def test_a_repeated_toll_is_counted_once(settings: Settings) -> None:
    """Issue 11: the same article's toll attached to several mentions, and one strike coded at a town and
    again at the nearby city, doubled the deaths (Syria 18 where the stories report 9)."""
    day = dt.date(2025, 3, 2)
    strike = {"actor1_norm": "Israeli forces", "fatalities": 3}
    write_lake(settings, "events", [
        # one article: the lead sentence gives the toll at Kisweh; a later sentence names Damascus
        event("k1", "a1", "alpha", day, day, geonames_id=1, location_text="الكسوة", char_start=0, **strike),
        event("k2", "a1", "alpha", day, day, geonames_id=2, location_text="دمشق", char_start=400, **strike),
        # the same article: a clash whose sentence only inherited the toll of another event type
        event("k3", "a1", "alpha", day, day, action_type="armed_clash", event_type="Battles",
              sub_event_type="Armed clash", geonames_id=3, char_start=600, fatalities=3),
        # another outlet reports the Kisweh strike with its own toll
        event("k4", "a2", "beta", day, day, geonames_id=1, location_text="الكسوة", char_start=0,
              actor1_norm="Israeli forces", fatalities=4),
    ], day)
    load_warehouse(settings)
    assert _mentions_by_event(settings) == [["k1", "k2", "k4"], ["k3"]]
    assert q(settings, "select mention_id from event_mentions where is_repeated_toll order by 1") == [
        ("k2",), ("k3",)]
    assert q(settings, "select num_mentions, fatalities, fatalities_low, fatalities_high from events "
                       "order by num_mentions desc") == [(3, 3, 3, 4), (1, 0, 0, 0)]
    assert q(settings, "select sum(fatalities) from fatalities_monthly") == [(3,)]


def test_events_daily(loaded: Settings) -> None:
    rows = q(loaded, "select event_date, admin1, event_type, num_events, num_mentions, fatalities "
                     "from events_daily order by all")
    assert rows == [
        (dt.date(2025, 1, 10), "Idlib", "Explosions/Remote violence", 2, 3, 7),
        (dt.date(2025, 1, 12), "Aleppo", "Battles", 2, 2, 1),
        (dt.date(2025, 1, 14), "Idlib", "Explosions/Remote violence", 1, 1, 3),
    ]


def test_fatalities_monthly_and_actor_dyads(loaded: Settings) -> None:
    assert q(loaded, "select event_type, num_events, num_events_with_count, fatalities, fatalities_high "
                     "from fatalities_monthly order by all") == [
        ("Battles", 2, 1, 1, 1), ("Explosions/Remote violence", 3, 3, 10, 12)]
    assert q(loaded, "select actor1_norm, actor2_norm, num_events, num_mentions, num_sources from actor_dyads "
                     "order by all") == [
        ("Russian Air Force", None, 2, 3, 2), ("SDF", "SNA", 1, 1, 1), ("Turkish Army", None, 1, 1, 1)]


def test_events_with_articles_joins_article_and_source(loaded: Settings) -> None:
    assert q(loaded, "select article_title, source_name, source_country_code from events_with_articles "
                     "where representative_mention_id = 'e1'") == [("title a1", "Alpha News", "SY")]
    assert q(loaded, "select article_title, source_name, event_id is not null from mentions_with_articles "
                     "where mention_id = 'e2'") == [("title a2", "Beta Daily", True)]


def test_run_query_returns_arrow(loaded: Settings) -> None:
    table = run_query(loaded, "select count(*) as n from events")
    assert table.column("n").to_pylist() == [5]


def test_loader_never_loads_hidden_temp_or_orphaned_files(loaded: Settings) -> None:
    """https://issues.local/12 item 1: a partial temp file blocked every load (no file named), a complete
    orphan resurrected deleted events. Only committed parts are loaded."""
    folder = Path(loaded.data_root) / "lake" / "events" / f"dt={D1}"
    (folder / "._tmp-partial.parquet").write_bytes(b"PAR1 half written")
    orphan = event("ghost", "a1", "alpha", D1, D1)
    write_lake(loaded, "events", [orphan], D1).rename(folder / "._old-1234-data.parquet")
    write_lake(loaded, "events", [event("e1", "a1", "alpha", dt.date(2025, 1, 10), D1)], D1)
    assert load_warehouse(loaded)["event_mentions"] == 4
    assert q(loaded, "select count(*) from event_mentions where mention_id = 'ghost'") == [(0,)]


def test_loader_refuses_a_file_without_schema_metadata_naming_it(loaded: Settings) -> None:
    """https://issues.local/12 item 3: a `COPY ... TO` over a lake file was loaded with only a warning."""
    path = write_lake(loaded, "events", [event("e1", "a1", "alpha", D1, D1)], D1)
    pq.write_table(pq.read_table(path).replace_schema_metadata(None), path)
    with pytest.raises(SchemaMismatch, match=r"dt=2025-01-\d\d/data.parquet: no schema_version metadata"):
        load_warehouse(loaded)
    assert q(loaded, "select count(*) from event_mentions") == [(7,)]


def test_loader_names_a_damaged_file(loaded: Settings) -> None:
    path = write_lake(loaded, "events", [event("e1", "a1", "alpha", D1, D1)], D1)
    path.write_bytes(b"garbage")
    with pytest.raises(SchemaMismatch, match="data.parquet: not a readable Parquet file"):
        load_warehouse(loaded)
