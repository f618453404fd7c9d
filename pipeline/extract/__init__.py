"""Extract stage: Arabic article text -> coded conflict events (schema.EVENT_SCHEMA).

Public API: ``extract_events(articles, settings, *, run_id, run_date) -> ExtractResult``,
``extract_article(...)`` for one article, ``read_articles_jsonl(path, *, run_id, run_date)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline import schema
from pipeline.errors import InputFormatError
from pipeline.extract.engine import EXTRACTOR_VERSION, Engine
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.text import normalize_arabic

logger = logging.getLogger(__name__)
__all__ = ["EXTRACTOR_VERSION", "ExtractResult", "build_engine", "extract_article", "extract_events",
           "read_articles_jsonl"]


@dataclass(frozen=True)
class ExtractResult:
    events: pa.Table
    quarantine: pa.Table


def load_gazetteer() -> Any | None:
    """The GeoNames gazetteer of pipeline.extract.geo, or None (events then keep location text only)."""
    try:
        from pipeline.extract.geo import Gazetteer
    except ImportError:
        logger.warning("pipeline.extract.geo not available: events will not be geocoded")
        return None
    return Gazetteer.load()


def build_engine(settings: Any) -> Engine:
    """The engine for ``settings.extract``; backend "camel" adds camel-tools morphology when installed locally."""
    backend = getattr(settings.extract, "backend", "none")
    morph_forms = None
    if backend == "camel":
        from pipeline.extract.morphology import load_morph_forms

        morph_forms = load_morph_forms()
    elif backend != "none":
        logger.warning("unknown extract backend %r: using the lexicon engine", backend)
    return Engine(Lexicons.load(), load_gazetteer(),
                  use_dateparser_fallback=settings.extract.use_dateparser_fallback,
                  min_confidence=settings.extract.min_confidence, morph_forms=morph_forms)


def extract_article(engine: Engine, article: dict[str, Any], *, run_id: str, run_date: dt.date) -> list[dict]:
    """Event rows (complete EVENT_SCHEMA dicts) of one article row."""
    published = article.get("published_at")
    pub_date = published.date() if isinstance(published, dt.datetime) else (published or run_date)
    rows = engine.extract(article_id=article["article_id"], text=article["text"], title=article.get("title"),
                          published=pub_date, source_country=article.get("country_code"))
    for r in rows:
        r.update(source_id=article.get("source_id"), url=article.get("url"), published_at=published,
                 run_id=run_id, run_date=run_date)
    return rows


def _quarantine_row(article: dict[str, Any], reason: str, *, run_id: str, run_date: dt.date) -> dict:
    rid = article.get("article_id") or article.get("url") or "?"
    qid = hashlib.sha256(f"articles\x1f{rid}\x1fextract\x1f{reason}".encode()).hexdigest()[:32]
    payload = {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in article.items()
               if k in ("article_id", "url", "title", "source_id")}
    return {"quarantine_id": qid, "table_name": "articles", "record_id": rid, "stage": "extract",
            "reason": reason, "source_url": article.get("url"), "payload": json.dumps(payload, ensure_ascii=False),
            "run_id": run_id, "run_date": run_date}


def _check(article: dict[str, Any]) -> str | None:
    text = article.get("text")
    if not isinstance(text, str) or not text.strip():
        return "empty_body"
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    if arabic < 0.3 * len(normalize_arabic(text).replace(" ", "")):
        return "not_arabic"
    return None


def _extract_batch(engine: Engine, batch: list[dict], run_id: str, run_date: dt.date) -> tuple[list, list]:
    events, quarantine = [], []
    for article in batch:
        reason = _check(article)
        if reason is None:
            try:
                events.extend(extract_article(engine, article, run_id=run_id, run_date=run_date))
                continue
            except Exception as exc:  # one bad article must not sink the batch
                logger.exception("extraction failed for %s", article.get("article_id"))
                reason = f"extract_error:{type(exc).__name__}"
        quarantine.append(_quarantine_row(article, reason, run_id=run_id, run_date=run_date))
    return events, quarantine


_WORKER_ENGINE: dict[str, Engine] = {}  # per worker process: built once by _init_worker


def _init_worker(settings: Any) -> None:
    _WORKER_ENGINE["engine"] = build_engine(settings)


def _worker_batch(batch: list[dict], run_id: str, run_date: dt.date) -> tuple[list, list]:
    return _extract_batch(_WORKER_ENGINE["engine"], batch, run_id, run_date)


def extract_events(articles: pa.Table, settings: Any, *, run_id: str, run_date: dt.date,
                   engine: Engine | None = None) -> ExtractResult:
    """Code the events of every article; articles that cannot be processed go to quarantine."""
    rows = articles.to_pylist()
    size = max(1, settings.extract.batch_size)
    batches = [rows[i:i + size] for i in range(0, len(rows), size)]
    events: list[dict] = []
    quarantine: list[dict] = []
    if settings.extract.workers > 1 and len(batches) > 1 and engine is None:
        with ProcessPoolExecutor(settings.extract.workers, initializer=_init_worker, initargs=(settings,)) as pool:
            futures = [pool.submit(_worker_batch, b, run_id, run_date) for b in batches]
            for n, fut in enumerate(futures, 1):
                ev, q = fut.result()
                events += ev
                quarantine += q
                logger.info("extract: batch %d/%d done", n, len(batches))
    else:
        engine = engine or build_engine(settings)
        for n, b in enumerate(batches, 1):
            ev, q = _extract_batch(engine, b, run_id, run_date)
            events += ev
            quarantine += q
            logger.info("extract: batch %d/%d, %d events so far", n, len(batches), len(events))
    return ExtractResult(schema.to_table(events, "events"), schema.to_table(quarantine, "quarantine"))


def read_articles_jsonl(path: str | Path, *, run_id: str, run_date: dt.date) -> pa.Table:
    """Articles table (ARTICLE_SCHEMA) from a JSONL corpus with fields id, url, published, title, text."""
    rows = []
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFormatError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
            if not isinstance(rec, dict):
                raise InputFormatError(f"{path}:{n}: expected a JSON object")
            for key in ("id", "text"):
                if not isinstance(rec.get(key), str) or not rec[key]:
                    raise InputFormatError(f"{path}:{n}: missing or empty field '{key}'")
            rows.append(_article_row(rec, n, path, run_id=run_id, run_date=run_date))
    return schema.to_table(rows, "articles")


def _article_row(rec: dict, n: int, path: Any, *, run_id: str, run_date: dt.date) -> dict:
    published = None
    if rec.get("published"):
        try:
            published = dt.datetime.fromisoformat(str(rec["published"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise InputFormatError(f"{path}:{n}: bad 'published' {rec['published']!r}") from exc
        if published.tzinfo is None:
            published = published.replace(tzinfo=dt.UTC)
        published = published.astimezone(dt.UTC)
    text = rec["text"]
    return {
        "article_id": rec["id"], "source_id": rec.get("source") or rec.get("source_name") or "jsonl",
        "url": rec.get("url") or rec.get("original_url") or f"jsonl:{rec['id']}",
        "title": rec.get("title"), "text": text, "published_at": published,
        "language": "ar", "country_code": rec.get("country_code"),
        "content_sha256": hashlib.sha256(normalize_arabic(text).encode("utf-8")).hexdigest(),
        "run_id": run_id, "run_date": run_date,
    }
