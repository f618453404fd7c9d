"""Reports, data docs and snapshots on object storage (issue 13), against moto's S3 server on 127.0.0.1.

With the data root on ``s3://``, every host builds these on local disk and publishes them to the bucket:
the run report and the data docs it links, and snapshots committed by their manifest (temp prefix, verify,
copy, manifest last, then latest.json), which ``verify-snapshot s3://...`` checks.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import s3fs
from load_fixtures import D2, build_known_lake, known_articles, known_events, sources_arrow

from pipeline import paths, schema
from pipeline.cli import main
from pipeline.errors import SnapshotExists, SnapshotUnchanged, ValidationFailed
from pipeline.load import load_warehouse
from pipeline.publish import publish_snapshot, remote_snapshot, verify_snapshot
from pipeline.publish.releases import release_store
from pipeline.report import write_run_report
from pipeline.settings import Settings
from pipeline.validate.core import validate_table

CREATED = dt.datetime(2025, 1, 14, 6, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 2, 1, 6, 0, tzinfo=dt.UTC)
pytest_plugins = ["s3_server"]  # the fixtures s3_endpoint (moto on 127.0.0.1) and bucket


@pytest.fixture
def remote(settings: Settings, bucket: str) -> Settings:
    """The data root on S3; this host's warehouse (loaded from the known lake) under local_root."""
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    return settings.replace(paths={"data_root": f"s3://{bucket}/data", "local_root": settings.data_root})


def _fs():
    s3fs.S3FileSystem.clear_instance_cache()
    return s3fs.S3FileSystem()


def _publish(settings: Settings, version: str = "v2025.01.14", created_at: dt.datetime = CREATED) -> str:
    return publish_snapshot(settings, version=version, created_at=created_at)


def test_snapshot_is_published_to_the_bucket_and_verifies(remote: Settings, bucket: str, capsys) -> None:
    url = _publish(remote)
    assert url == f"s3://{bucket}/data/snapshots/v2025.01.14"
    fs = _fs()
    names = sorted(p.rsplit("/", 1)[-1] for p in fs.ls(url))
    assert {"events.parquet", "events.csv", "events.xlsx", "manifest.json", "datasheet.md", "NOTICE"} <= set(names)
    assert fs.ls(f"{bucket}/data/snapshots", detail=False) == [f"{bucket}/data/snapshots/latest.json",
                                                             f"{bucket}/data/snapshots/v2025.01.14"]
    with fs.open(f"{url}/events.parquet") as f:
        assert pq.read_table(f).num_rows == 5
    assert json.loads(fs.cat(f"{bucket}/data/snapshots/latest.json"))["version"] == "v2025.01.14"
    local_snapshots = Path(remote.paths.local_root) / "snapshots"
    assert not local_snapshots.exists() or not any(local_snapshots.iterdir()), "nothing left on local disk"
    assert verify_snapshot(url) == []
    assert verify_snapshot(f"s3://{bucket}/data/snapshots/latest") == []
    assert main(["verify-snapshot", url]) == 0
    assert capsys.readouterr().out.strip().endswith("ok")

    fs.pipe_file(f"{url}/events.csv", b"tampered")
    assert verify_snapshot(url) == ["events.csv: sha256 mismatch (file changed after publishing)"]
    fs.pipe_file(f"{url}/extra.txt", b"x")
    assert "extra.txt: not in the manifest" in verify_snapshot(url)
    with pytest.raises(SnapshotExists):
        _publish(remote)


def test_rerun_of_a_finished_bucket_publish_with_the_same_rows_rewrites_nothing(remote: Settings,
                                                                             bucket: str) -> None:
    url = _publish(remote)
    fs = _fs()
    before = {p: info["LastModified"] for p, info in fs.find(f"{bucket}/data/snapshots", detail=True).items()}
    with pytest.raises(SnapshotUnchanged) as unchanged:
        _publish(remote, created_at=LATER)
    assert unchanged.value.path == url and "already published" in str(unchanged.value)
    fs = _fs()
    after = {p: info["LastModified"] for p, info in fs.find(f"{bucket}/data/snapshots", detail=True).items()}
    assert after == before and verify_snapshot(url) == []
    assert json.loads(fs.cat(f"{url}/manifest.json"))["created_at"] == CREATED.isoformat()
    assert not list(Path(remote.paths.local_root).glob(".remote-*")), "the compared build is removed"
    with pytest.raises(SnapshotExists) as refused:  # other filters under the same version: refused
        publish_snapshot(remote, version="v2025.01.14", created_at=LATER, country="sy")
    assert not isinstance(refused.value, SnapshotUnchanged)


def test_second_release_diffs_against_the_first_in_the_bucket(remote: Settings, bucket: str) -> None:
    _publish(remote)
    url = _publish(remote, "v2025.02.01", LATER)
    fs = _fs()
    manifest = json.loads(fs.cat(f"{url}/manifest.json"))
    assert manifest["previous_version"] == "v2025.01.14"
    assert manifest["changes"] == {"added": 0, "changed": 0, "removed": 0}
    assert json.loads(fs.cat(f"{bucket}/data/snapshots/latest.json"))["version"] == "v2025.02.01"
    assert verify_snapshot(url) == []


