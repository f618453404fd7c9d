"""The extraction engine: one article in, coded event rows out (see docs in pipeline/extract/__init__.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.extract import numbers as num
from pipeline.extract.dates import DateMention, find_dates
from pipeline.extract.lexicon import ActorEntry, Lexicons, Match, Trigger
from pipeline.extract.text import (
    Token,
    boilerplate_spans,
    clitic_variants,
    normalize_arabic,
    normalize_with_offsets,
    split_sentences,
    tokenize,
)
from pipeline.schema import ACTION_TO_ACLED

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = "ar-lex-0.1.0"
VIOLENT = {"armed_clash", "attack", "airstrike_shelling", "explosion_ied", "abduction", "riot",
           "security_operation", "arrest_raid", "protest"}
_CONTEXT_MAX_TOKENS = 40
_ANAPHORIC_GROUPS = {"الحركه", "الجماعه", "التنظيم"}
_AGENT_CUES = {"شنته", "شنها", "شنه", "شنتهما", "شنهما", "شنوه", "نفذتهما", "نفذته", "نفذها", "نفذتها", "نفذه",
               "اطلقتها", "اطلقها", "تابعه", "التابع", "يد", "قبل", "شن", "شنت", "نفذ", "نفذت", "شنتها", "به", "قامت"}
_TARGET_PREPS = {"علي", "ضد", "استهدف", "استهدفت", "مع", "نحو"}
_LOC_PREPS = {"في", "ب", "علي", "قرب", "داخل", "بمدينه", "ضواحي"}
_STATE = "state_forces"
_ATTACKER_WORDS = {"منهم", "المهاجمين", "مهاجمين", "الانتحاريين", "المسلحين المهاجمين"}
_ANOTHER = {"اخري", "اخر", "منفصل", "منفصله"}
_QUANTIFIERS = {"عشرات", "مئات", "الاف", "عدد", "سلسله", "سلسلة", "موجه", "جوله"}
# definite generic nouns («الهجوم», «القتال», «المواجهات») refer back to the violent event already reported
_GENERIC_NOUNS = {"هجوم", "هجمات", "قتال", "مواجهات", "اشتباكات", "عمليه", "ضربه", "حادث", "اعتداء", "انفجار",
                  "تفجير", "قصف", "غاره", "غارات", "ضربات", "هجومين", "تفجيرين", "انفجارين", "غارتين", "ضربتين"}
# generic state forces («الجنود», «الجيش») in these territories are another state's forces (ACLED convention)
_OCCUPYING_FORCES = {"PS": "Israeli forces"}
# a country adjective right after one of these nouns names the perpetrator («غارات إسرائيلية», «طائرة مسيرة
# تركية», «قوة إسرائيلية»): the adjectival actor is the state's forces
_MILITARY_NOUNS = frozenset({
    "غاره", "غارات", "غارتين", "قصف", "ضربه", "ضربات", "طائره", "طائرات", "مسيره", "مسيرات", "حربيه", "حربي",
    "مقاتلات", "مقاتله", "قوه", "قوات", "دوريه", "اليات", "اليه", "دبابات", "دبابه", "مدفعيه", "صواريخ",
    "صاروخ", "زوارق", "بوارج", "هجوم", "هجمات", "قذائف", "قذيفه", "توغل", "عمليه", "مروحيات", "مروحيه",
    "عسكريه", "عسكري", "جويه", "جوي", "مدرعات", "وحدات", "بحريه", "طيران"})
# casualty nouns: «قتل جنديان من الجيش», «لقي أربعة من مقاتلي الحشد حتفهم» -> the named force is the victim
_CASUALTY_NOUNS = frozenset({
    "من", "جنود", "جندي", "جنديا", "جنديان", "جنديين", "عناصر", "عنصر", "عنصرا", "عنصران", "عنصرين",
    "مقاتلين", "مقاتلي", "مقاتلا", "مقاتلو", "افراد", "منتسبي", "ضباط", "ضابطا", "عسكريين", "عسكريا",
    "شرطيين", "رجال", "اعضاء", "قياديا", "قيادي", "قاده"})
# objects of an attack owned by a force: «معسكراً للجيش», «حاجز للأمن العام», «مواقع لقوات الدعم السريع»
_TARGET_HEADS = frozenset({
    "معسكر", "معسكرا", "مقر", "مقرا", "مقار", "حاجز", "حاجزا", "نقطه", "موقع", "موقعا", "مواقع", "دوريه",
    "قافله", "رتل", "ثكنه", "مركز", "مركزا", "اليه", "اليات", "سياره", "مخفر", "تجمع", "تجمعات", "تحصينات",
    "مخازن", "مستودع", "منزل", "منازل", "مواكب", "موكب"})
# «بمشاركة طيران الجيش», «بالتعاون مع»: a partner of the actor, never the target
_ALLY_CUES = frozenset({"بمشاركه", "مشاركه", "بمسانده", "بدعم", "بالتعاون", "بالتنسيق", "باسناد"})
_SOURCE_CUES = frozenset({"بحسب", "وفق", "وفقا", "حسب", "لسان", "عن", "مصادر", "مصدر", "مسؤول", "باسم"})
_SELF_REFERENCE = frozenset({"انه", "انها", "انهم", "بانه", "بانها", "ان", "بان"})
_AFFILIATION = frozenset({"الموالي", "الموالية", "الموالين", "الموالون", "التابع", "التابعه", "التابعين",
                          "المدعوم", "المدعومه", "المدعومين"})
_PERSON_SINGULAR = frozenset({
    "شاب", "رجل", "امراه", "سيده", "طفل", "طفله", "فتي", "فتاه", "مسن", "مسنه", "مواطن", "مدني", "جندي", "شرطي",
    "عنصر", "ضابط", "مزارع", "راع", "صحفي", "طبيب", "مسعف", "ناشط", "ابن", "ابنه", "زوج", "زوجه", "شقيق", "والد",
    "والده"})
# nouns a toll number comes before («ثلاثة قتلى», «أربعة ... حتفهم»); verbs and masdars take it after
_COUNTED_KILL = frozenset({"قتلي", "قتيلا", "قتيل", "شهداء", "الشهداء", "شهيدا", "حتفهم", "حتفه", "حتفهما",
                           "مصرعهم", "مصرعه", "ضحايا", "الضحايا"})
_ARREST_PEOPLE = {"اشخاص": "Civilians", "شخصا": "Civilians", "اشخاصا": "Civilians", "مواطنين": "Civilians",
                  "مواطنا": "Civilians", "شبان": "Civilians", "شابا": "Civilians", "مدنيين": "Civilians",
                  "متهمين": "Suspects", "مطلوبين": "Suspects", "مشتبها": "Suspects", "مشتبه": "Suspects"}
# «هجوماً حاداً على منافسيها»: verbal attacks are not events
_FIGURATIVE = frozenset({"حادا", "حاد", "لاذعا", "لاذع", "اعلاميا", "كلاميا", "سياسيا", "شرسا"})


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


class Engine:
    def __init__(self, lexicons: Lexicons, gazetteer: Any | None, *, use_dateparser_fallback: bool = True,
                 min_confidence: float = 0.0, morph_forms: Callable[[str], frozenset[str]] | None = None) -> None:
        self.lex = lexicons
        self.morph = morph_forms  # optional camel-tools backend (pipeline.extract.morphology)
        self.gaz = gazetteer
        self.use_fallback = use_dateparser_fallback
        self.min_confidence = min_confidence

    # --- article level --------------------------------------------------------------------------
    def extract(self, *, article_id: str, text: str, title: str | None, published: dt.date,
                source_country: str | None = None) -> list[dict[str, Any]]:
        """Event rows (dicts with the event columns the engine fills) for one article."""
        skip = boilerplate_spans(text, self.lex.boilerplate)
        spans = [s for s in split_sentences(text) if not any(a <= s[0] < b for a, b in skip)]
        sentences = []
        evidence: dict[int, tuple[int, int]] = {}  # clause index -> its whole sentence (the evidence)
        for s, e in spans:
            for cs, ce in self._clauses(text, s, e):
                if (cs, ce) != (s, e):
                    evidence[len(sentences)] = (s, e)
                norm, offs = normalize_with_offsets(text[cs:ce])
                sentences.append((cs, ce, norm, offs, tokenize(norm)))
        if self._off_domain(sentences):
            return []
        country = self._article_country(text, title, sentences, source_country)
        ctx = ArticleContext(article_id, published, country)
        events: list[Candidate] = []
        last_group: tuple[str, str, str] | None = None
        seen: list[set[str]] = []
        for idx, (s, e, norm, offs, toks) in enumerate(sentences):
            if _restates(toks, norm, seen):
                continue  # the lead repeated in the body («وقُتل جنديان ... بحسب المصدر») is no new event
            seen.append({t.text for t in toks})
            n_before = len(events)
            last_group = self._sentence(ctx, idx, text, s, e, norm, offs, toks, events, last_group)
            if idx in evidence:
                for c in events[n_before:]:
                    c.start, c.end = evidence[idx]
                    c.evidence = text[c.start:c.end]
        self._fill_from_title(ctx, title, events)
        events = self._subsume_vague(events)
        if any(c.action_type in ("protest", "riot") for c in events):
            # forces deployed around a protest or riot police it; they do not move into or leave an area
            events = [c for c in events if not (c.action_type == "deployment_withdrawal" and c.actor1 is not None
                                                and c.actor1[2] == _STATE)]
        rows = [self._row(ctx, c) for c in events if c.confidence >= self.min_confidence]
        return rows

    def _clauses(self, text: str, s: int, e: int) -> list[tuple[int, int]]:
        """«... في مخيم جباليا، فيما استشهد اثنان آخران في قصف استهدف مدرسة في بلدة بيت لاهيا»: a clause
        after «، فيما / بينما / في حين» with its own trigger and its own place is a separate incident."""
        sent = text[s:e]
        for marker in ("، فيما ", "، بينما ", "، في حين "):
            k = sent.find(marker)
            if k <= 0:
                continue
            cut = s + k + 1
            parts = [(s, cut), (cut, e)]
            found = []
            for a, b in parts:
                norm = normalize_arabic(text[a:b])
                toks = tokenize(norm)
                hits = [h for h in self.lex.triggers.find(toks, self.morph) if h.entry.weight >= 0.7]
                places = [pm.place for pm in self._mentions(norm, None)
                          if pm.place is not None and pm.place.geo_precision != "country"]
                found.append((hits, places))
            (h1, p1), (h2, p2) = found
            if h1 and h2 and p1 and p2 and not {p.name for p in p1} & {p.name for p in p2}:
                return parts
        return [(s, e)]

    def _fill_from_title(self, ctx: ArticleContext, title: str | None, events: list[Candidate]) -> None:
        """An actor named only in the headline («قوات الدعم السريع تقصف ...») is the perpetrator of the
        same-type events the text reports without naming one."""
        if not title or not any(c.actor1 is None for c in events):
            return
        toks = tokenize(normalize_arabic(title))
        hits = self.lex.triggers.find(toks, self.morph)
        actors = [a for a in self._actors(ctx, toks, None) if a[3] not in ("civilians",)]
        if not hits or not actors:
            return
        main = max(hits, key=lambda h: (h.entry.weight, h.last - h.first))
        cue_kinds = [(m.entry, m.first, m.last) for m in self.lex.cues.find(toks)]
        flags = self._role_flags(actors, toks, cue_kinds, main.entry.action_type)
        agent, _target = self._roles(actors, main, toks, main.entry.action_type, flags)
        if agent is None or agent[0] in flags[0]:
            return
        action = main.entry.action_type
        for c in events:
            if c.actor1 is None and (c.action_type == action or (action in VIOLENT and c.action_type in VIOLENT
                                                                 and c.sentence_idx == 0)):
                c.actor1 = agent[1:4]
                if c.actor2 is not None and c.actor2[1] == agent[2]:
                    c.actor2 = None

    def _off_domain(self, sentences: list) -> bool:
        counts: Counter[str] = Counter()
        triggers = 0
        for _s, _e, _n, _o, toks in sentences:
            for m in self.lex.cues.find(toks):
                if str(m.entry).startswith("domain_"):
                    counts[m.entry] += 1
            triggers += sum(1 for m in self.lex.triggers.find(toks, self.morph) if m.entry.weight >= 0.8)
        return bool(counts) and max(counts.values()) >= 3 and max(counts.values()) > triggers

    def _article_country(self, text: str, title: str | None, sentences: list, source_country: str | None) -> str | None:
        votes: Counter[str] = Counter()
        if self.gaz is not None:
            for _s, _e, norm, _o, _t in sentences[:6]:
                for pm in self._mentions(norm, None):
                    if pm.place is not None:
                        votes[pm.place.country_code] += 1
        for _s, _e, _n, _o, toks in sentences:
            for t in toks:
                cc = self.lex.country_names.get(t.text)
                if cc:
                    votes[cc] += 0.5
        if source_country:
            votes[source_country] += 1
        return votes.most_common(1)[0][0] if votes else None

    def _mentions(self, norm: str, country: str | None) -> list:
        if self.gaz is None:
            return []
        try:
            return self.gaz.find_place_mentions(norm, country_hint=country)
        except Exception:  # geocoding must not break extraction of the rest
            logger.exception("gazetteer failed")
            return []

    # --- sentence level -------------------------------------------------------------------------
    def _sentence(self, ctx: ArticleContext, idx: int, text: str, s: int, e: int, norm: str,
                  offs: list[int], toks: list[Token], events: list[Candidate],
                  last_group: tuple[str, str, str] | None) -> tuple[str, str, str] | None:
        cues = self.lex.cues.find(toks)
        cue_kinds = [(m.entry, m.first, m.last) for m in cues]
        def orig(a: int, b: int) -> str:  # normalised [a, b) -> the article's own characters
            return text[s + offs[a]: s + offs[b - 1] + 1]

        actors = [(a[0], orig(toks[a[0]].start, toks[a[4] - 1].end), *a[2:])
                  for a in self._actors(ctx, toks, last_group)]
        for a in actors:
            if a[3] in ("rebels", "political_militia") and a[2] not in ("Unidentified gunmen",):
                last_group = a[1:4]
        hits: list[Match] = self.lex.triggers.find(toks, self.morph)
        # background: «وكان ... قد» (pluperfect) before the first trigger, wherever the clause starts
        bg_words = self.lex.cue_words.get("background", ())
        first_hit = min((h.first for h in hits), default=len(toks))
        background = any(t.text in bg_words and any(u.text == "قد" for u in toks[i + 1:i + 6])
                         for i, t in enumerate(toks[:first_hit]))
        idioms = [(f, la) for k, f, la in cue_kinds if k == "idiom"]
        hits = [h for h in hits if not any(f <= h.first < la for f, la in idioms)
                and not (h.last < len(toks) and toks[h.last].text in _FIGURATIVE)
                and not _subordinate(h, toks)]
        self._remember_names(ctx, toks, actors)
        if not hits:
            if not background and events and events[-1].action_type in VIOLENT:
                self._toll_update(events[-1], toks, cue_kinds)
                self._claimed(events[-1], actors, cue_kinds, toks)
            if not background and events and any(t.text.startswith("ال") and t.text[2:] in _GENERIC_NOUNS
                                                 for t in toks):
                self._start_date(ctx, events[-1], norm, toks, cue_kinds)
            return last_group
        if background:
            return last_group
        kinds = {k for k, _f, _l in cue_kinds}
        if "habitual" in kinds:
            return last_group
        context_at = min((f for k, f, _l in cue_kinds if k == "context"), default=None)
        dates = find_dates(norm, ctx.published, use_fallback=self.use_fallback)
        reporting = [f for k, f, _l in cue_kinds if k == "reporting"]
        event_dates = [d for d in dates if not self._is_reporting_date(d, toks, reporting)]
        if "since" in kinds and not any(d.precision == "day" for d in event_dates):
            return last_group
        if event_dates and all((ctx.published - d.date).days > 365 for d in event_dates):
            return last_group  # «معارك التحرير عام 2017»: history recalled, not news
        if context_at is not None:
            cpos = toks[context_at].start
            main_dates = [d for d in event_dates if d.start < cpos]
            if any(h.first < context_at for h in self.lex.triggers.find(toks, self.morph)):
                event_dates = main_dates
        seized = [f for k, f, _l in cue_kinds if k == "seizure"]
        hits = [h for h in hits if not (h.entry.action_type in ("explosion_ied", "airstrike_shelling")
                                        and any(0 < h.first - f <= 6 for f in seized))]
        if not hits:  # only weapons found or seized («العثور على 16 حزاماً ناسفاً»)
            return last_group
        mentions = [pm for pm in self._mentions(norm, ctx.country) if self._plausible(pm, ctx)]
        hits = [h for h in hits if context_at is None or h.first < context_at
                or self._context_newsworthy(h, toks, event_dates, mentions)]
        if not hits:
            return last_group
        anaphoric = {"anaphor"} & {k for k, _f, _l in cue_kinds}
        renewal = {"renewal"} & {k for k, _f, _l in cue_kinds}
        main = self._dominant(hits, toks, cue_kinds, actors)
        if main is None:
            return last_group
        trig: Trigger = main.entry
        action = trig.action_type
        another = next((h for h in hits if h.last < len(toks) and toks[h.last].text in _ANOTHER), None)
        if another is not None:  # «عملية أخرى», «هجوم آخر»: a separate incident, never an elaboration
            main = another
            trig = main.entry
            action = trig.action_type
        quantified = main.first > 0 and toks[main.first - 1].text in _QUANTIFIERS
        definite = (toks[main.first].text.startswith(("ال", "وال", "بال", "فال")) and not quantified) or \
            (main.first > 0 and toks[main.first - 1].text in ("هذه", "هذا"))
        elaboration = ((definite and not renewal) or bool(anaphoric)) and another is None
        # «أسفرت العملية عن ...», «الهجوم الذي ...»: a definite generic noun before the trigger refers back
        refers_back = another is None and not renewal and any(
            t.text.startswith("ال") and t.text[2:] in _GENERIC_NOUNS for t in toks[:main.first])
        generic = (definite and len(trig.pattern) == 1 and trig.pattern[0] in _GENERIC_NOUNS) or refers_back
        elaboration = elaboration or refers_back
        prev = self._previous_compatible(events, action, family=bool(anaphoric) or generic)
        if generic and prev is not None and prev.action_type != action and \
                any(not _same_place_as(prev, pm.place) for pm in mentions if pm.place.geo_precision != "country"):
            prev = None  # a generic noun with places of its own is not about the earlier event
        if any(k == "condemn" and 0 < main.first - f <= 4 for k, f, _l in cue_kinds):
            return last_group  # «ودانت الخارجية الهجوم»: a reaction to an event, not a new one
        if action in VIOLENT and another is None and \
                self._restated_claim(toks, main, cue_kinds, actors, events, mentions):
            return last_group  # «وزعم الجيش أنه استهدف ...»: the perpetrator's account of an event already coded
        modality = self._modality(toks, main, cue_kinds, dates)
        fat, fat_vague, unnumbered, inj = self._casualties(toks, cue_kinds)
        attackers = self._attacker_deaths(toks, cue_kinds)
        fat = [v for v in fat if v not in attackers]
        flags = self._role_flags(actors, toks, cue_kinds, action)
        if elaboration and prev is not None:
            usable = [a for a in actors if a[0] not in flags[0] | flags[1] | flags[2]]
            if self._suspected(prev, actors, cue_kinds) or not self._claimed(prev, usable, cue_kinds, toks):
                usable = [a for a in usable if not self._after_kind(a, cue_kinds, "suspect")]
                self._merge_elaboration(prev, event_dates, fat, fat_vague, unnumbered, inj, usable, main)
            else:
                self._merge_elaboration(prev, event_dates, fat, fat_vague, unnumbered, inj, [], main)
            prev.fatalities_attackers += attackers
            return last_group
        separate = another is not None or any(k == "separate" for k, _f, _l in cue_kinds)
        date, precision, date_text, from_cue = self._event_date(ctx, event_dates, events, norm, separate=separate)
        a1, a2 = self._roles(actors, main, toks, action, flags)
        if a2 is None and action in ("arrest_raid", "abduction"):
            a2 = self._arrested_people(toks, main)
        if a2 is None and a1 is not None and action == "armed_clash" and _dual_sides(a1[1]):
            a2 = a1  # «اشتباكات بين مجموعتين مسلحتين»: both sides carry the same label
        if action == "armed_clash" and any(a[3] in ("protesters", "rioters") for a in actors):
            action = "riot"
        if action == "protest" and any(k == "violence" for k, _f, _l in cue_kinds):
            action = "riot"
        if action in VIOLENT and a1 is not None and a1[3] == "external_other" and \
                any(r in a1[2] for r in _OFFICIAL_ROLES):
            a1 = None  # a minister or president speaks about strikes; forces carry them out
        if action == "protest" and fat:
            action = "riot"  # deaths at a protest (rule A: riot)
        if action in ("protest", "riot"):
            a1, a2 = self._protest_roles(ctx, actors, main, a1, a2)
        if action == "arrest_raid":
            a1, a2 = self._arrest_roles(actors, a1, a2, events)
        if a2 is None and action in ("attack", "explosion_ied", "airstrike_shelling"):
            a2 = self._implied_target(ctx, toks, a1, [f for k, f, _l in cue_kinds if k in ("kill", "kill_verb")])
        spans = [(toks[a[0]].start, toks[a[4] - 1].end) for a in actors if a[4] > a[0]]
        loc_mentions = [pm for pm in mentions if not any(a <= pm.start < b for a, b in spans)
                        and not _foreign_origin(pm, norm, ctx.country)]
        locs = [(orig(pm.start, pm.end), pm.place) for pm in self._locations(loc_mentions, toks, main, norm, ctx)]
        if locs and all(p is not None and p.geo_precision == "country" for _t, p in locs) and events and \
                events[-1].place is not None and events[-1].place.geo_precision != "country" and \
                events[-1].place.country_code == locs[0][1].country_code:
            locs = [(events[-1].location_text, events[-1].place)]  # a town named earlier beats the country
        listed = self._listed_places(toks, norm, mentions, locs, orig, events[-1].place if events else None)
        if listed:
            locs = listed  # «في بلدتي X وY», «قرى X وY وZ»: one event per named town (rule E2)
        own_location = bool(locs)
        if not locs:
            inherited = events[-1] if events else None
            locs = [(inherited.location_text, inherited.place)] if inherited else [(None, None)]
        ev_start, ev_end = s, e
        for loc_text, place in locs:
            cand = Candidate(
                action_type=action, trigger=trig,
                trigger_text=" ".join(t.text for t in toks[main.first:main.last]),
                sentence_idx=idx, start=ev_start, end=ev_end, evidence=text[ev_start:ev_end],
                modality=modality, date=date, date_precision=precision, date_text=date_text,
                date_from_cue=from_cue,
                actor1=a1[1:4] if a1 else None, actor2=a2[1:4] if a2 else None,
                location_text=loc_text, place=place, fatalities=list(fat), fatalities_vague=list(fat_vague),
                fatalities_unnumbered=unnumbered, injured=list(inj), fatalities_attackers=list(attackers),
                confidence=self._confidence(trig, a1, place, from_cue), own_location=own_location,
            )
            if cand.actor1 is None and prev is not None and prev.action_type == action:
                cand.actor1 = prev.actor1
                if cand.actor2 is None and prev.actor2 is not None and prev.actor2 != prev.actor1:
                    cand.actor2 = prev.actor2  # the same two sides fighting on another front
            merged = self._merge_same(events, cand)
            if not merged:
                events.append(cand)
        return last_group

    def _listed_places(self, toks: list[Token], norm: str, mentions: list, locs: list,
                       orig: Callable[[int, int], str], earlier: Any | None) -> list[tuple]:
        """Towns listed after a dual or plural place noun («بلدتي كفرنبل وحاس», «قرى X وY وZ»), each with
        its own gazetteer entry when known, else the region the sentence names (its admin1)."""
        cue = next((i for i, t in enumerate(toks) if clitic_variants(t.text) & _LIST_CUES), None)
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

    def _restated_claim(self, toks: list[Token], main: Match, cue_kinds: list, actors: list[tuple],
                        events: list[Candidate], mentions: list) -> bool:
        """A perpetrator's own account («زعم الجيش الإسرائيلي أنه استهدف بنية تحتية», «أكد مصدر حوثي أن
        جماعته استهدفت ...») of a violent event already coded in the article, at no new place."""
        says = [f for k, f, _l in cue_kinds if k in ("reporting", "claim") and f < main.first]
        if not says or not any(t.text in _SELF_CLAIM for t in toks[max(0, main.first - 3):main.first]):
            return False
        speaker = next((a for a in actors if a[0] < main.first), None)
        prior = [c for c in events if c.action_type in VIOLENT and c.actor1 is not None]
        if speaker is None or not any(c.actor1[1] == speaker[2] for c in prior):
            return False
        return all(any(_same_place_as(c, pm.place) for c in events) for pm in mentions
                   if pm.place is not None and pm.place.geo_precision != "country")

    def _plausible(self, pm: Any, ctx: ArticleContext) -> bool:
        """Drop gazetteer hits that are probably ordinary words (no cue, foreign, small)."""
        place = pm.place
        if place is None:
            return False
        if place.geo_precision == "country" or pm.cue:
            return True
        if ctx.country is None or place.country_code == ctx.country:
            return True
        return place.population >= 300_000

    def _is_reporting_date(self, d: DateMention, toks: list[Token], reporting: list[int]) -> bool:
        tok_idx = next((i for i, t in enumerate(toks) if t.start >= d.start), len(toks))
        for r in reporting:
            if r < tok_idx:
                between = [t.text for t in toks[r + 1:tok_idx]]
                if not any(w in ("ان", "بان", "انه", "انها") for w in between) and len(between) <= 8:
                    return True
        return False

    def _context_newsworthy(self, hit: Match, toks: list[Token], dates: list[DateMention], mentions: list) -> bool:
        start = toks[hit.first].start
        has_date = any(d.start >= start and d.precision == "day" for d in dates)
        has_place = any(pm.start >= start and pm.place is not None for pm in mentions)
        # clarification 4: context is coded when reported with details of its own (a separate incident, «آخر»)
        distinct = hit.last < len(toks) and toks[hit.last].text in _ANOTHER
        return has_date and (has_place or distinct)

    def _dominant(self, hits: list[Match], toks: list[Token], cue_kinds: list, actors: list) -> Match | None:
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

    def _modality(self, toks: list[Token], main: Match, cue_kinds: list, dates: list[DateMention]) -> str:
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

    def _casualties(self, toks: list[Token], cue_kinds: list) -> tuple[list[int], list[int], bool, list[int]]:
        # «بين القتلى ثلاثة من عناصر الأمن»: a breakdown of the toll, not the toll
        kill = [f for k, f, _l in cue_kinds if k == "kill" and not (f > 0 and toks[f - 1].text in ("بين", "بينهم"))]
        inj_idx = [f for k, f, _l in cue_kinds if k == "injure"]
        claim = any(k == "claim" for k, _f, _l in cue_kinds)
        stop = frozenset(self.lex.cue_words.get("injure", ()))
        counted = [i for i in kill if toks[i].text in _COUNTED_KILL]  # «ثلاثة قتلى», «أربعة ... حتفهم»
        vals = num.count_near(toks, counted, self.lex.numbers, before=6, after=0, stop=stop)
        vals += num.count_near(toks, [i for i in kill if i not in counted], self.lex.numbers, before=6, after=3,
                               stop=stop)
        if not vals and any(toks[i].text in ("قتيل", "قتيلا") for i in kill):
            vals = [1]
        if not vals:
            vals = [n for n in (_people_count(toks, i) for i in kill) if n]
        explicit = [v for v in vals if v not in (10, 12) or any(t.text.isdigit() for t in toks)]
        vague_words = {"عشرات", "العشرات"}
        vague = [self.lex.numbers[w] for i in kill for w in vague_words
                 if any(w in clitic_variants(t.text) for t in toks[max(0, i - 3):i + 4])]
        explicit = [v for v in vals if v not in vague] if vague else vals
        if claim:
            explicit, vague = [], []
        unnumbered = any(k == "unnumbered_kill" for k, _f, _l in cue_kinds)
        inj = num.count_near(toks, inj_idx, self.lex.numbers, before=2, after=3,
                             stop=frozenset(self.lex.cue_words.get("kill", ())))
        return explicit, vague, unnumbered, inj

    def _start_date(self, ctx: ArticleContext, event: Candidate, norm: str, toks: list[Token],
                    cue_kinds: list) -> None:
        """«وأوضحت الوزارة أن العملية انطلقت فجر أمس»: the event referred back to started on that day (an
        announcement dated «اليوم» gave the reporting date)."""
        reporting = [f for k, f, _l in cue_kinds if k == "reporting"]
        past = [d for d in find_dates(norm, ctx.published, use_fallback=False)
                if d.precision == "day" and not d.future and not self._is_reporting_date(d, toks, reporting)
                and 0 < (event.date - d.date).days <= 3]
        if past:
            d = min(past, key=lambda x: x.date)
            event.date, event.date_precision, event.date_from_cue = d.date, "day", True

    def _toll_update(self, event: Candidate, toks: list[Token], cue_kinds: list) -> None:
        """A sentence with a toll but no trigger («ارتفعت حصيلة القتلى إلى 30») adds to the event it follows."""
        kinds = {k for k, _f, _l in cue_kinds}
        if "unnumbered_kill" in kinds and not kinds & {"habitual", "since", "context"}:
            event.fatalities_unnumbered = True  # «كبّدت المهاجمين خسائر فادحة في الأرواح»: deaths, no number
        if "kill" not in kinds or kinds & {"habitual", "since", "claim", "context"}:
            return
        kill = [last - 1 for k, _f, last in cue_kinds if k == "kill"]
        stop = frozenset(self.lex.cue_words.get("injure", ()))
        counts = num.count_near(toks, kill, self.lex.numbers, before=4, after=5, stop=stop)
        if counts and event.fatalities and "additive" in kinds and event.action_type == "armed_clash":
            # «وأضاف أن أربعة من مسلحي الحوثي قُتلوا أيضاً»: the other side's dead, added to the toll
            event.fatalities = [v + min(counts) for v in event.fatalities]
            return
        event.fatalities += counts

    def _attacker_deaths(self, toks: list[Token], cue_kinds: list) -> list[int]:
        """Counts of attackers killed by the defenders («فقتلت ثلاثة منهم», «مقتل اثنين من المهاجمين»)."""
        out = []
        for kind, first, _last in cue_kinds:
            if kind != "kill":
                continue
            for j in range(first + 1, min(len(toks), first + 4)):
                v = num.number_at(toks, j, self.lex.numbers)
                if v is None:
                    continue
                after = {toks[k].text for k in range(j + 1, min(len(toks), j + 4))}
                if after & _ATTACKER_WORDS:
                    out.append(v)
                break
        return out

    def _event_date(self, ctx: ArticleContext, dates: list[DateMention], events: list[Candidate], norm: str,
                    *, separate: bool) -> tuple[dt.date, str, str | None, bool]:
        """Earliest stated date (rule D5); else the anchor event's date (D4); else the publication date."""
        usable = [d for d in dates if not d.future]
        if usable:
            d = min(usable, key=lambda x: x.date)
            return d.date, d.precision, norm[d.start:d.end], True
        anchor = next((c for c in reversed(events) if c.date_from_cue), None)
        if anchor is not None and not separate:
            return anchor.date, anchor.date_precision, anchor.date_text, True
        return ctx.published, "month", None, False

    def _actors(self, ctx: ArticleContext, toks: list[Token], last_group) -> list[tuple]:
        out = []
        for m in self.lex.actors.find(toks, self.morph):
            entry: ActorEntry = m.entry
            country = entry.country or self._adjacent_country(toks, m.last) or ctx.country
            norm = entry.norm
            if "{dem}" in norm and entry.actor_type == _STATE and country in _OCCUPYING_FORCES:
                norm = _OCCUPYING_FORCES[country]
            if "{dem}" in norm:
                dem = self.lex.demonyms.get(country or "", "")
                norm = norm.replace("{dem}", dem).replace("()", "").strip() or entry.norm.replace("{dem}", "")
                norm = norm.replace(" ()", "").strip()
            text = " ".join(t.text for t in toks[m.first:m.last])
            out.append((m.first, text, norm, entry.actor_type, m.last))
        for i, t in enumerate(toks):
            if t.text in _ANAPHORIC_GROUPS and last_group is not None and not any(a[0] <= i < a[4] for a in out):
                out.append((i, t.text, last_group[1], last_group[2], i + 1))
        for i, t in enumerate(toks):  # adjectival attribution: «غارات إسرائيلية», «طائرة مسيرة تركية»
            if i == 0 or any(a[0] <= i < a[4] for a in out):
                continue
            cc = self._demonym_cc(t.text)
            if cc and clitic_variants(toks[i - 1].text) & _MILITARY_NOUNS:
                label = "Israeli forces" if cc == "IL" else f"{self.lex.demonyms.get(cc, cc)} forces"
                out.append((i, t.text, label, _STATE, i + 1))
            elif t.text in ctx.names and ctx.names[t.text][0]:
                out.append((i, t.text, *ctx.names[t.text], i + 1))
        out.sort()
        role = ctx.names.get("", ("", ""))[0]
        for k, a in enumerate(out):  # «نظيره التركي» -> Turkish + the role of the official it pairs with
            if a[2].endswith(" counterpart"):
                prior = next((b for b in reversed(out[:k]) if b[3] == "external_other" and " " in b[2]
                              and not b[2].endswith("counterpart")), None)
                r = prior[2].split(" ", 1)[1] if prior else role
                if r:
                    out[k] = (a[0], a[1], a[2].replace("counterpart", r), a[3], a[4])
        merged = []
        for k, a in enumerate(out):  # «مسلحون من تنظيم داعش» -> ISIS
            nxt = out[k + 1] if k + 1 < len(out) else None
            if a[3] == "unidentified" and nxt is not None and nxt[3] != "unidentified" and \
                    0 <= nxt[0] - a[4] <= 3 and all(t.text in _MEMBERSHIP or clitic_variants(t.text) & _GROUP_NOUNS
                                                    for t in toks[a[4]:nxt[0]]):
                out[k + 1] = (a[0], nxt[1], nxt[2], nxt[3], nxt[4])
                continue
            merged.append(a)
        return merged

    def _protest_roles(self, ctx: ArticleContext, actors: list[tuple], main: Match, a1: tuple | None,
                       a2: tuple | None) -> tuple[tuple | None, tuple | None]:
        """Protesters are the actors of a protest or riot; a party they support («مناصري حزب الله») or the
        force that reports on them is not."""
        crowd = next((a for a in actors if a[3] in ("protesters", "rioters")), None)
        if crowd is not None:
            if a1 is not None and a1 is not crowd and a1[3] == _STATE and a2 is None:
                a2 = a1
            return crowd, (a2 if a2 is not crowd else None)
        if a1 is None or a1[3] in ("political_militia", "rebels", "unidentified", "external_other"):
            dem = self.lex.demonyms.get(ctx.country or "", "")
            label = f"Protesters ({dem})" if dem else "Protesters"
            return (main.first, "", label, "protesters", main.first + 1), (a2 if a2 is not a1 else None)
        return a1, a2

    def _arrest_roles(self, actors: list[tuple], a1: tuple | None, a2: tuple | None,
                      events: list[Candidate]) -> tuple[tuple | None, tuple | None]:
        """Arrests are made by state forces: a group named as the suspects' affiliation («بتهمة الانتماء إلى
        داعش») is the target; a passive arrest («تم ضبط») takes the force of the article's previous event."""
        state = next((a for a in actors if a[3] == _STATE), None)
        if a1 is not None and a1[3] != _STATE and state is not None and state[0] < a1[0]:
            return state, a1 if a2 is None or a2 is state else a2
        if a1 is None:
            prev = next((c for c in reversed(events) if c.actor1 is not None and c.actor1[2] == _STATE), None)
            if prev is not None:
                return (0, prev.actor1[0], prev.actor1[1], prev.actor1[2], 0), a2
        return a1, a2

    def _adjacent_country(self, toks: list[Token], i: int) -> str | None:
        if i < len(toks):
            return self.lex.country_names.get(toks[i].text)
        return None

    def _role_flags(self, actors: list[tuple], toks: list[Token], cue_kinds: list,
                    action: str) -> tuple[set[int], set[int], set[int]]:
        """Token positions of actors that are victims / reporting sources / partners, never perpetrators.

        - victims: the casualties of a toll («قُتل جنديان من الجيش العراقي», «لقي أربعة من مقاتلي الحشد
          الشعبي حتفهم») or the owner of an attacked object («معسكراً للجيش», «حاجز للأمن العام»);
        - sources: the subject of a reporting verb next to a violent event («أعلنت الشرطة أن السيارة انفجرت»),
          unless it reports its own action («أعلن الجيش أنه قصف», «أن قواته أحبطت»);
        - partners: «بمشاركة طيران الجيش», «بالتعاون مع».
        """
        kills = [f for k, f, _l in cue_kinds if k in ("kill", "kill_verb", "injure")]
        reporting = [f for k, f, _l in cue_kinds if k == "reporting"]
        victims: set[int] = set()
        sources: set[int] = set()
        allies: set[int] = set()
        for a in actors:
            i = a[0]
            window = range(max(0, i - 3), i)
            gap = set().union(*(clitic_variants(toks[j].text) for j in window)) if i else set()
            partitive = bool(gap & _CASUALTY_NOUNS) or any(num.number_at(toks, j, self.lex.numbers) is not None
                                                           for j in window)
            if partitive and any(0 < i - k <= 6 for k in kills):
                victims.add(i)
            if i > 0 and clitic_variants(toks[i - 1].text) & _TARGET_HEADS:
                victims.add(i)
            if i > 0 and (toks[i - 1].text in _ALLY_CUES or (toks[i - 1].text == "مع" and i > 1
                                                              and toks[i - 2].text in _ALLY_CUES)):
                allies.add(i)
            before = {toks[j].text for j in range(max(0, i - 2), i)}
            if (any(0 < i - r <= 2 for r in reporting) or before & _SOURCE_CUES) and not _self_report(toks, a[4]):
                sources.add(i)
        victim_norms = {a[2] for a in actors if a[0] in victims}
        victims |= {a[0] for a in actors if a[2] in victim_norms}  # «قوات سوريا الديمقراطية (قسد)»
        return victims, sources, allies

    def _roles(self, actors: list[tuple], main: Match, toks: list[Token], action: str,
               flags: tuple[set[int], set[int], set[int]] | None = None):
        victims, sources, allies = flags or (set(), set(), set())
        if action in _SOURCE_SENSITIVE:  # a reporting source is neither perpetrator nor (first) target
            actors = [a for a in actors if a[0] not in sources] + [a for a in actors if a[0] in sources]
            sources = {a[0] for a in actors if a[0] in sources}
        else:
            sources = set()
        if not actors:
            return None, None
        agent = None
        for a in actors:
            before = {toks[j].text for j in range(max(0, a[0] - 2), a[0])}
            if before & _AGENT_CUES and a[3] != "civilians" and a[0] not in victims | allies | sources:
                agent = a
                break
        if agent is None and action in ("protest", "riot"):
            agent = next((a for a in actors if a[3] in ("protesters", "rioters")), None)
        if agent is None:
            for a in actors:
                prev = toks[a[0] - 1].text if a[0] > 0 else ""
                if a[3] in ("civilians",) and action not in ("protest", "riot"):
                    continue
                if (prev in _TARGET_PREPS and not _clause_initial_verb(toks, a[0] - 1)) or \
                        a[0] in victims | allies | sources:
                    continue
                agent = a
                break
        others = [a for a in actors if a is not agent and a[0] not in allies]
        others.sort(key=lambda a: a[0] not in victims)  # a victim is the likeliest target
        target = next((a for a in others if agent is None or (
            a[2] != agent[2] and not (a[3] == agent[3] == _STATE and action not in ("armed_clash",)
                                      and a[0] not in victims))), None)
        if agent is not None and agent[3] == "civilians":
            agent, target = None, agent
        if agent is None and target is not None and target[3] != "civilians" and target[0] not in victims | sources:
            agent, target = target, None
        return agent, target

    def _implied_target(self, ctx: ArticleContext, toks: list[Token], a1: tuple | None,
                        kills: list[int]) -> tuple | None:
        """Who was hit when no known actor is named: a military object with no owner («قافلة عسكرية», «نقطة
        تفتيش», «آلية عسكرية») belongs to the country's forces; a person killed or hurt («الشاب», «امرأة»,
        «شخصين») is a civilian."""
        dem = self.lex.demonyms.get(ctx.country or "", "")
        for j, t in enumerate(toks):
            forms = clitic_variants(t.text)
            if forms & _MILITARY_OBJECTS and dem and (a1 is None or a1[3] != _STATE):
                nxt = set().union(set(), *(clitic_variants(u.text) for u in toks[j + 1:j + 3]))
                if nxt & {"عسكريه", "عسكري", "جيش", "الجيش", "للجيش"}:
                    return j, t.text, f"{dem} Army", _STATE, j + 1
                if nxt & {"تفتيش", "امنيه", "امني", "للشرطه", "الشرطه", "للامن"}:
                    return j, t.text, f"{dem} security forces", _STATE, j + 1
        for j, t in enumerate(toks):
            if clitic_variants(t.text) & _CIVILIAN_PERSONS and any(abs(j - k) <= 4 for k in kills):
                return j, t.text, "Civilians", "civilians", j + 1
        return None

    def _arrested_people(self, toks: list[Token], main: Match) -> tuple | None:
        """Who was arrested when no known actor is named: «15 فلسطينياً» -> Palestinian civilians/suspects."""
        for j in range(main.last, min(len(toks), main.last + 8)):
            forms = clitic_variants(toks[j].text)
            cc = self._demonym_cc(toks[j].text)
            if cc and j > main.last and num.number_at(toks, j - 1, self.lex.numbers) is not None:
                return j, toks[j].text, f"{self.lex.demonyms.get(cc, cc)} civilians/suspects", "civilians", j + 1
            label = next((_ARREST_PEOPLE[f] for f in forms if f in _ARREST_PEOPLE), None)
            if label:
                return j, toks[j].text, label, "civilians", j + 1
        return None

    def _demonym_cc(self, token: str) -> str | None:
        """Country of a nationality adjective in any form: «إسرائيلية», «الأمريكي», «فلسطينياً»."""
        for form in (token, token[:-1] if token.endswith("ا") else None):
            if not form:
                continue
            for f in (form, "ال" + form, form[1:] if form[:1] in "وفب" else None):
                if f and f in self.lex.country_names and len(f) > 4:
                    return self.lex.country_names[f]
        return None

    def _remember_names(self, ctx: ArticleContext, toks: list[Token], actors: list[tuple]) -> None:
        """«المبعوث الأمريكي توم براك، ...»: later «براك» alone is the same official."""
        for a in actors:
            if a[3] != "external_other" or " " not in a[2] or a[2].endswith("counterpart"):
                continue
            ctx.names[""] = (a[2].split(" ", 1)[1], a[3])  # last role seen («Foreign Minister»)
            j = a[4]
            if j < len(toks) and self._demonym_cc(toks[j].text):
                j += 1
            name: list[Token] = []
            for t in toks[j:j + 3]:
                if t.text in _NAME_STOP or t.text in self.lex.numbers or self._demonym_cc(t.text) or \
                        len(t.text) < 3 or (name and t.start - name[-1].end > 1):  # a comma ends the name
                    break
                name.append(t)
            if name and name[-1].text not in self.lex.country_names:
                ctx.names[name[-1].text] = (a[2], a[3])

    def _claimed(self, event: Candidate, actors: list[tuple], cue_kinds: list,
                 toks: list[Token] | None = None) -> bool:
        """«تبنت حركة الشباب الهجوم»: the claimant is the perpetrator of the event reported just before."""
        at = next((f for k, f, _l in cue_kinds if k == "claim_resp"), None)
        blamed = self._blamed(actors, cue_kinds, toks) if at is None else None
        if at is None and blamed is None:
            return False
        claimant = blamed or next((a for a in actors if a[0] > at and a[3] not in ("civilians",)), None)
        if claimant is None:
            return False
        if event.actor1 is None or event.actor1[2] == "unidentified" or (
                blamed is not None and event.actor1[1] != blamed[2] and event.actor1[2] != "unidentified"
                and event.actor1[2] == _STATE and blamed[3] != _STATE):
            event.actor1 = claimant[1:4]
            if event.actor2 is not None and event.actor2[1] == claimant[2]:
                event.actor2 = None
        return True

    def _blamed(self, actors: list[tuple], cue_kinds: list, toks: list[Token] | None) -> tuple | None:
        """«حمّلت القيادة خلايا داعش المسؤولية», «نسبت المصادر الكمين إلى X», «اتهمت الحكومة X بتنفيذه»:
        the party held responsible (not the accuser) is the perpetrator."""
        at = next((f for k, f, _l in cue_kinds if k == "blame"), None)
        if at is None:
            return None
        after = [a for a in actors if a[0] > at and a[3] not in ("civilians",)]
        if not after:
            return None
        if toks is not None:
            to = next((a for a in after if a[0] > 0 and clitic_variants(toks[a[0] - 1].text) & {"الي"}), None)
            resp = next((i for i, t in enumerate(toks) if i > at and t.text in ("المسؤوليه", "مسؤوليه")), None)
            if to is not None:
                return to
            if resp is not None:
                before = [a for a in after if a[0] < resp]
                return before[-1] if before else None
        return after[1] if len(after) > 1 else after[0]

    def _suspected(self, event: Candidate, actors: list[tuple], cue_kinds: list) -> bool:
        """«رجّح مسؤولون أن تكون خلايا تابعة لتنظيم داعش وراءه»: a suspected perpetrator, not a known one."""
        suspect = next((a for a in actors if self._after_kind(a, cue_kinds, "suspect")
                        and a[3] not in ("civilians", _STATE)), None)
        if suspect is None:
            return False
        if event.actor1 is None:
            event.actor1 = (suspect[1], f"Unidentified (suspected {suspect[2]})", "unidentified")
            if event.actor2 is not None and event.actor2[1] == suspect[2]:
                event.actor2 = None
        return True

    @staticmethod
    def _after_kind(a: tuple, cue_kinds: list, kind: str) -> bool:
        return any(k == kind and 0 < a[0] - f <= 10 for k, f, _l in cue_kinds)

    def _locations(self, mentions: list, toks: list[Token], main: Match, norm: str,
                   ctx: ArticleContext | None = None) -> list[tuple]:
        # «الموالية لأنقرة», «التابعة لطهران»: an affiliation, not where the event happened
        resolved = [pm for pm in mentions if pm.text and not set(norm[:pm.start].split()[-1:]) & _AFFILIATION]
        if not resolved:
            return []
        trig_pos = toks[main.first].start
        after = [pm for pm in resolved if pm.start >= trig_pos]
        first = after[0] if after else resolved[-1]
        if ctx is not None and ctx.country and first.place.country_code != ctx.country:
            # a foreign homonym («بلدة عدن يابال» in Somalia) loses to a place of the article's country
            home = [pm for pm in resolved if pm.place.country_code == ctx.country
                    and pm.place.geo_precision != "country"]
            if home:
                first = next((pm for pm in home if pm.start >= trig_pos), home[-1])
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

    def _previous_compatible(self, events: list[Candidate], action: str, *, family: bool) -> Candidate | None:
        for c in reversed(events):
            if c.action_type == action or (family and c.action_type in VIOLENT and action in VIOLENT):
                return c
        return None

    def _merge_elaboration(self, prev: Candidate, dates: list[DateMention], fat: list[int], vague: list[int],
                           unnumbered: bool, inj: list[int], actors: list, main: Match) -> None:
        past = [d for d in dates if not d.future and d.precision == "day"]
        if past:
            d = min(past, key=lambda x: x.date)
            if not prev.date_from_cue or d.date < prev.date:
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

    def _merge_same(self, events: list[Candidate], cand: Candidate) -> bool:
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

    def _subsume_vague(self, events: list[Candidate]) -> list[Candidate]:
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

    def _confidence(self, trig: Trigger, actor, place, from_cue: bool) -> float:
        score = 0.35 + 0.3 * trig.weight + (0.15 if actor else 0) + (0.1 if place is not None else 0) + \
            (0.05 if from_cue else 0)
        return round(min(1.0, score), 3)

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
        if c.fatalities_attackers and fat is not None and c.action_type in ("attack", "explosion_ied"):
            fat += min(c.fatalities_attackers)
        if c.actor1 and c.actor2 and c.actor1[1] == c.actor2[1] and not (
                c.action_type == "armed_clash" and _dual_sides(c.actor1[0])):
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


