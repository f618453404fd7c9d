"""Quality gate: scores may not fall below the floors pinned in tests/gold/eval_baseline.json: the frozen
real-structure test split (tests/gold/test, never tuned on), the dev set and the self-written fresh sets.

Run: .venv/bin/python tests/eval_gate.py   (exit 1 when a figure is below its floor). Also run by
tests/test_extract_eval_gate.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract.commands import evaluate_files  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

BASELINE = ROOT / "tests" / "gold" / "eval_baseline.json"


def check() -> list[str]:
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    failures = _check_set("dev", floors)
    for name in ("test", "fresh", "fresh2", "fresh3", "fresh4"):  # tests/gold/<name>/README.md
        if name in floors:
            failures += _check_set(name, floors[name])
    return failures


def _check_set(name: str, floors: dict) -> list[str]:
    r = evaluate_files(str(ROOT / f"tests/gold/{name}/articles.jsonl"),
                       str(ROOT / f"tests/gold/{name}/gold_events.jsonl"), Settings.load())
    o = r["overall"]
    failures = []
    for key in ("precision", "recall", "f1"):
        if o[key] < floors[key]:
            failures.append(f"{name}: {key} {o[key]:.3f} < floor {floors[key]:.3f}")
    for key, floor in floors["accuracy"].items():
        if (o["accuracy"][key] or 0.0) < floor:
            failures.append(f"{name}: {key} accuracy {o['accuracy'][key]} < floor {floor:.3f}")
    if r["events_from_negative_articles"] > floors["max_events_from_negatives"]:
        failures.append(f"{name}: {r['events_from_negative_articles']} events from negative articles")
    return failures

if __name__ == "__main__":
    problems = check()
    print("\n".join(problems) or "eval gate: ok")
    sys.exit(1 if problems else 0)
