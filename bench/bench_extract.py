"""Extraction speed: 1000 typical articles (the dev articles replicated), one core, with and without the
learned decision layer (the rules alone are the in-run baseline for its cost; the two take turns in
``ROUNDS`` slices so the load of a shared machine falls on both alike).

Also measures, in the same run, a baseline of the same engine that additionally calls
dateparser.search_dates(languages=['ar']) on every sentence of each distinct dev article once (no sentence
repeated, so nothing is served from a cache), and prints both rates, dateparser's own cost per sentence and
the ratio. Writes bench/results/extract.json. With dateparser 1.5 search_dates costs ~1-1.5 ms per Arabic
sentence on this machine, so the ratio is the honest figure, ~3x, not the 50x a 10 ms/sentence cost gives.
The replicated dev articles repeat every sentence ~30 times, which the engine's per-token and per-word caches
serve; so the run also codes the blind training articles (``tests/gold/train_blind``, about 1,500 real-structure
articles the process has not read) once each, with and without the model, taking turns likewise: the rate a
nightly run of new articles can expect.
Run: .venv/bin/python bench/bench_extract.py [N_ARTICLES] [N_BASELINE]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import build_engine, build_rule_engine, read_articles_jsonl  # noqa: E402
from pipeline.extract.engine import Engine  # noqa: E402
from pipeline.extract.text import split_sentences  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

ROUNDS = 5  # the model and the rules alone take turns on the articles in this many slices


class DateparserEverySentence(Engine):
    """The same engine, plus dateparser.search_dates(languages=['ar']) on every sentence of every article.

    Called from ``extract`` on all sentences (boilerplate and off-domain articles included), before the
    engine's own early exits, so no sentence is skipped; nothing is cached between calls.
    """

    def extract(self, *, article_id, text, title, published, source_country=None):
        from dateparser.search import search_dates

        base = dt.datetime.combine(published, dt.time(12))
        for s, e in split_sentences(text):
            search_dates(text[s:e], languages=["ar"], settings={"RELATIVE_BASE": base})
        return super().extract(article_id=article_id, text=text, title=title, published=published,
                               source_country=source_country)


def _cpu_seconds(engine: Any, rows: list[dict]) -> tuple[float, int]:
    """CPU seconds of this process to code ``rows`` (one core; other load on a shared machine does not count,
    though it still slows the caches) and the number of events."""
    t0 = time.process_time()
    n_events = 0
    for r in rows:
        n_events += len(engine.extract(article_id=r["article_id"], text=r["text"], title=r["title"],
                                       published=r["published_at"].date()))
    return time.process_time() - t0, n_events


def _rate(engine: Any, rows: list[dict]) -> tuple[float, int]:
    """Articles per CPU second."""
    seconds, n_events = _cpu_seconds(engine, rows)
    return len(rows) / seconds, n_events


def _interleaved(engine: Any, rules: Any, rows: list[dict], rounds: int = ROUNDS) -> dict[str, Any]:
    """Rates of ``engine`` and ``rules`` on ``rows`` measured in alternating rounds (each round codes a
    slice with one, then with the other), so a change of the machine's load falls on both alike; the
    cost ratio of each round shows how steady the measurement was."""
    size = -(-len(rows) // rounds)
    seconds = {"engine": 0.0, "rules": 0.0}
    events = {"engine": 0, "rules": 0}
    ratios = []
    for k in range(0, len(rows), size):
        part = rows[k:k + size]
        per_round = {}
        for name, e in (("engine", engine), ("rules", rules)):
            per_round[name], n = _cpu_seconds(e, part)
            seconds[name] += per_round[name]
            events[name] += n
        ratios.append(round(per_round["engine"] / per_round["rules"], 2))
    return {"rate": len(rows) / seconds["engine"], "events": events["engine"],
            "rules_rate": len(rows) / seconds["rules"], "rules_events": events["rules"], "ratios": ratios}


DISTINCT = ROOT / "tests" / "gold" / "train_blind" / "articles.jsonl"
RESULT = ROOT / "bench" / "results" / "extract.json"


def main(n: int = 1000, n_baseline: int = 0, *, distinct_path: Path = DISTINCT, out: Path = RESULT) -> dict:
    settings = Settings.load()
    base = read_articles_jsonl(ROOT / "tests/gold/dev/articles.jsonl", run_id="bench",
                               run_date=dt.date(2025, 1, 1)).to_pylist()
    rows = [base[i % len(base)] for i in range(n)]
    n_baseline = n_baseline or len(base)  # each distinct article once: no repeated sentence for any cache
    engine = build_engine(settings)
    rules = build_rule_engine(settings)
    for e in (engine, rules):  # one pass over the distinct articles first: lazy imports (dateparser), regex
        for r in base:  # compilation and caches are paid before the clock starts, by both alike
            e.extract(article_id="warm", text=r["text"], title=r["title"], published=r["published_at"].date())
    run = _interleaved(engine, rules, rows)
    distinct = read_articles_jsonl(distinct_path, run_id="bench", run_date=dt.date(2025, 1, 1)).to_pylist()
    unseen = _interleaved(engine, rules, distinct)
    rate, n_events, rules_rate, rules_events = run["rate"], run["events"], run["rules_rate"], run["rules_events"]
    slow = DateparserEverySentence(rules.lex, rules.gaz, use_dateparser_fallback=True)
    slow.extract(article_id="warm", text="وقع هجوم في بغداد يوم 3 آذار. قتل شخصان.", title=None,
                 published=dt.date(2025, 1, 1))
    sentences = sum(len(split_sentences(r["text"])) for r in base[:n_baseline])
    slow_rate, _ = _rate(slow, base[:n_baseline])
    result = {"articles": n, "articles_per_second": round(rate, 1), "events": n_events,
              "rules_only_articles_per_second": round(rules_rate, 1), "rules_only_events": rules_events,
              "decision_layer_cost_ratio": round(rules_rate / rate, 2),
              "decision_layer_cost_ratio_per_round": run["ratios"],
              "baseline_articles": n_baseline, "baseline_dateparser_every_sentence_articles_per_second":
              round(slow_rate, 1), "baseline_sentences": sentences,
              "dateparser_ms_per_sentence": round(1000 * (1 / slow_rate - 1 / rate) * n_baseline / sentences, 2),
              "speedup": round(rate / slow_rate, 1),
              "distinct_articles": len(distinct), "distinct_articles_per_second": round(unseen["rate"], 1),
              "distinct_rules_only_articles_per_second": round(unseen["rules_rate"], 1),
              "distinct_decision_layer_cost_ratio_per_round": unseen["ratios"]}
    print(f"engine (rules + decision model): {rate:.1f} articles/s ({n} articles, {n_events} events)")
    print(f"rules only: {rules_rate:.1f} articles/s ({rules_events} events): the model costs "
          f"{rules_rate / rate:.2f}x (per round, interleaved: {run['ratios']})")
    print(f"distinct articles ({len(distinct)} of {distinct_path.parent.name}, each once): "
          f"{unseen['rate']:.1f} articles/s, rules only {unseen['rules_rate']:.1f} (per round: {unseen['ratios']})")
    print(f"baseline (dateparser.search_dates on every sentence): {slow_rate:.1f} articles/s "
          f"({n_baseline} articles, {sentences} sentences, "
          f"{result['dateparser_ms_per_sentence']} ms of dateparser per sentence)")
    print(f"ratio: {rate / slow_rate:.1f}x")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
