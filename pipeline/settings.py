"""One Settings object: defaults from ``defaults.toml``, an optional override file laid over them."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")


@dataclass(frozen=True, kw_only=True)
class PathSettings:
    data_root: str
    sources_file: str
    lake_root: str
    local_root: str = ""


@dataclass(frozen=True, kw_only=True)
class CrawlSettings:
    user_agent: str
    obey_robots: bool
    max_concurrency_per_host: int
    min_delay_seconds: float
    max_concurrency_total: int
    connect_timeout_seconds: float
    read_timeout_seconds: float
    max_retries: int
    backoff_base_seconds: float
    backoff_max_seconds: float
    max_response_bytes: int
    max_redirects: int
    max_articles_per_source: int
    min_body_chars: int
    near_duplicate_threshold: float
    workers: int = 1
    state_lock_seconds: float = 10800.0
    warc_roots: tuple[str, ...] | list[str] = ()


@dataclass(frozen=True, kw_only=True)
class ExtractSettings:
    min_confidence: float
    use_dateparser_fallback: bool
    backend: str
    workers: int
    batch_size: int
    decision_model: str = ""


@dataclass(frozen=True, kw_only=True)
class ValidateSettings:
    max_event_age_years: int
    max_fatalities_per_event: int
    min_articles_for_event_check: int
    min_rowcount_ratio_vs_history: float
    data_docs: bool


@dataclass(frozen=True, kw_only=True)
class StoreSettings:
    compression: str


@dataclass(frozen=True, kw_only=True)
class LoadSettings:
    warehouse_file: str


@dataclass(frozen=True, kw_only=True)
class PublishSettings:
    snapshot_dir: str
    title: str
    include_article_text: bool
    xlsx: bool


@dataclass(frozen=True, kw_only=True)
class Settings:
    paths: PathSettings
    crawl: CrawlSettings
    extract: ExtractSettings
    validate: ValidateSettings
    store: StoreSettings
    load: LoadSettings
    publish: PublishSettings = field()

    @classmethod
    def load(cls, override_file: str | Path | None = None, **overrides: dict[str, Any]) -> Settings:
        """Defaults, then ``override_file`` (TOML, same sections), then ``overrides`` ({section: {key: v}})."""
        with DEFAULTS_FILE.open("rb") as f:
            data = tomllib.load(f)
        if override_file is not None:
            path = Path(override_file)
            if not path.is_file():
                raise ConfigError(f"settings file not found: {path}")
            with path.open("rb") as f:
                _merge(data, tomllib.load(f), origin=str(path))
        _merge(data, overrides, origin="overrides")
        return _build(cls, data)

    def replace(self, **sections: dict[str, Any]) -> Settings:
        """A copy with some keys changed: ``settings.replace(paths={"data_root": "/tmp/x"})``."""
        changed = {
            name: dataclasses.replace(getattr(self, name), **values) for name, values in sections.items()
        }
        return dataclasses.replace(self, **changed)

    @property
    def data_root(self) -> str:
        return self.paths.data_root


def _merge(base: dict[str, Any], extra: dict[str, Any], *, origin: str) -> None:
    for section, values in extra.items():
        if section not in base:
            raise ConfigError(f"{origin}: unknown settings section [{section}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{origin}: [{section}] must be a table")
        for key, value in values.items():
            if key not in base[section]:
                raise ConfigError(f"{origin}: unknown setting {section}.{key}")
            base[section][key] = value


def _build(cls: type[Settings], data: dict[str, Any]) -> Settings:
    sections = {}
    for f in dataclasses.fields(cls):
        section_cls = f.type if isinstance(f.type, type) else globals()[f.type]
        try:
            sections[f.name] = section_cls(**data[f.name])
        except TypeError as exc:
            raise ConfigError(f"settings section [{f.name}]: {exc}") from exc
    return cls(**sections)
