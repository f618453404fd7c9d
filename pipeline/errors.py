"""Every exception the pipeline raises, grouped by stage."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class of the pipeline's own errors."""


# --- configuration -------------------------------------------------------------------------------
class ConfigError(PipelineError):
    """A settings or source-registry file is missing, malformed or inconsistent."""


class SourceRegistryError(ConfigError):
    """The source registry (data/sources/*.yaml) failed validation; the message names file and field."""


# --- crawl -----------------------------------------------------------------------------------------
class FetchFailed(PipelineError):
    """An HTTP fetch failed after its retries (timeouts, 5xx, connection errors)."""

    def __init__(self, url: str, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {url} {detail}".strip())
        self.url = url
        self.kind = kind


class RobotsDisallowed(FetchFailed):
    """robots.txt forbids fetching the URL for our User-Agent."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "robots_disallowed")


class UnsafeXML(PipelineError):
    """A feed or sitemap used entity expansion, DTDs or other constructs we refuse to parse."""


class ArticleRejected(PipelineError):
    """An article cannot be used (not Arabic, empty body, ...); it goes to quarantine with ``reason``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# --- extract ---------------------------------------------------------------------------------------
class InputFormatError(PipelineError):
    """An input file (JSONL corpus, gold file) has a missing field or a malformed line."""


# --- store / validate / load / publish --------------------------------------------------------------
class SchemaMismatch(PipelineError):
    """A table does not match the schema module (missing/extra columns, wrong types, other version)."""


class ValidationFailed(PipelineError):
    """A batch-level expectation failed: the run must not publish."""


class WarehouseMissing(PipelineError):
    """The DuckDB warehouse file does not exist yet (run `conflict-events load` first)."""


class SnapshotExists(PipelineError):
    """A snapshot version already exists; published versions are immutable."""


class SnapshotUnchanged(SnapshotExists):
    """The version is already published, complete, with exactly the rows this publish would write (the rerun
    of a publish killed after its last step): nothing to do. ``path`` is the release folder."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class WarehouseBusy(PipelineError):
    """Another process holds the DuckDB warehouse open for writing (or another load runs) past the wait."""


class QueryFailed(PipelineError):
    """`query` refused the SQL (not one read statement, or touches files/network) or DuckDB rejected it."""
