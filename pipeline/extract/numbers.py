"""Numbers written as digits or words, and conservative fatality / injury counts (rule F)."""

from __future__ import annotations

from pipeline.extract.text import Token, clitic_variants

_APPROX = {"نحو", "حوالي", "قرابه", "اكثر", "من", "الاقل", "علي", "يقل", "عن", "لا", "ما", "الي", "ارتفعت", "ارتفع",
           "بلغت", "بلغ", "وصلت"}

_YEAR_WORDS = frozenset({"عام", "العام", "لعام", "سنه", "السنه", "منذ", "عامي"})


def number_at(tokens: list[Token], i: int, numbers: dict[str, int]) -> int | None:
    """Value of the number starting at token ``i`` (digits, «ثلاثة», «خمسة وعشرون», «أحد عشر»)."""
    t = tokens[i].text
    if t.isdigit():
        if i > 0 and tokens[i - 1].text in _YEAR_WORDS:  # «معارك التحرير عام 2017»: a year, not a count
            return None
        return int(t)
    value = _word(t, numbers)
    if value is None:
        return None
    if i + 1 < len(tokens) and tokens[i + 1].text == "عشر" and value < 10:
        return value + 10
    if i + 1 < len(tokens) and tokens[i + 1].text in ("الاف", "الف", "مئه", "مائه") and value < 10:
        return value * (1000 if "ل" in tokens[i + 1].text else 100)
    if i + 1 < len(tokens) and tokens[i + 1].text.startswith("و"):
        nxt = _word(tokens[i + 1].text[1:], numbers)
        if nxt is not None and nxt >= 20:
            return value + nxt
    return value


def _word(t: str, numbers: dict[str, int]) -> int | None:
    if t in numbers:
        return numbers[t]
    if t in ("احد", "احدي"):
        return 1
    for v in clitic_variants(t):
        if v in numbers and len(v) > 2:
            return numbers[v]
    return None


def count_near(tokens: list[Token], cue_idx: list[int], numbers: dict[str, int], *, before: int = 4,
               after: int = 3, stop: frozenset[str] = frozenset()) -> list[int]:
    """Numbers within a window around each cue token, skipping approximators («نحو», «أكثر من»)."""
    out = []
    for c in cue_idx:
        found_after = False
        lead = 0  # «قُتل ما لا يقل عن 20»: approximators before the number do not use up the window
        while c + 1 + lead < len(tokens) and tokens[c + 1 + lead].text in _APPROX:
            lead += 1
        for j in range(c + 1, min(len(tokens), c + 1 + after + lead)):
            if stop & clitic_variants(tokens[j].text):
                break
            v = number_at(tokens, j, numbers)
            if v is not None and _duration(tokens, j):
                break
            if v is not None:
                out.append(v + _enumerated(tokens, j, numbers))
                found_after = True
                break
            if tokens[j].text not in _APPROX and j > c + 1:
                break
        if found_after:
            continue
        for j in range(c - 1, max(-1, c - 1 - before), -1):
            if stop & clitic_variants(tokens[j].text):
                break
            if tokens[j].text in ("واحد", "واحده"):  # «من عائلة واحدة»: an adjective, not the count
                continue
            v = number_at(tokens, j, numbers)
            if v is not None and _duration(tokens, j):
                break
            if v is not None:
                out.append(v + _enumerated_before(tokens, j, numbers, stop))
                break
    return out


# «الحداد ثلاثة أيام», «بعد ساعتين»: a number of time units is a duration, never a toll
_TIME_UNITS = frozenset({"ايام", "يوما", "يومين", "ساعات", "ساعه", "ساعتين", "اسابيع", "اسبوعا", "اشهر", "شهرا",
                         "سنوات", "عاما", "اعوام", "دقائق", "دقيقه", "ليال"})


def _duration(tokens: list[Token], j: int) -> bool:
    return j + 1 < len(tokens) and tokens[j + 1].text in _TIME_UNITS


def _enumerated_before(tokens: list[Token], j: int, numbers: dict[str, int], stop: frozenset[str]) -> int:
    """«خمسة مقاتلين من الفصائل واثنين من «قسد» قُتلوا»: a count joined by «و» to an earlier count (of the
    other side) before the same verb; both are the toll."""
    if not tokens[j].text.startswith("و") or len(tokens[j].text) < 3:
        return 0
    for k in range(j - 1, max(-1, j - 5), -1):
        if stop & clitic_variants(tokens[k].text):
            return 0
        v = number_at(tokens, k, numbers)
        if v is not None:
            return v
    return 0


def _enumerated(tokens: list[Token], j: int, numbers: dict[str, int]) -> int:
    """«مقتل سبعة جنود وأكثر من خمسة عشر مسلحاً»: further counts joined by «و» after the first one's noun;
    «قُتل ستة من مسلحي تنظيم داعش وثلاثة جنود»: after a partitive «من ...» phrase too."""
    if j + 1 < len(tokens) and tokens[j + 1].text == "من":
        for k in range(j + 2, min(len(tokens), j + 7)):
            t = tokens[k].text
            if t.startswith("و") and len(t) > 2:
                rest = t[1:]
                v = int(rest) if rest.isdigit() else _word(rest, numbers)
                return v + _enumerated(tokens, k, numbers) if v is not None and not _duration(tokens, k) else 0
    extra = 0
    k = j + 1
    while k + 1 < len(tokens) and k <= j + 2:
        t = tokens[k + 1].text if not tokens[k].text.startswith("و") else tokens[k].text
        at = k + 1 if not tokens[k].text.startswith("و") else k
        if not t.startswith("و") or len(t) < 3:
            break
        rest = t[1:]
        m = at
        v = _word(rest, numbers) if not rest.isdigit() else int(rest)
        if v is None and rest in _APPROX:  # «وأكثر من 15», «ونحو 20»
            m = at + 1
            while m < len(tokens) and tokens[m].text in _APPROX:
                m += 1
            v = number_at(tokens, m, numbers) if m < len(tokens) else None
        elif v is not None:
            v = number_at([Token(rest, 0, 0)] + tokens[at + 1:at + 2], 0, numbers)
        if v is None or v in (12, 10) and rest.startswith("عشرات"):
            break
        extra += v
        j, k = m, m + 1
    return extra
