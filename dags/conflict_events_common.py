"""Helpers the conflict-events DAGs share: how a task turns its Airflow context into stage arguments.

Not a DAG file (listed in ``.airflowignore``); the DAG files import it from the DAG folder, which Airflow
puts on ``sys.path``. Parsing it is cheap: nothing here touches the metadata DB, Variables, connections
or the pipeline's heavy dependencies until a task calls it.

Configuration, first match wins: the run's params (``data_root``, ``sources_file``, ``config_file``),
then the Airflow Variables ``conflict_events_data_root`` / ``conflict_events_sources_file`` /
``conflict_events_config_file`` (or the env vars ``AIRFLOW_VAR_CONFLICT_EVENTS_DATA_ROOT`` ...), then
``pipeline/defaults.toml``. A relative path is taken from the task process's working directory (where
the worker or ``scripts/airflow_standalone.sh`` was started), never from the DAG file's folder, which
moves with every deploy of a versioned DAG bundle; give absolute paths or URLs in production.
``data_root`` may be an object-store URL (``s3://...``): then every handoff between tasks goes through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from airflow.sdk import Param

CRAWL_POOL = "crawl_fetch"
# DuckDB allows one process to open the warehouse file for writing, and none to read it meanwhile: every
# task that opens it (load, report, publish) runs in this one-slot pool, across runs and backfills.
WAREHOUSE_POOL = "duckdb_warehouse"
# ... and on one host: the CeleryExecutor sends them to this queue, which one worker (the one with the
# warehouse's disk) consumes (`airflow celery worker --queues default,warehouse`). Other executors ignore it.
WAREHOUSE_QUEUE = "warehouse"
VARIABLE_PREFIX = "conflict_events_"

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "conflict-events",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": dt.timedelta(minutes=30),
    "execution_timeout": dt.timedelta(hours=1),
}


def config_params() -> dict[str, Param]:
    """The params every DAG takes to point it at its data and sources (None = Variable or default)."""
    return {
        "data_root": Param(None, type=["null", "string"], description="output root: a folder or s3://..."),
        "sources_file": Param(None, type=["null", "string"], description="source registry YAML"),
        "config_file": Param(None, type=["null", "string"], description="TOML laid over defaults.toml"),
    }


def configured(params: dict[str, Any], key: str) -> str | None:
    """A run param, else the Airflow Variable ``conflict_events_<key>``, else None."""
    from airflow.sdk import Variable

    return params.get(key) or Variable.get(VARIABLE_PREFIX + key, default=None)


def pipeline_settings(params: dict[str, Any]) -> Any:
    """The run's ``pipeline.settings.Settings``: defaults, a config file, then data root / sources file."""
    from pipeline.settings import Settings

    settings = Settings.load(configured(params, "config_file"))
    data_root = configured(params, "data_root") or settings.paths.data_root
    sources_file = configured(params, "sources_file") or settings.paths.sources_file
    return settings.replace(paths={"data_root": data_root, "sources_file": sources_file})


def run_date_of(context: dict[str, Any]) -> dt.date:
    """The UTC day a run processes: its logical date.

    For scheduled runs and ``airflow backfill create`` the logical date is the start of the data interval
    (the day). For a manual trigger it is the date chosen in the trigger form (default: now), while
    Airflow infers the data interval of manual runs from the trigger time, so the interval is not used.
    """
    when = context.get("logical_date") or context.get("data_interval_start") or context["dag_run"].run_after
    return when.astimezone(dt.UTC).date()


def pipeline_run_id(context: dict[str, Any], run_date: dt.date) -> str:
    """A stable pipeline run id per Airflow run and day: ``airflow-<date>-<hash of the Airflow run id>``."""
    digest = hashlib.sha1(context["run_id"].encode()).hexdigest()[:8]
    return f"airflow-{run_date.isoformat()}-{digest}"


def stage_kwargs(context: dict[str, Any], run_date: dt.date | None = None) -> dict[str, Any]:
    """``settings``, ``run_date`` and ``run_id`` for a ``pipeline.run`` stage function."""
    run_date = run_date or run_date_of(context)
    return {
        "settings": pipeline_settings(context["params"]),
        "run_date": run_date,
        "run_id": pipeline_run_id(context, run_date),
    }


def publication_window(context: dict[str, Any]) -> tuple[dt.datetime, dt.datetime] | None:
    """The run date's UTC day when the param ``restrict_to_interval`` is set, else None (every new article)."""
    if not context["params"].get("restrict_to_interval"):
        return None
    return day_window(run_date_of(context))


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """One UTC day as a publication window ``[day 00:00, next day 00:00)``."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)
