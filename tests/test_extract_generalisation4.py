"""General rules added after the fourth fresh check set (tests/gold/fresh4/README.md)."""

import datetime as dt


def _events(engine, text, published=dt.date(2025, 6, 10)):
    rows = engine.extract(article_id="t", text=text, title=None, published=published)
    return [r for r in rows if r["modality"] == "asserted"]


def test_a_march_is_a_protest_not_a_drone(engine):
    ev = _events(engine, "شهدت مدينة الكرك، اليوم الثلاثاء، مسيرة جابت شوارعها الرئيسية بدعوة من النقابات المهنية.")
    assert [e["action_type"] for e in ev] == ["protest"]


def test_a_duration_is_not_a_toll(engine):
    ev = _events(engine, "قُتل 12 مدنياً، أمس الاثنين، في هجوم شنه مسلحون على سوق في بلدة ولام بمنطقة تيلابيري. "
                         "وأعلنت السلطات الحداد ثلاثة أيام على أرواح الضحايا.")
    assert ev and ev[0]["fatalities"] == 12


def test_counts_joined_after_a_partitive_phrase_are_summed(engine):
    ev = _events(engine, "قُتل ستة من مسلحي تنظيم داعش وثلاثة جنود، أمس الاثنين، في اشتباكات اندلعت بين قوات "
                         "بونتلاند ومسلحي التنظيم في منطقة باري.")
    assert [e["fatalities"] for e in ev if e["action_type"] == "armed_clash"] == [9]


def test_what_a_measure_prevents_is_no_event(engine):
    ev = _events(engine, "وأكدت قيادة شرطة البصرة، اليوم الثلاثاء، أنها نشرت قوات إضافية في قضاء القرنة لمنع تجدد "
                         "الاشتباكات.")
    assert not [e for e in ev if e["action_type"] == "armed_clash"]


def test_an_elaboration_replaces_a_dateline_place(engine):
    ev = _events(engine, "عمّان – أعلنت القوات المسلحة الأردنية، اليوم الثلاثاء، أن قوات حرس الحدود اشتبكت مع "
                         "مجموعة من المهربين، ما أسفر عن مقتل أربعة منهم. وأوضح مصدر عسكري أن الاشتباك وقع قرب "
                         "بلدة أم الجمال في محافظة المفرق.")
    clash = [e for e in ev if e["action_type"] == "armed_clash"]
    assert len(clash) == 1
    assert clash[0]["admin1"] == "Mafraq"
    assert clash[0]["fatalities"] == 4
    assert clash[0]["actor2_norm"] == "Smugglers"


def test_a_peaceful_crowd_of_supporters_is_protesters(engine):
    ev = _events(engine, "وفي الكوت، تظاهر المئات من أنصار التيار أمام مبنى المحافظة مساء أمس، وانفضت التظاهرة من دون "
                         "حوادث.")
    assert [e["actor1_norm"] for e in ev] == ["Protesters (Iraqi)"]


def test_civilians_arrested_in_occupied_territory(engine):
    ev = _events(engine, "طوباس – اقتحمت قوات الاحتلال الإسرائيلي، فجر اليوم الثلاثاء، بلدة طمون جنوب طوباس، "
                         "واعتقلت الشقيقين أحمد ومحمد بشارات بعد مداهمة منزل عائلتهما.")
    arrests = [e for e in ev if e["action_type"] == "arrest_raid"]
    assert arrests and arrests[0]["actor2_norm"] == "Palestinian civilians/suspects"


def test_eliminated_militants_are_the_toll_but_a_court_ruling_is_not(engine):
    ev = _events(engine, "قضت وحدات مشتركة من الجيش والحرس الوطني، مساء الاثنين، على عنصر إرهابي خلال عملية تمشيط "
                         "في مرتفعات جبل ورغة بولاية الكاف.")
    assert [e["fatalities"] for e in ev if e["action_type"] == "security_operation"] == [1]
    ev = _events(engine, "قضت المحكمة، أمس الاثنين، بالسجن على ثلاثة متهمين بتنفيذ هجوم على حاجز أمني في القصرين.")
    assert all(e["fatalities"] in (0, None) for e in ev)
