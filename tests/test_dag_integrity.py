"""The DAG folder parses cleanly and every DAG is wired the way the docs say (no metadata DB needed)."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Airflow reads its home at import: keep this process away from ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", str(Path(tempfile.gettempdir()) / "conflict-events-dag-integrity"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

from airflow.dag_processing.dagbag import BundleDagBag  # noqa: E402

DAGS_DIR = Path(__file__).resolve().parents[1] / "dags"
DAG_FILES = sorted(p for p in DAGS_DIR.glob("conflict_events_*.py") if p.name != "conflict_events_common.py")

EXPECTED_TASKS = {
    "conflict_events_nightly": {"list_sources", "crawl", "extract", "validate", "store", "load", "report"},
    "conflict_events_snapshot": {"publish"},
    "conflict_events_backfill_warc": {
        "list_days",
        "process_day.crawl",
        "process_day.extract",
        "process_day.validate",
        "process_day.store",
        "process_day.load",
        "process_day.report",
    },
    "conflict_events_recode": {"list_days", "recode", "load"},
}
HEAVY_MODULES = ("duckdb", "pandas", "great_expectations", "trafilatura", "camel_tools", "aiohttp", "warcio")


def _parse_dags() -> BundleDagBag:
    return BundleDagBag(dag_folder=DAGS_DIR, bundle_path=DAGS_DIR)


@pytest.fixture(scope="module")
def dagbag() -> BundleDagBag:
    return _parse_dags()


def test_dag_folder_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dag_ids_one_per_file(dagbag):
    assert set(dagbag.dag_ids) == set(EXPECTED_TASKS)
    assert {Path(dag.fileloc).stem for dag in dagbag.dags.values()} == set(EXPECTED_TASKS)


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_TASKS))
def test_each_dag_has_its_tasks_tags_and_one_active_run(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert set(dag.task_ids) == EXPECTED_TASKS[dag_id]
    assert "conflict-events" in dag.tags
    assert dag.max_active_runs == 1, "DuckDB has one writer"
    assert dag.doc_md


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_TASKS))
def test_every_task_retries_with_backoff_and_a_timeout(dagbag, dag_id):
    for task in dagbag.dags[dag_id].tasks:
        assert task.retries >= 2, task.task_id
        assert task.retry_exponential_backoff > 0, task.task_id
        assert task.execution_timeout is not None and task.execution_timeout <= dt.timedelta(hours=4)


def test_nightly_schedule_is_a_daily_utc_data_interval(dagbag):
    dag = dagbag.dags["conflict_events_nightly"]
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    assert dag.timetable.expression == "0 0 * * *"
    assert str(dag.timetable.timezone) == "UTC"
    assert dag.catchup is False, "history is filled with `airflow backfill create`, not catchup"


def test_snapshot_is_weekly_and_backfill_is_manual(dagbag):
    snapshot = dagbag.dags["conflict_events_snapshot"].timetable
    assert snapshot.expression == "0 6 * * 1"
    assert type(dagbag.dags["conflict_events_backfill_warc"].timetable).__name__ == "NullTimetable"
    assert type(dagbag.dags["conflict_events_recode"].timetable).__name__ == "NullTimetable"


@pytest.mark.parametrize("dag_id", ["conflict_events_nightly", "conflict_events_backfill_warc"])
def test_crawl_is_mapped_and_capped_by_the_fetch_pool(dagbag, dag_id):
    crawl = next(t for t in dagbag.dags[dag_id].tasks if t.task_id.endswith("crawl"))
    assert crawl.pool == "crawl_fetch"
    assert "Mapped" in type(crawl).__name__ or type(crawl.task_group).__name__ == "MappedTaskGroup"


def test_every_task_opening_the_warehouse_runs_in_the_one_slot_pool(dagbag):
    opening = {
        "conflict_events_nightly": {"load", "report"},
        "conflict_events_snapshot": {"publish"},
        "conflict_events_backfill_warc": {"process_day.load", "process_day.report"},
        "conflict_events_recode": {"load"},
    }
    for dag_id, task_ids in opening.items():
        pools = {t.task_id: t.pool for t in dagbag.dags[dag_id].tasks}
        assert {pools[t] for t in task_ids} == {"duckdb_warehouse"}, dag_id
        assert {p for t, p in pools.items() if t not in task_ids} <= {"default_pool", "crawl_fetch"}
        # ... and on the one Celery worker that holds the warehouse file (issue 13); the rest go anywhere.
        queues = {t.task_id: t.queue for t in dagbag.dags[dag_id].tasks}
        assert {queues[t] for t in task_ids} == {"warehouse"}, dag_id
        assert {q for t, q in queues.items() if t not in task_ids} <= {"default"}, dag_id


def _common():
    sys.path.insert(0, str(DAGS_DIR))
    try:
        import conflict_events_common as common
    finally:
        sys.path.remove(str(DAGS_DIR))
    return common


def test_outputs_are_asset_aliases_resolved_at_run_time(dagbag):
    """Outlets are aliases, not fixed URIs: the Asset behind each is derived from the run's data root."""
    def outlets(dag_id: str, task_id: str) -> set[tuple[str, str]]:
        return {(type(a).__name__, a.name) for a in dagbag.dags[dag_id].get_task(task_id).outlets}

    lake = {("AssetAlias", "conflict_events_lake_articles"), ("AssetAlias", "conflict_events_lake_events")}
    warehouse = {("AssetAlias", "conflict_events_warehouse")}
    assert outlets("conflict_events_nightly", "store") == lake
    assert outlets("conflict_events_nightly", "load") == warehouse
    assert outlets("conflict_events_backfill_warc", "process_day.store") == lake
    assert outlets("conflict_events_backfill_warc", "process_day.load") == warehouse
    assert outlets("conflict_events_snapshot", "publish") == {("AssetAlias", "conflict_events_snapshots")}
    for dag in dagbag.dags.values():  # no task declares a fixed Asset any more
        assert all(type(a).__name__ == "AssetAlias" for t in dag.tasks for a in t.outlets), dag.dag_id


