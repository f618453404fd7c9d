"""deploy/helm/values.yaml: valid YAML for the official Airflow chart, consistent with the image, the DAGs
and the lake settings (it cannot be rendered or installed here: no chart or image registry)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
VALUES = PROJECT_DIR / "deploy" / "helm" / "values.yaml"
DOCKERFILE = PROJECT_DIR / "deploy" / "Dockerfile"
sys.path.insert(0, str(PROJECT_DIR / "dags"))
try:
    import conflict_events_common as common
finally:
    sys.path.remove(str(PROJECT_DIR / "dags"))


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def _pyproject() -> dict:
    return tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))


def test_celery_executor_with_external_postgres_and_redis(values):
    assert values["executor"] == "CeleryExecutor"
    assert values["postgresql"]["enabled"] is False and values["redis"]["enabled"] is False
    assert set(values["data"]) == {"metadataSecretName", "resultBackendSecretName", "brokerUrlSecretName"}


def test_image_is_the_dockerfiles_build_of_this_version(values):
    airflow_pin = next(d for d in _pyproject()["project"]["dependencies"] if d.startswith("apache-airflow"))
    airflow_version = re.search(r"==\s*([\d.]+)", airflow_pin).group(1)
    assert values["airflowVersion"] == airflow_version
    assert f"FROM apache/airflow:{airflow_version}-" in DOCKERFILE.read_text(encoding="utf-8")
    assert values["images"]["airflow"]["tag"] == _pyproject()["project"]["version"]


def _worker_queues(values: dict, hostname: str, tmp_path: Path) -> list[str]:
    """Run the worker container's args with a stand-in `airflow` and return the queues it was started with."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "airflow").write_text('#!/bin/sh\necho "$@"\n')
    (fake / "airflow").chmod(0o755)
    args = values["workers"]["args"]
    out = subprocess.run(args, env={"PATH": f"{fake}:/usr/bin:/bin", "HOSTNAME": hostname},
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[:3] == ["celery", "worker", "--queues"]
    return out[3].split(",")


def test_exactly_the_first_worker_pod_consumes_the_warehouse_queue(values, tmp_path):
    assert _worker_queues(values, "conflict-events-worker-0", tmp_path) == ["default", common.WAREHOUSE_QUEUE]
    for pod in ("conflict-events-worker-1", "conflict-events-worker-10", "conflict-events-worker-2"):
        assert _worker_queues(values, pod, tmp_path) == ["default"], pod
    assert values["workers"]["persistence"]["enabled"] is True  # StatefulSet: stable ordinals and volumes


def test_each_worker_pod_keeps_its_local_files_on_its_own_volume(values):
    workers = values["workers"]
    claims = {c["metadata"]["name"] for c in workers["volumeClaimTemplates"]}
    mounts = {m["name"]: m["mountPath"] for m in workers["extraVolumeMounts"]}
    workdir = re.findall(r"^WORKDIR\s+(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.M)[-1]
    assert mounts["conflict-events-local"] == workdir  # local_root (relative) resolves under it
    assert claims == {"conflict-events-local"}
    assert set(mounts) <= claims | {v["name"] for v in workers["extraVolumes"]}


def test_lake_settings_reach_the_tasks_as_variables(values):
    env = {e["name"]: e["value"] for e in values["env"]}
    data_root = env[f"AIRFLOW_VAR_{common.VARIABLE_PREFIX.upper()}DATA_ROOT"]
    assert data_root.startswith("s3://")
    sources = Path(env[f"AIRFLOW_VAR_{common.VARIABLE_PREFIX.upper()}SOURCES_FILE"])
    mounted = {m["mountPath"] for m in values["workers"]["extraVolumeMounts"]}
    assert str(sources.parent) in mounted
    assert {s["envName"] for s in values["secret"]} == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
