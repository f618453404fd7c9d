"""Tolls: fatalities and injured counted near kill and injury cues."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract import numbers as num
from pipeline.extract.candidate import (
    Candidate,
)
from pipeline.extract.resources import Resources
from pipeline.extract.text import (
    Token,
    clitic_variants,
    without_conjunction,
)

_PERSON_SINGULAR = frozenset({
    "شاب", "رجل", "امراه", "سيده", "طفل", "طفله", "فتي", "فتاه", "مسن", "مسنه", "مواطن", "مدني", "جندي", "شرطي",
    "عنصر", "ضابط", "مزارع", "راع", "صحفي", "طبيب", "مسعف", "ناشط", "ابن", "ابنه", "زوج", "زوجه", "شقيق", "والد",
    "والده", "سائق", "موظف", "عامل", "مختار", "حارس", "معلم", "مدرس", "تاجر", "امام", "صياد", "طالب", "شخص"})

# person nouns whose plural is broken («شبان», «جنود», «أشخاص»): their «ـين» form can only be a dual
_BROKEN_PLURAL = frozenset({"شاب", "رجل", "امراه", "سيده", "طفل", "طفله", "جندي", "ضابط", "عنصر", "ابن", "شقيق",
                            "طبيب", "تاجر", "حارس", "شخص", "زوج", "والد"})


def _dual(noun: str) -> tuple[str, ...]:
    """The dual forms of a person noun: «شابان» (every noun) and «شابين» (only where no sound plural has that
    form); a feminine «ـه» becomes «ـت» (normalised «امراتين», «طفلتان»)."""
    stem = noun[:-1] + "ت" if noun.endswith("ه") else noun
    return (stem + "ان", stem + "ين") if noun in _BROKEN_PLURAL else (stem + "ان",)


# «قُتل جنديان», «مقتل شخصين»: two people
_PERSON_DUAL = frozenset(f for noun in _PERSON_SINGULAR for f in _dual(noun))

# kill words whose own ending counts the dead: «مقتله», «لقي حتفه», «فارق الحياة» one, «مقتلهما», «قُتلا» two
_KILL_COUNTED_BY_FORM = {"مقتله": 1, "مقتلها": 1, "حتفه": 1, "حتفها": 1, "مصرعه": 1, "مصرعها": 1,
                         "مقتلهما": 2, "حتفهما": 2, "مصرعهما": 2, "قتلا": 2, "قتلتا": 2, "استشهدا": 2,
                         "استشهدتا": 2}
_PASSED_AWAY = {"فارق": 1, "فارقت": 1, "فارقا": 2, "فارقتا": 2}  # «فارق الحياة»

# nouns a toll number comes before («ثلاثة قتلى», «أربعة ... حتفهم»); verbs and masdars take it after
_COUNTED_KILL = frozenset({"قتلي", "قتيلا", "قتيل", "شهداء", "الشهداء", "شهيدا", "حتفهم", "حتفه", "حتفهما",
                           "مصرعهم", "مصرعه", "ضحايا", "الضحايا"})

_ATTACKER_WORDS = {"منهم", "المهاجمين", "مهاجمين", "الانتحاريين", "المسلحين المهاجمين"}


@dataclass(frozen=True)
class Toll:
    """Casualty counts found in one sentence (each list: every count read; the row takes the smallest)."""

    fatalities: list[int]
    vague: list[int]  # «عشرات القتلى»
    unnumbered: bool  # deaths without a number («خسائر في الأرواح»)
    injured: list[int]
    attackers: list[int]  # attackers killed by the defenders


def read_toll(res: Resources, toks: list[Token], cue_kinds: list) -> Toll:
    """The sentence's casualties; attackers killed by the defenders are kept apart (rule F)."""
    fat, vague, unnumbered, inj = casualties(res, toks, cue_kinds)
    attackers = attacker_deaths(res, toks, cue_kinds)
    return Toll([v for v in fat if v not in attackers], vague, unnumbered, inj, attackers)


def casualties(res: Resources, toks: list[Token], cue_kinds: list) -> tuple[list[int], list[int], bool, list[int]]:
    # «بين القتلى ثلاثة من عناصر الأمن»: a breakdown of the toll, not the toll
    kill = [f for k, f, _l in cue_kinds if k == "kill" and not (f > 0 and toks[f - 1].text in ("بين", "بينهم"))]
    inj_idx = [f for k, f, _l in cue_kinds if k == "injure"]
    claim = any(k == "claim" for k, _f, _l in cue_kinds)
    stop = frozenset(res.lex.cue_words.get("injure", ()))
    counted = [i for i in kill if toks[i].text in _COUNTED_KILL]  # «ثلاثة قتلى», «أربعة ... حتفهم»
    vals = num.count_near(toks, counted, res.lex.numbers, before=6, after=0, stop=stop)
    vals += num.count_near(toks, [i for i in kill if i not in counted], res.lex.numbers, before=6, after=3,
                           stop=stop)
    if not vals and any(toks[i].text in ("قتيل", "قتيلا") for i in kill):
        vals = [1]
    if not vals:
        vals = [n for n in (_people_count(toks, i) for i in kill) if n]
    if not vals:
        vals = [n for n in [_eliminated(toks, res.lex.numbers)] if n]
    if not vals:
        vals = [n for n in [_counted_by_form(toks)] if n]
    explicit = [v for v in vals if v not in (10, 12) or any(t.text.isdigit() for t in toks)]
    vague_words = {"عشرات", "العشرات"}
    vague = [res.lex.numbers[w] for i in kill for w in vague_words
             if any(w in clitic_variants(t.text) for t in toks[max(0, i - 3):i + 4])]
    explicit = [v for v in vals if v not in vague] if vague else vals
    if claim:
        explicit, vague = [], []
    unnumbered = any(k == "unnumbered_kill" for k, _f, _l in cue_kinds)
    inj = num.count_near(toks, inj_idx, res.lex.numbers, before=2, after=3,
                         stop=frozenset(res.lex.cue_words.get("kill", ())))
    return explicit, vague, unnumbered, inj


