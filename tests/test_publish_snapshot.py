"""Snapshots: files, manifest checksums, tamper detection, immutability, the latest pointer, codebook,
datasheet, NOTICE, changes against the previous version (issue 11) and publish robustness (issue 12 #6)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from load_fixtures import D1, build_known_lake, event, known_articles, known_events, sources_arrow, write_lake

from pipeline import schema
from pipeline.cli import main
from pipeline.errors import ConfigError, SnapshotExists
from pipeline.load import load_warehouse
from pipeline.publish import publish_snapshot, verify_snapshot
from pipeline.publish.codebook import DOCS_CODEBOOK, PUBLISHED_TABLES, codebook_markdown
from pipeline.publish.releases import LocalReleaseStore
from pipeline.settings import Settings

CREATED = dt.datetime(2025, 1, 14, 6, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 2, 1, 6, 0, tzinfo=dt.UTC)
FILES = ["CHANGES.md", "CITATION.cff", "NOTICE", "articles.csv", "articles.parquet", "articles.xlsx", "changes.json",
         "codebook.md", "datasheet.md", "event_mentions.csv", "event_mentions.parquet", "event_mentions.xlsx",
         "events.csv", "events.geojson", "events.parquet", "events.xlsx", "manifest.json", "manifest.json.sha256"]


@pytest.fixture
def warehouse(settings: Settings) -> Settings:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    return settings


def publish(settings: Settings, version: str = "v2025.01.14", created_at: dt.datetime = CREATED, **kw) -> Path:
    return Path(publish_snapshot(settings, version=version, created_at=created_at, **kw))


def test_snapshot_contents_and_manifest(warehouse: Settings) -> None:
    folder = publish(warehouse)
    assert sorted(p.name for p in folder.iterdir()) == FILES
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["row_counts"] == {"events": 5, "event_mentions": 7, "articles": 5}
    assert manifest["schema_version"] == schema.SCHEMA_VERSION
    assert manifest["extractor_versions"] == ["rules-0.1"]
    assert manifest["extractor_versions_by_run_date"] == {"2025-01-11": ["rules-0.1"], "2025-01-13": ["rules-0.1"]}
    assert manifest["event_date_range"] == ["2025-01-10", "2025-01-14"]
    assert [s["source_id"] for s in manifest["sources"]] == ["alpha", "beta"]
    assert manifest["created_at"] == "2025-01-14T06:00:00+00:00"
    assert manifest["previous_version"] is None
    inputs = manifest["inputs"]
    assert len(inputs["code"]["commit"] or "") in (0, 40)
    assert "triggers.tsv" in inputs["lexicons"] and "places.tsv" in inputs["gazetteer"]
    assert all(len(h) == 64 for h in [*inputs["lexicons"].values(), *inputs["gazetteer"].values()])
    events = pq.read_table(folder / "events.parquet")
    assert events.schema.names == schema.warehouse_column_names("events")
    assert events.cast(schema.REAL_EVENT_SCHEMA).num_rows == 5  # Parquet keeps timestamps in ms, same values
    assert events.schema.metadata[b"schema_version"].decode() == schema.SCHEMA_VERSION
    mentions = pq.read_table(folder / "event_mentions.parquet")
    assert set(mentions.column("event_id").drop_null().to_pylist()) == set(events.column("event_id").to_pylist())
    assert "quarantine" not in " ".join(p.name for p in folder.iterdir())
    assert verify_snapshot(folder) == []


def test_no_absolute_local_paths_are_released(warehouse: Settings) -> None:
    root = Path(warehouse.data_root)
    write_lake(warehouse, "articles", [
        {**a, "warc_path": str(root / "raw" / "dt=2025-01-11" / "x.warc.gz") if a["article_id"] == "a1"
         else "/home/someone/archive/y.warc.gz"}
        for a in known_articles() if a["run_date"] == D1], D1)
    load_warehouse(warehouse)
    folder = publish(warehouse)
    paths = {r["article_id"]: r["warc_path"] for r in pq.read_table(folder / "articles.parquet").to_pylist()}
    assert paths["a1"] == "raw/dt=2025-01-11/x.warc.gz" and paths["a2"] == "y.warc.gz"
    released = "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.iterdir()
                       if p.suffix in (".csv", ".json", ".md", ".geojson"))
    assert str(root) not in released and "/home/someone" not in released


def test_csv_has_a_bom_and_opens_as_utf8(warehouse: Settings) -> None:
    folder = publish(warehouse)
    raw = (folder / "events.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (folder / "events.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5 and any("سرمين" in r["evidence"] for r in rows)
    assert json.loads(rows[0]["source_ids"])  # list columns are JSON arrays
    header, first = (folder / "articles.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    assert "alt_urls" in header and '"[]"' in first
    # the same files open in DuckDB
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_csv('{folder / 'events.csv'}')").fetchone() == (5,)
    assert con.execute(f"select sum(fatalities) from '{folder / 'events.parquet'}'").fetchone() == (11,)


def test_geojson_has_one_feature_per_event(warehouse: Settings) -> None:
    folder = publish(warehouse)
    geo = json.loads((folder / "events.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 5
    feature = next(f for f in geo["features"] if f["properties"]["representative_mention_id"] == "e1")
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.7, 35.9]}
    assert feature["properties"]["event_date"] == "2025-01-10" and "latitude" not in feature["properties"]


def test_datasheet_notice_and_citation(warehouse: Settings) -> None:
    folder = publish(warehouse)
    sheet = (folder / "datasheet.md").read_text()
    for heading in ("## How the rows are produced", "## Quality", "## Coverage", "## What `confidence` means",
                    "## Precision and modality codes", "## Known limitations"):
        assert heading in sheet
    # no own quality folder: the figures shipped with the extractor (data/quality), measured on the frozen test split
    assert "| test | 204 |" in sheet and "Reliability of `confidence` on `test`" in sheet
    assert "a perfectly calibrated confidence would show" in sheet  # the ECE's yardstick on this many mentions
    assert "Agreement ceiling: a second coder on 36" in sheet and "admin1 accuracy per country on `test`" in sheet
    assert "5 events from 7 mentions in 5 articles" in sheet
    assert "Alpha News" in sheet and "| SY | 5 | 11 |" in sheet
    notice = (folder / "NOTICE").read_text()
    assert "GeoNames" in notice and "CC BY 4.0" in notice and "PLOVER" in notice and "CC BY-SA 4.0" in notice
    assert "UniversalPetrarch" in notice and "MIT" in notice
    cff = (folder / "CITATION.cff").read_text()
    assert 'version: "v2025.01.14"' in cff and "date-released: 2025-01-14" in cff and "CC-BY-SA-4.0" in cff


def test_datasheet_claims_nothing_without_evaluation_files(warehouse: Settings, monkeypatch) -> None:
    from pipeline.publish import snapshot

    monkeypatch.setattr(snapshot, "quality_folder", lambda root: root / "quality")
    sheet = (publish(warehouse) / "datasheet.md").read_text()
    assert "No evaluation file was found" in sheet and "| test |" not in sheet


def test_datasheet_reads_the_eval_results(warehouse: Settings) -> None:
    quality = Path(warehouse.data_root) / "quality"
    quality.mkdir(parents=True)
    (quality / "dev.json").write_text(json.dumps({
        "overall": {"gold": 40, "predicted": 38, "matched": 33, "precision": 0.8684, "recall": 0.825,
                    "f1": 0.8462, "accuracy": {"event_date": 0.9, "admin1": 0.8}},
        "by_action_type": {"protest": {"f1": 0.75}}}))
    folder = publish(warehouse)
    sheet = (folder / "datasheet.md").read_text()
    assert "| dev | 40 | 38 | 0.8684 | 0.825 | 0.8462 | 0.9 | 0.8 |" in sheet
    assert "| protest | 0.75 |" in sheet
    assert json.loads((folder / "manifest.json").read_text())["quality_sets"] == ["dev"]


def test_changes_against_the_previous_version(warehouse: Settings) -> None:
    first = publish(warehouse)
    changes = json.loads((first / "changes.json").read_text())
    assert changes["previous_version"] is None and changes["counts"]["added"] == 5
    # the next night: one mention's toll is corrected, one event disappears, a new one appears
    events = [e for e in known_events() if e["run_date"] == D1 and e["event_id"] != "e3"]
    events = [{**e, "fatalities": 4} if e["event_id"] == "e1" else e for e in events]
    events.append(event("e8", "a3", "alpha", dt.date(2025, 1, 11), D1, geonames_id=300, location_text="أريحا"))
    write_lake(warehouse, "events", events, D1)
    load_warehouse(warehouse, run_date=D1)
    second = publish(warehouse, "v2025.02.01", LATER)
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["previous_version"] == "v2025.01.14"
    changes = json.loads((second / "changes.json").read_text())
    assert changes["counts"] == {"added": 1, "changed": 1, "removed": 1} == manifest["changes"]
    assert changes["changed"][0]["fields"] == ["fatalities", "fatalities_low"]
    old_ids = set(pq.read_table(first / "events.parquet").column("event_id").to_pylist())
    new_ids = set(pq.read_table(second / "events.parquet").column("event_id").to_pylist())
    assert changes["removed"] == sorted(old_ids - new_ids) and changes["added"] == sorted(new_ids - old_ids)
    md = (second / "CHANGES.md").read_text()
    assert "1 added, 1 changed, 1 removed" in md and "fatalities, fatalities_low" in md


def test_subset_release_by_country_and_dates(warehouse: Settings) -> None:
    folder = publish(warehouse, country="sy", date_from=dt.date(2025, 1, 12), date_to=dt.date(2025, 1, 13))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["row_counts"] == {"events": 2, "event_mentions": 2, "articles": 2}
    assert manifest["filters"] == {"country": "SY", "date_from": "2025-01-12", "date_to": "2025-01-13"}
    with pytest.raises(Exception, match="no events to publish"):
        publish(warehouse, "v2025.01.14.1", country="IQ")
    # a subset is not the latest full release, and is compared with the previous release of the same subset
    full = publish(warehouse, "v2025.01.15")
    subset = publish(warehouse, "v2025.01.15.1", country="SY", date_from=dt.date(2025, 1, 12),
                     date_to=dt.date(2025, 1, 13))
    assert json.loads((subset / "manifest.json").read_text())["previous_version"] == "v2025.01.14"
    assert json.loads((subset / "changes.json").read_text())["counts"] == {"added": 0, "changed": 0, "removed": 0}
    assert json.loads((full / "manifest.json").read_text())["previous_version"] is None
    assert json.loads((full.parent / "latest.json").read_text())["version"] == "v2025.01.15"


def test_tampering_is_detected(warehouse: Settings) -> None:
    folder = publish(warehouse)
    with (folder / "events.csv").open("a") as f:
        f.write("forged,row\n")
    (folder / "extra.txt").write_text("x")
    (folder / "codebook.md").unlink()
    problems = verify_snapshot(folder)
    assert "events.csv: sha256 mismatch (file changed after publishing)" in problems
    assert "codebook.md: missing" in problems
    assert "extra.txt: not in the manifest" in problems


def test_an_edited_manifest_is_detected(warehouse: Settings) -> None:
    """Issue 12 #6: edits to the manifest's version or sources passed verify-snapshot."""
    folder = publish(warehouse)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sources"] = manifest["sources"][:1]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert "manifest.json: sha256 mismatch (manifest edited after publishing)" in verify_snapshot(folder)
    (folder / "manifest.json.sha256").unlink()
    assert any("manifest.json.sha256: missing" in p for p in verify_snapshot(folder))


