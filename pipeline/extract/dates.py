"""Event dates from Arabic text, resolved against the publication date (rules D1-D5 of the guidelines).

A fast path of regular expressions over normalised text covers the common forms: «اليوم», «أمس»,
«أول أمس», weekdays («مساء الخميس», «الخميس المقبل» = future), overnight «ليل الاثنين الثلاثاء» (the
evening it started), explicit dates with Levantine / Egyptian-Gulf / Hijri months and Arabic-Indic digits
(normalised to ASCII before matching), d/m/y, «الأسبوع الماضي». dateparser (languages=['ar']) is only
asked about a short date-like window the fast path could not resolve, never about whole sentences.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass, replace

logger = logging.getLogger(__name__)

WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
MONTHS = {
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8,
    "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7,
    "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
}
HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع الثاني": 4, "ربيع الاخر": 4, "جمادي الاولي": 5,
    "جمادي الاخره": 6, "جمادي الثانيه": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعده": 11, "ذي القعده": 11, "ذو الحجه": 12, "ذي الحجه": 12,
}
_WD = "|".join(WEEKDAYS)
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_HMON = "|".join(sorted(HIJRI_MONTHS, key=len, reverse=True))
_B = r"(?<![\u0621-\u064A])"  # word start (a clitic و/ف/ب may precede)
_P = r"(?:[وفب]|ل)?"

ORDINALS = {
    "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6, "السابع": 7, "الثامن": 8,
    "التاسع": 9, "العاشر": 10, "الحادي عشر": 11, "الثاني عشر": 12, "الثالث عشر": 13, "الرابع عشر": 14,
    "الخامس عشر": 15, "السادس عشر": 16, "السابع عشر": 17, "الثامن عشر": 18, "التاسع عشر": 19, "العشرين": 20,
    "الحادي والعشرين": 21, "الثاني والعشرين": 22, "الثالث والعشرين": 23, "الرابع والعشرين": 24,
    "الخامس والعشرين": 25, "السادس والعشرين": 26, "السابع والعشرين": 27, "الثامن والعشرين": 28,
    "التاسع والعشرين": 29, "الثلاثين": 30, "الحادي والثلاثين": 31,
}
_ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # «في الرابع من آذار», «الحادي عشر من سبتمبر 2025»
    ("ordinal_named", re.compile(rf"{_B}{_P}({_ORD})\s+من\s+(?:شهر\s+)?({_MON})(?:\s+(?:عام\s+)?(\d{{4}}))?")),
    ("hijri", re.compile(rf"(\d{{1,2}})\s+(?:من\s+)?({_HMON})\s+(?:سنه\s+|عام\s+)?(1[34]\d\d)(?:\s*ه)?")),
    ("dmy_named", re.compile(rf"(\d{{1,2}})\s+(?:من\s+)?({_MON})(?:\s*/\s*(?:{_MON}))?(?:\s+(?:عام\s+)?(\d{{4}}))?")),
    ("dmy_numeric", re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")),
    ("overnight", re.compile(rf"{_B}{_P}ليل[ةه]?\s+(?:يوم\s+)?({_WD})\s+(?:الي\s+|و)?({_WD})")),
    ("before_yesterday", re.compile(rf"{_B}{_P}(?:اول\s+(?:من\s+)?امس|امس\s+الاول)(?:\s+({_WD}))?")),
    ("last_night", re.compile(rf"{_B}{_P}(?:(?:الليله|ليله)\s+(?:الماضيه|البارحه)|البارحه)(?![\u0621-\u064A])")),
    ("yesterday", re.compile(rf"{_B}{_P}امس(?:\s+({_WD}))?")),
    ("next_weekday", re.compile(rf"{_B}{_P}(?:يوم\s+)?({_WD})\s+(?:المقبل|القادم)")),
    # not «اليوم نفسه», «في اليوم التالي» (the day after the event before: no day of its own)
    ("today", re.compile(rf"{_B}{_P}اليوم(?!\s+(?:نفسه|ذاته|التالي|السابق))(?:\s+({_WD}))?")),
    # not «غداً السبت»: tomorrow is neither a past weekday nor the event's date
    ("weekday", re.compile(rf"(?<!غدا )(?<!غد ){_B}{_P}(?:يوم\s+)?({_WD})(?![\u0621-\u064A])")),
    ("last_week", re.compile(rf"{_B}{_P}الاسبوع\s+الماضي")),
    ("last_month", re.compile(rf"{_B}{_P}الشهر\s+الماضي")),
]
# What each rule's pattern cannot match without (a digit, a word it spells out): a sentence without it skips the
# rule's scan (most sentences hold no date, and a pattern that starts with a look-behind is tried at every
# character, while these are found by a fast literal search).
_GATES: dict[str, re.Pattern[str]] = {
    # (a month name alone is no gate: «اب», August, is letters of many words, «الإرهاب», «إصابة»)
    "ordinal_named": re.compile(rf"من\s+(?:شهر\s+)?(?:{_MON})"), "hijri": re.compile(r"\d"),
    "dmy_named": re.compile(r"\d"),
    "dmy_numeric": re.compile("/"), "overnight": re.compile("ليل"), "before_yesterday": re.compile("امس"),
    "last_night": re.compile("ليله|البارحه"), "yesterday": re.compile("امس"),
    "next_weekday": re.compile("المقبل|القادم"), "today": re.compile("اليوم"), "weekday": re.compile(_WD),
    "last_week": re.compile("الاسبوع"), "last_month": re.compile("الشهر"),
}

# one search per distinct gate: rules with the same gate next to each other (a digit) test it once
_GATE_OF = {g.pattern: g.search for g in _GATES.values()}
_GATED = [(kind, _GATE_OF[_GATES[kind].pattern], pattern) for kind, pattern in _PATTERNS]
_DATELIKE = re.compile(rf"({_MON}|{_HMON})")
_LETTER = re.compile(r"[\u0621-\u064A]")


@dataclass(frozen=True)
class DateMention:
    start: int  # offsets into the normalised string
    end: int
    date: dt.date
    precision: str  # day / week / month
    future: bool = False
    kind: str = ""  # the rule that read it (``_PATTERNS``), "fallback" for dateparser
    recalled: bool = False  # «منذ يوم الجمعة», «يوم الأحد الماضي»: a day the text looks back to (``_RECALLED``)


def find_dates(norm: str, published: dt.date, *, use_fallback: bool = True) -> list[DateMention]:
    """Every date expression of a normalised sentence, resolved; overlapping matches keep the first rule."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    last_gate, passed = None, False
    for kind, gate, pattern in _GATED:
        if gate is not last_gate:
            last_gate, passed = gate, gate(norm) is not None
        if not passed:
            continue
        for m in pattern.finditer(norm):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            mention = _resolve(kind, m, published)
            if mention is not None and kind in ("ordinal_named", "dmy_named") and \
                    norm[m.end():].lstrip().startswith(("المقبل", "القادم")):  # «... تشرين الثاني المقبل»
                d = mention.date if mention.date > published else mention.date.replace(year=mention.date.year + 1)
                mention = DateMention(mention.start, mention.end, d, mention.precision, future=True)
            if mention is not None and kind in _UNTIL_KINDS and _UNTIL_MORNING.search(norm, max(0, m.start() - 40),
                                                                                    m.start()):
                mention = replace(mention, date=mention.date - dt.timedelta(days=1))
            if mention is not None:
                found.append(replace(mention, kind=kind, recalled=_recalled(norm, m.start(), m.end(), kind)))
                taken.append((m.start(), m.end()))
    if use_fallback and not found:
        hint = _DATELIKE.search(norm)
        if hint and _whole_word(norm, hint.start(), hint.end()):
            fb = _dateparser_window(norm, hint.start(), hint.end(), published)
            if fb:
                found.append(fb)
    return sorted(found, key=lambda d: d.start)


