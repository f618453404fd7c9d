"""Hive-partitioned Parquet lake: ``<data_root>/<layer>/<table>/dt=YYYY-MM-DD/<part>.parquet``.

Writes are atomic and idempotent (rewriting a part replaces it, never appends). Paths are fsspec URLs or
local paths, so the same code writes to ``s3://bucket/prefix`` when ``paths.data_root`` is one; local disk
is the default.

Commit protocol (one for every lake write, safe under kill -9 at any instruction):

- A writer streams into a hidden ``._tmp-<uuid>-<part>.parquet``; hidden files are never read.
- One part (``write_partition``): the finished temp file is renamed onto ``<part>.parquet`` (atomic).
- The whole day (``replace_partition``): the finished temp file is renamed to a hidden
  ``._commit-<ns>-<uuid>.parquet``; that rename is the commit point. From then on readers see the commit
  file as the partition's only part, and anyone may roll it forward: delete the other parts, rename the
  commit file onto ``data.parquet``. Every step is idempotent, so a kill anywhere is finished by the next
  writer or ``recover_partition``.
- Recovery runs before every write to a partition (so at the start of each stage that writes it): it
  rolls a pending commit forward and deletes the writer's own temp leftovers.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import uuid
from collections.abc import Iterable, Iterator

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.core import url_to_fs

from pipeline import paths, schema
from pipeline.errors import SchemaMismatch
from pipeline.settings import Settings

log = logging.getLogger(__name__)

PARTITION_RE = re.compile(r"^dt=(\d{4}-\d{2}-\d{2})$")
PART_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
TMP_PREFIX = "._tmp-"
COMMIT_PREFIX = "._commit-"
OLD_PREFIX = "._old-"  # parts moved aside by the previous protocol; recovered, never written any more


def conform(table: pa.Table, table_name: str, *, check_nulls: bool = True) -> pa.Table:
    """``table`` cast to ``schema.TABLE_SCHEMAS[table_name]`` (column order, types and metadata).

    Raises SchemaMismatch on missing or extra columns, impossible casts, or (when ``check_nulls``) nulls in
    non-null columns. Validation conforms without the null check: null keys are quarantined row by row.
    """
    if table_name not in schema.TABLE_SCHEMAS:
        raise SchemaMismatch(f"unknown table {table_name!r}")
    target = schema.TABLE_SCHEMAS[table_name]
    missing = [n for n in target.names if n not in table.column_names]
    extra = [n for n in table.column_names if n not in target.names]
    if missing or extra:
        raise SchemaMismatch(f"{table_name}: missing column(s) {missing}, extra column(s) {extra}")
    columns = []
    for field in target:
        column = table.column(field.name)
        try:
            column = column.cast(field.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise SchemaMismatch(
                f"{table_name}.{field.name}: cannot cast {column.type} to {field.type}: {exc}"
            ) from exc
        if check_nulls and not field.nullable and column.null_count:
            raise SchemaMismatch(f"{table_name}.{field.name}: {column.null_count} null(s) in a non-null column")
        columns.append(column)
    if not check_nulls:
        target = pa.schema([f.with_nullable(True) for f in target], metadata=target.metadata)
    return pa.Table.from_arrays(columns, schema=target)


def _fs_and_path(url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    """The filesystem of ``url`` (local path, file://, s3://, memory://, ...) and its path on it."""
    fs, path = url_to_fs(url)
    return fs, path


def _part_name(part: str) -> str:
    if not PART_RE.match(part) or part.startswith("."):
        raise ValueError(f"bad part name {part!r}: letters, digits, _ . - only")
    return f"{part}.parquet"


def _write_file(fs: fsspec.AbstractFileSystem, path: str, table: pa.Table, compression: str) -> None:
    with fs.open(path, "wb") as f:
        pq.write_table(table, f, compression=compression)


def _temp_path(folder: str, part: str) -> str:
    return paths.join(folder, f"{TMP_PREFIX}{uuid.uuid4().hex}-{part}.parquet")


def _write_temp(table: pa.Table, settings: Settings, folder: str, part: str) -> str:
    fs, _ = _fs_and_path(folder)
    fs.makedirs(folder, exist_ok=True)
    tmp = _temp_path(folder, part)
    try:
        _write_file(fs, tmp, table, settings.store.compression)
    except BaseException:
        if fs.exists(tmp):
            fs.rm(tmp)
        raise
    return tmp


def _write_temp_batches(
    batches: Iterable[pa.Table | pa.RecordBatch], settings: Settings, table_name: str, folder: str, part: str
) -> tuple[str, int]:
    """Every batch (conformed to the table's schema) into one temporary Parquet file; (its path, rows)."""
    fs, _ = _fs_and_path(folder)
    fs.makedirs(folder, exist_ok=True)
    tmp = _temp_path(folder, part)
    rows = 0
    try:
        with fs.open(tmp, "wb") as f, pq.ParquetWriter(
            f, schema.TABLE_SCHEMAS[table_name], compression=settings.store.compression
        ) as writer:
            for batch in batches:
                if isinstance(batch, pa.RecordBatch):
                    batch = pa.Table.from_batches([batch])
                conformed = conform(batch, table_name)
                if conformed.num_rows:
                    writer.write_table(conformed)
                    rows += conformed.num_rows
    except BaseException:
        if fs.exists(tmp):
            fs.rm(tmp)
        raise
    return tmp, rows


def _partition_folder(settings: Settings, table_name: str, run_date: dt.date, layer: str) -> str:
    return paths.partition_dir(settings, table_name, run_date, layer=layer)


def write_partition(
    table: pa.Table,
    settings: Settings,
    *,
    table_name: str,
    run_date: dt.date,
    part: str = "data",
    layer: str = "lake",
) -> str:
    """Write one part of a day's partition atomically; an existing part of that name is replaced.

    Returns the part's path (or URL).
    """
    conformed = conform(table, table_name)
    folder = _partition_folder(settings, table_name, run_date, layer)
    target = paths.join(folder, _part_name(part))
    recover_partition(folder, part=part)
    tmp = _write_temp(conformed, settings, folder, part)
    _move_into_place(tmp, target)
    log.info("wrote %d %s row(s) to %s", conformed.num_rows, table_name, target)
    return target


def replace_partition(
    table: pa.Table, settings: Settings, *, table_name: str, run_date: dt.date, layer: str = "lake"
) -> str:
    """Replace the whole day (all its parts) with ``table``.

    See the module docstring: a kill before the commit rename leaves the previous partition as it was, a
    kill after it leaves the new one (finished by the next write or reader-side interpretation).
    """
    conformed = conform(table, table_name)
    folder = _partition_folder(settings, table_name, run_date, layer)
    recover_partition(folder)
    tmp = _write_temp(conformed, settings, folder, "data")
    target = _replace_with(tmp, folder)
    log.info("replaced %s partition %s with %d row(s)", table_name, folder, conformed.num_rows)
    return target


def write_partition_batches(
    batches: Iterable[pa.Table | pa.RecordBatch],
    settings: Settings,
    *,
    table_name: str,
    run_date: dt.date,
    part: str = "data",
    layer: str = "lake",
    replace: bool = False,
) -> str:
    """``write_partition`` (or, with ``replace``, ``replace_partition``) from batches, one at a time in memory.

    The batches go to one temporary Parquet file (a row group or more each), renamed into place only
    after the last one: a failure anywhere (also in the code producing the batches) leaves the previous
    partition as it was. No batches: a part with no rows. Returns the part's path (or URL).
    """
    if replace:
        part = "data"
    folder = _partition_folder(settings, table_name, run_date, layer)
    target = paths.join(folder, _part_name(part))  # a bad part name fails before any batch is consumed
    recover_partition(folder, part=None if replace else part)
    tmp, rows = _write_temp_batches(batches, settings, table_name, folder, part)
    if replace:
        _replace_with(tmp, folder)
        log.info("replaced %s partition %s with %d row(s)", table_name, folder, rows)
        return target
    _move_into_place(tmp, target)
    log.info("wrote %d %s row(s) to %s", rows, table_name, target)
    return target


def _replace_with(tmp: str, folder: str) -> str:
    """Make the finished temporary file ``tmp`` the partition's only part (``data.parquet``); its path."""
    fs, _ = _fs_and_path(folder)
    commit = paths.join(folder, f"{COMMIT_PREFIX}{time.time_ns():020d}-{uuid.uuid4().hex}.parquet")
    try:
        fs.mv(tmp, commit)  # the commit point
    except BaseException:
        _remove_quietly(fs, tmp)
        raise
    return _roll_forward(fs, folder, commit)


def _roll_forward(fs: fsspec.AbstractFileSystem, folder: str, commit: str) -> str:
    """Finish a committed replace: drop every other part, rename the commit file onto ``data.parquet``.

    Idempotent and safe to repeat after a kill at any step (a missing file is a step already done).
    """
    target = paths.join(folder, _part_name("data"))
    for old in _visible_parts(fs, folder):
        if old != target:
            _remove_quietly(fs, old)
    try:
        fs.mv(commit, target)
    except FileNotFoundError:
        if not fs.exists(target):
            raise
    return target


def _remove_quietly(fs: fsspec.AbstractFileSystem, path: str) -> None:
    try:
        fs.rm(path)
    except FileNotFoundError:
        pass


def _names(fs: fsspec.AbstractFileSystem, folder: str) -> list[str]:
    if not fs.exists(folder):
        return []
    return sorted(entry.rstrip("/").rsplit("/", 1)[-1] for entry in fs.ls(folder, detail=False))


def _visible_parts(fs: fsspec.AbstractFileSystem, folder: str) -> list[str]:
    return [paths.join(folder, n) for n in _names(fs, folder) if n.endswith(".parquet") and not n.startswith(".")]


def _pending_commits(fs: fsspec.AbstractFileSystem, folder: str) -> list[str]:
    """Committed but not yet rolled-forward replaces, oldest first (normally none, at most one)."""
    return [paths.join(folder, n) for n in _names(fs, folder) if n.startswith(COMMIT_PREFIX)]


def _part_files(fs: fsspec.AbstractFileSystem, folder: str) -> list[str]:
    """The committed part files of a partition, sorted; temporary and moved-aside files never count.

    A pending commit file (a replace killed after its commit point) is the partition's only part.
    """
    pending = _pending_commits(fs, folder)
    if pending:
        return [pending[-1]]
    return _visible_parts(fs, folder)


def committed_parts(settings: Settings, *, table_name: str, run_date: dt.date, layer: str = "lake") -> list[str]:
    """Paths (or URLs) of the committed part files of one day's partition: what every reader reads."""
    folder = _partition_folder(settings, table_name, run_date, layer)
    fs, _ = _fs_and_path(folder)
    return _part_files(fs, folder)


def recover_partition(folder: str, *, part: str | None = None) -> list[str]:
    """Finish or undo what a killed writer left in ``folder``; returns the leftovers handled.

    Rolls a pending commit forward (the newest; older ones were superseded), puts parts moved aside by the
    previous protocol back when the day has no committed part (else deletes them), and deletes temporary
    files: only ``part``'s own when given (other parts may be written concurrently, e.g. one crawl task per
    source), every one when the caller replaces the whole partition (``part=None``).
    """
    fs, _ = _fs_and_path(folder)
    handled: list[str] = []
    pending = _pending_commits(fs, folder)
    for stale in pending[:-1]:
        _remove_quietly(fs, stale)
    if pending:
        _roll_forward(fs, folder, pending[-1])
    handled += pending
    if part is None:
        handled += _recover_moved_aside(fs, folder)
    own_tmp = re.compile(rf"^{re.escape(TMP_PREFIX)}[0-9a-f]{{32}}-{re.escape(part)}\.parquet$") if part else None
    for name in _names(fs, folder):
        if name.startswith(TMP_PREFIX) and (own_tmp is None or own_tmp.match(name)):
            _remove_quietly(fs, paths.join(folder, name))
            handled.append(name)
    if handled:
        log.warning("recovered %s after an interrupted write: %s", folder,
                    ", ".join(h.rsplit("/", 1)[-1] for h in handled))
    return handled


_LEGACY_TMP_RE = re.compile(r"^\._tmp-[0-9a-f]{32}\.parquet$")


def _recover_moved_aside(fs: fsspec.AbstractFileSystem, folder: str) -> list[str]:
    """Undo or finish a swap of the previous protocol (old parts renamed ``._old-<uuid>-<name>``).

    While its temporary file still exists the swap never reached its final rename: the old parts go
    back. Otherwise the new ``data.parquet`` is in place and the old parts are deleted.
    """
    names = _names(fs, folder)
    aside = [n for n in names if n.startswith(OLD_PREFIX)]
    if not aside:
        return []
    unfinished = any(_LEGACY_TMP_RE.match(n) for n in names) or not _visible_parts(fs, folder)
    for name in aside:
        path = paths.join(folder, name)
        original = paths.join(folder, name[len(OLD_PREFIX):].split("-", 1)[-1])
        if unfinished:
            fs.mv(path, original)
        else:
            _remove_quietly(fs, path)
    return aside


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def _read_part(fs: fsspec.AbstractFileSystem, path: str, table_name: str, *, check_nulls: bool = True) -> pa.Table:
    with fs.open(path, "rb") as f:
        table = _parquet_call(path, pq.read_table, f)
    _check_part_schema(table.schema, path, table_name)
    return conform(table.replace_schema_metadata(None), table_name, check_nulls=check_nulls)


def _parquet_call(path: str, read, *args, **kwargs):
    """``read(*args)``, with a damaged file reported as one line naming it (not a bare ArrowInvalid)."""
    try:
        return read(*args, **kwargs)
    except (pa.ArrowInvalid, OSError) as exc:
        raise SchemaMismatch(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from exc


def _check_part_schema(file_schema: pa.Schema, path: str, table_name: str) -> None:
    meta = file_schema.metadata or {}
    version = meta.get(b"schema_version", b"").decode()
    if _major(version) != _major(schema.SCHEMA_VERSION):
        raise SchemaMismatch(
            f"{path}: schema_version {version or 'missing'!r} is not compatible with {schema.SCHEMA_VERSION}"
        )
    written_for = meta.get(b"table", b"").decode()
    if written_for and written_for != table_name:
        raise SchemaMismatch(f"{path}: file holds table {written_for!r}, expected {table_name!r}")


def read_partition(
    settings: Settings, *, table_name: str, run_date: dt.date, layer: str = "lake"
) -> pa.Table:
    """All parts of one day's partition as one table (an empty table with the schema when none).

    The ``staging`` layer is not validated yet: a null in a non-null column is left for validation to
    quarantine (elsewhere it is a SchemaMismatch).
    """
    folder = _partition_folder(settings, table_name, run_date, layer)
    fs, _ = _fs_and_path(folder)
    check_nulls = layer != "staging"
    parts = [_read_part(fs, p, table_name, check_nulls=check_nulls) for p in _part_files(fs, folder)]
    if not parts:
        return schema.empty_table(table_name)
    return pa.concat_tables(parts)


def iter_partition_batches(
    settings: Settings, *, table_name: str, run_date: dt.date, layer: str = "lake", batch_size: int = 2000
) -> Iterator[pa.Table]:
    """The rows of one day's partition (all parts, in ``read_partition``'s order), ``batch_size`` at a time.

    Each batch is a table in the table's schema; only one batch (plus a row group being decoded) is held
    in memory. No parts: no batches.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    folder = _partition_folder(settings, table_name, run_date, layer)
    fs, _ = _fs_and_path(folder)
    for path in _part_files(fs, folder):
        with fs.open(path, "rb") as f:
            parquet = _parquet_call(path, pq.ParquetFile, f)
            _check_part_schema(parquet.schema_arrow, path, table_name)
            for batch in parquet.iter_batches(batch_size=batch_size):
                table = pa.Table.from_batches([batch]).replace_schema_metadata(None)
                yield conform(table, table_name)


def partition_row_count(settings: Settings, *, table_name: str, run_date: dt.date, layer: str = "lake") -> int:
    """Rows in one day's partition (all parts), from the Parquet footers: no data is read."""
    folder = _partition_folder(settings, table_name, run_date, layer)
    fs, _ = _fs_and_path(folder)
    total = 0
    for path in _part_files(fs, folder):
        with fs.open(path, "rb") as f:
            parquet = _parquet_call(path, pq.ParquetFile, f)
            _check_part_schema(parquet.schema_arrow, path, table_name)
            total += parquet.metadata.num_rows
    return total


def list_partitions(settings: Settings, *, table_name: str, layer: str = "lake") -> list[dt.date]:
    """Dates that have a partition folder holding at least one part, ascending."""
    root = paths.join(paths.lake_root(settings), layer, table_name)
    fs, _ = _fs_and_path(root)
    if not fs.exists(root):
        return []
    dates = []
    for entry in fs.ls(root, detail=False):
        name = entry.rstrip("/").rsplit("/", 1)[-1]
        match = PARTITION_RE.match(name)
        if match and _part_files(fs, paths.join(root, name)):
            dates.append(dt.date.fromisoformat(match.group(1)))
    return sorted(dates)


def _move_into_place(tmp: str, target: str) -> None:
    """Rename a finished temp file onto ``target`` (atomic on local disk); on failure remove the temp file."""
    fs, _ = _fs_and_path(target)
    try:
        fs.mv(tmp, target)
    except BaseException:
        if fs.exists(tmp):
            fs.rm(tmp)
        raise
