"""Component ``evidence``: the evidence sentence of each candidate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.document import ArticleDoc


@dataclass(frozen=True)
class ChooseEvidence:
    """A candidate coded from a clause cut out of a longer sentence («...، فيما ...») shows the whole sentence;
    one whose evidence a later sentence took over by rule E3 merging (``sentence_idx`` moved past
    ``created_in``) keeps that later clause."""

    name: ClassVar[str] = "evidence"
    reads: ClassVar[tuple[str, ...]] = ("text", "sentences.evidence_span", "candidates")
    writes: ClassVar[tuple[str, ...]] = ("candidates.evidence",)

    def __call__(self, doc: ArticleDoc) -> None:
        for c in doc.candidates:
            if c.sentence_idx != c.created_in:
                continue
            span = doc.sentences[c.sentence_idx].evidence_span
            if span is not None:
                c.start, c.end = span
                c.evidence = doc.text[c.start:c.end]
