"""Event-date causes found on the training sets' wrong dates: each test pins one (rules D1-D5)."""

import datetime as dt

import pytest

from pipeline.extract.dates import earlier_report, earliest_stated, event_day, find_dates, reported_on
from pipeline.extract.text import normalize_arabic

PUB = dt.date(2025, 3, 7)  # a Friday


def _dates(phrase: str, published: dt.date = PUB):
    return find_dates(normalize_arabic(phrase), published, use_fallback=False)


@pytest.mark.parametrize("phrase,expected", [
    ("مساء أول من أمس", "2025-03-05"),           # «أول من أمس» = published - 2 (D1), not «أمس»
    ("استهدف أول من أمس الأربعاء دورية", "2025-03-05"),
    ("خطف مسلحون الليلة الماضية مواطناً", "2025-03-06"),  # last night: the evening before publication
    ("وقّع الطرفان البارحة اتفاقاً", "2025-03-06"),
])
def test_relative_days(phrase, expected):
    (d,) = _dates(phrase)
    assert str(d.date) == expected and d.precision == "day" and not d.future


def test_tomorrow_weekday_is_not_a_past_weekday():
    # «هدنة تبدأ غداً السبت»: the Saturday is tomorrow, never the Saturday before publication
    assert _dates("وافقت الأطراف على هدنة تبدأ غداً السبت") == []
    (d,) = _dates("يوم الاثنين القادم")
    assert d.future and d.date == dt.date(2025, 3, 10)


def test_last_week_of_a_recalled_event_gives_way_to_the_day():
    # «اشتبك المتظاهرون أمس، احتجاجاً على مداهمة الأسبوع الماضي»: the clash is yesterday
    found = _dates("اشتبك المتظاهرون مع الشرطة أمس احتجاجا على مداهمة الأسبوع الماضي منزل عالم دين")
    assert {d.kind for d in found} == {"yesterday", "last_week"}
    assert earliest_stated(found).date == dt.date(2025, 3, 6)
    # alone, the period names no day: the publication date (D4) for the article's first event («أعلن مسؤول مقتل
    # 20 شخصاً الأسبوع الماضي»); after an event («وفي الشهر الماضي، سقط صاروخ») a recalled one, never the lead's day
    (alone,) = _dates("وفي الشهر الماضي سقط صاروخ")
    assert earliest_stated([alone]) is None
    day = event_day([alone], [], PUB)
    assert (day.date, day.precision, day.how, day.from_text) == (PUB, "month", "period", False)
    day = event_day([alone], [], PUB, (dt.date(2025, 3, 6), "day"))
    assert (day.date, day.precision, day.how) == (dt.date(2025, 2, 1), "month", "stated")


def test_date_of_another_event_weeks_earlier_is_not_the_events():
    found = _dates("شهدت العاصمة أمس الجمعة مسيرة حاشدة هي العشرون منذ انطلاق الحراك في 22 فبراير الماضي",
                   dt.date(2019, 7, 6))
    assert len(found) == 2
    assert earliest_stated(found).date == dt.date(2019, 7, 5)


def test_sources_disagreeing_by_a_day_still_take_the_earliest():
    # rule D5 (dev d005): Monday evening by one source, Tuesday morning by another -> the Monday
    found = _dates("قال عامل إغاثة إن الهجوم وقع مساء الاثنين بينما قالت مجموعة محلية إنه وقع صباح الثلاثاء",
                   dt.date(2025, 3, 5))
    assert earliest_stated(found).date == dt.date(2025, 3, 3)


def test_elaboration_takes_an_earlier_report_but_not_the_story_background():
    today = dt.date(2023, 9, 23)
    background = _dates("وانطلقت الاحتجاجات في السابع عشر من آب الماضي", today)
    assert earlier_report(today, True, background) is None
    day_before = _dates("وقال الناشطون إن الاحتجاج بدأ مساء أمس", today)
    assert earlier_report(today, True, day_before).date == dt.date(2023, 9, 22)
    assert earlier_report(today, False, background).date == dt.date(2023, 8, 17)  # an undated event takes it


