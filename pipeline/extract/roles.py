"""Roles: which actor is the perpetrator (actor1) and which the target (actor2) of an event."""

from __future__ import annotations

from pipeline.extract import numbers as num
from pipeline.extract.actors import demonym, demonym_cc
from pipeline.extract.candidate import (
    STATE_FORCES,
    VIOLENT,
    ArticleContext,
    Candidate,
    dual_sides,
)
from pipeline.extract.lexicon import Match
from pipeline.extract.resources import Resources
from pipeline.extract.text import (
    Token,
    clitic_variants,
)

_AGENT_CUES = {"شنته", "شنها", "شنه", "شنتهما", "شنهما", "شنوه", "نفذتهما", "نفذته", "نفذها", "نفذتها", "نفذه",
               "اطلقتها", "اطلقها", "تابعه", "التابع", "يد", "قبل", "شن", "شنت", "نفذ", "نفذت", "شنتها", "به", "قامت"}

_TARGET_PREPS = {"علي", "ضد", "استهدف", "استهدفت", "مع", "نحو"}

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

# «قال ضابط في الشرطة», «أفاد العميد في وزارة الداخلية»: the force an informant belongs to reports, it did not act
_INFORMANTS = frozenset({"مسؤولون", "مسؤولين", "ضابط", "العميد", "مصدر", "مصادر", "مسؤول", "عضو", "المتحدث",
                         "الناطق", "متحدث", "ناطق"})

_ARREST_PEOPLE = {"اشخاص": "Civilians", "شخصا": "Civilians", "اشخاصا": "Civilians", "مواطنين": "Civilians",
                  "مواطنا": "Civilians", "شبان": "Civilians", "شابا": "Civilians", "مدنيين": "Civilians",
                  "متهمين": "Suspects", "مطلوبين": "Suspects", "مشتبها": "Suspects", "مشتبه": "Suspects",
                  "شقيقين": "Civilians", "الشقيقين": "Civilians", "صحفي": "Civilians", "الصحفي": "Civilians",
                  "صحفيا": "Civilians", "صحفيين": "Civilians", "ناشط": "Civilians", "الناشط": "Civilians",
                  "ناشطا": "Civilians", "ناشطين": "Civilians", "الناشطين": "Civilians", "عمال": "Civilians",
                  "عاملين": "Civilians", "موظفين": "Civilians", "صيادين": "Civilians", "طلاب": "Civilians",
                  "شابين": "Civilians", "شابان": "Civilians", "شقيق": "Civilians", "شقيقه": "Civilians"}
_POLICING = frozenset({"armed_clash", "arrest_raid", "security_operation"})
_OCCUPIED = frozenset({"PS"})  # territories whose arrests ACLED codes as «<dem> civilians/suspects»
# «إيقاف 12 شخصاً من المشاركين في أعمال الشغب»: the people arrested are rioters
_RIOT_WORDS = frozenset({"الشغب", "شغب", "المواجهات", "التخريب"})

_MILITARY_OBJECTS = frozenset({"قافله", "دوريه", "رتل", "ثكنه", "حاجز", "حاجزا", "نقطه", "اليه", "مركبه", "معسكر",
                               "معسكرا", "قاعده", "موقع", "موقعا", "مواقع", "كمين"})

_CIVILIAN_PERSONS = frozenset({"شاب", "الشاب", "شابا", "رجل", "رجلا", "امراه", "سيده", "طفل", "طفله", "طفلا", "طفلين",
                               "طفلان", "فتي", "فتاه", "مسن", "مسنه", "مواطن", "مواطنا", "مدني", "شخصين", "شخصان",
                               "شخص", "شخصا", "اشخاص", "صحفي", "مسعف", "المواطن", "السكان", "امراتين", "نساء"})

_OWN_FORCES = frozenset({"عناصر", "قوات", "جنود", "مقاتلي", "طائرات", "وحدات", "افراد", "دفاعات", "مقاتلات",
                         "منتسبي", "دوريات", "مواقع"})

