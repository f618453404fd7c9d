"""Component ``actors``: who each sentence names, in article order (anaphors and remembered officials)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.actors import read_actors, remember_names
from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources


@dataclass(frozen=True)
class ReadActors:
    """«الحركة», «التنظيم» refer to the last armed group named; «براك» alone to the official «المبعوث الأمريكي
    توم براك» named earlier (remembered in ``context.names``). Actor texts are the article's own characters."""

    res: Resources
    name: ClassVar[str] = "actors"
    reads: ClassVar[tuple[str, ...]] = ("text", "sentences", "sentences.restated", "context")
    writes: ClassVar[tuple[str, ...]] = ("sentences.actors", "context.names")

    def __call__(self, doc: ArticleDoc) -> None:
        ctx = doc.ctx
        last_group: tuple[str, str, str] | None = None
        for s in doc.sentences:
            if s.restated:
                continue
            toks = s.tokens
            s.actors = [(a[0], s.source(doc.text, toks[a[0]].start, toks[a[4] - 1].end), *a[2:])
                        for a in read_actors(self.res, ctx, toks, last_group)]
            for a in s.actors:
                if a[3] in ("rebels", "political_militia") and a[2] not in ("Unidentified gunmen",):
                    last_group = a[1:4]
            remember_names(self.res, ctx, toks, s.actors)