# «استمرت الاشتباكات حتى الساعات الأولى من فجر السبت», «حتى التاسعة من صباح اليوم»: the night's events went on
# into that morning and began the day before (D3: the evening it started); on the gold sets such a day is the
# event's day plus one in every case but a toll counted «حتى صباح اليوم».
_UNTIL_MORNING = re.compile(r"(?<![\u0621-\u064A])حتي\s+(?:(?:الساعات|ساعات)\s+الاولي\s+من\s+|\S+\s+من\s+)?"
                            r"(?:فجر|صباح)\s+(?:يوم\s+)?$")
_UNTIL_KINDS = frozenset({"weekday", "today"})
_SINCE_BEFORE = re.compile(r"(?<![\u0621-\u064A])منذ\s+(?:(?:يوم|مساء|صباح|فجر|ليل[ةه]?)\s+)?$")
_PAST_AFTER = re.compile(r"\s*(?:الماضي|الفائت)(?![\u0621-\u064A])")


def _recalled(norm: str, start: int, end: int, kind: str) -> bool:
    """A day the sentence looks back to, not the day of what it reports: the start of a period («منذ يوم
    الجمعة») or a weekday marked as past («يوم الأحد الماضي»: the days before, when the same story began)."""
    if _SINCE_BEFORE.search(norm, max(0, start - 16), start):
        return True
    return kind == "weekday" and _PAST_AFTER.match(norm, end) is not None


