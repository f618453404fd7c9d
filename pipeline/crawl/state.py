"""Crawl state in SQLite: seen URLs, content hashes, MinHash signatures (LSH-banded), feed validators,
last run per source, and every article/quarantine row produced per run_date (so a rerun of a day returns them again).

Several processes may crawl different sources at once (Airflow mapped tasks): the database runs in WAL
mode, and each dedup decision is one ``BEGIN IMMEDIATE`` transaction (or part of a batch of them, see
``CrawlState.transaction``), so two writers never both claim the same URL or body.

On a cluster (the lake on object storage, ``paths.is_remote``) the state is one SQLite file in
``<lake_root>/state/``: a crawl takes it under a lock object created with an exclusive put (S3
``If-None-Match: *``), works on a local copy and puts it back before releasing the lock (``StateLease``).
Crawls on different hosts therefore take turns; a crawl that dies leaves the stored state as it was (its
retry starts again from there) and its lock is broken once older than ``crawl.state_lock_seconds``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline import paths, schema
from pipeline.crawl.minhash_index import MinhashIndex
from pipeline.crawl.text import BodySketch
from pipeline.errors import ConfigError
from pipeline.settings import Settings

logger = logging.getLogger(__name__)

STATE_FILE = "crawl_state.sqlite"
LOCK_FILE = "crawl_state.lock"
LOCK_POLL_SECONDS = 2.0
NEAR_DUPLICATE_WINDOW_DAYS = 30
CACHE_KIB = 64 * 1024

_DDL = """
create table if not exists seen_urls (
    url text primary key, article_id text, source_id text not null, run_date text not null);
create table if not exists content_hashes (
    content_sha256 text primary key, article_id text not null, source_id text not null);
create table if not exists minhashes (
    article_id text primary key, source_id text not null, signature text not null, run_date text not null);
create table if not exists minhash_bands (band text not null, article_id text not null, run_date text not null);
create index if not exists minhash_bands_band on minhash_bands (band);
create table if not exists alt_urls (article_id text not null, url text not null, primary key (article_id, url));
create table if not exists validators (
    url text primary key, etag text, last_modified text, updated_at text not null);
create table if not exists sitemap_children (url text not null, child text not null, primary key (url, child));
create table if not exists pending_links (
    url text primary key, source_id text not null, attempts integer not null, last_kind text not null);
create table if not exists source_runs (
    source_id text primary key, run_id text not null, run_date text not null, finished_at text not null,
    status text not null);
create table if not exists run_records (
    run_date text not null, kind text not null, record_id text not null, source_id text not null,
    payload text not null, primary key (run_date, kind, record_id));
"""


@dataclass(frozen=True)
class Claim:
    """Outcome of offering an article to the state: ``new``, ``duplicate_url`` or ``duplicate_content``."""

    outcome: str
    article_id: str
    near_duplicate_of: str | None = None


def state_path(settings: Settings) -> Path:
    """The SQLite file crawls open: the state itself, or this host's working copy of a remote one."""
    root = paths.state_dir(settings)
    if not paths.is_remote(root):
        return Path(root.removeprefix("file://")) / STATE_FILE
    cache = paths.state_cache_dir(settings)
    if paths.is_remote(cache):
        raise ConfigError(f"the working copy of the crawl state needs a local folder, got {cache!r} (paths.local_root)")
    return Path(cache.removeprefix("file://")) / hashlib.sha1(root.encode()).hexdigest()[:12] / STATE_FILE


class StateLost(RuntimeError):
    """The crawl-state lock was broken while this crawl held it: its changes are not written back."""


