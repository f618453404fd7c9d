"""One split of a sentence's dates into event dates and reporting dates (``triggers.split_reporting_dates``)."""

import datetime as dt

from pipeline.extract.dates import find_dates
from pipeline.extract.text import normalize_arabic, tokenize
from pipeline.extract.triggers import split_reporting_dates

PUB = dt.date(2025, 3, 7)  # a Friday


def _split(sentence: str, reporting_words: tuple[str, ...]):
    norm = normalize_arabic(sentence)
    toks = tokenize(norm)
    cues = [("reporting", i, i + 1) for i, t in enumerate(toks) if t.text in reporting_words]
    return split_reporting_dates(find_dates(norm, PUB, use_fallback=False), toks, cues)


def test_the_day_of_an_announcement_is_a_reporting_date():
    # «أعلن الجيش، اليوم، أنه قتل ... أمس»: today is when it was said, yesterday when it happened
    event, reporting = _split("أعلن الجيش اليوم أنه قتل خمسة مسلحين أمس في ريف إدلب", ("اعلن",))
    assert [d.date for d in reporting] == [PUB]
    assert [d.date for d in event] == [dt.date(2025, 3, 6)]


def test_a_date_after_that_or_far_from_the_verb_dates_the_event():
    # «أن» opens the reported clause: its date is the event's, though a reporting verb precedes it
    event, reporting = _split("وأوضحت الوزارة أن العملية انطلقت فجر أمس", ("اوضحت", "واوضحت"))
    assert reporting == [] and [d.kind for d in event] == ["yesterday"]


def test_no_reporting_cue_leaves_every_date_an_event_date():
    event, reporting = _split("قصفت الطائرات البلدة مساء الخميس وصباح اليوم", ())
    assert reporting == [] and [d.date for d in event] == [dt.date(2025, 3, 6), PUB]
