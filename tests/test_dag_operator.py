"""The single-machine operator path of issue 13: what happens on a quiet day, on a failure, on unpausing,
and when the operator stops the servers."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

os.environ.setdefault("AIRFLOW_HOME", str(Path(tempfile.gettempdir()) / "conflict-events-dag-integrity"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException  # noqa: E402

from pipeline.errors import ValidationFailed  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[1]
DAGS_DIR = PROJECT_DIR / "dags"


@pytest.fixture
def common(monkeypatch):
    sys.path.insert(0, str(DAGS_DIR))
    try:
        import conflict_events_common as module
    finally:
        sys.path.remove(str(DAGS_DIR))
    variables: dict[str, str] = {}
    monkeypatch.setattr(
        "airflow.sdk.Variable.get", classmethod(lambda cls, key, default=None: variables.get(key, default))
    )
    module.test_variables = variables
    return module


def _context(params: dict | None = None, run_type: str = "manual") -> dict:
    return {
        "params": params or {},
        "run_id": f"{run_type}__2025-03-04T00:00:00+00:00",
        "logical_date": dt.datetime(2025, 3, 4, tzinfo=dt.UTC),
        "dag_run": SimpleNamespace(run_type=run_type),
    }


def test_a_batch_validation_failure_fails_without_retries_and_names_the_override(common, monkeypatch):
    def failing(**kwargs):
        raise ValidationFailed("events: row_count_drop: 0 row(s) < 0.1 x median of the previous 1 run(s) (32)")

    monkeypatch.setattr("pipeline.run.run_validate", failing)
    with pytest.raises(AirflowFailException, match="allow_row_count_drop to 2025-03-04"):
        common.validate_day(_context())


def test_a_quiet_day_passes_with_the_param_or_the_variable(common, monkeypatch):
    seen = []
    monkeypatch.setattr(
        "pipeline.run.run_validate",
        lambda **kw: seen.append(kw["settings"].validate.min_rowcount_ratio_vs_history) or "validated",
    )
    common.validate_day(_context())
    common.validate_day(_context({"allow_row_count_drop": True}))
    common.test_variables["conflict_events_allow_row_count_drop"] = "2025-03-01, 2025-03-04"
    common.validate_day(_context())
    common.test_variables["conflict_events_allow_row_count_drop"] = "2025-03-05"
    common.validate_day(_context())
    assert seen == [0.1, 0.0, 0.0, 0.1]


def test_scheduled_runs_need_a_configured_registry_manual_runs_use_the_sample(common):
    with pytest.raises(AirflowSkipException, match="conflict_events_sources_file"):
        common.sources_for_scheduled_run(_context(run_type="scheduled"))
    assert common.sources_for_scheduled_run(_context()) == "data/sources/sample.yaml"
    common.test_variables["conflict_events_sources_file"] = "/srv/outlets.yaml"
    assert common.sources_for_scheduled_run(_context(run_type="scheduled")) == "/srv/outlets.yaml"


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Webhook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    _Webhook.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Webhook.received
    server.shutdown()


def test_the_failure_callback_logs_and_posts_to_the_webhook(common, webhook, caplog):
    url, received = webhook
    ti = SimpleNamespace(dag_id="conflict_events_nightly", task_id="crawl", try_number=3)
    context = {"ti": ti, "run_id": "scheduled__2025-03-04", "exception": RuntimeError("outlet down")}
    common.notify_failure(context)  # no webhook configured: only logged
    assert received == [] and "crawl failed" in caplog.text
    common.test_variables["conflict_events_alert_webhook"] = url
    common.notify_failure(context)
    assert len(received) == 1
    assert "conflict_events_nightly.crawl failed" in received[0]["text"] and "outlet down" in received[0]["text"]


def test_an_unreachable_webhook_is_logged_not_raised(common, caplog):
    assert common.post_alert("http://127.0.0.1:9/hook", "x", timeout=2) is False
    assert "alert webhook" in caplog.text


def test_every_task_has_the_failure_callback(common):
    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=DAGS_DIR, bundle_path=DAGS_DIR)
    for dag in bag.dags.values():
        for task in dag.tasks:
            callbacks = task.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            assert any(getattr(c, "__name__", "") == "notify_failure" for c in callbacks), task.task_id
    assert bag.dags["conflict_events_nightly"].params["allow_row_count_drop"] is False
    assert bag.dags["conflict_events_backfill_warc"].params["allow_row_count_drop"] is True


@pytest.mark.parametrize("now", [
    dt.datetime(2026, 12, 7, 6, 12, tzinfo=dt.UTC),  # a Monday just after the 06:00 slot (Airflow's 10% buffer)
    dt.datetime(2026, 12, 9, 12, 0, tzinfo=dt.UTC),  # mid-week
    dt.datetime(2026, 12, 13, 23, 0, tzinfo=dt.UTC),  # the Sunday night before
], ids=["monday-06:12", "wednesday", "sunday"])
def test_unpausing_the_snapshot_waits_for_the_next_monday(common, monkeypatch, now):
    import airflow.timetables.trigger as trigger
    import pendulum
    from airflow.dag_processing.dagbag import BundleDagBag
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable
    from airflow.timetables.base import TimeRestriction

    dag = BundleDagBag(dag_folder=DAGS_DIR, bundle_path=DAGS_DIR).dags["conflict_events_snapshot"]
    assert dag.start_date is None and dag.catchup is False
    timetable = decode_timetable(encode_timetable(dag.timetable))  # the scheduler's view of it
    monkeypatch.setattr(trigger, "utcnow", lambda: pendulum.instance(now))
    first = timetable.next_dagrun_info(
        last_automated_data_interval=None, restriction=TimeRestriction(earliest=None, latest=None, catchup=False)
    )
    assert first.run_after > now, "no run for a Monday already past"
    assert first.run_after.weekday() == 0 and first.run_after.hour == 6
    assert first.run_after - now <= dt.timedelta(days=7)


PROCESS_TREE = r"""
set -euo pipefail
LOGS="$1"; BIN="$(dirname "$(command -v python3)")"; T0=$SECONDS
source "$2"
trap_stop
start tree "$LOGS" bash -c 'sleep 300 & sleep 300 & wait'
echo "ready $(cat /dev/null)"; watch_processes
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_scripts_stops_every_process_they_started(tmp_path, sig):
    """scripts/processes.sh (both Airflow scripts): a signal to the script ends the whole process tree.

    The script starts with SIGINT at its default, as from a terminal or a supervisor: when the test runner itself
    runs in the background of a non-interactive shell it inherits SIGINT ignored, which bash cannot trap.
    """
    proc = _start_process_tree(tmp_path, sigint=signal.SIG_DFL)
    time.sleep(1)
    children = _descendants(proc.pid)
    assert len(children) >= 3, children  # setsid bash + two sleeps
    os.kill(proc.pid, sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:  # rare under load: keep what the script logged, to tell where it hung
        tree = subprocess.run(["ps", "-o", "pid,ppid,pgid,stat,etime,args", "-g", str(proc.pid)],
                              capture_output=True, text=True).stdout
        os.killpg(proc.pid, signal.SIGKILL)
        _out, err = proc.communicate(timeout=10)
        pytest.fail(f"the script did not stop within 60 s of {sig.name}; its log:\n{err}\nits session:\n{tree}")
    time.sleep(0.5)
    alive = [pid for pid in children if _alive(pid)]
    assert not alive, f"left running: {alive}"
    assert proc.returncode == (143 if sig == signal.SIGTERM else 130)
    assert "SIGINT is ignored" not in proc.stderr.read()


def test_the_scripts_say_when_sigint_cannot_stop_them(tmp_path):
    """Started with SIGINT ignored (in the background of a script, nohup), the script says to use SIGTERM."""
    proc = _start_process_tree(tmp_path, sigint=signal.SIG_IGN)
    os.kill(proc.pid, signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert "SIGINT is ignored here" in err and "stop with SIGTERM" in err
    assert proc.returncode == 143


def _start_process_tree(tmp_path, *, sigint: signal.Handlers) -> subprocess.Popen:
    """PROCESS_TREE in its own session with SIGINT's disposition ``sigint``, once it says it is ready."""
    proc = subprocess.Popen(
        ["bash", "-c", PROCESS_TREE, "tree", str(tmp_path), str(PROJECT_DIR / "scripts" / "processes.sh")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )
    assert proc.stdout.readline().startswith("ready")
    return proc


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    parents = {}
    for line in out.splitlines():
        child, parent = (int(x) for x in line.split())
        parents.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
