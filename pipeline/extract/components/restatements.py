"""Component ``restatements``: a lead repeated in the body («وقُتل جنديان ... بحسب المصدر») is no new event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.document import ArticleDoc
from pipeline.extract.sentences import restates, words_of


@dataclass(frozen=True)
class MarkRestatements:
    """Marks sentences whose opening clause repeats an earlier (unmarked) sentence; later components skip them."""

    name: ClassVar[str] = "restatements"
    reads: ClassVar[tuple[str, ...]] = ("sentences",)
    writes: ClassVar[tuple[str, ...]] = ("sentences.restated",)

    def __call__(self, doc: ArticleDoc) -> None:
        seen: list[set[str]] = []
        for s in doc.sentences:
            s.restated = restates(s.tokens, s.norm, seen)
            if not s.restated:
                seen.append(words_of(s.tokens))
