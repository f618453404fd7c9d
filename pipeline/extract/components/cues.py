"""Component ``cues``: the cue phrases of each sentence (kill, reporting, negation, claim, ...) from the lexicon."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources


@dataclass(frozen=True)
class FindCues:
    res: Resources
    name: ClassVar[str] = "cues"
    reads: ClassVar[tuple[str, ...]] = ("sentences", "sentences.restated")
    writes: ClassVar[tuple[str, ...]] = ("sentences.cues",)

    def __call__(self, doc: ArticleDoc) -> None:
        cues = self.res.lex.cues
        for s in doc.sentences:
            if not s.restated:
                s.cues = [(m.entry, m.first, m.last) for m in cues.find(s.tokens)]
