"""A small known lake (articles, events, quarantine, runs) for the load/publish/report tests.

Written with a tiny local writer (same layout and metadata as pipeline/store) so these tests do not
depend on the store package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import paths, schema
from pipeline.settings import Settings

D1 = dt.date(2025, 1, 11)
D2 = dt.date(2025, 1, 13)
UTC = dt.UTC


def write_lake(settings: Settings, table: str, rows: list[dict], run_date: dt.date) -> Path:
    """Write ``rows`` as ``<data_root>/lake/<table>/dt=<run_date>/data.parquet`` with schema metadata."""
    folder = Path(paths.partition_dir(settings, table, run_date))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "data.parquet"
    pq.write_table(schema.to_table(rows, table), path, compression="zstd")
    return path


def article(article_id: str, source_id: str, run_date: dt.date, **extra) -> dict:
    return {
        "article_id": article_id, "source_id": source_id, "url": f"https://{source_id}.example/{article_id}",
        "canonical_url": f"https://{source_id}.example/{article_id}", "alt_urls": [], "title": f"title {article_id}",
        "text": "نص المقال", "published_at": dt.datetime.combine(run_date, dt.time(8), tzinfo=UTC),
        "language": "ar", "country_code": "SY", "content_sha256": "0" * 64, "run_id": f"run-{run_date}",
        "run_date": run_date, **extra,
    }


def event(event_id: str, article_id: str, source_id: str, event_date: dt.date, run_date: dt.date,
          **extra) -> dict:
    base = {
        "event_id": event_id, "article_id": article_id, "source_id": source_id,
        "url": f"https://{source_id}.example/{article_id}",
        "published_at": dt.datetime.combine(run_date, dt.time(9), tzinfo=UTC),
        "event_date": event_date, "date_precision": "day", "action_type": "airstrike_shelling",
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "modality": "asserted", "country_code": "SY", "admin1": "Idlib", "location_text": "سرمين",
        "geonames_id": 100, "latitude": 35.9, "longitude": 36.7, "geo_precision": "town",
        "fatalities": 0, "evidence": "قصف الطيران بلدة سرمين", "char_start": 0, "char_end": 20,
        "confidence": 0.8, "extractor_version": "rules-0.1", "run_id": f"run-{run_date}", "run_date": run_date,
    }
    base.update(extra)
    return base


def known_events() -> list[dict]:
    """e1+e2: one strike reported by two outlets on consecutive days; the rest are separate events."""
    return [
        event("e1", "a1", "alpha", dt.date(2025, 1, 10), D1, actor1_norm="Russian Air Force",
              fatalities=5, confidence=0.9),
        event("e2", "a2", "beta", dt.date(2025, 1, 11), D1, fatalities=7),
        event("e3", "a3", "alpha", dt.date(2025, 1, 10), D1, geonames_id=200, location_text="بنش",
              fatalities=2),
        event("e4", "a1", "alpha", dt.date(2025, 1, 10), D1, modality="denied", char_start=21),
        event("e5", "a4", "beta", dt.date(2025, 1, 12), D2, action_type="armed_clash", event_type="Battles",
              sub_event_type="Armed clash", admin1="Aleppo", location_text="اعزاز", geonames_id=None,
              actor1_norm="SDF", actor2_norm="SNA", fatalities=None),
        event("e6", "a5", "alpha", dt.date(2025, 1, 12), D2, action_type="armed_clash", event_type="Battles",
              sub_event_type="Armed clash", admin1="Aleppo", location_text="اعزاز", geonames_id=None,
              actor1_norm="Turkish Army", fatalities=1),
        event("e7", "a4", "beta", dt.date(2025, 1, 14), D2, actor1_norm="Russian Air Force", fatalities=3,
              char_start=30),
    ]


def known_articles() -> list[dict]:
    return [article("a1", "alpha", D1), article("a2", "beta", D1), article("a3", "alpha", D1),
            article("a4", "beta", D2), article("a5", "alpha", D2)]


def run_row(run_date: dt.date, stage: str, source_id: str | None = None, **extra) -> dict:
    return {"run_id": f"run-{run_date}", "run_date": run_date, "stage": stage, "source_id": source_id,
            "status": "ok", "records_in": 10, "records_out": 9, "errors": 0, **extra}


def quarantine_row(qid: str, run_date: dt.date, reason: str) -> dict:
    return {"quarantine_id": qid, "table_name": "events", "record_id": qid, "stage": "validate",
            "reason": reason, "failed_expectations": [reason], "run_id": f"run-{run_date}",
            "run_date": run_date}


def build_known_lake(settings: Settings) -> None:
    """Two partitions of the known dataset."""
    arts, evs = known_articles(), known_events()
    for day in (D1, D2):
        write_lake(settings, "articles", [a for a in arts if a["run_date"] == day], day)
        write_lake(settings, "events", [e for e in evs if e["run_date"] == day], day)
        write_lake(settings, "runs", [
            run_row(day, "crawl", "alpha", fetched=12, errors=1, errors_by_kind='{"timeout": 1}'),
            run_row(day, "crawl", "beta", fetched=8, errors=0),
            run_row(day, "extract"),
            run_row(day, "validate", quarantined=1),
        ], day)
    write_lake(settings, "quarantine", [quarantine_row("q1", D1, "lat_lon_out_of_range")], D1)
    write_lake(settings, "quarantine", [quarantine_row("q2", D2, "fatalities_implausible")], D2)


def sources_arrow() -> pa.Table:
    return schema.to_table([
        {"source_id": "alpha", "name": "Alpha News", "country_code": "SY", "language": "ar",
         "homepage": "https://alpha.example", "entry_points": ["https://alpha.example/rss"], "enabled": True},
        {"source_id": "beta", "name": "Beta Daily", "country_code": "LB", "language": "ar",
         "homepage": "https://beta.example", "entry_points": [], "enabled": True},
    ], "sources")