_SOURCE_SENSITIVE = frozenset({"attack", "airstrike_shelling", "explosion_ied", "armed_clash", "abduction"})

# no distinct target (guidelines: withdrawals, statements, agreements, peaceful protests): the party a statement
# or an accord concerns, or a protest's addressee, is not coded as a target
NO_TARGET = frozenset({"protest", "deployment_withdrawal", "statement", "agreement"})

# bombs and kidnappings are never coded to state forces (gold: 0 of 243): a force named is the victim or the
# source («انفجرت عبوة لدى مرور دورية للشرطة», «قال ضابط في الشرطة»)
_NON_STATE_ACTS = frozenset({"explosion_ied", "abduction"})

_OFFICIAL_ROLES = ("Minister", "President", "Speaker", "Envoy", "Chief", "counterpart", "Leaders", "Notables",
                   "Ministry", "government")


def coded_roles(res: Resources, ctx: ArticleContext, actors: list[tuple], main: Match, toks: list[Token],
                cue_kinds: list, flags: tuple[set[int], set[int], set[int]], fatalities: list[int],
                events: list[Candidate]) -> tuple[str, tuple | None, tuple | None]:
    """(action type, perpetrator, target) of a new event: a clash with rioters and a violent or deadly
    protest are riots (rule A); protests, arrests and attacks with no named target get their own rules."""
    action = main.entry.action_type
    a1, a2 = perpetrator_and_target(actors, main, toks, action, flags)
    if a2 is None and action in ("arrest_raid", "abduction"):
        a2 = arrested_people(res, ctx, toks, main)
    if a2 is None and a1 is not None and action == "armed_clash" and dual_sides(a1[1]):
        a2 = a1  # «اشتباكات بين مجموعتين مسلحتين»: both sides carry the same label
    if action == "armed_clash" and any(a[3] in ("protesters", "rioters") for a in actors):
        action = "riot"
    if action == "protest" and any(k == "violence" for k, _f, _l in cue_kinds):
        action = "riot"
    if action in VIOLENT and a1 is not None and a1[3] == "external_other" and \
            any(r in a1[2] for r in _OFFICIAL_ROLES):
        a1 = None  # a minister or president speaks about strikes; forces carry them out
    if action == "protest" and fatalities:
        action = "riot"  # deaths at a protest (rule A: riot)
    if action in ("protest", "riot"):
        a1, a2 = protest_roles(res, ctx, actors, main, a1, a2, action)
    if action == "arrest_raid":
        a1, a2 = arrest_roles(actors, a1, a2, events)
    if action in _NON_STATE_ACTS and a1 is not None and a1[3] == STATE_FORCES:
        a1, a2 = None, (a2 if a2 is not None or a1[0] in flags[1] else a1)
    if a2 is None and action in ("attack", "explosion_ied", "airstrike_shelling"):
        a2 = implied_target(res, ctx, toks, a1, [f for k, f, _l in cue_kinds if k in ("kill", "kill_verb")])
    if action in NO_TARGET:
        a2 = None
    return action, a1, a2