# «استهدف الطيران الحربي تجمعات ...»: a generic attack carried out from the air or by artillery
_AIR_INSTRUMENTS = frozenset({"الطيران", "طيران", "طائرات", "مقاتلات", "المقاتلات", "المدفعيه", "مدفعيه", "راجمات",
                              "الحربي", "الحربيه", "المسيره", "المسيرات"})
_SELF_CLAIM = frozenset({"انه", "انها", "انهم", "بانه", "بانها", "جماعته", "قواته", "قواتها", "وحداته", "وحداتها",
                         "عناصره", "مقاتليه", "طائراته", "طائراتها"})
_MILITARY_OBJECTS = frozenset({"قافله", "دوريه", "رتل", "ثكنه", "حاجز", "حاجزا", "نقطه", "اليه", "مركبه", "معسكر",
                               "معسكرا", "قاعده", "موقع", "موقعا", "مواقع", "كمين"})
_CIVILIAN_PERSONS = frozenset({"شاب", "الشاب", "شابا", "رجل", "رجلا", "امراه", "سيده", "طفل", "طفله", "طفلا", "طفلين",
                               "طفلان", "فتي", "فتاه", "مسن", "مسنه", "مواطن", "مواطنا", "مدني", "شخصين", "شخصان",
                               "شخص", "شخصا", "اشخاص", "صحفي", "مسعف", "المواطن", "السكان", "امراتين", "نساء"})
