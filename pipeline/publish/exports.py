"""The released files of one table: Parquet, CSV (UTF-8 with BOM, for spreadsheets), an Excel workbook and
GeoJSON of events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.progress import Progress

UTF8_BOM = b"\xef\xbb\xbf"
# Excel's limits: 1,048,576 rows per sheet (one is the header) and 32,767 characters per cell.
XLSX_MAX_ROWS = 1_048_576 - 1
XLSX_MAX_CELL_CHARS = 32_767


def csv_ready(table: pa.Table) -> pa.Table:
    """List columns as JSON arrays (CSV has no list type)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type):
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in table.column(i).to_pylist()]
            table = table.set_column(i, field.name, pa.array(values, pa.string()))
    return table


def write_csv_with_bom(table: pa.Table, path: Path) -> None:
    """CSV in UTF-8 with a byte-order mark, so a spreadsheet opened by double-click shows the Arabic."""
    with path.open("wb") as f:
        f.write(UTF8_BOM)
        pacsv.write_csv(csv_ready(table), f)


def sheet_names(name: str, rows: int, max_rows: int = XLSX_MAX_ROWS) -> list[str]:
    """``events`` for a table that fits one sheet, else ``events``, ``events_2``, ... of ``max_rows`` rows each."""
    sheets = max(1, -(-rows // max_rows))
    return [name] + [f"{name}_{i}"[:31] for i in range(2, sheets + 1)]


def xlsx_cell(value: object, notes: dict[str, int]) -> object:
    """A value as Excel can hold it: lists as JSON, UTC timestamps without their zone (Excel has none),
    text without the control characters XML forbids and cut to Excel's cell limit (counted in ``notes``)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, str):
        cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
        if cleaned != value:
            notes["control_characters_removed"] = notes.get("control_characters_removed", 0) + 1
        if len(cleaned) > XLSX_MAX_CELL_CHARS:
            notes["cells_truncated"] = notes.get("cells_truncated", 0) + 1
            cleaned = cleaned[:XLSX_MAX_CELL_CHARS]
        return cleaned
    return value


def write_xlsx(table: pa.Table, path: Path, name: str, *, max_rows: int = XLSX_MAX_ROWS,
               progress: Progress | None = None) -> dict:
    """One workbook; a table longer than Excel's sheet limit continues on ``<name>_2``, ``<name>_3``, ...

    Returns what the manifest records: the sheets with their row counts, and the cells changed to fit
    Excel (text over 32,767 characters cut, XML-forbidden control characters dropped; Parquet and CSV keep them).
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    notes: dict[str, int] = {}
    sheets = sheet_names(name, table.num_rows, max_rows)
    for i, sheet_name in enumerate(sheets):
        sheet = workbook.create_sheet(sheet_name)
        sheet.append(table.column_names)
        for batch in table.slice(i * max_rows, max_rows).to_batches(max_chunksize=10_000):
            for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                sheet.append([xlsx_cell(v, notes) for v in row])
            if progress is not None:
                progress.update(batch.num_rows)
    workbook.save(path)
    counts = [min(max_rows, table.num_rows - i * max_rows) for i in range(len(sheets))]
    return {"sheets": dict(zip(sheets, counts, strict=True)), **notes}


def write_table(folder: Path, name: str, table: pa.Table, progress: Progress | None = None, *,
                xlsx: bool = True) -> tuple[list[str], dict | None]:
    """``<name>.parquet``, ``<name>.csv`` and (with ``xlsx``) ``<name>.xlsx``; returns the file names and the
    workbook's notes (None without one). ``progress`` counts the rows as they are written."""
    pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
    write_csv_with_bom(table, folder / f"{name}.csv")
    if not xlsx:
        if progress is not None:
            progress.update(table.num_rows)
        return [f"{name}.parquet", f"{name}.csv"], None
    workbook = write_xlsx(table, folder / f"{name}.xlsx", name, progress=progress)
    return [f"{name}.parquet", f"{name}.csv", f"{name}.xlsx"], workbook


def _json_value(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def events_geojson(events: pa.Table) -> dict:
    """A FeatureCollection with one feature per event; events without coordinates get a null geometry."""
    features = []
    for row in events.to_pylist():
        lat, lon = row.pop("latitude"), row.pop("longitude")
        geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "id": row["event_id"], "geometry": geometry,
                         "properties": {k: _json_value(v) for k, v in row.items()}})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(folder: Path, events: pa.Table) -> str:
    name = "events.geojson"
    (folder / name).write_text(json.dumps(events_geojson(events), ensure_ascii=False) + "\n", encoding="utf-8")
    return name


def release_path(value: str | None, data_root: Path) -> str | None:
    """A stored file path as released: relative to the data root, else only its file name (never absolute)."""
    if not value:
        return value
    path = Path(value)
    if not path.is_absolute():
        return path.name if ".." in path.parts else PurePosixPath(*path.parts).as_posix()
    try:
        return path.resolve().relative_to(data_root.resolve()).as_posix()
    except ValueError:
        return path.name


def strip_local_paths(articles: pa.Table, data_root: Path) -> pa.Table:
    """``warc_path`` without the publisher's machine layout."""
    if "warc_path" not in articles.column_names:
        return articles
    i = articles.column_names.index("warc_path")
    values = [release_path(v, data_root) for v in articles.column(i).to_pylist()]
    return articles.set_column(i, articles.schema.field(i), pa.array(values, pa.string()))
