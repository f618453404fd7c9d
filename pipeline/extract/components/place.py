"""Sentence step ``place``: where the sentence's event happened, as (location text, place) pairs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pipeline.extract.components.frame import Frame
from pipeline.extract.document import ArticleDoc
from pipeline.extract.places import dateline_end, dateline_place, earlier_place, event_places
from pipeline.extract.resources import Resources

TALKS = frozenset({"statement", "meeting_negotiation", "agreement"})
"""Talks, statements and deals named with no place stay without one: an earlier sentence's place is seldom theirs."""
_MEETINGS = frozenset({"meeting_negotiation", "agreement"})
"""Talks and deals whose sentence names no town or region took place where the report was filed: in train and
train_blind 84 of 103 meetings and 59 of 88 agreements of an article with a dateline are coded at the dateline's
place («الرياض – بحث وزير الخارجية اليمني مع نظيره السعودي ...»; a country named in the sentence, «المبعوث إلى
اليمن», is their topic)."""


@dataclass(frozen=True)
class EventPlace:
    """One pair per town listed after a dual or plural place noun (rule E2); a sentence naming no place inherits
    the previous event's, else (not for talks) the place an earlier sentence last named (not the sentence's own);
    a place named only in the article's dateline is used but is not the sentence's own; talks and deals whose
    sentence names no town or region take the dateline's place."""

    res: Resources | None = None  # the gazetteer for earlier sentences' places (none: no such fallback)
    name: ClassVar[str] = "place"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s = frame.sentence
        frame.locations, frame.own_location = event_places(
            doc.ctx, s.norm, s.tokens, s.actors, frame.reading.mentions, frame.trigger, doc.candidates,
            lambda a, b: frame.source(doc, a, b), dateline_end(s.norm) if s.start == 0 else -1)
        if frame.locations == [(None, None)] and self.res is not None and frame.action not in TALKS:
            found: tuple[str, Any] | None = earlier_place(self.res, doc, s.idx)
            if found is not None:
                frame.locations = [found]
        if frame.action in _MEETINGS and all(p is None or p.geo_precision == "country" for _t, p in frame.locations):
            filed = dateline_place(self.res, doc)
            if filed is not None:
                frame.locations = [filed]
