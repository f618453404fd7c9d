"""Recode the archive: code the stored articles of a date range again with the current extractor.

Trigger it after the lexicons, gazetteer, rules or decision model change. Set ``start_date`` / ``end_date``
(inclusive, UTC days; every day must have stored articles, checked before anything is rewritten). For each
day, ``recode`` copies the lake's articles to staging and runs extract -> validate -> store
(``pipeline.recode.recode_lake``: the day's lake partitions are replaced atomically, no article is
fetched again); ``load`` then reloads that day into the warehouse in the one-slot ``duckdb_warehouse``
pool (``pipeline.recode.reload_warehouse``). Days run in parallel up to the DAG's concurrency.

Idempotent: the run id of a recode depends only on the day and the extractor's inputs, so recoding a range
twice with the same extractor writes the same rows; events the change does not touch keep their ids. The
next snapshot's manifest lists the extractor version of every run date. Same as
``conflict-events recode --from D --to D``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from airflow.sdk import dag, task
from conflict_events_common import (
    ARTICLES_ALIAS,
    DAY_LABEL,
    DEFAULT_ARGS,
    EVENTS_ALIAS,
    WAREHOUSE_ALIAS,
    WAREHOUSE_POOL,
    WAREHOUSE_QUEUE,
    config_params,
    day_range_params,
    emit_assets,
    pipeline_settings,
    row_count_drop_allowed,
    validation_params,
)


@dag(
    dag_id="conflict_events_recode",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["conflict-events", "recode"],
    doc_md=__doc__,
    default_args=DEFAULT_ARGS,
    params={
        **config_params(),
        # Off by default: a new extractor that codes far fewer events than the days before should stop here.
        **validation_params(allow_row_count_drop=False),
        **day_range_params("2025-03-04", "2025-03-04"),
    },
)
def conflict_events_recode() -> None:
    @task
    def list_days(**context: Any) -> list[str]:
        """Every day of the range, oldest first; fails when the range is bad or a day has no stored articles."""
        from pipeline.recode import recode_days

        params = context["params"]
        first, last = (dt.date.fromisoformat(params[k]) for k in ("start_date", "end_date"))
        return [d.isoformat() for d in recode_days(pipeline_settings(params), first, last)]

    @task(
        outlets=[ARTICLES_ALIAS, EVENTS_ALIAS],
        execution_timeout=dt.timedelta(hours=3),
        map_index_template=DAY_LABEL,
    )
    def recode(day: str, **context: Any) -> str:
        """Re-extract, validate and store the day's stored articles; returns the day for its ``load``."""
        from pipeline.recode import recode_lake

        run_date, settings = dt.date.fromisoformat(day), pipeline_settings(context["params"])
        allow_drop = row_count_drop_allowed(context["params"], run_date)
        recode_lake(settings, run_date=run_date, allow_row_count_drop=allow_drop)
        emit_assets(context, settings, ARTICLES_ALIAS, EVENTS_ALIAS)
        return day

    @task(
        outlets=[WAREHOUSE_ALIAS],
        pool=WAREHOUSE_POOL,
        queue=WAREHOUSE_QUEUE,
        map_index_template=DAY_LABEL,
    )
    def load(day: str, **context: Any) -> str:
        """Reload the recoded day into the warehouse."""
        from pipeline.recode import recode_run_id, reload_warehouse

        run_date, settings = dt.date.fromisoformat(day), pipeline_settings(context["params"])
        reload_warehouse(settings, run_date=run_date, run_id=recode_run_id(settings, run_date),
                         sources_file=settings.paths.sources_file)
        emit_assets(context, settings, WAREHOUSE_ALIAS)
        return day

    load.expand(day=recode.expand(day=list_days()))


conflict_events_recode()
