"""Triggers, modality and dates: which trigger is the event, whether it happened, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.extract.candidate import (
    ArticleContext,
    Candidate,
)
from pipeline.extract.dates import DateMention, find_dates
from pipeline.extract.lexicon import Match
from pipeline.extract.resources import Resources
from pipeline.extract.text import (
    Token,
    clitic_variants,
)

if TYPE_CHECKING:
    from pipeline.extract.document import Sentence

ANOTHER = {"اخري", "اخر", "منفصل", "منفصله"}

QUANTIFIERS = {"عشرات", "مئات", "الاف", "عدد", "سلسله", "سلسلة", "موجه", "جوله"}

# definite generic nouns («الهجوم», «القتال», «المواجهات») refer back to the violent event already reported
GENERIC_NOUNS = {"هجوم", "هجمات", "قتال", "مواجهات", "اشتباكات", "عمليه", "ضربه", "حادث", "اعتداء", "انفجار",
                 "تفجير", "قصف", "غاره", "غارات", "ضربات", "هجومين", "تفجيرين", "انفجارين", "غارتين", "ضربتين",
                 "مسيره", "عبوه", "قذيفه"}

# «هجوماً حاداً على منافسيها»: verbal attacks are not events
FIGURATIVE = frozenset({"حادا", "حاد", "لاذعا", "لاذع", "اعلاميا", "كلاميا", "سياسيا", "شرسا"})

# «استهدف الطيران الحربي تجمعات ...»: a generic attack carried out from the air or by artillery
_AIR_INSTRUMENTS = frozenset({"الطيران", "طيران", "طائرات", "مقاتلات", "المقاتلات", "المدفعيه", "مدفعيه", "راجمات",
                              "الحربي", "الحربيه", "المسيره", "المسيرات"})

_CHARGE = frozenset({"المشاركين", "المتورطين", "بتهمه", "بالمشاركه", "المتهمين", "بالتورط", "تهمه", "بتهم",
                     "المشتبه", "المشاركه", "بالضلوع"})

_SUBORDINATE = frozenset({"قبل", "بعد", "عقب", "اثر", "قبيل"})

_REFERENCE = frozenset({"تنفيذا", "بموجب", "وفق", "وفقا", "خرق", "بخرق", "بنود", "ببنود"})

_ASPIRATION = frozenset({"للتوصل", "سعيا", "بهدف", "لبحث", "للوصول", "تمهيدا"})


def event_hits(res: Resources, toks: list[Token], cue_kinds: list) -> tuple[list[Match], bool]:
    """Trigger matches that can be events (not in an idiom, not figurative, not a charge or a subordinate
    clause), and whether the sentence is background («وكان ... قد», pluperfect, before the first trigger)."""
    hits: list[Match] = res.lex.triggers.find(toks, res.morph)
    bg_words = res.lex.cue_words.get("background", ())
    first_hit = min((h.first for h in hits), default=len(toks))
    background = any(t.text in bg_words and any(u.text == "قد" for u in toks[i + 1:i + 6])
                     for i, t in enumerate(toks[:first_hit]))
    idioms = [(f, la) for k, f, la in cue_kinds if k == "idiom"]
    hits = [h for h in hits if not any(f <= h.first < la for f, la in idioms)
            and not (h.last < len(toks) and toks[h.last].text in FIGURATIVE)
            and not subordinate(h, toks)]
    return hits, background


def newsworthy(res: Resources, ctx: ArticleContext, norm: str, toks: list[Token], cue_kinds: list,
               hits: list[Match]
               ) -> tuple[list[Match], list[DateMention], list[DateMention], list[DateMention]] | None:
    """(hits, all dates, event dates, reporting dates) of a sentence reporting news (``split_reporting_dates``);
    None for habits, states «منذ» without a day, history over a year old and weapons found or seized."""
    kinds = {k for k, _f, _l in cue_kinds}
    if "habitual" in kinds:
        return None
    context_at = min((f for k, f, _l in cue_kinds if k == "context"), default=None)
    dates, event_dates, reporting_dates = read_dates(res, ctx.published, norm, toks, cue_kinds)
    if "since" in kinds and not any(d.precision == "day" for d in event_dates):
        return None
    if event_dates and all((ctx.published - d.date).days > 365 for d in event_dates):
        return None  # «معارك التحرير عام 2017»: history recalled, not news
    if context_at is not None:
        cpos = toks[context_at].start
        main_dates = [d for d in event_dates if d.start < cpos]
        if any(h.first < context_at for h in res.lex.triggers.find(toks, res.morph)):
            event_dates = main_dates
    seized = [f for k, f, _l in cue_kinds if k == "seizure"]
    hits = [h for h in hits if not (h.entry.action_type in ("explosion_ied", "airstrike_shelling")
                                    and any(0 < h.first - f <= 6 for f in seized))]
    if not hits:  # only weapons found or seized («العثور على 16 حزاماً ناسفاً»)
        return None
    return hits, dates, event_dates, reporting_dates


def dominant_trigger(hits: list[Match], toks: list[Token], cue_kinds: list, actors: list) -> Match | None:
    kinds = {k for k, _f, _l in cue_kinds}
    types = {h.entry.action_type for h in hits}
    best = max(hits, key=lambda h: (h.entry.weight, h.last - h.first))
    action = best.entry.action_type
    # instruments decide the type of a generic attack
    if action == "attack":
        for t in ("airstrike_shelling", "explosion_ied"):
            if t in types:
                instrument = max((h for h in hits if h.entry.action_type == t), key=lambda h: h.entry.weight)
                # the verb stays the event's word («استهدفت ... بالصواريخ» is not a definite reference)
                best = replace(best, entry=replace(instrument.entry, weight=best.entry.weight)) \
                    if best.first < instrument.first else instrument
                break
    if best.entry.action_type == "attack" and any(clitic_variants(t.text) & _AIR_INSTRUMENTS for t in toks):
        best = replace(best, entry=replace(best.entry, action_type="airstrike_shelling", sub_event_type=None))
    if best.entry.action_type == "explosion_ied" and "gunfire" in kinds:
        best = replace(best, entry=replace(best.entry, action_type="attack", sub_event_type=None))
    if best.entry.action_type in ("agreement", "meeting_negotiation") and \
            not any(a[3] != "civilians" for a in actors):  # «استقبل المستشفى جثتي الضحيتين»
        return None
    return best


def modality_of(toks: list[Token], main: Match, cue_kinds: list, dates: list[DateMention]) -> str:
    for kind, first, _last in cue_kinds:
        if kind == "denial" and 0 <= main.first - first <= 12:  # «نفى ... أي علاقة له بإطلاق صاروخين»
            return "denied"
        if kind in ("negation", "denial", "threat", "hypothetical") and 0 <= main.first - first <= 3:
            return {"negation": "negated", "denial": "denied"}.get(kind, kind)
        if kind == "future" and 0 <= main.first - first <= 3:
            return "future"
    if any(d.future for d in dates):
        return "future"
    return "asserted"


def context_newsworthy(hit: Match, toks: list[Token], dates: list[DateMention], mentions: list) -> bool:
    start = toks[hit.first].start
    has_date = any(d.start >= start and d.precision == "day" for d in dates)
    has_place = any(pm.start >= start and pm.place is not None for pm in mentions)
    # clarification 4: context is coded when reported with details of its own (a separate incident, «آخر»)
    distinct = hit.last < len(toks) and toks[hit.last].text in ANOTHER
    return has_date and (has_place or distinct)


def read_dates(res: Resources, published: dt.date, norm: str, toks: list[Token], cue_kinds: list
               ) -> tuple[list[DateMention], list[DateMention], list[DateMention]]:
    """(every date, event dates, reporting dates) of a clause (``find_dates``, ``split_reporting_dates``): how a
    clause's dates are read, for its event reading (``newsworthy``) and for a clause with none."""
    dates = find_dates(norm, published, use_fallback=res.use_fallback)
    return (dates, *split_reporting_dates(dates, toks, cue_kinds))