def test_refuses_existing_version_and_bad_versions(warehouse: Settings) -> None:
    publish(warehouse)
    with pytest.raises(SnapshotExists):
        publish(warehouse)
    bad = ("2025.01.14", "v2025.1.14", "v2025.02.30", "v2025.01.14-rc", "v2025.01.14\n", "v2025.01.14.0",
           "v2025.01.14.01", " v2025.01.14")
    for version in bad:
        with pytest.raises(ConfigError):
            publish_snapshot(warehouse, version=version, created_at=CREATED)


def test_far_future_version_is_refused(warehouse: Settings) -> None:
    """Issue 12 #6: v2099.01.01 would pin `latest` for decades."""
    with pytest.raises(ConfigError, match="dated after 2025-01-14"):
        publish(warehouse, "v2099.01.01")
    publish(warehouse, "v2025.01.15")  # tomorrow is allowed (time zones)


def test_latest_points_at_highest_version(warehouse: Settings) -> None:
    root = publish(warehouse, "v2025.01.14.1").parent
    publish(warehouse, "v2025.01.14")  # older: latest stays
    assert (root / "latest").resolve().name == "v2025.01.14.1"
    assert json.loads((root / "latest.json").read_text())["version"] == "v2025.01.14.1"
    publish(warehouse, "v2025.02.01", LATER)
    assert (root / "latest").resolve().name == "v2025.02.01"
    assert json.loads((root / "latest.json").read_text())["version"] == "v2025.02.01"
    assert verify_snapshot(root / "latest") == []
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no temp folders left behind


