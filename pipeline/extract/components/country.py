"""Component ``country``: the article's country (gazetteer and country-name votes) and its context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.candidate import ArticleContext
from pipeline.extract.document import ArticleDoc
from pipeline.extract.places import article_country
from pipeline.extract.resources import Resources


@dataclass(frozen=True)
class ArticleCountry:
    """Writes ``context``: article id, publication date, country, and an empty memory of officials' names."""

    res: Resources
    name: ClassVar[str] = "country"
    reads: ClassVar[tuple[str, ...]] = ("sentences", "source_country")
    writes: ClassVar[tuple[str, ...]] = ("context",)

    def __call__(self, doc: ArticleDoc) -> None:
        country = article_country(self.res, doc.sentences, doc.source_country)
        doc.context = ArticleContext(doc.article_id, doc.published, country)
