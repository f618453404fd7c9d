"""The released files of one table: Parquet, CSV (UTF-8 with BOM, for spreadsheets) and GeoJSON of events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

UTF8_BOM = b"\xef\xbb\xbf"


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


def write_table(folder: Path, name: str, table: pa.Table) -> list[str]:
    """``<name>.parquet`` and ``<name>.csv``; returns the file names."""
    pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
    write_csv_with_bom(table, folder / f"{name}.csv")
    return [f"{name}.parquet", f"{name}.csv"]


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
