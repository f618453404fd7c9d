"""Tests of the round-9 place rules (pipeline/extract/places.py, decision/places.py) and curated gazetteer rows:
launch sites, neighbours across a border, the Islamic Maghreb of a group's name, the dateline against a foreign
capital, reading order of a sentence's listed places."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.decision.places import reading_order
from pipeline.extract.geo import Gazetteer
from pipeline.extract.places import across_border, foreign_origin, in_group_name, launch_site
from pipeline.extract.text import normalize_arabic

DAY = dt.date(2025, 3, 3)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _mentions(gaz: Gazetteer, text: str, hint: str | None = None) -> tuple[str, dict]:
    norm = normalize_arabic(text)
    return norm, {pm.place.name: pm for pm in gaz.find_place_mentions(norm, country_hint=hint) if pm.place}


def test_where_a_rocket_was_fired_from_is_a_launch_site(gaz: Gazetteer) -> None:
    norm, found = _mentions(gaz, "سقط صاروخ أُطلق من قطاع غزة في أحد شوارع مدينة سديروت جنوبي إسرائيل", "IL")
    assert launch_site(found["Gaza Strip"], norm) and not launch_site(found["Sderot"], norm)
    norm, found = _mentions(gaz, "رصد إطلاق صاروخين من جنوب لبنان نحو كريات شمونة")
    assert launch_site(found["South Lebanon"], norm) and not launch_site(found["Qiryat Shmona"], norm)
    norm, found = _mentions(gaz, "انسحبت القوات من قطاع غزة")
    assert not launch_site(found["Gaza Strip"], norm)  # «من» without a word of firing


def test_the_launch_site_gives_way_to_where_the_rocket_fell(engine) -> None:
    text = "سديروت – سقط صاروخ أُطلق من قطاع غزة في أحد شوارع مدينة سديروت جنوبي إسرائيل، صباح اليوم الأربعاء."
    rows = engine.process(article_id="t", text=text, title=None, published=DAY).rows
    assert rows and all((r["country_code"], r["admin1"]) == ("IL", "Southern District") for r in rows)


def test_a_country_across_the_border_is_the_neighbour(gaz: Gazetteer) -> None:
    norm, found = _mentions(gaz, "نصبوا كميناً لقافلة قرب الحدود مع النيجر", "ML")
    assert across_border(found["Niger"], norm) and foreign_origin(found["Niger"], norm, "ML")
    norm, found = _mentions(gaz, "نصبوا كميناً لقافلة في النيجر", "ML")
    assert not across_border(found["Niger"], norm) and not foreign_origin(found["Niger"], norm, "ML")


def test_the_islamic_maghreb_of_a_group_name_is_not_morocco(gaz: Gazetteer) -> None:
    norm, found = _mentions(gaz, "خطف عناصر من تنظيم القاعدة في بلاد المغرب الإسلامي ضابطاً في منطقة تمبكتو")
    assert in_group_name(found["Morocco"], norm)
    norm, found = _mentions(gaz, "تظاهر المئات في المغرب")
    assert not in_group_name(found["Morocco"], norm)


def test_a_foreign_capital_named_in_the_sentence_beats_the_dateline(engine) -> None:
    text = ("أديس أبابا – استهدف تفجير، مساء أمس السبت، مطعماً يرتاده غربيون في العاصمة جيبوتي، ما أسفر عن مقتل "
            "اثنين من العاملين فيه وإصابة عدد من الأجانب.")
    rows = engine.process(article_id="t", text=text, title=None, published=DAY).rows
    assert rows and {(r["country_code"], r["admin1"]) for r in rows} == {("DJ", "Djibouti")}


def test_rows_of_listed_places_come_in_reading_order() -> None:
    text = "وخرجت التظاهرات في مدينة السليمانية وحلبجة ورانية وكفري وكلار."
    rows = [{"char_start": 0, "action_type": "protest", "location_text": t}
            for t in ("كلار", "حلبجة", "مدينة السليمانية", "كفري", "رانية")]
    rows.append({"char_start": 0, "action_type": "protest", "location_text": None})
    ordered = [r["location_text"] for r in sorted(rows, key=lambda r: reading_order(r, text))]
    assert ordered == ["مدينة السليمانية", "حلبجة", "رانية", "كفري", "كلار", None]


def test_a_tribe_named_like_a_place_is_not_where_it_fought(engine) -> None:
    text = ("الحزم – هاجم مسلحو جماعة الحوثي، اليوم الأحد، نقطة أمنية. وعقب الهجوم اندلعت اشتباكات مسلحة بين "
            "مسلحي الجماعة ومجاميع قبائل همدان.")
    rows = engine.process(article_id="t", text=text, title=None, published=DAY).rows
    assert rows and all(r["country_code"] == "YE" for r in rows)  # «قبائل همدان» is no Iranian Hamadan
    text = "صنعاء – قال مسؤول يمني إن مسلحين من قبائل محافظة مأرب خطفوا ثلاثة مهندسين أجانب اليوم الجمعة."
    rows = engine.process(article_id="t", text=text, title=None, published=DAY).rows
    assert rows and {r["admin1"] for r in rows} == {"Marib"}  # with a division word, still a place
