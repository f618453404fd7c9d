"""`conflict-events extract` and `conflict-events eval`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

# Longer articles are quarantined (article_too_large) instead of coded: one 20 MB article without
# punctuation took 4 min 31 s and 3.2 GB (issue 12 item 7). The longest real news article is far shorter.
MAX_ARTICLE_CHARS = 200_000


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("extract", help="code events from a JSONL corpus of Arabic articles")
    p.add_argument("--input", required=True, help="JSONL: id, url, published, title, text")
    p.add_argument("--output", required=True, help="events Parquet file to write")
    p.add_argument("--quarantine", help="optional Parquet file for refused articles")
    p.add_argument("--workers", type=int, help="process pool size (default: settings extract.workers)")
    p.add_argument("--max-article-chars", type=int, default=MAX_ARTICLE_CHARS,
                   help=f"quarantine longer articles as article_too_large (default {MAX_ARTICLE_CHARS:,})")
    p.set_defaults(handler=run_extract, settings_overrides=_overrides)
    e = subparsers.add_parser("eval", help="score the engine against gold events (P/R/F1, field accuracy)")
    e.add_argument("--articles", required=True, help="articles JSONL")
    e.add_argument("--gold", required=True, help="gold events JSONL")
    e.add_argument("--json", help="also write the full result as JSON here")
    e.add_argument("--rules-only", action="store_true", help="score the rules without the decision model")
    e.set_defaults(handler=run_eval,
                   settings_overrides=lambda a: {"extract": {"decision_model": ""}} if a.rules_only else {})
    from pipeline.extract.decision.commands import register_train

    register_train(subparsers)


def _overrides(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    return {"extract": {"workers": args.workers}} if getattr(args, "workers", None) else {}


def _run_ids() -> tuple[str, dt.date]:
    today = dt.date.today()
    return f"cli-extract-{today.isoformat()}", today


def run_extract(args: argparse.Namespace, settings: Any) -> int:
    from pipeline.extract import extract_events, read_articles_jsonl

    run_id, run_date = _run_ids()
    articles = read_articles_jsonl(args.input, run_id=run_id, run_date=run_date)
    logger.info("extract: %d articles from %s", articles.num_rows, args.input)
    unique, repeated = split_repeated_ids(articles, run_id=run_id, run_date=run_date)
    kept, too_large = split_oversized(unique, args.max_article_chars, run_id=run_id, run_date=run_date)
    result = extract_events(kept, settings, run_id=run_id, run_date=run_date)
    quarantine = pa.concat_tables([repeated, too_large, result.quarantine])
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.events, args.output)
    if args.quarantine:
        pq.write_table(quarantine, args.quarantine)
    print(f"{result.events.num_rows} events from {articles.num_rows} articles -> {args.output} "
          f"({quarantine.num_rows} quarantined)", file=sys.stderr)
    return 0


def split_repeated_ids(articles: pa.Table, *, run_id: str, run_date: dt.date) -> tuple[pa.Table, pa.Table]:
    """(the first article of each id, quarantine rows ``duplicate_article_id`` for the later ones): two
    articles with one id would give events with the same event_ids."""
    from pipeline import schema
    from pipeline.extract import _quarantine_row

    seen: set[str] = set()
    first = []
    for article_id in articles.column("article_id").to_pylist():
        first.append(article_id not in seen)
        seen.add(article_id)
    mask = pa.array(first, pa.bool_())
    later = articles.filter(pc.invert(mask)).select(["article_id", "url", "title", "source_id"]).to_pylist()
    rows = [_quarantine_row(a, "duplicate_article_id", run_id=run_id, run_date=run_date) for a in later]
    for row in rows:
        logger.warning("extract: article id %s appears again: later copy quarantined", row["record_id"])
    return articles.filter(mask), schema.to_table(rows, "quarantine")


def split_oversized(articles: pa.Table, max_chars: int, *, run_id: str, run_date: dt.date) -> tuple[pa.Table, pa.Table]:
    """(articles of at most ``max_chars`` characters, quarantine rows ``article_too_large`` for the rest)."""
    from pipeline import schema
    from pipeline.extract import _quarantine_row

    too_long = pc.fill_null(pc.greater(pc.utf8_length(articles.column("text")), max_chars), False)
    rows = [_quarantine_row(a, "article_too_large", run_id=run_id, run_date=run_date)
            for a in articles.filter(too_long).select(["article_id", "url", "title", "source_id"]).to_pylist()]
    for row in rows:
        logger.warning("extract: %s is over %d characters: quarantined as article_too_large", row["record_id"],
                       max_chars)
    return articles.filter(pc.invert(too_long)), schema.to_table(rows, "quarantine")


def evaluate_files(articles_path: str, gold_path: str, settings: Any) -> dict[str, Any]:
    from pipeline.extract import extract_events, read_articles_jsonl
    from pipeline.extract.decision.calibration import ece_if_calibrated, reliability
    from pipeline.extract.evaluate import read_gold, score

    run_id, run_date = _run_ids()
    articles = read_articles_jsonl(articles_path, run_id=run_id, run_date=run_date)
    result = extract_events(articles, settings, run_id=run_id, run_date=run_date)
    texts = dict(zip(articles.column("article_id").to_pylist(), articles.column("text").to_pylist(), strict=True))
    pred, gold = result.events.to_pylist(), read_gold(gold_path)
    scored = score(pred, gold, texts)
    table, ece = reliability(pred, gold, texts)
    asserted = [float(p["confidence"]) for p in pred if p.get("modality", "asserted") == "asserted"]
    scored["reliability"] = {"bins": [b.__dict__ for b in table], "ece": ece,
                             "ece_if_calibrated": ece_if_calibrated(asserted)}
    return scored


def run_eval(args: argparse.Namespace, settings: Any) -> int:
    from pipeline.extract.decision.calibration import Bin, format_reliability
    from pipeline.extract.evaluate import format_report

    result = evaluate_files(args.articles, args.gold, settings)
    print(format_report(result))
    rel = result["reliability"]
    print("\nreliability of confidence (asserted events):")
    print(format_reliability([Bin(**b) for b in rel["bins"]], rel["ece"], rel.get("ece_if_calibrated")))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0