_CHARGE = frozenset({"المشاركين", "المتورطين", "بتهمه", "بالمشاركه", "المتهمين", "بالتورط", "تهمه", "بتهم",
                     "المشتبه", "المشاركه", "بالضلوع"})
_SUBORDINATE = frozenset({"قبل", "بعد", "عقب", "اثر", "قبيل"})
_REFERENCE = frozenset({"تنفيذا", "بموجب", "وفق", "وفقا", "خرق", "بخرق", "بنود", "ببنود"})
_ASPIRATION = frozenset({"للتوصل", "سعيا", "بهدف", "لبحث", "للوصول", "تمهيدا"})
_OFFICIAL_ROLES = ("Minister", "President", "Speaker", "Envoy", "Chief", "counterpart", "Leaders", "Notables")
# dual and plural place nouns that introduce a list of towns (rule E2: one event per town)
# (neighbourhoods «حيي/أحياء» are sites inside one city: one event, clarification 5)
_LIST_CUES = frozenset({"بلدتي", "قريتي", "مدينتي", "منطقتي", "مخيمي", "بلدات", "قري", "مدن", "مخيمات", "بلدتا",
                        "قريتا", "مدينتا", "منطقتا"})
_PLURAL_LIST_CUES = frozenset({"بلدات", "قري", "مدن", "مخيمات"})
_LIST_STOP = frozenset({"في", "علي", "قرب", "من", "الي", "عند", "داخل", "شمال", "جنوب", "شرق", "غرب", "شمالي",
                        "جنوبي", "شرقي", "غربي", "ريف", "محافظه", "ولايه", "قضاء", "ناحيه", "منطقه", "مديريه",
                        "التابعه", "التابعتين", "ما", "مما", "الحدوديه", "المحاذيه", "المجاوره", "وسط", "اطراف",
                        "منذ", "خلال", "بعد", "قبل", "حيث", "التي", "الذي", "اليوم", "امس", "فجر", "صباح", "مساء",
                        "ليل", "ليله", "عن", "مع", "ضد", "بين", "دون", "وفق", "بحسب", "حسب", "بينما", "فيما"})
