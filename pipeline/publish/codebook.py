"""Codebook and CITATION.cff text, generated from the schema module (never written by hand).

``python -m pipeline.publish.codebook`` regenerates ``docs/codebook.md`` (a test checks it is current).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import schema
from pipeline.load.ddl import duckdb_type

DOCS_CODEBOOK = Path(__file__).resolve().parents[2] / "docs" / "codebook.md"

PUBLISHED_TABLES: tuple[str, ...] = ("events", "event_mentions", "articles")
FILES_OF: dict[str, str] = {
    "events": "events.parquet, events.csv, events.xlsx, events.geojson",
    "event_mentions": "event_mentions.parquet, event_mentions.csv, event_mentions.xlsx",
    "articles": "articles.parquet, articles.csv, articles.xlsx",
}
COUNTING = (
    "**Count `events`, not mentions.** An `events` row is one real-world happening; `event_mentions` has one "
    "row per sentence that reports it (often several per article and several articles per event), plus the "
    "mentions not asserted as fact (null `event_id`). Join them on `event_id`. Sum `events.fatalities` for "
    "deaths: each article's toll is counted once, and an event takes the lowest figure its mentions give."
)

PRECISION_CODES = {
    "date_precision": {
        "day": "the text names the day (or a relative day resolved against the publication date)",
        "week": "the text gives only a week («الأسبوع الماضي»); event_date is a day inside it",
        "month": "the text gives no day for the event: event_date is the publication date (or the date of the "
                 "event it is anchored to) and is reliable to the month only",
        "year": "the text gives only a year; event_date is a day inside it",
    },
    "geo_precision": {
        "town": "coordinates of the named town, village or neighbourhood",
        "district": "centroid of the second-level region (admin2)",
        "region": "centroid of the first-level region (admin1, governorate/state)",
        "country": "centroid of the country: the place could not be resolved more precisely",
    },
    "modality": {
        "asserted": "reported as having happened; the only events counted in the analysis views",
        "negated": "the text says it did not happen",
        "denied": "a party denies it happened",
        "threat": "threatened, not carried out",
        "future": "announced or planned",
        "hypothetical": "conditional or speculative",
    },
}


def _column_rows(table: str) -> list[str]:
    rows = ["| column | type | required | meaning | allowed values |", "|---|---|---|---|---|"]
    for f in schema.WAREHOUSE_FIELDS[table]:
        allowed = ", ".join(f"`{a}`" for a in f.allowed) if f.allowed else ""
        rows.append(f"| `{f.name}` | {duckdb_type(f.type)} | {'yes' if not f.nullable else 'no'} | "
                    f"{f.description.replace('|', '/')} | {allowed} |")
    return rows


def _grain(table: str) -> str:
    for line in (schema.__doc__ or "").splitlines():
        if line.startswith(f"- ``{table}``:"):
            return line.split(":", 1)[1].strip()
    return ""


def codebook_markdown(*, title: str, version: str, article_text_included: bool = True) -> str:
    """Every column of the published tables: meaning, type, allowed values; then the precision codes."""
    lines = [f"# {title}: codebook ({version})", "",
             f"Schema version {schema.SCHEMA_VERSION}. Generated from `pipeline/schema.py`.", "", COUNTING, ""]
    for table in PUBLISHED_TABLES:
        lines += [f"## `{table}` ({FILES_OF[table]})", "", f"Grain: {_grain(table)}", ""]
        lines += _column_rows(table)
        if table == "articles" and not article_text_included:
            lines.append("")
            lines.append("`text` is not included in this release: article bodies belong to their publishers. "
                         "Each event keeps its evidence sentence; `url` leads to the article.")
        lines.append("")
    lines += ["## Codes", ""]
    for column, codes in PRECISION_CODES.items():
        lines += [f"### `{column}`", ""] + [f"- `{code}`: {meaning}" for code, meaning in codes.items()] + [""]
    lines += ["### `event_type` / `sub_event_type` (ACLED-style) by `action_type`", "",
              "| action_type | event_type | default sub_event_type |", "|---|---|---|"]
    lines += [f"| `{a}` | {e} | {s} |" for a, (e, s) in schema.ACTION_TO_ACLED.items()]
    lines += ["", "CSV and .xlsx files: list columns are JSON arrays; timestamps are in UTC (ISO 8601 in CSV). "
              "A table longer than an Excel sheet (1,048,575 rows) continues on sheets `<table>_2`, `<table>_3`, "
              "...", ""]
    return "\n".join(lines)


def citation_cff(*, title: str, version: str, date_released: str, license_id: str = "CC-BY-SA-4.0",
                 repository: str | None = None) -> str:
    """A minimal valid CITATION.cff (Citation File Format 1.2.0) for a dataset release."""
    return "\n".join([
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below."',
        "type: dataset",
        f'title: "{title}"',
        f'version: "{version}"',
        f"date-released: {date_released}",
        "authors:",
        '  - name: "conflict-events contributors"',
        f"license: {license_id}",
        *([f'repository-code: "{repository}"'] if repository else []),
        "keywords: [conflict events, Arabic news, event data]",
        "",
    ])


if __name__ == "__main__":
    DOCS_CODEBOOK.write_text(codebook_markdown(title="Arabic News Conflict Events", version="current schema",
                                               article_text_included=False), encoding="utf-8")
    print(DOCS_CODEBOOK, file=sys.stderr)
