"""Places: gazetteer mentions, the article's country, where an event happened and lists of towns (rule E2)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from pipeline.extract.candidate import (
    ArticleContext,
    Candidate,
)
from pipeline.extract.document import Sentence
from pipeline.extract.geo import DIRECTIONS
from pipeline.extract.lexicon import Match
from pipeline.extract.memo import BoundedMemo
from pipeline.extract.resources import Resources
from pipeline.extract.text import (
    Token,
    clitic_variants,
    token_text,
)

logger = logging.getLogger(__name__)

_AFFILIATION = frozenset({"الموالي", "الموالية", "الموالين", "الموالون", "التابع", "التابعه", "التابعين",
                          "المدعوم", "المدعومه", "المدعومين",
                          # «العشرات من أبناء محافظة حضرموت في مديرية نهم»: where people come from
                          "ابناء", "وابناء", "لابناء", "بابناء"})

_TRIBES = frozenset(c + w for w in ("قبيله", "قبائل", "عشيره", "عشائر") for c in ("", "و", "ل", "ب"))
"""«مجاميع قبائل همدان»: a bare name after these is a tribe or clan of that name, not where it fought («قبائل
محافظة مأرب», with a division word, still names a place)."""

# dual and plural place nouns that introduce a list of towns (rule E2: one event per town)
# (neighbourhoods «حيي/أحياء» are sites inside one city: one event, clarification 5)
_LIST_CUES = frozenset({"بلدتي", "قريتي", "مدينتي", "منطقتي", "مخيمي", "بلدات", "قري", "مدن", "مخيمات", "بلدتا",
                        "قريتا", "مدينتا", "منطقتا"})

_LIST_CUE_TOKENS = BoundedMemo(100_000)  # token -> whether one of its clitic readings is a list cue


def _list_cue(token: str) -> bool:
    """Whether ``clitic_variants(token)`` holds one of ``_LIST_CUES`` (remembered per token)."""
    return _LIST_CUE_TOKENS.one(token, _plain_list_cue)


def _plain_list_cue(token: str) -> bool:
    return bool(clitic_variants(token) & _LIST_CUES)


_PLURAL_LIST_CUES = frozenset({"بلدات", "قري", "مدن", "مخيمات"})

_LIST_STOP = frozenset({"في", "علي", "قرب", "من", "الي", "عند", "داخل", "شمال", "جنوب", "شرق", "غرب", "شمالي",
                        "جنوبي", "شرقي", "غربي", "ريف", "محافظه", "ولايه", "قضاء", "ناحيه", "منطقه", "مديريه",
                        "التابعه", "التابعتين", "ما", "مما", "الحدوديه", "المحاذيه", "المجاوره", "وسط", "اطراف",
                        "منذ", "خلال", "بعد", "قبل", "حيث", "التي", "الذي", "اليوم", "امس", "فجر", "صباح", "مساء",
                        "ليل", "ليله", "عن", "مع", "ضد", "بين", "دون", "وفق", "بحسب", "حسب", "بينما", "فيما",
                        # «في المدن الأربع، أسفرت ...»: a count or a back-reference, not a list of names
                        "الاثنتين", "الثلاث", "الاربع", "الخمس", "الست", "السبع", "الثلاثه", "الاربعه", "الخمسه",
                        "المذكوره", "المذكورين", "نفسها", "الاخري", "اخري", "عده", "مختلفه", "متفرقه", "اسفرت",
                        "اسفر"})


def event_places(ctx: ArticleContext, norm: str, toks: list[Token], actors: list[tuple], mentions: list,
                 main: Match, events: list[Candidate], orig: Callable[[int, int], str],
                 dateline_end: int = -1) -> tuple[list[tuple], bool]:
    """Where the event happened, as (location text, place) pairs (one per listed town, rule E2), and whether
    the sentence names it; a sentence naming no place inherits the previous event's. A place named only
    in the dateline («عمّان – ...», before ``dateline_end``) is where the report was filed: used, but not
    as the sentence's own place (an elaboration naming the place replaces it)."""
    spans = [(toks[a[0]].start, toks[a[4] - 1].end) for a in actors if a[4] > a[0]]
    loc_mentions = [pm for pm in mentions if not any(a <= pm.start < b for a, b in spans)
                    and not foreign_origin(pm, norm, ctx.country)]
    locs = [(orig(pm.start, pm.end), pm.place)
            for pm in event_locations(loc_mentions, toks, main, norm, ctx, dateline_end)]
    if locs and all(p is not None and p.geo_precision == "country" for _t, p in locs) and events and \
            events[-1].place is not None and events[-1].place.geo_precision != "country" and \
            events[-1].place.country_code == locs[0][1].country_code:
        locs = [(events[-1].location_text, events[-1].place)]  # a town named earlier beats the country
    listed = listed_places(toks, norm, mentions, locs, orig, events[-1].place if events else None,
                           toks[main.first].start)
    if listed:
        locs = listed  # «في بلدتي X وY», «قرى X وY وZ»: one event per named town (rule E2)
    own_location = bool(locs) and not all(dateline_end > 0 and pm.end <= dateline_end
                                          for pm in loc_mentions if pm.place is not None)
    if not locs:
        inherited = events[-1] if events else None
        locs = [(inherited.location_text, inherited.place)] if inherited else [(None, None)]
    return locs, own_location