class StateLease:
    """Exclusive use of a crawl state kept on object storage, through a lock object next to it.

    ``acquire`` creates ``crawl_state.lock`` with an exclusive put (it fails when the object exists), waiting
    while another crawl holds it; ``download`` copies the state to a local file, ``upload`` puts it back
    (refused when the lock is no longer ours) and ``release`` deletes the lock.
    """

    def __init__(self, root: str, *, ttl_seconds: float, fs: Any = None) -> None:
        from fsspec.core import url_to_fs

        if fs is None:
            fs, base = url_to_fs(root)
        else:
            base = root.split("://", 1)[-1]
        self.fs = fs
        self.lock = f"{base.rstrip('/')}/{LOCK_FILE}"
        self.state = f"{base.rstrip('/')}/{STATE_FILE}"
        self.ttl = ttl_seconds
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self, *, poll_seconds: float = LOCK_POLL_SECONDS, clock=time.time, sleep=time.sleep) -> StateLease:
        """Take the lock; wait while another live crawl holds it (at most ``ttl``), break it once expired."""
        deadline = clock() + self.ttl
        waiting_for = None
        while True:
            body = json.dumps({"owner": self.owner, "expires_at": clock() + self.ttl}).encode()
            try:
                self.fs.pipe_file(self.lock, body, mode="create")
                logger.info("crawl state %s locked by %s", self.state, self.owner)
                return self
            except FileExistsError:
                pass
            holder = self.holder()
            if holder is None:
                continue  # released between our put and our read
            if holder["expires_at"] < clock():
                logger.warning("breaking the expired crawl-state lock of %s", holder["owner"])
                self._remove_lock()
                continue
            if clock() >= deadline:
                raise TimeoutError(f"crawl state {self.state} still locked by {holder['owner']} after {self.ttl:.0f}s")
            if holder["owner"] != waiting_for:
                waiting_for = holder["owner"]
                logger.info("crawl state locked by %s; waiting", waiting_for)
            sleep(poll_seconds)

    def holder(self) -> dict | None:
        """The lock's content (``owner``, ``expires_at``), or None when there is no lock."""
        try:
            return json.loads(self.fs.cat_file(self.lock))
        except FileNotFoundError:
            return None

    def download(self, local: Path) -> None:
        """Replace ``local`` with the stored state (or remove it when none is stored yet)."""
        local.parent.mkdir(parents=True, exist_ok=True)
        for stale in (local, local.with_name(local.name + "-wal"), local.with_name(local.name + "-shm")):
            stale.unlink(missing_ok=True)
        tmp = local.with_name(local.name + ".download")
        try:
            self.fs.get_file(self.state, str(tmp))
        except FileNotFoundError:
            logger.info("no crawl state at %s yet: starting a new one", self.state)
            return
        os.replace(tmp, local)

    def upload(self, local: Path) -> None:
        """Put the local state back (one object put, atomic), if the lock is still ours."""
        holder = self.holder()
        if holder is None or holder["owner"] != self.owner:
            raise StateLost(f"crawl-state lock of {self.owner} was taken over by {holder}; state not written back")
        self.fs.put_file(str(local), self.state)
        logger.info("crawl state written back to %s (%d bytes)", self.state, local.stat().st_size)

    def release(self) -> None:
        holder = self.holder()
        if holder is not None and holder["owner"] == self.owner:
            self._remove_lock()

    def _remove_lock(self) -> None:
        try:
            self.fs.rm_file(self.lock)
        except FileNotFoundError:
            pass


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    conn.execute("pragma busy_timeout = 60000")
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = normal")
    # The band index is written at random places; 64 MB of cache (was 256) keeps a 50k-article day under
    # the 1.5 GB peak RSS target, the OS page cache serves the rest.
    conn.execute(f"pragma cache_size = -{CACHE_KIB}")
    conn.executescript(_DDL)
    return conn