def clause_dates(res: Resources, published: dt.date, s: Sentence) -> tuple[list[DateMention], list[DateMention]]:
    """(event dates, reporting dates) of a clause: its event reading's (component ``triggers``, which also keeps a
    context clause's dates apart), else read like one (``read_dates``)."""
    if s.reading is not None and s.reading.role == "event":
        return s.reading.event_dates, s.reading.reporting_dates
    _dates, event_dates, reporting_dates = read_dates(res, published, s.norm, s.tokens, s.cues)
    return event_dates, reporting_dates


def split_reporting_dates(dates: list[DateMention], toks: list[Token], cue_kinds: list
                          ) -> tuple[list[DateMention], list[DateMention]]:
    """(event dates, reporting dates) of a sentence: a reporting date is the day a report was made («أعلن
    الجيش، اليوم، ...»), not the day its event happened; each date goes to exactly one list, in order."""
    reporting = [f for k, f, _l in cue_kinds if k == "reporting"]
    event_dates: list[DateMention] = []
    reporting_dates: list[DateMention] = []
    for d in dates:
        (reporting_dates if is_reporting_date(d, toks, reporting) else event_dates).append(d)
    return event_dates, reporting_dates


def is_reporting_date(d: DateMention, toks: list[Token], reporting: list[int]) -> bool:
    tok_idx = next((i for i, t in enumerate(toks) if t.start >= d.start), len(toks))
    for r in reporting:
        if r < tok_idx:
            between = [t.text for t in toks[r + 1:tok_idx]]
            if not any(w in ("ان", "بان", "انه", "انها") for w in between) and len(between) <= 8:
                return True
    return False


