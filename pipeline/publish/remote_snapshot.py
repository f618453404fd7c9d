"""Snapshots on an object store (``s3://...``, any fsspec URL): publishing that readers see whole or not at
all, and ``verify-snapshot URL``.

An object store has no folder rename, so a release is committed by its manifest. ``publish`` builds the
release on local disk (``paths.local_build_dir``), uploads it under a hidden temp prefix
``<snapshots>/.<version>.<token>.tmp/`` and verifies the uploaded objects there (checksums, row counts);
then it copies the data files to ``<snapshots>/<version>/``, checks their sizes, writes
``manifest.json.sha256`` and, last, ``manifest.json``: a version exists for readers (``ReleaseStore.versions``,
``verify-snapshot``) only once its manifest does. ``latest.json``, one object written after the manifest,
names the newest full release (an object store has no ``latest`` symlink). The versions, filters, previous
and newest full release and the pointer are ``pipeline.publish.releases``, the same code as for a local
folder. A publish killed before the manifest leaves no version (its rerun overwrites the files) and a temp
prefix, which a later publish deletes once it is ``STALE_TEMP_AGE`` old; one killed after the manifest is
completed by its rerun. The rerun of a finished publish (or a repeated command) whose release holds exactly
the rows it would write is told ``SnapshotUnchanged`` and rewrites nothing, as for a local folder; other rows
or filters under an existing version are refused (``SnapshotExists``: versions are immutable).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import posixpath
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import paths
from pipeline.errors import SnapshotExists, SnapshotUnchanged, ValidationFailed
from pipeline.publish.object_store import filesystem, upload_folder
from pipeline.publish.releases import VERSION_RE, release_store
from pipeline.publish.verify import MANIFEST, MANIFEST_SUM, release_problems
from pipeline.settings import Settings

logger = logging.getLogger(__name__)
_REMOTE_TEMP_RE = re.compile(r"\A\.(v[0-9.]+)\.[0-9a-f]{12}\.tmp\Z")  # publish_remote_snapshot's temp prefix
STALE_TEMP_AGE = dt.timedelta(hours=6)  # a temp prefix untouched this long belongs to a killed publish


def remove_dead_work_folders(local_root: Path) -> list[str]:
    """Delete the local build folders (``.remote-<version>.<pid>``) of killed publishes on this host."""
    from pipeline.publish.snapshot import _pid_alive

    removed = []
    for folder in local_root.glob(".remote-*.*") if local_root.is_dir() else ():
        pid = folder.name.rsplit(".", 1)[-1]
        if folder.is_dir() and pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def remove_stale_temp_prefixes(fs, base: str) -> list[str]:
    """Delete the temp prefixes (``.<version>.<token>.tmp/``) of publishes killed on any host: those whose
    newest object is older than ``STALE_TEMP_AGE`` (a live publish writes its temp prefix within minutes)."""
    now = dt.datetime.now(dt.UTC)
    removed = []
    names = [posixpath.basename(p.rstrip("/")) for p in fs.ls(base, detail=False, refresh=True)]
    for name in names:
        match = _REMOTE_TEMP_RE.match(name)
        if not match or not VERSION_RE.match(match.group(1)):
            continue
        stamps = [_modified(info) for info in fs.find(f"{base}/{name}", detail=True).values()]
        stamps = [s for s in stamps if s is not None]
        if stamps and now - max(stamps) < STALE_TEMP_AGE:
            continue
        fs.rm(f"{base}/{name}", recursive=True)
        removed.append(name)
    if removed:
        logger.info("removed the temp prefixes of killed publishes: %s", ", ".join(removed))
    return removed


def _modified(info: dict) -> dt.datetime | None:
    stamp = info.get("LastModified") or info.get("mtime") or info.get("last_modified")
    if isinstance(stamp, int | float):
        return dt.datetime.fromtimestamp(stamp, dt.UTC)
    if isinstance(stamp, dt.datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
    return None


def copy_object(fs, source: str, target: str) -> None:
    """Server-side copy of one object (one request on S3; nothing goes through this host)."""
    fs.copy(source, target)


@contextmanager
def _work_folder(local_root: Path, version: str) -> Iterator[Path]:
    """This publish's local build folder ``<local_root>/.remote-<version>.<pid>/`` holding an empty ``<version>/``
    (the folders of killed publishes are deleted first; this one is deleted on the way out, or by the next
    publish if this one is killed)."""
    remove_dead_work_folders(local_root)
    work = local_root / f".remote-{version}.{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    (work / version).mkdir(parents=True)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _holds_same_rows(settings: Settings, fs, target: str, local_root: Path, filters: dict,
                     created_at: dt.datetime) -> bool:
    """Whether the committed release at ``target`` holds the rows publishing it now would write: built in a
    local work folder (removed afterwards, or by the next publish if this one is killed) and compared."""
    from pipeline.publish.snapshot import holds_same_rows

    existing = json.loads(fs.cat_file(f"{target}/{MANIFEST}"))
    with _work_folder(local_root, existing["version"]) as work:
        return holds_same_rows(settings, existing, work / existing["version"], filters, created_at)


def publish_remote_snapshot(settings: Settings, *, version: str, created_at: dt.datetime, filters: dict) -> str:
    """Build the release locally, upload it and commit it as described in the module docstring."""
    from pipeline.publish.snapshot import build_snapshot

    root = paths.snapshots_dir(settings)
    fs, base = filesystem(root)
    releases = release_store(root)
    target = f"{base}/{version}"
    local_root = Path(paths.local_build_dir(settings, root))
    if fs.exists(f"{target}/{MANIFEST}"):
        published = paths.join(root, version)
        sound = not verify_remote_snapshot(published)
        if sound and not releases.latest_is_current():
            logger.info("completing the interrupted publish of %s: latest -> %s", version, releases.point_latest())
            return published
        if sound and _holds_same_rows(settings, fs, target, local_root, filters, created_at):
            raise SnapshotUnchanged(f"snapshot {version} is already published at {published} with these rows",
                                    published)
        raise SnapshotExists(f"snapshot {version} already exists at {published}; versions are immutable")
    previous = releases.previous(version, filters)

    if fs.exists(base):
        remove_stale_temp_prefixes(fs, base)
    temp = f"{base}/.{version}.{uuid.uuid4().hex[:12]}.tmp"
    with _work_folder(local_root, version) as work:
        try:
            if previous:  # the changes are computed against the previous release's events
                (work / previous).mkdir()
                fs.get_file(f"{base}/{previous}/events.parquet", str(work / previous / "events.parquet"))
            manifest = build_snapshot(settings, work / version, version=version, created_at=created_at,
                                      previous=previous, filters=filters)
            protocol = root.split("://", 1)[0]
            upload_folder(work / version, f"{protocol}://{temp}")
            problems = verify_remote_snapshot(f"{protocol}://{temp}")
            if problems:
                raise ValidationFailed(f"snapshot {version} uploaded with problems: {'; '.join(problems)}")
            for name in manifest["files"]:
                copy_object(fs, f"{temp}/{name}", f"{target}/{name}")
            wrong = [n for n in manifest["files"]
                     if fs.size(f"{target}/{n}") != (work / version / n).stat().st_size]
            if wrong:
                raise ValidationFailed(f"snapshot {version}: copies of {wrong} differ from the upload")
            if fs.exists(f"{target}/{MANIFEST}"):
                raise SnapshotExists(f"snapshot {version} was published by another process meanwhile")
            copy_object(fs, f"{temp}/{MANIFEST_SUM}", f"{target}/{MANIFEST_SUM}")
            copy_object(fs, f"{temp}/{MANIFEST}", f"{target}/{MANIFEST}")  # the commit marker, last
        finally:
            if fs.exists(temp):
                fs.rm(temp, recursive=True)
    latest = releases.point_latest()
    published = paths.join(root, version)
    logger.info("published %s (%s events, %s mentions); latest -> %s", published, manifest["row_counts"]["events"],
                manifest["row_counts"]["event_mentions"], latest)
    return published


def resolve_latest(url: str) -> str:
    """``<snapshots>/latest`` -> the version ``<snapshots>/latest.json`` names (no symlinks in a bucket)."""
    parent, name = url.rstrip("/").rsplit("/", 1)
    if name != "latest":
        return url
    version = release_store(parent).latest()
    return f"{parent}/{version}" if version else url


def verify_remote_snapshot(url: str) -> list[str]:
    """``verify_snapshot`` for a release on an object store (``<snapshots>/latest`` follows ``latest.json``)."""
    fs, folder = filesystem(resolve_latest(url))
    return release_problems(fs, folder, version_re=VERSION_RE)
