"""Component ``sentences``: the article's text -> its sentences outside boilerplate, cut into incident clauses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources
from pipeline.extract.sentences import read_sentences


@dataclass(frozen=True)
class SplitSentences:
    """A clause cut from a longer sentence («..., فيما ...») keeps that sentence as its ``evidence_span``."""

    res: Resources
    name: ClassVar[str] = "sentences"
    reads: ClassVar[tuple[str, ...]] = ("text",)
    writes: ClassVar[tuple[str, ...]] = ("sentences", "sentences.evidence_span")

    def __call__(self, doc: ArticleDoc) -> None:
        doc.sentences = read_sentences(self.res, doc.text)
