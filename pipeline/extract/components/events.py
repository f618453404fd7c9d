"""Component ``events``: codes each sentence's candidate event against the events found before it, in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.components.arguments import EventDate, Modality, Roles, TollAndFlags
from pipeline.extract.components.follow_up import FollowUp
from pipeline.extract.components.frame import Frame, SentenceStep
from pipeline.extract.components.merge import MergeSameEvent
from pipeline.extract.components.place import EventPlace
from pipeline.extract.components.reference import Elaboration, Reaction, Reference
from pipeline.extract.components.split import SplitByLocation
from pipeline.extract.document import ArticleDoc
from pipeline.extract.resources import Resources


def sentence_steps(res: Resources) -> tuple[SentenceStep, ...]:
    """The steps that code one sentence, in order: follow_up, reference, reaction, toll, elaboration, date,
    modality, roles, place, split, merge."""
    return (FollowUp(res), Reference(), Reaction(), TollAndFlags(res), Elaboration(), EventDate(), Modality(),
            Roles(res), EventPlace(res), SplitByLocation(), MergeSameEvent())


@dataclass(frozen=True)
class CodeEvents:
    """Sentence by sentence, because a sentence is read against the events before it (an elaboration, an
    inherited place or date, rule E3 merging): each sentence gets a fresh ``Frame`` that ``steps`` fill in
    turn until one marks it done. Writes ``candidates``: complete events with actors, date, place, toll,
    evidence and confidence."""

    steps: Sequence[SentenceStep]
    name: ClassVar[str] = "events"
    reads: ClassVar[tuple[str, ...]] = ("text", "sentences", "sentences.restated", "sentences.cues",
                                        "sentences.actors", "sentences.reading", "context")
    writes: ClassVar[tuple[str, ...]] = ("candidates",)

    def __call__(self, doc: ArticleDoc) -> None:
        for s in doc.sentences:
            if s.reading is None:
                continue
            frame = Frame(s, s.reading, main=s.reading.main)
            for step in self.steps:
                step(doc, frame)
                if frame.done:
                    break
