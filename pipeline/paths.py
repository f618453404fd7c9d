"""Where every dataset lives, as plain strings (local paths or fsspec URLs). The Airflow Asset URIs are derived
from these at run time (``asset_uri`` in dags/conflict_events_common.py)."""

from __future__ import annotations

import datetime as dt
import sys
import sysconfig
from pathlib import Path

from pipeline.settings import Settings

LAKE_TABLES = ("articles", "events", "quarantine", "runs")

PACKAGE_DIR = Path(__file__).resolve().parent
SHARE_SUBDIR = ("share", "conflict-events")


def resource_dir(name: str) -> Path:
    """A folder of files the package reads (``sql``, ``expectations``, ``data/lexicons``, ``data/gazetteer``).

    In a checkout (or an editable install) it is the project folder's; a wheel installs them under
    ``<prefix>/share/conflict-events/`` (pyproject ``[tool.setuptools.data-files]``).
    """
    for root in _resource_roots():
        if (root / name).is_dir():
            return root / name
    raise FileNotFoundError(f"package resource folder {name!r} not found in {_resource_roots()}")


def _resource_roots() -> list[Path]:
    checkout = PACKAGE_DIR.parent
    roots = [checkout] if (checkout / "pyproject.toml").is_file() else []
    prefixes = dict.fromkeys([sysconfig.get_path("data"), sys.prefix])  # the venv's, or the interpreter's
    roots += [Path(prefix).joinpath(*SHARE_SUBDIR) for prefix in prefixes]
    return roots


def join(root: str, *parts: str) -> str:
    """Join path parts onto a local path or a URL without os.path surprises."""
    return "/".join([root.rstrip("/"), *(p.strip("/") for p in parts)])


def is_remote(location: str) -> bool:
    """True for an object-store URL (``s3://...``, any fsspec protocol but ``file://``)."""
    return "://" in location and not location.startswith("file://")


def lake_root(settings: Settings) -> str:
    """Root of what every task shares: the Parquet layers (staging, validated, lake) and, when it is remote,
    the crawl state. ``paths.lake_root``, else ``data_root``.

    It may be an object-store URL (``s3://bucket/prefix``, any fsspec protocol): then tasks on different
    hosts hand data to each other only through it (shared-nothing workers).
    """
    return settings.paths.lake_root or settings.data_root


def host_root(settings: Settings) -> str:
    """Root of the files that stay on the host that wrote them: WARC archives of fetched pages, the DuckDB
    warehouse, the local copy of a remote crawl state, and the local builds of reports, data docs and
    snapshots (published under ``lake_root`` when that is remote, see ``outputs_root``).

    ``paths.local_root`` when set, else ``data_root`` when that is a local folder, else ``data-local`` (a
    folder in the worker's working directory). Relative paths are taken from the process's working directory.
    """
    if settings.paths.local_root:
        return settings.paths.local_root
    return "data-local" if is_remote(settings.data_root) else settings.data_root


def lake_dir(settings: Settings, table: str) -> str:
    """Folder of a Hive-partitioned lake table: ``<lake_root>/lake/<table>``."""
    return join(lake_root(settings), "lake", table)


def staging_dir(settings: Settings, table: str) -> str:
    """Folder of a run's not-yet-validated output: ``<lake_root>/staging/<table>``."""
    return join(lake_root(settings), "staging", table)


LAYERS = ("staging", "validated", "lake")


def partition_dir(settings: Settings, table: str, run_date: dt.date, *, layer: str = "lake") -> str:
    """One day's partition: ``<lake_root>/<layer>/<table>/dt=YYYY-MM-DD``.

    Layers: ``staging`` (a run's raw output), ``validated`` (rows that passed validation, waiting for the
    store step), ``lake`` (what is loaded and published).
    """
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}")
    return join(lake_root(settings), layer, table, f"dt={run_date.isoformat()}")


def raw_dir(settings: Settings, run_date: dt.date) -> str:
    """Raw WARC archives of a run date: ``<host_root>/raw/dt=YYYY-MM-DD``."""
    return join(host_root(settings), "raw", f"dt={run_date.isoformat()}")


def state_dir(settings: Settings) -> str:
    """Crawl state (seen URLs, HTTP validators, last run per source): ``<data_root>/state``, or
    ``<lake_root>/state`` when the lake is remote, so crawl tasks on every host share one state."""
    return join(lake_root(settings) if is_remote(lake_root(settings)) else settings.data_root, "state")


def state_cache_dir(settings: Settings) -> str:
    """This host's working copy of a remote crawl state."""
    return join(host_root(settings), "state-cache")


def warehouse_path(settings: Settings) -> str:
    """The DuckDB file (on the host that runs the ``warehouse`` queue)."""
    return join(host_root(settings), settings.load.warehouse_file)


def outputs_root(settings: Settings) -> str:
    """Where reports, data docs and snapshots are published: ``lake_root`` when it is an object-store URL
    (every host and reader sees them), else ``host_root``."""
    return lake_root(settings) if is_remote(lake_root(settings)) else host_root(settings)


def snapshots_dir(settings: Settings) -> str:
    return join(outputs_root(settings), settings.publish.snapshot_dir)


def reports_dir(settings: Settings) -> str:
    return join(outputs_root(settings), "reports")


def data_docs_dir(settings: Settings) -> str:
    return join(outputs_root(settings), "reports", "data_docs")


def local_build_dir(settings: Settings, published: str) -> str:
    """The local folder a report, data docs site or snapshot is built in before it goes to ``published``
    (the same folder when nothing is remote): ``<host_root>/<published relative to outputs_root>``."""
    relative = published[len(outputs_root(settings)):].strip("/")
    return join(host_root(settings), relative) if relative else host_root(settings)

