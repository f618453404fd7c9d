"""Sentence step ``merge``: the sentence's candidates join the article's events (rule E3: the same event reported
twice is merged; a candidate with no perpetrator takes the sides of the earlier same-type event)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.assembly import add_candidate
from pipeline.extract.components.frame import Frame
from pipeline.extract.document import ArticleDoc


@dataclass(frozen=True)
class MergeSameEvent:
    name: ClassVar[str] = "merge"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        for cand in frame.new:
            add_candidate(doc.candidates, cand, frame.prev)
