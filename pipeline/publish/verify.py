"""``verify-snapshot``: does a release folder, local or on an object store, hold what its manifest says?

One check for both places: the manifest's own checksum, the folder name against the manifest's version, every
listed file's sha256, the Parquet row counts, the workbooks' sheet row counts and files the manifest does not
list. It reads through an fsspec filesystem, so a local folder and an ``s3://`` prefix are checked alike.
"""

from __future__ import annotations

import hashlib
import json
import posixpath

import fsspec
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"


def sha256_of(fs: fsspec.AbstractFileSystem, path: str) -> str:
    digest = hashlib.sha256()
    with fs.open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_problems(fs: fsspec.AbstractFileSystem, folder: str, *, version_re=None) -> list[str]:
    """Problems of the release in ``folder`` of ``fs`` ([] when sound); ``version_re`` matches folder names
    that are versions (their manifest must name the same version)."""
    folder = folder.rstrip("/")
    try:
        with fs.open(f"{folder}/{MANIFEST}", "rb") as f:
            manifest = json.loads(f.read())
    except (OSError, ValueError) as exc:
        return [f"{MANIFEST}: unreadable or missing at {folder} ({type(exc).__name__})"]
    problems = []
    try:
        with fs.open(f"{folder}/{MANIFEST_SUM}", "rb") as f:
            recorded = f.read().decode().split()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        problems.append(f"{MANIFEST_SUM}: missing (the manifest cannot be checked)")
    else:
        if recorded != sha256_of(fs, f"{folder}/{MANIFEST}"):
            problems.append(f"{MANIFEST}: sha256 mismatch (manifest edited after publishing)")
    name = posixpath.basename(folder)
    if version_re is not None and version_re.match(name) and manifest.get("version") != name:
        problems.append(f"{MANIFEST}: version {manifest.get('version')!r} but the folder is {name}")
    present = {posixpath.basename(p.rstrip("/")) for p in fs.ls(folder, detail=False, refresh=True)}
    for file, digest in manifest.get("files", {}).items():
        if file not in present:
            problems.append(f"{file}: missing")
        elif sha256_of(fs, f"{folder}/{file}") != digest:
            problems.append(f"{file}: sha256 mismatch (file changed after publishing)")
    counts = manifest.get("row_counts", {})
    for table, count in counts.items():
        if f"{table}.parquet" in present:
            with fs.open(f"{folder}/{table}.parquet", "rb") as f:
                if (rows := pq.ParquetFile(f).metadata.num_rows) != count:
                    problems.append(f"{table}.parquet: {rows} rows, manifest says {count}")
    for workbook, notes in (manifest.get("xlsx") or {}).items():
        table = workbook.removesuffix(".xlsx")
        if (sheet_rows := sum(notes.get("sheets", {}).values())) != counts.get(table):
            problems.append(f"{workbook}: {sheet_rows} rows in its sheets, manifest says {counts.get(table)}")
    listed = {*manifest.get("files", {}), MANIFEST, MANIFEST_SUM}
    problems += [f"{p}: not in the manifest" for p in sorted(present - listed)]
    return problems
