"""Fault injection: SIGKILL the store, load, publish and recode stages at many points, rerun with no manual
step, and get exactly the rows of a clean run (https://issues.local/12, "kill -9 anywhere, nothing lost").

The day already holds an older version (the lake and the warehouse have three extra "ghost" events, as
after reprocessing a day that now yields fewer events): a kill must never resurrect them, lose the day or
duplicate a row. Each kill point runs ``tests/fault_child.py`` (``run_store`` as the Airflow task calls it,
then the real ``conflict-events load`` CLI) in a child process that SIGKILLs itself before a chosen line of
the stage code; the rerun is the same command without the kill.

``make test`` runs the named kill points below; ``make faults`` (FAULTS=all) adds kill points spread
evenly over every line the two stages execute (about 5,000 line events), and kills whole runs (crawl ->
extract -> validate -> store -> load from an empty data root) at points spread over crawl state, extract,
validation, store and load code (about 16,000 line events); see README "Reliability".

``conflict-events publish`` (over a previous release) and ``conflict-events recode --from D --to D`` (over a
day whose older coding had the ghosts) are killed the same way, at named points (a few in ``make test``) and
at points spread over the lines they execute (``make faults``): the rerun of the same command must give the
clean run's release (file by file) or the clean recode's lake and warehouse rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import paths, schema
from pipeline.settings import Settings
from pipeline.store import read_partition, replace_partition

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
SOURCES = str(PROJECT / "data" / "sources" / "sample.yaml")
CHILD = str(PROJECT / "tests" / "fault_child.py")
RUN_DATE = dt.date(2025, 3, 3)
RUN_ID = "run-fault"
KEYS = {"articles": "article_id", "events": "event_id", "quarantine": "quarantine_id", "sources": "source_id"}
WAREHOUSE_KEYS = {"articles": "article_id", "event_mentions": "mention_id", "events": "event_id",
                  "quarantine": "quarantine_id", "sources": "source_id"}
# Named kill points: before the first line of the N-th call of a function of the store/load code.
NAMED_POINTS = (
    "_roll_forward@1",        # lake articles: replace committed (renamed to ._commit-*), nothing rolled forward
    "_write_temp_batches@2",  # lake events: the temp file is being written, articles already replaced
    "_load_table_days@2",     # load: inside the warehouse transaction, events being loaded
    "create_views@1",         # load: every table loaded, not committed yet
)
FULL_RUN_POINTS = 60  # evenly spread line kill points added by `make faults`


def _settings(root: Path) -> Settings:
    return Settings.load(paths={"data_root": str(root), "sources_file": SOURCES}, validate={"data_docs": False})


def _child(root: Path, spec: str, *stages: str) -> tuple[int, int]:
    """(return code, line events executed) of one child run; -9 when it was killed."""
    count = root.parent / f"{root.name}.count"
    count.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, CHILD, spec, str(count), str(root), RUN_DATE.isoformat(), RUN_ID,
                           SOURCES, *stages], capture_output=True, text=True, timeout=600, cwd=PROJECT)
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"{spec}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    return proc.returncode, int(count.read_text()) if count.exists() else -1


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The day crawled, extracted and validated; the lake and warehouse hold an older version of it."""
    from pipeline.load import load_warehouse
    from pipeline.run import run_crawl, run_extract
    from pipeline.sources import load_registry, sources_table
    from pipeline.store import write_partition_batches

    root = tmp_path_factory.mktemp("faults") / "base"
    settings = _settings(root)
    run_crawl(settings, run_date=RUN_DATE, run_id=RUN_ID, progress=False)
    run_extract(settings, run_date=RUN_DATE, run_id=RUN_ID)
    for table in ("articles", "events"):  # validated = staged (the validate stage is not under test here)
        staged = read_partition(settings, table_name=table, run_date=RUN_DATE, layer="staging")
        write_partition_batches([staged], settings, table_name=table, run_date=RUN_DATE, layer="validated",
                                replace=True)
    assert _child(root, "none", "store", "load")[0] == 0
    events = read_partition(settings, table_name="events", run_date=RUN_DATE)
    ghosts = events.slice(0, 3).to_pylist()
    for i, row in enumerate(ghosts):
        row["event_id"] = f"ghost-{i}"
    replace_partition(pa.concat_tables([events, schema.to_table(ghosts, "events")]), settings,
                      table_name="events", run_date=RUN_DATE)
    load_warehouse(settings, run_date=RUN_DATE, sources=sources_table(load_registry(SOURCES)))
    return root