_GROUP_NOUNS = frozenset({"جماعه", "حركه", "تنظيم", "ميليشيا", "مليشيا", "خلايا", "فصائل", "قوات"})
_MEMBERSHIP = frozenset({"من", "تابعين", "تابعون", "ينتمون", "ينتمي", "الي", "المنتمين", "ينتسبون"})


def _restates(toks: list[Token], norm: str, seen: list[set[str]]) -> bool:
    """The sentence's opening clause (up to its first comma, 6+ words) repeats an earlier sentence word for word."""
    comma = norm.find("،")
    head = [t.text for t in toks if comma < 0 or t.start < comma]
    if head and head[0].startswith("و") and len(head[0]) > 3:
        head[0] = head[0][1:]
    if len(head) < 6:
        return False
    return any(sum(w in earlier for w in head) >= 0.9 * len(head) for earlier in seen)


def _clause_initial_verb(toks: list[Token], i: int) -> bool:
    """«استهدفت فصائل المعارضة مواقع ...»: a verb opening its clause (VSO) has the subject after it; after a
    noun («غارة استهدفت X», «هجوم استهدف X») the noun after the verb is the object."""
    if i < 0 or toks[i].text not in ("استهدف", "استهدفت"):
        return False
    return i == 0 or toks[i - 1].text in ("المقابل", "جهتها", "جهته", "ذلك", "بدورها", "بدوره", "حين")


