"""One event per named place (guideline E2) for the events the decision layer keeps.

A kept event whose sentence names several places («قرى سرمان ومشيرفة وسقيقات», «في بلدة حيش ... في بلدتي معرة
حرمة ومعرتماتر ... في بلدة الفطيرة») gets one row per place: the rules' row keeps its own place, each other place
gets a copy geocoded to that place (or to the row's region when the gazetteer does not know the village), with
fatalities unknown (a toll given for a group of places belongs to none of them alone, guideline F), or 0 when the
sentence reports no death.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.extract.candidate import event_id

# place words before one name, and before several (looked up as whole words)
_SINGLE = frozenset({"بلدة", "قرية", "مدينة", "منطقة", "مخيم", "حي", "ناحية", "مديرية", "بلدية"})
_MULTI = frozenset({"بلدتي", "قريتي", "مدينتي", "منطقتي", "مخيمي", "حيي", "قرى", "بلدات", "مناطق", "أحياء", "مخيمات",
                    "مدن", "بلدتَي", "قريتَي"})
_STOP = frozenset({"في", "من", "على", "إلى", "الى", "عن", "قرب", "بالقرب", "شرق", "غرب", "شمال", "جنوب", "شرقي",
                   "غربي", "شمالي", "جنوبي", "وسط", "محيط", "ريف", "جراء", "إثر", "بعد", "قبل", "خلال", "حيث",
                   "التي", "الذي", "التابعة", "الواقعة", "المجاورة", "القريبة", "ضمن", "بين", "مع", "دون", "أمس",
                   "اليوم", "فجر", "صباح", "مساء", "ليل", "كما", "فيما", "ما", "مما", "بينما", "إضافة",
                   # number words: «وأربعة في بلدة ...» starts a toll, not a place
                   "واحد", "اثنان", "اثنين", "اثنتين", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة",
                   "عشرة", "عشرات", "مئات", "آخرون", "آخرين", "آخر", "أخرى", "عدة", "عديدة", "مختلفة", "متفرقة",
                   # verbs and directions after a place word: «بلدة تقع قرب ...», «البريج المجاور», «جنوباً»
                   "تقع", "يقع", "أسفرت", "أسفر", "اعتقلت", "شماله", "جنوبه", "شرقه", "غربه", "المجاور",
                   "المحاصرة", "شمالاً", "جنوباً", "شرقاً", "غرباً"})
_WORD = re.compile(r"«[^»]{1,40}»|[\u0621-\u064A\u0660-\u0669\u064B-\u0652\u0640]+|[0-9]+|[،,.:;]")
_SPLIT_TYPES = frozenset({"airstrike_shelling", "attack", "armed_clash", "explosion_ied", "arrest_raid",
                          "deployment_withdrawal", "protest", "riot", "abduction", "security_operation"})
MAX_PLACES = 12


@dataclass(frozen=True)
class PlaceSlot:
    start: int  # offsets in the sentence
    end: int
    text: str


def place_slots(sentence: str) -> list[PlaceSlot]:
    """Places a sentence names behind a place word: «بلدة X», «قريتي X وY», «قرى X وY وZ»."""
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    slots: list[PlaceSlot] = []
    i = 0
    while i < len(tokens):
        forms = (tokens[i][2], tokens[i][2][1:]) if tokens[i][2][:1] in ("و", "ف", "ب") else (tokens[i][2],)
        multi = any(w in _MULTI for w in forms)
        single = not multi and any(w in _SINGLE for w in forms)
        if not (multi or single):
            i += 1
            continue
        names: list[list[tuple[int, int, str]]] = [[]]
        j = i + 1
        while j < len(tokens) and len(names) <= MAX_PLACES:
            s, e, w = tokens[j]
            bare = w[1:] if w.startswith("و") and len(w) > 3 else w
            if w in "،,.:;" or w.isdigit() or bare in _STOP or w in _STOP:
                if w == "،" and multi and j + 1 < len(tokens) and tokens[j + 1][2].startswith("و") and names[-1]:
                    j += 1
                    continue
                break
            if w.startswith("و") and len(w) > 3 and names[-1] and multi:
                names.append([(s + 1, e, w[1:])])
            elif len(names[-1]) < 3:
                names[-1].append((s, e, w))
            else:
                break
            if w.startswith("«"):
                if not multi:
                    break
            j += 1
        for n in names:
            if n and not (single and names.index(n) > 0):
                slots.append(PlaceSlot(n[0][0], n[-1][1], sentence[n[0][0]:n[-1][1]]))
        i = j
    return slots


def split_by_place(rows: list[dict[str, Any]], text: str, sentences: list[tuple[int, int]], gazetteer: Any,
                   article_id: str) -> list[dict[str, Any]]:
    """``rows`` plus one row per further place named in the sentence of each kept event (E2)."""
    out = list(rows)
    done: set[tuple[int, str]] = set()
    for r in rows:
        if r["action_type"] not in _SPLIT_TYPES or r["modality"] != "asserted":
            continue
        sent = next(((s, e) for s, e in sentences if s <= r["char_start"] < e), None)
        if sent is None or (sent[0], r["action_type"]) in done:
            continue
        done.add((sent[0], r["action_type"]))
        slots = place_slots(text[sent[0]:sent[1]])
        if len(slots) < 2:
            continue
        taken = [x["location_text"] or "" for x in out if x["action_type"] == r["action_type"]
                 and sent[0] <= x["char_start"] < sent[1]]
        for slot in slots:
            if any(slot.text in t or (t and t in slot.text) for t in taken):
                continue
            out.append(_row_at(r, slot.text, gazetteer, article_id))
            taken.append(slot.text)
    return out


def reading_order(row: dict[str, Any], text: str) -> tuple[int, str, int, str]:
    """Sort key of kept rows: evidence start, type, then where the row's place is named in the text (the first
    time from the evidence on), so the rows one sentence gives its listed places («بلدات الناقورة ويارين
    والجبين») come in the order the sentence names them; a place not found there sorts last."""
    place = row["location_text"] or ""
    at = text.find(place, row["char_start"]) if place else -1
    return row["char_start"], row["action_type"], at if at >= 0 else len(text), place


def copy_toll(row: dict[str, Any]) -> int | None:
    """A place-split copy's fatalities: 0 when its sentence reports no death (rule F: «0 when no deaths are
    reported»), else unknown (a toll given for a group of places belongs to none of them alone)."""
    return 0 if row.get("fatalities") == 0 else None


def _row_at(row: dict[str, Any], place_text: str, gazetteer: Any, article_id: str) -> dict[str, Any]:
    place = gazetteer.geocode_place(place_text, country_hint=row["country_code"]) if gazetteer else None
    if place is not None and place.country_code != row["country_code"]:
        place = None
    geo = ({"country_code": place.country_code, "admin1": place.admin1, "admin2": place.admin2,
            "latitude": place.latitude, "longitude": place.longitude, "geonames_id": place.geonames_id,
            "geo_precision": place.geo_precision} if place is not None else
           {"latitude": None, "longitude": None, "geonames_id": None, "admin2": None, "geo_precision": None})
    new = dict(row, location_text=place_text, fatalities=copy_toll(row), **geo)
    new["event_id"] = event_id(article_id, new["char_start"], new["char_end"], new["action_type"], place_text)
    return new