def _copy(base: Path, dest: Path) -> Path:
    shutil.copytree(base, dest, symlinks=True)  # `latest` stays a symlink
    return dest


def snapshot(root: Path) -> dict[str, list]:
    """Every row the day's lake and the warehouse hold (the runs table by key: its timings differ)."""
    settings = _settings(root)
    out: dict[str, list] = {}
    for table in ("articles", "events", "quarantine"):
        rows = read_partition(settings, table_name=table, run_date=RUN_DATE).to_pylist()
        out[f"lake.{table}"] = sorted(rows, key=lambda r, k=KEYS[table]: r[k])
    con = duckdb.connect(paths.warehouse_path(settings), read_only=True)
    try:
        for table, key in WAREHOUSE_KEYS.items():
            out[f"warehouse.{table}"] = con.execute(f"select * from {table} order by {key}").fetchall()
        out["warehouse.runs"] = con.execute("select run_id, stage, source_id from runs order by all").fetchall()
    finally:
        con.close()
    return out


def leftovers(root: Path) -> list[str]:
    hidden = [str(p.relative_to(root)) for p in root.rglob("._*")]
    building = [p.name for p in (root / "warehouse").glob("*.building-*")]
    return hidden + building + [p.name for p in (root / "snapshots").glob(".*")]  # build folders, pointer temps


@pytest.fixture(scope="module")
def clean(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list], int]:
    """The clean rerun of store + load over the older version: (its rows, line events it executed)."""
    root = _copy(base, tmp_path_factory.mktemp("clean") / "data")
    rc, lines = _child(root, "none", "store", "load")
    assert rc == 0
    rows = snapshot(root)
    assert not [r for r in rows["warehouse.events"] if str(r[0]).startswith("ghost-")]
    return rows, lines


def kill_points(named: Sequence[str], line_points: int, *, in_make_test: Sequence[str] | None = None) -> list[str]:
    """The named kill points (under `make test` only those in ``in_make_test``, when given), plus
    ``line_points`` evenly spread ``line@K`` points under `make faults` (scaled to the stage in the test)."""
    if os.environ.get("FAULTS") != "all":
        return [p for p in named if in_make_test is None or p in in_make_test]
    return list(named) + [f"line@{k}" for k in range(1, line_points + 1)]