def earlier_place(res: Resources, doc: Any, idx: int) -> tuple[str, Any] | None:
    """«عززت القوى الأمنية مداخل السراي في ساحة رياض الصلح ... وتمكن محتجون أمس من خرق البوابة»: for an event
    whose sentence names no place and follows no event, the town or region of the article's country that the
    nearest earlier sentence named (its dateline included), as (location text, place); None if there is none."""
    country = doc.ctx.country
    for s in reversed(doc.sentences[:idx]):
        mentions = s.reading.mentions if s.reading is not None and s.reading.mentions else \
            place_mentions(res, s.norm, country)
        for pm in reversed(mentions):
            place = pm.place
            if place is not None and place.geo_precision != "country" and plausible_place(pm, doc.ctx, s.norm) and \
                    (country is None or place.country_code == country) and not solidarity_topic(pm, s.norm):
                return s.source(doc.text, pm.start, pm.end), place
    return None


def dateline_place(res: Resources | None, doc: Any) -> tuple[str, Any] | None:
    """«الرياض – بحث وزير الخارجية ...»: the town or region named by the article's dateline (where the report
    was filed), as (location text, place); None without a dateline naming one."""
    if not doc.sentences:
        return None
    s = doc.sentences[0]
    end = dateline_end(s.norm)
    if end < 0:
        return None
    mentions = s.reading.mentions if s.reading is not None and s.reading.mentions else \
        (place_mentions(res, s.norm, doc.ctx.country) if res is not None else [])
    for pm in mentions:
        if pm.end <= end and pm.place is not None and pm.place.geo_precision != "country":
            return s.source(doc.text, pm.start, pm.end), pm.place
    return None


def relocate(ctx: ArticleContext, prev: Candidate, norm: str, toks: list[Token], actors: list[tuple],
             mentions: list, main: Match, orig: Callable[[int, int], str]) -> None:
    """«وأوضح المصدر أن الاشتباك وقع قرب بلدة أم الجمال»: an elaboration naming the place of an event that
    had only its dateline, or only its country («على الساحل الجنوبي للبنان»), takes that place (of that country)."""
    vague = prev.place is None or prev.place.geo_precision == "country"
    if prev.own_location and not vague:
        return
    locs, own = event_places(ctx, norm, toks, actors, mentions, main, [], orig)
    if own and len(locs) == 1 and locs[0][1] is not None and locs[0][1].geo_precision != "country" and (
            not prev.own_location or prev.place is None or prev.place.country_code == locs[0][1].country_code):
        prev.location_text, prev.place, prev.own_location = locs[0][0], locs[0][1], True


def place_mentions(res: Resources, norm: str, country: str | None) -> list:
    if res.gaz is None:
        return []
    try:
        return res.gaz.find_place_mentions(norm, country_hint=country)
    except Exception:  # geocoding must not break extraction of the rest
        logger.exception("gazetteer failed")
        return []


