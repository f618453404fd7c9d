"""Sentence step ``follow_up``: a sentence without a trigger adds a toll, a claimant or a start date to the event
before it (and codes nothing of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.assembly import follow_up
from pipeline.extract.components.frame import Frame
from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources


@dataclass(frozen=True)
class FollowUp:
    res: Resources
    name: ClassVar[str] = "follow_up"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        if frame.reading.role == "event":
            return
        if frame.reading.role == "follow_up":
            s = frame.sentence
            follow_up(self.res, doc.ctx, doc.candidates, s.norm, s.tokens, s.cues, s.actors)
        frame.done = True
