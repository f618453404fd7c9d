"""bench/snapshot_events.py: the event rows of article files written one JSON line each, and two snapshots compared
(the byte-identical check of a speed change)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import snapshot_events
from tests.conftest import PROJECT_ROOT


def test_snapshot_of_the_same_articles_is_identical_and_a_changed_row_is_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (PROJECT_ROOT / "tests/gold/dev/articles.jsonl").read_text(encoding="utf-8").splitlines()[:6]
    articles = tmp_path / "a" / "articles.jsonl"
    articles.parent.mkdir()
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert snapshot_events.main([str(first), str(articles), "--rules-only"]) == 0
    assert snapshot_events.main([str(second), str(articles), "--rules-only"]) == 0
    rows = [json.loads(x) for x in first.read_text(encoding="utf-8").splitlines()]
    assert len({r["article_id"] for r in rows}) == len(lines)  # every article, with its rows or marked as having none
    events = [r for r in rows if not r.get("no_events")]
    assert events and all("confidence" in r and "event_date" in r for r in events)
    assert snapshot_events.main(["--compare", str(first), str(second)]) == 0
    assert f"identical: {len(rows)} lines" in capsys.readouterr().out

    changed = dict(events[0], confidence=events[0]["confidence"] + 1e-9)
    text = first.read_text(encoding="utf-8").replace(json.dumps(events[0], ensure_ascii=False, sort_keys=True),
                                                     json.dumps(changed, ensure_ascii=False, sort_keys=True), 1)
    second.write_text(text, encoding="utf-8")
    assert snapshot_events.main(["--compare", str(first), str(second)]) == 1
    assert "line" in capsys.readouterr().out
    second.write_text("\n".join(first.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
    assert snapshot_events.first_difference(first.read_text().splitlines(), second.read_text().splitlines()) \
        .startswith("lengths differ")
