"""Parquet lake: layout, schema enforcement, atomic and idempotent writes, crash safety."""

from __future__ import annotations

import datetime as dt

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from store_fixtures import DAY, articles

from pipeline import paths, schema
from pipeline.errors import SchemaMismatch
from pipeline.settings import Settings
from pipeline.store import list_partitions, read_partition, replace_partition, write_partition


def test_write_lays_out_hive_partition_with_zstd_and_schema_metadata(settings):
    path = write_partition(articles(3), settings, table_name="articles", run_date=DAY)
    assert path == paths.join(paths.partition_dir(settings, "articles", DAY), "data.parquet")
    assert "/lake/articles/dt=2025-03-14/data.parquet" in path
    meta = pq.read_metadata(path)
    assert meta.row_group(0).column(0).compression == "ZSTD"
    kv = meta.schema.to_arrow_schema().metadata
    assert kv[b"schema_version"] == schema.SCHEMA_VERSION.encode()
    assert kv[b"table"] == b"articles"
    assert read_partition(settings, table_name="articles", run_date=DAY).num_rows == 3


def test_write_casts_to_schema_and_orders_columns(settings):
    table = articles(2)
    reordered = table.select(list(reversed(table.column_names)))
    reordered = reordered.set_column(
        reordered.column_names.index("warc_offset"), "warc_offset", pa.array([1, 2], pa.int32())
    )
    write_partition(reordered, settings, table_name="articles", run_date=DAY)
    back = read_partition(settings, table_name="articles", run_date=DAY)
    assert back.schema.equals(schema.ARTICLE_SCHEMA)
    assert back.column("warc_offset").to_pylist() == [1, 2]


def test_rewrite_of_a_part_replaces_it_never_appends(settings):
    write_partition(articles(5), settings, table_name="articles", run_date=DAY)
    write_partition(articles(5), settings, table_name="articles", run_date=DAY)
    assert read_partition(settings, table_name="articles", run_date=DAY).num_rows == 5
    write_partition(articles(2, start=10), settings, table_name="articles", run_date=DAY, part="late")
    assert read_partition(settings, table_name="articles", run_date=DAY).num_rows == 7


def test_replace_partition_swaps_all_parts(settings):
    write_partition(articles(5), settings, table_name="articles", run_date=DAY)
    write_partition(articles(2, start=10), settings, table_name="articles", run_date=DAY, part="late")
    replace_partition(articles(3, start=100), settings, table_name="articles", run_date=DAY)
    replace_partition(articles(3, start=100), settings, table_name="articles", run_date=DAY)
    back = read_partition(settings, table_name="articles", run_date=DAY)
    assert back.column("article_id").to_pylist() == ["a00100", "a00101", "a00102"]
    folder = paths.partition_dir(settings, "articles", DAY)
    fs = fsspec.filesystem("file")
    assert sorted(p.rsplit("/", 1)[-1] for p in fs.ls(folder, detail=False)) == ["data.parquet"]


def _crashing_mv(real_mv, *, when):
    def mv(self, path1, path2, *args, **kwargs):
        if when(str(path1), str(path2)):
            raise OSError("simulated crash during rename")
        return real_mv(self, path1, path2, *args, **kwargs)

    return mv


def test_crash_mid_write_partition_keeps_old_part(settings, monkeypatch):
    write_partition(articles(4), settings, table_name="articles", run_date=DAY)
    fs_cls = type(fsspec.filesystem("file"))
    monkeypatch.setattr(fs_cls, "mv", _crashing_mv(fs_cls.mv, when=lambda src, dst: True))
    with pytest.raises(OSError):
        write_partition(articles(7), settings, table_name="articles", run_date=DAY)
    monkeypatch.undo()
    assert read_partition(settings, table_name="articles", run_date=DAY).num_rows == 4
    assert list(fsspec.filesystem("file").glob(paths.partition_dir(settings, "articles", DAY) + "/._*")) == []


def test_schema_mismatch_on_missing_extra_or_uncastable_columns(settings):
    table = articles(2)
    with pytest.raises(SchemaMismatch, match="missing column.*'url'"):
        write_partition(table.drop_columns(["url"]), settings, table_name="articles", run_date=DAY)
    with pytest.raises(SchemaMismatch, match="extra column.*'bogus'"):
        write_partition(
            table.append_column("bogus", pa.array([1, 2])), settings, table_name="articles", run_date=DAY
        )
    bad = table.set_column(
        table.column_names.index("warc_offset"), "warc_offset", pa.array(["x", "y"])
    )
    with pytest.raises(SchemaMismatch, match="warc_offset"):
        write_partition(bad, settings, table_name="articles", run_date=DAY)
    with pytest.raises(SchemaMismatch, match="unknown table"):
        write_partition(table, settings, table_name="nope", run_date=DAY)
    assert list_partitions(settings, table_name="articles") == []


def test_read_refuses_other_major_schema_version(settings):
    path = write_partition(articles(2), settings, table_name="articles", run_date=DAY)
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({"schema_version": "2.0.0", "table": "articles"}), path)
    with pytest.raises(SchemaMismatch, match="schema_version '2.0.0'"):
        read_partition(settings, table_name="articles", run_date=DAY)
    pq.write_table(table.replace_schema_metadata({"schema_version": "1.9.0", "table": "articles"}), path)
    assert read_partition(settings, table_name="articles", run_date=DAY).num_rows == 2


def test_read_missing_partition_is_empty_table_with_schema(settings):
    back = read_partition(settings, table_name="events", run_date=DAY, layer="staging")
    assert back.num_rows == 0
    assert back.schema.equals(schema.EVENT_SCHEMA)


def test_list_partitions_and_layers(settings):
    for day in (dt.date(2025, 3, 2), dt.date(2025, 3, 1)):
        write_partition(articles(1), settings, table_name="articles", run_date=day, layer="staging")
    write_partition(articles(1), settings, table_name="articles", run_date=DAY)
    assert list_partitions(settings, table_name="articles", layer="staging") == [
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 2),
    ]
    assert list_partitions(settings, table_name="articles") == [DAY]


def test_fsspec_url_data_root_uses_the_same_code():
    settings = Settings.load().replace(paths={"data_root": "memory://lake-test"})
    path = write_partition(articles(3), settings, table_name="articles", run_date=DAY)
    assert path.startswith("memory://lake-test/lake/articles/dt=2025-03-14/")
    replace_partition(articles(2), settings, table_name="articles", run_date=DAY)
    assert read_partition(settings, table_name="articles", run_date=DAY).num_rows == 2
    assert list_partitions(settings, table_name="articles") == [DAY]
    fsspec.filesystem("memory").rm("/lake-test", recursive=True)
