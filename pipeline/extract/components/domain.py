"""Component ``domain``: stops an off-domain article (sport, economy: more domain cues than strong triggers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources
from pipeline.extract.sentences import is_off_domain


@dataclass(frozen=True)
class DomainGate:
    res: Resources
    name: ClassVar[str] = "domain"
    reads: ClassVar[tuple[str, ...]] = ("sentences",)
    writes: ClassVar[tuple[str, ...]] = ("stopped",)

    def __call__(self, doc: ArticleDoc) -> None:
        if is_off_domain(self.res, doc.sentences):
            doc.stopped = "off_domain"
