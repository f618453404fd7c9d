"""The extraction benchmark (bench/bench_extract.py) on a few articles: both workloads are measured and written.

The replicated dev articles repeat every sentence, which the engine's caches serve; the distinct-article run codes
each article of a second file once, so the README can give the rate new articles get.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import bench_extract
from tests.conftest import PROJECT_ROOT


def test_bench_measures_replicated_and_distinct_articles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (PROJECT_ROOT / "tests/gold/train_blind/articles.jsonl").read_text(encoding="utf-8").splitlines()[:12]
    distinct = tmp_path / "distinct.jsonl"
    distinct.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "extract.json"
    result = bench_extract.main(40, 2, distinct_path=distinct, out=out)
    assert result["articles"] == 40 and result["distinct_articles"] == 12
    assert result["distinct_articles_per_second"] > 0 and result["distinct_rules_only_articles_per_second"] > 0
    assert 1 <= len(result["distinct_decision_layer_cost_ratio_per_round"]) <= bench_extract.ROUNDS
    assert json.loads(out.read_text(encoding="utf-8")) == result
    assert f"distinct articles (12 of {tmp_path.name}, each once)" in capsys.readouterr().out