def _whole_word(norm: str, start: int, end: int) -> bool:
    """[start, end) is a word of its own (a clitic و/ف/ب/ل may precede it), not letters of a longer word: «اب» in
    «الارهاب» is no month: dateparser (~0.15 ms a call, ~1 call an article) found no date in any such window of
    the gold sets, and nine in ten of its calls were about such windows."""
    if _LETTER.match(norm, end):
        return False
    if start == 0 or not _LETTER.match(norm, start - 1):
        return True
    return norm[start - 1] in "وفبل" and (start == 1 or not _LETTER.match(norm, start - 2))


def _resolve(kind: str, m: re.Match[str], pub: dt.date) -> DateMention | None:
    s, e = m.start(), m.end()
    try:
        if kind == "hijri":
            d = hijri_to_gregorian(int(m.group(3)), HIJRI_MONTHS[m.group(2)], int(m.group(1)))
            return DateMention(s, e, d, "day")
        if kind == "dmy_named":
            year = int(m.group(3)) if m.group(3) else _infer_year(MONTHS[m.group(2)], int(m.group(1)), pub)
            return DateMention(s, e, dt.date(year, MONTHS[m.group(2)], int(m.group(1))), "day")
        if kind == "ordinal_named":
            day, month = ORDINALS[m.group(1)], MONTHS[m.group(2)]
            year = int(m.group(3)) if m.group(3) else _infer_year(month, day, pub)
            return DateMention(s, e, dt.date(year, month, day), "day")
        if kind == "dmy_numeric":
            return DateMention(s, e, dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), "day")
    except ValueError:
        return None
    if kind == "overnight":
        return DateMention(s, e, last_weekday(pub, WEEKDAYS[m.group(1)]), "day")
    if kind == "before_yesterday":
        return DateMention(s, e, pub - dt.timedelta(days=2), "day")
    if kind in ("yesterday", "last_night"):  # «الليلة الماضية»: the evening before publication (rule D3)
        return DateMention(s, e, pub - dt.timedelta(days=1), "day")
    if kind == "today":
        return DateMention(s, e, pub, "day")
    if kind == "next_weekday":
        delta = (WEEKDAYS[m.group(1)] - pub.weekday()) % 7 or 7
        return DateMention(s, e, pub + dt.timedelta(days=delta), "day", future=True)
    if kind == "weekday":
        return DateMention(s, e, last_weekday(pub, WEEKDAYS[m.group(1)]), "day")
    if kind == "last_week":
        return DateMention(s, e, pub - dt.timedelta(days=7), "week")
    if kind == "last_month":
        first = pub.replace(day=1) - dt.timedelta(days=1)
        return DateMention(s, e, first.replace(day=1), "month")
    return None


