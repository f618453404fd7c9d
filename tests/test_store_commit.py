"""The lake's commit protocol under kill -9: every filesystem step of a write is a possible kill point.

A kill is modelled at filesystem granularity: from the k-th mutating call (rename or delete) on, every
mutation raises ``Killed`` (a BaseException, so no ``except Exception`` runs) and does nothing, exactly as
if the process had died there: cleanup handlers cannot tidy up either. After each kill, readers must see
the whole old partition or the whole new one, and the next write (or ``recover_partition``) must finish
the job. Regression for https://issues.local/12 item 1 (a kill inside the swap left the day empty).
"""

from __future__ import annotations

import fsspec
import pyarrow.parquet as pq
import pytest
from store_fixtures import DAY, articles

from pipeline import paths
from pipeline.errors import SchemaMismatch
from pipeline.store import (
    committed_parts,
    read_partition,
    recover_partition,
    replace_partition,
    write_partition,
    write_partition_batches,
)
from pipeline.store import parquet as store_parquet


class Killed(BaseException):
    """The simulated SIGKILL."""


class KillSwitch:
    """Patch the local filesystem so that the ``at``-th mutation and every later one 'dies'."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
        self.at, self.calls, self.fired = at, 0, False
        fs_cls = type(fsspec.filesystem("file"))
        for name in ("mv", "rm"):
            monkeypatch.setattr(fs_cls, name, self._wrap(getattr(fs_cls, name)))

    def _wrap(self, real):
        def call(fs, *args, **kwargs):
            self.calls += 1
            if self.fired or self.calls >= self.at:
                self.fired = True
                raise Killed
            return real(fs, *args, **kwargs)

        return call


def _ids(settings) -> list[str]:
    return sorted(read_partition(settings, table_name="articles", run_date=DAY).column("article_id").to_pylist())


def _names(settings) -> list[str]:
    folder = paths.partition_dir(settings, "articles", DAY)
    return sorted(p.rsplit("/", 1)[-1] for p in fsspec.filesystem("file").ls(folder, detail=False))


def _old_day(settings) -> list[str]:
    write_partition(articles(4), settings, table_name="articles", run_date=DAY)
    write_partition(articles(1, start=50), settings, table_name="articles", run_date=DAY, part="late")
    return _ids(settings)


def test_replace_killed_at_every_step_is_all_or_nothing_and_recovers(settings, monkeypatch) -> None:
    new_ids = [f"a{i:05d}" for i in range(200, 209)]
    steps_seen = 0
    for at in range(1, 20):
        old_ids = _old_day(settings)
        switch = KillSwitch(monkeypatch, at)
        try:
            replace_partition(articles(9, start=200), settings, table_name="articles", run_date=DAY)
        except Killed:
            pass
        monkeypatch.undo()
        seen = _ids(settings)
        assert seen in (old_ids, new_ids), f"kill at step {at}: a reader saw {seen}"
        # the rerun of the stage finishes (or replaces) the job with no manual step
        replace_partition(articles(9, start=200), settings, table_name="articles", run_date=DAY)
        assert _ids(settings) == new_ids
        assert _names(settings) == ["data.parquet"], f"kill at step {at} left {_names(settings)}"
        if not switch.fired:
            steps_seen = at - 1
            break
    assert steps_seen >= 3  # commit rename, drop of the other part, rename onto data.parquet


def test_a_killed_replace_after_its_commit_point_is_read_as_the_new_day(settings, monkeypatch) -> None:
    _old_day(settings)
    KillSwitch(monkeypatch, 2)  # the commit rename succeeds, then the process dies
    with pytest.raises(Killed):
        replace_partition(articles(3, start=100), settings, table_name="articles", run_date=DAY)
    monkeypatch.undo()
    assert _ids(settings) == ["a00100", "a00101", "a00102"]
    assert [p.rsplit("/", 1)[-1][:9] for p in committed_parts(settings, table_name="articles", run_date=DAY)] == [
        store_parquet.COMMIT_PREFIX]
    folder = paths.partition_dir(settings, "articles", DAY)
    assert recover_partition(folder)
    assert _names(settings) == ["data.parquet"]
    assert _ids(settings) == ["a00100", "a00101", "a00102"]


def test_batch_replace_killed_mid_stream_leaves_old_day_and_next_write_cleans_up(settings) -> None:
    old_ids = _old_day(settings)
    folder = paths.partition_dir(settings, "articles", DAY)

    def dying_batches():
        yield articles(2, start=300)
        # kill -9 here: the temp file stays behind (no except clause runs); model it as a leftover file
        raise Killed

    with pytest.raises(Killed):
        write_partition_batches(dying_batches(), settings, table_name="articles", run_date=DAY, replace=True)
    fsspec.filesystem("file").pipe(paths.join(folder, "._tmp-" + "0" * 32 + "-data.parquet"), b"PAR1 partial")
    assert _ids(settings) == old_ids  # the half-written temp file is never read
    write_partition_batches([articles(1, start=400)], settings, table_name="articles", run_date=DAY, replace=True)
    assert _names(settings) == ["data.parquet"]


def test_part_write_cleans_only_its_own_temp_files(settings) -> None:
    folder = paths.partition_dir(settings, "articles", DAY)
    write_partition(articles(1), settings, table_name="articles", run_date=DAY, part="crawl-a")
    fs = fsspec.filesystem("file")
    mine, other = (paths.join(folder, f"._tmp-{'1' * 32}-{p}.parquet") for p in ("crawl-a", "crawl-a-b"))
    fs.pipe(mine, b"partial")
    fs.pipe(other, b"a concurrent writer's file")
    write_partition(articles(2), settings, table_name="articles", run_date=DAY, part="crawl-a")
    assert not fs.exists(mine) and fs.exists(other)


@pytest.mark.parametrize("swap_finished", [False, True])
def test_leftovers_of_the_previous_protocol_are_recovered(settings, swap_finished) -> None:
    """A swap killed by the previous code (parts renamed ``._old-*``) is undone or finished."""
    old_ids = _old_day(settings)
    folder = paths.partition_dir(settings, "articles", DAY)
    fs = fsspec.filesystem("file")
    for name in ("data.parquet", "late.parquet"):
        fs.mv(paths.join(folder, name), paths.join(folder, f"._old-{'2' * 32}-{name}"))
    if swap_finished:
        write_partition(articles(2, start=70), settings, table_name="articles", run_date=DAY, part="data")
    else:
        fs.pipe(paths.join(folder, f"._tmp-{'3' * 32}.parquet"), b"complete or not, never read")
    recover_partition(folder)
    assert _ids(settings) == (["a00070", "a00071"] if swap_finished else old_ids)
    assert not [n for n in _names(settings) if n.startswith(".")]


def test_a_corrupt_part_is_an_error_naming_the_file(settings) -> None:
    path = write_partition(articles(2), settings, table_name="articles", run_date=DAY)
    with open(path, "wb") as f:
        f.write(b"not parquet at all")
    with pytest.raises(SchemaMismatch, match="data.parquet"):
        read_partition(settings, table_name="articles", run_date=DAY)


def test_a_part_without_schema_metadata_is_refused(settings) -> None:
    path = write_partition(articles(2), settings, table_name="articles", run_date=DAY)
    pq.write_table(pq.read_table(path).replace_schema_metadata(None), path)
    with pytest.raises(SchemaMismatch, match="schema_version 'missing'"):
        read_partition(settings, table_name="articles", run_date=DAY)
