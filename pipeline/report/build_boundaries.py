"""Build ``data/boundaries/countries_110m.geojson`` (country outlines for the report's offline map).

Source: Natural Earth 1:110m admin-0 countries (public domain), as shipped in the PyPI wheel of geopandas
0.14.4 (``geopandas/datasets/naturalearth_lowres``). Reads the shapefile with a small reader (no GIS
dependency), keeps the countries that reach into the Middle East / North Africa / Horn of Africa window,
and rounds coordinates to 0.01°.

Rebuild: .venv/bin/python -m pipeline.report.build_boundaries path/to/naturalearth_lowres.shp
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "countries_110m.geojson"
WINDOW = (-25.0, -5.0, 75.0, 50.0)  # lon_min, lat_min, lon_max, lat_max


def read_dbf(path: Path) -> list[dict[str, str]]:
    cpg = path.with_suffix(".cpg")
    encoding = cpg.read_text().strip() if cpg.is_file() else "utf-8"
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    records = []
    for i in range(count):
        start = header_len + i * record_len + 1  # skip the deletion flag
        record, offset = {}, start
        for name, length in fields:
            record[name] = data[offset:offset + length].decode(encoding, errors="replace").strip()
            offset += length
        records.append(record)
    return records


def read_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    """Rings of every polygon record of a .shp file (shape type 5)."""
    data = path.read_bytes()
    shapes, pos = [], 100
    while pos < len(data):
        _, length = struct.unpack(">II", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + 2 * length]
        pos += 8 + 2 * length
        if struct.unpack("<i", body[:4])[0] != 5:
            shapes.append([])
            continue
        num_parts, num_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", body[44:44 + 4 * num_parts])) + [num_points]
        points = struct.unpack(f"<{2 * num_points}d", body[44 + 4 * num_parts:44 + 4 * num_parts + 16 * num_points])
        xy = [(points[2 * i], points[2 * i + 1]) for i in range(num_points)]
        shapes.append([xy[parts[k]:parts[k + 1]] for k in range(num_parts)])
    return shapes


def _in_window(rings: list[list[tuple[float, float]]]) -> bool:
    lon_min, lat_min, lon_max, lat_max = WINDOW
    return any(lon_min <= x <= lon_max and lat_min <= y <= lat_max for ring in rings for x, y in ring)


def build(shp: Path) -> dict:
    features = []
    for record, rings in zip(read_dbf(shp.with_suffix(".dbf")), read_polygons(shp), strict=True):
        if rings and _in_window(rings):
            coordinates = [[[round(x, 2), round(y, 2)] for x, y in ring] for ring in rings]
            features.append({"type": "Feature", "properties": {"name": record["name"], "iso_a3": record["iso_a3"]},
                             "geometry": {"type": "MultiLineString", "coordinates": coordinates}})
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    collection = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(collection['features'])} countries", file=sys.stderr)
