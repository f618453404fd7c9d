"""Event assembly: elaborations and same-event merging (rule E3), region-level events subsumed, the headline's actor."""

from __future__ import annotations

from pipeline.extract.actors import after_kind, credit_claimant, credit_suspect, read_actors
from pipeline.extract.candidate import (
    VIOLENT,
    ArticleContext,
    Candidate,
    same_place_as,
)
from pipeline.extract.dates import DateMention, earlier_report
from pipeline.extract.lexicon import Match, Trigger
from pipeline.extract.resources import Resources
from pipeline.extract.roles import perpetrator_and_target, role_flags
from pipeline.extract.text import (
    Token,
    normalize_arabic,
    tokenize,
)
from pipeline.extract.tolls import Toll, update_toll
from pipeline.extract.triggers import ANOTHER, GENERIC_NOUNS, QUANTIFIERS, set_start_date

_PREC_RANK = {"town": 3, "district": 2, "region": 1, "country": 0}


def follow_up(res: Resources, ctx: ArticleContext, events: list[Candidate], norm: str, toks: list[Token],
              cue_kinds: list, actors: list[tuple]) -> None:
    """A sentence without a trigger adds to the event before it: a toll, a claimant, or the day an event
    referred back to («العملية انطلقت فجر أمس») started."""
    if events and events[-1].action_type in VIOLENT:
        update_toll(res, events[-1], toks, cue_kinds)
        credit_claimant(events[-1], actors, cue_kinds, toks)
    if events and any(t.text.startswith("ال") and t.text[2:] in GENERIC_NOUNS for t in toks):
        set_start_date(ctx, events[-1], norm, toks, cue_kinds)


def resolve_reference(hits: list[Match], main: Match, toks: list[Token], cue_kinds: list,
                      events: list[Candidate], mentions: list,
                      event_dates: list[DateMention]) -> tuple[Match, Match | None, bool, Candidate | None]:
    """Does the sentence elaborate an event already coded («الهجوم», «العملية», an anaphor) or report
    another one («هجوم آخر»)? Returns (main trigger, the «another» trigger or None, elaboration?, the
    earlier compatible event or None)."""
    kinds = {k for k, _f, _l in cue_kinds}
    anaphoric, renewal = "anaphor" in kinds, "renewal" in kinds
    another = next((h for h in hits if h.last < len(toks) and toks[h.last].text in ANOTHER), None)
    if another is not None:  # «عملية أخرى», «هجوم آخر»: a separate incident, never an elaboration
        main = another
    trig = main.entry
    quantified = main.first > 0 and toks[main.first - 1].text in QUANTIFIERS
    definite = (toks[main.first].text.startswith(("ال", "وال", "بال", "فال")) and not quantified) or \
        (main.first > 0 and toks[main.first - 1].text in ("هذه", "هذا"))
    elaboration = ((definite and not renewal) or anaphoric) and another is None
    # «أسفرت العملية عن ...», «الهجوم الذي ...»: a definite generic noun before the trigger refers back
    refers_back = another is None and not renewal and any(
        t.text.startswith("ال") and t.text[2:] in GENERIC_NOUNS for t in toks[:main.first])
    generic = (definite and len(trig.pattern) == 1 and trig.pattern[0] in GENERIC_NOUNS) or refers_back
    elaboration = elaboration or refers_back
    prev = previous_compatible(events, trig.action_type, family=anaphoric or generic)
    if generic and prev is not None and prev.action_type != trig.action_type and \
            any(not same_place_as(prev, pm.place) for pm in mentions if pm.place.geo_precision != "country"):
        prev = None  # a generic noun with places of its own is not about the earlier event
    if prev is not None and anaphoric and not definite and not refers_back and \
            _later_incident(prev, event_dates, mentions):
        elaboration = False  # «اشتبكت، أمس الاثنين، مع المهاجمين قرب بلدة تيليا»: a later incident
    return main, another, elaboration, prev


