"""Arrow table -> the pandas DataFrame the suites validate, with the derived columns they name.

Derived columns start with ``_`` and are documented in the suite's meta:
- ``_lat_lon_in_country_box``: latitude/longitude inside the padded bounding box of country_code
  (null when a value is missing or the country has no box: not checkable);
- ``_latest_plausible_event_date``: the UTC date of published_at + 1 day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.validate.suites import country_boxes

_TYPES_MAPPER = {
    pa.string(): pd.StringDtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def to_frame(table: pa.Table, table_name: str) -> pd.DataFrame:
    """``table`` (already conformed to its schema) as a DataFrame with a 0..n-1 index + derived columns."""
    naive = table
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            naive = naive.set_column(i, field.name, table.column(i).cast(pa.timestamp(field.type.unit)))
    frame = naive.to_pandas(types_mapper=_TYPES_MAPPER.get, date_as_object=False, ignore_metadata=True)
    frame.index = pd.RangeIndex(len(frame))
    if table_name == "events":
        frame["_lat_lon_in_country_box"] = in_country_box(table)
        frame["_latest_plausible_event_date"] = latest_plausible_event_date(table)
    return frame


def in_country_box(table: pa.Table) -> pd.Series:
    """Nullable boolean per row: are (latitude, longitude) inside country_code's box?"""
    boxes = country_boxes()
    codes = sorted(boxes)
    lookup = np.array([[boxes[c].min_lat, boxes[c].min_lon, boxes[c].max_lat, boxes[c].max_lon] for c in codes]
                      + [[np.nan] * 4])
    index = pc.index_in(table.column("country_code"), value_set=pa.array(codes)).fill_null(len(codes))
    box = lookup[index.to_numpy(zero_copy_only=False)]
    lat = table.column("latitude").to_numpy(zero_copy_only=False).astype(float)
    lon = table.column("longitude").to_numpy(zero_copy_only=False).astype(float)
    inside = (lat >= box[:, 0]) & (lat <= box[:, 2]) & (lon >= box[:, 1]) & (lon <= box[:, 3])
    checkable = ~(np.isnan(lat) | np.isnan(lon) | np.isnan(box[:, 0]))
    return pd.Series(pd.array(np.where(checkable, inside, False), dtype="boolean")).where(checkable, pd.NA)


def latest_plausible_event_date(table: pa.Table) -> pd.Series:
    published = table.column("published_at").cast(pa.timestamp("s"))
    days = pc.floor_temporal(published, unit="day")
    latest = pc.add(days, pa.scalar(86_400, pa.duration("s")))
    return pd.Series(latest.cast(pa.timestamp("ms")).to_numpy(zero_copy_only=False))
