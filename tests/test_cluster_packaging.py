"""A wheel carries the files the pipeline reads at run time (lexicons, gazetteer, SQL, GX suites).

Builds the wheel, installs it into a fresh venv (dependencies from uv's cache, offline) and runs the
sample from a folder outside the checkout, so nothing can be found through the project folder.
Regression for issue 13: a wheel install missed every file loaded from ``Path(__file__).parents[2]``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline import paths

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ("sql", "expectations", "data/lexicons", "data/gazetteer")


def _uv() -> list[str]:
    return [sys.executable, "-m", "uv"] if shutil.which("uv") is None else ["uv"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [*_uv(), "build", "--wheel", "--out-dir", str(out), str(PROJECT_ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0 and "No module named uv" in proc.stderr:
        pytest.skip("uv is not installed")
    assert proc.returncode == 0, proc.stderr[-2000:]
    shutil.rmtree(PROJECT_ROOT / "build", ignore_errors=True)
    return next(out.glob("conflict_events-*.whl"))


def test_the_image_extends_the_locked_airflow_and_installs_this_wheel():
    """deploy/Dockerfile cannot be built offline; at least it names the versions the lock and pyproject pin."""
    import re
    import tomllib

    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    airflow_pin = next(d for d in project["dependencies"] if d.startswith("apache-airflow==")).split("==")[1]
    python = re.search(r">=(3\.\d+)", project["requires-python"]).group(1)
    assert f"FROM apache/airflow:{airflow_pin}-python{python}" in dockerfile
    assert f"conflict_events-{project['version']}-py3-none-any.whl" in dockerfile
    hadolint = shutil.which("hadolint")
    if hadolint:
        lint = subprocess.run([hadolint, str(PROJECT_ROOT / "deploy" / "Dockerfile")], capture_output=True, text=True)
        assert lint.returncode == 0, lint.stdout


def test_checkout_resources_resolve_to_the_project_folder():
    for name in RESOURCES:
        assert paths.resource_dir(name) == PROJECT_ROOT / name


def test_unknown_resource_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no_such_folder"):
        paths.resource_dir("no_such_folder")


def test_wheel_lists_every_resource_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    prefix = "conflict_events-0.1.0.data/data/share/conflict-events/"
    for name in RESOURCES:
        files = [str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / name).rglob("*") if p.is_file()]
        assert files, name
        missing = [f for f in files if prefix + f not in names]
        assert not missing, f"not in the wheel: {missing}"
    assert "pipeline/defaults.toml" in names


@pytest.mark.slow
def test_installed_wheel_runs_the_sample_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    # The locked dependencies from uv's cache (as `make env` installed them), then the wheel itself.
    deps = subprocess.run(
        [*_uv(), "sync", "--frozen", "--offline", "--no-install-project", "--python", sys.executable],
        cwd=PROJECT_ROOT, env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)},
        capture_output=True, text=True, timeout=900,
    )
    assert deps.returncode == 0, deps.stderr[-2000:]
    install = subprocess.run(
        [*_uv(), "pip", "install", "--quiet", "--offline", "--no-deps", "--python", str(python), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]

    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import pipeline.paths as p; print(p.resource_dir('sql'))"],
        cwd=workdir, capture_output=True, text=True, check=True,
    )
    assert str(venv) in where.stdout and str(PROJECT_ROOT) not in where.stdout
    # The sample archive is outside the data root: the operator allows its folder (the crawler's warc allow-list).
    config = workdir / "sample.toml"
    config.write_text(f'[crawl]\nwarc_roots = ["{PROJECT_ROOT / "data" / "samples"}"]\n', encoding="utf-8")
    run = subprocess.run(
        [str(venv / "bin" / "conflict-events"), "--data-root", str(workdir / "data"), "--config", str(config), "run",
         "--sources", str(PROJECT_ROOT / "data" / "sources" / "sample.yaml"), "--date", "2025-03-03"],
        cwd=workdir, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    events = int(next(line.split(":")[1].split()[0] for line in run.stdout.splitlines() if "real events" in line))
    assert events > 0
    assert (workdir / "data" / "warehouse" / "events.duckdb").is_file()
