"""validate_table with Great Expectations: every kind of bad row is quarantined with its reason.

GE costs seconds to import, so each table is validated once per module and the tests share the result.
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from pipeline import schema
from pipeline.cli import main as cli_main
from pipeline.errors import ValidationFailed
from pipeline.settings import Settings
from pipeline.store import read_partition, write_partition
from pipeline.store.parquet import conform
from pipeline.validate import raise_for_batch_failures, validate_table
from pipeline.validate.core import batch_checks
from pipeline.validate.suites import load_suite
from pipeline.validate.synthetic import synthetic_events

DAY = dt.date(2025, 3, 14)
N_VALID = 80


def _set(**values):
    return lambda row: row.update(values)


# case -> (mutation of a valid row, the reason it must be quarantined with)
EVENT_CASES = {
    **{
        f"null_{f.name}": (_set(**{f.name: None}), f"null_{f.name}")
        for f in schema.EVENT_FIELDS
        if not f.nullable
    },
    "duplicate_event_id": (_set(event_id="e0"), "duplicate_event_id"),
    "unknown_action_type": (_set(action_type="picnic"), "unknown_action_type"),
    "unknown_event_type": (_set(event_type="Battle"), "unknown_event_type"),
    "unknown_sub_event_type": (_set(sub_event_type="Skirmish"), "unknown_sub_event_type"),
    "unknown_modality": (_set(modality="rumoured"), "unknown_modality"),
    "unknown_date_precision": (_set(date_precision="hour"), "unknown_date_precision"),
    "unknown_geo_precision": (_set(geo_precision="street"), "unknown_geo_precision"),
    "unknown_actor1_type": (_set(actor1_type="aliens"), "unknown_actor1_type"),
    "unknown_actor2_type": (_set(actor2_type="ghosts"), "unknown_actor2_type"),
    "country_not_iso2": (_set(country_code="Syria"), "country_not_iso2"),
    "latitude_out_of_range": (_set(latitude=-91.0), "latitude_out_of_range"),
    "longitude_out_of_range": (_set(longitude=200.0), "longitude_out_of_range"),
    "coordinates_outside_country": (  # Baghdad's coordinates coded as Syria
        _set(country_code="SY", latitude=33.31, longitude=44.36),
        "coordinates_outside_country",
    ),
    "event_date_after_publication": (
        _set(event_date=DAY + dt.timedelta(days=1), published_at=dt.datetime(2025, 3, 12, 9, tzinfo=dt.UTC)),
        "event_date_after_publication",
    ),
    "event_date_too_old": (_set(event_date=dt.date(1960, 1, 1)), "event_date_too_old"),
    "fatalities_negative": (_set(fatalities=-1), "fatalities_implausible"),
    "fatalities_too_many": (_set(fatalities=50_000), "fatalities_implausible"),
    "injured_negative": (_set(injured=-2), "injured_negative"),
    "confidence_out_of_range": (_set(confidence=1.01), "confidence_out_of_range"),
    "empty_evidence": (_set(evidence=" \n "), "empty_evidence"),
    # https://issues.local/12 item 5: the quality-gate gaps
    "evidence_zero_width": (_set(evidence="\u200b\u200b"), "empty_evidence"),
    "evidence_tatweel": (_set(evidence="ـــ"), "empty_evidence"),
    "latitude_nan": (_set(latitude=float("nan")), "coordinates_not_finite"),
    "longitude_inf": (_set(longitude=float("inf")), "longitude_out_of_range"),
    "latitude_without_longitude": (_set(longitude=None), "coordinates_incomplete"),
    "event_date_2099_unpublished": (_set(event_date=dt.date(2099, 1, 1), published_at=None), "event_date_in_future"),
    "event_date_2099_published_2099": (
        _set(event_date=dt.date(2099, 1, 1), published_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC)),
        "event_date_in_future",
    ),
    "unknown_article": (_set(article_id="a-missing"), "unknown_article"),
    "bad_char_span": (_set(char_start=50, char_end=10), "bad_char_span"),
}


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("validate") / "data"
    return Settings.load().replace(paths={"data_root": str(root)}, validate={"data_docs": True})


@pytest.fixture(scope="module")
def events_case():
    table, _ = synthetic_events(N_VALID, run_date=DAY, bad_fraction=0.0)
    valid_rows = table.to_pylist()
    bad_rows, expected = [], {}
    for i, (case, (mutate, reason)) in enumerate(EVENT_CASES.items()):
        row = dict(valid_rows[i % N_VALID], event_id=f"bad{i}")
        mutate(row)
        bad_rows.append(row)
        expected[case] = reason
    # the duplicate comes after its twin (e0): e0 is kept, the later copy quarantined
    rows = valid_rows + bad_rows
    return pa.Table.from_pylist(rows, schema=table.schema), valid_rows, bad_rows, expected


@pytest.fixture(scope="module")
def events_result(events_case, settings):
    table = events_case[0]
    known = {r["article_id"] for r in events_case[1]}
    return validate_table(table, settings, table_name="events", run_id="run-t", run_date=DAY, history=[100, 120],
                          article_ids=known)


def test_every_row_level_expectation_has_a_bad_data_case():
    reasons = {e["meta"]["reason"] for e in load_suite("events")["expectations"]
               if not e["type"].startswith(("expect_column_to_exist", "expect_column_values_to_be_in_type_list"))}
    assert reasons == {reason for _, reason in EVENT_CASES.values()}


def test_each_bad_row_is_quarantined_with_its_reason(events_case, events_result):
    _, _, bad_rows, expected = events_case
    quarantine = {(q["record_id"], q["payload"]): q for q in events_result.quarantine.to_pylist()}
    by_payload_id = {}
    for q in quarantine.values():
        by_payload_id.setdefault(json.loads(q["payload"])["event_id"], []).append(q)
    for (case, reason), row in zip(expected.items(), bad_rows, strict=True):
        key = row["event_id"]
        if key is None:  # null event_id: record_id falls back to the row position
            hits = [q for q in quarantine.values() if q["reason"] == reason]
        else:
            hits = by_payload_id.get(key, [])
        assert len(hits) == 1, case
        assert hits[0]["reason"] == reason, case
        assert hits[0]["failed_expectations"], case
        assert hits[0]["stage"] == "validate" and hits[0]["run_id"] == "run-t"


def test_a_duplicate_key_keeps_its_first_copy(events_result):
    """https://issues.local/12 item 5: both copies were quarantined, so the real event vanished."""
    dups = [q for q in events_result.quarantine.to_pylist() if q["reason"] == "duplicate_event_id"]
    assert [q["record_id"] for q in dups] == ["e0"]
    assert events_result.valid.column("event_id").to_pylist().count("e0") == 1


