"""Load the lake into the DuckDB warehouse: create/migrate, upsert on keys, (re)create the views.

A load never loses a day and is never blocked by readers:

- It loads the run's day plus every lake day whose committed parts differ from what the warehouse holds
  (``loaded_partitions`` keeps a fingerprint per table and day), so a day a failed load missed is caught up.
- Loads are serialised by a lock file next to the warehouse (a second load waits, then runs).
- When readers hold the file open (``read_only=True``), the load copies the file, loads the copy and
  renames it over the original: readers keep the previous version until they reconnect. A process holding
  it open for writing is waited for with back-off, then reported in one line (``WarehouseBusy``).
- A kill at any point leaves the previous warehouse (DuckDB's WAL, or an unrenamed copy that the next
  load deletes).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import paths, schema
from pipeline.errors import ConfigError, SchemaMismatch, WarehouseBusy, WarehouseMissing
from pipeline.load.ddl import WAREHOUSE_TABLES, quote_ident, read_sql
from pipeline.load.events import rebuild_events, staging_select_list, warehouse_table
from pipeline.load.migrations import ensure_schema
from pipeline.settings import Settings

logger = logging.getLogger(__name__)

# Created in this order (later views read earlier ones).
VIEWS: tuple[str, ...] = (
    "events_daily",
    "fatalities_monthly",
    "actor_dyads",
    "events_with_articles",
    "mentions_with_articles",
)
_DT_RE = re.compile(r"dt=(\d{4}-\d{2}-\d{2})")
BUSY_WAIT_SECONDS = 600.0  # how long a load waits for another writer of the warehouse before giving up
BUILDING_INFIX = ".building-"


def warehouse_file(settings: Settings) -> Path:
    """Local path of the DuckDB file (the warehouse is a local file even when the lake is remote)."""
    location = paths.warehouse_path(settings)
    if "://" in location and not location.startswith("file://"):
        raise ConfigError(f"the DuckDB warehouse must be a local file, got {location}")
    return Path(location.removeprefix("file://"))


def connect(settings: Settings, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse for the pipeline's own readers; read-only by default (a writer creates
    the file and its folder). User SQL goes through ``pipeline.load.query`` instead."""
    path = warehouse_file(settings)
    if read_only:
        if not path.is_file():
            raise WarehouseMissing(f"no warehouse at {path}: run `conflict-events load` first")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path))


def lake_parts(settings: Settings, table: str, run_date: dt.date | None = None) -> dict[dt.date, list[str]]:
    """Committed Parquet parts of a lake table per day: every partition, or only ``run_date``'s.

    The store's own listing, so hidden temporary files and parts of an interrupted swap are never loaded.
    """
    from pipeline.store import committed_parts, list_partitions

    dates = [run_date] if run_date else list_partitions(settings, table_name=table)
    fs, _ = fsspec.core.url_to_fs(paths.lake_dir(settings, table))
    protocol = _protocol(fs)
    return {d: [f if protocol in ("file", "local") or "://" in f else f"{protocol}://{f.lstrip('/')}"
                for f in committed_parts(settings, table_name=table, run_date=d)] for d in dates}


def lake_files(settings: Settings, table: str, run_date: dt.date | None = None) -> list[str]:
    """Committed Parquet parts of a lake table: every partition, or only ``run_date``'s."""
    return [f for day_parts in lake_parts(settings, table, run_date).values() for f in day_parts]


def _protocol(fs: fsspec.AbstractFileSystem) -> str:
    return fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]


