"""Every event row (all fields, confidence included) the engine codes from article files, one JSON line each, so
a speed change can be checked byte for byte: write a snapshot before the change and compare after it.

Run: .venv/bin/python -m bench.snapshot_events OUT.jsonl [ARTICLES.jsonl ...] [--rules-only]
     .venv/bin/python -m bench.snapshot_events --compare A.jsonl B.jsonl
Default articles: tests/gold/train_blind and tests/gold/dev. Prints progress every 200 articles.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = (ROOT / "tests/gold/train_blind/articles.jsonl", ROOT / "tests/gold/dev/articles.jsonl")


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO strings, tuples as lists (floats keep their exact repr)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def event_lines(engine: Any, paths: Iterable[Path], *, progress: bool = True) -> Iterator[str]:
    """One JSON line per event row (keys sorted), article by article in file order; an article without events
    gives a line naming it with no row, so a lost or extra article shows too."""
    from pipeline.extract import read_articles_jsonl

    for path in paths:
        rows = read_articles_jsonl(path, run_id="snapshot", run_date=dt.date(2025, 1, 1)).to_pylist()
        t0 = time.monotonic()
        for n, r in enumerate(rows, 1):
            events = engine.extract(article_id=r["article_id"], text=r["text"], title=r["title"],
                                    published=r["published_at"].date())
            if not events:
                yield json.dumps({"article_id": r["article_id"], "no_events": True}, ensure_ascii=False)
            for e in events:
                yield json.dumps(_plain(e), ensure_ascii=False, sort_keys=True)
            if progress and n % 200 == 0:
                print(f"{path.parent.name}: {n}/{len(rows)} articles, {time.monotonic() - t0:.0f} s",
                      file=sys.stderr)


def write_snapshot(out: Path, paths: Iterable[Path], *, rules_only: bool = False) -> int:
    """Write the event lines of ``paths`` to ``out``; the number of lines."""
    from pipeline.extract import build_engine, build_rule_engine
    from pipeline.settings import Settings

    settings = Settings.load()
    engine = build_rule_engine(settings) if rules_only else build_engine(settings)
    lines = list(event_lines(engine, paths))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def first_difference(a: list[str], b: list[str]) -> str | None:
    """None when the two snapshots are equal, else where they first differ."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"line {i + 1} differs:\n- {x}\n+ {y}"
    if len(a) != len(b):
        return f"lengths differ: {len(a)} vs {len(b)} lines"
    return None


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"] and len(argv) == 3:
        a, b = (Path(p).read_text(encoding="utf-8").splitlines() for p in argv[1:])
        diff = first_difference(a, b)
        print(diff or f"identical: {len(a)} lines")
        return 1 if diff else 0
    rules_only = "--rules-only" in argv
    args = [a for a in argv if a != "--rules-only"]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    paths = [Path(p) for p in args[1:]] or list(DEFAULT_ARTICLES)
    n = write_snapshot(Path(args[0]), paths, rules_only=rules_only)
    print(f"{n} lines -> {args[0]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