class CrawlState:
    """Open with ``CrawlState.open(settings)``; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, *, lease: StateLease | None = None, path: Path | None = None) -> None:
        self.conn = conn
        self._minhashes: MinhashIndex | None = None  # built on the first near-duplicate lookup
        self._lease = lease
        self._path = path

    @classmethod
    def open(cls, settings: Settings) -> CrawlState:
        path = state_path(settings)
        root = paths.state_dir(settings)
        if not paths.is_remote(root):
            return cls(_connect(path))
        lease = StateLease(root, ttl_seconds=settings.crawl.state_lock_seconds).acquire()
        try:
            lease.download(path)
            return cls(_connect(path), lease=lease, path=path)
        except BaseException:
            lease.release()
            raise

    def close(self) -> None:
        """Close the database; a remote state is written back (everything committed so far) and unlocked."""
        if self._lease is None:
            self.conn.close()
            return
        try:
            self.conn.execute("pragma wal_checkpoint(truncate)")
            self.conn.execute("pragma journal_mode = delete")  # one self-contained file to upload
            self.conn.close()
            self._lease.upload(self._path)
        finally:
            self._lease.release()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One ``BEGIN IMMEDIATE`` transaction around many writes (a batch of pages), committed at the end.

        Claims made inside join it instead of committing one by one: the batch is recorded whole or not at
        all, and other processes wait for the write lock until it commits. Nested calls join the outer one.
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("begin immediate")
        try:
            yield
        except BaseException:
            self.conn.execute("rollback")
            raise
        self.conn.execute("commit")

    def __enter__(self) -> CrawlState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- URLs and validators ---------------------------------------------------------------------

    def seen(self, urls: Iterable[str]) -> set[str]:
        """The subset of ``urls`` already seen (fetched and kept or refused for good)."""
        urls = list(urls)
        found: set[str] = set()
        for i in range(0, len(urls), 500):
            chunk = urls[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(f"select url from seen_urls where url in ({marks})", chunk))
        return found

    def mark_seen(self, urls: Iterable[str], *, source_id: str, run_date: dt.date, article_id: str | None) -> None:
        self.conn.executemany(
            "insert or ignore into seen_urls values (?, ?, ?, ?)",
            [(u, article_id, source_id, run_date.isoformat()) for u in urls],
        )

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.conn.execute("select etag, last_modified from validators where url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, items: dict[str, tuple[str | None, str | None]], *, now: dt.datetime) -> None:
        self.conn.executemany(
            "insert or replace into validators values (?, ?, ?, ?)",
            [(url, etag, lm, now.isoformat()) for url, (etag, lm) in items.items() if etag or lm],
        )

    def sitemap_children(self, url: str) -> list[str]:
        """Child sitemaps an index listed last time (fetched again when the index answers 304)."""
        return [r[0] for r in self.conn.execute("select child from sitemap_children where url = ?", (url,))]

    def save_sitemap_children(self, children: dict[str, list[str]]) -> None:
        for url, kids in children.items():
            self.conn.execute("delete from sitemap_children where url = ?", (url,))
            self.conn.executemany("insert or ignore into sitemap_children values (?, ?)", [(url, k) for k in kids])

    def pending_links(self, source_id: str, *, max_attempts: int) -> list[str]:
        """Links whose fetch failed transiently in earlier runs (retried even when their feed says 304)."""
        return [r[0] for r in self.conn.execute(
            "select url from pending_links where source_id = ? and attempts < ?", (source_id, max_attempts))]

    def set_pending(self, url: str, *, source_id: str, kind: str | None) -> None:
        """Remember a transient failure of ``url`` (kind), or forget it (kind None: fetched or given up)."""
        if kind is None:
            self.conn.execute("delete from pending_links where url = ?", (url,))
            return
        self.conn.execute(
            "insert into pending_links values (?, ?, 1, ?) on conflict (url) do update set "
            "attempts = attempts + 1, last_kind = excluded.last_kind",
            (url, source_id, kind),
        )

    def finish_source(self, source_id: str, *, run_id: str, run_date: dt.date, status: str,
                      now: dt.datetime) -> None:
        self.conn.execute(
            "insert or replace into source_runs values (?, ?, ?, ?, ?)",
            (source_id, run_id, run_date.isoformat(), now.isoformat(), status),
        )

    def last_run(self, source_id: str) -> dict | None:
        row = self.conn.execute(
            "select run_id, run_date, finished_at, status from source_runs where source_id = ?", (source_id,)
        ).fetchone()
        return dict(zip(("run_id", "run_date", "finished_at", "status"), row, strict=True)) if row else None

    # --- articles --------------------------------------------------------------------------------

    def claim_article(self, row: dict, *, urls: list[str], sketch: BodySketch, threshold: float) -> Claim:
        """Record ``row`` as a new article unless its canonical URL or its body is already known.

        On a duplicate, ``urls`` are recorded against the earlier article (and added to its ``alt_urls``
        when that article belongs to the same run_date). One transaction, safe across processes.
        """
        run_date = row["run_date"].isoformat()
        conn = self.conn
        with self.transaction():
            hit = conn.execute(
                "select article_id from seen_urls where url = ? and article_id is not null", (row["canonical_url"],)
            ).fetchone()
            if hit:
                claim = Claim("duplicate_url", hit[0])
            elif hit := conn.execute(
                "select article_id from content_hashes where content_sha256 = ?", (row["content_sha256"],)
            ).fetchone():
                claim = Claim("duplicate_content", hit[0])
            else:
                original = self._original_of(self._near_duplicate(sketch, run_date, threshold), run_date)
                if original and self._published_before(row, original, run_date):
                    self._repoint_copies(original, row["article_id"], run_date)
                    original = None
                claim = Claim("new", row["article_id"], original)
            if claim.outcome == "new":
                row = {**row, "near_duplicate_of": claim.near_duplicate_of}
                self._insert_article(row, sketch, run_date)
            else:
                self._add_alt_urls(claim.article_id, urls, row["source_id"], run_date)
            self.mark_seen(urls, source_id=row["source_id"], run_date=row["run_date"], article_id=claim.article_id)
        return claim

    def _day_article(self, article_id: str, run_date: str) -> dict | None:
        found = self.conn.execute(
            "select payload from run_records where run_date = ? and kind = 'article' and record_id = ?",
            (run_date, article_id),
        ).fetchone()
        return _decode(found[0], "articles") if found else None

    def _original_of(self, article_id: str | None, run_date: str) -> str | None:
        """The original ``article_id`` is a near-duplicate of (itself when it is one, or of an earlier day)."""
        found = self._day_article(article_id, run_date) if article_id else None
        return (found or {}).get("near_duplicate_of") or article_id

    def _published_before(self, row: dict, original_id: str, run_date: str) -> bool:
        """True when ``row`` was published before the same day's article recorded as the original: fetch
        order must not decide which copy of a syndicated story is the original (earlier days are stored)."""
        original = self._day_article(original_id, run_date)
        return bool(original and row.get("published_at") and original.get("published_at")
                    and row["published_at"] < original["published_at"])

    def _repoint_copies(self, old_original: str, new_original: str, run_date: str) -> None:
        """The day's ``old_original`` and its near-duplicates become near-duplicates of ``new_original``."""
        rows = self.conn.execute(
            "select record_id, source_id, payload from run_records where run_date = ? and kind = 'article' "
            "and (record_id = ? or json_extract(payload, '$.near_duplicate_of') = ?)",
            (run_date, old_original, old_original),
        ).fetchall()
        for record_id, source_id, payload in rows:
            row = {**_decode(payload, "articles"), "near_duplicate_of": new_original}
            self._put_record(run_date, "article", record_id, source_id, row)

    def _near_duplicate(self, sketch: BodySketch, run_date: str, threshold: float) -> str | None:
        """The most similar earlier article (estimated containment >= threshold) among LSH candidates.

        Candidates: articles sharing a band key dated in the window (see ``minhash_index``, which answers
        exactly what the SQL join over ``minhash_bands`` and ``minhashes`` would, without decoding them).
        """
        since = (dt.date.fromisoformat(run_date) - dt.timedelta(days=NEAR_DUPLICATE_WINDOW_DAYS)).isoformat()
        if self._minhashes is None or since < self._minhashes.since:
            self._minhashes = MinhashIndex(since)
        self._minhashes.catch_up(self.conn)
        return self._minhashes.best_match(sketch, sketch.band_keys(), since=since, threshold=threshold)

    def _insert_article(self, row: dict, sketch: BodySketch, run_date: str) -> None:
        self.conn.execute(
            "insert into content_hashes values (?, ?, ?)", (row["content_sha256"], row["article_id"], row["source_id"])
        )
        self.conn.execute(
            "insert or replace into minhashes values (?, ?, ?, ?)",
            (row["article_id"], row["source_id"], json.dumps([sketch.shingle_count, sketch.signature]), run_date),
        )
        self.conn.executemany(
            "insert into minhash_bands values (?, ?, ?)",
            [(band, row["article_id"], run_date) for band in sketch.band_keys()],
        )
        self._put_record(run_date, "article", row["article_id"], row["source_id"], row)

    def _add_alt_urls(self, article_id: str, urls: list[str], source_id: str, run_date: str) -> None:
        self.conn.executemany("insert or ignore into alt_urls values (?, ?)", [(article_id, u) for u in urls])
        found = self.conn.execute(
            "select payload from run_records where run_date = ? and kind = 'article' and record_id = ?",
            (run_date, article_id),
        ).fetchone()
        if not found:
            return
        row = _decode(found[0], "articles")
        known = {row["url"], row["canonical_url"], *(row["alt_urls"] or [])}
        extra = [u for u in urls if u not in known]
        if extra:
            row["alt_urls"] = [*(row["alt_urls"] or []), *extra]
            self._put_record(run_date, "article", article_id, row["source_id"], row)

    # --- quarantine and per-day records ----------------------------------------------------------

    def record_quarantine(self, row: dict, *, source_id: str) -> None:
        self._put_record(row["run_date"].isoformat(), "quarantine", row["quarantine_id"], source_id, row)

    def _put_record(self, run_date: str, kind: str, record_id: str, source_id: str, row: dict) -> None:
        self.conn.execute(
            "insert or replace into run_records values (?, ?, ?, ?, ?)",
            (run_date, kind, record_id, source_id, json.dumps(row, default=_json_default, ensure_ascii=False)),
        )

    def iter_day_records(
        self, run_date: dt.date, kind: str, source_ids: list[str], *, batch_size: int
    ) -> Iterator[list[dict]]:
        """Every article (``kind="article"``) or quarantine row recorded for ``run_date`` and these sources,
        in recording order, in batches of at most ``batch_size`` rows."""
        table = "articles" if kind == "article" else "quarantine"
        marks = ",".join("?" * len(source_ids))
        cursor = self.conn.execute(
            f"select payload from run_records where run_date = ? and kind = ? and source_id in ({marks}) "
            "order by rowid",
            (run_date.isoformat(), kind, *source_ids),
        )
        while rows := cursor.fetchmany(batch_size):
            yield [_decode(r[0], table) for r in rows]


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _decode(payload: str, table: str) -> dict:
    row = json.loads(payload)
    for f in schema.TABLE_SCHEMAS[table]:
        value = row.get(f.name)
        if value is None:
            continue
        if pa.types.is_timestamp(f.type):
            row[f.name] = dt.datetime.fromisoformat(value)
        elif pa.types.is_date(f.type):
            row[f.name] = dt.date.fromisoformat(value)
    return row
