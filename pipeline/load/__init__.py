"""DuckDB warehouse: ``load_warehouse``, ``connect``, ``run_query``."""

from pipeline.load.query import run_query
from pipeline.load.warehouse import connect, load_warehouse

__all__ = ["connect", "load_warehouse", "run_query"]
