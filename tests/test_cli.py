"""CLI user errors are one line with exit 2 (no traceback), dates name their format, --version (issue 11)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.cli import main, user_error
from pipeline.schema import SCHEMA_VERSION


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if " INFO " not in line]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_missing_inputs_are_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("extract", "--input", "missing.jsonl", "--output", "out.parquet", cwd=tmp_path),
                          "missing.jsonl", "no such file")
    assert_one_line_error(run_cli("eval", "--articles", "a.jsonl", "--gold", "g.jsonl", cwd=tmp_path),
                          "a.jsonl", "no such file")


def test_bad_bytes_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_bytes(b'\xff\xfe{"id": "1"}\n')
    assert_one_line_error(run_cli("extract", "--input", "bad.jsonl", "--output", "out.parquet", cwd=tmp_path),
                          "not UTF-8")


def test_sql_errors_are_one_line(tmp_path: Path, settings, capsys) -> None:
    from load_fixtures import build_known_lake

    build_known_lake(settings)
    assert main(["--data-root", settings.data_root, "load"]) == 0
    capsys.readouterr()
    assert main(["--data-root", settings.data_root, "query", "selec 1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: SQL error: Parser Error") and "\n" not in err
    assert main(["--data-root", settings.data_root, "query", "select nope from events"]) == 2
    assert "SQL error" in capsys.readouterr().err


def test_bad_dates_name_the_format(tmp_path: Path) -> None:
    for args in (["load", "--date", "2025-3-3"], ["report", "--date", "03/03/2025"],
                 ["publish", "--version", "v2025.01.01", "--from", "yesterday"]):
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2 and "is not a date: use the format YYYY-MM-DD" in proc.stderr, proc.stderr


def test_corrupt_parquet_is_a_user_error() -> None:
    message = user_error(pa.ArrowInvalid("Parquet magic bytes not found in footer.\nmore detail"))
    assert message == "unreadable Parquet/Arrow input: Parquet magic bytes not found in footer."
    assert user_error(RuntimeError("a bug")) is None  # bugs keep their traceback


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("conflict-events ") and f"schema {SCHEMA_VERSION}" in out and "extractor" in out
