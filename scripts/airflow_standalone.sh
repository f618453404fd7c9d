#!/usr/bin/env bash
# Airflow 3 standalone (api-server + scheduler + dag-processor + triggerer, SQLite, LocalExecutor) on this
# project's DAGs: `make airflow` or `bash scripts/airflow_standalone.sh`. Ctrl-C stops everything.
# See docs/airflow.md. Any variable below can be overridden from the environment.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$PROJECT_DIR"   # tasks take relative data paths (the default data/) from here, as `make run` does
export PATH="$PROJECT_DIR/.venv/bin:$PATH"           # standalone starts its components with `airflow ...`
export AIRFLOW_HOME="${AIRFLOW_HOME:-${TMPDIR:-/tmp}/conflict-events-airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="${AIRFLOW__CORE__DAGS_FOLDER:-$PROJECT_DIR/dags}"
export AIRFLOW__CORE__LOAD_EXAMPLES="${AIRFLOW__CORE__LOAD_EXAMPLES:-False}"
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"  # a laptop, not a cluster
export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-127.0.0.1}"   # UI on this machine only
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"        # not 8793: the workers' log server uses it
# Task workers report to the API server's execution API: keep it on the same host and port.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="${AIRFLOW__CORE__EXECUTION_API_SERVER_URL:-http://$AIRFLOW__API__HOST:$AIRFLOW__API__PORT/execution/}"
CRAWL_FETCH_SLOTS="${CRAWL_FETCH_SLOTS:-4}"

if [[ ! -x "$PROJECT_DIR/.venv/bin/airflow" ]]; then
    echo "error: $PROJECT_DIR/.venv/bin/airflow not found; run 'make env' first" >&2
    exit 1
fi
mkdir -p "$AIRFLOW_HOME"
echo "AIRFLOW_HOME=$AIRFLOW_HOME  DAGs: $AIRFLOW__CORE__DAGS_FOLDER  UI: http://localhost:$AIRFLOW__API__PORT" >&2

airflow db migrate >/dev/null
# The nightly DAG's crawl tasks run in this pool: at most CRAWL_FETCH_SLOTS outlets fetched at once.
airflow pools set crawl_fetch "$CRAWL_FETCH_SLOTS" "concurrent outlet crawls (conflict-events)" >/dev/null
# DuckDB has one writer: load, report and snapshot tasks take turns, across runs and backfills.
airflow pools set duckdb_warehouse 1 "one DuckDB warehouse writer (conflict-events)" >/dev/null
echo "login: user 'admin', password printed below and kept in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated" >&2
exec airflow standalone