def test_readers_never_see_a_half_published_version(remote: Settings, bucket: str, monkeypatch) -> None:
    """Killed while copying (before the manifest): no version exists; the rerun publishes it whole."""
    real_copy = remote_snapshot.copy_object

    def copy_until_manifest(fs, source: str, target: str) -> None:
        if target.endswith("/manifest.json"):
            raise KeyboardInterrupt("killed before the commit marker")
        real_copy(fs, source, target)

    monkeypatch.setattr(remote_snapshot, "copy_object", copy_until_manifest)
    with pytest.raises(KeyboardInterrupt):
        _publish(remote)
    root = paths.snapshots_dir(remote)
    fs = _fs()
    assert fs.exists(f"{bucket}/data/snapshots/v2025.01.14/events.parquet")  # data files copied ...
    assert release_store(root).versions() == []  # ... but no version for readers
    assert verify_snapshot(f"{root}/v2025.01.14")[0].startswith("manifest.json: unreadable or missing")
    assert not [p for p in fs.ls(f"{bucket}/data/snapshots") if p.rsplit("/", 1)[-1].startswith(".")]
    monkeypatch.setattr(remote_snapshot, "copy_object", real_copy)
    url = _publish(remote)
    assert release_store(root).versions() == ["v2025.01.14"] and verify_snapshot(url) == []


def test_an_upload_that_does_not_verify_is_not_committed(remote: Settings, bucket: str, monkeypatch) -> None:
    monkeypatch.setattr(remote_snapshot, "verify_remote_snapshot", lambda url: ["events.csv: sha256 mismatch"])
    with pytest.raises(ValidationFailed, match="uploaded with problems"):
        _publish(remote)
    assert release_store(paths.snapshots_dir(remote)).versions() == []
    assert not _fs().exists(f"{bucket}/data/snapshots/v2025.01.14")


def test_report_and_data_docs_go_to_the_bucket(remote: Settings, bucket: str) -> None:
    run_id = f"run-{D2}"
    result = validate_table(schema.to_table([e for e in known_events() if e["run_date"] == D2], "events"), remote,
                            table_name="events", run_id=run_id, run_date=D2,
                            article_ids=[a["article_id"] for a in known_articles()])
    docs = f"s3://{bucket}/data/reports/data_docs/{run_id}/events/index.html"
    assert result.data_docs_path == docs
    fs = _fs()
    page = fs.cat(docs).decode()
    assert "cdn" not in page.lower() and "_vendor/bootstrap.min.css" in page  # works offline from the bucket
    assert fs.exists(f"{bucket}/data/reports/data_docs/_vendor/bootstrap.min.css")

    report = write_run_report(remote, run_id=run_id, run_date=D2)
    assert report == f"s3://{bucket}/data/reports/{D2.isoformat()}/index.html"
    html = fs.cat(report).decode()
    assert f'href="../data_docs/{run_id}/events/index.html"' in html and "Headline" in html


def test_local_build_folders_of_killed_publishes_are_removed(remote: Settings, bucket: str) -> None:
    local = Path(paths.local_build_dir(remote, paths.snapshots_dir(remote)))
    dead = local / ".remote-v2025.01.10.999999999"  # no such process
    (dead / "v2025.01.10").mkdir(parents=True)
    other = subprocess.Popen(["sleep", "120"])  # another live publisher (the publishing process's own pid
    try:                                          # counts as dead: in a container every run may get the same one)
        alive = local / f".remote-v2025.01.11.{other.pid}"
        alive.mkdir()
        _publish(remote)
        assert not dead.exists() and alive.exists()
    finally:
        other.kill()
        other.wait()


def test_temp_prefixes_of_killed_publishes_are_removed_once_stale(remote: Settings, bucket: str,
                                                                   monkeypatch) -> None:
    """A publish killed (-9) after its upload leaves ``.<version>.<token>.tmp/``; the next publish deletes it
    once it is older than STALE_TEMP_AGE, and leaves a fresh one (a live publisher on another host) alone."""
    fs = _fs()
    snapshots = f"{bucket}/data/snapshots"
    killed = f"{snapshots}/.v2025.01.10.0123456789ab.tmp"
    fs.pipe_file(f"{killed}/events.parquet", b"partial upload")
    fs.pipe_file(f"{snapshots}/.notes.txt", b"not a temp prefix")
    _publish(remote)
    assert fs.exists(f"{killed}/events.parquet")  # fresh: may belong to a publish still running
    monkeypatch.setattr(remote_snapshot, "STALE_TEMP_AGE", dt.timedelta(seconds=0))
    _publish(remote, "v2025.02.01", LATER)
    fs = _fs()
    assert not fs.exists(killed) and fs.exists(f"{snapshots}/.notes.txt")
    assert release_store(paths.snapshots_dir(remote)).versions() == ["v2025.01.14", "v2025.02.01"]
    assert verify_snapshot(f"s3://{snapshots}/latest") == []


def test_local_and_bucket_releases_are_checked_by_the_same_rules(remote: Settings, bucket: str,
                                                                 tmp_path: Path) -> None:
    """verify-snapshot reports the same problems for the same damage, on disk and in the bucket."""
    url = _publish(remote)
    fs = _fs()
    local = tmp_path / "v2025.01.14"
    fs.get(url.removeprefix("s3://"), str(local), recursive=True)
    assert verify_snapshot(local) == [] == verify_snapshot(url)
    for damage in ("events.csv", "manifest.json.sha256"):
        fs.pipe_file(f"{url.removeprefix('s3://')}/{damage}", b"changed")
        (local / damage).write_bytes(b"changed")
    assert verify_snapshot(local) == verify_snapshot(url) == [
        "manifest.json: sha256 mismatch (manifest edited after publishing)",
        "events.csv: sha256 mismatch (file changed after publishing)"]