def last_weekday(published: dt.date, weekday: int) -> dt.date:
    """Most recent ``weekday`` (Monday=0) on or before ``published`` (rule D2)."""
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _infer_year(month: int, day: int, pub: dt.date) -> int:
    year = pub.year
    if dt.date(year, month, min(day, 28)) > pub + dt.timedelta(days=31):
        year -= 1
    return year


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Tabular (arithmetical) Islamic calendar -> Gregorian; may differ by a day from sighting."""
    jd = day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948439
    return dt.date.fromordinal(jd - 1721425)


def _dateparser_window(norm: str, start: int, end: int, pub: dt.date) -> DateMention | None:
    import dateparser  # slow import, only on the fallback path

    lo, hi = max(0, start - 12), min(len(norm), end + 12)
    window = norm[lo:hi]
    base = dt.datetime.combine(pub, dt.time(12))
    try:
        parsed = dateparser.parse(window, languages=["ar"], settings={"RELATIVE_BASE": base,
                                                                     "PREFER_DATES_FROM": "past"})
    except Exception:  # dateparser raises assorted errors on odd input
        logger.debug("dateparser failed on %r", window)
        return None
    if parsed is None:
        return None
    return DateMention(lo, hi, parsed.date(), "month" if not re.search(r"\d", window) else "day", kind="fallback")


SOURCES_DISAGREE_DAYS = 7
"""Rule D5 («sources disagree»: Monday evening or Tuesday morning) takes the earliest of dates a few days apart; a
date weeks before the sentence's latest one belongs to another event («الحراك الذي انطلق في 22 فبراير الماضي»)."""

COARSE_RELATIVE = frozenset({"last_week", "last_month"})
"""«الأسبوع الماضي», «الشهر الماضي» name no day: the event's own date is not stated and the guidelines code the
publication date, precision month (rule D4; the gold sets code «مقتل 20 شخصاً الأسبوع الماضي» so), neither the
period's day nor the day of the event the article led with."""


def stated_event_dates(mentions: list[DateMention]) -> list[DateMention]:
    """The mentions that can date the sentence's event: past, not a coarse relative period, and not weeks older
    than the sentence's latest date."""
    usable = [d for d in mentions if not d.future and d.kind not in COARSE_RELATIVE]
    if not usable:
        return []
    latest = max(d.date for d in usable)
    return [d for d in usable if (latest - d.date).days <= SOURCES_DISAGREE_DAYS]


def earliest_stated(mentions: list[DateMention]) -> DateMention | None:
    """Rule D5: the earliest of the sentence's usable event dates, else None."""
    usable = stated_event_dates(mentions)
    return min(usable, key=lambda d: d.date) if usable else None


def coarse_period(mentions: list[DateMention]) -> DateMention | None:
    """The earliest coarse period («الأسبوع الماضي») of a sentence that states no finer date, else None."""
    if stated_event_dates(mentions):
        return None
    periods = [d for d in mentions if not d.future and d.kind in COARSE_RELATIVE]
    return min(periods, key=lambda d: d.date) if periods else None


def reported_on(reporting: list[DateMention], published: dt.date) -> DateMention | None:
    """The day an announcement was made («أعلن الجيش مساء أمس انسحاب ...»): an announced event with no date of
    its own happened by then, so that day dates it better than the publication date."""
    days = [d for d in stated_event_dates(reporting) if d.precision == "day" and d.date <= published]
    return min(days, key=lambda d: d.date) if days else None


@dataclass(frozen=True)
class EventDay:
    """An event's date and how it was found: ``stated`` (the sentence's own date, ``mention``), ``announced``
    (the day of the sentence's announcement, ``mention``), ``continued`` (the date of the event the sentence
    continues), ``period`` (the publication date: the sentence names only a coarse period, «الأسبوع الماضي»),
    ``lead`` (the day the article's lead gives, ``lead_day``; precision "month": the sentence gives no day) or
    ``published`` (the publication date; precision "month": the text gives no day)."""

    date: dt.date
    precision: str
    how: str
    mention: DateMention | None = None

    @property
    def from_text(self) -> bool:
        """The date was read from the text (this sentence's or the continued event's), not assumed."""
        return self.how not in ("published", "period", "lead")