def _register_lake_filesystem(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Let DuckDB read a lake on object storage through the same fsspec filesystem the store writes with."""
    fs, _ = fsspec.core.url_to_fs(paths.lake_root(settings))
    if _protocol(fs) not in ("file", "local") and not con.filesystem_is_registered(_protocol(fs)):
        con.register_filesystem(fs)


def check_lake_file(path: str, table: str) -> None:
    """Refuse a damaged lake file, one without the store's schema metadata (e.g. written by a stray
    ``COPY ... TO``), of another major schema version or without a required column (footer only)."""
    fs, local_path = fsspec.core.url_to_fs(path)
    try:
        with fs.open(local_path, "rb") as f:
            file_schema = pq.read_schema(f)
    except (pa.ArrowInvalid, OSError) as exc:
        raise SchemaMismatch(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
    found = (file_schema.metadata or {}).get(b"schema_version", b"").decode()
    if not found:
        raise SchemaMismatch(f"{path}: no schema_version metadata: not written by the lake store, refused")
    if found.split(".")[0] != schema.SCHEMA_VERSION.split(".")[0]:
        raise SchemaMismatch(f"{path}: schema_version {found}, warehouse expects {schema.SCHEMA_VERSION}")
    missing = [f.name for f in schema.TABLE_FIELDS[table] if f.name not in file_schema.names]
    required = [name for name in missing if not schema.TABLE_SCHEMAS[table].field(name).nullable]
    if required:
        raise SchemaMismatch(f"{path}: missing required column(s) {required}")
    if missing:
        logger.warning("%s lacks nullable column(s) %s (older schema): loaded as null", path, missing)


def _render(template: str, table: str, stage: str) -> str:
    """``sql/<template>`` for warehouse ``table``."""
    names = schema.warehouse_column_names(table)
    keys = schema.WAREHOUSE_KEYS[table]
    order = [c for c in ("run_date", "run_id") if c in names] or list(keys)
    return read_sql(template).format(
        table=table,
        stage=stage,
        select_list=staging_select_list(table),
        column_list=", ".join(quote_ident(c) for c in names),
        key_list=", ".join(quote_ident(k) for k in keys),
        key_match=" and ".join(f"t.{quote_ident(k)} is not distinct from s.{quote_ident(k)}" for k in keys),
        order_list=", ".join(f"{quote_ident(c)} desc nulls last" for c in order),
    )


def _merge_staged(con: duckdb.DuckDBPyConnection, table: str, stage: str, *, replace: str,
                  run_dates: list[dt.date]) -> int:
    """Replace the reloaded scope, drop superseded keys, insert one row per key; returns rows inserted."""
    staged = con.execute(f"select count(*) from {stage}").fetchall()[0][0]
    if replace == "all":
        con.execute(_render("load/delete_all.sql", table, stage))
    elif replace == "partitions":
        con.execute(_render("load/delete_partition.sql", table, stage), {"run_dates": run_dates})
    con.execute(_render("load/delete_keys.sql", table, stage))
    try:
        inserted = con.execute(_render("load/insert.sql", table, stage)).fetchall()[0][0]
    except duckdb.ConstraintException as exc:
        raise SchemaMismatch(f"{table}: staged rows violate the warehouse schema: {exc}") from exc
    if inserted != staged:
        logger.warning("%s: %d staged rows shared a key with another; kept the latest run's row of each",
                       table, staged - inserted)
    con.execute(f"drop table {stage}")
    return inserted


def _load_lake_table(con: duckdb.DuckDBPyConnection, table: str, files: list[str],
                     run_dates: list[dt.date] | None) -> int:
    """Load the committed parts ``files`` of ``table``: replacing ``run_dates``, or every day (``None``)."""
    if not files:
        logger.info("%s: no lake files%s", table, f" for {run_dates}" if run_dates else "")
        return 0
    for f in files:
        check_lake_file(f, table)
    target = warehouse_table(table)
    stage = f"stage_{target}"
    try:
        con.execute(_render("load/stage_parquet.sql", target, stage), {"files": files})
    except (duckdb.BinderException, duckdb.ConversionException) as exc:
        raise SchemaMismatch(f"{table}: lake files do not match the schema: {exc}") from exc
    dates = sorted({dt.date.fromisoformat(m.group(1)) for f in files if (m := _DT_RE.search(f))})
    replace = "partitions" if run_dates is not None else "all"
    inserted = _merge_staged(con, target, stage, replace=replace, run_dates=dates)
    logger.info("%s: loaded %d rows from %d file(s)", target, inserted, len(files))
    return inserted


def lake_fingerprints(settings: Settings, table: str, parts: dict[dt.date, list[str]]) -> dict[dt.date, str]:
    """Per lake day of ``table``: a fingerprint of its committed ``parts`` (names, sizes, modification times)."""
    fs, _ = fsspec.core.url_to_fs(paths.lake_dir(settings, table))
    found = {}
    for day, day_parts in parts.items():
        stamped = []
        for path in day_parts:
            info = fs.info(path)
            stamp = info.get("mtime") or info.get("LastModified") or info.get("created") or ""
            stamped.append(f"{path.rsplit('/', 1)[-1]}:{info.get('size')}:{stamp}")
        found[day] = ";".join(stamped)
    return found


def _loaded_fingerprints(con: duckdb.DuckDBPyConnection, table: str) -> dict[dt.date, str]:
    rows = con.execute("select run_date, fingerprint from loaded_partitions where table_name = $t",
                       {"t": table}).fetchall()
    return dict(rows)


def days_to_load(lake: dict[dt.date, str], loaded: dict[dt.date, str], run_date: dt.date) -> list[dt.date]:
    """The run's day (when the lake has it) and every lake day the warehouse lacks or holds another version of."""
    return sorted(d for d, fp in lake.items() if d == run_date or loaded.get(d) != fp)