def role_flags(res: Resources, actors: list[tuple], toks: list[Token], cue_kinds: list,
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
        partitive = bool(gap & _CASUALTY_NOUNS) or any(num.number_at(toks, j, res.lex.numbers) is not None
                                                       for j in window)
        if partitive and any(0 < i - k <= 6 for k in kills):
            victims.add(i)
        if i > 0 and clitic_variants(toks[i - 1].text) & _TARGET_HEADS:
            victims.add(i)
        if i > 0 and (toks[i - 1].text in _ALLY_CUES or (toks[i - 1].text == "مع" and i > 1
                                                          and toks[i - 2].text in _ALLY_CUES)):
            allies.add(i)
        before = {toks[j].text for j in range(max(0, i - 2), i)}
        informant = i > 1 and toks[i - 1].text == "في" and toks[i - 2].text in _INFORMANTS
        if (any(0 < i - r <= 2 for r in reporting) or before & _SOURCE_CUES or informant) and \
                not _self_report(toks, a[4]):
            sources.add(i)
    victim_norms = {a[2] for a in actors if a[0] in victims}
    victims |= {a[0] for a in actors if a[2] in victim_norms}  # «قوات سوريا الديمقراطية (قسد)»
    return victims, sources, allies


def perpetrator_and_target(actors: list[tuple], main: Match, toks: list[Token], action: str,
           flags: tuple[set[int], set[int], set[int]] | None = None):
    victims, sources, allies = flags or (set(), set(), set())
    if action in _SOURCE_SENSITIVE:  # a reporting source is neither perpetrator nor (first) target
        actors = [a for a in actors if a[0] not in sources] + [a for a in actors if a[0] in sources]
        sources = {a[0] for a in actors if a[0] in sources}
    else:
        sources = set()
    if not actors:
        return None, None
    if action == "armed_clash":  # both sides fight: the first side named is actor1, even when it lost men
        victims = set()
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
        a[2] != agent[2] and not (a[3] == agent[3] == STATE_FORCES and action not in ("armed_clash",)
                                  and a[0] not in victims))), None)
    if agent is not None and agent[3] == "civilians":
        agent, target = None, agent
    if agent is None and target is not None and target[3] != "civilians" and target[0] not in victims | sources:
        agent, target = target, None
    if agent is None and target is not None and target[3] == "civilians" and action in _POLICING:
        # «أعلنت الداخلية أن ... تبادلت إطلاق النار مع عناصر إجرامية»: the state force that reports a
        # clash with criminals or smugglers is the one that fought them
        agent = next((a for a in actors if a[0] in sources and a[3] == STATE_FORCES), None)
    return agent, target


def protest_roles(res: Resources, ctx: ArticleContext, actors: list[tuple], main: Match, a1: tuple | None,
                  a2: tuple | None, action: str) -> tuple[tuple | None, tuple | None]:
    """Protesters are the actors of a protest or riot; a party they support («مناصري حزب الله») or the
    force that reports on them is not. A peaceful crowd named otherwise («أنصار التيار») is protesters;
    the people a protest speaks for («المواطنين») are not its target."""
    crowd = next((a for a in actors if a[3] in ("protesters", "rioters")), None)
    if action == "protest" and a2 is not None and a2[3] == "civilians":
        a2 = None
    if crowd is not None:
        if a1 is not None and a1 is not crowd and a1[3] == STATE_FORCES and a2 is None:
            a2 = a1
        if action == "protest" and crowd[3] == "rioters":
            dem = demonym(res, ctx.country)
            crowd = (*crowd[:2], f"Protesters ({dem})" if dem else "Protesters", "protesters", crowd[4])
        return crowd, (a2 if a2 is None or a2[2] != crowd[2] else None)
    if a1 is None or a1[3] in ("political_militia", "rebels", "unidentified", "external_other"):
        dem = demonym(res, ctx.country)
        label = f"Protesters ({dem})" if dem else "Protesters"
        return (main.first, "", label, "protesters", main.first + 1), (a2 if a2 is not a1 else None)
    return a1, a2


def arrest_roles(actors: list[tuple], a1: tuple | None, a2: tuple | None,
                 events: list[Candidate]) -> tuple[tuple | None, tuple | None]:
    """Arrests are made by state forces: a group named as the suspects' affiliation («بتهمة الانتماء إلى
    داعش») is the target; a passive arrest («تم ضبط») takes the force of the article's previous event."""
    state = next((a for a in actors if a[3] == STATE_FORCES), None)
    if a1 is not None and a1[3] != STATE_FORCES and state is not None and state[0] < a1[0]:
        return state, a1 if a2 is None or a2 is state else a2
    if a1 is None:
        prev = next((c for c in reversed(events) if c.actor1 is not None and c.actor1[2] == STATE_FORCES), None)
        if prev is not None:
            return (0, prev.actor1[0], prev.actor1[1], prev.actor1[2], 0), a2
    return a1, a2