def test_rerun_completes_a_publish_killed_before_latest(warehouse: Settings, monkeypatch) -> None:
    """Issue 12 #6: a crash between the rename and repointing `latest` left `latest` stale and the rerun
    was refused."""
    root = publish(warehouse).parent

    def crash(_store: LocalReleaseStore) -> str:
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(LocalReleaseStore, "point_latest", crash)
    with pytest.raises(KeyboardInterrupt):
        publish(warehouse, "v2025.02.01", LATER)
    assert (root / "v2025.02.01").is_dir() and json.loads((root / "latest.json").read_text())["version"] == \
        "v2025.01.14"
    monkeypatch.undo()
    assert publish(warehouse, "v2025.02.01", LATER) == root / "v2025.02.01"  # completed, not refused
    assert json.loads((root / "latest.json").read_text())["version"] == "v2025.02.01"
    with pytest.raises(SnapshotExists):
        publish(warehouse, "v2025.02.01", LATER)  # now complete: immutable again


def test_temp_folders_of_killed_publishes_are_removed(warehouse: Settings) -> None:
    root = Path(warehouse.data_root) / "snapshots"
    root.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    (root / f".v2025.01.13.{dead}.tmp").mkdir()
    (root / ".v2025.01.12.k2j3h4").mkdir()  # the mkdtemp name earlier versions used
    alive = root / f".v2025.01.13.{os.getppid()}.tmp"  # a publisher still running: kept
    alive.mkdir()
    publish(warehouse)
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == [alive.name]