def test_rows_failing_several_expectations_list_them_all(events_result):
    q = next(q for q in events_result.quarantine.to_pylist() if q["reason"] == "country_not_iso2")
    assert q["failed_expectations"] == ["expect_column_values_to_be_in_set(country_code)"]
    q = next(q for q in events_result.quarantine.to_pylist() if q["reason"] == "null_event_id")
    assert q["record_id"].startswith("events:row:")


def test_valid_rows_pass_untouched_and_nothing_is_dropped(events_case, events_result):
    table, valid_rows, bad_rows, _ = events_case
    valid = events_result.valid
    assert valid.schema.equals(schema.EVENT_SCHEMA)
    assert valid.num_rows + events_result.quarantine.num_rows == table.num_rows
    assert valid.to_pylist() == valid_rows  # e0's later copy is refused, e0 itself kept
    assert events_result.quarantine.schema.equals(schema.QUARANTINE_SCHEMA)
    assert events_result.statistics["rows_in"] == table.num_rows
    assert events_result.batch_failures == []
    raise_for_batch_failures(events_result)


def test_data_docs_are_written(events_result):
    path = events_result.data_docs_path
    assert path is not None and path.endswith("/run-t/events/index.html")
    with open(path, encoding="utf-8") as f:
        assert "events" in f.read()


