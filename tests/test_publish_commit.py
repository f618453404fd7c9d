"""The publish commit under kill -9 (issue 12): what the fault-injection suite (tests/test_faults.py) found.

- A publish killed inside ``point_latest`` left ``.latest.json.<pid>`` or ``.latest.<pid>`` in the snapshots
  folder for ever: the cleanup knew build folders only.
- A publish killed after its last step (or killed after the rename of a subset release, which ``latest``
  never names) was refused on its rerun: ``error: ... already exists``, exit 2, for a release that was
  complete. It is now told SnapshotUnchanged when the release holds the rows it would write (the CLI exits
  0; the snapshot DAG skips the task as before); other rows or filters are still refused.
- A build folder carrying the cleaning process's own pid (containers start every publish with the same pid)
  counted as a live publisher's and was never removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from load_fixtures import build_known_lake, event, known_events, sources_arrow, write_lake

from pipeline.cli import main
from pipeline.errors import SnapshotExists, SnapshotUnchanged
from pipeline.load import load_warehouse
from pipeline.publish import publish_snapshot, verify_snapshot
from pipeline.settings import Settings

CREATED = dt.datetime(2025, 1, 14, 6, 0, tzinfo=dt.UTC)
RERUN = dt.datetime(2025, 1, 14, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def warehouse(settings: Settings) -> Settings:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    return settings


def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


def _tree(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_pointer_temp_files_of_killed_publishes_are_removed(warehouse: Settings) -> None:
    root = Path(publish_snapshot(warehouse, version="v2025.01.13", created_at=CREATED)).parent
    dead = _dead_pid()
    (root / f".latest.json.{dead}").write_text('{"version": "v2025.01.13"}')  # killed before its rename
    (root / f".latest.{dead}").symlink_to("v2025.01.13")                     # the symlink's, likewise
    alive = root / f".latest.json.{os.getppid()}"  # a publisher still running: kept
    alive.write_text("{}")
    publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED)
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == [alive.name]
    assert os.readlink(root / "latest") == "v2025.01.14"


def test_a_build_folder_with_this_process_id_is_not_a_live_publishers(warehouse: Settings) -> None:
    root = Path(warehouse.data_root) / "snapshots"
    root.mkdir(parents=True)
    (root / f".v2025.01.13.{os.getpid()}.tmp").mkdir()  # a killed publish that had this pid (a container)
    publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED)
    assert not [p.name for p in root.iterdir() if p.name.startswith(".")]


def test_rerun_of_a_finished_publish_with_the_same_rows_succeeds_and_rewrites_nothing(
        warehouse: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED))
    before = _tree(folder)
    with pytest.raises(SnapshotUnchanged) as unchanged:
        publish_snapshot(warehouse, version="v2025.01.14", created_at=RERUN)
    assert unchanged.value.path == str(folder)
    assert main(["--data-root", warehouse.data_root, "publish", "--version", "v2025.01.14"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == str(folder)
    assert _tree(folder) == before and verify_snapshot(folder) == []
    assert json.loads((folder / "manifest.json").read_text())["created_at"] == CREATED.isoformat()
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]  # the compared build: gone


def test_rerun_of_a_subset_release_killed_after_its_rename_succeeds(warehouse: Settings, monkeypatch) -> None:
    """``latest`` never names a subset release, so the stale-latest test could not tell it was interrupted."""
    from pipeline.publish.releases import LocalReleaseStore

    publish_snapshot(warehouse, version="v2025.01.13", created_at=CREATED)
    monkeypatch.setattr(LocalReleaseStore, "point_latest", lambda store: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED, country="sy")
    monkeypatch.undo()
    with pytest.raises(SnapshotUnchanged) as unchanged:
        publish_snapshot(warehouse, version="v2025.01.14", created_at=RERUN, country="sy")
    assert json.loads((Path(unchanged.value.path) / "manifest.json").read_text())["filters"] == {"country": "SY"}


def test_an_existing_version_with_other_rows_or_filters_is_still_refused(warehouse: Settings) -> None:
    publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED)
    with pytest.raises(SnapshotExists) as refused:
        publish_snapshot(warehouse, version="v2025.01.14", created_at=RERUN, country="sy")
    assert not isinstance(refused.value, SnapshotUnchanged)
    rows = known_events() + [event("e9", "a1", "alpha", dt.date(2025, 1, 10), dt.date(2025, 1, 11),
                                   evidence="قصف جديد", char_start=30, char_end=38)]
    write_lake(warehouse, "events", [r for r in rows if r["run_date"] == dt.date(2025, 1, 11)],
               dt.date(2025, 1, 11))
    load_warehouse(warehouse)
    with pytest.raises(SnapshotExists) as refused:
        publish_snapshot(warehouse, version="v2025.01.14", created_at=RERUN)
    assert not isinstance(refused.value, SnapshotUnchanged)
    root = Path(warehouse.data_root) / "snapshots"
    assert not [p.name for p in root.iterdir() if p.name.startswith(".")]


def test_an_existing_version_without_a_warehouse_is_refused_as_existing(warehouse: Settings) -> None:
    from pipeline import paths

    publish_snapshot(warehouse, version="v2025.01.14", created_at=CREATED)
    Path(paths.warehouse_path(warehouse)).unlink()
    with pytest.raises(SnapshotExists) as refused:
        publish_snapshot(warehouse, version="v2025.01.14", created_at=RERUN)
    assert not isinstance(refused.value, SnapshotUnchanged)
