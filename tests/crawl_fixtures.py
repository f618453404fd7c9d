"""Shared pytest fixtures of the crawler tests (import them into a test module's namespace)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pipeline.settings import Settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

from crawl_server import SiteServer  # noqa: E402

FAST_CRAWL = {
    "min_delay_seconds": 0.0,
    "backoff_base_seconds": 0.01,
    "backoff_max_seconds": 2.0,
    "connect_timeout_seconds": 2.0,
    "read_timeout_seconds": 0.5,
    "max_response_bytes": 1_000_000,
    "max_retries": 2,
    "max_concurrency_per_host": 2,
}


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = SiteServer(slow_seconds=1.5).start()
    yield server
    server.stop()


@pytest.fixture
def crawl_settings(tmp_path: Path) -> Settings:
    return Settings.load(paths={"data_root": str(tmp_path / "data")}, crawl=dict(FAST_CRAWL))


def write_registry(folder: Path, site: SiteServer, entry_points: list[dict], *, source_id: str = "fixture",
                   extra: dict | None = None) -> str:
    """A one-source registry pointing at the fixture server; returns its path."""
    source = {
        "id": source_id, "name": "موقع تجريبي", "country": "IQ", "language": "ar", "homepage": site.base + "/",
        "entry_points": [{k: v.replace("{BASE}", site.base) for k, v in ep.items()} for ep in entry_points],
        "allowed_hosts": ["127.0.0.1"], "allow_private_addresses": True,  # the local test server opts in
        "crawl": {"delay_seconds": 0.0, "max_concurrency": 2}, "enabled": True,
        **(extra or {}),
    }
    path = folder / f"{source_id}.yaml"
    path.write_text(yaml.safe_dump({"sources": [source]}, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
def make_registry(tmp_path: Path, site: SiteServer):
    """``make_registry(entry_points, source_id=...)`` -> path of a one-source registry for ``site``."""

    def make(entry_points: list[dict], *, source_id: str = "fixture") -> str:
        return write_registry(tmp_path, site, entry_points, source_id=source_id)

    return make
