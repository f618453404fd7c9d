"""The blind gold sets are reproducible from their build scripts, and the checks those scripts share catch bad
gold (tests/gold/blind/gold_checks.py; plain Python, no engine)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BLIND = Path(__file__).parent / "gold" / "blind"
sys.path.insert(0, str(BLIND))
import gold_checks  # noqa: E402

BUILT_SETS = sorted(p.parent.parent.name for p in BLIND.glob("*/_build/build.py")
                    if (p.parent.parent / "articles.jsonl").is_file())


@pytest.mark.parametrize("name", BUILT_SETS)
def test_a_blind_set_rebuilds_byte_identical(name: str, tmp_path: Path) -> None:
    copy = tmp_path / "gold" / "blind"
    shutil.copytree(BLIND, copy)
    for jsonl in (copy / name).glob("*.jsonl"):
        jsonl.unlink()
    done = subprocess.run([sys.executable, "build.py"], cwd=copy / name / "_build", capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for jsonl in ("articles.jsonl", "gold_events.jsonl"):
        assert (copy / name / jsonl).read_bytes() == (BLIND / name / jsonl).read_bytes(), jsonl


def _article(**changes) -> dict:
    article = {"id": "z001", "source_name": "outlet", "original_url": "https://www.Example.org/a/1/",
               "published": "2024-03-05", "published_assigned": False, "title": "title",
               "text": " ".join(["كلمة"] * 120) + ". اشتبك مسلحون مع الجيش في بلدة القرية أمس."}
    return article | changes


def _event(**changes) -> dict:
    event = {"article_id": "z001", "actor": "مسلحون", "actor_norm": "Unidentified gunmen",
             "action_type": "armed_clash", "target": "الجيش", "target_norm": "Army", "location_text": "بلدة القرية",
             "country": "SY", "admin1": "Idlib", "event_date": "2024-03-04", "date_precision": "day",
             "fatalities": 0, "evidence": "اشتبك مسلحون مع الجيش في بلدة القرية أمس."}
    return event | changes


def test_sound_gold_passes(tmp_path: Path) -> None:
    assert gold_checks.article_problems([_article()], str(tmp_path), r"z\d{3}") == []
    assert gold_checks.event_problems(_event(), _article(), {"SY"}, "z001 ev0") == []


def test_article_problems_are_caught(tmp_path: Path) -> None:
    twice = [_article(), _article(id="z002", original_url="http://example.org/a/1")]
    assert gold_checks.article_problems(twice, str(tmp_path), r"z\d{3}") == ["z002: url reused inside this set"]
    bad = _article(id="x1", published="2024-13-01", published_assigned="no", text="قصير")
    assert gold_checks.article_problems([bad], str(tmp_path), r"z\d{3}") == [
        "x1: bad id", "x1: bad published", "x1: published_assigned not bool", "x1: word count 1"]


def test_a_url_another_gold_set_uses_is_caught(tmp_path: Path) -> None:
    used = next(iter(gold_checks.urls_used_elsewhere(str(tmp_path))))
    problems = gold_checks.article_problems([_article(original_url=f"https://{used}/")], str(tmp_path), r"z\d{3}")
    assert problems == ["z001: url already used in train/dev/other gold sets"]


def test_event_problems_are_caught() -> None:
    bad = _event(actor="جنود", action_type="battle", country="XX", event_date="2024-03-06", date_precision="week",
                 fatalities=-1)
    assert gold_checks.event_problems(bad, _article(), {"SY"}, "t") == [
        "t: actor not in text: جنود", "t: bad action battle", "t: country XX", "t: event after published",
        "t: precision", "t: fatalities -1"]
    assert gold_checks.event_problems(_event(country="sy"), _article(), None, "t") == ["t: country sy"]


def test_gold_lookup_finds_used_urls_and_words(capsys) -> None:
    import gold_lookup

    url = json.loads((BLIND / "east2" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])["original_url"]
    gold_lookup.main([url.replace("https://www.", "http://").upper(), "https://example.org/never", "بنغازي"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("URL USED") and "east2:e001" in lines[0]
    assert lines[1].startswith("URL free")
    assert lines[2].startswith("WORD بنغازي") and int(lines[2].split()[-1]) > 0


def test_a_part_build_writes_sound_gold_and_refuses_bad_gold(tmp_path: Path, capsys) -> None:
    from gold_build import GoldPartBuild

    build_file = tmp_path / "part" / "_build" / "build.py"
    build_file.parent.mkdir(parents=True)
    good = _article()
    event = tuple(_event()[k] for k in gold_checks.EVENT_FIELDS[1:])
    part = GoldPartBuild(str(build_file), "z", {"SY"}, write_at_exit=False)
    part.article(*(good[k] for k in gold_checks.ARTICLE_FIELDS), [event])
    part.write()
    written = [json.loads(x) for x in (tmp_path / "part" / "gold_events.jsonl").read_text().splitlines()]
    assert [e["evidence"] for e in written] == [_event()["evidence"]]
    assert "OK: 1 articles, 1 events, 0 negatives" in capsys.readouterr().out

    bad = GoldPartBuild(str(tmp_path / "bad" / "_build" / "build.py"), "z", {"SY"}, write_at_exit=False)
    half = event[:-1] + ("اشتبك مسلحون مع الجيش",)  # not a whole sentence
    bad.article(*(good[k] for k in gold_checks.ARTICLE_FIELDS), [half, event[:5]])
    with pytest.raises(SystemExit):
        bad.write()
    out = capsys.readouterr().out
    assert "z001: event tuple has 5 fields" in out and "evidence not one full sentence" in out
    assert not (tmp_path / "bad" / "gold_events.jsonl").exists()


def test_a_part_built_from_short_pages_lowers_the_word_minimum(tmp_path: Path, capsys) -> None:
    """``words`` sets a part's article length; the shared minimum (115 words) holds unless a part lowers it."""
    from gold_build import GoldPartBuild

    short = _article(text=" ".join(["كلمة"] * 95) + ". اشتبك مسلحون مع الجيش في بلدة القرية أمس.")
    event = tuple(_event()[k] for k in gold_checks.EVENT_FIELDS[1:])
    for name, words in (("default", None), ("short", (90, 260))):
        build_file = tmp_path / name / "_build" / "build.py"
        build_file.parent.mkdir(parents=True)
        part = GoldPartBuild(str(build_file), "z", {"SY"}, write_at_exit=False,
                             **({"words": words} if words else {}))
        part.article(*(short[k] for k in gold_checks.ARTICLE_FIELDS), [event])
        if words is None:
            with pytest.raises(SystemExit):
                part.write()
            assert "z001: word count 103" in capsys.readouterr().out
        else:
            part.write()
            assert "OK: 1 articles, 1 events" in capsys.readouterr().out
