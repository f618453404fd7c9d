"""Deterministic synthetic event rows (mostly valid, a few % bad) for the validation benchmark and tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from pipeline import schema

# (country, latitude, longitude) of a few real places, all inside their country's box.
PLACES = (("SY", 33.51, 36.29), ("IQ", 33.31, 44.36), ("YE", 15.35, 44.21), ("LY", 32.89, 13.19),
          ("SD", 15.50, 32.56), ("PS", 31.50, 34.47), ("LB", 33.89, 35.50), ("EG", 30.04, 31.24))

# kind of bad row -> the reason the events suite gives it
BAD_KINDS: dict[str, str] = {
    "null_event_id": "null_event_id",
    "unknown_action": "unknown_action_type",
    "bad_country": "country_not_iso2",
    "latitude_range": "latitude_out_of_range",
    "outside_country": "coordinates_outside_country",
    "future_date": "event_date_after_publication",
    "ancient_date": "event_date_too_old",
    "negative_fatalities": "fatalities_implausible",
    "confidence_range": "confidence_out_of_range",
    "empty_evidence": "empty_evidence",
    "bad_modality": "unknown_modality",
}


def synthetic_events(
    n: int, *, run_date: dt.date, bad_fraction: float = 0.03, seed: int = 7, run_id: str = "bench"
) -> tuple[pa.Table, np.ndarray]:
    """``n`` event rows and, per row, the index into ``list(BAD_KINDS)`` of its defect (-1 = valid)."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("e", np.arange(n).astype(str))
    place = rng.integers(0, len(PLACES), n)
    countries = np.array([p[0] for p in PLACES])[place]
    lat = np.array([p[1] for p in PLACES])[place] + rng.uniform(-0.05, 0.05, n)
    lon = np.array([p[2] for p in PLACES])[place] + rng.uniform(-0.05, 0.05, n)
    actions = np.array(schema.ACTION_TYPES)[rng.integers(0, len(schema.ACTION_TYPES), n)]
    event_type = np.array([schema.ACTION_TO_ACLED[a][0] for a in schema.ACTION_TYPES])
    sub_type = np.array([schema.ACTION_TO_ACLED[a][1] for a in schema.ACTION_TYPES])
    action_index = np.searchsorted(np.array(schema.ACTION_TYPES), actions, sorter=np.argsort(schema.ACTION_TYPES))
    action_index = np.argsort(schema.ACTION_TYPES)[action_index]
    published = np.datetime64(run_date, "s") + rng.integers(0, 86_400, n).astype("timedelta64[s]")
    event_date = np.datetime64(run_date, "D") - rng.integers(0, 3, n).astype("timedelta64[D]")
    fatalities = rng.integers(0, 20, n).astype(np.int32)
    confidence = rng.uniform(0.35, 1.0, n)
    evidence = np.full(n, "قتل ثلاثة مدنيين في قصف على المدينة", dtype=object)
    modality = np.full(n, "asserted", dtype=object)
    event_id = ids.astype(object)

    kinds = np.full(n, -1)
    bad = rng.random(n) < bad_fraction
    kinds[bad] = rng.integers(0, len(BAD_KINDS), int(bad.sum()))
    names = list(BAD_KINDS)
    for k, name in enumerate(names):
        rows = kinds == k
        if name == "null_event_id":
            event_id[rows] = None
        elif name == "unknown_action":
            actions = actions.astype(object)
            actions[rows] = "picnic"
        elif name == "bad_country":
            countries = countries.astype(object)
            countries[rows] = "XX"
        elif name == "latitude_range":
            lat[rows] = 123.0
        elif name == "outside_country":
            lon[rows] = lon[rows] + 20.0
        elif name == "future_date":
            event_date[rows] = event_date[rows] + np.timedelta64(10, "D")
        elif name == "ancient_date":
            event_date[rows] = np.datetime64("1850-01-01", "D")
        elif name == "negative_fatalities":
            fatalities[rows] = -3
        elif name == "confidence_range":
            confidence[rows] = 1.5
        elif name == "empty_evidence":
            evidence[rows] = "   "
        elif name == "bad_modality":
            modality[rows] = "rumoured"

    columns = {
        "event_id": pa.array(event_id, pa.string()),
        "article_id": pa.array(np.char.add("a", (np.arange(n) // 3).astype(str)), pa.string()),
        "source_id": pa.array(np.full(n, "bench"), pa.string()),
        "url": pa.array(np.char.add("https://example.org/a/", (np.arange(n) // 3).astype(str)), pa.string()),
        "published_at": pa.array(published, pa.timestamp("s", tz="UTC")),
        "event_date": pa.array(event_date, pa.date32()),
        "date_precision": pa.array(np.full(n, "day"), pa.string()),
        "action_type": pa.array(actions, pa.string()),
        "event_type": pa.array(event_type[action_index], pa.string()),
        "sub_event_type": pa.array(sub_type[action_index], pa.string()),
        "modality": pa.array(modality, pa.string()),
        "country_code": pa.array(countries, pa.string()),
        "latitude": pa.array(lat, pa.float64()),
        "longitude": pa.array(lon, pa.float64()),
        "geo_precision": pa.array(np.full(n, "town"), pa.string()),
        "fatalities": pa.array(fatalities, pa.int32()),
        "evidence": pa.array(evidence, pa.string()),
        "char_start": pa.array(np.zeros(n, np.int32)),
        "char_end": pa.array(np.full(n, 40, np.int32)),
        "confidence": pa.array(confidence, pa.float64()),
        "extractor_version": pa.array(np.full(n, "bench-1"), pa.string()),
        "run_id": pa.array(np.full(n, run_id), pa.string()),
        "run_date": pa.array(np.full(n, np.datetime64(run_date, "D")), pa.date32()),
    }
    arrays = [columns.get(f.name, pa.nulls(n, f.type)) for f in schema.EVENT_SCHEMA]
    nullable = pa.schema([f.with_nullable(True) for f in schema.EVENT_SCHEMA], metadata=schema.EVENT_SCHEMA.metadata)
    return pa.Table.from_arrays(arrays, schema=nullable), kinds
