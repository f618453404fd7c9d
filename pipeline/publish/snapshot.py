"""Immutable, versioned researcher snapshots built from the warehouse (validated data only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline import paths, schema
from pipeline.errors import ConfigError, SnapshotExists, ValidationFailed
from pipeline.load import connect
from pipeline.load.ddl import quote_ident
from pipeline.publish.codebook import PUBLISHED_TABLES, citation_cff, codebook_markdown
from pipeline.settings import Settings

logger = logging.getLogger(__name__)

VERSION_RE = re.compile(r"^v(\d{4})\.(\d{2})\.(\d{2})(?:\.(\d+))?$")
MANIFEST = "manifest.json"
LATEST = "latest"


def parse_version(version: str) -> tuple[int, ...]:
    """``vYYYY.MM.DD(.N)`` -> sortable tuple; ConfigError when malformed or not a real date."""
    match = VERSION_RE.match(version)
    if not match:
        raise ConfigError(f"snapshot version must look like vYYYY.MM.DD or vYYYY.MM.DD.N, got {version!r}")
    y, m, d, n = match.groups()
    try:
        dt.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise ConfigError(f"snapshot version {version!r}: {exc}") from exc
    return int(y), int(m), int(d), int(n or 0)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _snapshots_root(settings: Settings) -> Path:
    root = paths.snapshots_dir(settings)
    if "://" in root:
        raise ConfigError(f"snapshots are written to a local folder, got {root}")
    return Path(root)


def read_published_table(con, table: str) -> pa.Table:
    """A warehouse table in its schema-module schema (column order and Arrow types)."""
    columns = ", ".join(quote_ident(c) for c in schema.warehouse_column_names(table))
    keys = ", ".join(quote_ident(k) for k in schema.WAREHOUSE_KEYS[table])
    result = con.sql(f"select {columns} from {table} order by {keys}").to_arrow_table()
    return result.cast(schema.WAREHOUSE_SCHEMAS[table])


def _csv_ready(table: pa.Table) -> pa.Table:
    """List columns as JSON arrays (CSV has no list type)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type):
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in table.column(i).to_pylist()]
            table = table.set_column(i, field.name, pa.array(values, pa.string()))
    return table


def _write_table(folder: Path, name: str, table: pa.Table) -> list[str]:
    pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
    pacsv.write_csv(_csv_ready(table), folder / f"{name}.csv")
    return [f"{name}.parquet", f"{name}.csv"]


def _manifest(con, *, version: str, tables: dict[str, pa.Table], files: dict[str, str],
              created_at: dt.datetime) -> dict:
    date_range = con.execute("select min(event_date), max(event_date) from events").fetchall()[0]
    extractors = [r[0] for r in con.sql(
        "select distinct extractor_version from events order by 1").fetchall()]
    sources = [dict(zip(("source_id", "name", "country_code"), r, strict=True)) for r in con.sql(
        "select source_id, name, country_code from sources order by source_id").fetchall()]
    if not sources:
        sources = [{"source_id": r[0]} for r in con.sql(
            "select distinct source_id from events where source_id is not null order by 1").fetchall()]
    return {
        "version": version,
        "created_at": created_at.isoformat(),
        "schema_version": schema.SCHEMA_VERSION,
        "extractor_versions": extractors,
        "event_date_range": [str(date_range[0]) if date_range[0] else None,
                             str(date_range[1]) if date_range[1] else None],
        "row_counts": {name: t.num_rows for name, t in tables.items()},
        "sources": sources,
        "files": files,
    }


def build_snapshot(settings: Settings, folder: Path, *, version: str, created_at: dt.datetime) -> dict:
    """Write every file of a snapshot into ``folder``; returns the manifest."""
    con = connect(settings, read_only=True)
    try:
        tables = {t: read_published_table(con, t) for t in PUBLISHED_TABLES}
        if not settings.publish.include_article_text:
            # Full article bodies belong to their publishers: researchers get the evidence sentences
            # (events.evidence) and the article URLs, not a republication of the news.
            tables["articles"] = tables["articles"].drop_columns(["text"])
        if tables["events"].num_rows == 0:
            raise ValidationFailed("the warehouse has no events: nothing to publish")
        names = [n for t, table in tables.items() for n in _write_table(folder, t, table)]
        (folder / "codebook.md").write_text(
            codebook_markdown(
                title=settings.publish.title,
                version=version,
                article_text_included=settings.publish.include_article_text,
            ), encoding="utf-8")
        released = "-".join(f"{p:02d}" for p in parse_version(version)[:3])
        (folder / "CITATION.cff").write_text(
            citation_cff(title=settings.publish.title, version=version, date_released=released), encoding="utf-8")
        files = {n: sha256_file(folder / n) for n in [*names, "codebook.md", "CITATION.cff"]}
        manifest = _manifest(con, version=version, tables=tables, files=files, created_at=created_at)
        manifest["article_text_included"] = settings.publish.include_article_text
    finally:
        con.close()
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def _point_latest(root: Path) -> str:
    """Point ``latest`` at the highest version present, atomically (temp symlink + rename)."""
    versions = sorted((p.name for p in root.iterdir() if VERSION_RE.match(p.name) and p.is_dir()),
                      key=parse_version)
    newest = versions[-1]
    tmp = root / f".{LATEST}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(newest, target_is_directory=True)
    os.replace(tmp, root / LATEST)
    return newest


def publish_snapshot(settings: Settings, *, version: str, created_at: dt.datetime | None = None) -> str:
    """Publish the warehouse as ``<snapshots>/<version>/``; refuses an existing version (SnapshotExists)."""
    parse_version(version)
    root = _snapshots_root(settings)
    target = root / version
    if target.exists():
        raise SnapshotExists(f"snapshot {version} already exists at {target}; versions are immutable")
    root.mkdir(parents=True, exist_ok=True)
    created_at = created_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    tmp = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=root))
    try:
        manifest = build_snapshot(settings, tmp, version=version, created_at=created_at)
        tmp.chmod(0o755)
        try:
            os.rename(tmp, target)  # fails if another publisher created the version meanwhile
        except OSError as exc:
            raise SnapshotExists(f"snapshot {version} appeared at {target} while building") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    latest = _point_latest(root)
    logger.info("published %s (%s events); latest -> %s", target, manifest["row_counts"]["events"], latest)
    return str(target)


def verify_snapshot(path: str | Path) -> list[str]:
    """Problems with a snapshot folder: missing/changed/unlisted files, wrong row counts ([] when sound)."""
    folder = Path(path)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{MANIFEST}: unreadable ({exc})"]
    problems = []
    for name, digest in manifest.get("files", {}).items():
        file = folder / name
        if not file.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(file) != digest:
            problems.append(f"{name}: sha256 mismatch (file changed after publishing)")
    for table, count in manifest.get("row_counts", {}).items():
        file = folder / f"{table}.parquet"
        if file.is_file() and pq.ParquetFile(file).metadata.num_rows != count:
            problems.append(f"{table}.parquet: {pq.ParquetFile(file).metadata.num_rows} rows, manifest says {count}")
    listed = {*manifest.get("files", {}), MANIFEST}
    problems += [f"{p.name}: not in the manifest" for p in sorted(folder.iterdir()) if p.name not in listed]
    return problems
