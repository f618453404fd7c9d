"""`conflict-events extract` quarantines an oversized article instead of coding it for minutes, and a
repeated input id instead of coding it twice (https://issues.local/12 item 7: a 20 MB article without
punctuation took 4 min 31 s and 3.2 GB; duplicate input ids gave duplicate event_ids)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.cli import main

NORMAL = "قتل ثلاثة مدنيين في قصف جوي على مدينة إدلب صباح الاثنين."
HEADLINE = "مقتل ثلاثة مدنيين في قصف جوي على إدلب"  # a real headline: the decision model reads the title too


def test_oversized_and_repeated_articles_are_quarantined_and_the_rest_is_coded(tmp_path: Path) -> None:
    corpus = tmp_path / "articles.jsonl"
    rows = [{"id": "ok", "url": "https://x.example/ok", "published": "2025-03-03T08:00:00Z", "title": HEADLINE,
             "text": NORMAL},
            {"id": "huge", "url": "https://x.example/huge", "published": "2025-03-03T08:00:00Z", "title": "t",
             "text": "قصف " * 3000},
            {"id": "ok", "url": "https://x.example/ok-again", "published": "2025-03-03T09:00:00Z", "title": HEADLINE,
             "text": NORMAL}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out, quarantine = tmp_path / "events.parquet", tmp_path / "quarantine.parquet"
    assert main(["extract", "--input", str(corpus), "--output", str(out), "--quarantine", str(quarantine),
                 "--workers", "1", "--max-article-chars", "5000"]) == 0
    q = pq.read_table(quarantine).to_pylist()
    assert [(r["record_id"], r["reason"], r["stage"]) for r in q] == [
        ("ok", "duplicate_article_id", "extract"), ("huge", "article_too_large", "extract")]
    events = pq.read_table(out)
    assert set(events.column("article_id").to_pylist()) <= {"ok"}
    ids = events.column("event_id").to_pylist()
    assert ids and len(ids) == len(set(ids))