def elaborate(prev: Candidate, actors: list[tuple], flags: tuple[set[int], set[int], set[int]],
              cue_kinds: list, toks: list[Token], event_dates: list[DateMention], toll: Toll,
              main: Match) -> None:
    """Merge an elaborating sentence into ``prev``: its date and toll, and its actors unless they are
    victims, sources or partners; a claimant or a party blamed becomes the perpetrator."""
    usable = [a for a in actors if a[0] not in flags[0] | flags[1] | flags[2]]
    if credit_suspect(prev, actors, cue_kinds) or not credit_claimant(prev, usable, cue_kinds, toks):
        usable = [a for a in usable if not after_kind(a, cue_kinds, "suspect")]
    else:
        usable = []
    merge_elaboration(prev, event_dates, toll.fatalities, toll.vague, toll.unnumbered, toll.injured,
                      usable, main)
    prev.fatalities_attackers += toll.attackers


def add_candidate(events: list[Candidate], cand: Candidate, prev: Candidate | None) -> None:
    """Append ``cand`` unless it is the same event as an earlier one (rule E3); with no perpetrator of its
    own it takes the sides of the earlier same-type event («the same two sides on another front»)."""
    if cand.actor1 is None and prev is not None and prev.action_type == cand.action_type:
        cand.actor1 = prev.actor1
        if cand.actor2 is None and prev.actor2 is not None and prev.actor2 != prev.actor1:
            cand.actor2 = prev.actor2  # the same two sides fighting on another front
    if not merge_same(events, cand):
        events.append(cand)


def fill_from_title(res: Resources, ctx: ArticleContext, title: str | None, events: list[Candidate]) -> None:
    """An actor named only in the headline («قوات الدعم السريع تقصف ...») is the perpetrator of the
    same-type events the text reports without naming one."""
    if not title or not any(c.actor1 is None for c in events):
        return
    toks = tokenize(normalize_arabic(title))
    hits = res.lex.triggers.find(toks, res.morph)
    actors = [a for a in read_actors(res, ctx, toks, None) if a[3] not in ("civilians",)]
    if not hits or not actors:
        return
    main = max(hits, key=lambda h: (h.entry.weight, h.last - h.first))
    cue_kinds = [(m.entry, m.first, m.last) for m in res.lex.cues.find(toks)]
    flags = role_flags(res, actors, toks, cue_kinds, main.entry.action_type)
    agent, _target = perpetrator_and_target(actors, main, toks, main.entry.action_type, flags)
    if agent is None or agent[0] in flags[0]:
        return
    action = main.entry.action_type
    for c in events:
        if c.actor1 is None and (c.action_type == action or (action in VIOLENT and c.action_type in VIOLENT
                                                             and c.sentence_idx == 0)):
            c.actor1 = agent[1:4]
            if c.actor2 is not None and c.actor2[1] == agent[2]:
                c.actor2 = None


def previous_compatible(events: list[Candidate], action: str, *, family: bool) -> Candidate | None:
    for c in reversed(events):
        if c.action_type == action or (family and c.action_type in VIOLENT and action in VIOLENT):
            return c
    return None


def merge_elaboration(prev: Candidate, dates: list[DateMention], fat: list[int], vague: list[int],
                      unnumbered: bool, inj: list[int], actors: list, main: Match) -> None:
    d = earlier_report(prev.date, prev.date_from_cue, dates)
    if d is not None:
        prev.date, prev.date_precision, prev.date_from_cue = d.date, "day", True
    prev.fatalities += fat
    prev.fatalities_vague += vague
    prev.fatalities_unnumbered |= unnumbered
    prev.injured += inj
    if prev.actor1 is None and actors:
        prev.actor1 = actors[0][1:4]
    elif prev.actor2 is None:
        other = next((a for a in actors if a[2] != (prev.actor1 or ("", ""))[1]), None)
        if other:
            prev.actor2 = other[1:4]


