"""Expectations of the warehouse's derived tables (``expectations/warehouse_<table>.json``), checked in DuckDB.

``events`` and ``event_mentions.event_id`` are built by the load, after validation ran on the lake, so the
load checks them itself: each expectation becomes a query counting unexpected rows; any unexpected row fails
the load (ValidationFailed, the transaction rolls back) with the expectation's ``meta.reason``.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipeline.errors import ConfigError, ValidationFailed
from pipeline.load.ddl import quote_ident
from pipeline.paths import resource_dir


def _expectations_dir() -> Path:
    return resource_dir("expectations")
CHECKED_TABLES: tuple[str, ...] = ("events", "event_mentions")


def load_warehouse_suite(table: str) -> dict:
    path = _expectations_dir() / f"warehouse_{table}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read expectation suite {path}: {exc}") from exc


def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"unsupported expectation value {value!r}")
    return repr(value)


def unexpected_rows_sql(table: str, expectation: dict) -> str:
    """A query counting the rows that break ``expectation`` (GE expectation types, evaluated in SQL)."""
    kind, kw = expectation["type"], expectation["kwargs"]
    column = quote_ident(kw["column"]) if "column" in kw else None
    if kind == "expect_column_values_to_not_be_null":
        return f"select count(*) from {table} where {column} is null"
    if kind == "expect_column_values_to_be_unique":
        return f"select count(*) from (select {column} from {table} group by 1 having count(*) > 1)"
    if kind == "expect_column_values_to_be_in_set":
        values = ", ".join(_literal(v) for v in kw["value_set"])
        return f"select count(*) from {table} where {column} is not null and {column} not in ({values})"
    if kind == "expect_column_values_to_be_between":
        bounds = [f"{column} < {_literal(kw['min_value'])}"] if kw.get("min_value") is not None else []
        bounds += [f"{column} > {_literal(kw['max_value'])}"] if kw.get("max_value") is not None else []
        return f"select count(*) from {table} where {' or '.join(bounds)}"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = quote_ident(kw["column_A"]), quote_ident(kw["column_B"])
        return f"select count(*) from {table} where {a} {'<' if kw.get('or_equal') else '<='} {b}"
    if kind == "unexpected_rows_expectation":
        return f"select count(*) from ({kw['unexpected_rows_query']})"
    raise ConfigError(f"{table}: expectation type {kind} is not supported in the warehouse")


def failed_expectations(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    """reason -> number of unexpected rows, for every expectation of ``table`` that fails."""
    failures = {}
    for expectation in load_warehouse_suite(table)["expectations"]:
        (n,) = con.execute(unexpected_rows_sql(table, expectation)).fetchone()
        if n:
            failures[expectation["meta"]["reason"]] = n
    return failures


def check_warehouse_expectations(con: duckdb.DuckDBPyConnection) -> None:
    """ValidationFailed naming every failed expectation of the derived tables."""
    problems = [f"{table}: {reason} ({n} row(s))" for table in CHECKED_TABLES
                for reason, n in failed_expectations(con, table).items()]
    if problems:
        raise ValidationFailed("warehouse expectations failed after building events: " + "; ".join(problems))
