"""Parquet lake: atomic, idempotent, Hive-partitioned writes and reads (local disk or fsspec URLs)."""

from pipeline.store.parquet import (
    conform,
    iter_partition_batches,
    list_partitions,
    partition_row_count,
    read_partition,
    replace_partition,
    write_partition,
    write_partition_batches,
)

__all__ = [
    "conform",
    "iter_partition_batches",
    "list_partitions",
    "partition_row_count",
    "read_partition",
    "replace_partition",
    "write_partition",
    "write_partition_batches",
]
