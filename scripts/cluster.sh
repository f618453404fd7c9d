#!/usr/bin/env bash
# A small Airflow cluster on this machine, started as plain processes (no containers), and its end-to-end test.
#
#   bash scripts/cluster.sh test     # = make cluster-test: start, run, compare with the single-machine run, stop
#   bash scripts/cluster.sh up       # start and keep running (Ctrl-C or SIGTERM stops everything it started)
#   bash scripts/cluster.sh bench    # bench/bench_cluster.py: one WARC backfill on CLUSTER_WORKERS workers, timed
#
# What it starts, all on 127.0.0.1 with free ports, everything under $CLUSTER_DIR (a new /tmp folder):
#   PostgreSQL (Airflow's metadata DB and Celery result backend), Redis (Celery broker), moto's S3 server
#   (the object store holding the lake and the crawl state), airflow api-server, scheduler, dag-processor and
#   TWO Celery workers, each in its own folder standing in for a host: worker-1 consumes the queues
#   `default,warehouse` (it holds the DuckDB warehouse), worker-2 only `default`. The workers share nothing
#   but the S3 bucket, the broker and the metadata DB.
# The test runs the nightly DAG on the sample (logical date 2025-03-03, as `make run`) and the WARC backfill
# DAG over 2025-03-01..03, then checks that the lake holds exactly the rows the single-machine CLI writes.
# Needs the venv with the `cluster` extra (`make cluster-test` syncs it) and the Debian packages
# redis-server and postgresql (installed with apt-get when missing and running as root).
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-test}"
BIN="$PROJECT_DIR/.venv/bin"
export PATH="$BIN:$PATH"
CLUSTER_DIR="${CLUSTER_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/conflict-events-cluster.XXXXXX")}"
CLUSTER_TIMEOUT="${CLUSTER_TIMEOUT:-900}"     # seconds for each DAG run to finish
CLUSTER_WORKERS="${CLUSTER_WORKERS:-2}"      # Celery workers (worker-1 also consumes the warehouse queue)
SAMPLE_SOURCES="$PROJECT_DIR/data/sources/sample.yaml"
NIGHTLY_DATE=2025-03-03                       # make run's date
BACKFILL_FIRST=2025-03-01
BACKFILL_LAST=2025-03-03
BUCKET=conflict-events
LOGS="$CLUSTER_DIR/logs"
LOG_TAG=cluster
T0=$SECONDS
# shellcheck source=scripts/processes.sh
source "$PROJECT_DIR/scripts/processes.sh"
trap_stop

ensure_packages() {
    PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
    if [[ -x "$PG_BIN/postgres" ]] && command -v redis-server >/dev/null; then return; fi
    [[ $(id -u) == 0 ]] || die "install the Debian packages redis-server and postgresql first"
    log "installing redis-server and postgresql (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server postgresql >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
}

AS_POSTGRES=()   # PostgreSQL refuses to run as root
[[ $(id -u) == 0 ]] && AS_POSTGRES=(runuser -u postgres --)

start_postgres() {
    PG_PORT=$(free_port)
    local data="$CLUSTER_DIR/postgres"
    mkdir -p "$data" && chmod 755 "$CLUSTER_DIR"
    [[ $(id -u) == 0 ]] && chown postgres "$data"
    "${AS_POSTGRES[@]}" "$PG_BIN/initdb" -D "$data" -U postgres -A trust --no-sync >"$LOGS/initdb.log" 2>&1
    start postgres "$CLUSTER_DIR" "${AS_POSTGRES[@]}" "$PG_BIN/postgres" -D "$data" -p "$PG_PORT" -k "$data" \
        -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200
    wait_for 60 "PostgreSQL on :$PG_PORT" "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT"
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres airflow
}

start_services() {
    REDIS_PORT=$(free_port)
    start redis "$CLUSTER_DIR/redis" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
    wait_for 30 "Redis on :$REDIS_PORT" redis-cli -p "$REDIS_PORT" ping
    S3_PORT=$(free_port)
    start s3 "$CLUSTER_DIR/s3" "$BIN/moto_server" -H 127.0.0.1 -p "$S3_PORT"
    export AWS_ACCESS_KEY_ID=cluster-test AWS_SECRET_ACCESS_KEY=cluster-test AWS_DEFAULT_REGION=us-east-1
    export AWS_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"    # s3fs/botocore take the endpoint from here
    wait_for 60 "S3 (moto) on :$S3_PORT" "$BIN/python" -c "import s3fs; s3fs.S3FileSystem().ls('')"
    "$BIN/python" -c "import s3fs; s3fs.S3FileSystem().mkdir('$BUCKET')"
}

