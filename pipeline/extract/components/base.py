"""What a component is, how a list of them is checked and run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from pipeline.extract.document import ARTICLE_INPUTS, ArticleDoc


class Component(Protocol):
    """One step of the engine: reads some of the document's attributes and writes others.

    ``reads`` and ``writes`` name document attributes ("sentences", "candidates") or attributes of its
    sentences and candidates ("sentences.actors", "candidates.confidence"); ``check_pipeline`` verifies that
    every attribute a component reads is an article input or written by a component before it.
    """

    name: ClassVar[str]
    reads: ClassVar[tuple[str, ...]]
    writes: ClassVar[tuple[str, ...]]

    def __call__(self, doc: ArticleDoc) -> None: ...


def check_pipeline(components: Sequence[Component]) -> None:
    """Raise ValueError when two components share a name or one reads what no earlier component writes."""
    available = set(ARTICLE_INPUTS)
    names: set[str] = set()
    for c in components:
        if c.name in names:
            raise ValueError(f"extract pipeline: two components named {c.name!r}")
        names.add(c.name)
        missing = [r for r in c.reads if r not in available]
        if missing:
            raise ValueError(f"extract pipeline: component {c.name!r} reads {', '.join(missing)}, "
                             f"which no earlier component writes")
        available.update(c.writes)


def run_pipeline(components: Sequence[Component], doc: ArticleDoc) -> ArticleDoc:
    """Run ``components`` in order on ``doc``; a component that sets ``doc.stopped`` ends the run."""
    for component in components:
        component(doc)
        if doc.stopped is not None:
            break
    return doc
