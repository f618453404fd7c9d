"""Parquet lake: atomic, idempotent, Hive-partitioned writes and reads (local disk or fsspec URLs)."""

from pipeline.store.parquet import (
    committed_parts,
    conform,
    iter_partition_batches,
    list_partitions,
    partition_row_count,
    read_partition,
    recover_partition,
    replace_partition,
    write_partition,
    write_partition_batches,
)

__all__ = [
    "committed_parts",
    "conform",
    "iter_partition_batches",
    "list_partitions",
    "partition_row_count",
    "read_partition",
    "recover_partition",
    "replace_partition",
    "write_partition",
    "write_partition_batches",
]
