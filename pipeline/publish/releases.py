"""The releases under a snapshots root, a local folder or an object-store prefix: one implementation.

Which versions are published (a version folder whose ``manifest.json`` exists: the manifest is written last,
so a half-built or half-copied release is no version), in version order; the subset filters each was
published with; the previous release of the same subset; the newest full release; and the ``latest.json``
pointer that names it. Everything is read through an fsspec filesystem, as ``verify.release_problems``
checks a release, so a local folder and an ``s3://`` prefix follow the same rules.

Only writing the pointer differs, in two thin backends: a local folder gets ``latest.json`` through a temp
file and a rename, then the ``latest`` symlink through a temp link and a rename (readers see the old or the
new pointer, never a partial one); an object store has no rename and no symlink, but a single object is
replaced whole, so ``latest.json`` is written once, after the release's manifest.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import posixpath
import re
from pathlib import Path

import fsspec

from pipeline import paths
from pipeline.errors import ConfigError
from pipeline.publish.object_store import filesystem
from pipeline.publish.verify import MANIFEST, sha256_of

logger = logging.getLogger(__name__)

# vYYYY.MM.DD, or vYYYY.MM.DD.N with N >= 1 (".0" would duplicate the plain date); nothing after it.
VERSION_RE = re.compile(r"\Av(\d{4})\.(\d{2})\.(\d{2})(?:\.([1-9]\d{0,3}))?\Z")
LATEST = "latest"
LATEST_JSON = "latest.json"


def parse_version(version: str) -> tuple[int, ...]:
    """``vYYYY.MM.DD(.N)`` -> sortable tuple; ConfigError when malformed or not a real date."""
    match = VERSION_RE.match(version)
    if not match:
        raise ConfigError(f"snapshot version must look like vYYYY.MM.DD or vYYYY.MM.DD.N (N >= 1), got {version!r}")
    y, m, d, n = match.groups()
    try:
        dt.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise ConfigError(f"snapshot version {version!r}: {exc}") from exc
    return int(y), int(m), int(d), int(n or 0)


def _read_json(fs: fsspec.AbstractFileSystem, path: str) -> dict | None:
    """The JSON object in ``path`` (None when missing, unreadable or not an object)."""
    try:
        with fs.open(path, "rb") as f:
            found = json.loads(f.read())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


class ReleaseStore:
    """The releases under ``root`` (a path within ``fs``, no trailing slash); see the module docstring."""

    def __init__(self, fs: fsspec.AbstractFileSystem, root: str) -> None:
        self.fs = fs
        self.root = root.rstrip("/")

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def versions(self) -> list[str]:
        """Committed releases (a version folder, not a link, holding its manifest), oldest first."""
        try:
            entries = self.fs.ls(self.root, detail=True, refresh=True)
        except (FileNotFoundError, NotADirectoryError):
            return []
        names = [posixpath.basename(e["name"].rstrip("/")) for e in entries
                 if e.get("type") == "directory" and not e.get("islink")]
        found = [n for n in names if VERSION_RE.match(n) and self.fs.isfile(self.path(n, MANIFEST))]
        return sorted(found, key=parse_version)

    def filters(self, version: str) -> dict:
        """The subset filters ``version`` was published with ({} for a full release)."""
        return (_read_json(self.fs, self.path(version, MANIFEST)) or {}).get("filters") or {}

    def previous(self, version: str, filters: dict | None = None) -> str | None:
        """The newest release older than ``version`` with the same subset filters (a country subset is compared
        with the previous release of that subset, not with a full release)."""
        wanted = {k: str(v) for k, v in (filters or {}).items() if v is not None}
        older = [v for v in self.versions() if parse_version(v) < parse_version(version)
                 and self.filters(v) == wanted]
        return older[-1] if older else None

    def newest_full(self) -> str | None:
        """What ``latest`` names: the newest full (unfiltered) release, else the newest release (None: none)."""
        versions = self.versions()
        full = [v for v in versions if not self.filters(v)]
        return (full or versions or [None])[-1]

    def latest(self) -> str | None:
        """The version ``latest.json`` names (None when missing or unreadable)."""
        return (_read_json(self.fs, self.path(LATEST_JSON)) or {}).get("version")

    def latest_is_current(self) -> bool:
        """Whether the pointer names the newest full release (True when nothing is published): False after a
        publish killed between committing its release and repointing ``latest``."""
        newest = self.newest_full()
        return newest is None or self._names(newest)

    def _names(self, newest: str) -> bool:
        return self.latest() == newest

    def point_latest(self) -> str:
        """Name the newest full release in ``latest.json`` (readers see the old or the new pointer); returns it."""
        newest = self.newest_full()
        if newest is None:
            raise FileNotFoundError(f"no release under {self.root} for latest to name")
        manifest_sha256 = sha256_of(self.fs, self.path(newest, MANIFEST))
        pointer = {"version": newest, "path": newest, "manifest_sha256": manifest_sha256}
        self._write_pointer(newest, (json.dumps(pointer, indent=2) + "\n").encode())
        return newest

    def _write_pointer(self, newest: str, pointer: bytes) -> None:
        """An object store: one object, replaced whole, written after the release's manifest."""
        self.fs.pipe_file(self.path(LATEST_JSON), pointer)


class LocalReleaseStore(ReleaseStore):
    """A local folder: ``latest.json`` and the ``latest`` symlink, each swapped in by a rename."""

    def _names(self, newest: str) -> bool:
        link = Path(self.root) / LATEST
        return super()._names(newest) and (not link.is_symlink() or os.readlink(link) == newest)

    def _write_pointer(self, newest: str, pointer: bytes) -> None:
        root = Path(self.root)
        tmp = root / f".{LATEST_JSON}.{os.getpid()}"  # a dead publisher's: removed by the next publish
        tmp.write_bytes(pointer)
        os.replace(tmp, root / LATEST_JSON)
        link_tmp = root / f".{LATEST}.{os.getpid()}"
        try:
            link_tmp.unlink(missing_ok=True)
            link_tmp.symlink_to(newest, target_is_directory=True)
            os.replace(link_tmp, root / LATEST)
        except OSError as exc:  # no symlinks (some Windows set-ups, zip copies): latest.json is the pointer
            logger.warning("could not point the latest symlink at %s (%s); latest.json names it", newest, exc)


def release_store(location: str | Path) -> ReleaseStore:
    """The releases under a snapshots root: a local folder or an object-store URL (``s3://...``)."""
    if paths.is_remote(str(location)):
        fs, root = filesystem(str(location))
        return ReleaseStore(fs, root)
    return LocalReleaseStore(fsspec.filesystem("file"), Path(location).absolute().as_posix())