def test_asset_uris_follow_the_data_root(tmp_path, monkeypatch):
    from airflow.sdk.execution_time.context import OutletEventAccessors

    from pipeline.settings import Settings

    common = _common()
    monkeypatch.chdir(tmp_path)
    # A remote data root: the lake tables and snapshots are Assets at their URLs; the warehouse is host-local.
    remote = Settings.load(None).replace(paths={"data_root": "s3://bucket/prod/"})
    events = OutletEventAccessors()
    aliases = (common.ARTICLES_ALIAS, common.EVENTS_ALIAS, common.WAREHOUSE_ALIAS, common.SNAPSHOTS_ALIAS)
    uris = common.emit_assets({"outlet_events": events}, remote, *aliases)
    assert uris[:2] == ["s3://bucket/prod/lake/articles", "s3://bucket/prod/lake/events"]
    assert uris[2] == (tmp_path / "data-local" / "warehouse" / "events.duckdb").as_uri()
    assert uris[3] == "s3://bucket/prod/snapshots"
    recorded = {e.source_alias_name: e.dest_asset_key.uri for a in aliases for e in events[a].asset_alias_events}
    assert recorded == dict(zip([a.name for a in aliases], uris, strict=True))
    # A scratch run with another (relative, local) data root updates other Assets than production.
    scratch = Settings.load(None).replace(paths={"data_root": "scratch"})
    scratch_uris = common.emit_assets({"outlet_events": OutletEventAccessors()}, scratch, *aliases)
    assert scratch_uris[0] == (tmp_path / "scratch" / "lake" / "articles").as_uri()
    assert not set(scratch_uris) & set(uris)
    assert common.asset_uri("/srv/données/lake") == "file:///srv/donn%C3%A9es/lake"  # URIs stay ASCII


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_TASKS))
def test_params_default_to_variables_and_settings_not_machine_paths(dagbag, dag_id):
    params = dagbag.dags[dag_id].params
    for key in ("data_root", "sources_file", "config_file"):
        assert params[key] is None, f"{dag_id}.{key} must default to the Variable / settings default"