_SITE_WORDS = frozenset({"موقع", "ثكنه", "مستعمره", "قاعده", "معسكر"})
"""Words before the name of a military post or settlement («استهدف موقع حانيتا», «ثكنة برانيت», «مستعمرة إيفن
مناحم»): a small place across a border that a report names after one is that place, not an ordinary word."""


def plausible_place(pm: Any, ctx: ArticleContext, norm: str) -> bool:
    """Drop gazetteer hits that are probably ordinary words (no cue, foreign, small); a foreign site named after
    a ``_SITE_WORDS`` word (in ``norm``, the sentence the mention was found in) stays."""
    place = pm.place
    if place is None:
        return False
    if place.geo_precision == "country" or pm.cue:
        return True
    if ctx.country is None or place.country_code == ctx.country:
        return True
    return place.population >= 300_000 or _after_site_word(pm, norm)


def _after_site_word(pm: Any, norm: str) -> bool:
    first = norm[pm.start:pm.end].split(None, 1)[:1]
    before = norm[:pm.start].rsplit(None, 1)[-1:]
    return any(w in _SITE_WORDS or w[1:] in _SITE_WORDS for w in first + before)


DATELINE_VOTES = 2


def article_country(res: Resources, sentences: Sequence[Sentence], source_country: str | None) -> str | None:
    """The country most voted for: places named in the first six sentences (1 each, 1 + DATELINE_VOTES for the
    dateline's place, where the report was filed; not a place a protest is about, «تضامناً مع القدس»), country
    names anywhere (0.5 each) and the source's country (1); first named wins a tie."""
    votes: Counter[str] = Counter()
    if res.gaz is not None:
        for k, s in enumerate(sentences[:6]):
            filed = dateline_end(s.norm) if k == 0 else -1
            for pm in place_mentions(res, s.norm, None):
                if pm.place is not None and not solidarity_topic(pm, s.norm):
                    votes[pm.place.country_code] += 1 + (DATELINE_VOTES if pm.end <= filed else 0)
    named = res.lex.country_names.get
    for s in sentences:  # (the words' country names looked up without a Python loop over every word)
        for cc in filter(None, map(named, map(token_text, s.tokens))):
            votes[cc] += 0.5
    if source_country:
        votes[source_country] += 1
    return votes.most_common(1)[0][0] if votes else None


def event_locations(mentions: list, toks: list[Token], main: Match, norm: str,
                    ctx: ArticleContext | None = None, dateline_end: int = -1) -> list[tuple]:
    # «الموالية لأنقرة», «التابعة لطهران»: an affiliation, not where the event happened
    resolved = [pm for pm in mentions if pm.text and not _affiliation_or_tribe(pm, norm)
                and not in_group_name(pm, norm)]
    if not resolved:
        return []
    # «حافلة في مدينة لودر كانت متجهة إلى عدن»: where the victims were heading is not where it happened
    resolved = [pm for pm in resolved if not destination(pm, norm)] or resolved
    # «صواريخ أُطلقت من جنوب لبنان باتجاه إصبع الجليل»: where the rockets were fired from is not where they fell;
    # «قوة عسكرية قادمة من أوباري»: nor is where a force came from
    resolved = [pm for pm in resolved if not launch_site(pm, norm) and not coming_from(pm, norm)] or resolved
    trig_pos = toks[main.first].start
    after = [pm for pm in resolved if pm.start >= trig_pos]
    first = after[0] if after else resolved[-1]
    fronted = _fronted(resolved, norm, trig_pos)
    if fronted is not None:
        first = fronted
    first = _located_by(first, resolved, norm)
    if ctx is not None and ctx.country and first.place.country_code != ctx.country:
        # a foreign homonym («بلدة عدن يابال» in Somalia) loses to a place of the article's country
        # (not the dateline's place: «أديس أبابا – تفجير ... في العاصمة جيبوتي» happened in Djibouti)
        home = [pm for pm in resolved if pm.place.country_code == ctx.country
                and pm.place.geo_precision != "country" and pm.end > dateline_end]
        if home:
            first = next((pm for pm in home if pm.start >= trig_pos), home[-1])
    if first.place.geo_precision == "country":
        first = _more_precise(first, [pm for pm in resolved if pm.start >= dateline_end], trig_pos)
    k = resolved.index(first)
    first = _named_capital(first, resolved[k + 1:], norm)
    k = resolved.index(first)
    first = _contained(first, resolved[k + 1:], norm)
    chosen = [first]
    before = norm[:first.start].split()
    if before[-1:] == ["بين"] or (len(before) > 1 and before[-2] == "بين"):
        return chosen  # «بين محافظتي صلاح الدين وديالى»: one border area, not two events
    for pm in resolved[k + 1:]:
        gap = norm[chosen[-1].end:pm.start].strip(" ،,")
        directional = (pm.cue or "").startswith(("شمال", "جنوب", "شرق", "غرب"))
        if gap == "و" and not directional and pm.place.geo_precision != "country":
            chosen.append(pm)
        else:
            break
    # prefer a more specific place described right after the first one («بمدينة», «في قضاء»)
    return chosen


