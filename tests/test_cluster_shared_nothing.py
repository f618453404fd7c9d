"""Shared-nothing tasks (issue 13): with ``data_root`` on an object store, hosts share only the store.

The object store here is fsspec's in-memory filesystem; ``make cluster-test`` runs the same code against an
S3 server on two Celery workers. Each "host" is a separate ``paths.local_root``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import fsspec
import pytest

from pipeline import paths
from pipeline.crawl.state import LOCK_FILE, STATE_FILE, StateLease, StateLost, state_path
from pipeline.run import new_run_id, run_all, run_crawl
from pipeline.settings import Settings
from pipeline.store import partition_row_count

RUN_DATE = dt.date(2025, 3, 3)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def store_root(tmp_path: Path) -> str:
    return f"memory://{tmp_path.name}/bucket"


def _host(settings: Settings, store_root: str, host: Path) -> Settings:
    return settings.replace(paths={"data_root": store_root, "local_root": str(host)})


def test_host_files_stay_local_and_shared_files_go_to_the_store(settings, store_root, tmp_path):
    host = _host(settings, store_root, tmp_path / "host-a")
    assert paths.lake_root(host) == store_root
    assert paths.state_dir(host) == f"{store_root}/state"
    assert paths.warehouse_path(host).startswith(str(tmp_path / "host-a"))
    assert paths.raw_dir(host, RUN_DATE).startswith(str(tmp_path / "host-a"))
    assert state_path(host).is_relative_to(tmp_path / "host-a")
    default_host = settings.replace(paths={"data_root": store_root})
    assert paths.host_root(default_host) == "data-local", "a remote data_root keeps host files in the working dir"
    assert paths.host_root(settings) == settings.data_root, "a local data_root keeps everything under it"


def test_lease_is_exclusive_and_waits_then_times_out(store_root):
    fs = fsspec.filesystem("memory")
    first = StateLease(store_root, ttl_seconds=60).acquire()
    clock = FakeClock()
    second = StateLease(store_root, ttl_seconds=30)
    # the first lock expires 60 s after the real time it was taken; the fake clock starts far before it
    with pytest.raises(TimeoutError, match="still locked by"):
        second.acquire(clock=clock, sleep=clock.sleep, poll_seconds=5)
    assert clock.now >= 1030
    assert json.loads(fs.cat_file(first.lock))["owner"] == first.owner
    first.release()
    assert not fs.exists(first.lock)
    second.acquire()
    assert second.holder()["owner"] == second.owner
    second.release()


def test_an_expired_lock_is_broken_and_its_holder_cannot_write_back(store_root, tmp_path):
    dead = StateLease(store_root, ttl_seconds=10)
    clock = FakeClock()
    dead.acquire(clock=clock, sleep=clock.sleep)
    clock.now += 11  # the holder died: its lock is older than the ttl
    alive = StateLease(store_root, ttl_seconds=10).acquire(clock=clock, sleep=clock.sleep)
    assert alive.holder()["owner"] == alive.owner
    local = tmp_path / "state.sqlite"
    local.write_bytes(b"stale")
    with pytest.raises(StateLost):
        dead.upload(local)
    dead.release()  # not its lock any more: left alone
    assert alive.holder()["owner"] == alive.owner
    alive.release()


def test_two_hosts_share_one_crawl_state_through_the_store(settings, store_root, tmp_path):
    """Host A runs the day; host B, with an empty local folder, sees A's articles as already seen."""
    fs = fsspec.filesystem("memory")
    host_a = _host(settings, store_root, tmp_path / "host-a")
    summary = run_all(host_a, run_date=RUN_DATE, run_id=new_run_id(RUN_DATE), progress=False)
    assert summary.articles > 0 and summary.events > 0
    assert fs.exists(f"{store_root}/state/{STATE_FILE}")
    assert not fs.exists(f"{store_root}/state/{LOCK_FILE}"), "the lock is released"
    assert fs.glob(f"{paths.partition_dir(host_a, 'events', RUN_DATE)}/*.parquet")
    assert (tmp_path / "host-a" / "warehouse" / "events.duckdb").is_file()
    assert not (tmp_path / "host-a" / "lake").exists(), "no lake layer on the host"

    host_b = _host(settings, store_root, tmp_path / "host-b")
    next_day = RUN_DATE + dt.timedelta(days=1)
    run_crawl(host_b, run_date=next_day, run_id=new_run_id(next_day), progress=False)
    staged = partition_row_count(host_b, table_name="articles", run_date=next_day, layer="staging")
    assert staged == 0, "host B read host A's crawl state from the store: nothing is new"
    # a rerun of A's day on host B returns that day's articles again, once each
    run_crawl(host_b, run_date=RUN_DATE, run_id=new_run_id(RUN_DATE), progress=False)
    again = partition_row_count(host_b, table_name="articles", run_date=RUN_DATE, layer="staging")
    assert again == summary.articles