def test_no_variable_or_connection_lookup_at_parse_time(monkeypatch):
    from airflow.sdk.execution_time import context

    def forbidden(*args, **kwargs):
        raise AssertionError("Variable/Connection lookup while parsing a DAG file")

    monkeypatch.setattr(context, "_get_variable", forbidden)
    monkeypatch.setattr(context, "_get_connection", forbidden)
    assert _parse_dags().import_errors == {}


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.stem)
def test_parsing_a_dag_file_imports_nothing_heavy(dag_file):
    code = (
        "import runpy, sys\n"
        f"sys.path.insert(0, {str(DAGS_DIR)!r})\n"
        f"runpy.run_path({str(dag_file)!r})\n"
        f"print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1:] in ([], [""]), f"heavy imports at parse: {proc.stdout}"


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.stem)
def test_dag_files_stay_thin(dag_file):
    """No SQL, dataframes, DuckDB or environment reads in a DAG file; imports of stages only in tasks."""
    tree = ast.parse(dag_file.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                assert name.split(".")[0] not in (*HEAVY_MODULES, "os", "pyarrow"), name
                assert not name.startswith("pipeline.") or name == "pipeline.paths", name
    source = dag_file.read_text(encoding="utf-8").lower()
    for needle in ("select ", "insert into", "os.getenv", "os.environ", "read_parquet", "duckdb.connect"):
        assert needle not in source, needle


def test_run_context_helpers():
    sys.path.insert(0, str(DAGS_DIR))
    try:
        import conflict_events_common as common
    finally:
        sys.path.remove(str(DAGS_DIR))
    start = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
    context = {
        "logical_date": start,
        "data_interval_start": start,
        "data_interval_end": start + dt.timedelta(days=1),
        "run_id": "scheduled__2025-03-03T00:00:00+00:00",
        "params": {"restrict_to_interval": False},
    }
    assert common.run_date_of(context) == dt.date(2025, 3, 3)
    run_id = common.pipeline_run_id(context, dt.date(2025, 3, 3))
    assert run_id.startswith("airflow-2025-03-03-") and run_id == common.pipeline_run_id(context, dt.date(2025, 3, 3))
    assert run_id != common.pipeline_run_id({**context, "run_id": "manual__x"}, dt.date(2025, 3, 3))
    assert common.publication_window(context) is None
    window = common.publication_window({**context, "params": {"restrict_to_interval": True}})
    assert window == (start, start + dt.timedelta(days=1))
    assert common.day_window(dt.date(2025, 3, 3)) == window
    # A manual trigger: Airflow infers the interval from the trigger time; the logical date picks the day.
    manual = {**context, "logical_date": dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC), "data_interval_start": start}
    assert common.run_date_of(manual) == dt.date(2025, 3, 1)
    assert common.run_date_of({**context, "logical_date": None}) == dt.date(2025, 3, 3)


def test_settings_come_from_params_then_variables_then_defaults(monkeypatch, tmp_path):
    common = _common()
    variables = {"conflict_events_sources_file": str(tmp_path / "outlets.yaml")}
    monkeypatch.setattr(
        "airflow.sdk.Variable.get", classmethod(lambda cls, key, default=None: variables.get(key, default))
    )
    settings = common.pipeline_settings({"data_root": "s3://bucket/conflict-events"})
    assert settings.data_root == "s3://bucket/conflict-events"
    assert settings.paths.sources_file == str(tmp_path / "outlets.yaml")
    variables.clear()
    defaults = common.pipeline_settings({})
    # Relative paths stay relative: taken from the worker's working directory, not the DAG file's folder
    # (which moves with every deploy of a versioned DAG bundle; issue 13).
    assert defaults.data_root == "data"
    assert defaults.paths.sources_file == "data/sources/sample.yaml"


def test_a_daemonic_task_process_runs_the_stages_in_process(monkeypatch):
    """A Celery prefork worker's task process is daemonic: the crawl/extract process pools are turned off."""
    import multiprocessing

    from pipeline.settings import Settings

    common = _common()
    settings = Settings.load(None)
    assert settings.crawl.workers > 1 and settings.extract.workers > 1  # the defaults this guards against
    assert common.in_process_when_daemonic(settings) is settings
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    single = common.in_process_when_daemonic(settings)
    assert (single.crawl.workers, single.extract.workers) == (1, 1)
    assert single.paths == settings.paths
