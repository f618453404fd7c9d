"""Undated events anchored to the story's day (D4): the lead sentence's day, and a dropped lead's row."""

import datetime as dt

from pipeline.extract.dates import event_day, find_dates, lead_day, opens_new_item
from pipeline.extract.decision.detected import date_rereads
from pipeline.extract.text import normalize_arabic

PUB = dt.date(2017, 6, 9)  # a Friday


def test_lead_day_is_the_earliest_past_day_of_the_lead():
    lead = normalize_arabic("قتل ثلاثة عشر عراقيا في موجة عنف وفق ما أفاد مسؤولون أمنيون أمس الخميس")
    assert lead_day(find_dates(lead, PUB, use_fallback=False), PUB).date == dt.date(2017, 6, 8)
    # a coming day or a coarse period names no day of the story
    assert lead_day(find_dates(normalize_arabic("يزور الوزير المدينة الخميس المقبل"), PUB), PUB) is None
    assert lead_day(find_dates(normalize_arabic("وفي الأسبوع الماضي قتل جنديان"), PUB), PUB) is None


def test_event_day_takes_the_leads_day_last_before_the_publication_date():
    lead = find_dates(normalize_arabic("قتل ثلاثة عشر عراقيا وفق ما أفاد مسؤولون أمنيون أمس الخميس"), PUB)
    day = event_day([], [], PUB, None, lead)
    assert (day.date, day.precision, day.how, day.from_text) == (dt.date(2017, 6, 8), "month", "lead", False)
    # an event continued comes first; a separate incident (no lead given) keeps the publication date
    assert event_day([], [], PUB, (dt.date(2017, 6, 7), "day"), lead).how == "continued"
    assert event_day([], [], PUB, None, None).date == PUB
    own = find_dates(normalize_arabic("انفجرت عبوة الأربعاء"), PUB)
    assert event_day(own, [], PUB, None, lead).date == dt.date(2017, 6, 7)


def test_a_separate_incident_takes_neither_the_event_before_nor_the_lead():
    lead = find_dates(normalize_arabic("قتل ثلاثة عشر عراقيا وفق ما أفاد مسؤولون أمنيون أمس الخميس"), PUB)
    day = event_day([], [], PUB, (dt.date(2017, 6, 7), "day"), lead, separate=True)
    assert (day.date, day.precision, day.how) == (PUB, "month", "published")
    # a coarse period in a separate incident is D4's first event (the publication date), not a recalled one
    period = find_dates(normalize_arabic("وفي الأسبوع الماضي قتل جنديان"), PUB)
    assert event_day(period, [], PUB, (dt.date(2017, 6, 7), "day"), lead, separate=True).how == "period"
    assert event_day(period, [], PUB, (dt.date(2017, 6, 7), "day"), lead).how == "stated"
    # its own stated day still dates it
    own = find_dates(normalize_arabic("انفجرت عبوة الأربعاء"), PUB)
    assert event_day(own, [], PUB, (dt.date(2017, 6, 1), "day"), lead, separate=True).date == dt.date(2017, 6, 7)


def test_an_undated_event_after_a_dated_lead_takes_the_leads_day(engine):
    text = ("بعقوبة – قُتل ثلاثة عشر عراقياً في موجة عنف جديدة شهدتها محافظة ديالى، وفق ما أفاد مسؤولون أمنيون "
            "أمس الخميس.\nوبحسب المصادر، انفجرت عبوة ناسفة وُضعت قرب سوق تجارية في ناحية جلولاء، ما أسفر عن "
            "مقتل مدنيين اثنين وإصابة ستة.")
    events = [e for e in engine.extract(article_id="t", text=text, title=None, published=PUB)
              if e["action_type"] == "explosion_ied"]
    assert events, "the bombing is coded"
    # the story's day, still precision month: the sentence itself names no day
    assert {(str(e["event_date"]), e["date_precision"]) for e in events} == {("2017-06-08", "month")}


def test_an_undated_event_without_a_dated_lead_keeps_the_publication_date(engine):
    text = ("بعقوبة – قُتل ثلاثة عشر عراقياً في موجة عنف جديدة شهدتها محافظة ديالى.\nوبحسب المصادر، انفجرت عبوة "
            "ناسفة وُضعت قرب سوق تجارية في ناحية جلولاء، ما أسفر عن مقتل مدنيين اثنين وإصابة ستة.")
    events = [e for e in engine.extract(article_id="t", text=text, title=None, published=PUB)
              if e["action_type"] == "explosion_ied"]
    assert events and {str(e["event_date"]) for e in events} == {"2017-06-09"}


