"""The snapshot's Excel workbooks (issue 11): same rows as the Parquet files, Arabic intact, list columns as
JSON, Excel's row limit handled by continuing on further sheets, checked by verify-snapshot."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from load_fixtures import build_known_lake, sources_arrow
from openpyxl import load_workbook

from pipeline.load import load_warehouse
from pipeline.publish import publish_snapshot, verify_snapshot
from pipeline.publish.exports import XLSX_MAX_CELL_CHARS, sheet_names, write_xlsx
from pipeline.publish.snapshot import MANIFEST, write_manifest
from pipeline.settings import Settings

CREATED = dt.datetime(2025, 1, 14, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def snapshot(settings: Settings) -> Path:
    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    return Path(publish_snapshot(settings, version="v2025.01.14", created_at=CREATED))


def _parquet_as_excel(value: object) -> object:
    """A Parquet value as the workbook should hold it."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)  # Excel stores dates as date-times
    return value


def _sheet_rows(path: Path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


@pytest.mark.parametrize("table", ["events", "event_mentions", "articles"])
def test_workbook_holds_the_parquet_rows(snapshot: Path, table: str) -> None:
    parquet = pq.read_table(snapshot / f"{table}.parquet")
    sheets = _sheet_rows(snapshot / f"{table}.xlsx")
    assert list(sheets) == [table]
    header, *rows = sheets[table]
    assert list(header) == parquet.column_names
    expected = [tuple(_parquet_as_excel(v) for v in row.values()) for row in parquet.to_pylist()]
    assert rows == expected


def test_arabic_and_list_columns_survive(snapshot: Path) -> None:
    header, *rows = _sheet_rows(snapshot / "events.xlsx")["events"]
    evidence = [r[header.index("evidence")] for r in rows]
    assert any("سرمين" in e for e in evidence)
    source_ids = [json.loads(r[header.index("source_ids")]) for r in rows]
    assert all(isinstance(s, list) and s for s in source_ids)


def test_manifest_lists_the_workbooks_and_verify_checks_them(snapshot: Path) -> None:
    manifest = json.loads((snapshot / MANIFEST).read_text())
    for table in ("events", "event_mentions", "articles"):
        assert len(manifest["files"][f"{table}.xlsx"]) == 64
        assert manifest["xlsx"][f"{table}.xlsx"]["sheets"] == {table: manifest["row_counts"][table]}
    assert "xlsx" in (snapshot / "datasheet.md").read_text(encoding="utf-8")
    assert verify_snapshot(snapshot) == []
    with (snapshot / "events.xlsx").open("ab") as f:
        f.write(b"\0")
    assert verify_snapshot(snapshot) == ["events.xlsx: sha256 mismatch (file changed after publishing)"]


def test_verify_catches_sheet_counts_that_disagree_with_the_rows(snapshot: Path) -> None:
    manifest = json.loads((snapshot / MANIFEST).read_text())
    manifest["xlsx"]["events.xlsx"]["sheets"] = {"events": 4}
    write_manifest(snapshot, manifest)
    assert verify_snapshot(snapshot) == ["events.xlsx: 4 rows in its sheets, manifest says 5"]


def test_a_table_over_the_sheet_limit_continues_on_more_sheets(tmp_path: Path) -> None:
    table = pa.table({"event_id": [f"e{i}" for i in range(7)], "n": list(range(7))})
    notes = write_xlsx(table, tmp_path / "t.xlsx", "events", max_rows=3)
    assert notes == {"sheets": {"events": 3, "events_2": 3, "events_3": 1}}
    sheets = _sheet_rows(tmp_path / "t.xlsx")
    assert list(sheets) == ["events", "events_2", "events_3"]
    assert all(rows[0] == ("event_id", "n") for rows in sheets.values())
    assert [r for rows in sheets.values() for r in rows[1:]] == [(f"e{i}", i) for i in range(7)]
    assert sheet_names("events", 0) == ["events"]
    assert sheet_names("event_mentions", 1_048_576) == ["event_mentions", "event_mentions_2"]


def test_cells_excel_cannot_hold_are_fitted_and_counted(tmp_path: Path) -> None:
    long_text = "نص" * XLSX_MAX_CELL_CHARS
    table = pa.table({"text": [long_text, "bell\x07here", "عادي"]})
    notes = write_xlsx(table, tmp_path / "t.xlsx", "articles")
    assert notes == {"sheets": {"articles": 3}, "cells_truncated": 1, "control_characters_removed": 1}
    _, *rows = _sheet_rows(tmp_path / "t.xlsx")["articles"]
    assert rows == [(long_text[:XLSX_MAX_CELL_CHARS],), ("bellhere",), ("عادي",)]


def test_datasheet_says_where_a_workbook_was_split_or_cut() -> None:
    from pipeline.publish.datasheet import _spreadsheet_notes

    text = "\n".join(_spreadsheet_notes({
        "events.xlsx": {"sheets": {"events": 10}},
        "event_mentions.xlsx": {"sheets": {"event_mentions": 1_048_575, "event_mentions_2": 12}},
        "articles.xlsx": {"sheets": {"articles": 3}, "cells_truncated": 2}}))
    assert "`event_mentions_2` (12 rows)" in text and "`events.xlsx`" not in text
    assert "`articles.xlsx`: 2 cell(s) cut" in text


def test_no_xlsx_option_skips_the_workbooks(settings: Settings, capsys) -> None:
    from pipeline.cli import main

    build_known_lake(settings)
    load_warehouse(settings, sources=sources_arrow())
    assert main(["--data-root", settings.data_root, "publish", "--version", "v2025.01.14", "--no-xlsx"]) == 0
    folder = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert not list(folder.glob("*.xlsx"))
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["xlsx"] == {} and not any(n.endswith(".xlsx") for n in manifest["files"])
    datasheet = (folder / "datasheet.md").read_text(encoding="utf-8")
    assert "no .xlsx workbooks" in datasheet and "(.parquet, .csv, .geojson)" in datasheet
    assert verify_snapshot(folder) == []
