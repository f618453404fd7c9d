"""Small articles tables for the Parquet store tests."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from pipeline import schema

DAY = dt.date(2025, 3, 14)


def article_rows(n: int, *, start: int = 0) -> list[dict]:
    """``n`` minimal valid article rows with ids a<start>..a<start+n-1> for the run date ``DAY``."""
    return [
        {
            "article_id": f"a{i:05d}",
            "source_id": "src",
            "url": f"https://example.org/{i}",
            "text": "نص الخبر",
            "content_sha256": f"{i:064x}",
            "published_at": dt.datetime(2025, 3, 14, 8, tzinfo=dt.UTC),
            "run_id": "run-1",
            "run_date": DAY,
        }
        for i in range(start, start + n)
    ]


def articles(n: int, *, start: int = 0) -> pa.Table:
    return schema.to_table(article_rows(n, start=start), "articles")
