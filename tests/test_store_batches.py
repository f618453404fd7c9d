"""Parquet lake in batches: streamed writes stay atomic, streamed reads give back the same rows."""

from __future__ import annotations

import os
import shutil

import pyarrow.parquet as pq
import pytest
from store_fixtures import DAY, articles

from pipeline import paths, schema
from pipeline.errors import SchemaMismatch
from pipeline.store import (
    iter_partition_batches,
    partition_row_count,
    read_partition,
    write_partition,
    write_partition_batches,
)


def ids(table) -> list[str]:
    return table.column("article_id").to_pylist()


def test_batches_write_one_part_with_every_row_in_order(settings):
    batches = [articles(3), articles(2, start=3).to_batches()[0], articles(0)]
    path = write_partition_batches(batches, settings, table_name="articles", run_date=DAY, part="crawl-all",
                                   layer="staging")
    assert path.endswith("/staging/articles/dt=2025-03-14/crawl-all.parquet")
    assert pq.read_metadata(path).num_row_groups == 2  # the empty batch adds no row group
    got = read_partition(settings, table_name="articles", run_date=DAY, layer="staging")
    assert ids(got) == [f"a{i:05d}" for i in range(5)]
    assert got.schema.metadata[b"table"] == b"articles"


def test_no_batches_write_an_empty_part(settings):
    write_partition_batches(iter(()), settings, table_name="articles", run_date=DAY)
    assert partition_row_count(settings, table_name="articles", run_date=DAY) == 0
    assert read_partition(settings, table_name="articles", run_date=DAY).schema == schema.TABLE_SCHEMAS["articles"]


def test_replace_drops_every_other_part(settings):
    write_partition(articles(2), settings, table_name="articles", run_date=DAY, part="a")
    write_partition(articles(2, start=2), settings, table_name="articles", run_date=DAY, part="b")
    path = write_partition_batches([articles(1, start=9)], settings, table_name="articles", run_date=DAY,
                                   replace=True)
    assert path.endswith("/data.parquet")
    assert ids(read_partition(settings, table_name="articles", run_date=DAY)) == ["a00009"]


def test_failing_producer_leaves_the_old_part_and_no_temp_file(settings):
    write_partition(articles(2), settings, table_name="articles", run_date=DAY, part="crawl")

    def batches():
        yield articles(3, start=10)
        raise RuntimeError("crawl died")

    with pytest.raises(RuntimeError, match="crawl died"):
        write_partition_batches(batches(), settings, table_name="articles", run_date=DAY, part="crawl")
    with pytest.raises(RuntimeError, match="crawl died"):
        write_partition_batches(batches(), settings, table_name="articles", run_date=DAY, replace=True)
    folder = paths.partition_dir(settings, "articles", DAY)


    assert sorted(os.listdir(folder)) == ["crawl.parquet"]
    assert ids(read_partition(settings, table_name="articles", run_date=DAY)) == ["a00000", "a00001"]


def test_bad_batch_schema_raises_and_writes_nothing(settings):
    with pytest.raises(SchemaMismatch):
        write_partition_batches([articles(1).drop_columns(["url"])], settings, table_name="articles",
                                run_date=DAY)
    assert partition_row_count(settings, table_name="articles", run_date=DAY) == 0


def test_iter_batches_gives_read_partition_rows_in_batches(settings):
    write_partition(articles(5), settings, table_name="articles", run_date=DAY, part="a")
    write_partition(articles(3, start=5), settings, table_name="articles", run_date=DAY, part="b")
    batches = list(iter_partition_batches(settings, table_name="articles", run_date=DAY, batch_size=2))
    assert [b.num_rows for b in batches] == [2, 2, 1, 2, 1]
    assert all(b.schema == schema.TABLE_SCHEMAS["articles"] for b in batches)
    assert [i for b in batches for i in ids(b)] == ids(read_partition(settings, table_name="articles", run_date=DAY))
    assert partition_row_count(settings, table_name="articles", run_date=DAY) == 8


def test_iter_batches_of_a_missing_day_is_empty_and_checks_the_table(settings):
    assert list(iter_partition_batches(settings, table_name="articles", run_date=DAY)) == []
    path = write_partition(articles(1), settings, table_name="articles", run_date=DAY)
    events_dir = paths.partition_dir(settings, "events", DAY)



    os.makedirs(events_dir)
    shutil.copy(path, f"{events_dir}/data.parquet")
    with pytest.raises(SchemaMismatch, match="holds table 'articles'"):
        next(iter_partition_batches(settings, table_name="events", run_date=DAY))
    with pytest.raises(ValueError):
        next(iter_partition_batches(settings, table_name="articles", run_date=DAY, batch_size=0))
