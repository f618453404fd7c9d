"""Actors: who a sentence names (lexicon, adjectival attribution, remembered officials), who claims or is blamed."""

from __future__ import annotations

from itertools import compress

from pipeline.extract.candidate import (
    STATE_FORCES,
    VIOLENT,
    ArticleContext,
    Candidate,
    same_place_as,
)
from pipeline.extract.lexicon import ActorEntry, Match
from pipeline.extract.memo import BoundedMemo
from pipeline.extract.resources import Resources
from pipeline.extract.text import (
    Token,
    clitic_variants,
)

_ANAPHORIC_GROUPS = {"الحركه", "الجماعه", "التنظيم"}

# generic state forces («الجنود», «الجيش») in these territories are another state's forces (ACLED convention)
_OCCUPYING_FORCES = {"PS": "Israeli forces"}

# the army of these countries as the gold names it («الجيش» in Somalia is the «Somali National Army»; in Libya's
# reporting the «army» is Haftar's LNA)
_ARMY_LABELS = {"SO": "Somali National Army", "LY": "LNA"}

# a country adjective right after one of these nouns names the perpetrator («غارات إسرائيلية», «طائرة مسيرة
# تركية», «قوة إسرائيلية»): the adjectival actor is the state's forces
_MILITARY_NOUNS = frozenset({
    "غاره", "غارات", "غارتين", "قصف", "ضربه", "ضربات", "طائره", "طائرات", "مسيره", "مسيرات", "حربيه", "حربي",
    "مقاتلات", "مقاتله", "قوه", "قوات", "دوريه", "اليات", "اليه", "دبابات", "دبابه", "مدفعيه", "صواريخ",
    "صاروخ", "زوارق", "بوارج", "هجوم", "هجمات", "قذائف", "قذيفه", "توغل", "عمليه", "مروحيات", "مروحيه",
    "عسكريه", "عسكري", "جويه", "جوي", "مدرعات", "وحدات", "بحريه", "طيران"})

_GROUP_NOUNS = frozenset({"جماعه", "حركه", "تنظيم", "ميليشيا", "مليشيا", "خلايا", "فصائل", "قوات"})

_MEMBERSHIP = frozenset({"من", "تابعين", "تابعون", "ينتمون", "ينتمي", "الي", "المنتمين", "ينتسبون"})

_NAME_STOP = frozenset({"التي", "الذي", "الذين", "ان", "انه", "انها", "في", "الي", "علي", "مع", "عن", "من",
                        "اليوم", "امس", "خلال", "بعد", "قبل", "الوفد", "والوفد", "حيث", "كما", "بين", "اثناء"})

_SELF_CLAIM = frozenset({"انه", "انها", "انهم", "بانه", "بانها", "جماعته", "قواته", "قواتها", "وحداته", "وحداتها",
                         "عناصره", "مقاتليه", "طائراته", "طائراتها"})


def demonym(res: Resources, cc: str | None) -> str:
    """English demonym of a country code («TD» -> «Chadian»), "" when unknown."""
    if not cc:
        return ""
    return res.lex.demonyms.get(cc, "")


def read_actors(res: Resources, ctx: ArticleContext, toks: list[Token], last_group) -> list[tuple]:
    out = []
    for m in res.lex.actors.find(toks, res.morph):
        entry: ActorEntry = m.entry
        country = entry.country or adjacent_country(res, toks, m.last) or ctx.country
        norm = entry.norm
        if "{dem}" in norm and entry.actor_type == STATE_FORCES and country in _OCCUPYING_FORCES:
            norm = _OCCUPYING_FORCES[country]
        if "{dem}" in norm:
            dem = demonym(res, country)
            norm = norm.replace("{dem}", dem).replace("()", "").strip() or entry.norm.replace("{dem}", "")
            norm = norm.replace(" ()", "").strip()
            if entry.norm == "{dem} Army" and country in _ARMY_LABELS:
                norm = _ARMY_LABELS[country]
        text = " ".join(t.text for t in toks[m.first:m.last])
        out.append((m.first, text, norm, entry.actor_type, m.last))
    # the tokens an actor already covers (an actor added below covers only its own token, never a later one)
    covered = {i for a in out for i in range(a[0], a[4])}
    if last_group is not None:
        for i, t in enumerate(toks):
            if t.text in _ANAPHORIC_GROUPS and i not in covered:
                out.append((i, t.text, last_group[1], last_group[2], i + 1))
                covered.add(i)
    names = ctx.names
    texts = [t.text for t in toks]
    ccs = demonym_countries(res).all_of(texts, lambda w: plain_demonym_cc(res, w) or "")
    # adjectival attribution: «غارات إسرائيلية», «طائرة مسيرة تركية»; a remembered official's name
    for i in _demonyms_or_names(ccs, texts, names):
        if i == 0 or i in covered:
            continue
        t, cc = toks[i], ccs[i]
        if cc and clitic_variants(toks[i - 1].text) & _MILITARY_NOUNS:
            label = "Israeli forces" if cc == "IL" else f"{demonym(res, cc) or cc} forces"
            out.append((i, t.text, label, STATE_FORCES, i + 1))
        elif t.text in names and names[t.text][0]:
            out.append((i, t.text, *names[t.text], i + 1))
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


