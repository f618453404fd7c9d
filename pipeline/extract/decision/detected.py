"""Rows for events the sentence detector finds where the rules coded none of that type.

The detector gives a sentence and an action_type; the arguments come from the rule engine's own readers over
the sentence's clauses (already tokenised, with their cues and actors, by the article pass): the first actor
named, the date by the rules' own chain (``dates.event_day``: the earliest usable stated date, else the day of
the announcement, else the date of the article's nearest kept event before it dated from the text, else of its
first, else the publication date), the toll, and the place the rules' place step would read in the sentence
(``places.event_places``; a town or region before a place named only in the dateline, before a country), else
the place of the article's nearest kept event before it (else its first), else (not for talks) the town or region
the nearest earlier sentence named (``places.earlier_place``, as the rules' place step). The row itself is made
by the rules' ``event_row``. ``DetectedRows.roles`` re-reads the roles of a rule row the model retypes.
``date_rereads`` dates the rows the layer re-read from a sentence alone the same way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from pipeline.extract.candidate import Candidate
from pipeline.extract.components.place import TALKS
from pipeline.extract.components.rows import actor_columns, distinct_sides, event_row
from pipeline.extract.dates import EventDay, event_day, opens_new_item
from pipeline.extract.decision.nearest import nearest_row
from pipeline.extract.document import ArticleDoc, Sentence
from pipeline.extract.lexicon import Lexicons, Match, Trigger
from pipeline.extract.places import dateline_end, earlier_place, event_places, place_mentions, plausible_place
from pipeline.extract.resources import Resources
from pipeline.extract.roles import coded_roles, role_flags
from pipeline.extract.text import Token, normalize_arabic
from pipeline.extract.tolls import read_toll
from pipeline.extract.triggers import clause_dates

GEO_COLUMNS = ("location_text", "country_code", "admin1", "admin2", "latitude", "longitude", "geonames_id",
               "geo_precision")


def action_triggers(lex: Lexicons) -> dict[str, Trigger]:
    """Per action_type, a pattern-less trigger carrying the CAMEO code most of its lexicon triggers have."""
    codes: dict[str, Counter[str]] = {}
    for entries in lex.triggers.by_first.values():
        for _pattern, entry in entries:
            if isinstance(entry, Trigger):
                codes.setdefault(entry.action_type, Counter())[entry.cameo_code] += 1
    return {action: Trigger((), action, None, min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0], 0.0)
            for action, c in sorted(codes.items())}


@dataclass(frozen=True)
class DetectedRows:
    """Builds the row of a detected event of ``action`` whose evidence is the sentence [start, end)."""

    res: Resources
    triggers: dict[str, Trigger]

    @classmethod
    def build(cls, res: Resources) -> DetectedRows:
        return cls(res, action_triggers(res.lex))

    def __call__(self, doc: ArticleDoc, start: int, end: int, action: str, confidence: float,
                 kept: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The row, or None when the sentence is boilerplate (no clause of the article pass) or the action
        has no trigger in the lexicon."""
        clauses = [s for s in doc.sentences if s.start < end and s.end > start]
        trigger = self.triggers.get(action)
        if not clauses or trigger is None or doc.context is None:
            return None
        ctx = doc.ctx
        actor = next((s.actors[0] for s in clauses if s.actors), None)
        day, date_text = self._date(doc, clauses, kept, start)
        toll = next((t for t in (read_toll(self.res, s.tokens, s.cues) for s in clauses)
                     if t.fatalities or t.vague or t.unnumbered or t.injured), None)
        place_text, place = self._place(doc, clauses)
        own_location = place is not None
        if place is None and _article_place(kept, start) is None and action not in TALKS:
            place_text, place = earlier_place(self.res, doc, clauses[0].idx) or (None, None)
        cand = Candidate(
            action_type=action, trigger=trigger, trigger_text=None, sentence_idx=clauses[0].idx, start=start,
            end=end, evidence=doc.text[start:end], modality="asserted", date=day.date, date_precision=day.precision,
            date_text=date_text, date_from_cue=day.from_text,
            actor1=(actor[1], actor[2], actor[3]) if actor else None, actor2=None, location_text=place_text,
            place=place, fatalities=list(toll.fatalities) if toll else [],
            fatalities_vague=list(toll.vague) if toll else [],
            fatalities_unnumbered=toll.unnumbered if toll else False,
            injured=list(toll.injured) if toll else [], fatalities_attackers=list(toll.attackers) if toll else [],
            confidence=confidence, own_location=own_location)
        row = event_row(self.res.lex, ctx, cand)
        ref = _article_place(kept, start)
        if ref is not None and (place is None or (
                place.geo_precision == "country" and ref.get("geo_precision") not in (None, "country")
                and ref.get("country_code") == place.country_code)):
            row.update({k: ref[k] for k in GEO_COLUMNS})  # a town named earlier beats the country
        return row

    def roles(self, doc: ArticleDoc, index: int, row: dict[str, Any], action: str) -> dict[str, Any]:
        """``row`` (made from ``doc.candidates[index]``) with the perpetrator and target the rules' role reading
        (``roles.coded_roles``) gives when its trigger is read as ``action``: a row the model retypes takes the
        roles of its new type. Unchanged when its trigger is not found among its sentence's readings."""
        candidate = doc.candidates[index]
        s = doc.sentences[candidate.created_in] if 0 <= candidate.created_in < len(doc.sentences) else None
        if s is None or s.reading is None or doc.context is None:
            return row
        match = next((m for m in [*filter(None, [s.reading.main]), *s.reading.hits]
                      if m.entry is candidate.trigger and isinstance(m.entry, Trigger)
                      and " ".join(t.text for t in s.tokens[m.first:m.last]) == candidate.trigger_text), None)
        if match is None:
            return row
        before = doc.candidates[:index]
        retyped = Match(replace(match.entry, action_type=action), match.first, match.last)
        flags = role_flags(self.res, s.actors, s.tokens, s.cues, action)
        toll = read_toll(self.res, s.tokens, s.cues)
        _action, a1, a2 = coded_roles(self.res, doc.ctx, s.actors, retyped, s.tokens, s.cues, flags,
                                      toll.fatalities, before)
        actor1, actor2 = (a1[1:4] if a1 else None), (a2[1:4] if a2 else None)
        if not distinct_sides(action, actor1, actor2):
            actor2 = None
        return dict(row, **actor_columns(actor1, actor2))

    def _date(self, doc: ArticleDoc, clauses: list[Sentence], kept: list[dict[str, Any]], start: int
              ) -> tuple[EventDay, str | None]:
        """``dates.event_day`` of the first clause that dates its event (stated or announced), with the text of
        that date; else the date of the article's nearest kept event before ``start`` (else of its first), else
        the day of the article's lead (precision month), else the publication date: one ``dates.event_day`` chain.
        A sentence opening a new item of a round-up (``dates.opens_new_item``) takes neither of the first two."""
        for s in clauses:
            day = event_day(*clause_dates(self.res, doc.published, s), doc.published)
            if day.mention is not None:
                return day, s.source(doc.text, day.mention.start, day.mention.end)
        ref = nearest_row(_dated_by_text(kept), start)
        continued = None if ref is None else (ref["event_date"], ref["date_precision"])
        return event_day([], [], doc.published, continued, doc.lead_dates(start),
                         separate=opens_new_item(clauses[0].norm)), None

    def _place(self, doc: ArticleDoc, clauses: list[Sentence]) -> tuple[str | None, Any]:
        """Where the detected event happened, read like the rules' place step reads a sentence
        (``places.event_places``): the place after the clause's dominant trigger (else after its dateline),
        not an actor's, an origin's, a destination's or a launch site's, the container of a homonym. The first
        clause naming its own town or region wins; else a town or region named only in the dateline (where the
        report was filed: «بغداد – أعلن رئيس الوزراء ...»); else the first country a clause names as its own;
        (None, None) when no clause names a place."""
        ctx = doc.ctx
        filed: tuple[str, Any] | None = None
        country_level: tuple[str, Any] | None = None
        for s in clauses:
            mentions = s.reading.mentions if s.reading is not None and s.reading.mentions else \
                [pm for pm in place_mentions(self.res, s.norm, ctx.country) if plausible_place(pm, ctx, s.norm)]
            if not mentions or not s.tokens:
                continue
            dateline = dateline_end(s.norm) if s.start == 0 else -1
            main = s.reading.main if s.reading is not None and s.reading.main is not None else \
                _anchor(s.tokens, dateline)
            locs, own = event_places(ctx, s.norm, s.tokens, s.actors, mentions, main, [],
                                     lambda a, b, s=s: s.source(doc.text, a, b), dateline)
            text, place = locs[0]
            if place is None:
                continue
            if own and place.geo_precision != "country":
                return text, place
            if own:
                country_level = country_level or (text, place)
            elif place.geo_precision != "country":
                filed = filed or (text, place)
        return filed or country_level or (None, None)


