"""One source, end to end: discover links, fetch new ones, extract, check, dedup, record.

Entry points are worked in registry order; WARC entry points skip the network and feed their records
straight into the same page path (``analyze_page`` then ``record_page``) as fetched pages, in chunks: the
pages of a chunk are analysed in a worker process (``settings.crawl.workers`` > 1) or a thread while the
previous chunk is recorded in one state transaction, in WARC order.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import itertools
import json
import logging
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.crawl.archive import (
    WarcArchive,
    WarcResponse,
    iter_warc_responses,
    resolve_warc_paths,
    warc_roots,
)
from pipeline.crawl.discovery import Link, MalformedXML, discover, section_links
from pipeline.crawl.fetch import Fetcher, Politeness
from pipeline.crawl.state import CrawlState
from pipeline.crawl.text import AnalyzedPage, analyze_page, analyze_pages, decode_html
from pipeline.crawl.urls import article_id_for, canonicalize_url, host_of
from pipeline.errors import FetchFailed, UnsafeXML
from pipeline.progress import Progress
from pipeline.settings import Settings
from pipeline.sources import EntryPoint, Source

logger = logging.getLogger(__name__)

MAX_CHILD_SITEMAPS = 25
# A link whose fetch failed transiently is retried on this many later runs before it is given up.
MAX_PENDING_ATTEMPTS = 3
TRANSIENT_KINDS = ("timeout", "truncated", "connection", "client_error", "http_408", "http_429", "http_5")
PROGRESS_EVERY = 25
# Fewer words than this is no body at all (trafilatura fell back to navigation or a caption).
MIN_BODY_WORDS = 5
# WARC pages per analysis task and per state transaction; chunks in flight per worker.
WARC_CHUNK = 64
WARC_CHUNKS_IN_FLIGHT_PER_WORKER = 2
WARC_PROGRESS_EVERY = 5000


@dataclass
class SourceReport:
    """Counts for one source in one run (becomes a ``runs`` row)."""

    source_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    discovered: int = 0
    fetched: int = 0
    new_articles: int = 0
    duplicates: int = 0
    quarantined: int = 0
    not_modified: int = 0
    out_of_window: int = 0
    skipped: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)

    def status(self) -> str:
        if not self.errors:
            return "ok"
        return "failed" if self.fetched == 0 and self.new_articles == 0 else "partial"


@dataclass
class CrawlContext:
    """Everything a source crawl needs, passed down explicitly."""

    settings: Settings
    state: CrawlState
    fetcher: Fetcher | None
    run_id: str
    run_date: dt.date
    raw_dir: Path
    window: tuple[dt.datetime, dt.datetime] | None
    progress: bool
    # Worker processes for page analysis (WARC ingest); None = a thread of this process.
    pool: Executor | None = None
    # The crawl's progress line (pages fetched or read from WARC files); None = no line.
    pages: Progress | None = None


async def crawl_source(ctx: CrawlContext, source: Source) -> SourceReport:
    """Crawl one source; errors of single URLs are counted, quarantined and never abort the source."""
    report = SourceReport(source.id, _now())
    archive = WarcArchive(ctx.raw_dir / f"{ctx.run_id}-{source.id}.warc.gz", software=ctx.settings.crawl.user_agent)
    validators: dict[str, tuple[str | None, str | None]] = {}
    children: dict[str, list[str]] = {}
    links: dict[str, Link] = {}
    try:
        for entry in source.entry_points:
            if entry.type == "warc":
                await ingest_warc(ctx, source, entry, report)
            else:
                await discover_entry(ctx, source, entry, archive, links, (validators, children), report)
        await fetch_articles(ctx, source, archive, list(links.values()), report)
    finally:
        archive.close()
    # Feed validators are saved only once the articles behind them are recorded: a crash before this
    # point makes the rerun fetch the feed in full again instead of getting a 304.
    ctx.state.save_validators(validators, now=_now())
    ctx.state.save_sitemap_children(children)
    report.finished_at = _now()
    ctx.state.finish_source(source.id, run_id=ctx.run_id, run_date=ctx.run_date, status=report.status(),
                            now=report.finished_at)
    return report


# --- discovery -------------------------------------------------------------------------------------


async def discover_entry(
    ctx: CrawlContext, source: Source, entry: EntryPoint, archive: WarcArchive, links: dict[str, Link],
    memo: tuple[dict[str, tuple[str | None, str | None]], dict[str, list[str]]], report: SourceReport,
) -> None:
    """Fetch a feed / sitemap (index) / section page and add its article links to ``links``.

    ``memo`` collects (HTTP validators, sitemap index children) to save once the source is done.
    """
    validators, children = memo
    queue = [entry.url or ""]
    done: set[str] = set()
    # The registry names the entry point, so its host is allowed; its children (sitemaps of an index)
    # pass the same allow-list as everything else: the source's hosts plus that one.
    politeness = _politeness(source, extra_host=host_of(entry.url or ""))
    while queue and len(done) <= MAX_CHILD_SITEMAPS:
        url = queue.pop(0)
        if url in done:
            continue
        done.add(url)
        try:
            response = await _fetcher(ctx).fetch(url, politeness=politeness, archive=archive,
                                                 validators=ctx.state.validators(url))
        except FetchFailed as exc:
            _fail(ctx, source, report, url, exc.kind, str(exc))
            continue
        report.fetched += 1
        if response.status == 304:
            report.not_modified += 1
            queue.extend(ctx.state.sitemap_children(url))
            continue
        if entry.type == "section":
            html, _ = decode_html(response.body, response.content_type)
            found = section_links(html, response.final_url)
        else:
            try:
                discovered = discover(response.body, response.final_url)
            except (UnsafeXML, MalformedXML) as exc:
                _fail(ctx, source, report, url, "unsafe_xml" if isinstance(exc, UnsafeXML) else "malformed_feed",
                      str(exc))
                # Kept, so the same broken file is not downloaded in full again (a changed one is).
                validators[url] = (response.headers.get("etag"), response.headers.get("last-modified"))
                continue
            queue.extend(discovered.sitemaps)
            if discovered.sitemaps:
                children[url] = discovered.sitemaps
            found = discovered.links
        validators[url] = (response.headers.get("etag"), response.headers.get("last-modified"))
        for link in found:
            links.setdefault(link.url, link)
        report.discovered += len(found)


async def fetch_articles(
    ctx: CrawlContext, source: Source, archive: WarcArchive, links: list[Link], report: SourceReport
) -> None:
    """Fetch the links not seen before (newest first, at most ``max_articles_per_source``)."""
    pending = ctx.state.pending_links(source.id, max_attempts=MAX_PENDING_ATTEMPTS)
    links = links + [Link(url) for url in pending if url not in {link.url for link in links}]
    on_site = [link for link in links if source.allows_host(host_of(link.url))]
    if len(links) > len(on_site):
        report.skipped["offsite_link"] += len(links) - len(on_site)
    seen = ctx.state.seen(link.url for link in on_site)
    report.duplicates += len(seen)
    todo = [link for link in on_site if link.url not in seen]
    todo.sort(key=lambda link: link.published_at or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    limit = ctx.settings.crawl.max_articles_per_source
    if len(todo) > limit:
        report.skipped["over_max_articles"] += len(todo) - limit
        todo = todo[:limit]
    if ctx.progress:
        logger.info("%s: %d links, %d already seen, fetching %d", source.id, len(on_site), len(seen), len(todo))
    if ctx.pages is not None:
        ctx.pages.add_total(len(todo))
    politeness = _politeness(source)

    async def one(link: Link) -> None:
        try:
            response = await _fetcher(ctx).fetch(link.url, politeness=politeness, archive=archive)
        except FetchFailed as exc:
            _fail(ctx, source, report, link.url, exc.kind, str(exc))
            transient = exc.kind.startswith(TRANSIENT_KINDS)
            ctx.state.set_pending(link.url, source_id=source.id, kind=exc.kind if transient else None)
            if ctx.pages is not None:
                ctx.pages.update()
            return
        report.fetched += 1
        ctx.state.set_pending(link.url, source_id=source.id, kind=None)
        await ingest_page(ctx, source, report, url=link.url, final_url=response.final_url, body=response.body,
                          content_type=response.content_type, fetched_at=response.fetched_at, hint=link,
                          warc=(response.warc_path, response.warc_offset))
        if ctx.pages is not None:
            ctx.pages.update()
        if ctx.progress and report.fetched % PROGRESS_EVERY == 0:
            logger.info("%s: fetched %d/%d", source.id, report.fetched, len(todo))

    await asyncio.gather(*(one(link) for link in todo))


async def ingest_warc(ctx: CrawlContext, source: Source, entry: EntryPoint, report: SourceReport) -> None:
    """Every HTML response of the WARC file(s) on the source's hosts is analysed and recorded, in order.

    Chunks of ``WARC_CHUNK`` pages go to the analysis pool (a few ahead); each finished chunk is recorded
    in one state transaction, in WARC order, so the outcome does not depend on the number of workers.
    """
    loop = asyncio.get_running_loop()
    workers = max(1, ctx.settings.crawl.workers) if ctx.pool is not None else 1
    depth = WARC_CHUNKS_IN_FLIGHT_PER_WORKER * workers
    roots = warc_roots(ctx.settings.data_root, ctx.settings.crawl.warc_roots)
    for path in resolve_warc_paths(entry.path or "", source.registry_dir, roots):
        if ctx.progress:
            logger.info("%s: reading %s (%d worker(s))", source.id, path, workers)
        in_flight: deque[tuple[list[tuple[WarcResponse, str]], asyncio.Future]] = deque()
        recorded = 0
        for chunk in _chunks(_new_warc_pages(ctx, source, path, report), WARC_CHUNK):
            pages = [(record.body, url, record.content_type) for record, url in chunk]
            future = (loop.run_in_executor(ctx.pool, analyze_pages, pages) if ctx.pool is not None
                      else asyncio.ensure_future(asyncio.to_thread(analyze_pages, pages)))
            in_flight.append((chunk, future))
            if len(in_flight) >= depth:
                recorded = await _record_warc_chunk(ctx, source, report, *in_flight.popleft(), recorded=recorded)
        while in_flight:
            recorded = await _record_warc_chunk(ctx, source, report, *in_flight.popleft(), recorded=recorded)


def _new_warc_pages(
    ctx: CrawlContext, source: Source, path: Path, report: SourceReport
) -> Iterator[tuple[WarcResponse, str]]:
    """(record, canonical URL) of the file's HTML 200 responses on the source's hosts not seen before."""
    for record in iter_warc_responses(path, max_bytes=ctx.settings.crawl.max_response_bytes):
        report.fetched += 1
        if not source.allows_host(host_of(record.url)):
            report.skipped["other_host"] += 1
            continue
        if record.status != 200 or "html" not in (record.content_type or "text/html").lower():
            report.skipped["not_html"] += 1
            continue
        url = canonicalize_url(record.url)
        if ctx.state.seen([url]):
            report.duplicates += 1
            continue
        yield record, url


async def _record_warc_chunk(
    ctx: CrawlContext, source: Source, report: SourceReport, chunk: list[tuple[WarcResponse, str]],
    future: asyncio.Future, *, recorded: int,
) -> int:
    """Record an analysed chunk in one transaction; returns the running count of pages recorded."""
    analyzed: list[AnalyzedPage] = await future
    with ctx.state.transaction():
        for (record, url), page in zip(chunk, analyzed, strict=True):
            if ctx.state.seen([url]):  # the same URL earlier in the file, recorded after this chunk was read
                report.duplicates += 1
                continue
            record_page(ctx, source, report, page, url=url, final_url=url, fetched_at=record.fetched_at or _now(),
                        hint=Link(url), warc=(record.warc_path, record.warc_offset))
    done = recorded + len(chunk)
    if ctx.pages is not None:
        ctx.pages.update(len(chunk))
    if ctx.progress and done // WARC_PROGRESS_EVERY > recorded // WARC_PROGRESS_EVERY:
        logger.info("%s: %d pages recorded (%d new articles)", source.id, done, report.new_articles)
    return done


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --- one page ---------------------------------------------------------------------------------------


async def ingest_page(
    ctx: CrawlContext, source: Source, report: SourceReport, *, url: str, final_url: str, body: bytes,
    content_type: str | None, fetched_at: dt.datetime, hint: Link, warc: tuple[str | None, int | None],
) -> None:
    """Extract, check and dedup one page; records it as an article, a duplicate or a quarantine row."""
    if ctx.pool is not None:
        page = await asyncio.get_running_loop().run_in_executor(ctx.pool, analyze_page, body, final_url,
                                                                content_type)
    else:
        page = await asyncio.to_thread(analyze_page, body, final_url, content_type)
    record_page(ctx, source, report, page, url=url, final_url=final_url, fetched_at=fetched_at, hint=hint,
                warc=warc)


def record_page(
    ctx: CrawlContext, source: Source, report: SourceReport, analyzed: AnalyzedPage, *, url: str,
    final_url: str, fetched_at: dt.datetime, hint: Link, warc: tuple[str | None, int | None],
) -> None:
    """Check and dedup an analysed page: recorded as an article, a duplicate, a quarantine row or skipped."""
    page = analyzed.page
    canonical = _canonical(page.canonical_href, final_url, source)
    published = page.published_at or hint.published_at
    when = published or fetched_at
    if ctx.window is not None and not (ctx.window[0] <= when < ctx.window[1]):
        report.out_of_window += 1
        return
    fetched_url = canonicalize_url(final_url)
    urls = list(dict.fromkeys([fetched_url if url == final_url else canonicalize_url(url), fetched_url, canonical]))
    row = {
        "article_id": article_id_for(canonical), "source_id": source.id, "url": final_url,
        "canonical_url": canonical, "alt_urls": [u for u in urls if u not in (final_url, canonical)],
        "title": page.title or hint.title, "text": page.text, "author": page.author, "published_at": published,
        "fetched_at": fetched_at, "language": page.language, "country_code": source.country,
        "content_sha256": analyzed.content_sha256, "near_duplicate_of": None, "warc_path": warc[0],
        "warc_offset": warc[1], "run_id": ctx.run_id, "run_date": ctx.run_date,
    }
    reason = rejection_reason(page.text, page.language, source, ctx.settings.crawl.min_body_chars)
    if reason:
        _quarantine(ctx, source, report, row["article_id"], final_url, reason, row)
        ctx.state.mark_seen(urls, source_id=source.id, run_date=ctx.run_date, article_id=None)
        return
    claim = ctx.state.claim_article(row, urls=urls, sketch=analyzed.sketch,
                                    threshold=ctx.settings.crawl.near_duplicate_threshold)
    if claim.outcome == "new":
        report.new_articles += 1
    else:
        report.duplicates += 1
        logger.debug("%s: %s is a %s of %s", source.id, final_url, claim.outcome, claim.article_id)


def rejection_reason(text: str, language: str, source: Source, min_chars: int) -> str | None:
    """Why an extracted page cannot be an article (quarantine reason), or None."""
    if len(text.split()) < MIN_BODY_WORDS:
        return "empty_body"
    if source.language == "ar" and language != "ar":
        return "not_arabic"
    if len(text) < min_chars:
        return "too_short"
    return None


# --- helpers ----------------------------------------------------------------------------------------


def _canonical(href: str | None, final_url: str, source: Source) -> str:
    """rel=canonical when it points into the source's hosts, else the fetched URL, normalised."""
    if href:
        candidate = canonicalize_url(href, final_url)
        if candidate.startswith("http") and source.allows_host(host_of(candidate)):
            return candidate
    return canonicalize_url(final_url)


