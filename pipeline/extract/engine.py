"""The extraction engine: one article in, coded event rows out (see docs in pipeline/extract/__init__.py).

The engine's parts live in modules by concern: sentences (clauses, boilerplate), triggers (trigger, modality,
dates), actors, roles (perpetrator and target), places, tolls and assembly (merging); this module reads an
article sentence by sentence and assembles the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pipeline.extract.actors import read_actors, remember_names, restated_claim
from pipeline.extract.assembly import (
    add_candidate,
    confidence_of,
    elaborate,
    fill_from_title,
    follow_up,
    resolve_reference,
    subsume_vague,
)
from pipeline.extract.candidate import (
    STATE_FORCES,
    VIOLENT,
    ArticleContext,
    Candidate,
    dual_sides,
    event_id,
)
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.places import (
    article_country,
    dateline_end,
    event_places,
    place_mentions,
    plausible_place,
    relocate,
)
from pipeline.extract.resources import Resources
from pipeline.extract.roles import coded_roles, role_flags
from pipeline.extract.sentences import is_off_domain, read_sentences, restates
from pipeline.extract.text import (
    Token,
)
from pipeline.extract.tolls import read_toll
from pipeline.extract.triggers import (
    GENERIC_NOUNS,
    context_newsworthy,
    dominant_trigger,
    event_date,
    event_hits,
    modality_of,
    newsworthy,
)
from pipeline.schema import ACTION_TO_ACLED

EXTRACTOR_VERSION = "ar-lex-0.1.0"
_ATTACKS = frozenset({"attack", "explosion_ied", "airstrike_shelling", "armed_clash"})
__all__ = ["EXTRACTOR_VERSION", "ArticleContext", "Candidate", "Engine", "event_id"]


class Engine:
    """Codes the events of one article; each concern is a part (mixin) in its own module."""

    def __init__(self, lexicons: Lexicons, gazetteer: Any | None, *, use_dateparser_fallback: bool = True,
                 min_confidence: float = 0.0, morph_forms: Callable[[str], frozenset[str]] | None = None) -> None:
        self.lex = lexicons
        self.morph = morph_forms  # optional camel-tools backend (pipeline.extract.morphology)
        self.gaz = gazetteer
        self.use_fallback = use_dateparser_fallback
        self.min_confidence = min_confidence
        self.res = Resources(lexicons, gazetteer, morph_forms, use_dateparser_fallback, min_confidence)

    # --- article level --------------------------------------------------------------------------
    def extract(self, *, article_id: str, text: str, title: str | None, published: dt.date,
                source_country: str | None = None) -> list[dict[str, Any]]:
        """Event rows (dicts with the event columns the engine fills) for one article."""
        res = self.res
        sentences, evidence = read_sentences(res, text)
        if is_off_domain(res, sentences):
            return []
        country = article_country(res, text, title, sentences, source_country)
        ctx = ArticleContext(article_id, published, country)
        events: list[Candidate] = []
        last_group: tuple[str, str, str] | None = None
        seen: list[set[str]] = []
        for idx, (s, e, norm, offs, toks) in enumerate(sentences):
            if restates(toks, norm, seen):
                continue  # the lead repeated in the body («وقُتل جنديان ... بحسب المصدر») is no new event
            seen.append({t.text for t in toks})
            n_before = len(events)
            last_group = self._sentence(ctx, idx, text, s, e, norm, offs, toks, events, last_group)
            if idx in evidence:
                for c in events[n_before:]:
                    c.start, c.end = evidence[idx]
                    c.evidence = text[c.start:c.end]
        fill_from_title(res, ctx, title, events)
        events = subsume_vague(events)
        if any(c.action_type in ("protest", "riot") for c in events):
            # forces deployed around a protest or riot police it; they do not move into or leave an area
            events = [c for c in events if not (c.action_type == "deployment_withdrawal" and c.actor1 is not None
                                                and c.actor1[2] == STATE_FORCES)]
        return [self._row(ctx, c) for c in events if c.confidence >= self.min_confidence]

    def _sentence(self, ctx: ArticleContext, idx: int, text: str, s: int, e: int, norm: str,
                  offs: list[int], toks: list[Token], events: list[Candidate],
                  last_group: tuple[str, str, str] | None) -> tuple[str, str, str] | None:
        """Code one sentence: new events are appended to ``events`` (or merged into earlier ones); returns the
        armed group an anaphor («الحركة», «التنظيم») in a later sentence refers to."""
        res = self.res
        cue_kinds = [(m.entry, m.first, m.last) for m in self.lex.cues.find(toks)]

        def orig(a: int, b: int) -> str:  # normalised [a, b) -> the article's own characters
            return text[s + offs[a]: s + offs[b - 1] + 1]

        actors = [(a[0], orig(toks[a[0]].start, toks[a[4] - 1].end), *a[2:])
                  for a in read_actors(res, ctx, toks, last_group)]
        for a in actors:
            if a[3] in ("rebels", "political_militia") and a[2] not in ("Unidentified gunmen",):
                last_group = a[1:4]
        hits, background = event_hits(res, toks, cue_kinds)
        remember_names(res, ctx, toks, actors)
        if not hits:
            if not background:
                follow_up(res, ctx, events, norm, toks, cue_kinds, actors)
            return last_group
        if background:
            return last_group
        screened = newsworthy(res, ctx, norm, toks, cue_kinds, hits)
        if screened is None:
            return last_group
        hits, dates, event_dates = screened
        mentions = [pm for pm in place_mentions(res, norm, ctx.country) if plausible_place(pm, ctx)]
        context_at = min((f for k, f, _l in cue_kinds if k == "context"), default=None)
        hits = [h for h in hits if context_at is None or h.first < context_at
                or context_newsworthy(h, toks, event_dates, mentions)]
        if not hits:
            return last_group
        main = dominant_trigger(hits, toks, cue_kinds, actors)
        if main is None:
            return last_group
        main, another, elaboration, prev = resolve_reference(hits, main, toks, cue_kinds, events, mentions,
                                                            event_dates)
        action = main.entry.action_type
        if any(k == "condemn" and 0 < main.first - f <= 6 for k, f, _l in cue_kinds):
            return last_group  # «ودانت الخارجية الهجوم»: a reaction to an event, not a new one
        if action in VIOLENT and another is None and \
                restated_claim(toks, main, cue_kinds, actors, events, mentions):
            return last_group  # «وزعم الجيش أنه استهدف ...»: the perpetrator's account of an event already coded
        toll = read_toll(res, toks, cue_kinds)
        flags = role_flags(res, actors, toks, cue_kinds, action)
        if elaboration and prev is not None:
            elaborate(prev, actors, flags, cue_kinds, toks, event_dates, toll, main)
            relocate(ctx, prev, norm, toks, actors, mentions, main, orig)
            return last_group
        if elaboration and another is None and idx > 0 and not events and main.entry.pattern[0] in GENERIC_NOUNS \
                and action in _ATTACKS:
            return last_group  # «تمكن من احتواء الهجوم»: a reference back to an attack the article did not code
        separate = another is not None or any(k == "separate" for k, _f, _l in cue_kinds)
        date, precision, date_text, from_cue = event_date(ctx, event_dates, events, norm, separate=separate)
        modality = modality_of(toks, main, cue_kinds, dates)
        action, a1, a2 = coded_roles(res, ctx, actors, main, toks, cue_kinds, flags, toll.fatalities, events)
        locs, own_location = event_places(ctx, norm, toks, actors, mentions, main, events, orig,
                                                dateline_end(norm) if s == 0 else -1)
        for loc_text, place in locs:
            cand = Candidate(
                action_type=action, trigger=main.entry,
                trigger_text=" ".join(t.text for t in toks[main.first:main.last]),
                sentence_idx=idx, start=s, end=e, evidence=text[s:e],
                modality=modality, date=date, date_precision=precision, date_text=date_text,
                date_from_cue=from_cue,
                actor1=a1[1:4] if a1 else None, actor2=a2[1:4] if a2 else None,
                location_text=loc_text, place=place, fatalities=list(toll.fatalities),
                fatalities_vague=list(toll.vague), fatalities_unnumbered=toll.unnumbered,
                injured=list(toll.injured), fatalities_attackers=list(toll.attackers),
                confidence=confidence_of(main.entry, a1, place, from_cue), own_location=own_location,
            )
            add_candidate(events, cand, prev)
        return last_group

    # --- output ---------------------------------------------------------------------------------
    def _row(self, ctx: ArticleContext, c: Candidate) -> dict[str, Any]:
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
        if c.fatalities_attackers and fat is not None and c.action_type in ("attack", "explosion_ied",
                                                                                 "armed_clash"):
            fat += min(c.fatalities_attackers)
        if c.actor1 and c.actor2 and c.actor1[1] == c.actor2[1] and not (
                c.action_type == "armed_clash" and dual_sides(c.actor1[0])):
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
            "plover_type": self.lex.plover_type(c.trigger.cameo_code),
            "cameo_code": c.trigger.cameo_code,
            "trigger_text": c.trigger_text,
            "modality": c.modality,
            "actor1_text": c.actor1[0] if c.actor1 else None,
            "actor1_norm": c.actor1[1] if c.actor1 else "Unidentified",
            "actor1_type": c.actor1[2] if c.actor1 else "unidentified",
            "actor2_text": c.actor2[0] if c.actor2 else None,
            "actor2_norm": c.actor2[1] if c.actor2 else None,
            "actor2_type": c.actor2[2] if c.actor2 else None,
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

