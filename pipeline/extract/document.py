"""The article document that flows through the extraction components (pipeline.extract.components).

An ``ArticleDoc`` starts with the article's own fields (``ARTICLE_INPUTS``); each component fills the
attributes it declares in ``writes``. Per-article state lives here, never on a component.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from pipeline.extract.candidate import ArticleContext, Candidate
from pipeline.extract.dates import DateMention, find_dates
from pipeline.extract.lexicon import Match
from pipeline.extract.text import Token

# What a document holds before any component runs.
ARTICLE_INPUTS = ("article_id", "text", "title", "published", "source_country")

Cue = tuple[str, int, int]  # (cue kind, first token, last token)
# (first token, text as written in the article, normalised label, actor type, end token)
Actor = tuple[int, str, str, str, int]


@dataclass(frozen=True)
class Reading:
    """What a sentence's triggers say (component ``triggers``).

    ``role``: "event" (a newsworthy trigger: ``main`` is the dominant one), "follow_up" (no trigger: the
    sentence may add a toll, a claimant or a start date to the event before it) or "none" (background,
    habitual, history, weapons seized, nothing to code).
    """

    role: Literal["event", "follow_up", "none"]
    main: Match | None = None
    hits: list[Match] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)  # every date of the sentence
    event_dates: list[DateMention] = field(default_factory=list)  # dates that are not the date of a report
    mentions: list[Any] = field(default_factory=list)  # plausible gazetteer mentions (PlaceMention)
    reporting_dates: list[DateMention] = field(default_factory=list)  # dates of a report («أعلن الجيش، اليوم»)


@dataclass
class Sentence:
    """One clause of the article outside boilerplate (component ``sentences``) and what later components read
    in it."""

    idx: int
    start: int  # character offsets into the article text
    end: int
    norm: str  # normalised text
    offsets: list[int]  # normalised character -> character of text[start:end]
    tokens: list[Token]
    evidence_span: tuple[int, int] | None = None  # the whole sentence this clause was cut from, if any
    restated: bool = False  # repeats an earlier sentence's opening clause (component ``restatements``)
    cues: list[Cue] = field(default_factory=list)  # component ``cues``
    actors: list[Actor] = field(default_factory=list)  # component ``actors``
    reading: Reading | None = None  # component ``triggers``

    def source(self, text: str, a: int, b: int) -> str:
        """The article's own characters of the normalised span [a, b) of this sentence."""
        return text[self.start + self.offsets[a]: self.start + self.offsets[b - 1] + 1]


@dataclass
class ArticleDoc:
    """One article on its way through the components; ``rows`` is the result."""

    article_id: str
    text: str
    title: str | None
    published: dt.date
    source_country: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    stopped: str | None = None  # why the article has no events (e.g. "off_domain"); later components skip
    context: ArticleContext | None = None  # article id, date, country and remembered officials' names
    candidates: list[Candidate] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    # the lead sentence's start and the (start, dates) of each of its clauses, read once (``lead_dates``)
    _lead: tuple[int, list[tuple[int, list[DateMention]]]] | None = field(default=None, repr=False, compare=False)

    @property
    def ctx(self) -> ArticleContext:
        if self.context is None:
            raise RuntimeError("the article's context is not set: the 'country' component must run first")
        return self.context

    def lead_dates(self, before: int) -> list[DateMention]:
        """The dates of the article's lead sentence (its first sentence, every clause of it) when it comes
        before character ``before``: its clauses that start before ``before``. The clauses' dates are read once
        per article (after the ``triggers`` component: from each clause's event reading, else found in it)."""
        if self._lead is None:
            clauses: list[tuple[int, list[DateMention]]] = []
            first = self.sentences[0] if self.sentences else None
            span = (first.evidence_span or (first.start, first.end)) if first is not None else (0, 0)
            for s in self.sentences:
                if (s.evidence_span or (s.start, s.end)) != span:
                    break
                clauses.append((s.start, s.reading.dates if s.reading is not None and s.reading.role == "event"
                                else find_dates(s.norm, self.published, use_fallback=False)))
            self._lead = (span[0], clauses)
        lead_start, clauses = self._lead
        if not clauses or lead_start >= before:
            return []
        return [d for start, dates in clauses if start < before for d in dates]
