"""Parquet lake: atomic, idempotent, Hive-partitioned writes and reads (local disk or fsspec URLs)."""

from pipeline.store.parquet import (
    conform,
    list_partitions,
    read_partition,
    replace_partition,
    write_partition,
)

__all__ = ["conform", "list_partitions", "read_partition", "replace_partition", "write_partition"]