@pytest.mark.parametrize("point", kill_points(NAMED_POINTS, FULL_RUN_POINTS))
def test_kill_then_rerun_gives_the_clean_rows(point: str, base: Path, clean, tmp_path: Path) -> None:
    expected, lines = clean
    if point.startswith("line@"):  # spread evenly over the line events of a clean run
        point = f"line@{max(1, int(point[5:]) * lines // (FULL_RUN_POINTS + 1))}"
    root = _copy(base, tmp_path / "data")
    rc, _ = _child(root, point, "store", "load")
    assert rc == -signal.SIGKILL, f"{point} was never reached"
    assert _child(root, "none", "store", "load")[0] == 0  # the rerun: no manual step
    assert snapshot(root) == expected
    assert leftovers(root) == []


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from event_mentions").fetchone()[0], flush=True)
sys.stdin.readline()
"""


def test_a_reader_held_open_across_store_and_load_blocks_nothing(base: Path, clean, tmp_path: Path) -> None:
    """https://issues.local/12 item 2: with a notebook's read-only connection open, the day vanished."""
    expected, _ = clean
    root = _copy(base, tmp_path / "data")
    reader = subprocess.Popen([sys.executable, "-c", READER, str(root / "warehouse" / "events.duckdb")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        before = int(reader.stdout.readline())
        assert _child(root, "none", "store", "load")[0] == 0
        assert snapshot(root) == expected
        assert before == len(expected["warehouse.event_mentions"]) + 3  # the reader saw the older version (3 ghosts)
    finally:
        reader.communicate("\n", timeout=30)
    assert leftovers(root) == []


CHAIN = ("crawl", "extract", "validate", "store", "load")
CHAIN_NAMED_POINTS = (
    "claim_article@5",   # crawl: the fifth article being recorded in the crawl state
    "_extract_batch@1",  # extract: the first batch of articles being coded
    "validate_table@2",  # validate: articles validated and stored in `validated`, events not yet
    "_roll_forward@3",   # store: lake articles committed, events not
)
CHAIN_LINE_POINTS = 9


@pytest.fixture(scope="module")
def chain_clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list], int]:
    root = tmp_path_factory.mktemp("chain") / "data"
    rc, lines = _child(root, "none", *CHAIN)
    assert rc == 0
    return snapshot(root), lines


def _chain_points() -> list[str]:
    return list(CHAIN_NAMED_POINTS) + [f"line@{k}" for k in range(1, CHAIN_LINE_POINTS + 1)]


@pytest.mark.skipif(os.environ.get("FAULTS") != "all", reason="make faults only (a whole run per kill point)")
@pytest.mark.parametrize("point", _chain_points())
def test_kill_a_whole_run_then_rerun_gives_the_clean_rows(point: str, chain_clean, tmp_path: Path) -> None:
    expected, lines = chain_clean
    if point.startswith("line@"):
        point = f"line@{max(1, int(point[5:]) * lines // (CHAIN_LINE_POINTS + 1))}"
    root = tmp_path / "data"
    rc, _ = _child(root, point, *CHAIN)
    assert rc == -signal.SIGKILL, f"{point} was never reached"
    assert _child(root, "none", *CHAIN)[0] == 0
    assert snapshot(root) == expected
    assert leftovers(root) == []


# --- publish -------------------------------------------------------------------------------------------------
# A previous release (v2025.03.04, published while the warehouse still held the 3 ghost events) and the clean
# warehouse: `publish --version v2025.03.05` writes a release whose changes.json lists the events the 3 ghost
# mentions no longer count in.
PREVIOUS, VERSION = "v2025.03.04", "v2025.03.05"
PUBLISH = f"publish={VERSION}"
LATEST_JSON_RENAME = "at=os.replace(tmp, root / LATEST_JSON)"  # kill before the line that starts so
LINK_RENAME = "at=os.replace(link_tmp, root / LATEST)"
PUBLISH_NAMED_POINTS = (  # (kill point, where the killed publish stopped: see _kill_window)
    ("write_csv_with_bom@2", "building"),   # inside the build folder: events written, mentions' CSV next
    ("_write_text@1", "building"),          # data files written, changes.json about to be written
    ("changes_markdown@1", "building"),     # changes.json written, CHANGES.md next
    ("point_latest@1", "renamed"),          # release folder renamed into place, latest not repointed
    (f"{LATEST_JSON_RENAME}@1", "renamed"),  # latest.json's temp file written, not renamed over latest.json
    ("at=link_tmp = root@1", "latest.json"),  # latest.json repointed, the latest symlink not yet
    (f"{LINK_RENAME}@1", "latest.json"),      # the new symlink made under a temp name, not renamed yet
    ('at=logger.info("published@1', "done"),  # everything done, killed before reporting success
)
PUBLISH_TEST_POINTS = ("write_csv_with_bom@2", "point_latest@1", f"{LATEST_JSON_RENAME}@1",
                       'at=logger.info("published@1')
