"""The quality-gate gaps of https://issues.local/12 item 5, injected into a staged partition and run
through the real validate stage (``run_validate``): each bad row is quarantined with its reason, a
duplicated event keeps one copy, a null event_id is quarantined instead of aborting the stage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import paths, schema
from pipeline.run import run_validate
from pipeline.settings import Settings
from pipeline.store import read_partition, write_partition
from pipeline.validate.synthetic import synthetic_events

DAY = dt.date(2025, 3, 14)
N_VALID = 30


def _articles(ids: list[str]) -> pa.Table:
    return schema.to_table([{
        "article_id": a, "source_id": "bench", "url": f"https://example.org/a/{a}", "text": "نص الخبر الكامل",
        "content_sha256": f"{i:064x}", "language": "ar", "published_at": dt.datetime(2025, 3, 14, 8, tzinfo=dt.UTC),
        "run_id": "run-v", "run_date": DAY} for i, a in enumerate(ids)], "articles")


BAD = {  # event_id -> (changes to a valid row, reason)
    None: ({}, "null_event_id"),
    "e1": ({}, "duplicate_event_id"),  # an exact second copy of e1
    "nan-lat": ({"latitude": float("nan")}, "coordinates_not_finite"),
    "lat-only": ({"longitude": None}, "coordinates_incomplete"),
    "lon-only": ({"latitude": None}, "coordinates_incomplete"),
    "future-unpublished": ({"event_date": dt.date(2099, 1, 1), "published_at": None}, "event_date_in_future"),
    "future-published": ({"event_date": dt.date(2099, 1, 1),
                          "published_at": dt.datetime(2099, 1, 1, tzinfo=dt.UTC)}, "event_date_in_future"),
    "zero-width": ({"evidence": "\u200b\u200b\u200b"}, "empty_evidence"),
    "tatweel": ({"evidence": "ـــــ"}, "empty_evidence"),
    "orphan": ({"article_id": "a-never-crawled"}, "unknown_article"),
}


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> tuple[Settings, list[dict]]:
    settings = Settings.load(paths={"data_root": str(tmp_path_factory.mktemp("gaps") / "data")},
                             validate={"data_docs": False})
    table, _ = synthetic_events(N_VALID, run_date=DAY, bad_fraction=0.0)
    valid_rows = table.to_pylist()
    write_partition(_articles(sorted({r["article_id"] for r in valid_rows})), settings, table_name="articles",
                    run_date=DAY, layer="staging")
    bad_rows = [dict(valid_rows[1], **changes, event_id=event_id) for event_id, (changes, _) in BAD.items()]
    staged = pa.Table.from_pylist(valid_rows + bad_rows, schema=table.schema)
    folder = Path(paths.partition_dir(settings, "events", DAY, layer="staging"))
    folder.mkdir(parents=True)
    pq.write_table(staged, folder / "data.parquet")  # injected: the store's writer refuses null keys
    run_validate(settings, run_date=DAY, run_id="run-v")
    return settings, valid_rows


def test_every_gap_is_quarantined_with_its_reason(validated) -> None:
    settings, _ = validated
    quarantine = read_partition(settings, table_name="quarantine", run_date=DAY)
    rows = [q for q in quarantine.to_pylist() if q["table_name"] == "events"]
    got = sorted((json.loads(q["payload"])["event_id"] or "null", q["reason"]) for q in rows)
    assert got == sorted((event_id or "null", reason) for event_id, (_, reason) in BAD.items())


def test_valid_rows_pass_and_a_duplicate_keeps_one_copy(validated) -> None:
    settings, valid_rows = validated
    events = read_partition(settings, table_name="events", run_date=DAY, layer="validated")
    assert events.column("event_id").to_pylist() == [r["event_id"] for r in valid_rows]