def _affiliation_or_tribe(pm: Any, norm: str) -> bool:
    """The word before the mention makes it an affiliation («الموالية لأنقرة») or, with no place cue, a tribe's
    name («قبيلة ...»): not where the event happened."""
    word_before = set(norm[:pm.start].rsplit(None, 1)[-1:])
    return bool(word_before & _AFFILIATION or (pm.cue is None and word_before & _TRIBES))


_FRONTING = frozenset({"في", "وفي", "ففي"})


def _fronted(resolved: list, norm: str, trig_pos: int) -> Any | None:
    """«وفي مدينة بوكي بولاية لبراكنة، نظم نشطاء وقفة ... في كيفه»: a town or region the sentence opens with
    («في»/«وفي» and the place, before the trigger) sets the scene: the event happened there, not at a place
    named after the trigger (a topic, a destination)."""
    if not resolved:
        return None
    pm = resolved[0]
    if pm.start >= trig_pos or pm.place is None or pm.place.geo_precision == "country" or \
            norm[:pm.start].split() not in ([w] for w in _FRONTING):
        return None
    return pm


def listed_places(toks: list[Token], norm: str, mentions: list, locs: list,
                  orig: Callable[[int, int], str], earlier: Any | None, trigger_at: int = -1) -> list[tuple]:
    """Towns listed after a dual or plural place noun («بلدتي كفرنبل وحاس», «قرى X وY وZ»), each with
    its own gazetteer entry when known, else the region the sentence names (its admin1). A list before the
    trigger (at ``trigger_at``) is another clause's when a place follows the trigger («تحرير مخطوفين من بلدتي
    الفقهاء وتازربو، في حين فجّر انتحاري نفسه ... في منطقة غدوة»)."""
    flags = _LIST_CUE_TOKENS.all_of([t.text for t in toks], _plain_list_cue)
    cue = flags.index(True) if True in flags else None
    if cue is None or (cue > 0 and toks[cue - 1].text in ("بين", "الرابط", "الواصل")):
        return []  # «الطريق بين بلدتي X وY»: one place between two towns
    names: list[list[Token]] = [[]]
    for j in range(cue + 1, min(len(toks), cue + 10)):
        t = toks[j]
        gap = norm[toks[j - 1].end:t.start]
        if (t.text in _LIST_STOP or t.text.startswith(("بال", "لل")) or t.text.isdigit()
                or clitic_variants(t.text) & _LIST_STOP):
            break
        if "،" in gap or "," in gap:
            if j == cue + 1:
                break
            names.append([])
        elif t.text.startswith("و") and len(t.text) > 2 and not t.text.startswith(("وادي", "واد")) and names[-1]:
            names.append([])
        if "." in gap:
            break
        names[-1].append(t)
    names = [n for n in names if n and len(n) <= 3]
    if names and trigger_at > names[-1][-1].end and \
            any(pm.place is not None and pm.start > trigger_at for pm in mentions):
        return []
    dual = bool(clitic_variants(toks[cue].text) & (_LIST_CUES - _PLURAL_LIST_CUES))
    if len(names) < 2 or (dual and len(names) != 2):
        return []
    regional = [pm.place for pm in mentions if pm.place is not None and pm.place.geo_precision != "country"]
    container = next((p for _t, p in locs if p is not None and p.geo_precision != "country"), None) or \
        (regional[0] if regional else None) or earlier
    out = []
    for n in names:
        a, b = n[0].start + (1 if n[0].text.startswith("و") and len(n) == 1 else 0), n[-1].end
        own = next((pm for pm in mentions if pm.place is not None and pm.start < b and pm.end > a
                    and pm.place.geo_precision in ("town", "district")), None)
        if own is not None:
            out.append((orig(own.start, own.end), own.place))
        else:  # an unknown town: the region named around it, under the town's own name
            out.append((orig(a, b), replace(container, name=orig(a, b), geonames_id=None)
                        if container is not None else None))
    return out