def _subordinate(h: Match, toks: list[Token]) -> bool:
    """«قبل أن ينسحبوا», «قبل انسحابهم»: the end of an incident, not a withdrawal of its own; «تنفيذاً
    لاتفاق», «بموجب الاتفاق»: an agreement referred to, not reported."""
    before = {t.text for t in toks[max(0, h.first - 2):h.first]}
    if h.entry.action_type == "deployment_withdrawal":
        return bool(before & _SUBORDINATE)
    if h.entry.action_type == "agreement":
        return bool(before & (_REFERENCE | _ASPIRATION))
    # «أوقفت خمسة من المشاركين في أعمال الشغب», «بتهمة المشاركة في هجوم»: a charge, not a new incident
    near = {t.text for t in toks[max(0, h.first - 3):h.first]}
    return bool(near & _CHARGE)


def _foreign_origin(pm: Any, norm: str, country: str | None) -> bool:
    """«الفصائل المدعومة من تركيا», «رحلات قادمة من إيران»: a foreign country after «من» is a sponsor or an
    origin, not where the event happened."""
    place = pm.place
    if place is None or place.geo_precision != "country" or country is None or place.country_code == country:
        return False
    return norm[:pm.start].split()[-1:] in (["من"], ["عن"])


def _people_count(toks: list[Token], cue: int) -> int:
    """«قُتلت امرأة وطفلها» = 2, «استُشهد شاب» = 1: singular person nouns right after a kill verb."""
    n = 0
    for t in toks[cue + 1:cue + 4]:
        forms = clitic_variants(t.text)
        if t.text.startswith(("ال", "وال")) or not forms & _PERSON_SINGULAR or (n and not t.text.startswith("و")):
            break
        n += 1
    return n