def event_day(event_dates: list[DateMention], report_dates: list[DateMention], published: dt.date,
              continued: tuple[dt.date, str] | None = None, lead: list[DateMention] | None = None, *,
              separate: bool = False) -> EventDay:
    """The date of a sentence's event (rules D4, D5): the earliest usable stated date (``earliest_stated``: no
    future date, no date weeks older than the sentence's latest, no coarse period); else, when the sentence names
    only a coarse period («الأسبوع الماضي»), the publication date if no event comes before it (D4: no day stated)
    or the period's date after one («وفي الشهر الماضي، سقطت قذيفة»: a recalled event, not the one ``continued``);
    else
    the day the sentence's announcement was made (``reported_on``: «أعلن الجيش مساء أمس انسحاب ...»); else
    ``continued``, the (date, precision) of the event the sentence continues; else the day the article's lead
    gives (``lead_day`` of ``lead``, the lead's dates before the sentence: D4's anchor, the story's day, still
    precision month); else the publication date. ``event_dates``: the sentence's dates that are not the date of a
    report; ``report_dates``: those that are. ``separate``: the sentence tells a separate incident («آخر», a
    «separate» cue, a new item of a round-up: ``opens_new_item``), which takes neither ``continued`` (an earlier
    event's date) nor the lead's day: the one place that rule holds."""
    if separate:
        continued, lead = None, None
    stated = earliest_stated(event_dates)
    if stated is not None:
        return EventDay(stated.date, stated.precision, "stated", stated)
    period = coarse_period(event_dates)
    if period is not None:  # the article's first event: D4; after one, a recalled other event stays apart
        return EventDay(published, "month", "period") if continued is None else \
            EventDay(period.date, period.precision, "stated", period)
    announced = reported_on(report_dates, published)
    if announced is not None:
        return EventDay(announced.date, "day", "announced", announced)
    if continued is not None:
        return EventDay(continued[0], continued[1], "continued")
    story = lead_day(lead, published) if lead else None
    if story is not None:
        return EventDay(story.date, "month", "lead")
    return EventDay(published, "month", "published")


_NEW_ITEM = re.compile(
    r"^\W*(?:"
    r"و(?:من|علي)\s+(?:جهه|صعيد|ناحيه)\s+(?:اخري|اخر|ثانيه)"  # «ومن جهة أخرى»
    r"|و?في\s+(?:سياق|تطور|شان|حادث|حادثه|خبر|لقاء|هجوم|اطار)\s+(?:اخر|اخري|منفصل|منفصله|مختلف)"  # «وفي سياق آخر»
    r")")


def opens_new_item(norm: str) -> bool:
    """The normalised sentence opens a new item of a round-up, another side of the news («ومن جهة أخرى، خطف
    مسلحون ...»، «وفي سياق آخر»): an item that names no day of its own is dated by the publication date (D4), not
    by the event before it nor the lead (on train + train_blind, 26 of 30 such undated items carry the publication
    date). Not «وفي محافظة حمص، ...»: an item in another place of a round-up mostly shares the round-up's day
    (the tune set lost four dates for two gained when it did)."""
    return _NEW_ITEM.match(norm) is not None


def lead_day(lead_mentions: list[DateMention], published: dt.date) -> DateMention | None:
    """The day the article's lead sentence gives (its event's or its report's: «وفق ما أفاد مسؤولون أمس الخميس»,
    «شهد يوم أمس الجمعة تطورين»): the day of the story an undated later event belongs to (D4 anchor), unless
    the lead gives none (then the publication date)."""
    days = [d for d in stated_event_dates(lead_mentions) if d.precision == "day" and d.date <= published]
    return min(days, key=lambda d: d.date) if days else None


def earlier_report(current: dt.date, stated: bool, mentions: list[DateMention]) -> DateMention | None:
    """The day an elaborating sentence gives an event already coded on ``current``: taken when the event had no
    stated date, or when it is an earlier report of the same event (rule D5, within ``SOURCES_DISAGREE_DAYS``);
    a date weeks earlier («انطلقت الاحتجاجات في السابع عشر من آب الماضي») is the story's background, and so,
    for an event already dated, is a recalled day («تصاعدت المواجهات يوم الأحد الماضي», «منذ يوم الجمعة»)."""
    days = [d for d in stated_event_dates(mentions) if d.precision == "day" and not (stated and d.recalled)]
    if not days:
        return None
    d = min(days, key=lambda x: x.date)
    if not stated or 0 < (current - d.date).days <= SOURCES_DISAGREE_DAYS:
        return d
    return None
