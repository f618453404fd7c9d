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
import json
import logging
from typing import Any

from airflow.sdk import Asset, AssetAlias, Param

CRAWL_POOL = "crawl_fetch"
# DuckDB allows one process to open the warehouse file for writing, and none to read it meanwhile: every
# task that opens it (load, report, publish) runs in this one-slot pool, across runs and backfills.
WAREHOUSE_POOL = "duckdb_warehouse"
# ... and on one host: the CeleryExecutor sends them to this queue, which one worker (the one with the
# warehouse's disk) consumes (`airflow celery worker --queues default,warehouse`). Other executors ignore it.
WAREHOUSE_QUEUE = "warehouse"
VARIABLE_PREFIX = "conflict_events_"
# Asset aliases the tasks declare as outlets. The Asset each one resolves to is derived, at run time, from
# the run's data root (asset_uri): a scratch run with another data_root updates other Assets than production.
ARTICLES_ALIAS = AssetAlias("conflict_events_lake_articles")
EVENTS_ALIAS = AssetAlias("conflict_events_lake_events")
WAREHOUSE_ALIAS = AssetAlias("conflict_events_warehouse")
SNAPSHOTS_ALIAS = AssetAlias("conflict_events_snapshots")
logger = logging.getLogger(__name__)


def notify_failure(context: dict[str, Any]) -> None:
    """``on_failure_callback`` of every task: log the failure and, when the Variable
    ``conflict_events_alert_webhook`` holds a URL, POST ``{"text": ...}`` to it (Slack/Mattermost/Teams-style
    incoming webhook). An alert that cannot be sent is logged, never raised."""
    ti = context.get("ti") or context.get("task_instance")
    text = (
        f"conflict-events: {getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')} failed "
        f"(run {context.get('run_id')}, try {getattr(ti, 'try_number', '?')}): {context.get('exception')}"
    )
    logger.error("%s", text)
    url = _variable("alert_webhook")
    if url:
        post_alert(url, text)


