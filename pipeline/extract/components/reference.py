"""Sentence steps ``reference``, ``reaction`` and ``elaboration``: is the sentence a new event, a reaction to or a
claim about one already coded, or details of one already coded (merged into it)?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.actors import restated_claim
from pipeline.extract.assembly import elaborate, resolve_reference
from pipeline.extract.candidate import VIOLENT
from pipeline.extract.components.frame import Frame
from pipeline.extract.document import ArticleDoc
from pipeline.extract.places import relocate
from pipeline.extract.triggers import GENERIC_NOUNS

_ATTACKS = frozenset({"attack", "explosion_ied", "airstrike_shelling", "armed_clash"})


@dataclass(frozen=True)
class Reference:
    """Sets ``main``, ``another``, ``elaboration`` and ``prev`` (the earlier compatible event)."""

    name: ClassVar[str] = "reference"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        r, toks = frame.reading, frame.sentence.tokens
        frame.main, frame.another, frame.elaboration, frame.prev = resolve_reference(
            r.hits, frame.trigger, toks, frame.sentence.cues, doc.candidates, r.mentions,
            r.event_dates)


@dataclass(frozen=True)
class Reaction:
    """«ودانت الخارجية الهجوم»: a reaction to an event; «وزعم الجيش أنه استهدف ...»: the perpetrator's account of
    an event already coded. Neither is a new event."""

    name: ClassVar[str] = "reaction"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        main, cue_kinds = frame.trigger, frame.sentence.cues
        if any(k == "condemn" and 0 < main.first - f <= 6 for k, f, _l in cue_kinds):
            frame.done = True
        elif main.entry.action_type in VIOLENT and frame.another is None and restated_claim(
                frame.sentence.tokens, main, cue_kinds, frame.sentence.actors, doc.candidates,
                frame.reading.mentions):
            frame.done = True


@dataclass(frozen=True)
class Elaboration:
    """Details of an event already coded (its date, toll, actors, a place named for a dateline-only event) are
    merged into it; «تمكن من احتواء الهجوم» refers back to an attack the article did not code."""

    name: ClassVar[str] = "elaboration"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        if not frame.elaboration:
            return
        s, main, r = frame.sentence, frame.trigger, frame.reading
        if frame.prev is not None:
            if frame.toll is None:
                raise RuntimeError("step 'elaboration' needs the toll: run step 'toll' first")
            elaborate(frame.prev, s.actors, frame.flags, s.cues, s.tokens, r.event_dates, frame.toll, main)
            relocate(doc.ctx, frame.prev, s.norm, s.tokens, s.actors, r.mentions, main,
                     lambda a, b: frame.source(doc, a, b))
            frame.done = True
        elif frame.another is None and s.idx > 0 and not doc.candidates and \
                main.entry.pattern[0] in GENERIC_NOUNS and main.entry.action_type in _ATTACKS:
            frame.done = True
