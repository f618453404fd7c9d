"""The working state of one sentence while the ``events`` component codes it (shared by its sentence steps)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from pipeline.extract.candidate import Candidate
from pipeline.extract.document import Actor, ArticleDoc, Reading, Sentence
from pipeline.extract.lexicon import Match
from pipeline.extract.tolls import Toll

Flags = tuple[set[int], set[int], set[int]]  # token positions of victims, reporting sources, partners


@dataclass
class Frame:
    """One sentence being coded against the events found so far (``doc.candidates``). A step that decides the
    sentence adds nothing more sets ``done``; the steps after it do not run."""

    sentence: Sentence
    reading: Reading
    done: bool = False
    main: Match | None = None  # the event's trigger (step ``reference`` may pick the «another» trigger)
    another: Match | None = None  # «هجوم آخر»: a separate incident
    elaboration: bool = False  # the sentence adds details to an event already coded
    prev: Candidate | None = None  # the earlier compatible event
    toll: Toll | None = None
    flags: Flags = (set(), set(), set())
    date: dt.date | None = None
    date_precision: str = "month"
    date_text: str | None = None
    date_from_cue: bool = False
    modality: str = "asserted"
    action: str = ""
    actor1: Actor | None = None
    actor2: Actor | None = None
    locations: list[tuple[str | None, Any]] = field(default_factory=list)  # (location text, place)
    own_location: bool = False
    new: list[Candidate] = field(default_factory=list)  # this sentence's candidates, one per location

    @property
    def trigger(self) -> Match:
        if self.main is None:
            raise RuntimeError("no trigger: the sentence is not an event sentence")
        return self.main

    def source(self, doc: ArticleDoc, a: int, b: int) -> str:
        return self.sentence.source(doc.text, a, b)


class SentenceStep(Protocol):
    """One step of coding a sentence inside the ``events`` component."""

    name: ClassVar[str]

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None: ...