def test_announcement_day_dates_an_event_with_none_of_its_own():
    (said,) = _dates("أعلن الجيش مساء أمس الخميس انسحاب وحداته من قاعدة تساليت")
    assert reported_on([said], PUB).date == dt.date(2025, 3, 6)
    (future,) = _dates("يعلن الوزير الخميس المقبل خطته", dt.date(2025, 3, 3))
    assert reported_on([future], dt.date(2025, 3, 3)) is None


def test_event_day_chain_stated_announced_continued_published():
    """One chain dates the rules' sentences and the detector's rows alike."""
    found = _dates("اشتبك المتظاهرون مع الشرطة أمس احتجاجا على مداهمة الأسبوع الماضي")
    (said,) = _dates("أعلن الجيش مساء أمس الخميس انسحاب وحداته")
    day = event_day(found, [said], PUB, (dt.date(2025, 3, 1), "day"))
    assert (day.date, day.precision, day.how, day.mention.kind) == (dt.date(2025, 3, 6), "day", "stated", "yesterday")
    day = event_day([], [said], PUB, (dt.date(2025, 3, 1), "day"))
    assert (day.date, day.how, day.mention) == (dt.date(2025, 3, 6), "announced", said)
    day = event_day(_dates("يعلن الوزير الخميس المقبل خطته"), [], PUB, (dt.date(2025, 3, 1), "day"))
    assert (day.date, day.precision, day.how, day.mention) == (dt.date(2025, 3, 1), "day", "continued", None)
    day = event_day([], [], PUB)
    assert (day.date, day.precision, day.how, day.from_text) == (PUB, "month", "published", False)


def test_engine_dates_an_announced_withdrawal_by_the_announcement(engine):
    text = ("أعلن الجيش المالي مساء أمس الأربعاء انسحاب وحداته من قاعدة تساليت العسكرية في منطقة كيدال شمالي "
            "البلاد، في إطار ما وصفه بإعادة تمركز استراتيجية للقوات.")
    events = engine.extract(article_id="t", text=text, title=None, published=dt.date(2025, 2, 6))
    assert events, "the withdrawal is coded"
    assert {str(e["event_date"]) for e in events} == {"2025-02-05"}


def test_an_announcement_dated_today_does_not_inherit_the_lead_events_day(engine):
    text = ("اندلعت مواجهات عنيفة مساء أمس السبت بين محتجين وقوات الأمن في مدينة القصرين، وأضرم المحتجون النار "
            "في إطارات السيارات. وأعلنت وزارة الداخلية، صباح اليوم الأحد، إيقاف 12 شخصاً من المشاركين في أعمال "
            "الشغب.")
    events = engine.extract(article_id="t", text=text, title=None, published=dt.date(2025, 9, 21))
    arrests = [str(e["event_date"]) for e in events if e["action_type"] == "arrest_raid"]
    assert arrests == ["2025-09-21"]


def test_a_night_that_went_on_until_a_morning_began_the_day_before():
    pub = dt.date(2025, 10, 28)  # a Tuesday

    def days(text: str) -> list[str]:
        return [str(d.date) for d in find_dates(normalize_arabic(text), pub)]

    assert days("وامتدت الاشتباكات حتى الساعات الأولى من صباح الثلاثاء") == ["2025-10-27"]
    assert days("واستمرت الاشتباكات حتى التاسعة من صباح اليوم الثلاثاء") == ["2025-10-27"]
    assert days("استمرت الصدامات حتى فجر الثلاثاء") == ["2025-10-27"]
    # an evening it lasted until, or a morning it happened on, is the event's own day
    assert days("واستمر القتال حتى ساعة متأخرة من مساء الاثنين") == ["2025-10-27"]
    assert days("قتل جنديان صباح الثلاثاء") == ["2025-10-28"]