PUBLISH_LINE_POINTS = 24
# manifest.json records when the release was built: the only field a rerun may change (and so the checksum
# in manifest.json.sha256 and latest.json's manifest_sha256). Every other file is byte-identical (a
# spreadsheet except the write time in its docProps/core.xml, and so its checksum in the manifest).
MANIFEST_TIME_FIELDS = ("created_at",)


@pytest.fixture(scope="module")
def publish_base(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.publish import publish_snapshot

    root = _copy(base, tmp_path_factory.mktemp("publish") / "data")
    publish_snapshot(_settings(root), version=PREVIOUS)
    assert _child(root, "none", "store", "load")[0] == 0
    return root


def release(root: Path) -> dict[str, object]:
    """What `publish` left: the new release's files (Parquet row by row, manifest without its time fields),
    verify-snapshot's verdict, the pointers, the previous release and any other entry of the snapshots root."""
    from pipeline.cli import main as cli_main

    snapshots = root / "snapshots"
    folder = snapshots / VERSION
    out: dict[str, object] = {"verify": cli_main(["verify-snapshot", str(folder)]),
                              "verify_previous": cli_main(["verify-snapshot", str(snapshots / PREVIOUS)])}
    for file in sorted(folder.iterdir()):
        if file.suffix == ".parquet":
            out[file.name] = pq.read_table(file).to_pylist()
        elif file.name == "manifest.json":
            manifest = json.loads(file.read_text(encoding="utf-8"))
            out[file.name] = {k: v for k, v in manifest.items() if k not in MANIFEST_TIME_FIELDS}
            out[file.name]["files"] = {n: h for n, h in manifest["files"].items() if not n.endswith(".xlsx")}
        elif file.suffix == ".xlsx":  # a zip whose docProps/core.xml records when it was written
            with zipfile.ZipFile(file) as book:
                out[file.name] = {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}
        elif file.name != "manifest.json.sha256":
            out[file.name] = file.read_bytes()
    latest = json.loads((snapshots / "latest.json").read_text(encoding="utf-8"))
    out["latest.json"] = (latest["version"], latest["path"])
    out["latest"] = os.readlink(snapshots / "latest")
    out["snapshots"] = sorted(p.name for p in snapshots.iterdir())
    return out


@pytest.fixture(scope="module")
def publish_clean(publish_base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], int]:
    root = _copy(publish_base, tmp_path_factory.mktemp("publish-clean") / "data")
    rc, lines = _child(root, "none", PUBLISH)
    assert rc == 0
    out = release(root)
    assert out["verify"] == 0 and out["latest.json"] == (VERSION, VERSION) and out["latest"] == VERSION
    assert out["snapshots"] == ["latest", "latest.json", PREVIOUS, VERSION]
    changes = json.loads(out["changes.json"])
    assert changes["previous_version"] == PREVIOUS and changes["counts"]["changed"]  # the ghosts' events
    return out, lines


def _kill_window(root: Path) -> str:
    """Where a killed publish stopped: building, renamed into place, latest.json repointed, or both pointers."""
    snapshots = root / "snapshots"
    if not (snapshots / VERSION).exists():
        return "building"
    if json.loads((snapshots / "latest.json").read_text())["version"] != VERSION:
        return "renamed"
    return "done" if os.readlink(snapshots / "latest") == VERSION else "latest.json"


@pytest.mark.parametrize("point", kill_points([p for p, _ in PUBLISH_NAMED_POINTS], PUBLISH_LINE_POINTS,
                                              in_make_test=PUBLISH_TEST_POINTS))
