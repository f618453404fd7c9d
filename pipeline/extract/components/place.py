"""Sentence step ``place``: where the sentence's event happened, as (location text, place) pairs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.components.frame import Frame
from pipeline.extract.document import ArticleDoc
from pipeline.extract.places import dateline_end, event_places


@dataclass(frozen=True)
class EventPlace:
    """One pair per town listed after a dual or plural place noun (rule E2); a sentence naming no place inherits
    the previous event's; a place named only in the article's dateline is used but is not the sentence's own."""

    name: ClassVar[str] = "place"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s = frame.sentence
        frame.locations, frame.own_location = event_places(
            doc.ctx, s.norm, s.tokens, s.actors, frame.reading.mentions, frame.trigger, doc.candidates,
            lambda a, b: frame.source(doc, a, b), dateline_end(s.norm) if s.start == 0 else -1)
