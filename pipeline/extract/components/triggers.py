"""Component ``triggers``: each sentence's event candidate — its dominant newsworthy trigger, dates and places."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.document import ArticleDoc, Reading, Sentence
from pipeline.extract.places import place_mentions, plausible_place
from pipeline.extract.resources import Resources
from pipeline.extract.triggers import context_newsworthy, dominant_trigger, event_hits, newsworthy

_FOLLOW_UP = Reading("follow_up")
_NOTHING = Reading("none")


@dataclass(frozen=True)
class ReadTriggers:
    """A sentence with no trigger is a possible follow-up of the event before it; background («وكان ... قد»),
    habits, history, seized weapons, context clauses without details of their own and meetings without a party
    code nothing; otherwise the dominant trigger is the sentence's candidate event."""

    res: Resources
    name: ClassVar[str] = "triggers"
    reads: ClassVar[tuple[str, ...]] = ("sentences", "sentences.restated", "sentences.cues", "sentences.actors",
                                        "context")
    writes: ClassVar[tuple[str, ...]] = ("sentences.reading",)

    def __call__(self, doc: ArticleDoc) -> None:
        for s in doc.sentences:
            if not s.restated:
                s.reading = self.read(doc, s)

    def read(self, doc: ArticleDoc, s: Sentence) -> Reading:
        ctx, toks, cue_kinds = doc.ctx, s.tokens, s.cues
        hits, background = event_hits(self.res, toks, cue_kinds)
        if not hits:
            return _NOTHING if background else _FOLLOW_UP
        if background:
            return _NOTHING
        screened = newsworthy(self.res, ctx, s.norm, toks, cue_kinds, hits)
        if screened is None:
            return _NOTHING
        hits, dates, event_dates, reporting_dates = screened
        mentions = [pm for pm in place_mentions(self.res, s.norm, ctx.country) if plausible_place(pm, ctx, s.norm)]
        context_at = min((f for k, f, _l in cue_kinds if k == "context"), default=None)
        hits = [h for h in hits if context_at is None or h.first < context_at
                or context_newsworthy(h, toks, event_dates, mentions)]
        if not hits:
            return _NOTHING
        main = dominant_trigger(hits, toks, cue_kinds, s.actors)
        if main is None:
            return _NOTHING
        return Reading("event", main, hits, dates, event_dates, mentions, reporting_dates)
