"""Arrow table -> the pandas DataFrame the suites validate, with the derived columns they name.

Derived columns start with ``_`` and are documented in the suite's meta:
- ``_lat_lon_in_country_box``: latitude/longitude inside the padded bounding box of country_code
  (null when a value is missing or the country has no box: not checkable);
- ``_latest_plausible_event_date``: the UTC date of published_at + 1 day;
- ``_first_of_<key>``: false for every copy of a key after its first (a duplicate keeps one copy);
- ``_coordinates_finite``: false when latitude or longitude is NaN or infinite (Arrow keeps NaN apart
  from null; pandas would not, so it is derived from the Arrow table);
- ``_coordinates_paired``: false when only one of latitude and longitude is given;
- ``_article_known``: article_id is one of the run date's validated articles (true when not checked).
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


KEY_COLUMN = {"events": "event_id", "articles": "article_id"}


def to_frame(table: pa.Table, table_name: str, *, article_ids: pa.Array | None = None) -> pd.DataFrame:
    """``table`` (already conformed to its schema) as a DataFrame with a 0..n-1 index + derived columns.

    ``article_ids``: the run date's validated article ids, for ``_article_known`` (None: not checked).
    """
    naive = table
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            naive = naive.set_column(i, field.name, table.column(i).cast(pa.timestamp(field.type.unit)))
    frame = naive.to_pandas(types_mapper=_TYPES_MAPPER.get, date_as_object=False, ignore_metadata=True)
    frame.index = pd.RangeIndex(len(frame))
    key = KEY_COLUMN[table_name]
    frame[f"_first_of_{key}"] = first_of_key(frame[key])
    if table_name == "events":
        frame["_lat_lon_in_country_box"] = in_country_box(table)
        frame["_latest_plausible_event_date"] = latest_plausible_event_date(table)
        frame["_coordinates_finite"], frame["_coordinates_paired"] = coordinate_checks(table)
        frame["_article_known"] = article_known(table, article_ids)
    return frame


def first_of_key(keys: pd.Series) -> pd.Series:
    """True for the first row of each key (and for null keys: the null check refuses those)."""
    return pd.Series(~keys.duplicated(keep="first") | keys.isna(), index=keys.index, dtype="bool")


def coordinate_checks(table: pa.Table) -> tuple[pd.Series, pd.Series]:
    """(finite, paired) per row, from the Arrow columns where NaN and null differ."""
    lat, lon = table.column("latitude"), table.column("longitude")
    finite = pc.and_(_finite_or_null(lat), _finite_or_null(lon))
    paired = pc.equal(pc.is_null(lat), pc.is_null(lon))
    return _bools(finite), _bools(paired)


def _finite_or_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.fill_null(pc.is_finite(column), True)


def article_known(table: pa.Table, article_ids: pa.Array | None) -> pd.Series:
    if article_ids is None:
        return pd.Series(np.ones(table.num_rows, dtype=bool))
    known = pc.is_in(table.column("article_id"), value_set=article_ids)
    return _bools(pc.fill_null(known, True))  # a null article_id is refused by null_article_id


def _bools(values: pa.ChunkedArray) -> pd.Series:
    return pd.Series(values.to_numpy(zero_copy_only=False).astype(bool))


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
