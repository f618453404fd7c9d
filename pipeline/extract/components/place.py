"""Sentence step ``place``: where the sentence's event happened, as (location text, place) pairs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pipeline.extract.components.frame import Frame
from pipeline.extract.document import ArticleDoc
from pipeline.extract.places import dateline_end, earlier_place, event_places
from pipeline.extract.resources import Resources

_TALKS = frozenset({"statement", "meeting_negotiation", "agreement"})
"""Talks, statements and deals named with no place stay without one: an earlier sentence's place is seldom theirs."""


@dataclass(frozen=True)
class EventPlace:
    """One pair per town listed after a dual or plural place noun (rule E2); a sentence naming no place inherits
    the previous event's, else (not for talks) the place an earlier sentence last named (not the sentence's own);
    a place named only in the article's dateline is used but is not the sentence's own."""

    res: Resources | None = None  # the gazetteer for earlier sentences' places (none: no such fallback)
    name: ClassVar[str] = "place"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s = frame.sentence
        frame.locations, frame.own_location = event_places(
            doc.ctx, s.norm, s.tokens, s.actors, frame.reading.mentions, frame.trigger, doc.candidates,
            lambda a, b: frame.source(doc, a, b), dateline_end(s.norm) if s.start == 0 else -1)
        if frame.locations == [(None, None)] and self.res is not None and frame.action not in _TALKS:
            found: tuple[str, Any] | None = earlier_place(self.res, doc, s.idx)
            if found is not None:
                frame.locations = [found]