_MOTION = frozenset({"متجهه", "متجها", "متجهين", "متجهون", "متوجهه", "متوجها", "متوجهين", "توجهه", "توجهها",
                     "توجههم", "طريقه", "طريقها", "طريقهم", "سفره", "سفرها", "سفرهم", "عودته", "عودتها", "عودتهم",
                     "نقله", "نقلها", "نقلهم", "رحلته", "رحلتها", "رحلتهم", "وصوله", "وصولها", "وصولهم"})
"""Words of travel before «إلى»: the place after it is a destination («في طريقهم إلى المهرة»)."""

_LOCATED = frozenset({"الواقعه", "الواقع", "الواقعتين", "الواقعين", "علي", "بعد", "نحو", "كيلومترا", "كلم", "كم",
                      "مسافه"})
"""Words between a place and the reference point that locates it («الدراز، الواقعة غرب المنامة»)."""


_BELONGING = frozenset({"ينتمي", "ينتمون", "ينتميان", "تنتمي", "ينتسب", "ينتسبون", "المنتمي", "المنتمين",
                        "المنتمون", "المنتسبين"})
"""Words of belonging before «إلى»: the place after it is where people come from («جنود ينتمون إلى مديرية X»)."""


def destination(pm: Any, norm: str) -> bool:
    """«أثناء سفره إلى العاصمة صنعاء», «كانت متجهة إلى عدن»: the place follows «إلى» and a travel word is at
    most three words before it; «جنود ينتمون إلى مديرية حبيل جبر»: or a word of belonging right before it."""
    before = norm[:pm.start].rsplit(None, 5)[-5:]
    if before[-1:] != ["الي"]:
        return False
    return any(w in _MOTION or w[1:] in _MOTION for w in before[:-1]) or \
        any(w in _BELONGING or w[1:] in _BELONGING for w in before[-3:-1])


_LAUNCH = frozenset({"اطلق", "اطلقت", "اطلقه", "اطلقها", "اطلقوا", "اطلاق", "يطلق", "تطلق", "انطلق", "انطلقت",
                     "انطلاقا", "المنطلقه", "المطلقه", "مطلقه"})
"""Words of firing or setting off before «من»: the place after it is where a rocket or a raid came from."""


def launch_site(pm: Any, norm: str) -> bool:
    """«أربع قذائف أُطلقت من قطاع غزة باتجاه الأراضي الإسرائيلية», «رصد إطلاق صاروخين من جنوب لبنان نحو ...»: the
    place follows «من» and a word of firing is one of the three words before it."""
    return _after_from(pm, norm, _LAUNCH, 3)


_COMING = frozenset({"قادم", "قادمه", "قادمين", "قادمون", "قادمتان", "قادمتين", "قادما", "القادم", "القادمه",
                     "القادمين", "القادمون", "قدمت", "قدموا", "قدم", "اتيه", "اتين", "الاتيه", "الاتين", "وافده",
                     "وافدين", "الوافده", "الوافدين"})
"""Words of coming before «من»: the place after them is where people or a force came from."""