def test_articles_suite(settings):
    base = {
        "source_id": "s", "text": "نص", "content_sha256": "x", "language": "ar", "run_id": "r", "run_date": DAY,
        "published_at": dt.datetime(2025, 3, 14, 9, tzinfo=dt.UTC),
    }
    rows = [dict(base, article_id=f"a{i}", url=f"https://x.org/{i}") for i in range(10)]
    bad = {
        "a-url": dict(base, article_id="a-url", url="ftp://x"),
        "a-text": dict(base, article_id="a-text", url="https://x.org/t", text="  "),
        "a-lang": dict(base, article_id="a-lang", url="https://x.org/l", language=None),
        "a-future": dict(base, article_id="a-future", url="https://x.org/f",
                         published_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC)),
        "a-old": dict(base, article_id="a-old", url="https://x.org/o",
                      published_at=dt.datetime(1980, 1, 1, tzinfo=dt.UTC)),
    }
    table = schema.to_table(rows + list(bad.values()), "articles")
    result = validate_table(table, settings.replace(validate={"data_docs": False}), table_name="articles",
                            run_id="r", run_date=DAY)
    reasons = {q["record_id"]: q["reason"] for q in result.quarantine.to_pylist()}
    assert reasons == {"a-url": "bad_url", "a-text": "empty_text", "a-lang": "null_language",
                       "a-future": "published_at_implausible", "a-old": "published_at_implausible"}
    assert result.valid.num_rows == 10 and result.data_docs_path is None


def test_batch_checks_name_each_failure():
    settings = Settings.load()
    assert batch_checks(settings, table_name="events", rows=0, quarantined=0, history=None, article_count=500)[0] \
        .startswith("no_events")
    assert batch_checks(settings, table_name="events", rows=0, quarantined=0, history=None, article_count=3) == []
    drop = batch_checks(
        settings, table_name="events", rows=5, quarantined=0, history=[100, 90, 200], article_count=None
    )
    assert len(drop) == 1 and drop[0].startswith("row_count_drop")
    assert batch_checks(settings, table_name="events", rows=10, quarantined=0, history=[100], article_count=None) == []
    most = batch_checks(settings, table_name="articles", rows=10, quarantined=6, history=None, article_count=None)
    assert most[0].startswith("mostly_quarantined")


def test_batch_failure_raises_validation_failed(settings):
    table, _ = synthetic_events(10, run_date=DAY, bad_fraction=0.0)
    rows = [dict(r, confidence=2.0) if i < 6 else r for i, r in enumerate(table.to_pylist())]
    result = validate_table(pa.Table.from_pylist(rows, schema=table.schema),
                            settings.replace(validate={"data_docs": False}),
                            table_name="events", run_id="r", run_date=DAY, history=[1000])
    assert result.valid.num_rows + result.quarantine.num_rows == 10
    assert [f.split(":")[0] for f in result.batch_failures] == ["row_count_drop", "mostly_quarantined"]
    with pytest.raises(ValidationFailed, match="mostly_quarantined: 6 of 10"):
        raise_for_batch_failures(result)


def test_cli_validates_staging_and_writes_lake_idempotently(settings, capsys):
    table, _ = synthetic_events(30, run_date=DAY, bad_fraction=0.1, seed=3)
    staged = conform(table, "events", check_nulls=False)  # staging holds schema-valid rows only
    staged = staged.filter(pc.is_valid(staged.column("event_id")))
    write_partition(staged, settings, table_name="events", run_date=DAY, layer="staging")
    argv = ["--data-root", settings.data_root, "validate", "--table", "events", "--date", DAY.isoformat(), "--write"]
    assert cli_main(argv) == 0
    first = read_partition(settings, table_name="events", run_date=DAY).num_rows
    assert cli_main(argv) == 0
    out = capsys.readouterr().out
    assert f"events {DAY}: {staged.num_rows} row(s)" in out and "quarantined" in out
    assert read_partition(settings, table_name="events", run_date=DAY).num_rows == first
    quarantine = read_partition(settings, table_name="quarantine", run_date=DAY)
    assert first + quarantine.num_rows == staged.num_rows
