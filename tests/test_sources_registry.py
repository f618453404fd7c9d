from pathlib import Path

import pytest
import yaml

from pipeline import schema
from pipeline.errors import SourceRegistryError
from pipeline.sources import load_registry, select_sources, sources_table

DATA = Path(__file__).parents[1] / "data" / "sources"

GOOD = {
    "id": "demo", "name": "Demo", "country": "IQ", "language": "ar", "homepage": "https://www.demo.example/",
    "entry_points": [{"type": "rss", "url": "https://www.demo.example/rss"}, {"type": "warc", "path": "x.warc.gz"}],
    "crawl": {"delay_seconds": 2, "max_concurrency": 1},
}


def write(tmp_path: Path, *sources: dict) -> Path:
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump({"sources": list(sources)}), encoding="utf-8")
    return path


def test_load_valid_source_with_defaults(tmp_path):
    (source,) = load_registry(write(tmp_path, GOOD))
    assert source.id == "demo" and source.country == "IQ"
    assert [ep.type for ep in source.entry_points] == ["rss", "warc"]
    assert source.allowed_hosts == ["demo.example"]
    assert source.allows_host("www.demo.example") and not source.allows_host("evil.example")
    assert source.crawl_delay_seconds == 2.0 and source.enabled


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "Iraq"}, "country"),
        ({"homepage": "ftp://x"}, "homepage"),
        ({"entry_points": []}, "entry_points"),
        ({"entry_points": [{"type": "podcast", "url": "https://x.example/"}]}, "entry_points[0].type"),
        ({"entry_points": [{"type": "rss"}]}, "entry_points[0].url"),
        ({"entry_points": [{"type": "warc"}]}, "entry_points[0].path"),
        ({"crawl": {"delay_seconds": -1}}, "crawl.delay_seconds"),
        ({"crawl": {"max_concurrency": 0}}, "crawl.max_concurrency"),
        ({"enabled": "yes"}, "enabled"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_field_names_file_source_and_field(tmp_path, change, field):
    path = write(tmp_path, {**GOOD, **change})
    with pytest.raises(SourceRegistryError) as err:
        load_registry(path)
    message = str(err.value)
    assert str(path) in message and "'demo'" in message and f"'{field}'" in message


def test_duplicate_ids_and_missing_list(tmp_path):
    with pytest.raises(SourceRegistryError, match="duplicate"):
        load_registry(write(tmp_path, GOOD, GOOD))
    bad = tmp_path / "bad.yaml"
    bad.write_text("outlets: []\n")
    with pytest.raises(SourceRegistryError, match="sources"):
        load_registry(bad)


def test_select_sources(tmp_path):
    sources = load_registry(write(tmp_path, GOOD, {**GOOD, "id": "off", "enabled": False}))
    assert [s.id for s in select_sources(sources, None)] == ["demo"]
    assert [s.id for s in select_sources(sources, ["off"])] == ["off"]
    with pytest.raises(SourceRegistryError, match="unknown"):
        select_sources(sources, ["nope"])


def test_shipped_registries():
    outlets = load_registry(DATA / "outlets.yaml")
    assert len(outlets) >= 20
    assert {"IQ", "SY", "YE", "LY", "SD", "LB", "PS", "EG"} <= {s.country for s in outlets}
    assert all(s.language == "ar" for s in outlets)
    (sample,) = load_registry(DATA / "sample.yaml")
    assert sample.id == "sample_news" and sample.enabled and sample.entry_points[0].type == "warc"
    table = sources_table(outlets)
    assert table.schema.equals(schema.SOURCE_SCHEMA) and table.num_rows == len(outlets)
