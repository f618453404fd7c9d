"""Weekly researcher snapshot: publish the warehouse as an immutable, versioned release.

Runs every Monday 06:00 UTC (after that night's load) and publishes version ``vYYYY.MM.DD`` of the run
date through ``pipeline.publish.publish_snapshot``. Published versions are immutable: when the version
already exists (a rerun, or a manual trigger on the same day) the task is *skipped*, not failed.
Trigger it by hand to publish between weeks. It reads the warehouse Asset the nightly DAG updates and
updates the snapshot Asset, so downstream consumers can be scheduled on new snapshots.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import Asset, CronTriggerTimetable, dag, task
from conflict_events_common import (
    DEFAULT_ARGS,
    WAREHOUSE_POOL,
    WAREHOUSE_QUEUE,
    config_params,
    pipeline_settings,
    run_date_of,
)

from pipeline.paths import SNAPSHOT_ASSET_URI, WAREHOUSE_ASSET_URI


@dag(
    dag_id="conflict_events_snapshot",
    # No start_date: unpausing waits for the next Monday instead of publishing the last missed one at once
    # (with today's data under last Monday's version).
    schedule=CronTriggerTimetable("0 6 * * 1", timezone="UTC", run_immediately=False),
    catchup=False,
    max_active_runs=1,
    tags=["conflict-events", "snapshot"],
    doc_md=__doc__,
    default_args=DEFAULT_ARGS,
    params=config_params(),
)
def conflict_events_snapshot() -> None:
    @task(
        inlets=[Asset(WAREHOUSE_ASSET_URI)],
        outlets=[Asset(SNAPSHOT_ASSET_URI)],
        pool=WAREHOUSE_POOL,
        queue=WAREHOUSE_QUEUE,
        execution_timeout=dt.timedelta(minutes=30),
    )
    def publish(**context: Any) -> str:
        """Publish snapshot ``v<run date with dots>``; skip when that version is already published."""
        from airflow.sdk.exceptions import AirflowSkipException

        from pipeline.errors import SnapshotExists
        from pipeline.publish import publish_snapshot

        version = f"v{run_date_of(context):%Y.%m.%d}"
        try:
            return publish_snapshot(pipeline_settings(context["params"]), version=version)
        except SnapshotExists as exc:
            raise AirflowSkipException(f"snapshot {version} already published: {exc}") from exc

    publish()


conflict_events_snapshot()
