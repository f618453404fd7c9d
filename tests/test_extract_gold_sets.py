"""The synthetic gold sets: their builders agree with the schema and with the committed JSONL files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from pipeline import schema

GOLD = Path(__file__).resolve().parent / "gold"
SETS = ("fresh", "fresh2", "fresh3", "fresh4")


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _builder(name: str):
    return _module(f"gold_build_{name}", GOLD / name / "_build" / "build.py").GOLD


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_builder_action_types_are_the_schemas() -> None:
    assert _module("goldset_check", GOLD / "goldset.py").ACTIONS == schema.ACTION_TYPES


@pytest.mark.parametrize("name", SETS)
def test_committed_gold_set_is_what_its_builder_makes(name: str) -> None:
    problems, articles, gold = _builder(name).problems_and_rows()
    assert problems == []
    assert articles == _jsonl(GOLD / name / "articles.jsonl")
    assert gold == _jsonl(GOLD / name / "gold_events.jsonl")