def set_start_date(ctx: ArticleContext, event: Candidate, norm: str, toks: list[Token],
                   cue_kinds: list) -> None:
    """«وأوضحت الوزارة أن العملية انطلقت فجر أمس»: the event referred back to started on that day (an
    announcement dated «اليوم» gave the reporting date)."""
    event_dates, _reporting_dates = split_reporting_dates(find_dates(norm, ctx.published, use_fallback=False),
                                                          toks, cue_kinds)
    past = [d for d in event_dates
            if d.precision == "day" and not d.future and 0 < (event.date - d.date).days <= 3]
    if past:
        d = min(past, key=lambda x: x.date)
        event.date, event.date_precision, event.date_from_cue = d.date, "day", True


_PREVENTION = frozenset({"لمنع", "منع", "لتفادي", "تفاديا", "لتجنب", "تجنبا", "للحيلوله", "لمنعه"})


def subordinate(h: Match, toks: list[Token]) -> bool:
    """«قبل أن ينسحبوا», «قبل انسحابهم»: the end of an incident, not a withdrawal of its own; «تنفيذاً
    لاتفاق», «بموجب الاتفاق»: an agreement referred to, not reported."""
    before = {t.text for t in toks[max(0, h.first - 2):h.first]}
    if h.entry.action_type == "deployment_withdrawal":
        return bool(before & _SUBORDINATE)
    if h.entry.action_type == "agreement":
        return bool(before & (_REFERENCE | _ASPIRATION))
    # «أوقفت خمسة من المشاركين في أعمال الشغب», «بتهمة المشاركة في هجوم»: a charge, not a new incident
    near = {t.text for t in toks[max(0, h.first - 3):h.first]}
    # «لمنع تجدد الاشتباكات», «تفادياً لوقوع مواجهات»: what a measure is meant to prevent did not happen
    return bool(near & _CHARGE) or bool(near & _PREVENTION)
