"""The release bookkeeping (``pipeline.publish.releases``) over a local folder and over a bucket on moto's S3
server: every test runs against both, with the same expectations, so the two places cannot drift apart
again (they were two copies, ``snapshot.published_versions``/``remote_snapshot.remote_versions`` and so on).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from pipeline.publish.releases import LocalReleaseStore, ReleaseStore, release_store

pytest_plugins = ["s3_server"]  # the fixtures s3_endpoint (moto on 127.0.0.1) and bucket


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ReleaseStore:
    """An empty snapshots root: a local folder, or a prefix in a fresh bucket."""
    if request.param == "local":
        return release_store(tmp_path / "snapshots")
    bucket = request.getfixturevalue("bucket")
    return release_store(f"s3://{bucket}/data/snapshots")


def put(store: ReleaseStore, relative: str, data: bytes) -> None:
    path = store.path(relative)
    store.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    store.fs.pipe_file(path, data)


def release(store: ReleaseStore, version: str, **filters: str) -> bytes:
    """A committed release: a data file, then its manifest (the commit marker); returns the manifest."""
    put(store, f"{version}/events.parquet", b"rows")
    manifest = json.dumps({"version": version, "filters": filters}).encode()
    put(store, f"{version}/manifest.json", manifest)
    return manifest


def hidden(store: ReleaseStore) -> list[str]:
    return [p.rstrip("/").rsplit("/", 1)[-1] for p in store.fs.ls(store.root, detail=False, refresh=True)
            if p.rstrip("/").rsplit("/", 1)[-1].startswith(".")]


def test_backend_by_location(tmp_path: Path) -> None:
    local = release_store(tmp_path / "snapshots")
    assert type(local) is LocalReleaseStore and local.root == (tmp_path / "snapshots").as_posix()
    assert type(release_store("s3://bucket/data/snapshots/")) is ReleaseStore


def test_nothing_published(store: ReleaseStore) -> None:
    assert store.versions() == [] and store.newest_full() is None and store.latest() is None
    assert store.previous("v2025.01.14") is None
    assert store.latest_is_current()  # nothing to point at: nothing to complete
    with pytest.raises(FileNotFoundError, match="no release"):
        store.point_latest()


def test_versions_are_committed_releases_in_version_order(store: ReleaseStore) -> None:
    for version in ("v2025.01.14.10", "v2025.02.01", "v2025.01.14", "v2025.01.14.2"):
        release(store, version)
    put(store, "v2025.03.01/events.parquet", b"rows")         # copied or built, manifest not yet written
    put(store, ".v2025.03.02.0123456789ab.tmp/manifest.json", b"{}")  # a temp prefix / build folder
    put(store, "notes/manifest.json", b"{}")                  # not a version name
    put(store, "v2025.03.03", b"a file, not a release")
    assert store.versions() == ["v2025.01.14", "v2025.01.14.2", "v2025.01.14.10", "v2025.02.01"]  # numeric .N


def test_filters_and_the_previous_release_of_the_same_subset(store: ReleaseStore) -> None:
    release(store, "v2025.01.13")
    release(store, "v2025.01.14", country="SY")
    release(store, "v2025.01.15")
    put(store, "v2025.01.16/manifest.json", b"{not json")  # unreadable: counts as a full release
    assert store.filters("v2025.01.13") == {} and store.filters("v2025.01.14") == {"country": "SY"}
    assert store.filters("v2025.01.16") == {} and store.filters("v2025.09.09") == {}
    assert store.previous("v2025.01.15") == "v2025.01.13"
    assert store.previous("v2025.02.01", {"country": "SY", "date_from": None}) == "v2025.01.14"
    assert store.previous("v2025.01.14", {"country": "SY"}) is None  # only older releases count
    assert store.previous("v2025.02.01", {"country": "IQ"}) is None


def test_latest_names_the_newest_full_release(store: ReleaseStore) -> None:
    release(store, "v2025.01.14", country="SY")
    assert store.newest_full() == "v2025.01.14"  # only subsets: the newest of them
    assert not store.latest_is_current()  # released, latest.json not written yet: a publish to complete
    manifest = release(store, "v2025.01.15")
    release(store, "v2025.01.16", country="SY")  # a newer subset does not move latest
    assert store.point_latest() == "v2025.01.15" == store.newest_full() == store.latest()
    assert store.latest_is_current()
    pointer = {"version": "v2025.01.15", "path": "v2025.01.15", "manifest_sha256": hashlib.sha256(manifest).hexdigest()}
    assert store.fs.cat_file(store.path("latest.json")) == (json.dumps(pointer, indent=2) + "\n").encode()
    assert hidden(store) == []  # no pointer temp file left behind

    release(store, "v2025.02.01")
    assert not store.latest_is_current() and store.latest() == "v2025.01.15"
    assert store.point_latest() == "v2025.02.01" and store.latest_is_current()


def test_an_unreadable_pointer_names_nothing(store: ReleaseStore) -> None:
    release(store, "v2025.01.14")
    for damaged in (b"", b"[1, 2]", b'{"path": "v2025.01.14"}'):
        put(store, "latest.json", damaged)
        assert store.latest() is None and not store.latest_is_current()
    store.point_latest()
    assert store.latest() == "v2025.01.14"


# --- a local folder only: the latest symlink -------------------------------------------------------------------

def test_local_latest_symlink_follows_the_pointer(tmp_path: Path) -> None:
    store = release_store(tmp_path / "snapshots")
    release(store, "v2025.01.14")
    store.point_latest()
    root = tmp_path / "snapshots"
    assert os.readlink(root / "latest") == "v2025.01.14" and (root / "latest" / "manifest.json").is_file()
    (root / "latest").unlink()
    (root / "latest").symlink_to("v2025.01.13")  # latest.json repointed, the symlink not (a killed publish)
    assert store.latest() == "v2025.01.14" and not store.latest_is_current()
    store.point_latest()
    assert os.readlink(root / "latest") == "v2025.01.14" and store.latest_is_current()
    (root / "v2025.03.01").symlink_to("v2025.01.14")  # a link named like a version is no release
    assert store.versions() == ["v2025.01.14"]
    assert sorted(p.name for p in root.iterdir()) == ["latest", "latest.json", "v2025.01.14", "v2025.03.01"]
