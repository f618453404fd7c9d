"""Tests of the event-place rules (pipeline/extract/places.py): which mention is the event's place and which
country the article is about, on short articles through the rule engine."""

from __future__ import annotations

import datetime as dt

from pipeline.extract.geo import Gazetteer
from pipeline.extract.places import foreign_origin, solidarity_topic
from pipeline.extract.text import normalize_arabic

DAY = dt.date(2025, 3, 3)


def _events(engine, text: str, title: str | None = None) -> list[tuple[str, str | None, str | None]]:
    doc = engine.process(article_id="t", text=text, title=title, published=DAY)
    return [(r["action_type"], r["country_code"], r["admin1"]) for r in doc.rows]


def _country(engine, text: str) -> str | None:
    return engine.process(article_id="t", text=text, title=None, published=DAY).context.country


def test_a_protest_takes_its_city_not_the_place_it_supports(engine) -> None:
    text = ("نواكشوط – خرجت اليوم احتجاجات عدة في وسط العاصمة الموريتانية نواكشوط تضامناً مع القدس، ورفضاً للقرار "
            "الأميركي. وأكد المحتجون أن القدس «ستبقى عاصمة لفلسطين»، وأن القضية الفلسطينية قضية الأمة.")
    assert _country(engine, text) == "MR"
    assert ("protest", "MR", "Nouakchott Ouest") in _events(engine, text)


def test_solidarity_topic_is_a_foreign_cause_not_a_place() -> None:
    gaz = Gazetteer.load()
    norm = normalize_arabic("اعتصام في العاصمة عمان تضامنا مع قطاع غزة ونصرة للقدس")
    mentions = {pm.place.name: pm for pm in gaz.find_place_mentions(norm, country_hint="JO") if pm.place}
    assert solidarity_topic(mentions["Gaza Strip"], norm) and solidarity_topic(mentions["Jerusalem"], norm)
    assert not solidarity_topic(mentions["Amman"], norm)
    assert foreign_origin(mentions["Gaza Strip"], norm, "JO")
    assert not foreign_origin(mentions["Gaza Strip"], norm, "PS")  # a home place stays a place


def test_the_dateline_outvotes_a_foreign_topic(engine) -> None:
    text = "عمّان – تظاهر المئات أمس أمام السفارة احتجاجاً على الحرب في قطاع غزة ومدينة رفح."
    assert _country(engine, text) == "JO"  # where the report was filed (3 votes) beats two places of its topic


def test_a_country_after_the_trigger_yields_to_a_city_of_it(engine) -> None:
    text = ("صنعاء – تتواصل في العاصمة صنعاء، لليوم الثاني على التوالي، لقاءات المبعوث الأممي إلى اليمن مع "
            "ممثلي الأطراف لبحث إحياء مسار المفاوضات.")
    events = _events(engine, text)
    assert events and all((cc, adm) == ("YE", "Amanat Al Asimah") for _t, cc, adm in events)


def test_the_dateline_is_not_a_more_precise_place(engine) -> None:
    text = "بيروت – قُتل مدنيان اليوم في غارة إسرائيلية على سيارة على الساحل الجنوبي للبنان."
    assert _events(engine, text) == [("airstrike_shelling", "LB", None)]


def test_an_elaboration_names_the_place_of_a_country_level_event(engine) -> None:
    text = ("بيروت – قُتل مدنيان اليوم في غارة إسرائيلية على سيارة في لبنان. "
            "وأوضح المصدر أن الغارة وقعت قرب بلدة الناقورة.")
    assert _events(engine, text) == [("airstrike_shelling", "LB", "South Lebanon")]


def test_an_event_with_no_place_takes_the_place_an_earlier_sentence_named(engine) -> None:
    text = ("بيروت – عززت القوى الأمنية اليوم مداخل السراي الحكومي في ساحة رياض الصلح وسط بيروت بكتل إسمنتية. "
            "وتمكن محتجون أمس من خرق البوابة، وأخذوا يرشقون عناصر القوى الأمنية بالحجارة.")
    assert ("riot", "LB", "Beirut") in _events(engine, text)


def test_a_destination_after_a_travel_word_is_not_the_events_place(engine) -> None:
    text = ("أوقف مسلحون حافلة ركاب في مدينة لودر كانت متجهة إلى عدن، وخطفوا منها ضابطاً في المخابرات، واقتادوه "
            "إلى مكان مجهول.")
    assert [e for e in _events(engine, text) if e[0] == "abduction"] == [("abduction", "YE", "Abyan")]
    text = ("قال مسؤول يمني إن مسلحين من قبائل محافظة مأرب خطفوا طبيباً روسياً أثناء سفره إلى العاصمة صنعاء.")
    assert ("abduction", "YE", "Marib") in _events(engine, text)


def test_a_place_located_by_its_direction_from_a_city_is_the_events_place(engine) -> None:
    text = "وقال شاهد إن محتجين في الدراز، الواقعة غرب المنامة، رشقوا الشرطة بالحجارة، فردت قوات الأمن بالغاز."
    assert ("riot", "BH", "Northern Governorate") in _events(engine, text)
    text = ("أفادت مصادر قبلية بأن المتمردين الحوثيين ورجال القبائل في منطقة أرحب، شمال شرقي العاصمة صنعاء، "
            "اشتبكوا أمس بالأسلحة الثقيلة.")
    assert {e[2] for e in _events(engine, text)} == {"Sanaa"}


