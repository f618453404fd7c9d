"""Component ``rows``: each candidate as a row of event columns (schema.EVENT_SCHEMA's engine-filled part)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pipeline.extract.candidate import ArticleContext, Candidate, dual_sides, event_id
from pipeline.extract.document import ArticleDoc
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.resources import Resources
from pipeline.extract.version import EXTRACTOR_VERSION
from pipeline.schema import ACTION_TO_ACLED


@dataclass(frozen=True)
class MakeRows:
    res: Resources
    name: ClassVar[str] = "rows"
    reads: ClassVar[tuple[str, ...]] = ("context", "candidates")
    writes: ClassVar[tuple[str, ...]] = ("rows",)

    def __call__(self, doc: ArticleDoc) -> None:
        lex, ctx = self.res.lex, doc.ctx
        doc.rows = [event_row(lex, ctx, c) for c in doc.candidates]


def event_row(lex: Lexicons, ctx: ArticleContext, c: Candidate) -> dict[str, Any]:
    """The event columns of one candidate (fatalities: the smallest count read; attackers killed added, of any
    type: «تحييد 15 منهم» in a sweep)."""
    event_type, default_sub = ACTION_TO_ACLED[c.action_type]
    sub = c.trigger.sub_event_type if c.trigger.action_type == c.action_type and c.trigger.sub_event_type \
        else default_sub
    place = c.place
    if c.fatalities:
        fat: int | None = min(c.fatalities)
    elif c.fatalities_vague:
        fat = min(c.fatalities_vague)
    elif c.fatalities_unnumbered:
        fat = None
    else:
        fat = 0
    if c.fatalities_attackers and fat is not None:  # rule F: every death in the event, attackers included
        fat += min(c.fatalities_attackers)
    if not distinct_sides(c.action_type, c.actor1, c.actor2):
        c.actor2 = None  # one side cannot be both perpetrator and target
    return {
        "event_id": event_id(ctx.article_id, c.start, c.end, c.action_type, c.location_text),
        "article_id": ctx.article_id,
        "event_date": c.date,
        "date_precision": c.date_precision,
        "date_text": c.date_text,
        "action_type": c.action_type,
        "event_type": event_type,
        "sub_event_type": sub,
        "plover_type": lex.plover_type(c.trigger.cameo_code),
        "cameo_code": c.trigger.cameo_code,
        "trigger_text": c.trigger_text,
        "modality": c.modality,
        **actor_columns(c.actor1, c.actor2),
        "location_text": c.location_text,
        "country_code": (place.country_code if place is not None else ctx.country),
        "admin1": place.admin1 if place is not None else None,
        "admin2": place.admin2 if place is not None else None,
        "latitude": place.latitude if place is not None else None,
        "longitude": place.longitude if place is not None else None,
        "geonames_id": place.geonames_id if place is not None else None,
        "geo_precision": place.geo_precision if place is not None else None,
        "fatalities": fat,
        "injured": min(c.injured) if c.injured else 0,
        "evidence": c.evidence,
        "char_start": c.start,
        "char_end": c.end,
        "confidence": c.confidence,
        "extractor_version": EXTRACTOR_VERSION,
    }



def distinct_sides(action: str, actor1: tuple | None, actor2: tuple | None) -> bool:
    """False when the perpetrator and the target ((text, norm, type) each) are one side, which only a clash
    between two groups of one label («اشتباكات بين مجموعتين مسلحتين») may be."""
    return not (actor1 and actor2 and actor1[1] == actor2[1] and not (
        action == "armed_clash" and dual_sides(actor1[0])))


def actor_columns(actor1: tuple | None, actor2: tuple | None) -> dict[str, Any]:
    """The actor columns of a row from its perpetrator and target ((text, norm, type) each, or None)."""
    return {
        "actor1_text": actor1[0] if actor1 else None,
        "actor1_norm": actor1[1] if actor1 else "Unidentified",
        "actor1_type": actor1[2] if actor1 else "unidentified",
        "actor2_text": actor2[0] if actor2 else None,
        "actor2_norm": actor2[1] if actor2 else None,
        "actor2_type": actor2[2] if actor2 else None,
    }