def _self_report(toks: list[Token], end: int) -> bool:
    """«أعلن الجيش أنه ...», «أن قواته ...», «أن ثمانية من عناصره»: the reporting actor speaks about its own
    action or its own losses."""
    after = [t.text for t in toks[end:end + 4]]
    if any(w in ("انه", "انها", "انهم", "بانه", "بانها", "بانهم") for w in after):
        return True
    if not any(w in ("ان", "بان") for w in after):
        return False
    return any(t.text[:-len(suf)] in _OWN_FORCES for t in toks[end:end + 7] for suf in ("ها", "هم", "ه")
               if t.text.endswith(suf))


_NAME_STOP = frozenset({"التي", "الذي", "الذين", "ان", "انه", "انها", "في", "الي", "علي", "مع", "عن", "من",
                        "اليوم", "امس", "خلال", "بعد", "قبل", "الوفد", "والوفد", "حيث", "كما", "بين", "اثناء"})
_OWN_FORCES = frozenset({"عناصر", "قوات", "جنود", "مقاتلي", "طائرات", "وحدات", "افراد", "دفاعات", "مقاتلات",
                         "منتسبي", "دوريات", "مواقع"})
_SOURCE_SENSITIVE = frozenset({"attack", "airstrike_shelling", "explosion_ied", "armed_clash", "abduction"})