def coming_from(pm: Any, norm: str) -> bool:
    """«بالتعاون مع قوة عسكرية قادمة من أوباري», «فرقتان قادمتان من حاسي الرمل», «قوة قدمت من ولاية الترارزة»: the
    place follows «من» and a word of coming is one of the two words before it (in train and train_blind gold, 2 of
    31 events whose evidence says so are coded at that place)."""
    return _after_from(pm, norm, _COMING, 2)


def _after_from(pm: Any, norm: str, words: frozenset[str], reach: int) -> bool:
    """The mention follows «من» and one of the ``reach`` words before «من» is one of ``words`` (a conjunction or
    preposition clitic on it allowed)."""
    before = norm[:pm.start].rsplit(None, reach + 1)[-(reach + 1):]
    if before[-1:] != ["من"]:
        return False
    return any(w in words or w[1:] in words for w in before[:-1])


def _located_by(first: Any, resolved: list, norm: str) -> Any:
    """«محتجين في الدراز، الواقعة غرب المنامة»; «في منطقة أرحب، شمال شرقي العاصمة صنعاء»: a place given by its
    direction from another, right after a place of the same country, is that place's reference point: the
    event is at the place before it."""
    k = resolved.index(first)
    if k == 0 or not (first.cue or "").startswith(tuple(DIRECTIONS)):
        return first
    prev = resolved[k - 1]
    gap = [w for w in norm[prev.end:first.start].replace("،", " ").replace(",", " ").split() if not w.isdigit()]
    if prev.place is None or prev.place.geo_precision == "country" or \
            prev.place.country_code != first.place.country_code or not set(gap) <= _LOCATED:
        return first
    return prev


def _more_precise(first: Any, resolved: list, trig_pos: int) -> Any:
    """«تتواصل في العاصمة صنعاء لقاءات المبعوث الأممي إلى اليمن»: a country named after the trigger loses to a
    town or region of that country the same sentence names (the nearest after the trigger, else before it; the
    caller leaves the dateline's place out: where the report was filed is not a more precise place)."""
    same = [pm for pm in resolved if pm.place.geo_precision != "country"
            and pm.place.country_code == first.place.country_code]
    after = [pm for pm in same if pm.start >= trig_pos]
    return after[0] if after else (same[-1] if same else first)


_CAPITAL = "العاصمه"
_CAPITAL_QUALIFIERS = frozenset({"المؤقته", "الجديده", "الاداريه", "الاقتصاديه", "السياسيه", "التاريخيه",
                                 "السابقه", "الفعليه"})


def _named_capital(first: Any, later: list, norm: str) -> Any:
    """«العاصمة اليمنية المؤقتة عدن», «العاصمة الليبية طرابلس»: a capital named by its country («العاصمة
    اليمنية», the gazetteer's name of the seat of government) and then by name is the place named, which may
    be another city of that country (Aden, the temporary capital)."""
    if not later or first.place is None or not norm[first.start:first.end].startswith(_CAPITAL):
        return first
    nxt = later[0]
    gap = norm[first.end:nxt.start].split()
    if nxt.place is None or nxt.place.geo_precision == "country" or \
            nxt.place.country_code != first.place.country_code or not set(gap) <= _CAPITAL_QUALIFIERS:
        return first
    return nxt


_GROUP_WORDS = frozenset({"القاعده", "سرايا", "كتائب", "كتيبه", "لواء", "الويه", "مجلس", "جبهه", "جيش", "حركه", "تنظيم",
                          "تجمع", "اتحاد", "حزب", "جماعه", "غرفه", "شوري", "ثوار", "مجموعه", "فرقه", "قوه", "قوات"})
"""First words of an armed group's or a body's name: «سرايا الدفاع عن بنغازي», «مجلس شورى ثوار درنة»."""


GROUP_NAME_WORDS = 6
"""Longest quoted group name; a longer quote is reported speech («قوات الأسايش نفذت عملية دهم ... السليمانية»)."""


