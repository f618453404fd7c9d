"""Load the lake into the DuckDB warehouse: create/migrate, upsert on keys, (re)create the views."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import duckdb
import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import paths, schema
from pipeline.errors import ConfigError, SchemaMismatch, WarehouseMissing
from pipeline.load.ddl import WAREHOUSE_TABLES, duckdb_type, quote_ident, read_sql
from pipeline.load.migrations import ensure_schema
from pipeline.settings import Settings

logger = logging.getLogger(__name__)

# Created in this order (later views read earlier ones).
VIEWS: tuple[str, ...] = (
    "event_cluster_members",
    "event_clusters",
    "events_daily",
    "fatalities_monthly",
    "actor_dyads",
    "events_with_articles",
)
_DT_RE = re.compile(r"dt=(\d{4}-\d{2}-\d{2})")


def warehouse_file(settings: Settings) -> Path:
    """Local path of the DuckDB file (the warehouse is a local file even when the lake is remote)."""
    location = paths.warehouse_path(settings)
    if "://" in location and not location.startswith("file://"):
        raise ConfigError(f"the DuckDB warehouse must be a local file, got {location}")
    return Path(location.removeprefix("file://"))


def connect(settings: Settings, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse; read-only by default (a writer creates the file and its folder)."""
    path = warehouse_file(settings)
    if read_only:
        if not path.is_file():
            raise WarehouseMissing(f"no warehouse at {path}: run `conflict-events load` first")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path))


def run_query(settings: Settings, sql: str) -> pa.Table:
    """Run one SQL statement on a read-only connection and return the result as Arrow."""
    con = connect(settings, read_only=True)
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def lake_files(settings: Settings, table: str, run_date: dt.date | None = None) -> list[str]:
    """Committed Parquet parts of a lake table: every partition, or only ``run_date``'s.

    The store's own listing, so hidden temporary files and parts of an interrupted swap are never loaded.
    """
    from pipeline.store import committed_parts, list_partitions

    dates = [run_date] if run_date else list_partitions(settings, table_name=table)
    found = [p for d in dates for p in committed_parts(settings, table_name=table, run_date=d)]
    fs, _ = fsspec.core.url_to_fs(paths.lake_dir(settings, table))
    protocol = _protocol(fs)
    return [f if protocol in ("file", "local") or "://" in f else f"{protocol}://{f.lstrip('/')}" for f in found]


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
    names = schema.column_names(table)
    keys = schema.TABLE_KEYS[table]
    order = [c for c in ("run_date", "run_id") if c in names] or list(keys)
    return read_sql(template).format(
        table=table,
        stage=stage,
        select_list=",\n    ".join(
            f"cast({quote_ident(f.name)} as {duckdb_type(f.type)}) as {quote_ident(f.name)}"
            for f in schema.TABLE_FIELDS[table]
        ),
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


def _load_lake_table(con: duckdb.DuckDBPyConnection, settings: Settings, table: str,
                     run_date: dt.date | None) -> int:
    files = lake_files(settings, table, run_date)
    if not files:
        logger.info("%s: no lake files%s", table, f" for {run_date}" if run_date else "")
        return 0
    for f in files:
        check_lake_file(f, table)
    stage = f"stage_{table}"
    try:
        con.execute(_render("load/stage_parquet.sql", table, stage), {"files": files})
    except (duckdb.BinderException, duckdb.ConversionException) as exc:
        raise SchemaMismatch(f"{table}: lake files do not match the schema: {exc}") from exc
    dates = sorted({dt.date.fromisoformat(m.group(1)) for f in files if (m := _DT_RE.search(f))})
    replace = "partitions" if run_date else "all"
    inserted = _merge_staged(con, table, stage, replace=replace, run_dates=dates)
    logger.info("%s: loaded %d rows from %d file(s)", table, inserted, len(files))
    return inserted


def _load_sources(con: duckdb.DuckDBPyConnection, sources: pa.Table) -> int:
    if sources.schema.names != schema.column_names("sources"):
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
    _register_lake_filesystem(con, settings)
    con.execute("begin transaction")
    try:
        ensure_schema(con)
        for table in paths.LAKE_TABLES:
            _load_lake_table(con, settings, table, run_date)
        if sources is not None:
            _load_sources(con, sources)
        create_views(con)
        counts = table_counts(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def load_warehouse(settings: Settings, *, run_date: dt.date | None = None,
                   sources: pa.Table | None = None) -> dict[str, int]:
    """Create or migrate the warehouse and load the lake (all partitions, or ``run_date``'s) idempotently.

    Rows are matched on ``schema.TABLE_KEYS``; the reloaded partitions replace their warehouse rows, so a
    reload never duplicates. ``sources`` (SOURCE_SCHEMA) replaces the sources table when given.
    Returns the row count of every warehouse table after the load.
    """
    con = connect(settings, read_only=False)
    try:
        counts = load_into(con, settings, run_date=run_date, sources=sources)
    finally:
        con.close()
    logger.info("warehouse %s: %s", warehouse_file(settings), counts)
    return counts
