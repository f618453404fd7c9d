"""The source registry: which outlets to crawl, where to start, and how politely.

A registry is a YAML file with a top-level ``sources:`` list (see ``data/sources/outlets.yaml``).
``load_registry`` validates every entry and raises ``SourceRegistryError`` naming the file, the
source id and the field at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import yaml

from pipeline import schema
from pipeline.errors import SourceRegistryError
from pipeline.sources.hosts import is_private_host

ENTRY_POINT_TYPES: tuple[str, ...] = ("rss", "atom", "sitemap", "section", "warc")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_KNOWN_KEYS = frozenset(
    {"id", "name", "country", "language", "homepage", "entry_points", "allowed_hosts", "crawl", "enabled",
     "notes", "allow_private_addresses"}
)


@dataclass(frozen=True)
class EntryPoint:
    """Where discovery starts: a feed, a sitemap, a section page (``url``) or local WARC files (``path``)."""

    type: str
    url: str | None = None
    path: str | None = None

    def describe(self) -> str:
        return f"{self.type}:{self.url or self.path}"


@dataclass(frozen=True)
class Source:
    """One news outlet of the registry."""

    id: str
    name: str
    country: str
    language: str
    homepage: str
    entry_points: list[EntryPoint]
    allowed_hosts: list[str]
    crawl_delay_seconds: float = 1.0
    max_concurrency: int = 1
    enabled: bool = True
    registry_dir: str = "."
    notes: str = ""
    # Loopback/private/link-local addresses may be crawled (local test servers); refused otherwise.
    allow_private_addresses: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def allows_host(self, host: str | None) -> bool:
        """True when ``host`` is one of ``allowed_hosts`` or a subdomain of one."""
        if not host:
            return False
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.allowed_hosts)


def load_registry(path: str | Path) -> list[Source]:
    """Every source of a registry file, validated (``SourceRegistryError`` names file, source and field)."""
    path = Path(path)
    if not path.is_file():
        raise SourceRegistryError(f"{path}: source registry not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceRegistryError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceRegistryError(f"{path}: expected a top-level 'sources:' list")
    sources = [_parse_source(entry, path, i) for i, entry in enumerate(data["sources"])]
    seen: set[str] = set()
    for source in sources:
        if source.id in seen:
            raise SourceRegistryError(f"{path}: source {source.id!r}: field 'id': duplicate id")
        seen.add(source.id)
    return sources


def select_sources(sources: list[Source], source_ids: list[str] | None, *, origin: str = "") -> list[Source]:
    """The enabled sources, or exactly ``source_ids`` (enabled or not) when given; unknown ids are an error."""
    if not source_ids:
        return [s for s in sources if s.enabled]
    by_id = {s.id: s for s in sources}
    unknown = [i for i in source_ids if i not in by_id]
    if unknown:
        raise SourceRegistryError(f"{origin}: unknown source id(s) {unknown}; known: {sorted(by_id)}")
    return [by_id[i] for i in dict.fromkeys(source_ids)]


def sources_table(sources: list[Source]) -> pa.Table:
    """The registry as a table in ``schema.SOURCE_SCHEMA``."""
    rows = [
        {
            "source_id": s.id,
            "name": s.name,
            "country_code": s.country,
            "language": s.language,
            "homepage": s.homepage,
            "entry_points": [ep.describe() for ep in s.entry_points],
            "enabled": s.enabled,
        }
        for s in sources
    ]
    return schema.to_table(rows, "sources")


# --- validation ------------------------------------------------------------------------------------


def _fail(path: Path, source_id: str, field_name: str, problem: str) -> SourceRegistryError:
    return SourceRegistryError(f"{path}: source {source_id!r}: field {field_name!r}: {problem}")


def _parse_source(entry: Any, path: Path, index: int) -> Source:
    label = f"#{index}"
    if not isinstance(entry, dict):
        raise _fail(path, label, "-", "each source must be a mapping")
    source_id = entry.get("id")
    if not isinstance(source_id, str) or not _ID_RE.match(source_id):
        raise _fail(path, label, "id", "required; lowercase letters, digits, '_' or '-'")
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        raise _fail(path, source_id, sorted(unknown)[0], "unknown field")
    name = _required_str(entry, "name", path, source_id)
    country = _required_str(entry, "country", path, source_id)
    if not _COUNTRY_RE.match(country):
        raise _fail(path, source_id, "country", f"must be an ISO 3166 alpha-2 code, got {country!r}")
    language = _required_str(entry, "language", path, source_id)
    homepage = _required_str(entry, "homepage", path, source_id)
    if urlsplit(homepage).scheme not in ("http", "https"):
        raise _fail(path, source_id, "homepage", f"must be an http(s) URL, got {homepage!r}")
    entry_points = _parse_entry_points(entry.get("entry_points"), path, source_id)
    allowed_hosts = _parse_allowed_hosts(entry, homepage, path, source_id)
    delay, concurrency = _parse_crawl(entry.get("crawl", {}), path, source_id)
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _fail(path, source_id, "enabled", "must be true or false")
    allow_private = entry.get("allow_private_addresses", False)
    if not isinstance(allow_private, bool):
        raise _fail(path, source_id, "allow_private_addresses", "must be true or false")
    if not allow_private:
        _refuse_private_hosts(homepage, entry_points, allowed_hosts, path, source_id)
    return Source(
        id=source_id, name=name, country=country, language=language, homepage=homepage,
        entry_points=entry_points, allowed_hosts=allowed_hosts, crawl_delay_seconds=delay,
        max_concurrency=concurrency, enabled=enabled, registry_dir=str(path.parent.resolve()),
        notes=str(entry.get("notes", "")), allow_private_addresses=allow_private,
    )


def _refuse_private_hosts(homepage: str, entry_points: list[EntryPoint], allowed_hosts: list[str], path: Path,
                          source_id: str) -> None:
    """Loopback, private and link-local hosts need ``allow_private_addresses: true`` (cloud metadata, LAN)."""
    named = [("homepage", urlsplit(homepage).hostname or "")]
    named += [(f"entry_points[{i}].url", urlsplit(ep.url).hostname or "") for i, ep in enumerate(entry_points)
              if ep.url]
    named += [("allowed_hosts", h) for h in allowed_hosts]
    for field_name, host in named:
        if is_private_host(host):
            raise _fail(path, source_id, field_name, f"{host} is a loopback/private/link-local address; set "
                        "allow_private_addresses: true to crawl it on purpose")


def _required_str(entry: dict, key: str, path: Path, source_id: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, source_id, key, "required, a non-empty string")
    return value.strip()


def _parse_entry_points(value: Any, path: Path, source_id: str) -> list[EntryPoint]:
    if not isinstance(value, list) or not value:
        raise _fail(path, source_id, "entry_points", "required, a non-empty list")
    points = []
    for i, item in enumerate(value):
        where = f"entry_points[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, source_id, where, "must be a mapping with 'type' and 'url' or 'path'")
        kind = item.get("type")
        if kind not in ENTRY_POINT_TYPES:
            raise _fail(path, source_id, f"{where}.type", f"must be one of {ENTRY_POINT_TYPES}, got {kind!r}")
        if kind == "warc":
            if not isinstance(item.get("path"), str) or not item["path"]:
                raise _fail(path, source_id, f"{where}.path", "a warc entry point needs a local 'path'")
            points.append(EntryPoint(type=kind, path=item["path"]))
            continue
        url = item.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise _fail(path, source_id, f"{where}.url", f"must be an http(s) URL, got {url!r}")
        points.append(EntryPoint(type=kind, url=url))
    return points


def _parse_allowed_hosts(entry: dict, homepage: str, path: Path, source_id: str) -> list[str]:
    value = entry.get("allowed_hosts")
    if value is None:
        host = urlsplit(homepage).hostname or ""
        return [host.removeprefix("www.")]
    if not isinstance(value, list) or not all(isinstance(h, str) and h and "/" not in h for h in value):
        raise _fail(path, source_id, "allowed_hosts", "must be a list of host names (no scheme or path)")
    return [h.lower().rstrip(".") for h in value]


def _parse_crawl(value: Any, path: Path, source_id: str) -> tuple[float, int]:
    if not isinstance(value, dict):
        raise _fail(path, source_id, "crawl", "must be a mapping with delay_seconds / max_concurrency")
    unknown = set(value) - {"delay_seconds", "max_concurrency"}
    if unknown:
        raise _fail(path, source_id, f"crawl.{sorted(unknown)[0]}", "unknown field")
    delay = value.get("delay_seconds", 1.0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        raise _fail(path, source_id, "crawl.delay_seconds", f"must be a number >= 0, got {delay!r}")
    concurrency = value.get("max_concurrency", 1)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise _fail(path, source_id, "crawl.max_concurrency", f"must be an integer >= 1, got {concurrency!r}")
    return float(delay), concurrency
