"""Sentence steps ``toll``, ``date``, ``modality`` and ``roles``: the arguments of the sentence's event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.components.frame import Frame
from pipeline.extract.dates import event_day, opens_new_item
from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources
from pipeline.extract.roles import coded_roles, role_flags
from pipeline.extract.tolls import read_toll
from pipeline.extract.triggers import modality_of


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
    """The sentence's event date by ``dates.event_day``: its earliest stated date, else the day of its
    announcement («أعلن الجيش مساء أمس انسحاب ...», «وأعلنت الوزارة، صباح اليوم، إيقاف 12 شخصاً»), else the date
    of the event it continues (D4: the latest earlier candidate dated from the text), else the day the article's
    lead gives (precision month), else the publication date. A separate incident («آخر», a
    «separate» cue, a sentence opening a new item of a round-up: ``dates.opens_new_item``) takes neither an
    earlier event's date nor the lead's."""

    name: ClassVar[str] = "date"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s, r = frame.sentence, frame.reading
        separate = frame.another is not None or any(k == "separate" for k, _f, _l in s.cues) or (
            (s.evidence_span is None or s.evidence_span[0] == s.start) and opens_new_item(s.norm))
        anchor = next((c for c in reversed(doc.candidates) if c.date_from_cue), None)
        day = event_day(r.event_dates, r.reporting_dates, doc.ctx.published,
                        None if anchor is None else (anchor.date, anchor.date_precision), doc.lead_dates(s.start),
                        separate=separate)
        frame.date, frame.date_precision, frame.date_from_cue = day.date, day.precision, day.from_text
        if day.mention is not None:
            frame.date_text = s.norm[day.mention.start:day.mention.end]
        else:
            frame.date_text = anchor.date_text if anchor is not None and day.how == "continued" else None


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
