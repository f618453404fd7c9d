"""The expectation suites (``expectations/*.json``, the single source of truth) and their inputs.

Nothing here imports Great Expectations, so the suites can be read and checked cheaply.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.errors import ConfigError
from pipeline.paths import resource_dir
from pipeline.settings import Settings

EXPECTATIONS_DIR = resource_dir("expectations")
COUNTRY_BOXES_FILE = EXPECTATIONS_DIR / "country_bboxes.json"
SUITE_TABLES = ("articles", "events")

# How each Arrow type of pipeline/schema.py looks once pipeline/validate/frame.py has made a pandas
# DataFrame of it: the names GE's expect_column_values_to_be_in_type_list understands. List columns are
# type-checked by the Arrow cast in pipeline/store, not by GE.
PANDAS_TYPE_NAMES: dict[pa.DataType, str] = {
    pa.string(): "StringDtype",
    pa.int32(): "Int32Dtype",
    pa.int64(): "Int64Dtype",
    pa.float64(): "float64",
    pa.bool_(): "BooleanDtype",
    pa.date32(): "datetime64[ms]",
    pa.timestamp("s", tz="UTC"): "datetime64[s]",
}


@dataclass(frozen=True)
class CountryBox:
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float
    source: str


def suite_path(table_name: str) -> Path:
    if table_name not in SUITE_TABLES:
        raise ConfigError(f"no expectation suite for table {table_name!r} (have {SUITE_TABLES})")
    return EXPECTATIONS_DIR / f"{table_name}.json"


def load_suite(table_name: str) -> dict[str, Any]:
    """The suite of ``table_name`` as the JSON dict GE's ExpectationSuite(**d) accepts."""
    path = suite_path(table_name)
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read expectation suite {path}: {exc}") from exc
    for i, expectation in enumerate(suite.get("expectations", [])):
        if not expectation.get("meta", {}).get("reason"):
            raise ConfigError(f"{path}: expectation #{i} ({expectation.get('type')}) has no meta.reason")
    return suite


def expectation_label(expectation_type: str, kwargs: dict[str, Any]) -> str:
    """``expect_x(column)`` / ``expect_x(column_A,column_B)``: how a failed expectation is named."""
    columns = [str(kwargs[k]) for k in ("column", "column_A", "column_B") if kwargs.get(k) is not None]
    return f"{expectation_type}({','.join(columns)})"


def suite_parameters(suite: dict[str, Any]) -> set[str]:
    """Names of every ``{"$PARAMETER": name}`` the suite uses."""
    names: set[str] = set()
    for expectation in suite["expectations"]:
        for value in expectation["kwargs"].values():
            if isinstance(value, dict) and "$PARAMETER" in value:
                names.add(value["$PARAMETER"])
    return names


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def parameters_for(settings: Settings, run_date: dt.date) -> dict[str, Any]:
    """Values of the suites' $PARAMETERs for a run (thresholds from settings [validate])."""
    import pandas as pd

    oldest = pd.Timestamp(_years_before(run_date, settings.validate.max_event_age_years))
    return {
        "min_event_date": oldest,
        "max_fatalities_per_event": settings.validate.max_fatalities_per_event,
        "max_event_date": pd.Timestamp(run_date + dt.timedelta(days=1)),
        "min_published_at": oldest,
        "max_published_at": pd.Timestamp(run_date + dt.timedelta(days=2)),
    }


@cache
def country_boxes() -> dict[str, CountryBox]:
    """ISO2 -> bounding box, from expectations/country_bboxes.json."""
    try:
        doc = json.loads(COUNTRY_BOXES_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read {COUNTRY_BOXES_FILE}: {exc}") from exc
    return {code: CountryBox(*entry["box"], source=entry["source"]) for code, entry in doc["countries"].items()}
