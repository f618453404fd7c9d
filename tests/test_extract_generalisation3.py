"""General rules added after the third fresh check set (tests/gold/fresh3/README.md)."""

import datetime as dt


def _events(engine, text, published=dt.date(2025, 6, 10)):
    rows = engine.extract(article_id="t", text=text, title=None, published=published)
    return [r for r in rows if r["modality"] == "asserted"]


def test_towns_listed_after_a_dual_noun_are_one_event_each(engine):
    ev = _events(engine, "قصفت قوات النظام السوري بالمدفعية، فجر اليوم الثلاثاء، بلدتي معرة حرمة وكفرسجنة في ريف "
                         "إدلب الجنوبي.")
    shelling = [e for e in ev if e["action_type"] == "airstrike_shelling"]
    assert len(shelling) == 2
    assert {e["admin1"] for e in shelling} == {"Idlib"}


def test_road_between_two_towns_is_one_place(engine):
    ev = _events(engine, "استهدفت طائرة مسيّرة إسرائيلية، اليوم الثلاثاء، سيارة على الطريق بين بلدتي عيناثا وبنت جبيل.")
    assert len([e for e in ev if e["action_type"] == "airstrike_shelling"]) == 1


def test_blame_names_the_perpetrator(engine):
    ev = _events(engine, "قُتل ثلاثة جنود عراقيين، أمس الاثنين، بانفجار عبوة ناسفة في قضاء الطارمية شمال بغداد. "
                         "وحمّلت قيادة العمليات خلايا تنظيم داعش المسؤولية عن التفجير.")
    assert ev and ev[0]["actor1_norm"] == "ISIS"


def test_pluperfect_inside_the_sentence_is_background(engine):
    ev = _events(engine, "وفي سياق متصل، وكانت قوات الأمن قد اعتقلت الشهر الماضي خمسة مطلوبين في مدينة الرمادي.")
    assert ev == []


def test_second_toll_of_a_clash_is_added(engine):
    ev = _events(engine, "اندلعت، مساء أمس، اشتباكات عنيفة بين الجيش اليمني وجماعة الحوثي في مديرية حريب. وقال مصدر "
                         "عسكري إن جنديين قُتلا في المعارك. وأضاف أن خمسة من مسلحي الحوثي قُتلوا أيضاً.")
    clash = [e for e in ev if e["action_type"] == "armed_clash"]
    assert clash and clash[0]["fatalities"] == 7


def test_perpetrator_account_and_condemnation_are_no_new_events(engine):
    ev = _events(engine, "شنت مسيّرة إسرائيلية، اليوم الثلاثاء، غارة على منزل في بلدة عيتا الشعب، ما أدى إلى مقتل "
                         "شخصين. وزعم الجيش الإسرائيلي في بيان أنه استهدف «بنية تحتية» في المنزل. ودانت الحكومة "
                         "اللبنانية الهجوم.")
    assert len(ev) == 1 and ev[0]["action_type"] == "airstrike_shelling"
    assert ev[0]["actor2_norm"] == "Civilians"


def test_fiima_clause_with_its_own_place_is_a_separate_event(engine):
    ev = _events(engine, "وقالت المصادر إن ثلاثة شهداء سقطوا في غارة إسرائيلية على منزل في مخيم جباليا، فيما استشهد "
                         "اثنان آخران في قصف استهدف مدرسة في بلدة بيت لاهيا.")
    places = sorted(e["location_text"] for e in ev if e["action_type"] == "airstrike_shelling")
    assert len(places) == 2


def test_lead_repeated_in_the_body_is_no_extra_event(engine):
    ev = _events(engine, "قُتل جندي من القوات الحكومية، صباح اليوم الثلاثاء، برصاص قناص حوثي في جبهة مقبنة غرب "
                         "تعز. وقُتل جندي من القوات الحكومية برصاص قناص حوثي في جبهة مقبنة، بحسب مصدر عسكري ردت "
                         "قواته بقصف مواقع القناصة.")
    assert len(ev) == 1


def test_off_domain_traffic_accident_and_film(engine):
    assert _events(engine, "لقي أربعة أشخاص مصرعهم إثر تصادم حافلة بشاحنة على الطريق الصحراوي، وقالت التحريات إن "
                           "انفجار إطار الشاحنة أفقد السائق السيطرة عليها بسبب السرعة الزائدة.") == []
    assert _events(engine, "افتتح المهرجان السينمائي دورته بعرض فيلم يروي قصف المدفعية واشتباكات الجنود في معركة "
                           "شهيرة، وقال مخرج الفيلم إن التصوير استغرق عامين.") == []


def test_ownerless_military_convoy_is_the_countrys_army(engine):
    ev = _events(engine, "تعرضت قافلة عسكرية لكمين نصبه مسلحون مجهولون قرب مدينة غاو شمالي مالي، اليوم الثلاثاء، "
                         "ما أسفر عن مقتل أربعة جنود.")
    assert ev and ev[0]["actor2_norm"] == "Malian Army"


def test_coordinated_counts_of_both_sides_are_summed(engine):
    ev = _events(engine, "اندلعت اشتباكات عنيفة، فجر اليوم الثلاثاء، بين الجيش السوري وتنظيم داعش في بادية دير الزور. "
                         "وأوضح المرصد أن ستة عناصر من التنظيم وثلاثة من الجيش قُتلوا في المواجهات.")
    clash = [e for e in ev if e["action_type"] == "armed_clash"]
    assert clash and clash[0]["fatalities"] == 9


def test_unnumbered_deaths_in_a_later_sentence_give_null(engine):
    ev = _events(engine, "تصدت قوات الجيش السوداني، مساء أمس، لهجوم شنته قوات الدعم السريع على مدينة الدلنج. وقال "
                         "بيان للجيش إن قواته كبّدت المهاجمين خسائر فادحة في الأرواح.")
    clash = [e for e in ev if e["action_type"] in ("armed_clash", "attack")]
    assert clash and clash[0]["fatalities"] is None


def test_operation_announced_today_started_yesterday(engine):
    ev = _events(engine, "أعلنت وزارة الداخلية التونسية، اليوم الثلاثاء، أن وحدات من الحرس الوطني قتلت عنصرين "
                         "إرهابيين خلال عملية تمشيط في جبل المغيلة بولاية سيدي بوزيد. وأوضحت الوزارة أن العملية "
                         "انطلقت فجر أمس الاثنين.", dt.date(2025, 10, 28))
    op = [e for e in ev if e["action_type"] == "security_operation"]
    assert op and op[0]["event_date"] == dt.date(2025, 10, 27)
