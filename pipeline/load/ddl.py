"""DuckDB DDL generated from the schema module: one function maps Arrow types to DuckDB types.

``sql/ddl/<table>.sql`` files are the reviewed output of :func:`create_table_sql`; regenerate them with
``python -m pipeline.load.ddl`` after changing ``pipeline/schema.py`` (a test fails when they drift).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa

from pipeline import schema
from pipeline.errors import SchemaMismatch
from pipeline.paths import resource_dir

SQL_DIR = resource_dir("sql")
WAREHOUSE_TABLES: tuple[str, ...] = ("articles", "event_mentions", "events", "sources", "runs", "quarantine")

_SCALAR_TYPES: dict[pa.DataType, str] = {
    pa.string(): "VARCHAR",
    pa.large_string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.int16(): "SMALLINT",
    pa.float64(): "DOUBLE",
    pa.float32(): "FLOAT",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
}


def duckdb_type(arrow_type: pa.DataType) -> str:
    """DuckDB type name (as ``duckdb_columns().data_type`` spells it) for an Arrow type."""
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP WITH TIME ZONE" if arrow_type.tz else "TIMESTAMP"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return duckdb_type(arrow_type.value_type) + "[]"
    if arrow_type in _SCALAR_TYPES:
        return _SCALAR_TYPES[arrow_type]
    raise SchemaMismatch(f"no DuckDB type for Arrow type {arrow_type}")


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier (names come from the schema module, never from data)."""
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def primary_key(table: str) -> tuple[str, ...]:
    """The declared primary key: TABLE_KEYS when every key column is non-nullable, else none.

    DuckDB primary-key columns are NOT NULL; ``runs`` keys on a nullable ``source_id`` (null for
    non-crawl rows), so its uniqueness is enforced by the merge statement instead (null-safe match).
    """
    keys = schema.WAREHOUSE_KEYS[table]
    fields = {f.name: f for f in schema.WAREHOUSE_FIELDS[table]}
    return keys if all(not fields[k].nullable for k in keys) else ()


def expected_columns(table: str) -> dict[str, str]:
    """Column name -> DuckDB type for ``table``, in schema order."""
    return {f.name: duckdb_type(f.type) for f in schema.WAREHOUSE_FIELDS[table]}


def create_table_sql(table: str) -> str:
    """The full DDL (create table + column comments) for ``table``."""
    lines = [
        f"-- {table}: generated from pipeline/schema.py (schema {schema.SCHEMA_VERSION}) by",
        "-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).",
        f"create table if not exists {table} (",
    ]
    cols = []
    for f in schema.WAREHOUSE_FIELDS[table]:
        null = " not null" if not f.nullable else ""
        cols.append(f"    {quote_ident(f.name)} {duckdb_type(f.type).lower()}{null}")
    pk = primary_key(table)
    if pk:
        cols.append(f"    primary key ({', '.join(quote_ident(k) for k in pk)})")
    lines.append(",\n".join(cols))
    lines.append(");")
    if not pk:
        keys = ", ".join(schema.WAREHOUSE_KEYS[table])
        lines.append(f"-- no primary key constraint: key ({keys}) has a nullable column; the merge is null-safe.")
    lines.append(f"comment on table {table} is {_sql_string(_grain(table))};")
    for f in schema.WAREHOUSE_FIELDS[table]:
        lines.append(f"comment on column {table}.{quote_ident(f.name)} is {_sql_string(f.description)};")
    return "\n".join(lines) + "\n"


def _grain(table: str) -> str:
    for line in (schema.__doc__ or "").splitlines():
        if line.startswith(f"- ``{table}``:"):
            return line.split(":", 1)[1].strip()
    return table


def ddl_path(table: str) -> Path:
    return SQL_DIR / "ddl" / f"{table}.sql"


def read_sql(relative_path: str) -> str:
    """Text of ``sql/<relative_path>``."""
    return (SQL_DIR / relative_path).read_text(encoding="utf-8")


def write_ddl_files() -> list[Path]:
    """Regenerate ``sql/ddl/<table>.sql`` for every warehouse table."""
    written = []
    for table in WAREHOUSE_TABLES:
        path = ddl_path(table)
        path.write_text(create_table_sql(table), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_ddl_files():
        print(p, file=sys.stderr)
