# The two commands a newcomer needs: `make run` and `make test`. Both create/update the environment.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint bench faults airflow env clean-data cluster-test bench-cluster

env: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --extra dev --python $(PYTHON)
	@touch $@

## Run the whole pipeline once on the bundled sample data (data/samples) and print a summary.
## The sample is a fixed archive of 1-3 March 2025, replayed as the run of 2025-03-03: rerunning replaces
## that day's partitions (no duplicates); a nightly run uses today's date and the live outlets instead.
SAMPLE_RUN_DATE := 2025-03-03
run: env
	$(BIN)/conflict-events run --sources data/sources/sample.yaml --date $(SAMPLE_RUN_DATE)

## Run the whole test suite.
test: env
	$(BIN)/pytest -p no:cacheprovider

lint: env
	$(BIN)/ruff check pipeline dags tests bench

## Fault injection, full run (~60 min): SIGKILL store/load at 64 points, whole runs at 13, publish at 32 and
## recode at 27, rerun, compare every row with a clean run (`make test`: 10 named points). README "Reliability".
faults: env
	FAULTS=all $(BIN)/pytest -p no:cacheprovider tests/test_faults.py

## Every benchmark; results in bench/results/.
bench: env
	$(BIN)/python -m bench.run_all

## Airflow standalone on this project's DAGs (see docs/airflow.md).
airflow: env
	bash scripts/airflow_standalone.sh

## Airflow on a local cluster (PostgreSQL, Redis, S3 via moto, CeleryExecutor, two workers): runs the nightly DAG
## and a 3-day backfill and checks they write make run's rows; stops everything it started (docs/airflow.md).
cluster-test: env $(VENV)/.synced-cluster
	bash scripts/cluster.sh test

## Throughput of the cluster: a 6-day WARC backfill on 1 then 2 Celery workers (bench/results/cluster.json).
## `make bench` runs it too when the cluster extra is installed, and skips it with a message otherwise.
bench-cluster: env $(VENV)/.synced-cluster
	$(BIN)/python -m bench.run_all cluster

$(VENV)/.synced-cluster: pyproject.toml uv.lock
	$(UV) sync --frozen --extra dev --extra cluster --python $(PYTHON)
	@touch $@ $(VENV)/.synced

clean-data:
	rm -rf data/lake data/staging data/validated data/raw data/state data/warehouse data/snapshots data/reports