def _dual_sides(norm_text: str) -> bool:
    return any(w.endswith("تين") or w in ("الطرفين", "طرفين", "فصيلين") for w in norm_text.split())


_PREC_RANK = {"town": 3, "district": 2, "region": 1, "country": 0}


def _rank(c: Candidate) -> int:
    """Place precision rank; «ريف X» (the countryside of a city) is region-level whatever the gazetteer says."""
    if c.location_text and normalize_arabic(c.location_text).startswith(("ريف", "بريف", "وريف")):
        return _PREC_RANK["region"]
    return _PREC_RANK.get(getattr(c.place, "geo_precision", None) or "", 0)


def _admin1(c: Candidate) -> str | None:
    return getattr(c.place, "admin1", None)


def _same_place_as(c: Candidate, place: Any) -> bool:
    if c.place is None or place is None:
        return c.place is None and place is None
    if c.place.geonames_id is not None and c.place.geonames_id == place.geonames_id:
        return True
    return c.place.name == place.name and c.place.country_code == place.country_code


def _same_place(a: Candidate, b: Candidate) -> bool:
    if a.place is not None and b.place is not None:
        pa, pb = a.place, b.place
        if pa.geonames_id is not None and pa.geonames_id == pb.geonames_id:
            return True
        return pa.name == pb.name and pa.country_code == pb.country_code
    return a.location_text == b.location_text
