"""Component ``decide``: the decision seam — which candidates are reported events, their type and confidence.

Runs after every argument is known (actors, place, date, toll, evidence) and before rows are made. A
replacement (e.g. a learned model in pipeline.extract.decision) receives the whole document — article text,
publication date, sentences with their cues, actors and trigger readings, and ``candidates`` with all their
fields — and may drop candidates, change ``action_type`` and set ``confidence``; it must keep the name
``decide`` (``build_pipeline(resources, components={"decide": MyDecide(...)})``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources


@dataclass(frozen=True)
class ConfidenceThreshold:
    """The rule-based decision: keep candidates whose confidence reaches ``resources.min_confidence``."""

    res: Resources
    name: ClassVar[str] = "decide"
    reads: ClassVar[tuple[str, ...]] = ("candidates",)
    writes: ClassVar[tuple[str, ...]] = ("candidates", "candidates.action_type", "candidates.confidence")

    def __call__(self, doc: ArticleDoc) -> None:
        threshold = self.res.min_confidence
        doc.candidates = [c for c in doc.candidates if c.confidence >= threshold]