def _demonyms_or_names(ccs: list[str], texts: list[str], names: dict[str, tuple[str, str]]) -> list[int]:
    """The positions, in order, of the tokens that are a demonym (``ccs``: its country, else "") or a remembered
    official's name (most tokens are neither: found without visiting each)."""
    found = list(compress(range(len(ccs)), ccs))
    if names:
        named = compress(range(len(texts)), map(names.__contains__, texts))
        found = sorted(set(found).union(named))
    return found


def adjacent_country(res: Resources, toks: list[Token], i: int) -> str | None:
    if i < len(toks):
        return res.lex.country_names.get(toks[i].text)
    return None


class _DemonymMemo(BoundedMemo):
    """``demonym_cc`` per token of one lexicon's country names (it depends on the token only; "" for none)."""

    def __init__(self, country_names: dict[str, str]) -> None:
        super().__init__(100_000)
        self.country_names = country_names


_demonym_memo = _DemonymMemo({})


def demonym_countries(res: Resources) -> _DemonymMemo:
    """The remembered ``demonym_cc`` of ``res``'s tokens (started afresh for another lexicon's country names)."""
    global _demonym_memo
    if _demonym_memo.country_names is not res.lex.country_names:
        _demonym_memo = _DemonymMemo(res.lex.country_names)
    return _demonym_memo


def demonym_cc(res: Resources, token: str) -> str | None:
    """Country of a nationality adjective in any form: «إسرائيلية», «الأمريكي», «فلسطينياً» (remembered per
    token: ``plain_demonym_cc``)."""
    return demonym_countries(res).one(token, lambda w: plain_demonym_cc(res, w) or "") or None


def plain_demonym_cc(res: Resources, token: str) -> str | None:
    """``demonym_cc`` computed afresh."""
    for form in (token, token[:-1] if token.endswith("ا") else None):
        if not form:
            continue
        for f in (form, "ال" + form, form[1:] if form[:1] in "وفب" else None):
            if f and f in res.lex.country_names and len(f) > 4:
                return res.lex.country_names[f]
    return None


def remember_names(res: Resources, ctx: ArticleContext, toks: list[Token], actors: list[tuple]) -> None:
    """«المبعوث الأمريكي توم براك، ...»: later «براك» alone is the same official."""
    for a in actors:
        if a[3] != "external_other" or " " not in a[2] or a[2].endswith("counterpart"):
            continue
        ctx.names[""] = (a[2].split(" ", 1)[1], a[3])  # last role seen («Foreign Minister»)
        j = a[4]
        if j < len(toks) and demonym_cc(res, toks[j].text):
            j += 1
        name: list[Token] = []
        for t in toks[j:j + 3]:
            if t.text in _NAME_STOP or t.text in res.lex.numbers or demonym_cc(res, t.text) or \
                    len(t.text) < 3 or (name and t.start - name[-1].end > 1):  # a comma ends the name
                break
            name.append(t)
        if name and name[-1].text not in res.lex.country_names:
            ctx.names[name[-1].text] = (a[2], a[3])


def credit_claimant(event: Candidate, actors: list[tuple], cue_kinds: list,
                    toks: list[Token] | None = None) -> bool:
    """«تبنت حركة الشباب الهجوم»: the claimant is the perpetrator of the event reported just before."""
    at = next((f for k, f, _l in cue_kinds if k == "claim_resp"), None)
    blamed = blamed_party(actors, cue_kinds, toks) if at is None else None
    if at is None and blamed is None:
        return False
    claimant = blamed or next((a for a in actors if a[0] > at and a[3] not in ("civilians",)), None)
    if claimant is None:
        return False
    if event.actor1 is None or event.actor1[2] == "unidentified" or (
            blamed is not None and event.actor1[1] != blamed[2] and event.actor1[2] != "unidentified"
            and event.actor1[2] == STATE_FORCES and blamed[3] != STATE_FORCES):
        event.actor1 = claimant[1:4]
        if event.actor2 is not None and event.actor2[1] == claimant[2]:
            event.actor2 = None
    return True


def blamed_party(actors: list[tuple], cue_kinds: list, toks: list[Token] | None) -> tuple | None:
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


def credit_suspect(event: Candidate, actors: list[tuple], cue_kinds: list) -> bool:
    """«رجّح مسؤولون أن تكون خلايا تابعة لتنظيم داعش وراءه»: a suspected perpetrator, not a known one."""
    suspect = next((a for a in actors if after_kind(a, cue_kinds, "suspect")
                    and a[3] not in ("civilians", STATE_FORCES)), None)
    if suspect is None:
        return False
    if event.actor1 is None:
        event.actor1 = (suspect[1], f"Unidentified (suspected {suspect[2]})", "unidentified")
        if event.actor2 is not None and event.actor2[1] == suspect[2]:
            event.actor2 = None
    return True


def after_kind(a: tuple, cue_kinds: list, kind: str) -> bool:
    return any(k == kind and 0 < a[0] - f <= 10 for k, f, _l in cue_kinds)


def restated_claim(toks: list[Token], main: Match, cue_kinds: list, actors: list[tuple],
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
    return all(any(same_place_as(c, pm.place) for c in events) for pm in mentions
               if pm.place is not None and pm.place.geo_precision != "country")

