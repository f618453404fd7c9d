#!/usr/bin/env bash
# Airflow 3 on one machine (api-server + scheduler + dag-processor + triggerer, SQLite, LocalExecutor) on this
# project's DAGs: `make airflow` or `bash scripts/airflow_standalone.sh`. See docs/airflow.md.
# It starts the same components as `airflow standalone`, but itself: every server listens on 127.0.0.1 only
# (the scheduler and triggerer log servers, which bind every interface, are off: the API server reads the
# task logs from $AIRFLOW_HOME/logs), and Ctrl-C or SIGTERM stops all of them and their task processes.
# Any variable below can be overridden from the environment.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$PROJECT_DIR"   # tasks take relative data paths (the default data/) from here, as `make run` does
BIN="$PROJECT_DIR/.venv/bin"
export PATH="$BIN:$PATH"
export AIRFLOW_HOME="${AIRFLOW_HOME:-${TMPDIR:-/tmp}/conflict-events-airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="${AIRFLOW__CORE__DAGS_FOLDER:-$PROJECT_DIR/dags}"
export AIRFLOW__CORE__LOAD_EXAMPLES="${AIRFLOW__CORE__LOAD_EXAMPLES:-False}"
export AIRFLOW__CORE__EXECUTOR="${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}"
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"  # a laptop, not a cluster
export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-127.0.0.1}"   # UI on this machine only
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"
export AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST=127.0.0.1
# Task workers report to the API server's execution API: keep it on the same host and port.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="${AIRFLOW__CORE__EXECUTION_API_SERVER_URL:-http://$AIRFLOW__API__HOST:$AIRFLOW__API__PORT/execution/}"
# Tasks and the API server sign their tokens with the same secret: one per AIRFLOW_HOME, kept there.
CRAWL_FETCH_SLOTS="${CRAWL_FETCH_SLOTS:-4}"
LOGS="$AIRFLOW_HOME/component-logs"
LOG_TAG=airflow
T0=$SECONDS
# shellcheck source=scripts/processes.sh
source "$PROJECT_DIR/scripts/processes.sh"

[[ -x "$BIN/airflow" ]] || die "$BIN/airflow not found; run 'make env' first"
mkdir -p "$AIRFLOW_HOME" "$LOGS"
[[ -s "$AIRFLOW_HOME/jwt_secret" ]] || "$BIN/python" -c 'import secrets; print(secrets.token_hex(32))' >"$AIRFLOW_HOME/jwt_secret"
AIRFLOW__API_AUTH__JWT_SECRET="$(cat "$AIRFLOW_HOME/jwt_secret")"
export AIRFLOW__API_AUTH__JWT_SECRET
log "AIRFLOW_HOME=$AIRFLOW_HOME  DAGs: $AIRFLOW__CORE__DAGS_FOLDER  data: $PROJECT_DIR/data"

airflow db migrate >"$LOGS/db-migrate.log" 2>&1 || die "airflow db migrate failed (see $LOGS/db-migrate.log)"
# The nightly DAG's crawl tasks run in this pool: at most CRAWL_FETCH_SLOTS outlets fetched at once.
airflow pools set crawl_fetch "$CRAWL_FETCH_SLOTS" "concurrent outlet crawls (conflict-events)" >/dev/null
# DuckDB has one writer: load, report and snapshot tasks take turns, across runs and backfills.
airflow pools set duckdb_warehouse 1 "one DuckDB warehouse writer (conflict-events)" >/dev/null

trap_stop
# Every component runs in the project folder: the task processes take relative data paths (data/) from there.
start api-server "$PROJECT_DIR" airflow api-server
start scheduler "$PROJECT_DIR" airflow scheduler --skip-serve-logs
start dag-processor "$PROJECT_DIR" airflow dag-processor
start triggerer "$PROJECT_DIR" airflow triggerer --skip-serve-logs
wait_for 300 "UI on http://$AIRFLOW__API__HOST:$AIRFLOW__API__PORT" "$BIN/python" -c \
    "import urllib.request; urllib.request.urlopen('http://$AIRFLOW__API__HOST:$AIRFLOW__API__PORT/api/v2/version')"
PASSWORDS="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
[[ -f "$PASSWORDS" ]] && log "login: $(cat "$PASSWORDS") (kept in $PASSWORDS)"
log "Airflow is ready; component logs in $LOGS. Ctrl-C stops everything."
watch_processes || die "a component stopped; see $LOGS"