def test_codebook_covers_every_column(warehouse: Settings) -> None:
    folder = publish(warehouse)
    codebook = (folder / "codebook.md").read_text()
    for table in PUBLISHED_TABLES:
        for field in schema.WAREHOUSE_FIELDS[table]:
            assert f"| `{field.name}` |" in codebook, field.name
    for code in (*schema.DATE_PRECISIONS, *schema.GEO_PRECISIONS, *schema.MODALITIES):
        assert f"- `{code}`:" in codebook
    assert "Count `events`, not mentions" in codebook


def test_docs_codebook_is_current() -> None:
    expected = codebook_markdown(title="Arabic News Conflict Events", version="current schema",
                                 article_text_included=False)
    assert DOCS_CODEBOOK.read_text(encoding="utf-8") == expected, "regenerate: python -m pipeline.publish.codebook"


def test_publish_and_verify_commands(warehouse: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    root = warehouse.data_root
    version = f"v{dt.date.today():%Y.%m.%d}"
    assert main(["--data-root", root, "publish", "--version", version]) == 0
    path = capsys.readouterr().out.strip()
    assert main(["--data-root", root, "verify-snapshot", path]) == 0
    assert main(["--data-root", root, "publish", "--version", version]) == 0  # the same rows: done already
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == path and "already published" in err
    assert main(["--data-root", root, "publish", "--version", version, "--country", "SY"]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-root", root, "publish", "--version", version + ".1", "--from", "2025-13-01"])
    assert exit_info.value.code == 2
    assert "not a date: use the format YYYY-MM-DD" in capsys.readouterr().err


def test_article_bodies_are_not_republished_by_default(warehouse: Settings) -> None:
    folder = publish(warehouse)
    articles = pq.read_table(folder / "articles.parquet")
    assert "text" not in articles.column_names and "url" in articles.column_names
    assert json.loads((folder / "manifest.json").read_text())["article_text_included"] is False
    assert "not included in this release" in (folder / "codebook.md").read_text()


def test_article_bodies_published_when_configured(warehouse: Settings) -> None:
    settings = warehouse.replace(publish={"include_article_text": True})
    folder = publish(settings, "v2025.01.15")
    assert "text" in pq.read_table(folder / "articles.parquet").column_names
