"""`conflict-events query`: one read statement on a locked-down, offline, read-only warehouse connection.

The connection is read-only, cannot touch files or the network (``enable_external_access = false``: no
``COPY ... TO``, ``EXPORT``, ``ATTACH``, ``read_text('/etc/...')``, ``INSTALL``), never installs or loads
extensions, and its configuration is locked (``lock_configuration``), so the SQL cannot switch any of it
back on. On top, only one ``SELECT`` (``WITH``, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE`` parse as one) or
``EXPLAIN`` is accepted. Every refusal or SQL error is a one-line ``QueryFailed``.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from pipeline.errors import QueryFailed, WarehouseMissing
from pipeline.load.warehouse import warehouse_file
from pipeline.settings import Settings

LOCKED_DOWN: dict[str, str | bool] = {
    "access_mode": "read_only",
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "lock_configuration": True,  # last: nothing above can be SET back by the query
}
READ_STATEMENTS = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)


def connect_for_query(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only, offline connection whose configuration the SQL cannot change."""
    path = warehouse_file(settings)
    if not path.is_file():
        raise WarehouseMissing(f"no warehouse at {path}: run `conflict-events load` first")
    try:
        return duckdb.connect(str(path), read_only=True, config=dict(LOCKED_DOWN))
    except duckdb.Error as exc:
        raise QueryFailed(f"cannot open {path}: {_first_line(exc)}") from exc


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise QueryFailed unless ``sql`` is exactly one read statement."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryFailed(f"SQL error: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise QueryFailed(f"one statement only, got {len(statements)}")
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        raise QueryFailed(f"read-only: {kind.name} statements are refused (only SELECT and EXPLAIN)")


def run_query(settings: Settings, sql: str) -> pa.Table:
    """Run one read statement on the warehouse and return the result as Arrow."""
    con = connect_for_query(settings)
    try:
        check_read_only(con, sql)
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise QueryFailed(f"SQL error: {_first_line(exc)}") from exc
    finally:
        con.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
