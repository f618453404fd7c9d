# Sourced by airflow_standalone.sh and cluster.sh: start long-running processes and stop exactly those.
#
# `start NAME DIR COMMAND...` runs COMMAND in DIR in its own session (setsid), output in $LOGS/NAME.log, and
# remembers its id. On exit, Ctrl-C (SIGINT) or SIGTERM, `stop_all` sends SIGTERM to each of those sessions
# (the process and every child it started, e.g. LocalExecutor or Celery pool workers), waits up to
# STOP_GRACE seconds, then SIGKILLs what is left. Nothing else on the machine is touched.
# The caller sets LOGS and T0 (=$SECONDS at start) and calls `trap_stop`.

PIDS=()
STOP_GRACE="${STOP_GRACE:-30}"

log() { printf '[%s %4ds] %s\n' "${LOG_TAG:-run}" $((SECONDS - T0)) "$*" >&2; }
die() { log "error: $*"; exit 1; }

free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start() {  # start NAME DIR COMMAND...
    local name=$1 dir=$2; shift 2
    mkdir -p "$dir" "$LOGS"
    (cd "$dir" && exec setsid "$@" >"$LOGS/$name.log" 2>&1) &
    PIDS+=("$!")
    log "started $name (pid $!), log $LOGS/$name.log"
}

stop_all() {
    local status=$? i pid alive
    trap - EXIT INT TERM
    if [[ ${#PIDS[@]} -gt 0 ]]; then
        log "stopping ${#PIDS[@]} processes"
        for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM -- "-${PIDS[i]}" 2>/dev/null || true; done
        for _ in $(seq 1 "$STOP_GRACE"); do
            alive=0
            for pid in "${PIDS[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
            [[ $alive == 0 ]] && break
            sleep 1
        done
        for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
        wait 2>/dev/null || true
        log "stopped"
    fi
    exit "$status"
}

trap_stop() {
    # A shell started in the background by another non-interactive shell (`cmd &` in a script, nohup) inherits
    # SIGINT ignored, and bash cannot trap a signal ignored on entry: say so, SIGTERM still stops everything.
    [[ $(trap -p INT) == "trap -- '' SIGINT" ]] && log "note: SIGINT is ignored here (started in the background); stop with SIGTERM"
    trap stop_all EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local limit=$1 what=$2; shift 2
    local until=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < until)) || die "$what not ready after ${limit}s (logs in $LOGS)"
        sleep 1
    done
    log "$what ready"
}

watch_processes() {  # return when one of the started processes exits (so a crash stops the rest)
    # `sleep & wait`: the wait builtin returns at once when a trapped signal arrives. A foreground sleep would
    # delay it, and bash drops a SIGINT sent to the script alone while a foreground child runs (the child did not
    # die of it), so `kill -INT <script>` from a supervisor went unheard until a started process exited.
    while :; do
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { log "process $pid exited"; return 1; }; done
        sleep 2 & wait $!
    done
}