def _politeness(source: Source, *, extra_host: str | None = None) -> Politeness:
    def allows(host: str) -> bool:
        return source.allows_host(host) or (extra_host is not None and host == extra_host)

    return Politeness(delay=source.crawl_delay_seconds, concurrency=source.max_concurrency, allows_host=allows,
                      allow_private=source.allow_private_addresses)


def _fetcher(ctx: CrawlContext) -> Fetcher:
    if ctx.fetcher is None:
        raise RuntimeError("HTTP entry point crawled without a fetcher")
    return ctx.fetcher


def _fail(ctx: CrawlContext, source: Source, report: SourceReport, url: str, kind: str, detail: str) -> None:
    report.errors[kind] += 1
    logger.warning("%s: %s", source.id, detail)
    record_id = article_id_for(canonicalize_url(url)) if url.startswith("http") else url
    _quarantine(ctx, source, report, record_id, url, f"fetch_failed:{kind}", {"url": url, "detail": detail})


def _quarantine(
    ctx: CrawlContext, source: Source, report: SourceReport, record_id: str, url: str, reason: str, payload: dict
) -> None:
    report.quarantined += 1
    key = f"articles|{record_id}|crawl|{reason}"
    row = {
        "quarantine_id": hashlib.sha256(key.encode("utf-8")).hexdigest(), "table_name": "articles",
        "record_id": record_id, "stage": "crawl", "reason": reason, "failed_expectations": None,
        "source_url": url, "payload": json.dumps(payload, default=str, ensure_ascii=False),
        "run_id": ctx.run_id, "run_date": ctx.run_date,
    }
    ctx.state.record_quarantine(row, source_id=source.id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