def post_alert(url: str, text: str, *, timeout: float = 10.0) -> bool:
    """POST ``{"text": text}`` as JSON; True when the webhook answered 2xx."""
    import urllib.request

    request = urllib.request.Request(
        url, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return 200 <= response.status < 300
    except OSError as exc:
        logger.warning("alert webhook %s failed: %s", url, exc)
        return False


DEFAULT_ARGS: dict[str, Any] = {
    "owner": "conflict-events",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": dt.timedelta(minutes=30),
    "execution_timeout": dt.timedelta(hours=1),
    "on_failure_callback": notify_failure,
}


def config_params() -> dict[str, Param]:
    """The params every DAG takes to point it at its data and sources (None = Variable or default)."""
    return {
        "data_root": Param(None, type=["null", "string"], description="output root: a folder or s3://..."),
        "sources_file": Param(None, type=["null", "string"], description="source registry YAML"),
        "config_file": Param(None, type=["null", "string"], description="TOML laid over defaults.toml"),
    }


# Mapped tasks over a day range show their day in the UI (the n-th is start_date + n days), not an index.
DAY_LABEL = "{{ macros.ds_add(params.start_date, ti.map_index) }}"


def day_range_params(first: str, last: str) -> dict[str, Param]:
    """The ``start_date`` / ``end_date`` params of a DAG mapped over a range of days (defaults as given)."""
    return {
        "start_date": Param(first, type="string", format="date", description="first day (UTC)"),
        "end_date": Param(last, type="string", format="date", description="last day, inclusive"),
    }


def validation_params(*, allow_row_count_drop: bool) -> dict[str, Param]:
    """The param that lets a quiet day (outage, holiday, an archive's sparse day) pass the row-count check."""
    return {
        "allow_row_count_drop": Param(
            allow_row_count_drop,
            type="boolean",
            description="accept a day with far fewer rows than the previous runs (quiet day, archive gaps)",
        )
    }


def _variable(key: str) -> str | None:
    from airflow.sdk import Variable

    return Variable.get(VARIABLE_PREFIX + key, default=None)


def configured(params: dict[str, Any], key: str) -> str | None:
    """A run param, else the Airflow Variable ``conflict_events_<key>``, else None."""
    return params.get(key) or _variable(key)


def row_count_drop_allowed(params: dict[str, Any], run_date: dt.date) -> bool:
    """The run's ``allow_row_count_drop`` param, or the Variable ``conflict_events_allow_row_count_drop``
    holding ``true`` or a comma-separated list of run dates (for a run that already failed: set it, clear
    the ``validate`` task)."""
    if params.get("allow_row_count_drop"):
        return True
    allowed = {v.strip().lower() for v in (_variable("allow_row_count_drop") or "").split(",")}
    return bool(allowed & {"true", run_date.isoformat()})


def pipeline_settings(params: dict[str, Any]) -> Any:
    """The run's ``pipeline.settings.Settings``: defaults, a config file, then data root / sources file."""
    from pipeline.settings import Settings

    settings = Settings.load(configured(params, "config_file"))
    data_root = configured(params, "data_root") or settings.paths.data_root
    sources_file = configured(params, "sources_file") or settings.paths.sources_file
    settings = settings.replace(paths={"data_root": data_root, "sources_file": sources_file})
    return in_process_when_daemonic(settings)


def in_process_when_daemonic(settings: Any) -> Any:
    """``settings`` with one crawl and one extract worker when this process is daemonic.

    A task on a Celery worker runs in a child of the worker's prefork pool, a daemonic process, which may not
    start the stages' process pools ("daemonic processes are not allowed to have children"). There the stages
    run in-process; a worker's parallelism is its Celery concurrency (one task per slot) instead."""
    import multiprocessing

    if not multiprocessing.current_process().daemon:
        return settings
    return settings.replace(crawl={"workers": 1}, extract={"workers": 1})


def asset_uri(location: str) -> str:
    """The Asset URI of a dataset location: a URL (``s3://bucket/prefix/lake/events``) as it is, a local path
    as ``file://`` + its absolute path (relative paths from the task's working directory, percent-encoded)."""
    from pathlib import Path

    if "://" in location:
        return location.rstrip("/")
    return Path(location).absolute().as_uri()


def dataset_locations(settings: Any) -> dict[str, str]:
    """Alias name -> where the run's settings put that dataset (lake tables, warehouse file, snapshots)."""
    from pipeline import paths

    return {
        ARTICLES_ALIAS.name: paths.lake_dir(settings, "articles"),
        EVENTS_ALIAS.name: paths.lake_dir(settings, "events"),
        WAREHOUSE_ALIAS.name: paths.warehouse_path(settings),
        SNAPSHOTS_ALIAS.name: paths.snapshots_dir(settings),
    }


def emit_assets(context: dict[str, Any], settings: Any, *aliases: AssetAlias) -> list[str]:
    """Record an event on the Asset behind each alias, derived from the run's data root; the URIs emitted."""
    locations = dataset_locations(settings)
    uris = []
    for alias in aliases:
        uri = asset_uri(locations[alias.name])
        context["outlet_events"][alias].add(Asset(uri))
        uris.append(uri)
    return uris


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


def validate_day(context: dict[str, Any], run_date: dt.date | None = None) -> str:
    """``pipeline.run.run_validate`` for the task; a batch-level failure fails the task *without retries*
    (the same rows give the same answer) and says how to accept a quiet day."""
    from airflow.sdk.exceptions import AirflowFailException

    from pipeline.errors import ValidationFailed
    from pipeline.run import run_validate

    kwargs = stage_kwargs(context, run_date)
    if row_count_drop_allowed(context["params"], kwargs["run_date"]):
        kwargs["settings"] = kwargs["settings"].replace(validate={"min_rowcount_ratio_vs_history": 0.0})
    try:
        return run_validate(**kwargs)
    except ValidationFailed as exc:
        raise AirflowFailException(
            f"{exc} -- not retried: a rerun of the same rows fails the same way. For a quiet day, set the Variable "
            f"{VARIABLE_PREFIX}allow_row_count_drop to {kwargs['run_date']} and clear this task."
        ) from exc


def sources_for_scheduled_run(context: dict[str, Any]) -> str:
    """The registry of the run; a *scheduled* run with no registry configured (param or Variable) is skipped,
    so unpausing the nightly DAG does not crawl the bundled sample every night."""
    from airflow.sdk.exceptions import AirflowSkipException

    sources_file = configured(context["params"], "sources_file")
    run_type = str(getattr(context.get("dag_run"), "run_type", "")).lower()
    if sources_file is None and "scheduled" in run_type:
        raise AirflowSkipException(
            f"no source registry configured: set the Variable {VARIABLE_PREFIX}sources_file "
            "(the default is the bundled sample, for manual runs only)"
        )
    return pipeline_settings(context["params"]).paths.sources_file


def publication_window(context: dict[str, Any]) -> tuple[dt.datetime, dt.datetime] | None:
    """The run date's UTC day when the param ``restrict_to_interval`` is set, else None (every new article)."""
    if not context["params"].get("restrict_to_interval"):
        return None
    return day_window(run_date_of(context))


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """One UTC day as a publication window ``[day 00:00, next day 00:00)``."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)
