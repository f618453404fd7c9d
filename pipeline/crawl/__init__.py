"""Crawl stage: polite, incremental, archived crawling of the registry's outlets, plus WARC backfills.

Order of the concerns (each a small function in its own module):

1. ``pipeline.sources.load_registry``: validated outlets and entry points
2. ``source_crawl.discover_entry``: feeds / sitemaps / section pages -> links (``discovery``, defusedxml)
3. ``urls.canonicalize_url`` + ``state.CrawlState.seen``: skip URLs seen in earlier runs
4. ``fetch.Fetcher``: allow-list -> robots.txt -> per-host gate (delay, concurrency) -> address check
   (``addresses``: no loopback/private/link-local unless the source opts in) -> request with timeouts and
   a size cap -> WARC archive (``archive``) -> retry with backoff on 408/429/5xx -> allowed redirects
5. ``text.extract_page``: charset, trafilatura, rel=canonical, publication time, language
6. ``source_crawl.rejection_reason``: empty / not Arabic / too short -> quarantine
7. ``state.CrawlState.claim_article``: same URL / same body -> duplicate, near-duplicate -> linked
8. ``crawl_sources`` returns the run date's articles, quarantine rows and one ``runs`` row per source
   (or, with ``articles_sink``, streams the articles to it in batches: a big day never sits in memory)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from pipeline import paths, schema
from pipeline.errors import ConfigError
from pipeline.settings import Settings
from pipeline.sources import Source, load_registry, select_sources

if TYPE_CHECKING:  # imported where used: `conflict-events --help` must not load trafilatura/camel/aiohttp
    from pipeline.crawl.source_crawl import SourceReport
    from pipeline.crawl.state import CrawlState

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

# Recorded rows decoded per batch when the day's tables are built (bounds the Python objects alive).
DAY_RECORDS_BATCH = 2000

__all__ = ["CrawlResult", "crawl_sources", "runs_table", "format_report"]


@dataclass(frozen=True)
class CrawlResult:
    """The run date's articles (ARTICLE_SCHEMA), quarantine rows and per-source ``runs`` rows.

    With an ``articles_sink``, ``articles`` is empty (the rows went to the sink), ``article_count`` counts
    them and ``articles_written`` is what the sink returned (e.g. the staged part's path).
    """

    articles: pa.Table
    quarantine: pa.Table
    runs: pa.Table
    article_count: int = 0
    articles_written: object = None


ArticlesSink = Callable[[Iterator[pa.Table]], object]


def crawl_sources(
    settings: Settings, *, sources_file: str, run_date: dt.date, run_id: str, source_ids: list[str] | None = None,
    window: tuple[dt.datetime, dt.datetime] | None = None, progress: bool = True,
    articles_sink: ArticlesSink | None = None,
) -> CrawlResult:
    """Crawl the enabled sources (or ``source_ids``) and return everything recorded for ``run_date``.

    Articles are committed to the crawl state as they are extracted, so a rerun of the same run_date
    (after a crash anywhere, even after this function returned) returns them again, once each.
    ``window`` = [start, end): keep only articles published (else fetched) in it; others stay unseen.
    ``articles_sink``: called once with an iterator of the day's article tables (``DAY_RECORDS_BATCH`` rows
    each, in record order), which it must consume (e.g. ``store.write_partition_batches``); the result's
    ``articles`` is then empty. Without it, the articles come back as one table.
    """
    from pipeline.crawl.state import CrawlState

    sources = select_sources(load_registry(sources_file), source_ids, origin=sources_file)
    if window is not None:
        window = (_aware(window[0]), _aware(window[1]))
    raw = paths.raw_dir(settings, run_date)
    if "://" in raw and not raw.startswith("file://"):
        raise ConfigError(f"WARC archives need a local data_root, got {raw!r}")
    pool = _page_pool(settings, sources)  # forked before the state is opened and before any thread starts
    try:
        with CrawlState.open(settings) as state:
            reports = asyncio.run(_crawl_all(settings, state, sources, run_id=run_id, run_date=run_date,
                                             raw_dir=Path(raw.removeprefix("file://")), window=window,
                                             progress=progress, pool=pool))
            if pool is not None:
                pool.shutdown(cancel_futures=True)
                pool = None
            ids = [s.id for s in sources]
            per_source: Counter[str] = Counter()
            batches = _counted(_day_batches(state, run_date, "article", ids, run_id=run_id, window=window),
                               per_source)
            if articles_sink is None:
                articles = _concat(list(batches), "articles")
                written = None
            else:
                articles = schema.empty_table("articles")
                written = articles_sink(batches)
                for _ in batches:  # a sink that stopped early must not change the counts
                    pass
            quarantine = _concat(list(_day_batches(state, run_date, "quarantine", ids, run_id=run_id,
                                                   window=None)), "quarantine")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    result = CrawlResult(
        articles=articles,
        quarantine=quarantine,
        runs=_runs_table(reports, run_id=run_id, run_date=run_date, day_articles=per_source),
        article_count=sum(per_source.values()),
        articles_written=written,
    )
    if progress:
        for line in format_report(result.runs).splitlines():
            logger.info("%s", line)
    return result


# Gzipped WARC bytes below which pages are analysed in a thread even with crawl.workers > 1: about 600
# pages (ten chunks), where starting the worker processes would cost more than it saves.
WARC_POOL_MIN_BYTES = 1_000_000


def _warc_bytes(sources: list[Source]) -> int:
    from pipeline.crawl.archive import resolve_warc_paths

    total = 0
    for source in sources:
        for entry in source.entry_points:
            if entry.type == "warc":
                try:
                    total += sum(p.stat().st_size for p in resolve_warc_paths(entry.path or "", source.registry_dir))
                except (OSError, ConfigError):  # a missing file is reported by the ingest itself
                    continue
    return total


def _page_pool(settings: Settings, sources: list[Source]) -> ProcessPoolExecutor | None:
    """Worker processes for WARC page analysis when ``crawl.workers`` > 1 and the sources' WARC files hold
    more than a few chunks of pages (``WARC_POOL_MIN_BYTES``)."""
    workers = settings.crawl.workers
    if workers <= 1 or _warc_bytes(sources) < WARC_POOL_MIN_BYTES:
        return None
    pool = ProcessPoolExecutor(workers)
    pool.submit(int).result()  # start the workers now (fork): no thread or database handle is open yet
    return pool


async def _crawl_all(
    settings: Settings, state: CrawlState, sources: list[Source], *, run_id: str, run_date: dt.date, raw_dir: Path,
    window: tuple[dt.datetime, dt.datetime] | None, progress: bool, pool: ProcessPoolExecutor | None = None,
) -> list[SourceReport]:
    import aiohttp

    from pipeline.crawl.addresses import GuardedResolver
    from pipeline.crawl.fetch import Fetcher
    from pipeline.crawl.source_crawl import CrawlContext, crawl_source
    from pipeline.progress import Progress

    resolver = GuardedResolver()
    connector = aiohttp.TCPConnector(limit=settings.crawl.max_concurrency_total, ttl_dns_cache=300, resolver=resolver)
    async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
        fetcher = Fetcher(settings.crawl, session, resolver)
        if progress:
            logger.info("crawling %d source(s) for %s (run %s)", len(sources), run_date, run_id)
        with Progress("crawl", unit="pages", enabled=None if progress else False) as pages:
            ctx = CrawlContext(settings=settings, state=state, fetcher=fetcher, run_id=run_id,
                               run_date=run_date, raw_dir=raw_dir, window=window, progress=progress,
                               pool=pool, pages=pages)
            return list(await asyncio.gather(*(crawl_source(ctx, s) for s in sources)))


def runs_table(
    reports: list[SourceReport], *, run_id: str, run_date: dt.date, articles: list[dict]
) -> pa.Table:
    """One RUN_SCHEMA row per source; ``new_articles``/``records_out`` count the day's articles."""
    return _runs_table(reports, run_id=run_id, run_date=run_date,
                       day_articles=Counter(a["source_id"] for a in articles))


