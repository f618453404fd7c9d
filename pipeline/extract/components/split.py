"""Sentence step ``split``: per-location splitting — one candidate event per location of the sentence's event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.extract.assembly import confidence_of
from pipeline.extract.candidate import Candidate
from pipeline.extract.components.frame import Frame
from pipeline.extract.document import ArticleDoc


@dataclass(frozen=True)
class SplitByLocation:
    """«في بلدتي X وY»: two events with the same arguments, one at each town. Each candidate starts with the
    clause as its evidence and the rule-based confidence (trigger weight, perpetrator, place, stated date)."""

    name: ClassVar[str] = "split"

    def __call__(self, doc: ArticleDoc, frame: Frame) -> None:
        s, main, toll = frame.sentence, frame.trigger, frame.toll
        if toll is None or frame.date is None:
            raise RuntimeError("step 'split' needs the toll and the date: run steps 'toll' and 'date' first")
        a1, a2 = frame.actor1, frame.actor2
        trigger_text = " ".join(t.text for t in s.tokens[main.first:main.last])
        frame.new = [Candidate(
            action_type=frame.action, trigger=main.entry, trigger_text=trigger_text,
            sentence_idx=s.idx, start=s.start, end=s.end, evidence=doc.text[s.start:s.end],
            modality=frame.modality, date=frame.date, date_precision=frame.date_precision,
            date_text=frame.date_text, date_from_cue=frame.date_from_cue,
            actor1=a1[1:4] if a1 else None, actor2=a2[1:4] if a2 else None,
            location_text=loc_text, place=place, fatalities=list(toll.fatalities),
            fatalities_vague=list(toll.vague), fatalities_unnumbered=toll.unnumbered,
            injured=list(toll.injured), fatalities_attackers=list(toll.attackers),
            confidence=confidence_of(main.entry, a1, place, frame.date_from_cue), own_location=frame.own_location,
            created_in=s.idx,
        ) for loc_text, place in frame.locations]