def _record_fingerprints(con: duckdb.DuckDBPyConnection, table: str, lake: dict[dt.date, str], *,
                         full: bool) -> None:
    if full:
        con.execute("delete from loaded_partitions where table_name = $t", {"t": table})
    for day, fingerprint in lake.items():
        con.execute("insert or replace into loaded_partitions (table_name, run_date, fingerprint) "
                    "values ($t, $d, $f)", {"t": table, "d": day, "f": fingerprint})


def _load_table_days(con: duckdb.DuckDBPyConnection, settings: Settings, table: str,
                     run_date: dt.date | None) -> int:
    """Load one lake table: every day (full load) or the run's day plus the days the warehouse lacks.

    The lake is listed once: the parts fingerprinted are the parts loaded."""
    parts = lake_parts(settings, table)
    lake = lake_fingerprints(settings, table, parts)
    if run_date is None:
        inserted = _load_lake_table(con, table, [f for day_parts in parts.values() for f in day_parts], None)
        _record_fingerprints(con, table, lake, full=True)
        return inserted
    days = days_to_load(lake, _loaded_fingerprints(con, table), run_date)
    missed = [d.isoformat() for d in days if d != run_date]
    if missed:
        logger.warning("%s: catching up %d day(s) the warehouse lacks or holds an older version of: %s",
                       table, len(missed), ", ".join(missed))
    inserted = _load_lake_table(con, table, [f for d in days for f in parts[d]], days) if days else 0
    _record_fingerprints(con, table, {d: lake[d] for d in days}, full=False)
    return inserted


def _load_sources(con: duckdb.DuckDBPyConnection, sources: pa.Table) -> int:
    if sources.schema.names != schema.warehouse_column_names("sources"):
        raise SchemaMismatch(f"sources table columns {sources.schema.names} != schema module")
    con.register("staged_arrow", sources)
    try:
        con.execute(_render("load/stage_arrow.sql", "sources", "stage_sources"))
    finally:
        con.unregister("staged_arrow")
    return _merge_staged(con, "sources", "stage_sources", replace="all", run_dates=[])


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for view in VIEWS:
        con.execute(read_sql(f"views/{view}.sql"))


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in WAREHOUSE_TABLES}