def update_toll(res: Resources, event: Candidate, toks: list[Token], cue_kinds: list) -> None:
    """A sentence with a toll but no trigger («ارتفعت حصيلة القتلى إلى 30») adds to the event it follows."""
    kinds = {k for k, _f, _l in cue_kinds}
    if "unnumbered_kill" in kinds and not kinds & {"habitual", "since", "context"}:
        event.fatalities_unnumbered = True  # «كبّدت المهاجمين خسائر فادحة في الأرواح»: deaths, no number
    if "kill" not in kinds or kinds & {"habitual", "since", "claim", "context"}:
        return
    kill = [last - 1 for k, _f, last in cue_kinds if k == "kill"]
    stop = frozenset(res.lex.cue_words.get("injure", ()))
    counts = num.count_near(toks, kill, res.lex.numbers, before=4, after=5, stop=stop)
    if counts and event.fatalities and "additive" in kinds and event.action_type == "armed_clash":
        # «وأضاف أن أربعة من مسلحي الحوثي قُتلوا أيضاً»: the other side's dead, added to the toll
        event.fatalities = [v + min(counts) for v in event.fatalities]
        return
    event.fatalities += counts


def attacker_deaths(res: Resources, toks: list[Token], cue_kinds: list) -> list[int]:
    """Counts of attackers killed by the defenders («فقتلت ثلاثة منهم», «مقتل اثنين من المهاجمين»)."""
    out = []
    for kind, first, _last in cue_kinds:
        if kind != "kill":
            continue
        for j in range(first + 1, min(len(toks), first + 4)):
            v = num.number_at(toks, j, res.lex.numbers)
            if v is None:
                continue
            after = {toks[k].text for k in range(j + 1, min(len(toks), j + 4))}
            if after & _ATTACKER_WORDS:
                out.append(v)
            break
    return out


# «قضت، أمس الثلاثاء، على إرهابيين اثنين», «القضاء على 11 عنصراً»: security-bulletin language for killing
_ELIMINATE = frozenset({"قضت", "قضي", "قضوا", "القضاء", "للقضاء", "وقضت"})
_COURT = frozenset({"محكمه", "المحكمه", "بالسجن", "بالاعدام", "حكما", "القضاء"})


def _eliminated(toks: list[Token], numbers: dict[str, int]) -> int | None:
    """The number of people «eliminated» (killed) after «قضت ... على» within a few words; not a court ruling."""
    if any(t.text in _COURT - {"القضاء"} for t in toks):
        return None
    for i, t in enumerate(toks):
        if t.text not in _ELIMINATE:
            continue
        on = next((j for j in range(i + 1, min(len(toks), i + 10)) if toks[j].text == "علي"), None)
        if on is None:
            continue
        for j in range(on + 1, min(len(toks), on + 4)):
            v = num.number_at(toks, j, numbers)
            if v is not None:
                return v
        if on + 1 < len(toks) and clitic_variants(toks[on + 1].text) & _PERSON_SINGULAR:
            return 1
    return None


def _people_count(toks: list[Token], cue: int) -> int:
    """«قُتلت امرأة وطفلها» = 2, «استُشهد شاب» = 1, «مقتل ضابطين وجندي» = 3: singular and dual person nouns
    right after a kill verb; a dual may follow the verb's subject («قتلت مسيّرة إسرائيلية شخصين»)."""
    n = 0
    window = toks[cue + 1:cue + 4]
    first_dual = next((k for k, t in enumerate(window) if _form_in(t.text, _PERSON_DUAL)), None)
    if first_dual is not None and not any(t.text.isdigit() or t.text in ("،", ",") for t in window[:first_dual]):
        window = window[first_dual:]
    for t in window:
        forms = clitic_variants(t.text)
        if n and not t.text.startswith("و"):
            break
        if _form_in(t.text, _PERSON_DUAL):
            n += 2
        elif t.text.startswith(("ال", "وال")) or not forms & _PERSON_SINGULAR:
            break
        else:
            n += 1
    return n


def _form_in(text: str, forms: dict[str, int] | frozenset[str]) -> str | None:
    """``text``, else ``text`` without a leading «و»/«ف», whichever ``forms`` holds («فارقا» as it is)."""
    return next((f for f in (text, without_conjunction(text)) if f in forms), None)


def _counted_by_form(toks: list[Token]) -> int | None:
    """The dead a kill word's own ending counts (``_KILL_COUNTED_BY_FORM``, «فارق الحياة»), the first such word."""
    for i, t in enumerate(toks):
        form = _form_in(t.text, _KILL_COUNTED_BY_FORM)
        if form is not None:
            return _KILL_COUNTED_BY_FORM[form]
        form = _form_in(t.text, _PASSED_AWAY)
        if form is not None and i + 1 < len(toks) and toks[i + 1].text == "الحياه":
            return _PASSED_AWAY[form]
    return None
