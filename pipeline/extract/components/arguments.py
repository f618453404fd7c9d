"""Sentence steps ``toll``, ``date``, ``modality`` and ``roles``: the arguments of the sentence's event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.components.frame import Frame
from pipeline.extract.dates import earliest_stated, reported_on
from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources
from pipeline.extract.roles import coded_roles, role_flags
from pipeline.extract.tolls import read_toll
from pipeline.extract.triggers import is_reporting_date, modality_of


@dataclass(frozen=True)
class TollAndFlags:
    """The sentence's casualties (attackers killed apart, rule F) and which actors are victims, reporting sources
    or partners (never perpetrators)."""

    res: Resources
    name: ClassVar[str] = "toll"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s = frame.sentence
        frame.toll = read_toll(self.res, s.tokens, s.cues)
        frame.flags = role_flags(self.res, s.actors, s.tokens, s.cues, frame.trigger.entry.action_type)


@dataclass(frozen=True)
class EventDate:
    """Earliest stated date (rule D5, dates weeks older than the sentence's latest one and «الأسبوع الماضي» left
    out); else the day the sentence's announcement was made («أعلن الجيش مساء أمس انسحاب ...», «وأعلنت الوزارة،
    صباح اليوم، إيقاف 12 شخصاً»); else the date of the event the sentence continues (D4); else the publication
    date. A separate incident («آخر», a «separate» cue) does not take an earlier event's date."""

    name: ClassVar[str] = "date"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s, r = frame.sentence, frame.reading
        separate = frame.another is not None or any(k == "separate" for k, _f, _l in s.cues)
        stated = earliest_stated(r.event_dates)
        if stated is not None:
            frame.date, frame.date_precision = stated.date, stated.precision
            frame.date_text, frame.date_from_cue = s.norm[stated.start:stated.end], True
            return
        reporting = [f for k, f, _l in s.cues if k == "reporting"]
        announced = reported_on([d for d in r.dates if is_reporting_date(d, s.tokens, reporting)], doc.ctx.published)
        if announced is not None:
            frame.date, frame.date_precision = announced.date, "day"
            frame.date_text, frame.date_from_cue = s.norm[announced.start:announced.end], True
            return
        anchor = next((c for c in reversed(doc.candidates) if c.date_from_cue), None)
        if anchor is not None and not separate:
            frame.date, frame.date_precision = anchor.date, anchor.date_precision
            frame.date_text, frame.date_from_cue = anchor.date_text, True
            return
        frame.date, frame.date_precision, frame.date_text, frame.date_from_cue = doc.ctx.published, "month", None, False


@dataclass(frozen=True)
class Modality:
    """asserted / negated / denied / threat / hypothetical / future."""

    name: ClassVar[str] = "modality"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s = frame.sentence
        frame.modality = modality_of(s.tokens, frame.trigger, s.cues, frame.reading.dates)


@dataclass(frozen=True)
class Roles:
    """The event's action type (a clash with rioters is a riot, rule A) and its perpetrator and target."""

    res: Resources
    name: ClassVar[str] = "roles"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s = frame.sentence
        if frame.toll is None:
            raise RuntimeError("step 'roles' needs the toll: run step 'toll' first")
        frame.action, frame.actor1, frame.actor2 = coded_roles(
            self.res, doc.ctx, s.actors, frame.trigger, s.tokens, s.cues, frame.flags, frame.toll.fatalities,
            doc.candidates)
