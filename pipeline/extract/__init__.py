"""Extract stage: Arabic article text -> coded conflict events (schema.EVENT_SCHEMA).

Public API: ``extract_events(articles, settings, *, run_id, run_date) -> ExtractResult``,
``extract_event_batches(article_batches, settings, *, run_id, run_date) -> Iterator[ExtractResult]`` (streaming),
``extract_article(...)`` for one article, ``read_articles_jsonl(path, *, run_id, run_date)``,
``build_engine(settings, components=None) -> Engine``.

The engine (pipeline.extract.engine.Engine; ``Engine.extract(...)`` -> rows, ``Engine.process(...)`` -> the
whole document) runs an ordered list of named components (pipeline.extract.components) over one
``ArticleDoc`` (pipeline.extract.document). Each component is a frozen object that holds at most the shared,
read-only ``Resources`` (lexicons, gazetteer, morphology, settings; pipeline.extract.resources), declares the
document attributes it ``reads`` and ``writes`` (checked when the list is built) and keeps no per-article
state. The default order, ``build_pipeline(resources)``:

    sentences        text -> sentences outside boilerplate, cut into incident clauses (+ evidence_span)
    domain           sentences -> stopped="off_domain" (no rows) for sport, prices, ...
    country          sentences, source_country -> context (id, date, country, names memory)
    restatements     sentences -> sentences.restated (a lead repeated in the body)
    cues             sentences -> sentences.cues (kill, reporting, negation, claim, ... phrases)
    actors           sentences, context -> sentences.actors, context.names (anaphors, remembered officials)
    triggers         sentences, context -> sentences.reading: the sentence's candidate event (dominant
                     newsworthy trigger, dates, plausible places) or follow-up or nothing
    events           sentences -> candidates, sentence by sentence against the events before it, in steps
                     follow_up, reference, reaction, toll, elaboration, date, modality, roles, place,
                     split (per-location splitting, rule E2), merge (rule E3)
    title_actor      title, candidates -> candidates.actor1 (a perpetrator named only in the headline)
    subsume          candidates -> candidates (region-level events inside a town-level one dropped)
    protest_policing candidates -> candidates (forces deployed around a protest are not a deployment)
    evidence         sentences.evidence_span, candidates -> candidates.evidence (a clause shows its sentence)
    decide           candidates -> candidates, .action_type, .confidence   <- THE DECISION SEAM
    rows             context, candidates -> rows

``decide`` is where a candidate becomes a reported event. It receives the document with the article text,
publication date, sentences (tokens, cues, actors, trigger readings) and ``candidates`` complete with their
arguments (trigger, actors, place, date, toll, modality, evidence, sentence_idx) and their rule-based
``confidence``; it may drop candidates, change ``action_type`` and set ``confidence`` (rows are made from what
it leaves). The default, ``ConfidenceThreshold``, keeps candidates with confidence >= ``extract.min_confidence``.
A learned decision (pipeline/extract/decision/) replaces it by name:
``build_engine(settings, components={"decide": LearnedDecision(...)})`` or
``Engine(lexicons, gazetteer, components={"decide": ...})``; ``insert_before/insert_after`` add a component
(e.g. a feature recorder before ``decide``). tests/test_extract_golden_rows.py pins the default rows on the dev
articles: regenerate it (``--update``) when the output is meant to change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline import schema
from pipeline.errors import InputFormatError
from pipeline.extract.components import Component
from pipeline.extract.engine import EXTRACTOR_VERSION, Engine, exempt_from_collection
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.text import normalize_arabic

logger = logging.getLogger(__name__)
__all__ = ["EXTRACTOR_VERSION", "ExtractResult", "build_engine", "extract_article", "extract_event_batches",
           "extract_events", "read_articles_jsonl"]


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


def build_engine(settings: Any, components: Mapping[str, Component] | None = None) -> Engine:
    """The engine for ``settings.extract``: the rule components, then (unless ``decision_model`` is "") the
    learned decision component after ``rows`` (pipeline.extract.decision). ``components`` replaces default
    rule components by name (e.g. ``{"decide": ...}``). The engine's tables are then left out of the garbage
    collector's full collections (``exempt_from_collection``), as ``build_rule_engine``'s."""
    engine = _rule_engine(settings, components)
    choice = getattr(settings.extract, "decision_model", "")
    if choice:
        from pipeline.extract.decision import DecisionModel, bundled_model_path, with_model

        engine = with_model(engine, DecisionModel.load(bundled_model_path() if choice == "bundled" else choice))
    exempt_from_collection()
    return engine


def build_rule_engine(settings: Any, components: Mapping[str, Component] | None = None) -> Engine:
    """The rule engine for ``settings.extract``; backend "camel" adds camel-tools morphology when installed
    locally. ``components`` replaces default components by name (e.g. ``{"decide": ...}``)."""
    engine = _rule_engine(settings, components)
    exempt_from_collection()
    return engine


def _rule_engine(settings: Any, components: Mapping[str, Component] | None) -> Engine:
    backend = getattr(settings.extract, "backend", "none")
    morph_forms = None
    if backend == "camel":
        from pipeline.extract.morphology import load_morph_forms

        morph_forms = load_morph_forms()
    elif backend != "none":
        logger.warning("unknown extract backend %r: using the lexicon engine", backend)
    return Engine(Lexicons.load(), load_gazetteer(),
                  use_dateparser_fallback=settings.extract.use_dateparser_fallback,
                  min_confidence=settings.extract.min_confidence, morph_forms=morph_forms, components=components)


def extract_article(engine: Any, article: dict[str, Any], *, run_id: str, run_date: dt.date) -> list[dict]:
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

# Batches queued per worker process ahead of the one being written: bounds the rows in memory.
BATCHES_IN_FLIGHT_PER_WORKER = 2
# How the pool's workers start: "forkserver" gives fresh, small processes that do not inherit the caller's
# memory (a crawl of 50k articles leaves hundreds of MB behind). The engine's output does not depend on the
# hash seed (lexicon ties are broken in a fixed order), so fresh interpreters code articles exactly as the
# 1-worker path does (tests/test_extract_engine.py, tests/test_extract_determinism.py).
POOL_START_METHOD = "forkserver"


def _init_worker(settings: Any) -> None:
    _WORKER_ENGINE["engine"] = build_engine(settings)


def _batch_result(engine: Engine, articles: pa.Table, run_id: str, run_date: dt.date) -> ExtractResult:
    events, quarantine = _extract_batch(engine, articles.to_pylist(), run_id, run_date)
    return ExtractResult(schema.to_table(events, "events"), schema.to_table(quarantine, "quarantine"))


def _worker_batch(articles: bytes, run_id: str, run_date: dt.date) -> ExtractResult:
    return _batch_result(_WORKER_ENGINE["engine"], _from_ipc(articles), run_id, run_date)


def _to_ipc(table: pa.Table) -> bytes:
    """``table`` as Arrow IPC bytes: only its rows (pickling a slice would carry the whole parent buffers)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()


