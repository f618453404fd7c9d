"""Refactoring guard: the engine's rows on the dev articles equal the committed golden rows, field by field.

A change that is meant to alter the engine's output (new rules, a tuned lexicon, a learned ``decide``
component) regenerates the golden file on purpose and commits the diff with its reason:

    .venv/bin/python tests/test_extract_golden_rows.py --update

``extractor_version`` is checked against the code's, not the golden file's: it is the digest of the rule code
and tables (``extract.version``), which every change of that code renames, a refactoring too.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV_ARTICLES = ROOT / "tests" / "gold" / "dev" / "articles.jsonl"
GOLDEN_ROWS = ROOT / "tests" / "gold" / "dev" / "engine_rows.jsonl"


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def engine_rows(engine: Any) -> list[dict[str, Any]]:
    """The engine's rows for every dev article, in article order, as JSON-ready dicts."""
    from pipeline.extract import read_articles_jsonl

    articles = read_articles_jsonl(DEV_ARTICLES, run_id="golden", run_date=dt.date(2025, 1, 1)).to_pylist()
    rows = []
    for a in articles:
        for r in engine.extract(article_id=a["article_id"], text=a["text"], title=a["title"],
                                published=a["published_at"].date(), source_country=a["country_code"]):
            rows.append({k: _json_value(v) for k, v in r.items()})
    return rows


def test_engine_rows_equal_the_golden_rows(engine):
    from pipeline.extract import EXTRACTOR_VERSION

    golden = [json.loads(line) for line in GOLDEN_ROWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = engine_rows(engine)
    assert len(rows) == len(golden), f"{len(rows)} rows, golden {len(golden)}"
    for n, (row, want) in enumerate(zip(rows, golden, strict=True)):
        # the version names the rule code itself (a digest: any change of the code renames it), so it is checked
        # against the code's, not the golden file's
        assert row["extractor_version"] == EXTRACTOR_VERSION
        diff = {k: (row.get(k), want.get(k)) for k in sorted((set(row) | set(want)) - {"extractor_version"})
                if row.get(k) != want.get(k)}
        assert not diff, f"row {n} ({want.get('article_id')}, {want.get('action_type')}) differs: {diff}"


def _update() -> None:
    sys.path.insert(0, str(ROOT))
    from pipeline.extract import build_rule_engine
    from pipeline.settings import Settings

    rows = engine_rows(build_rule_engine(Settings.load()))
    GOLDEN_ROWS.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows),
                           encoding="utf-8")
    print(f"{len(rows)} rows -> {GOLDEN_ROWS}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_extract_golden_rows.py --update")
    _update()
