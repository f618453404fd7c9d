"""Historical backfill from WARC archives (CC-NEWS style): one mapped task group per day of a date range.

Point ``sources_file`` at a registry whose sources read local WARC files (entry point ``type: warc`` with
a ``path`` glob, e.g. ``/archive/cc-news/2025/03/*.warc.gz``; each source keeps only its
``allowed_hosts``), set ``start_date`` / ``end_date`` (inclusive, UTC days) and trigger. For each day
the group runs crawl -> extract -> validate -> store -> load -> report with the publication window of
that day, writing that day's ``dt=`` partitions, exactly like the nightly DAG; rerunning a range
replaces its partitions. Days run in parallel up to the DAG's concurrency; ``crawl`` runs in the
``crawl_fetch`` pool, ``load`` and ``report`` in the one-slot ``duckdb_warehouse`` pool (the DuckDB
warehouse has a single writer).

To re-run the *live* nightly DAG over past dates instead, use
``airflow backfill create --dag-id conflict_events_nightly --from-date ... --to-date ...``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from airflow.sdk import dag, task, task_group
from conflict_events_common import (
    ARTICLES_ALIAS,
    CRAWL_POOL,
    DAY_LABEL,
    DEFAULT_ARGS,
    EVENTS_ALIAS,
    WAREHOUSE_ALIAS,
    WAREHOUSE_POOL,
    WAREHOUSE_QUEUE,
    config_params,
    day_range_params,
    day_window,
    emit_assets,
    stage_kwargs,
    validate_day,
    validation_params,
)

MAX_DAYS = 366


@dag(
    dag_id="conflict_events_backfill_warc",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["conflict-events", "backfill", "warc"],
    doc_md=__doc__,
    default_args=DEFAULT_ARGS,
    params={
        **config_params(),
        # Days run in parallel, so a day's row-count history depends on which others finished first; and an
        # archive has quiet days. The check is off by default here (set it to false to keep it).
        **validation_params(allow_row_count_drop=True),
        **day_range_params("2025-03-03", "2025-03-04"),
    },
)
def conflict_events_backfill_warc() -> None:
    @task
    def list_days(**context: Any) -> list[str]:
        """Every day of the requested range, oldest first."""
        first = dt.date.fromisoformat(context["params"]["start_date"])
        last = dt.date.fromisoformat(context["params"]["end_date"])
        if not 0 <= (last - first).days < MAX_DAYS:
            raise ValueError(f"date range {first}..{last} must be ordered and shorter than {MAX_DAYS} days")
        return [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]

    @task_group
    def process_day(day: str) -> None:
        @task(
            pool=CRAWL_POOL,
            max_active_tis_per_dagrun=1,
            execution_timeout=dt.timedelta(hours=3),
            map_index_template=DAY_LABEL,
        )
        def crawl(day: str, **context: Any) -> str:
            """Read the day's articles from the registry's WARC files (publication window = that day)."""
            from pipeline.run import run_crawl

            kwargs = stage_kwargs(context, dt.date.fromisoformat(day))
            return run_crawl(
                **kwargs, sources_file=kwargs["settings"].paths.sources_file, window=day_window(kwargs["run_date"])
            )

        @task(execution_timeout=dt.timedelta(hours=2), map_index_template=DAY_LABEL)
        def extract(day: str, crawled: str, **context: Any) -> str:
            from pipeline.run import run_extract

            return run_extract(**stage_kwargs(context, dt.date.fromisoformat(day)))

        @task(map_index_template=DAY_LABEL)
        def validate(day: str, extracted: str, **context: Any) -> str:
            return validate_day(context, dt.date.fromisoformat(day))

        @task(outlets=[ARTICLES_ALIAS, EVENTS_ALIAS], map_index_template=DAY_LABEL)
        def store(day: str, validated: str, **context: Any) -> str:
            from pipeline.run import run_store

            kwargs = stage_kwargs(context, dt.date.fromisoformat(day))
            stored = run_store(**kwargs)
            emit_assets(context, kwargs["settings"], ARTICLES_ALIAS, EVENTS_ALIAS)
            return stored

        @task(
            outlets=[WAREHOUSE_ALIAS],
            pool=WAREHOUSE_POOL,
            queue=WAREHOUSE_QUEUE,
            map_index_template=DAY_LABEL,
        )
        def load(day: str, stored: str, **context: Any) -> str:
            from pipeline.run import run_load

            kwargs = stage_kwargs(context, dt.date.fromisoformat(day))
            loaded = run_load(**kwargs, sources_file=kwargs["settings"].paths.sources_file)
            emit_assets(context, kwargs["settings"], WAREHOUSE_ALIAS)
            return loaded

        @task(
            execution_timeout=dt.timedelta(minutes=20),
            pool=WAREHOUSE_POOL,
            queue=WAREHOUSE_QUEUE,
            map_index_template=DAY_LABEL,
        )
        def report(day: str, loaded: str, **context: Any) -> str:
            from pipeline.run import run_report

            return run_report(**stage_kwargs(context, dt.date.fromisoformat(day)))

        report(day, load(day, store(day, validate(day, extract(day, crawl(day))))))

    process_day.expand(day=list_days())


conflict_events_backfill_warc()
