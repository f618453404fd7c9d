"""Tests of the round-16 place readings (pipeline/extract/places.py, geo.py, build_gazetteer.py): where a force
came from, the shadda of «عمّان», a division named under a town cue or in a dateline, Abyei's missing division."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.candidate import ArticleContext
from pipeline.extract.geo import Gazetteer
from pipeline.extract.places import coming_from, launch_site, plausible_place
from pipeline.extract.text import normalize_arabic

DAY = dt.date(2025, 3, 3)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _mentions(gaz: Gazetteer, text: str, hint: str | None = None) -> tuple[str, dict]:
    norm = normalize_arabic(text)
    return norm, {pm.place.name: pm for pm in gaz.find_place_mentions(norm, country_hint=hint) if pm.place}


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
