"""`conflict-events load` / `query` through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from load_fixtures import build_known_lake

from pipeline.cli import main
from pipeline.load.commands import format_result
from pipeline.settings import Settings

REGISTRY_YAML = """
sources:
  - id: alpha
    name: Alpha News
    country: SY
    language: ar
    homepage: https://alpha.example
    entry_points: [{type: rss, url: "https://alpha.example/rss"}]
"""


@pytest.fixture
def registry(tmp_path: Path) -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(REGISTRY_YAML, encoding="utf-8")
    return str(path)


def test_load_then_query(settings: Settings, registry: str, capsys: pytest.CaptureFixture[str]) -> None:
    build_known_lake(settings)
    root = settings.data_root
    assert main(["--data-root", root, "load", "--sources", registry]) == 0
    out = capsys.readouterr().out
    assert "events" in out and "7" in out
    assert main(["--data-root", root, "query",
                 "select num_sources from events order by num_sources desc limit 1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].strip() == "num_sources"
    assert out.splitlines()[2].strip() == "2"
    assert "(1 row)" in out
    assert main(["--data-root", root, "query", "select name from sources", "--format", "json"]) == 0
    assert capsys.readouterr().out.strip() == '{"name": "Alpha News"}'


HOSTILE_SQL = {
    "delete": "delete from events",
    "copy_out": "copy events to '{root}/stolen.csv'",
    "copy_over_lake": "copy (select 1 as event_id) to '{root}/lake/events/dt=2025-01-11/data.parquet'",
    "export": "export database '{root}/exported'",
    "attach_rw": "attach '{root}/new.duckdb' (read_write)",
    "read_local_file": "select * from read_text('/etc/hostname')",
    "install": "install httpfs",
    "reenable_files": "set enable_external_access = true",
    "two_statements": "select 1; select 2",
    "bad_sql": "selec * from nowhere",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SQL))
def test_query_is_read_only_and_offline(settings: Settings, registry: str, capsys: pytest.CaptureFixture[str],
                                        name: str) -> None:
    """https://issues.local/12 item 3: COPY/EXPORT/ATTACH/read_text/INSTALL all succeeded through `query`."""
    build_known_lake(settings)
    root = settings.data_root
    main(["--data-root", root, "load", "--sources", registry])
    before = sorted(p.relative_to(root) for p in Path(root).rglob("*") if ".lock" not in p.name)
    capsys.readouterr()
    assert main(["--data-root", root, "query", HOSTILE_SQL[name].format(root=root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    after = sorted(p.relative_to(root) for p in Path(root).rglob("*") if ".lock" not in p.name)
    assert after == before  # nothing written, nothing created
    assert main(["--data-root", root, "query", "select count(*) as n from event_mentions", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "7"]


def test_query_without_warehouse_is_a_clear_error(settings: Settings, capsys) -> None:
    assert main(["--data-root", settings.data_root, "query", "select 1"]) == 2
    assert "conflict-events load" in capsys.readouterr().err


def test_format_result_csv_and_truncation() -> None:
    t = pa.table({"a": [1, None], "b": ["x" * 50, "y"]})
    assert format_result(t, fmt="csv").splitlines() == ["a,b", "1," + "x" * 50, ",y"]
    table = format_result(t, max_width=10)
    assert "xxxxxxxxx…" in table and "(2 rows)" in table
