"""Extraction speed: 1000 typical articles (the dev articles replicated), one core.

Also measures, in the same run, a baseline of the same engine that additionally calls
dateparser.search_dates(languages=['ar']) on every sentence (on a smaller sample: it is slow), and prints
both rates and the ratio. Writes bench/results/extract.json.
Run: .venv/bin/python bench/bench_extract.py [N_ARTICLES] [N_BASELINE]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import build_engine, read_articles_jsonl  # noqa: E402
from pipeline.extract.engine import Engine  # noqa: E402
from pipeline.settings import Settings  # noqa: E402


class DateparserEverySentence(Engine):
    """The same engine, plus dateparser.search_dates on every sentence (the slow design we avoid)."""

    def _sentence(self, ctx, idx, text, s, e, norm, offs, toks, events, last_group):
        from dateparser.search import search_dates

        search_dates(text[s:e], languages=["ar"],
                     settings={"RELATIVE_BASE": dt.datetime.combine(ctx.published, dt.time(12))})
        return super()._sentence(ctx, idx, text, s, e, norm, offs, toks, events, last_group)


def _rate(engine: Engine, rows: list[dict]) -> tuple[float, int]:
    t0 = time.perf_counter()
    n_events = 0
    for r in rows:
        n_events += len(engine.extract(article_id=r["article_id"], text=r["text"], title=r["title"],
                                       published=r["published_at"].date()))
    return len(rows) / (time.perf_counter() - t0), n_events


def main(n: int = 1000, n_baseline: int = 68) -> dict:
    settings = Settings.load()
    base = read_articles_jsonl(ROOT / "tests/gold/dev/articles.jsonl", run_id="bench",
                               run_date=dt.date(2025, 1, 1)).to_pylist()
    rows = [base[i % len(base)] for i in range(n)]
    engine = build_engine(settings)
    engine.extract(article_id="warm", text=base[0]["text"], title=None, published=dt.date(2025, 1, 1))
    rate, n_events = _rate(engine, rows)
    slow = DateparserEverySentence(engine.lex, engine.gaz, use_dateparser_fallback=True)
    slow.extract(article_id="warm", text=base[0]["text"], title=None, published=dt.date(2025, 1, 1))
    slow_rate, _ = _rate(slow, rows[:n_baseline])
    result = {"articles": n, "articles_per_second": round(rate, 1), "events": n_events,
              "baseline_articles": n_baseline, "baseline_dateparser_every_sentence_articles_per_second":
              round(slow_rate, 1), "speedup": round(rate / slow_rate, 1)}
    print(f"engine: {rate:.1f} articles/s ({n} articles, {n_events} events)")
    print(f"baseline (dateparser.search_dates on every sentence): {slow_rate:.1f} articles/s ({n_baseline} articles)")
    print(f"ratio: {rate / slow_rate:.1f}x")
    out = ROOT / "bench" / "results" / "extract.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