def _anchor(tokens: list[Token], dateline_end: int) -> Match:
    """The first token after the dateline: where a clause with no trigger of its own starts telling."""
    k = next((i for i, t in enumerate(tokens) if t.start > dateline_end), 0)
    return Match(None, k, k + 1)


def _dated_by_text(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose date was read from the text (their own sentence's, or the event it continues)."""
    return [r for r in rows if r.get("date_text")]


def date_rereads(kept: list[dict[str, Any]], article_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``kept`` with each row re-read from a sentence alone (a rule row no row of the article pass, ``article_rows``,
    overlaps) that states no date of its own dated like the rules date a sentence that continues an event (D4):
    by the article's nearest event before it dated from the text (else its first), kept or an asserted row of the
    article pass the model dropped (the lead it continues is still its anchor); read alone, the sentence had no
    earlier event and took the publication date, which a new item of a round-up (``dates.opens_new_item``) keeps."""
    refs = _dated_by_text(kept + [a for a in article_rows if a.get("modality", "asserted") == "asserted"])
    out = []
    for r in kept:
        if r.get("trigger_text") is not None and not r.get("date_text") and not any(
                min(r["char_end"], a["char_end"]) > max(r["char_start"], a["char_start"]) for a in article_rows):
            ref = nearest_row(refs, r["char_start"])
            day = None if ref is None else event_day(
                [], [], r["event_date"], (ref["event_date"], ref["date_precision"]),
                separate=opens_new_item(normalize_arabic(r.get("evidence") or "")))
            if day is not None and day.how == "continued":
                r = dict(r, event_date=day.date, date_precision=day.precision)
        out.append(r)
    return out


def _article_place(kept: list[dict[str, Any]], start: int) -> dict[str, Any] | None:
    """The kept event with a place nearest before ``start`` (else the first with a place)."""
    return nearest_row([r for r in kept if r.get("location_text")], start)
