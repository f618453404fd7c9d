"""Copying finished outputs (reports, data docs, snapshots) between a local build folder and the object store.

Reports, data docs and snapshots are built on the local disk of the host that runs the task (Great
Expectations and the Excel writer need files); when the lake is on an object store they are then uploaded
under ``paths.outputs_root`` so every host and reader finds them there (``paths.local_build_dir``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import fsspec

logger = logging.getLogger(__name__)


def filesystem(url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    """The fsspec filesystem of ``url`` and the path within it."""
    return fsspec.core.url_to_fs(url)


def upload_file(local: Path, url: str) -> None:
    fs, path = filesystem(url)
    fs.put_file(str(local), path)


def upload_folder(local: Path, url: str, *, skip: frozenset[str] = frozenset(),
                  unchanged_by_size: bool = False) -> list[str]:
    """Every file under ``local`` to the same relative path under ``url`` (except the relative paths in
    ``skip``; with ``unchanged_by_size``, except files already there with the same size, for shared assets);
    returns the relative paths uploaded."""
    fs, root = filesystem(url)
    there = {}
    if unchanged_by_size and fs.exists(root):
        there = {p[len(root.rstrip("/")) + 1:]: info.get("size") for p, info in fs.find(root, detail=True).items()}
    done = []
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        relative = path.relative_to(local).as_posix()
        if relative in skip or there.get(relative) == path.stat().st_size:
            continue
        fs.put_file(str(path), f"{root.rstrip('/')}/{relative}")
        done.append(relative)
    logger.info("uploaded %d file(s) to %s", len(done), url)
    return done


def exists(url: str) -> bool:
    fs, path = filesystem(url)
    return fs.exists(path)