airflow_env() {
    API_PORT=$(free_port)
    export AIRFLOW_HOME="$CLUSTER_DIR/airflow"
    export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
    export AIRFLOW__CORE__DAGS_FOLDER="$PROJECT_DIR/dags"
    export AIRFLOW__CORE__LOAD_EXAMPLES=False
    export AIRFLOW__CORE__PARALLELISM=8
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://postgres@127.0.0.1:$PG_PORT/airflow"
    export AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
    export AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql+psycopg2://postgres@127.0.0.1:$PG_PORT/airflow"
    export AIRFLOW__CELERY__WORKER_CONCURRENCY=2
    export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$API_PORT"
    export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
    AIRFLOW__API_AUTH__JWT_SECRET="$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')"
    export AIRFLOW__API_AUTH__JWT_SECRET
    # Only the runs this script triggers: no scheduled run starts when a DAG is unpaused.
    export AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE=False
    export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=30
    mkdir -p "$AIRFLOW_HOME"
}

start_airflow() {
    airflow db migrate >"$LOGS/db-migrate.log" 2>&1 || die "airflow db migrate failed (see $LOGS/db-migrate.log)"
    "$BIN/python" -c 'from airflow.models.pool import Pool
Pool.create_or_update_pool("crawl_fetch", 4, "concurrent outlet crawls (conflict-events)", include_deferred=False)
Pool.create_or_update_pool("duckdb_warehouse", 1, "one DuckDB warehouse writer (conflict-events)", include_deferred=False)' \
        >"$LOGS/pools.log" 2>&1 || die "creating the pools failed (see $LOGS/pools.log)"
    start api-server "$AIRFLOW_HOME" airflow api-server
    start scheduler "$AIRFLOW_HOME" airflow scheduler
    start dag-processor "$AIRFLOW_HOME" airflow dag-processor
    local n queues
    for n in $(seq 1 "$CLUSTER_WORKERS"); do
        queues=default; [[ $n == 1 ]] && queues=default,warehouse
        # Its own working directory (relative data paths: data-local/), log folder and log-server port.
        AIRFLOW__LOGGING__BASE_LOG_FOLDER="$CLUSTER_DIR/worker-$n/logs" \
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$(free_port) \
            start "worker-$n" "$CLUSTER_DIR/worker-$n" \
            airflow celery worker --celery-hostname "worker-$n@%h" --queues "$queues" --without-mingle --without-gossip
    done
    wait_for 180 "API server on :$API_PORT" "$BIN/python" -c \
        "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$API_PORT/api/v2/version')"
    wait_for 240 "DAGs parsed" bash -c "airflow dags list -o plain 2>/dev/null | grep -q conflict_events_backfill_warc"
}

sql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d airflow -tA -c "$1"; }

run_state() {  # run_state DAG_ID RUN_ID -> queued/running/success/failed (read from the metadata DB: the CLI is slow)
    local state
    state=$(sql "select state from dag_run where dag_id = '$1' and run_id = '$2'")
    echo "${state:-missing}"
}

trigger() {  # trigger DAG_ID RUN_ID LOGICAL_DATE CONF_JSON: unpause the DAG and start one run
    airflow dags unpause "$1" >/dev/null
    airflow dags trigger "$1" --run-id "$2" -l "$3" -c "$4" >/dev/null
    log "triggered $1 ($2)"
}

wait_run() {  # wait_run DAG_ID RUN_ID: until the run succeeds (0) or fails (exit); prints its duration
    local dag=$1 run_id=$2 t=$SECONDS state
    while :; do
        state=$(run_state "$dag" "$run_id")
        case $state in
            success)
                log "$dag $run_id: success, ran $(sql "select round(extract(epoch from end_date - start_date))
                    from dag_run where run_id = '$run_id'")s"
                return 0 ;;
            failed)
                sql "select task_id, map_index, state, hostname from task_instance where run_id = '$run_id'
                     order by start_date" >&2
                die "$dag $run_id failed" ;;
        esac
        ((SECONDS - t < CLUSTER_TIMEOUT)) || die "$dag $run_id still $state after ${CLUSTER_TIMEOUT}s"
        sleep 5
    done
}

reference_runs() {  # the single-machine CLI on the same inputs (make run, and one run per backfill day)
    local ref="$CLUSTER_DIR/reference" day
    mkdir -p "$ref" && cd "$ref"
    conflict-events --data-root nightly run --sources "$SAMPLE_SOURCES" --date "$NIGHTLY_DATE"
    for day in $(seq 0 2); do
        day=$(date -u -d "$BACKFILL_FIRST + $day day" +%F)
        conflict-events --data-root backfill run --sources "$SAMPLE_SOURCES" --date "$day" --published-on "$day"
    done
}