def _runs_table(
    reports: list[SourceReport], *, run_id: str, run_date: dt.date, day_articles: Counter[str]
) -> pa.Table:
    rows = []
    for r in reports:
        day_count = day_articles[r.source_id]
        message = (
            f"{r.discovered} links, {r.fetched} fetched, {r.new_articles} new this pass, "
            f"{day_count} for {run_date}, {r.duplicates} duplicates, {r.not_modified} not modified, "
            f"{r.out_of_window} out of window, skipped {dict(r.skipped) or 0}"
        )
        rows.append({
            "run_id": run_id, "run_date": run_date, "stage": "crawl", "source_id": r.source_id,
            "started_at": r.started_at, "finished_at": r.finished_at, "status": r.status(),
            "records_in": r.discovered, "records_out": day_count, "fetched": r.fetched,
            "new_articles": day_count, "duplicates": r.duplicates, "quarantined": r.quarantined,
            "errors": sum(r.errors.values()), "errors_by_kind": json.dumps(dict(sorted(r.errors.items()))),
            "message": message,
        })
    return schema.to_table(rows, "runs")


def format_report(runs: pa.Table) -> str:
    """The per-source crawl report as aligned text lines."""
    header = f"{'source':<24} {'status':<8} {'fetched':>7} {'new':>5} {'dups':>5} {'quar':>5} {'errors':>6}  by kind"
    lines = [header]
    for row in runs.to_pylist():
        lines.append(
            f"{row['source_id'] or '-':<24} {row['status']:<8} {row['fetched'] or 0:>7} {row['new_articles'] or 0:>5} "
            f"{row['duplicates'] or 0:>5} {row['quarantined'] or 0:>5} {row['errors'] or 0:>6}  {row['errors_by_kind']}"
        )
    return "\n".join(lines)


def _day_batches(
    state: CrawlState, run_date: dt.date, kind: str, source_ids: list[str], *, run_id: str,
    window: tuple[dt.datetime, dt.datetime] | None,
) -> Iterator[pa.Table]:
    """The day's recorded articles or quarantine rows, one table per batch of decoded rows."""
    table_name = "articles" if kind == "article" else "quarantine"
    for rows in state.iter_day_records(run_date, kind, source_ids, batch_size=DAY_RECORDS_BATCH):
        rows = _restamp(rows, run_id)
        if window is not None:
            rows = [a for a in rows if _in_window(a, window)]
        if rows:
            yield schema.to_table(rows, table_name)


def _counted(batches: Iterable[pa.Table], per_source: Counter[str]) -> Iterator[pa.Table]:
    """``batches`` unchanged, counting their rows per ``source_id`` as they pass."""
    for batch in batches:
        per_source.update(batch.column("source_id").to_pylist())
        yield batch


def _concat(parts: list[pa.Table], table_name: str) -> pa.Table:
    return pa.concat_tables(parts) if parts else schema.to_table([], table_name)


def _restamp(rows: list[dict], run_id: str) -> list[dict]:
    return [{**row, "run_id": run_id} for row in rows]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _in_window(article: dict, window: tuple[dt.datetime, dt.datetime]) -> bool:
    when = article.get("published_at") or article.get("fetched_at")
    return when is None or window[0] <= when < window[1]
