"""The event being built (Candidate), the article it comes from, and small helpers over candidates."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from pipeline.extract.lexicon import Trigger

VIOLENT = {"armed_clash", "attack", "airstrike_shelling", "explosion_ied", "abduction", "riot",
           "security_operation", "arrest_raid", "protest"}
STATE_FORCES = "state_forces"


@dataclass
class Candidate:
    """An event being built from one sentence (and the elaboration sentences merged into it)."""

    action_type: str
    trigger: Trigger
    trigger_text: str
    sentence_idx: int
    start: int
    end: int
    evidence: str
    modality: str
    date: dt.date
    date_precision: str
    date_text: str | None
    date_from_cue: bool
    actor1: tuple[str, str, str] | None  # text, norm, type
    actor2: tuple[str, str, str] | None
    location_text: str | None
    place: Any
    fatalities: list[int] = field(default_factory=list)
    fatalities_vague: list[int] = field(default_factory=list)
    fatalities_attackers: list[int] = field(default_factory=list)  # attackers killed by the defenders (rule F)
    fatalities_unnumbered: bool = False
    injured: list[int] = field(default_factory=list)
    confidence: float = 0.5
    own_location: bool = False  # the place is named in the evidence sentence itself (not inherited)
    created_in: int = -1  # the sentence that created it (its span stays that clause until a merge moves it)

@dataclass(frozen=True)
class ArticleContext:
    article_id: str
    published: dt.date
    country: str | None
    # officials' surnames seen in apposition («المبعوث الأمريكي توم براك») -> (norm, type); "" -> last role
    names: dict[str, tuple[str, str]] = field(default_factory=dict)

def event_id(article_id: str, char_start: int, char_end: int, action_type: str, location_text: str | None) -> str:
    key = "\x1f".join([article_id, str(char_start), str(char_end), action_type, location_text or ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def same_place_as(c: Candidate, place: Any) -> bool:
    if c.place is None or place is None:
        return c.place is None and place is None
    if c.place.geonames_id is not None and c.place.geonames_id == place.geonames_id:
        return True
    return c.place.name == place.name and c.place.country_code == place.country_code

def dual_sides(norm_text: str) -> bool:
    return any(w.endswith("تين") or w in ("الطرفين", "طرفين", "فصيلين") for w in norm_text.split())