def merge_same(events: list[Candidate], cand: Candidate) -> bool:
    """Rule E3: same actor, date, type and place -> one event (keep the stronger trigger's evidence)."""
    for c in events:
        if (c.action_type == cand.action_type and c.date == cand.date and c.modality == cand.modality
                and _same_place(c, cand) and (c.actor1 is None or cand.actor1 is None
                                              or c.actor1[1] == cand.actor1[1])):
            # the lead sentence summarises; a later sentence naming the place itself is the better evidence
            detail = c.sentence_idx == 0 and cand.own_location and _rank(cand) >= _rank(c)
            if cand.trigger.weight > c.trigger.weight or detail:
                c.start, c.end, c.evidence, c.trigger = cand.start, cand.end, cand.evidence, cand.trigger
                c.sentence_idx = cand.sentence_idx
                c.trigger_text = cand.trigger_text
            c.actor1 = c.actor1 or cand.actor1
            c.actor2 = c.actor2 or cand.actor2
            c.fatalities += cand.fatalities
            c.fatalities_vague += cand.fatalities_vague
            c.fatalities_attackers += cand.fatalities_attackers
            c.injured += cand.injured
            return True
    return False


def subsume_vague(events: list[Candidate]) -> list[Candidate]:
    """A region-level event is dropped when a town-level event of the same type in its region exists."""
    keep = []
    for c in events:
        better = [o for o in events if o is not c and o.action_type == c.action_type
                  and _rank(o) > _rank(c) and _admin1(o) is not None and _admin1(o) == _admin1(c)
                  and o.modality == c.modality]
        # a region-level summary (often the lead) is subsumed by a same-type event in that region, named
        # either more precisely or in a later sentence at the same place
        better = better + [o for o in events if o is not c and o.action_type == c.action_type
                           and _rank(c) <= 1 and o.sentence_idx > c.sentence_idx and _same_place(o, c)
                           and o.modality == c.modality and o.date == c.date]
        if better and _rank(c) <= 1:
            b = better[0]
            if not b.fatalities and c.fatalities:
                b.fatalities = list(c.fatalities)
            b.actor1 = b.actor1 or c.actor1
            if b.actor2 is None and c.actor2 is not None and (b.actor1 is None or c.actor2[1] != b.actor1[1]):
                b.actor2 = c.actor2
            if not b.date_from_cue and c.date_from_cue:
                b.date, b.date_precision, b.date_from_cue = c.date, c.date_precision, True
            continue
        keep.append(c)
    return keep


def confidence_of(trig: Trigger, actor, place, from_cue: bool) -> float:
    score = 0.35 + 0.3 * trig.weight + (0.15 if actor else 0) + (0.1 if place is not None else 0) + \
        (0.05 if from_cue else 0)
    return round(min(1.0, score), 3)


def _later_incident(prev: Candidate, event_dates: list[DateMention], mentions: list) -> bool:
    """A sentence with a day of its own other than the earlier event's and a place of its own elsewhere."""
    days = [d.date for d in event_dates if d.precision == "day" and not d.future]
    places = [pm.place for pm in mentions if pm.place is not None and pm.place.geo_precision != "country"]
    return bool(days) and prev.date not in days and bool(places) and \
        not any(same_place_as(prev, p) for p in places)


def _rank(c: Candidate) -> int:
    """Place precision rank; «ريف X» (the countryside of a city) is region-level whatever the gazetteer says."""
    if c.location_text and normalize_arabic(c.location_text).startswith(("ريف", "بريف", "وريف")):
        return _PREC_RANK["region"]
    return _PREC_RANK.get(getattr(c.place, "geo_precision", None) or "", 0)


def _admin1(c: Candidate) -> str | None:
    return getattr(c.place, "admin1", None)


def _same_place(a: Candidate, b: Candidate) -> bool:
    if a.place is not None and b.place is not None:
        pa, pb = a.place, b.place
        if pa.geonames_id is not None and pa.geonames_id == pb.geonames_id:
            return True
        return pa.name == pb.name and pa.country_code == pb.country_code
    return a.location_text == b.location_text