def load_into(con: duckdb.DuckDBPyConnection, settings: Settings, *, run_date: dt.date | None = None,
              sources: pa.Table | None = None) -> dict[str, int]:
    """Migrate, load and create views on an open connection, in one transaction."""
    from pipeline.progress import Progress

    # Steps: one per lake table, then the events rebuild, then the views.
    progress = Progress("load", total=len(paths.LAKE_TABLES) + 2, unit="steps")
    _register_lake_filesystem(con, settings)
    con.execute("begin transaction")
    try:
        ensure_schema(con)
        con.execute(read_sql("ddl/loaded_partitions.sql"))
        for table in paths.LAKE_TABLES:
            _load_table_days(con, settings, table, run_date)
            progress.update()
        if sources is not None:
            _load_sources(con, sources)
        rebuild_events(con)
        progress.update()
        create_views(con)
        counts = table_counts(con)
        progress.update()
        progress.close()
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def load_warehouse(settings: Settings, *, run_date: dt.date | None = None,
                   sources: pa.Table | None = None, busy_wait: float = BUSY_WAIT_SECONDS) -> dict[str, int]:
    """Create or migrate the warehouse and load the lake idempotently: every partition, or ``run_date``'s
    plus every day the warehouse lacks (see the module docstring).

    Rows are matched on ``schema.TABLE_KEYS``; the reloaded partitions replace their warehouse rows, so a
    reload never duplicates. ``sources`` (SOURCE_SCHEMA) replaces the sources table when given.
    Returns the row count of every warehouse table after the load.
    """
    path = warehouse_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + busy_wait
    with _load_lock(path, deadline):
        _remove_unfinished_copies(path)
        con, building = _open_for_load(path, deadline)
        try:
            counts = load_into(con, settings, run_date=run_date, sources=sources)
        except BaseException:
            con.close()
            if building:
                _remove_with_wal(building)
            raise
        con.close()
        if building:
            os.replace(building, path)
            logger.info("warehouse was open in another process: loaded a copy and swapped it in "
                        "(readers see the new data when they reconnect)")
    logger.info("warehouse %s: %s", path, counts)
    return counts


@contextmanager
def _load_lock(path: Path, deadline: float) -> Iterator[None]:
    """Hold ``<warehouse>.lock`` for the load: one load at a time, the next one waits (with back-off)."""
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+b") as lock:
        _retry_until(deadline, lambda: _try_lock(lock, fcntl.LOCK_EX), f"another load holds {lock_path}")
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _try_lock(file, mode: int) -> bool:
    try:
        fcntl.flock(file, mode | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _retry_until(deadline: float, attempt, waiting_for: str):
    """``attempt()`` until it returns a truthy value, sleeping 0.5 s doubling to 30 s; WarehouseBusy after
    ``deadline`` (time.monotonic)."""
    delay = 0.5
    while True:
        result = attempt()
        if result:
            return result
        if time.monotonic() + delay > deadline:
            raise WarehouseBusy(f"gave up waiting: {waiting_for}")
        logger.warning("waiting %.1fs: %s", delay, waiting_for)
        time.sleep(delay)
        delay = min(delay * 2, 30.0)


def _open_for_load(path: Path, deadline: float) -> tuple[duckdb.DuckDBPyConnection, Path | None]:
    """A read-write connection for the load: on the file itself, or on a fresh copy while readers hold it
    (returned as the second value, to be renamed over the file after the load)."""
    waiting_for = f"{path} is open for writing in another process"

    def attempt() -> tuple[duckdb.DuckDBPyConnection, Path | None] | None:
        try:
            return duckdb.connect(str(path)), None
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            logger.info("warehouse busy: %s", str(exc).splitlines()[0])
        building = _copy_if_only_readers(path)
        return (duckdb.connect(str(building)), building) if building else None

    return _retry_until(deadline, attempt, waiting_for)


def _copy_if_only_readers(path: Path) -> Path | None:
    """A copy of the warehouse when only readers hold it (a shared lock is free), else None.

    The shared lock is held during the copy, so no writer can change the file meanwhile. A pending WAL
    (a writer was killed) is never copied around: the load waits for a writer to replay it instead.
    """
    if Path(str(path) + ".wal").exists():
        return None
    with open(path, "rb") as f:
        try:
            fcntl.lockf(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return None
        building = path.with_name(f"{path.name}{BUILDING_INFIX}{uuid.uuid4().hex}")
        shutil.copyfile(path, building)
    return building


def _remove_unfinished_copies(path: Path) -> None:
    """Delete copies a killed load left behind (only called while holding the load lock)."""
    for leftover in path.parent.glob(f"{path.name}{BUILDING_INFIX}*"):
        if not leftover.name.endswith(".wal"):
            logger.warning("removing %s left by an interrupted load", leftover)
            _remove_with_wal(leftover)


def _remove_with_wal(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)
