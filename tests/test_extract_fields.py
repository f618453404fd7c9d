"""Fields of matched events (issue 10, round 15): tolls read from a kill word's own form and from dual nouns, the
kill words behind «ب», a place-split copy's toll, and the first actor and target a row takes from the article."""

from __future__ import annotations

import pytest

from pipeline.extract.decision.places import copy_toll
from pipeline.extract.decision.sides import inherit_actors, inherit_targets
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.resources import Resources
from pipeline.extract.text import normalize_arabic, tokenize
from pipeline.extract.tolls import read_toll


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources(Lexicons.load(), None)


def toll(res: Resources, sentence: str) -> list[int]:
    toks = tokenize(normalize_arabic(sentence))
    return read_toll(res, toks, [(m.entry, m.first, m.last) for m in res.lex.cues.find(toks)]).fatalities


@pytest.mark.parametrize(("sentence", "dead"), [
    ("قتلت مسيّرة إسرائيلية شخصين في بلدة عيتا الجبل", [2]),  # a dual after the verb's subject
    ("أسفر الهجوم عن مقتل ضابطين وجندي من الجيش", [3]),
    ("استشهد شابان فلسطينيان وأصيب ثلاثة آخرون", [2]),
    ("انفجرت العبوة ما أدى إلى مقتله وإصابة ثلاثة عسكريين", [1]),  # the kill word's own ending
    ("أصيب بطلق في ظهره فارق الحياة على إثره", [1]),
    ("فارقا الحياة بعد نقلهما إلى المستشفى", [2]),
    ("أفاد مراسل في سوريا باستشهاد خمسة مدنيين وإصابة ثمانية آخرين", [5]),  # «ب» before the kill word
    ("تظاهر مئات الطلاب تنديداً بمقتل زملائهم", []),  # the protest's cause, not its toll
    ("قتل عشرات المدنيين في القصف", []),
])
def test_toll_forms(res, sentence, dead):
    assert toll(res, sentence) == dead


def test_a_place_split_copy_keeps_a_zero_toll_only():
    assert copy_toll({"fatalities": 0}) == 0
    assert copy_toll({"fatalities": 4}) is None and copy_toll({"fatalities": None}) is None


def row(action: str, start: int, **kw) -> dict:
    return {"action_type": action, "char_start": start, "modality": "asserted", "country_code": "SD",
            "actor1_text": None, "actor1_norm": "Unidentified", "actor1_type": "unidentified",
            "actor2_text": None, "actor2_norm": None, "actor2_type": None, **kw}


def test_unnamed_rows_take_protesters_or_the_nearest_named_actor_of_their_type():
    named = row("airstrike_shelling", 0, actor1_text="قوات الدعم السريع", actor1_norm="RSF", actor1_type="rebels")
    later = row("airstrike_shelling", 50)
    crowd = row("protest", 80)
    other = row("arrest_raid", 90)
    out = inherit_actors([named, later, crowd, other], {"SD": "Sudanese"})
    assert [r["actor1_norm"] for r in out] == ["RSF", "RSF", "Protesters (Sudanese)", "Unidentified"]
    assert later["actor1_norm"] == "Unidentified"  # inputs unchanged


def test_rows_with_no_target_take_their_types_nearest_target_else_civilians():
    clash = row("armed_clash", 0, actor1_norm="Sudanese Armed Forces", actor2_norm="RSF", actor2_text="الدعم",
                actor2_type="rebels")
    out = inherit_targets([clash, row("armed_clash", 40), row("attack", 60), row("airstrike_shelling", 70),
                           row("armed_clash", 90, actor1_norm="RSF")])
    assert [r["actor2_norm"] for r in out] == ["RSF", "RSF", "Civilians", None, None]
