"""The extraction engine: one article in, coded event rows out (see docs in pipeline/extract/__init__.py).

``Engine`` runs an ordered list of components (pipeline.extract.components) over an ``ArticleDoc``
(pipeline.extract.document); the rules they apply live in modules by concern: sentences (clauses,
boilerplate), triggers (trigger, modality, dates), actors, roles (perpetrator and target), places, tolls and
assembly (merging). Shared inputs travel in a frozen ``Resources``.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pipeline.extract.candidate import ArticleContext, Candidate, event_id
from pipeline.extract.components import EXTRACTOR_VERSION, Component, build_pipeline, check_pipeline, run_pipeline
from pipeline.extract.document import ArticleDoc
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.resources import Resources

__all__ = ["EXTRACTOR_VERSION", "ArticleContext", "ArticleDoc", "Candidate", "Engine", "Resources", "event_id",
           "exempt_from_collection"]


class Engine:
    """Codes the events of one article by running ``components`` (default: ``build_pipeline(resources)``).

    ``components`` may be a full list, or a mapping replacing default components by name (e.g.
    ``{"decide": learned_decision}``).
    """

    def __init__(self, lexicons: Lexicons, gazetteer: Any | None, *, use_dateparser_fallback: bool = True,
                 min_confidence: float = 0.0, morph_forms: Callable[[str], frozenset[str]] | None = None,
                 components: Sequence[Component] | Mapping[str, Component] | None = None) -> None:
        self.resources = Resources(lexicons, gazetteer, morph_forms, use_dateparser_fallback, min_confidence)
        if components is None or isinstance(components, Mapping):
            self.components = build_pipeline(self.resources, components)
        else:
            self.components = list(components)
            check_pipeline(self.components)

    # the shared resources, read-only, under the names callers used before the components
    @property
    def lex(self) -> Lexicons:
        return self.resources.lex

    @property
    def gaz(self) -> Any | None:
        return self.resources.gaz

    @property
    def morph(self) -> Callable[[str], frozenset[str]] | None:
        return self.resources.morph

    @property
    def use_fallback(self) -> bool:
        return self.resources.use_fallback

    @property
    def min_confidence(self) -> float:
        return self.resources.min_confidence

    def process(self, *, article_id: str, text: str, title: str | None, published: dt.date,
                source_country: str | None = None) -> ArticleDoc:
        """The article's document after every component ran (``rows`` is the result)."""
        doc = ArticleDoc(article_id, text, title, published, source_country)
        return run_pipeline(self.components, doc)

    def extract(self, *, article_id: str, text: str, title: str | None, published: dt.date,
                source_country: str | None = None) -> list[dict[str, Any]]:
        """Event rows (dicts with the event columns the engine fills) for one article."""
        return self.process(article_id=article_id, text=text, title=title, published=published,
                            source_country=source_country).rows


def exempt_from_collection() -> None:
    """Take every object alive now out of the cyclic garbage collector's generations (``gc.freeze``), after
    collecting the garbage there is (none is kept).

    Called once an engine is built: its lexicons, gazetteer and model are a few large tables that live as long
    as the process, and every full collection (which the many short-lived objects of coding articles trigger a
    few times per thousand articles) walked all their entries again, ~0.1 s each, 5-8% of the time on new
    articles. Objects taken out are still freed by reference counting when dropped; only cycles among them
    would wait for ``gc.unfreeze``.

    It also lets the youngest generation grow to ``YOUNG_GENERATION`` objects before it is collected (Python's
    default: 700; a larger setting is kept). Coding an article allocates thousands of short-lived containers,
    which reference counting frees: collected every 700 allocations, the few alive at that moment were moved to
    older generations, whose collections then walked them and the growing memos again (full collections a few
    times per thousand articles, ~40 ms each): 5-6% of the time on new articles, ~1% with this threshold."""
    gc.collect()
    gc.freeze()
    young, older, oldest = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_GENERATION), older, oldest)


YOUNG_GENERATION = 10_000  # allocations between collections of the youngest generation (see exempt_from_collection)
