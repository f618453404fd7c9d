"""Components ``title_actor``, ``subsume`` and ``protest_policing``: article-level passes over the candidates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.assembly import fill_from_title, subsume_vague
from pipeline.extract.candidate import STATE_FORCES
from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources


@dataclass(frozen=True)
class TitleActor:
    """An actor named only in the headline («قوات الدعم السريع تقصف ...») is the perpetrator of the same-type
    events the text reports without naming one."""

    res: Resources
    name: ClassVar[str] = "title_actor"
    reads: ClassVar[tuple[str, ...]] = ("title", "context", "candidates")
    writes: ClassVar[tuple[str, ...]] = ("candidates.actor1", "candidates.actor2")

    def __call__(self, doc: ArticleDoc) -> None:
        fill_from_title(self.res, doc.ctx, doc.title, doc.candidates)


@dataclass(frozen=True)
class SubsumeVague:
    """A region-level event is dropped when a town-level event of the same type in its region exists (its toll,
    actors and stated date pass to that event)."""

    name: ClassVar[str] = "subsume"
    reads: ClassVar[tuple[str, ...]] = ("candidates",)
    writes: ClassVar[tuple[str, ...]] = ("candidates",)

    def __call__(self, doc: ArticleDoc) -> None:
        doc.candidates = subsume_vague(doc.candidates)


@dataclass(frozen=True)
class ProtestPolicing:
    """Forces deployed around a protest or riot police it: they do not move into or leave an area."""

    name: ClassVar[str] = "protest_policing"
    reads: ClassVar[tuple[str, ...]] = ("candidates",)
    writes: ClassVar[tuple[str, ...]] = ("candidates",)

    def __call__(self, doc: ArticleDoc) -> None:
        if any(c.action_type in ("protest", "riot") for c in doc.candidates):
            doc.candidates = [c for c in doc.candidates if not (
                c.action_type == "deployment_withdrawal" and c.actor1 is not None and c.actor1[2] == STATE_FORCES)]