def implied_target(res: Resources, ctx: ArticleContext, toks: list[Token], a1: tuple | None,
                   kills: list[int]) -> tuple | None:
    """Who was hit when no known actor is named: a military object with no owner («قافلة عسكرية», «نقطة
    تفتيش», «آلية عسكرية») belongs to the country's forces; a person killed or hurt («الشاب», «امرأة»,
    «شخصين») is a civilian."""
    dem = demonym(res, ctx.country)
    for j, t in enumerate(toks):
        forms = clitic_variants(t.text)
        # a foreign state's strike on «مواقع عسكرية» hits the country's own forces
        if forms & _MILITARY_OBJECTS and dem and (a1 is None or a1[3] != STATE_FORCES or
                                                  not a1[2].startswith(dem)):
            nxt = set().union(set(), *(clitic_variants(u.text) for u in toks[j + 1:j + 3]))
            if nxt & {"عسكريه", "عسكري", "جيش", "الجيش", "للجيش"}:
                return j, t.text, f"{dem} Army", STATE_FORCES, j + 1
            if nxt & {"تفتيش", "امنيه", "امني", "للشرطه", "الشرطه", "للامن"}:
                return j, t.text, f"{dem} security forces", STATE_FORCES, j + 1
    for j, t in enumerate(toks):
        if clitic_variants(t.text) & _CIVILIAN_PERSONS and any(abs(j - k) <= 4 for k in kills):
            return j, t.text, "Civilians", "civilians", j + 1
    return None


def arrested_people(res: Resources, ctx: ArticleContext, toks: list[Token], main: Match) -> tuple | None:
    """Who was arrested when no known actor is named: «15 فلسطينياً» -> Palestinian civilians/suspects; after
    the trigger, else just before it («اعتقلت، فجر اليوم، ١٤ مواطناً خلال حملة دهم»)."""
    after = range(main.last, min(len(toks), main.last + 8))
    before = range(main.first - 1, max(-1, main.first - 7), -1)
    for j in [*after, *before]:
        forms = clitic_variants(toks[j].text)
        cc = demonym_cc(res, toks[j].text)
        if cc and any(num.number_at(toks, k, res.lex.numbers) is not None  # «خمسة عشر فلسطينياً»
                      for k in (j - 1, j - 2) if k >= 0 and not main.first <= k < main.last):
            return j, toks[j].text, f"{demonym(res, cc) or cc} civilians/suspects", "civilians", j + 1
        label = next((_ARREST_PEOPLE[f] for f in forms if f in _ARREST_PEOPLE), None)
        if label:
            return j, toks[j].text, arrested_label(res, ctx, label, toks[j + 1:j + 6]), "civilians", j + 1
    return None


def arrested_label(res: Resources, ctx: ArticleContext, label: str, after: list[Token]) -> str:
    """Civilians arrested: rioters when described as taking part in riots; in occupied territory (ACLED
    convention) «Palestinian civilians/suspects»."""
    dem = demonym(res, ctx.country)
    if any(t.text in _RIOT_WORDS for t in after):
        return f"{dem} rioters".strip()
    if label == "Civilians" and ctx.country in _OCCUPIED:
        return f"{dem} civilians/suspects"
    return label


def _clause_initial_verb(toks: list[Token], i: int) -> bool:
    """«استهدفت فصائل المعارضة مواقع ...»: a verb opening its clause (VSO) has the subject after it; after a
    noun («غارة استهدفت X», «هجوم استهدف X») the noun after the verb is the object."""
    if i < 0 or toks[i].text not in ("استهدف", "استهدفت"):
        return False
    return i == 0 or toks[i - 1].text in ("المقابل", "جهتها", "جهته", "ذلك", "بدورها", "بدوره", "حين")


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
