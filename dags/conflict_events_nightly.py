"""Nightly Arabic news -> conflict events: crawl (one mapped task per source) -> extract -> validate ->
store -> load -> report.

Each run processes one UTC day, its logical date: the scheduled run for 2025-03-03 (data interval
2025-03-03T00:00 to 2025-03-04T00:00, started just after midnight) writes the ``dt=2025-03-03``
partitions, and a rerun or a backfill of that day (``airflow backfill create --dag-id
conflict_events_nightly --from-date 2025-03-03 --to-date 2025-03-03``) replaces them. The live crawl keeps
every *new* article it finds; set the param ``restrict_to_interval`` to keep only articles published on
the run's day (archives, backfills).

Params ``data_root`` / ``sources_file`` / ``config_file`` (else the Variables ``conflict_events_*``,
else ``pipeline/defaults.toml``) point the run at its data. Crawl tasks run in the ``crawl_fetch`` pool
(``airflow pools set crawl_fetch 4 "concurrent outlet crawls"``): at most that many outlets are fetched
at once across all runs; one failing outlet fails and retries alone. ``max_active_runs=1`` and the
one-slot ``duckdb_warehouse`` pool (load, report): the DuckDB warehouse has a single writer. ``store``
and ``load`` update the lake and warehouse Assets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, chain, dag, task
from conflict_events_common import (
    ARTICLES_ALIAS,
    CRAWL_POOL,
    DEFAULT_ARGS,
    EVENTS_ALIAS,
    WAREHOUSE_ALIAS,
    WAREHOUSE_POOL,
    WAREHOUSE_QUEUE,
    config_params,
    emit_assets,
    publication_window,
    sources_for_scheduled_run,
    stage_kwargs,
    validate_day,
    validation_params,
)


@dag(
    dag_id="conflict_events_nightly",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=8),
    tags=["conflict-events", "nightly"],
    doc_md=__doc__,
    default_args=DEFAULT_ARGS,
    params={
        **config_params(),
        **validation_params(allow_row_count_drop=False),
        "restrict_to_interval": Param(
            False, type="boolean", description="keep only articles published on the run's day (UTC)"
        ),
    },
)
def conflict_events_nightly() -> None:
    @task
    def list_sources(**context: Any) -> list[str]:
        """The ids of the registry's enabled sources: one crawl task is mapped over each."""
        from pipeline.sources import load_registry

        return [source.id for source in load_registry(sources_for_scheduled_run(context)) if source.enabled]

    @task(
        pool=CRAWL_POOL,
        retries=3,
        execution_timeout=dt.timedelta(hours=2),
        map_index_template="{{ task.op_kwargs['source_id'] }}",
    )
    def crawl(source_id: str, **context: Any) -> str:
        """Fetch one outlet's new articles into ``staging/articles`` (part ``crawl-<source_id>``)."""
        from pipeline.run import run_crawl

        kwargs = stage_kwargs(context)
        sources_file = kwargs["settings"].paths.sources_file
        return run_crawl(
            **kwargs, sources_file=sources_file, source_ids=[source_id], window=publication_window(context)
        )

    @task(execution_timeout=dt.timedelta(hours=2))
    def extract(crawled: list[str], **context: Any) -> str:
        """Code events from every article the crawl tasks staged for the day."""
        from pipeline.run import run_extract

        return run_extract(**stage_kwargs(context))

    @task
    def validate(**context: Any) -> str:
        """Run the expectations; bad rows go to quarantine, a batch failure fails the task (no retries)."""
        return validate_day(context)

    @task(outlets=[ARTICLES_ALIAS, EVENTS_ALIAS])
    def store(**context: Any) -> str:
        """Replace the day's lake partitions with the validated rows."""
        from pipeline.run import run_store

        kwargs = stage_kwargs(context)
        stored = run_store(**kwargs)
        emit_assets(context, kwargs["settings"], ARTICLES_ALIAS, EVENTS_ALIAS)
        return stored

    @task(outlets=[WAREHOUSE_ALIAS], pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE)
    def load(**context: Any) -> str:
        """Upsert the day (and the source registry) into the DuckDB warehouse."""
        from pipeline.run import run_load

        kwargs = stage_kwargs(context)
        loaded = run_load(**kwargs, sources_file=kwargs["settings"].paths.sources_file)
        emit_assets(context, kwargs["settings"], WAREHOUSE_ALIAS)
        return loaded

    @task(execution_timeout=dt.timedelta(minutes=20), pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE)
    def report(**context: Any) -> str:
        """Write the day's HTML run report."""
        from pipeline.run import run_report

        return run_report(**stage_kwargs(context))

    crawled = crawl.expand(source_id=list_sources())
    chain(extract(crawled), validate(), store(), load(), report())


conflict_events_nightly()