def test_talks_with_no_town_take_the_datelines_place(engine) -> None:
    text = "الكويت – استقبل أمير الكويت، اليوم الاثنين في الكويت، وزير الخارجية العماني وتسلم منه رسالة خطية."
    assert _events(engine, text) == [("meeting_negotiation", "KW", "Al Asimah")]  # the country alone: Kuwait City
    inland = "عدن – التقى رئيس الحكومة اليمنية اليوم في مدينة تعز قادة السلطة المحلية لبحث الأوضاع الأمنية."
    assert ("meeting_negotiation", "YE", "Taiz") in _events(engine, inland)  # a town of the sentence stays


def test_a_capital_named_by_its_country_and_then_by_name_is_the_named_city(engine) -> None:
    text = ("عدن – وصلت قوة عسكرية سعودية اليوم الثلاثاء إلى العاصمة اليمنية المؤقتة عدن، في أول دفعة من القوات "
            "تدخل المدينة عن طريق البحر.")
    assert _events(engine, text) == [("deployment_withdrawal", "YE", "Aden")]


def test_where_people_come_from_is_not_where_it_happened(engine) -> None:
    text = ("صنعاء – خطف مسلحون قبليون، مساء اليوم، عشرة من أبناء محافظة حضرموت في مديرية نهم شمال شرقي "
            "العاصمة صنعاء، بحسب مصادر محلية.")
    assert ("abduction", "YE", "Sanaa") in _events(engine, text)


def test_a_place_inside_a_quoted_group_name_is_not_the_events_place() -> None:
    from pipeline.extract.places import in_group_name

    gaz = Gazetteer.load()
    norm = normalize_arabic("غارات على مقار «سرايا الدفاع عن بنغازي» جنوب شرقي مدينة بني الوليد")
    mentions = {pm.place.name: pm for pm in gaz.find_place_mentions(norm, country_hint="LY") if pm.place}
    assert in_group_name(mentions["Benghazi"], norm) and not in_group_name(mentions["Bani Walid"], norm)
    speech = normalize_arabic("وقال إن «قوات الأمن نفذت عملية دهم وتفتيش استهدفت مناطق مختلفة من مدينة بنغازي»")
    quoted = [pm for pm in gaz.find_place_mentions(speech, country_hint="LY") if pm.place]
    assert quoted and not in_group_name(quoted[0], speech)  # a long quote is reported speech


def test_a_count_after_a_plural_place_noun_is_no_list_of_towns(engine) -> None:
    text = ("الرباط – أوقفت عناصر الأمن اليوم مشتبهاً فيهم في مدينتي طنجة وتمارة. "
            "ونفذت عمليات التوقيف في المدن الأربع، أسفرت عن حجز أسلحة.")
    places = [adm for _t, _cc, adm in _events(engine, text)]
    assert "Tanger-Tetouan-Al Hoceima" in places and "Rabat-Sale-Kenitra" in places


def test_a_town_list_before_the_trigger_belongs_to_another_clause(engine) -> None:
    text = ("بنغازي – حرر الجيش مخطوفين من بلدتي الفقهاء وتازربو، في حين فجّر انتحاري نفسه صباح أمس أمام مركز "
            "للشرطة في منطقة غدوة جنوب البلاد.")
    assert [adm for t, _cc, adm in _events(engine, text) if t == "explosion_ied"] == ["Sabha"]


def test_every_country_the_gazetteer_places_events_in_has_a_demonym_in_the_lexicon(engine) -> None:
    # the demonyms actors.py used to keep apart (_MORE_DEMONYMS) are rows of data/lexicons/countries.tsv
    from pipeline.extract.actors import demonym

    res = engine.resources
    for cc, dem in {"TD": "Chadian", "MR": "Mauritanian", "BH": "Bahraini", "SS": "South Sudanese",
                    "AF": "Afghan"}.items():
        assert demonym(res, cc) == dem
    assert res.lex.country_names["موريتانيا"] == "MR" and res.lex.country_names["التشادي"] == "TD"
    assert "عمان" not in res.lex.country_names  # «عمان» is Amman (Jordan) as often as Oman


def test_a_place_the_sentence_opens_with_is_the_events_place(engine) -> None:
    # «وفي مدينة بوكي ...، نظم نشطاء وقفة ... في كيفه»: the fronted town, not the place named after the trigger
    text = ("نواكشوط – نظم نشطاء وقفة احتجاجية أمام البرلمان في العاصمة نواكشوط. وفي مدينة بوكي بولاية لبراكنة، "
            "نظم نشطاء من المجموعة نفسها وقفة احتجاجية رافعين لافتات تطالب بإنهاء أزمة مياه الشرب في كيفه.")
    events = _events(engine, text)
    assert ("protest", "MR", "Brakna") in events and ("protest", "MR", "Assaba") not in events
