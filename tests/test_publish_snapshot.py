"""Snapshots: files, manifest checksums, tamper detection, immutability, the latest pointer, codebook."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from load_fixtures import build_known_lake, sources_arrow

from pipeline import schema
from pipeline.cli import main
from pipeline.errors import ConfigError, SnapshotExists
from pipeline.load import load_warehouse
from pipeline.publish import publish_snapshot, verify_snapshot
from pipeline.publish.codebook import PUBLISHED_TABLES
from pipeline.settings import Settings

CREATED = dt.datetime(2025, 1, 14, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def warehouse(settings: Settings) -> Settings:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    return settings


def test_snapshot_contents_and_manifest(warehouse: Settings) -> None:
    folder = Path(publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED))
    assert sorted(p.name for p in folder.iterdir()) == [
        "CITATION.cff", "articles.csv", "articles.parquet", "codebook.md", "event_mentions.csv",
        "event_mentions.parquet", "events.csv", "events.parquet", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["row_counts"] == {"events": 5, "event_mentions": 7, "articles": 5}
    assert manifest["schema_version"] == schema.SCHEMA_VERSION
    assert manifest["extractor_versions"] == ["rules-0.1"]
    assert manifest["event_date_range"] == ["2025-01-10", "2025-01-14"]
    assert [s["source_id"] for s in manifest["sources"]] == ["alpha", "beta"]
    assert manifest["created_at"] == "2025-01-14T06:00:00+00:00"
    events = pq.read_table(folder / "events.parquet")
    assert events.schema.names == schema.warehouse_column_names("events")
    assert events.cast(schema.REAL_EVENT_SCHEMA).num_rows == 5  # Parquet keeps timestamps in ms, same values
    assert events.schema.metadata[b"schema_version"].decode() == schema.SCHEMA_VERSION
    assert "quarantine" not in " ".join(p.name for p in folder.iterdir())
    assert verify_snapshot(folder) == []


def test_tampering_is_detected(warehouse: Settings) -> None:
    folder = Path(publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED))
    with (folder / "events.csv").open("a") as f:
        f.write("forged,row\n")
    (folder / "extra.txt").write_text("x")
    (folder / "codebook.md").unlink()
    problems = verify_snapshot(folder)
    assert "events.csv: sha256 mismatch (file changed after publishing)" in problems
    assert "codebook.md: missing" in problems
    assert "extra.txt: not in the manifest" in problems


def test_refuses_existing_version_and_bad_versions(warehouse: Settings) -> None:
    publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED)
    with pytest.raises(SnapshotExists):
        publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED)
    for bad in ("2025.01.14", "v2025.1.14", "v2025.02.30", "v2025.01.14-rc"):
        with pytest.raises(ConfigError):
            publish_snapshot(warehouse, version=bad)


def test_latest_points_at_highest_version(warehouse: Settings) -> None:
    root = Path(publish_snapshot(warehouse, version="v2025.01.14.1", created_at=CREATED)).parent
    publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED)  # older: latest stays
    assert (root / "latest").resolve().name == "v2025.01.14.1"
    publish_snapshot(warehouse, version="v2025.02.01", created_at=CREATED)
    assert (root / "latest").resolve().name == "v2025.02.01"
    assert verify_snapshot(root / "latest") == []
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no temp folders left behind


def test_codebook_covers_every_column(warehouse: Settings) -> None:
    folder = Path(publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED))
    codebook = (folder / "codebook.md").read_text()
    for table in PUBLISHED_TABLES:
        for field in schema.WAREHOUSE_FIELDS[table]:
            assert f"| `{field.name}` |" in codebook, field.name
    for code in (*schema.DATE_PRECISIONS, *schema.GEO_PRECISIONS, *schema.MODALITIES):
        assert f"- `{code}`:" in codebook
    cff = (folder / "CITATION.cff").read_text()
    assert "cff-version: 1.2.0" in cff and 'version: "v2025.01.14"' in cff and "date-released: 2025-01-14" in cff


def test_csv_export_encodes_lists_as_json(warehouse: Settings) -> None:
    folder = Path(publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED))
    header, first = (folder / "articles.csv").read_text().splitlines()[:2]
    assert "alt_urls" in header and '"[]"' in first


def test_publish_and_verify_commands(warehouse: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    root = warehouse.data_root
    assert main(["--data-root", root, "publish", "--version", "v2025.01.14"]) == 0
    path = capsys.readouterr().out.strip()
    assert main(["--data-root", root, "verify-snapshot", path]) == 0
    assert main(["--data-root", root, "publish", "--version", "v2025.01.14"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_article_bodies_are_not_republished_by_default(warehouse: Settings) -> None:
    folder = Path(publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED))
    articles = pq.read_table(folder / "articles.parquet")
    assert "text" not in articles.column_names and "url" in articles.column_names
    assert json.loads((folder / "manifest.json").read_text())["article_text_included"] is False
    assert "not included in this release" in (folder / "codebook.md").read_text()


def test_article_bodies_published_when_configured(warehouse: Settings) -> None:
    settings = warehouse.replace(publish={"include_article_text": True})
    folder = Path(publish_snapshot(settings, version="v2025.01.15", created_at=CREATED))
    assert "text" in pq.read_table(folder / "articles.parquet").column_names
