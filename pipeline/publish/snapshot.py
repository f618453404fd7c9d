"""Immutable, versioned researcher releases built from the warehouse (validated data only).

A release folder ``<snapshots>/<version>/`` holds events, event_mentions and articles (Parquet, CSV, xlsx),
events.geojson, codebook.md, datasheet.md, NOTICE, CITATION.cff, changes.json + CHANGES.md against the
previous version, and manifest.json (checksummed by manifest.json.sha256). It is built in a hidden
``.<version>.<pid>.tmp`` folder and renamed into place; ``latest.json`` (a plain file) and the ``latest``
symlink then name the newest version (``pipeline.publish.releases`` keeps this bookkeeping for a local folder
and a bucket alike). A publish killed after the rename is completed by its rerun, and the rerun of a publish
that finished (killed before it could report it) is told SnapshotUnchanged when the release holds the rows
it would write now (the CLI then exits 0); build folders and pointer temp files of dead publishers are
removed by the next publish.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
from pathlib import Path

import duckdb
import fsspec
import pyarrow as pa

from pipeline import paths, schema
from pipeline.errors import ConfigError, SnapshotExists, SnapshotUnchanged, ValidationFailed, WarehouseMissing
from pipeline.load import connect
from pipeline.load.ddl import quote_ident
from pipeline.paths import resource_dir
from pipeline.progress import Progress
from pipeline.publish.changes import changes_document, changes_markdown, diff_events, read_previous_events
from pipeline.publish.codebook import PUBLISHED_TABLES, citation_cff, codebook_markdown
from pipeline.publish.datasheet import NOTICE, datasheet_markdown, read_agreement, read_quality
from pipeline.publish.exports import strip_local_paths, write_geojson, write_table
from pipeline.publish.provenance import build_inputs, sha256_file
from pipeline.publish.releases import VERSION_RE, parse_version, release_store
from pipeline.publish.verify import MANIFEST, MANIFEST_SUM, release_problems
from pipeline.settings import Settings

logger = logging.getLogger(__name__)

_TEMP_RE = re.compile(r"\A\.(v[0-9.]+)\.(\d+)\.tmp\Z")
_POINTER_TEMP_RE = re.compile(r"\A\.latest(?:\.json)?\.(\d+)\Z")  # the pointer temp files of LocalReleaseStore
MAX_DAYS_AHEAD = 1  # a version may carry tomorrow's date (time zones), not later

__all__ = ["parse_version", "publish_snapshot", "sha256_file", "verify_snapshot"]


def version_date(version: str) -> dt.date:
    return dt.date(*parse_version(version)[:3])


def check_not_future(version: str, today: dt.date) -> None:
    """A version dated after tomorrow would pin ``latest`` until that date: refused."""
    if version_date(version) > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ConfigError(f"snapshot version {version} is dated after {today}: use the release date, "
                          f"e.g. v{today:%Y.%m.%d}")


def _snapshots_root(settings: Settings) -> Path:
    root = paths.snapshots_dir(settings)
    if "://" in root:
        raise ConfigError(f"snapshots are written to a local folder, got {root}")
    return Path(root)


def _pid_alive(pid: int) -> bool:
    """Whether another process ``pid`` runs (this process builds nothing yet when it cleans up: in a container
    every publish may get the same pid, and its dead predecessor's folders carry it)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_folders(root: Path) -> list[str]:
    """Delete build folders and ``latest`` pointer temp files left by killed publishes (their process is
    gone); returns their names."""
    removed = []
    for p in root.iterdir() if root.is_dir() else ():
        match = _TEMP_RE.match(p.name)
        legacy = p.name.startswith(".v") and not match  # mkdtemp folders of earlier versions of this code
        pointer = _POINTER_TEMP_RE.match(p.name)
        if p.is_dir() and not p.is_symlink() and (legacy or (match and not _pid_alive(int(match.group(2))))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
        elif pointer and not _pid_alive(int(pointer.group(1))):
            p.unlink(missing_ok=True)
            removed.append(p.name)
    if removed:
        logger.info("removed %d unfinished snapshot folder(s): %s", len(removed), ", ".join(removed))
    return removed


# --- reading the release ---------------------------------------------------------------------------------

def _filter_sql(country: str | None, date_from: dt.date | None, date_to: dt.date | None) -> tuple[str, dict]:
    conditions, params = [], {}
    if country:
        conditions.append("country_code = $country")
        params["country"] = country.upper()
    if date_from:
        conditions.append("event_date >= $date_from")
        params["date_from"] = date_from
    if date_to:
        conditions.append("event_date <= $date_to")
        params["date_to"] = date_to
    return (" and ".join(conditions) or "true"), params


def read_release_tables(con: duckdb.DuckDBPyConnection, *, country: str | None = None,
                        date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, pa.Table]:
    """events, event_mentions and articles in their schema-module schemas, subset by country / event date."""
    where, params = _filter_sql(country, date_from, date_to)
    selects = {
        "events": f"select {{columns}} from events where {where}",
        "event_mentions": f"select {{columns}} from event_mentions where event_id in (select event_id from events "
                          f"where {where}) or (event_id is null and {where})",
        "articles": "select {columns} from articles where article_id in (select article_id from event_mentions "
                    f"where event_id in (select event_id from events where {where}) or (event_id is null and {where}))",
    }
    tables = {}
    for table in PUBLISHED_TABLES:
        columns = ", ".join(quote_ident(c) for c in schema.warehouse_column_names(table))
        keys = ", ".join(quote_ident(k) for k in schema.WAREHOUSE_KEYS[table])
        sql = selects[table].format(columns=columns) + f" order by {keys}"
        tables[table] = con.sql(sql, params=params).to_arrow_table().cast(schema.WAREHOUSE_SCHEMAS[table])
    return tables


def _sources(con: duckdb.DuckDBPyConnection, source_ids: set[str]) -> list[dict]:
    rows = con.execute("select source_id, name, country_code from sources order by source_id").fetchall()
    known = [dict(zip(("source_id", "name", "country_code"), r, strict=True)) for r in rows if r[0] in source_ids]
    named = {s["source_id"] for s in known}
    return known + [{"source_id": s} for s in sorted(source_ids - named)]


def _release_stats(tables: dict[str, pa.Table]) -> dict:
    """Date ranges and extractor versions of exactly what is released."""
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        lo, hi = con.execute("select min(event_date), max(event_date) from events").fetchone()
        run_lo, run_hi = con.execute("select min(run_date), max(run_date) from event_mentions").fetchone()
        by_day = con.execute("select cast(run_date as varchar), list(distinct extractor_version order by "
                             "extractor_version) from event_mentions group by 1 order by 1").fetchall()
    finally:
        con.close()
    as_text = [str(v) if v is not None else None for v in (lo, hi, run_lo, run_hi)]
    return {"event_date_range": as_text[:2], "run_date_range": as_text[2:],
            "extractor_versions": sorted({v for _, versions in by_day for v in versions}),
            "extractor_versions_by_run_date": dict(by_day)}


# --- writing the release -----------------------------------------------------------------------------------

def _write_text(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return name


def quality_folder(data_root: Path) -> Path:
    """<data_root>/quality when the operator evaluated there, else the figures shipped with the extractor
    (data/quality: the frozen test split, dev and the agreement ceiling of its model's round)."""
    own = data_root / "quality"
    if own.is_dir():
        return own
    try:
        return resource_dir("data/quality")
    except FileNotFoundError:
        return own


def _datasheet(tables: dict[str, pa.Table], *, title: str, manifest: dict, quality: dict,
               agreement: dict | None) -> str:
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return datasheet_markdown(con, title=title, manifest=manifest, quality=quality, agreement=agreement)
    finally:
        con.close()


def build_snapshot(settings: Settings, folder: Path, *, version: str, created_at: dt.datetime,
                   previous: str | None = None, filters: dict | None = None) -> dict:
    """Write every file of a release into ``folder``; returns the manifest."""
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    con = connect(settings, read_only=True)
    try:
        tables = read_release_tables(con, **filters)
        source_ids = set(tables["event_mentions"].column("source_id").drop_null().to_pylist())
        sources = _sources(con, source_ids)
    finally:
        con.close()
    if tables["events"].num_rows == 0:
        raise ValidationFailed("no events to publish" + (f" for {filters}" if filters else "") +
                               ": run `conflict-events load` first, or widen the filters")
    if not settings.publish.include_article_text:
        # Article bodies belong to their publishers: researchers get the evidence sentences and the URLs.
        tables["articles"] = tables["articles"].drop_columns(["text"])
    tables["articles"] = strip_local_paths(tables["articles"], Path(settings.data_root))
    names, workbooks = [], {}
    with Progress("publish", total=sum(t.num_rows for t in tables.values()), unit="rows") as progress:
        for table_name, table in tables.items():
            files, workbook = write_table(folder, table_name, table, progress, xlsx=settings.publish.xlsx)
            names += files
            if workbook is not None:
                workbooks[f"{table_name}.xlsx"] = workbook
    names.append(write_geojson(folder, tables["events"]))

    root = folder.parent
    diff = diff_events(read_previous_events(root / previous if previous else None), tables["events"])
    changes = changes_document(version=version, previous_version=previous, diff=diff)
    names.append(_write_text(folder, "changes.json", json.dumps(changes, indent=1, ensure_ascii=False) + "\n"))
    names.append(_write_text(folder, "CHANGES.md", changes_markdown(changes)))

    manifest = {
        "version": version,
        "previous_version": previous,
        "created_at": created_at.isoformat(),
        "schema_version": schema.SCHEMA_VERSION,
        "filters": {k: str(v) for k, v in filters.items()},
        **_release_stats(tables),
        "row_counts": {name: t.num_rows for name, t in tables.items()},
        "xlsx": workbooks,
        "sources": sources,
        "inputs": build_inputs(settings.extract.backend, settings.extract.decision_model),
        "changes": changes["counts"],
        "article_text_included": settings.publish.include_article_text,
    }
    quality_dir = quality_folder(Path(settings.data_root))
    quality = read_quality(quality_dir)
    agreement = read_agreement(quality_dir)
    manifest["quality_sets"] = sorted(quality)
    title = settings.publish.title
    names.append(_write_text(folder, "codebook.md", codebook_markdown(
        title=title, version=version, article_text_included=settings.publish.include_article_text)))
    names.append(_write_text(folder, "datasheet.md", _datasheet(tables, title=title, manifest=manifest,
                                                                 quality=quality, agreement=agreement)))
    names.append(_write_text(folder, "NOTICE", NOTICE))
    names.append(_write_text(folder, "CITATION.cff", citation_cff(
        title=title, version=version, date_released=version_date(version).isoformat())))
    manifest["files"] = {n: sha256_file(folder / n) for n in names}
    write_manifest(folder, manifest)
    return manifest


def write_manifest(folder: Path, manifest: dict) -> None:
    """manifest.json and its checksum file (``sha256sum -c manifest.json.sha256`` checks it)."""
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / MANIFEST_SUM).write_text(f"{sha256_file(folder / MANIFEST)}  {MANIFEST}\n", encoding="utf-8")


def _build_folder(root: Path, version: str) -> Path:
    """A fresh hidden build folder ``.<version>.<pid>.tmp`` (removed by the next publish if this one dies)."""
    tmp = root / f".{version}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    return tmp


def _row_files(manifest: dict) -> dict[str, str]:
    """Checksums of the released Parquet files: the rows (the other files also carry build times and inputs)."""
    return {name: digest for name, digest in manifest.get("files", {}).items() if name.endswith(".parquet")}


def holds_same_rows(settings: Settings, existing: dict, folder: Path, filters: dict,
                    created_at: dt.datetime) -> bool:
    """Whether the published release with manifest ``existing`` holds the rows publishing it now would write
    (same filters, byte-identical Parquet files): the release is built into the empty ``folder``, which the
    caller deletes, and compared."""
    try:
        manifest = build_snapshot(settings, folder, version=existing["version"], created_at=created_at,
                                  previous=existing.get("previous_version"), filters=filters)
    except (ValidationFailed, WarehouseMissing):  # nothing to publish now: not the same release
        return False
    return manifest["filters"] == existing.get("filters") and _row_files(manifest) == _row_files(existing)


def _holds_same_rows(settings: Settings, target: Path, filters: dict, created_at: dt.datetime) -> bool:
    """``holds_same_rows`` for the local release folder ``target``, built aside in a hidden build folder."""
    existing = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    tmp = _build_folder(target.parent, target.name)
    try:
        return holds_same_rows(settings, existing, tmp, filters, created_at)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish_snapshot(settings: Settings, *, version: str, created_at: dt.datetime | None = None,
                     country: str | None = None, date_from: dt.date | None = None,
                     date_to: dt.date | None = None) -> str:
    """Publish the warehouse (or a subset) as ``<snapshots>/<version>/``; returns its path.

    An existing version is refused (SnapshotExists; versions are immutable) unless its publish was
    interrupted before ``latest`` was updated: the rerun then completes it. When the existing release is
    complete and holds exactly the rows this publish would write (the rerun of a publish killed after its
    last step, or a repeated command), SnapshotUnchanged says so: nothing to do, nothing rewritten.
    """
    parse_version(version)
    created_at = created_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    check_not_future(version, created_at.date())
    if paths.is_remote(paths.snapshots_dir(settings)):  # on an object store: pipeline.publish.remote_snapshot
        from pipeline.publish.remote_snapshot import publish_remote_snapshot

        filters = {"country": country.upper() if country else None, "date_from": date_from, "date_to": date_to}
        return publish_remote_snapshot(settings, version=version, created_at=created_at, filters=filters)
    root = _snapshots_root(settings)
    root.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_folders(root)
    releases = release_store(root)
    target = root / version
    filters = {"country": country.upper() if country else None, "date_from": date_from, "date_to": date_to}
    if target.exists():
        sound = not verify_snapshot(target)
        if sound and not releases.latest_is_current():
            # The rerun of a publish killed between its rename and repointing latest.
            logger.info("completing the publish of %s: latest -> %s", version, releases.point_latest())
            return str(target)
        if sound and _holds_same_rows(settings, target, filters, created_at):
            raise SnapshotUnchanged(f"snapshot {version} is already published at {target} with these rows",
                                    str(target))
        raise SnapshotExists(f"snapshot {version} already exists at {target}; versions are immutable")
    tmp = _build_folder(root, version)
    try:
        manifest = build_snapshot(settings, tmp, version=version, created_at=created_at,
                                  previous=releases.previous(version, filters), filters=filters)
        tmp.chmod(0o755)
        try:
            os.rename(tmp, target)  # fails if another publisher created the version meanwhile
        except OSError as exc:
            raise SnapshotExists(f"snapshot {version} appeared at {target} while building") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    latest = releases.point_latest()
    logger.info("published %s (%s events, %s mentions); latest -> %s", target, manifest["row_counts"]["events"],
                manifest["row_counts"]["event_mentions"], latest)
    return str(target)


# --- verification ----------------------------------------------------------------------------------------

def verify_snapshot(path: str | Path) -> list[str]:
    """Problems with a release folder, local or on an object store: missing/changed/unlisted files, wrong row
    counts ([] when sound)."""
    if paths.is_remote(str(path)):
        from pipeline.publish.remote_snapshot import verify_remote_snapshot

        return verify_remote_snapshot(str(path))
    return release_problems(fsspec.filesystem("file"), str(Path(path).resolve()), version_re=VERSION_RE)