bench_run() {  # the WARC backfill of BENCH_SOURCES over BENCH_FIRST..BENCH_LAST; its figures to BENCH_OUT (JSON)
    local run_id="bench-$CLUSTER_WORKERS-workers" root="s3://$BUCKET/bench"
    trigger conflict_events_backfill_warc "$run_id" "${BENCH_LAST}T00:00:00+00:00" \
        "{\"data_root\": \"$root\", \"sources_file\": \"$BENCH_SOURCES\",
          \"start_date\": \"$BENCH_FIRST\", \"end_date\": \"$BENCH_LAST\"}"
    wait_run conflict_events_backfill_warc "$run_id"
    local seconds
    seconds=$(sql "select extract(epoch from end_date - start_date) from dag_run where run_id = '$run_id'")
    "$BIN/python" - "$root" "$seconds" "$CLUSTER_WORKERS" "$BENCH_OUT" <<'PY'
import json, sys
import pyarrow.parquet as pq
from fsspec.core import url_to_fs
root, seconds, workers, out = sys.argv[1:]
fs, base = url_to_fs(f"{root}/lake")
rows = {t: sum(pq.ParquetFile(p, filesystem=fs).metadata.num_rows for p in fs.find(f"{base}/{t}")
               if p.endswith(".parquet")) for t in ("articles", "events")}
json.dump({"workers": int(workers), "run_seconds": round(float(seconds), 1), "articles": rows["articles"],
           "events": rows["events"]}, open(out, "w"), indent=2)
PY
    log "bench on $CLUSTER_WORKERS worker(s): $(cat "$BENCH_OUT")"
}

main() {
    [[ -x "$BIN/airflow" && -x "$BIN/moto_server" ]] || die "run 'make cluster-test' (venv with the cluster extra)"
    mkdir -p "$LOGS"
    log "cluster folder $CLUSTER_DIR"
    ensure_packages
    if [[ $MODE == bench ]]; then
        [[ -n ${BENCH_SOURCES:-} && -n ${BENCH_FIRST:-} && -n ${BENCH_LAST:-} && -n ${BENCH_OUT:-} ]] \
            || die "bench mode needs BENCH_SOURCES, BENCH_FIRST, BENCH_LAST and BENCH_OUT"
    fi
    if [[ $MODE == test ]]; then
        (reference_runs >"$LOGS/reference.log" 2>&1; echo $? >"$CLUSTER_DIR/reference.rc") &
        REFERENCE_PID=$!
    fi
    start_postgres
    start_services
    airflow_env
    start_airflow
    log "cluster up: UI http://127.0.0.1:$API_PORT, S3 $AWS_ENDPOINT_URL, metadata DB :$PG_PORT, broker :$REDIS_PORT"
    if [[ $MODE == up ]]; then
        log "Ctrl-C stops everything"
        watch_processes || die "a component stopped; see $LOGS"
        return
    fi
    if [[ $MODE == bench ]]; then bench_run; return; fi
    [[ $MODE == test ]] || die "usage: cluster.sh [test|up|bench]"
    # Both at once (different data roots): they share the workers, the pools and the warehouse queue.
    local t_runs=$SECONDS
    trigger conflict_events_nightly "cluster-nightly-$NIGHTLY_DATE" "${NIGHTLY_DATE}T00:00:00+00:00" \
        "{\"data_root\": \"s3://$BUCKET/nightly\", \"sources_file\": \"$SAMPLE_SOURCES\"}" &
    local nightly_trigger=$!
    trigger conflict_events_backfill_warc "cluster-backfill" "${BACKFILL_LAST}T00:00:00+00:00" \
        "{\"data_root\": \"s3://$BUCKET/backfill\", \"sources_file\": \"$SAMPLE_SOURCES\",
          \"start_date\": \"$BACKFILL_FIRST\", \"end_date\": \"$BACKFILL_LAST\"}" &
    local backfill_trigger=$!
    wait "$nightly_trigger" && wait "$backfill_trigger" || die "triggering the runs failed"
    wait_run conflict_events_nightly "cluster-nightly-$NIGHTLY_DATE"
    wait_run conflict_events_backfill_warc "cluster-backfill"
    local runs_s=$((SECONDS - t_runs))
    wait "$REFERENCE_PID" || true
    [[ $(cat "$CLUSTER_DIR/reference.rc") == 0 ]] || die "single-machine reference runs failed (see $LOGS/reference.log)"
    "$BIN/python" "$PROJECT_DIR/scripts/cluster_check.py" --cluster-dir "$CLUSTER_DIR" \
        --pair "$CLUSTER_DIR/reference/nightly" "s3://$BUCKET/nightly" "$NIGHTLY_DATE" \
        --pair "$CLUSTER_DIR/reference/backfill" "s3://$BUCKET/backfill" "$BACKFILL_FIRST" "$BACKFILL_LAST"
    log "nightly + 3-day backfill done ${runs_s}s after triggering; whole test $((SECONDS - T0))s; kept in $CLUSTER_DIR"
}

main
