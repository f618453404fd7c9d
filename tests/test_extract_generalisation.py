"""General rules added after the second fresh check set (tests/gold/fresh2/README.md)."""

import datetime as dt


def _events(engine, text, published=dt.date(2025, 10, 4)):
    return engine.extract(article_id="t", text=text, title=None, published=published)


def test_place_inside_actor_name_or_sponsor_is_no_location(engine):
    ev = _events(engine, "اندلعت اشتباكات عنيفة، فجر اليوم السبت، بين «قوات سوريا الديمقراطية» والفصائل المدعومة "
                         "من تركيا على محور قرية قرب مدينة منبج بريف حلب الشرقي.")
    clash = [e for e in ev if e["action_type"] == "armed_clash"]
    assert clash and all(e["location_text"] not in ("سوريا", "تركيا") for e in clash)
    assert clash[0]["admin1"] == "Aleppo"


def test_year_is_not_a_toll(engine):
    ev = _events(engine, "وتحدث القائد عن معارك التحرير في الموصل عام ٢٠١٧ التي قُتل فيها آلاف المدنيين.")
    assert all(e["fatalities"] != 2017 for e in ev)


def test_policing_a_protest_is_no_deployment(engine):
    ev = _events(engine, "نظم مئات العمال، اليوم الاثنين، وقفة احتجاجية سلمية أمام مقر الشركة في مدينة المحلة "
                         "الكبرى. وانتشرت قوات الأمن المركزي في محيط الشركة.", dt.date(2025, 8, 18))
    types = {e["action_type"] for e in ev}
    assert "protest" in types and "deployment_withdrawal" not in types
    assert next(e for e in ev if e["action_type"] == "protest")["actor1_norm"].startswith("Protesters")


def test_attackers_leaving_is_no_withdrawal(engine):
    ev = _events(engine, "قُتل ١٢ جندياً، يوم الاثنين، في هجوم شنه مسلحون على معسكر للجيش في بلدة بولكيسي. وقالت "
                         "المصادر إن المهاجمين استولوا على أسلحة قبل انسحابهم.", dt.date(2025, 7, 9))
    assert "deployment_withdrawal" not in {e["action_type"] for e in ev}


def test_official_is_never_the_perpetrator_of_a_strike(engine):
    ev = _events(engine, "حذر وزير الخارجية العراقي من أن أي ضربة جوية على العراق إذا حدثت ستشعل المنطقة.")
    assert all(e["actor1_norm"] is None or "Minister" not in e["actor1_norm"] for e in ev)


def test_military_exercise_is_off_domain(engine):
    ev = _events(engine, "اختتمت القوات البحرية، اليوم الخميس، التدريب البحري المشترك. وتضمن التدريب رمايات بالذخيرة "
                         "الحية وإطلاق صواريخ على أهداف افتراضية. وشهد التدريب هجوم جوي وهمي لرفع الجاهزية القتالية.",
                 dt.date(2025, 1, 9))
    assert ev == []
