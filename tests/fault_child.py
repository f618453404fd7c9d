"""Child process of the fault-injection tests: run pipeline stages, SIGKILLing itself at a chosen point.

    python tests/fault_child.py SPEC COUNT_FILE DATA_ROOT RUN_DATE RUN_ID SOURCES STAGE [STAGE ...]

Stages: ``crawl``, ``extract``, ``validate``, ``store`` (the ``pipeline.run.run_*`` functions the Airflow
tasks call) and, through the real CLI, ``load`` (``conflict-events load --date D``), ``recode``
(``conflict-events recode --from D --to D``) and ``publish=VERSION`` (``conflict-events publish --version
VERSION``). SPEC picks the kill point among the line events Python executes in the stage code (``TRACED``
files): ``line@K`` = before the K-th line, ``FUNC@N`` = before the first line of the N-th call of function
FUNC, ``FUNC@N+K`` = before the K-th line executed from that call on, ``at=TEXT@N`` = before the N-th
execution of a line whose source starts with TEXT (a window between two statements that survives edits
elsewhere in the file), ``none`` = no kill (the number of
line events is written to COUNT_FILE, so a test can spread kill points over them). The CLI stages read
the settings file ``fault.toml`` next to DATA_ROOT when it exists. The kill is a real
SIGKILL: no ``finally``, no ``except``, no atexit handler runs, exactly as under ``kill -9`` or the OOM
killer.
"""

from __future__ import annotations

import datetime as dt
import linecache
import os
import signal
import sys
import threading

TRACED = ("pipeline/store/parquet.py", "pipeline/load/warehouse.py", "pipeline/run.py", "pipeline/crawl/state.py",
          "pipeline/crawl/__init__.py", "pipeline/extract/__init__.py", "pipeline/validate/core.py",
          "pipeline/recode.py", "pipeline/publish/snapshot.py", "pipeline/publish/exports.py",
          "pipeline/publish/changes.py", "pipeline/publish/releases.py")


class KillSwitch:
    def __init__(self, spec: str) -> None:
        kind, _, n = spec.rpartition("@") if "@" in spec else (spec, "", "")
        n, _, after = n.partition("+")
        self.text = kind[3:] if kind.startswith("at=") else None  # at=TEXT@N: the N-th run of that line
        self.func = None if kind in ("line", "none") or self.text else kind
        self.at = int(n) if n else 0
        self.after = int(after) if after else 0  # FUNC@N+K: lines to run after entering the call
        self.lines = 0
        self.calls = 0
        self.entered_at: int | None = None  # line count when the chosen call began

    def global_trace(self, frame, event, arg):
        if not frame.f_code.co_filename.endswith(TRACED):
            return None
        if event == "call" and frame.f_code.co_name == self.func:
            self.calls += 1
            if self.calls == self.at:
                if not self.after:
                    self.kill()
                self.entered_at = self.lines
        return self.local_trace

    def local_trace(self, frame, event, arg):
        if event == "line":
            self.lines += 1
            if self.text is not None:
                if linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip().startswith(self.text):
                    self.calls += 1
                    if self.calls == self.at:
                        self.kill()
            elif self.func is None and self.lines == self.at:
                self.kill()
            if self.entered_at is not None and self.lines - self.entered_at == self.after:
                self.kill()
        return self.local_trace

    @staticmethod
    def kill() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    spec, count_file, data_root, run_date, run_id, sources, *stages = argv
    from pipeline.cli import main as cli_main
    from pipeline.run import run_crawl, run_extract, run_store, run_validate
    from pipeline.settings import Settings

    settings = Settings.load(paths={"data_root": data_root, "sources_file": sources}, validate={"data_docs": False})
    day = dt.date.fromisoformat(run_date)
    switch = KillSwitch(spec)
    sys.settrace(switch.global_trace)
    threading.settrace(switch.global_trace)
    config = os.path.join(os.path.dirname(os.path.abspath(data_root)), "fault.toml")
    cli = ["--data-root", data_root, *(["--config", config] if os.path.exists(config) else [])]
    rc = 0
    steps = {"crawl": lambda: run_crawl(settings, run_date=day, run_id=run_id, progress=False),
             "extract": lambda: run_extract(settings, run_date=day, run_id=run_id),
             "validate": lambda: run_validate(settings, run_date=day, run_id=run_id),
             "store": lambda: run_store(settings, run_date=day, run_id=run_id)}
    for stage in stages:
        if stage in steps:
            steps[stage]()
        elif stage == "load":
            rc = cli_main([*cli, "load", "--date", run_date, "--sources", sources])
        elif stage == "recode":
            rc = cli_main([*cli, "recode", "--from", run_date, "--to", run_date, "--sources", sources])
        elif stage.startswith("publish="):
            rc = cli_main([*cli, "publish", "--version", stage.partition("=")[2]])
        else:
            raise SystemExit(f"unknown stage {stage!r}")
        if rc:
            break
    sys.settrace(None)
    with open(count_file, "w", encoding="utf-8") as f:
        f.write(str(switch.lines))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