def _row(start: int, date: dt.date, text: str | None, modality: str = "asserted") -> dict:
    return {"char_start": start, "char_end": start + 10, "event_date": date, "date_text": text,
            "date_precision": "day" if text else "month", "trigger_text": "قصف", "modality": modality}


def test_a_reread_row_takes_the_day_of_a_lead_the_model_dropped():
    lead = _row(0, dt.date(2019, 9, 11), "أمس")  # the article pass's lead row, not kept by the model
    reread = _row(40, dt.date(2019, 9, 12), None)  # «إن القصف طال مساحة واسعة ...», re-read alone
    (out,) = date_rereads([reread], [lead])
    assert out["event_date"] == dt.date(2019, 9, 11)
    # a denied or threatened row of the article pass dates nothing
    (out,) = date_rereads([reread], [dict(lead, modality="denied")])
    assert out["event_date"] == dt.date(2019, 9, 12)


def test_a_recalled_day_does_not_move_an_event_already_dated():
    from pipeline.extract.dates import earlier_report

    wed = dt.date(2023, 8, 2)
    pub = dt.date(2023, 8, 3)
    # «وتصاعدت حدة المواجهات في المخيم يوم الأحد الماضي»: the days before, not an earlier report of Wednesday's clash
    last_sunday = find_dates(normalize_arabic("وتصاعدت حدة المواجهات في المخيم يوم الأحد الماضي"), pub)
    assert [d.recalled for d in last_sunday] == [True]
    assert earlier_report(wed, True, last_sunday) is None
    # «منذ يوم الجمعة»: the start of a period
    since = find_dates(normalize_arabic("أعمال العنف التي تشهدها الولاية منذ يوم الجمعة"), pub)
    assert [d.recalled for d in since] == [True] and earlier_report(wed, True, since) is None
    # an event with no stated day still takes it, and a plain earlier report still moves the date (D5)
    assert earlier_report(pub, False, last_sunday).date == dt.date(2023, 7, 30)
    monday = find_dates(normalize_arabic("وقالت مصادر إن الاشتباكات بدأت مساء الاثنين"), pub)
    assert not monday[0].recalled and earlier_report(wed, True, monday).date == dt.date(2023, 7, 31)


def test_a_separate_incident_does_not_take_the_leads_day(engine):
    # dev d021: «نفذت عملية أخرى» names no day: the publication date, not the lead's night (nor merged into it)
    text = ("مقديشو – شهدت العاصمة الصومالية مقديشو، ليلة الاثنين إلى الثلاثاء، هجوماً واسعاً شنّته حركة الشباب "
            "بالأسلحة الثقيلة على مواقع أمنية حساسة في جنوب المدينة.\nوأعلنت الحركة مسؤوليتها عن الهجوم، وقالت "
            "إنها نفذت عملية أخرى في ضواحي العاصمة أسفرت عن مقتل أربعة جنود صوماليين.")
    events = engine.extract(article_id="t", text=text, title=None, published=dt.date(2025, 10, 28))
    assert {str(e["event_date"]) for e in events if e["action_type"] == "attack"} == {"2025-10-27", "2025-10-28"}


def test_the_next_day_is_not_today():
    assert find_dates(normalize_arabic("وفي اليوم التالي، اتفق أعيان المدينة على وقف لإطلاق النار"), PUB) == []
    assert [d.date for d in find_dates(normalize_arabic("قتل جنديان اليوم الجمعة"), PUB)] == [PUB]


def test_a_new_item_of_a_round_up_is_told_apart():
    assert opens_new_item(normalize_arabic("ومن جهة أخرى، خطف مسلحون مجهولون تاجراً"))
    assert opens_new_item(normalize_arabic("وفي سياق آخر، نفذت قوات الجيش غارة جوية"))
    assert not opens_new_item(normalize_arabic("وفي محافظة حمص، قتل شخص برصاص مسلحين"))
    assert not opens_new_item(normalize_arabic("وأضاف المصدر من جهة أخرى أن"))


def test_a_new_item_without_a_day_keeps_the_publication_date(engine):
    text = ("بعقوبة – قُتل ثلاثة عشر عراقياً في موجة عنف جديدة شهدتها محافظة ديالى، وفق ما أفاد مسؤولون أمنيون "
            "أمس الخميس.\nومن جهة أخرى، خطف مسلحون مجهولون يستقلون سيارة تاجراً من داخل محله وسط مدينة الموصل.")
    events = [e for e in engine.extract(article_id="t", text=text, title=None, published=PUB)
              if e["action_type"] == "abduction"]
    assert events, "the abduction is coded"
    assert {(str(e["event_date"]), e["date_precision"]) for e in events} == {("2017-06-09", "month")}