def in_group_name(pm: Any, norm: str) -> bool:
    """«غارات على مقار لـ«سرايا الدفاع عن بنغازي» في منطقة السدادة»: a place inside the quoted name of a group
    (a quote of at most GROUP_NAME_WORDS words that opens with a group word before the place) names the group,
    not where the event happened; so does «المغرب الإسلامي» (the Islamic Maghreb of «القاعدة في بلاد المغرب
    الإسلامي», not Morocco), quoted or not."""
    if norm[pm.end:].split()[:1] == ["الاسلامي"]:
        return True
    opened = norm.rfind("«", 0, pm.start)
    if opened < 0 or norm.rfind("»", 0, pm.start) > opened:
        return False
    closed = norm.find("»", pm.end)
    words = norm[opened + 1:pm.start].split()
    return closed >= 0 and bool(words) and words[0] in _GROUP_WORDS and \
        len(norm[opened + 1:closed].split()) <= GROUP_NAME_WORDS


def _contained(first: Any, later: list, norm: str) -> Any:
    """«حي الروضة شمالي مدينة تعز», «بلدة بوني بمنطقة موبتي»: when the place right after names the container
    and disagrees on admin1, the container decides the region (the first name is often a homonym)."""
    if not later or first.place is None:
        return first
    nxt = later[0]
    gap = norm[first.end:nxt.start].strip(" ،,")
    cue = nxt.cue or ""
    if len(gap.split()) > 1 or not cue or nxt.place is None or nxt.place.country_code != first.place.country_code:
        return first
    directional = cue.startswith(("شمال", "جنوب", "شرق", "غرب", "وسط"))
    if first.place.geo_precision != "town" or not (
            "مدينه" in cue or (not directional and any(w in cue for w in ("محافظه", "ولايه", "اقليم", "منطقه")))):
        return first
    if nxt.place.admin1 is None or nxt.place.admin1 == first.place.admin1:
        return first
    return replace(first, end=nxt.end, place=nxt.place)


def dateline_end(norm: str) -> int:
    """End of a dateline «عمّان – » at the start of an article's first sentence, or -1."""
    for dash in (" – ", " - ", " — "):
        k = norm.find(dash, 0, 40)
        if k > 0:
            return k
    return -1


def foreign_origin(pm: Any, norm: str, country: str | None) -> bool:
    """«الفصائل المدعومة من تركيا», «رحلات قادمة من إيران»: a foreign country after «من» is a sponsor or an
    origin, not where the event happened; «احتجاجات في نواكشوط تضامنا مع القدس»: a foreign place the event
    supports or denounces is its cause."""
    place = pm.place
    if place is None or country is None or place.country_code == country:
        return False
    if solidarity_topic(pm, norm) or across_border(pm, norm):
        return True
    return place.geo_precision == "country" and norm[:pm.start].rsplit(None, 1)[-1:] in (["من"], ["عن"])


_BORDER = frozenset({"الحدود", "حدود", "الحدوديه", "المتاخمه", "المحاذيه"})


def across_border(pm: Any, norm: str) -> bool:
    """«كمين قرب الحدود مع النيجر», «على بعد 21 كيلومتراً من الحدود مع نيجيريا», «الحدودية مع أوغندا»: the
    country across a border names the neighbour, not where the event happened."""
    before = norm[:pm.start].rsplit(None, 3)[-3:]
    return before[-1:] == ["مع"] and any(w in _BORDER or w[1:] in _BORDER for w in before[:-1])


# «تضامناً مع», «نصرةً لـ», «دعماً لـ», «تنديداً بـ», «رفضاً لـ» (normalised, tanween dropped): what a protest is about
_TOPIC_WORDS = frozenset({"تضامنا", "تضامن", "التضامن", "نصره", "لنصره", "دعما", "تنديدا", "رفضا", "مناصره",
                          "لمناصره", "احتجاجا"})


def solidarity_topic(pm: Any, norm: str) -> bool:
    """The place is what the sentence shows solidarity with or protests about («تضامناً مع القدس», «نصرة لغزة»,
    «رفضاً للحرب على غزة»): one of the three words before it is a solidarity or protest word."""
    before = norm[:pm.start].rsplit(None, 3)[-3:]
    return any(w in _TOPIC_WORDS or w.lstrip("و") in _TOPIC_WORDS for w in before)
