"""`conflict-events extract` quarantines an oversized article instead of coding it for minutes
(https://issues.local/12 item 7: a 20 MB article without punctuation took 4 min 31 s and 3.2 GB)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.cli import main

NORMAL = "قتل ثلاثة مدنيين في قصف جوي على مدينة إدلب صباح الاثنين."


def test_an_article_over_the_cap_is_quarantined_and_the_rest_is_coded(tmp_path: Path) -> None:
    corpus = tmp_path / "articles.jsonl"
    rows = [{"id": "ok", "url": "https://x.example/ok", "published": "2025-03-03T08:00:00Z", "title": "t",
             "text": NORMAL},
            {"id": "huge", "url": "https://x.example/huge", "published": "2025-03-03T08:00:00Z", "title": "t",
             "text": "قصف " * 3000}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out, quarantine = tmp_path / "events.parquet", tmp_path / "quarantine.parquet"
    assert main(["extract", "--input", str(corpus), "--output", str(out), "--quarantine", str(quarantine),
                 "--workers", "1", "--max-article-chars", "5000"]) == 0
    q = pq.read_table(quarantine).to_pylist()
    assert [(r["record_id"], r["reason"], r["stage"]) for r in q] == [("huge", "article_too_large", "extract")]
    assert set(pq.read_table(out).column("article_id").to_pylist()) <= {"ok"}
