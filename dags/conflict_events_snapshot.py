"""Weekly researcher snapshot: publish the warehouse as an immutable, versioned release.

Runs every Monday 06:00 UTC (after that night's load) and publishes version ``vYYYY.MM.DD`` of the run
date through ``pipeline.publish.publish_snapshot``. Published versions are immutable: when the version
already exists (a rerun, or a manual trigger on the same day) the task is *skipped*, not failed.
Trigger it by hand to publish between weeks. A published snapshot updates the Asset of the run's snapshot
folder (``file:///.../snapshots``, derived from the data root through the alias ``conflict_events_snapshots``),
so downstream consumers can be scheduled on new snapshots.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import CronTriggerTimetable, dag, task
from conflict_events_common import (
    DEFAULT_ARGS,
    SNAPSHOTS_ALIAS,
    WAREHOUSE_POOL,
    WAREHOUSE_QUEUE,
    config_params,
    emit_assets,
    pipeline_settings,
    run_date_of,
)


@dag(
    dag_id="conflict_events_snapshot",
    # No start_date: unpausing waits for the next Monday instead of publishing the last missed one at once
    # (with today's data under last Monday's version). run_immediately is a zero timedelta, not False: Airflow
    # 3.3 reads False like None, a buffer of 10% of the week, and ran a Monday's 06:00 slot at once when the DAG
    # was unpaused up to 16.8 hours after it.
    schedule=CronTriggerTimetable("0 6 * * 1", timezone="UTC", run_immediately=dt.timedelta(0)),
    catchup=False,
    max_active_runs=1,
    tags=["conflict-events", "snapshot"],
    doc_md=__doc__,
    default_args=DEFAULT_ARGS,
    params=config_params(),
)
def conflict_events_snapshot() -> None:
    @task(
        outlets=[SNAPSHOTS_ALIAS],
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
        settings = pipeline_settings(context["params"])
        try:
            published = publish_snapshot(settings, version=version)
        except SnapshotExists as exc:
            raise AirflowSkipException(f"snapshot {version} already published: {exc}") from exc
        emit_assets(context, settings, SNAPSHOTS_ALIAS)
        return published

    publish()


conflict_events_snapshot()
