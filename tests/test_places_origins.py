"""Tests of the place rules (pipeline/extract/places.py, geo.py, decision/places.py) and curated gazetteer rows:
launch sites, neighbours across a border, the Islamic Maghreb of a group's name, the dateline against a foreign
capital, reading order of a sentence's listed places (round 9); where a force came from, the shadda of «عمّان», a
division named under a town cue or in a dateline, Abyei's missing division (round 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.candidate import ArticleContext
from pipeline.extract.decision.places import reading_order
from pipeline.extract.geo import Gazetteer
from pipeline.extract.places import (
    across_border,
    coming_from,
    foreign_origin,
    in_group_name,
    launch_site,
    plausible_place,
)
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


def _places(gaz: Gazetteer, text: str, hint: str | None = None) -> list[tuple[str, str | None, str]]:
    return [(pm.place.country_code, pm.place.admin1, pm.place.geo_precision)
            for pm in gaz.find_place_mentions(text, country_hint=hint) if pm.place]


def test_where_a_force_came_from_is_not_where_it_fought(gaz: Gazetteer) -> None:
    norm, found = _mentions(gaz, "اشتبكت قوة عسكرية قادمة من أوباري مع المسلحين في مدينة غات", "LY")
    assert coming_from(found["Ubari"], norm) and not coming_from(found["Ghat"], norm)
    assert not launch_site(found["Ubari"], norm)
    norm, found = _mentions(gaz, "انسحب المسلحون من أوباري", "LY")
    assert not coming_from(found["Ubari"], norm)  # «من» without a word of coming


def test_the_place_a_force_came_from_gives_way_to_the_sentence_s_other_place(engine) -> None:
    text = ("طرابلس – اشتبكت قوة عسكرية قادمة من أوباري، فجر اليوم الأحد، مع مسلحين في مدينة غات، ما أسفر عن "
            "مقتل ثلاثة منهم.")
    rows = engine.process(article_id="t", text=text, title=None, published=DAY).rows
    assert rows and all((r["country_code"], r["admin1"]) == ("LY", "Ghat") for r in rows)


def test_a_shadda_spells_amman_not_oman(gaz: Gazetteer) -> None:
    assert _places(gaz, "اعتصام في وسط عمّان") == [("JO", "Amman", "town")]
    assert _places(gaz, "زار الوزير عُمان") == [("OM", None, "country")]
    assert _places(gaz, "زار الوزير عمان") == [("OM", None, "country")]  # unmarked: the hint and the text decide


def test_a_division_named_under_a_town_cue_stands_for_its_seat(gaz: Gazetteer) -> None:
    text = "هاجموا نقطة مراقبة قرب مدينة البيضاء"
    assert _places(gaz, text, "YE") == [("YE", "Al Bayda", "region")]  # cities500 has no Yemeni town of that name
    assert _places(gaz, text, "LY")[0][:2] == ("LY", "Al Jabal al Akhdar")
    assert _places(gaz, "اشتباكات في حي البيضاء", "YE") == []  # a quarter named after a division is neither


def test_a_dateline_naming_a_division(gaz: Gazetteer) -> None:
    assert _places(gaz, "بابل – انفجرت سيارة مفخخة صباح اليوم", "IQ") == [("IQ", "Babil", "region")]
    assert _places(gaz, "بابل – انفجرت سيارة مفخخة صباح اليوم", "IR")[0][:2] == ("IR", "Mazandaran")


def test_abyei_lies_in_no_division(gaz: Gazetteer) -> None:
    place = gaz.geocode_place("منطقة أبيي", country_hint="SD")
    assert place is not None and (place.country_code, place.admin1) == ("SD", None)


def test_plausible_place_reads_the_mention_s_sentence(gaz: Gazetteer) -> None:
    norm, found = _mentions(gaz, "استهدف حزب الله موقع حانيتا", "LB")
    ctx = ArticleContext("t", DAY, "LB")
    assert plausible_place(found["Hanita"], ctx, norm)  # a small foreign place after a site word
    other, found_bare = _mentions(gaz, "قصفت المدفعية حانيتا", "LB")
    assert not plausible_place(found_bare["Hanita"], ctx, other)
    with pytest.raises(TypeError):
        plausible_place(found["Hanita"], ctx)  # type: ignore[call-arg]
