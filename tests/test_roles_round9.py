"""Who did what to whom (pipeline/extract/roles.py, actors.py, data/lexicons/actors.tsv): round-9 rules read from
the errors of the train_blind tune part, each checked on a sentence of its own."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.roles import NO_TARGET


def _event(engine, text: str, action: str) -> dict:
    rows = engine.extract(article_id="t", text=text, title=None, published=dt.date(2025, 6, 10))
    found = [r for r in rows if r["modality"] == "asserted" and r["action_type"] == action]
    assert found, f"no {action} in {[(r['action_type'], r['modality']) for r in rows]}"
    return found[0]


def test_a_bomb_is_not_coded_to_the_force_it_hit(engine):
    e = _event(engine, "انفجرت عبوة ناسفة استهدفت عناصر من الجيش في منطقة الزاب الأسفل قرب قضاء الحويجة، ما أسفر "
                       "عن مقتل ثلاثة جنود.", "explosion_ied")
    assert (e["actor1_norm"], e["actor1_type"]) == ("Unidentified", "unidentified")
    assert (e["actor2_text"], e["actor2_norm"]) == ("الجيش", "Iraqi Army")


def test_a_peaceful_protest_has_no_target(engine):
    e = _event(engine, "بغداد – تظاهر مئات المحتجين، اليوم الثلاثاء، أمام مقر الحكومة في ساحة التحرير، وسط انتشار "
                       "كثيف لقوات الأمن.", "protest")
    assert e["actor1_norm"] == "Protesters (Iraqi)"
    assert e["actor2_norm"] is None and e["actor2_text"] is None
    assert {"protest", "deployment_withdrawal", "statement", "agreement"} == NO_TARGET


def test_the_first_side_of_a_clash_is_actor1_even_when_it_lost_men(engine):
    e = _event(engine, "قُتل ستة عناصر من قوات سوريا الديمقراطية في اشتباكات مع فصائل الجيش الوطني السوري، مساء "
                       "أمس، في ريف منبج.", "armed_clash")
    assert (e["actor1_norm"], e["actor2_norm"]) == ("SDF", "Syrian National Army")


@pytest.mark.parametrize(("text", "actor1", "target"), [
    ("نجامينا – اشتبك الجيش، اليوم الأحد، مع مسلحي جماعة بوكو حرام في جزيرة تشوكو تيليا بإقليم البحيرة غربي تشاد.",
     "Chadian Army", "Boko Haram"),
    ("مقديشو – استعاد الجيش، أمس الجمعة، قرية شامغري في إقليم شبيلي السفلى بعد مواجهات عنيفة مع مسلحي حركة "
     "الشباب.", "Somali National Army", "Al-Shabaab"),
])
def test_the_army_as_the_gold_names_it(engine, text, actor1, target):
    e = _event(engine, text, "armed_clash")
    assert (e["actor1_norm"], e["actor2_norm"]) == (actor1, target)


def test_an_informants_force_is_a_source_not_the_attacker(engine):
    e = _event(engine, "وقال ضابط في الشرطة إن مسلحين هاجموا نقطة تفتيش في ناحية اليوسفية جنوبي بغداد، اليوم "
                       "الأحد.", "attack")
    assert e["actor1_norm"] == "Unidentified gunmen"


def test_a_foreign_ministry_is_labelled_by_its_state(engine):
    e = _event(engine, "أنقرة – استدعت وزارة الخارجية التركية، اليوم الثلاثاء، السفير الإسرائيلي لديها وقدمت له "
                       "احتجاجاً.", "statement")
    assert e["actor1_norm"] == "Turkish Foreign Ministry"