def _rebatch(tables: Iterable[pa.Table], size: int) -> Iterator[pa.Table]:
    """The rows of ``tables`` in order, as tables of exactly ``size`` rows (the last one: the rest)."""
    held: list[pa.Table] = []
    rows = 0
    for table in tables:
        held.append(table)
        rows += table.num_rows
        while rows >= size:
            joined = pa.concat_tables(held) if len(held) > 1 else held[0]
            yield joined.slice(0, size)
            rest = joined.slice(size)
            held, rows = ([rest] if rest.num_rows else []), rest.num_rows
    if rows:
        yield pa.concat_tables(held) if len(held) > 1 else held[0]


def extract_event_batches(article_batches: Iterable[pa.Table], settings: Any, *, run_id: str,
                          run_date: dt.date, engine: Engine | None = None) -> Iterator[ExtractResult]:
    """Events and quarantine rows of ``article_batches``, one result per ``extract.batch_size`` articles.

    Streams: results come in input order while later batches are still being read, and at most
    ``BATCHES_IN_FLIGHT_PER_WORKER`` batches per worker are held. With ``extract.workers`` > 1 and more than
    one batch of work, batches go to a pool of worker processes (``POOL_START_METHOD``); otherwise they
    run here (no pool start-up for small runs).
    """
    batches = _rebatch(article_batches, max(1, settings.extract.batch_size))
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    ahead = [first] if second is None else [first, second]
    rest = itertools.chain(ahead, batches)
    articles = events = 0
    if settings.extract.workers > 1 and second is not None and engine is None:
        results = _pooled_results(rest, settings, run_id=run_id, run_date=run_date)
    else:
        engine = engine or build_engine(settings)
        results = ((b.num_rows, _batch_result(engine, b, run_id, run_date)) for b in rest)
    for n, (size, result) in enumerate(results, 1):
        articles += size
        events += result.events.num_rows
        logger.info("extract: batch %d done, %d articles, %d events so far", n, articles, events)
        yield result


def _pooled_results(batches: Iterator[pa.Table], settings: Any, *, run_id: str,
                    run_date: dt.date) -> Iterator[tuple[int, ExtractResult]]:
    """(articles, result) of each batch, in order, from a spawned worker pool with bounded in-flight work."""
    workers = settings.extract.workers
    context = multiprocessing.get_context(POOL_START_METHOD)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(settings,)) as pool:
        in_flight: deque[tuple[int, Future]] = deque()
        for batch in batches:
            in_flight.append((batch.num_rows, pool.submit(_worker_batch, _to_ipc(batch), run_id, run_date)))
            if len(in_flight) > BATCHES_IN_FLIGHT_PER_WORKER * workers:
                size, future = in_flight.popleft()
                yield size, future.result()
        while in_flight:
            size, future = in_flight.popleft()
            yield size, future.result()


def extract_events(articles: pa.Table, settings: Any, *, run_id: str, run_date: dt.date,
                   engine: Engine | None = None) -> ExtractResult:
    """Code the events of every article; articles that cannot be processed go to quarantine."""
    results = list(extract_event_batches([articles], settings, run_id=run_id, run_date=run_date,
                                         engine=engine)) if articles.num_rows else []
    events = [r.events for r in results] or [schema.to_table([], "events")]
    quarantine = [r.quarantine for r in results] or [schema.to_table([], "quarantine")]
    return ExtractResult(pa.concat_tables(events), pa.concat_tables(quarantine))


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