def test_kill_publish_then_rerun_completes_the_release(point: str, publish_base: Path, publish_clean,
                                                        tmp_path: Path) -> None:
    expected, lines = publish_clean
    if point.startswith("line@"):
        point = f"line@{max(1, int(point[5:]) * lines // (PUBLISH_LINE_POINTS + 1))}"
    root = _copy(publish_base, tmp_path / "data")
    rc, _ = _child(root, point, PUBLISH)
    assert rc == -signal.SIGKILL, f"{point} was never reached"
    window = dict(PUBLISH_NAMED_POINTS).get(point)
    if window:
        assert _kill_window(root) == window
    assert _child(root, "none", PUBLISH)[0] == 0  # the rerun of the same command: no manual step
    assert release(root) == expected
    assert leftovers(root) == []


# --- recode --------------------------------------------------------------------------------------------------
# `recode --from D --to D` over the day whose lake and warehouse hold an older coding (3 more events): the
# re-extraction replaces it, as with a changed lexicon.
RECODE_NAMED_POINTS = (  # (kill point, where the killed recode stopped: see _recode_window)
    ("_extract_batch@1", "extracting"),    # the stored articles staged, the first batch being coded again
    ("_roll_forward@6", "replacing"),      # lake articles replaced, the events' replace committed, not rolled forward
    ("_load_table_days@2", "reloading"),   # the lake recoded; inside the warehouse transaction, events loading
)
RECODE_LINE_POINTS = 24


def _fault_config(folder: Path) -> None:
    """fault.toml for the CLI stages: the settings the in-process stages use (no GE data docs)."""
    (folder / "fault.toml").write_text("[validate]\ndata_docs = false\n", encoding="utf-8")


@pytest.fixture(scope="module")
def recode_clean(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list], int]:
    folder = tmp_path_factory.mktemp("recode-clean")
    _fault_config(folder)
    root = _copy(base, folder / "data")
    rc, lines = _child(root, "none", "recode")
    assert rc == 0
    rows = snapshot(root)
    assert not [r for r in rows["warehouse.events"] if str(r[0]).startswith("ghost-")]
    recode_run = rows["lake.events"][0]["run_id"]
    assert recode_run.startswith("recode-") and \
        {r[0] for r in rows["warehouse.runs"] if r[1] == "store"} == {recode_run}
    return rows, lines


def _recode_window(root: Path) -> str:
    """Where a killed recode stopped, from the ghost events of the older coding and the lake's commit files."""
    settings = _settings(root)
    lake_ghosts = any(i.startswith("ghost-") for i in read_partition(
        settings, table_name="events", run_date=RUN_DATE).column("event_id").to_pylist())
    if list((root / "lake" / "events" / f"dt={RUN_DATE}").glob("._commit-*")):
        return "replacing"
    if lake_ghosts:
        return "extracting"
    con = duckdb.connect(paths.warehouse_path(settings), read_only=True)
    try:
        ghosts = con.execute("select count(*) from event_mentions where mention_id like 'ghost-%'").fetchone()[0]
    finally:
        con.close()
    return "reloading" if ghosts else "done"


RECODE_TEST_POINTS = ("_extract_batch@1", "_roll_forward@6")  # `make test` (its reload: like store/load's)


@pytest.mark.parametrize("point", kill_points([p for p, _ in RECODE_NAMED_POINTS], RECODE_LINE_POINTS,
                                              in_make_test=RECODE_TEST_POINTS))
def test_kill_recode_then_rerun_gives_the_clean_rows(point: str, base: Path, recode_clean, tmp_path: Path) -> None:
    expected, lines = recode_clean
    if point.startswith("line@"):
        point = f"line@{max(1, int(point[5:]) * lines // (RECODE_LINE_POINTS + 1))}"
    _fault_config(tmp_path)
    root = _copy(base, tmp_path / "data")
    rc, _ = _child(root, point, "recode")
    assert rc == -signal.SIGKILL, f"{point} was never reached"
    window = dict(RECODE_NAMED_POINTS).get(point)
    if window:
        assert _recode_window(root) == window
    assert _child(root, "none", "recode")[0] == 0
    assert snapshot(root) == expected
    assert leftovers(root) == []
