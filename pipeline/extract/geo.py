"""Gazetteer and geocoder for Arabic news text.

``Gazetteer.load()`` reads the compact tables in ``data/gazetteer/`` (built by
``pipeline.extract.build_gazetteer`` from GeoNames cities500, CC BY 4.0, plus curated admin1 and country
tables). ``find_place_mentions`` scans the normalised text once, token by token, looking every token (and
its clitic-stripped variants) up in a dict keyed by a name's first token; the longest name wins. Cue words
before the name («محافظة», «قضاء», «ريف», «بلدة», «شمال شرق» ...) are kept in the mention span and steer
the resolution; ambiguous names are resolved with the country hint, the other places of the same text,
admin1 names and population.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, compress
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from pipeline.errors import ConfigError
from pipeline.extract.memo import BoundedMemo
from pipeline.extract.text import normalize_arabic, normalize_with_offsets
from pipeline.paths import resource_dir

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = resource_dir("data/gazetteer")

PRECISIONS = ("town", "district", "region", "country")

_TOKEN = re.compile(r"\w+")
_TOKEN_SPLIT = re.compile(r"(\w+)").split  # the text cut into its gaps and ``_TOKEN``s in turn

# Clitic prefixes, longest first; "لل" stands for ل + ال and is rewritten to "ال".
_PREFIXES = (
    "وبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك",
)

# Cue words (normalised) -> kind.
REGION_CUES = frozenset({"محافظه", "ولايه", "اقليم", "امانه", "اماره"})
DISTRICT_CUES = frozenset({"قضاء", "ناحيه", "مديريه", "مركز", "منطقه", "محليه", "بلديه"})
TOWN_CUES = frozenset({"مدينه", "بلده", "قريه", "حي", "مخيم", "بلدات", "قري", "مدن", "العاصمه", "ضاحيه",
                       "مستوطنه"})
SITE_CUES = frozenset({"حي", "قريه", "بلده", "مخيم", "مستوطنه"})
"""Cues of a place inside a division: the name after them is never the division itself."""
COUNTRYSIDE_CUES = frozenset({"ريف", "اطراف", "ضواحي"})
CUE_WORDS = REGION_CUES | DISTRICT_CUES | TOWN_CUES | COUNTRYSIDE_CUES
DIRECTIONS = frozenset({"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط"})
TRAILING_DIRECTIONS = frozenset({"الشمالي", "الجنوبي", "الشرقي", "الغربي", "الشماليه", "الجنوبيه", "الشرقيه",
                                 "الغربيه", "الاوسط"})
# Words that end an unresolved place name after a cue word.
_STOP_AFTER_CUE = frozenset(
    normalize_arabic(w)
    for w in """
    في من على إلى الى عن مع التي الذي الذين بعد قبل خلال حيث كما أن إن منذ حتى عند قرب بين ضد نحو لدى
    الواقعة الواقع المحاذية المجاورة الحدودية المحاصرة التابعة القريبة الساحلية الرئيسية المذكورة
    اليوم أمس مساء صباح فجر ليل ليلة ظهر الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت
    وسط أطراف محيط داخل خارج جنوب شمال شرق غرب جنوبي شمالي شرقي غربي بالقرب ما
    """.split()
)
# Single-word names that are also frequent words: they need a cue, a preposition or a matching country.
_PREPOSITIONS = frozenset(normalize_arabic(w) for w in "في من إلى الى نحو داخل قرب باتجاه عند بين حول".split())

# Words that continue a place name after a cue even without the article («ناحية خان بني سعد», «بلدة كفر نبل»).
_CONSTRUCT_WORDS = frozenset(
    normalize_arabic(w)
    for w in "خان بني كفر عين تل بيت دير جسر أبو ابو أم ام بئر رأس راس سيدي عرب مرج قصر وادي جبل باب سوق حمام".split()
)
_NOT_PLACE_NAMES = CUE_WORDS | DIRECTIONS | TRAILING_DIRECTIONS

CUE_ONLY_NAMES = frozenset({"اطار"})
"""Town names that are also a word of a set phrase after a preposition («في إطار», within the framework of: not
Atar in Mauritania): read as a place only after a cue word («مدينة أطار»)."""

SMALL_TOWN_POPULATION = 5_000
_KIND_ORDER = {"town": 0, "district": 1, "region": 2, "country": 3}


@dataclass(frozen=True)
class Place:
    """A resolved place (English name; admin1 spelled as ACLED / the dev set spells it)."""

    name: str
    country_code: str
    admin1: str | None
    admin2: str | None
    latitude: float | None
    longitude: float | None
    geonames_id: int | None
    geo_precision: str
    population: int


@dataclass(frozen=True)
class PlaceMention:
    """A place-like span of the input text (cue words included), resolved or not (``place`` None)."""

    start: int
    end: int
    text: str
    place: Place | None
    cue: str | None


@dataclass(frozen=True)
class _Candidate:
    place: Place
    kind: str  # "town" | "region" | "country"
    admin1_code: str | None
    notable: bool = False  # curated: no small-town guard


class _Match(NamedTuple):
    """A name of the index over tokens [first, last] (a named tuple: faster to build than a frozen dataclass)."""

    first: int  # index of the first token of the name
    last: int  # index of the last token of the name (inclusive)
    prefix_len: int  # clitic characters stripped from the first token
    candidates: tuple[_Candidate, ...]
    name: str  # the normalised name matched


@lru_cache(maxsize=65536)
def clitic_variants(token: str) -> tuple[tuple[int, str], ...]:
    """``(prefix_length, stem)`` pairs for a normalised token: itself first, then clitic-stripped forms."""
    out = [(0, token)]
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            if prefix.endswith("لل"):
                out.append((len(prefix), "ال" + token[len(prefix):]))
            else:
                out.append((len(prefix), token[len(prefix):]))
    return tuple(out)


_CLITIC_LETTERS = frozenset(p[0] for p in _PREFIXES)
"""First letters of the clitic prefixes: a token starting with another letter is its only reading."""


@lru_cache(maxsize=65536)
def _by_clitic_length(token: str) -> tuple[tuple[int, str], ...]:
    return tuple(sorted(clitic_variants(token), key=lambda v: v[0]))


def _float(value: str) -> float | None:
    return float(value) if value else None


def _read_tsv(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError as exc:
        raise ConfigError(f"gazetteer file missing: {path} (build it with pipeline.extract.build_gazetteer)") from exc
    return [line.split("\t") for line in lines[1:] if line]


class Gazetteer:
    """Name index over GeoNames places, curated admin1 regions and countries."""

    def __init__(
        self,
        index: dict[str, list[tuple[tuple[str, ...], tuple[_Candidate, ...]]]],
        demonyms: dict[str, str],
        admin1_places: dict[tuple[str, str], Place],
        countries: dict[str, Place],
        guarded: frozenset[tuple[str, str, str]] = frozenset(),
    ) -> None:
        self._guarded = guarded
        self._index = index
        self._demonyms = demonyms
        self._admin1_places = admin1_places
        self._countries = countries
        self._scans = BoundedMemo(_SCANS_REMEMBERED)  # the last texts' ``_scan`` (see there)
        self._tokens = BoundedMemo(_TOKENS_REMEMBERED)  # token -> ``_token`` (see there)
        # (name, its candidates' id, several words) -> ``_name_votes`` (the candidates live in ``_index``)
        self._name_votes = BoundedMemo(_TOKENS_REMEMBERED)

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> Gazetteer:
        """Read ``places.tsv``, ``admin1.tsv`` and ``countries.tsv`` from ``data_dir`` (default data/gazetteer)."""
        root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
        names: dict[str, list[_Candidate]] = {}

        countries: dict[str, Place] = {}
        demonyms: dict[str, str] = {}
        for cc, name, gid, cnames, dems, lat, lon in _read_tsv(root / "countries.tsv"):
            place = Place(name, cc, None, None, _float(lat), _float(lon), int(gid) if gid else None, "country", 0)
            countries[cc] = place
            cand = _Candidate(place, "country", None)
            for n in cnames.split("|"):
                names.setdefault(n, []).append(cand)
            for d in filter(None, dems.split("|")):
                demonyms.setdefault(d, cc)

        admin1_names: dict[tuple[str, str], str] = {}
        admin1_places: dict[tuple[str, str], Place] = {}
        for cc, code, name, anames, lat, lon, *_iso_english in _read_tsv(root / "admin1.tsv"):
            admin1_names[(cc, code)] = name
            place = Place(name, cc, name, None, _float(lat), _float(lon), None, "region", 0)
            admin1_places[(cc, code)] = place
            cand = _Candidate(place, "region", code)
            for n in anames.split("|"):
                names.setdefault(n, []).append(cand)
            if cc in TRANSLITERATED:
                for n in anames.split("|"):
                    for variant in vowel_variants(n):  # only after a division word: «إقليم بكول»
                        for cue in sorted(REGION_CUES | {"منطقه"}):
                            names.setdefault(f"{cue} {variant}", []).append(cand)

        guarded: set[tuple[str, str, str]] = set()
        for gid, name, cc, code, lat, lon, pop, pnames, gnames, notable in _read_tsv(root / "places.tsv"):
            place = Place(name, cc, admin1_names.get((cc, code)), None, _float(lat), _float(lon),
                          int(gid) if gid else None, "town", int(pop))
            cand = _Candidate(place, "town", code, notable == "1")
            for n in pnames.split("|"):
                if n not in _NOT_PLACE_NAMES:
                    names.setdefault(n, []).append(cand)
            for n in gnames.split("|") if gnames else ():
                guarded.add((n, name, cc))

        for n, cands in list(names.items()):
            for variant in article_variants(n):
                if variant not in names:
                    names[variant] = [c for c in cands if c.kind != "country"]
        index: dict[str, list[tuple[tuple[str, ...], tuple[_Candidate, ...]]]] = {}
        for n, cands in names.items():
            if not cands:
                continue
            toks = n.split(" ")
            index.setdefault(toks[0], []).append((tuple(toks[1:]), tuple(_dedupe(cands))))
        for entries in index.values():
            entries.sort(key=lambda e: -len(e[0]))
        log.debug("gazetteer: %d names, %d first tokens", len(names), len(index))
        return cls(index, demonyms, admin1_places, countries, frozenset(guarded))

    # ---------------------------------------------------------------- public API
    def country_code_for(self, text: str) -> str | None:
        """ISO2 code for an Arabic country name or demonym («العراق», «السورية», «للعراقيين»), else None."""
        norm = " ".join(_TOKEN.findall(normalize_arabic(text)))
        if not norm:
            return None
        for _, variant in clitic_variants(norm):
            for form in (variant, variant[2:] if variant.startswith("ال") else None):
                if not form:
                    continue
                for _, cand in self._lookup_exact(form):
                    if cand.kind == "country":
                        return cand.place.country_code
                if form in self._demonyms:
                    return self._demonyms[form]
        return None

    def find_place_mentions(self, text: str, *, country_hint: str | None = None) -> list[PlaceMention]:
        """Place mentions in ``text`` in order, with offsets into ``text``; unresolvable cue+name text kept."""
        return self._find(text, country_hint=country_hint, relaxed=False)

    def geocode_place(self, text: str, *, country_hint: str | None = None) -> Place | None:
        """The most specific place named in a short location text («قضاء بلدروز», «بمدينة الفاشر»)."""
        resolved = [m.place for m in self._find(text, country_hint=country_hint, relaxed=True) if m.place]
        if not resolved:
            return None
        return min(resolved, key=lambda p: _KIND_ORDER.get(p.geo_precision, 9))

    def resolve_with_context(self, mentions: list[PlaceMention]) -> dict[str, int]:
        """Country votes of resolved mentions (the most frequent country first): context for callers."""
        votes: Counter[str] = Counter(m.place.country_code for m in mentions if m.place)
        return dict(votes.most_common())

    # ---------------------------------------------------------------- internals
    def _lookup_exact(self, name: str) -> list[tuple[str, _Candidate]]:
        toks = name.split(" ")
        for rest, cands in self._index.get(toks[0], ()):
            if rest == tuple(toks[1:]):
                return [(name, c) for c in cands]
        return []

    def _match_at(self, tokens: list[str], i: int) -> _Match | None:
        """The longest name starting at token ``i``; of equally long ones, the reading with the shortest clitic
        («ولبنان» = و + لبنان, not ول + بنان). A stripped stem needs three letters («ولد» is not و + لد, Lod)."""
        best: _Match | None = None
        n = len(tokens)
        for prefix_len, stem, by_length in self._token(tokens[i])[0]:
            for k, rests in by_length:  # longest first; a name's first token and rest are unique
                if best is not None and best.last - best.first >= k:
                    break
                if i + k >= n:
                    continue
                cands = rests.get(tuple(tokens[i + 1:i + 1 + k]))
                if cands is not None:
                    best = _Match(i, i + k, prefix_len, cands, " ".join((stem, *tokens[i + 1:i + 1 + k])))
                    break
        return best

    def _token(self, token: str) -> tuple[tuple[tuple[int, str, tuple], ...], str | None, str]:
        """The token's clitic readings that start a name of the index (shortest clitic first, a stripped stem
        of three letters or more), with the rest of each name the stem starts by length (longest first:
        ``(k, {rest: candidates})``), the country of its demonym (None) and the token as a cue word
        (``_strip_clitics`` with ``CUE_WORDS``). Remembered per token (the same words recur in every article;
        forgotten all at once when full)."""
        return self._tokens.one(token, self._new_token)

    def _new_token(self, token: str) -> tuple[tuple[tuple[int, str, tuple], ...], str | None, str]:
        """``_token`` computed afresh: most words start no name, are no demonym and no cue word, which one pass
        over the clitic readings tells (``_plain_token`` otherwise)."""
        variants = clitic_variants(token) if token[:1] in _CLITIC_LETTERS else ((0, token),)
        index, demonyms = self._index, self._demonyms
        for _, stem in variants:
            if stem in index or stem in CUE_WORDS or stem in demonyms or \
                    (stem.startswith("ال") and stem[2:] in demonyms):
                return self._plain_token(token)
        return (), None, token

    def _plain_token(self, token: str) -> tuple[tuple[tuple[int, str, tuple], ...], str | None, str]:
        """``_token`` computed afresh, clitic reading by clitic reading."""
        readings = []
        for prefix_len, stem in _by_clitic_length(token):
            if prefix_len and (len(stem) < 3 or (prefix_len == 1 and token[0] == "ف" and len(stem) < 4)):
                continue  # «فرقة الاقتحام» is a unit, not ف + رقة (Raqqa)
            entries = self._index.get(stem)
            if entries:
                by_length: dict[int, dict[tuple[str, ...], tuple[_Candidate, ...]]] = {}
                for rest, cands in entries:
                    by_length.setdefault(len(rest), {}).setdefault(rest, cands)
                readings.append((prefix_len, stem, tuple(sorted(by_length.items(), reverse=True))))
        return tuple(readings), self._demonym_at(token), _strip_clitics(token, CUE_WORDS)

    def _scan(self, text: str) -> tuple:
        """What ``_find`` reads of ``text`` whatever the country hint: normal form and offsets, tokens, the
        longest name matches, the country and division votes. Remembered for the last ``_SCANS_REMEMBERED``
        texts: an article's sentence is looked up by the country vote, the trigger reader and the re-read."""
        found = self._scans.get(text)
        if found is not None:
            return found
        norm, offsets = normalize_with_offsets(text)
        parts = _TOKEN_SPLIT(norm)  # gap, token, gap, ..., gap
        tokens = parts[1::2]
        infos = self._tokens.all_of(tokens, self._new_token)
        matches: list[_Match] = []
        demonym_votes: Counter[str] = Counter()
        i = 0  # the first token no name has taken
        # a token that starts a name or is a demonym (its readings or its country); the others change nothing
        for k in compress(range(len(infos)), map(any, map(_READINGS_AND_COUNTRY, infos))):
            if k < i:
                continue
            readings, cc, _cue = infos[k]
            m = self._match_at(tokens, k) if readings else None
            if m is not None:
                matches.append(m)
                i = m.last + 1
                continue
            if cc:
                demonym_votes[cc] += 1
            i = k + 1

        # what ``_context_votes`` and ``_division_votes`` count, from each name's remembered votes
        context, voters, divisions, owns = demonym_votes, set(), Counter(), []
        remembered = self._name_votes
        for idx, m in enumerate(matches):
            key = (m.name, id(m.candidates), m.last > m.first)
            votes = remembered.get(key)
            if votes is None:
                votes = remembered.remember(key, _name_votes(m, self._guarded))
            if votes[0] is not None:
                context[votes[0]] += 1
                voters.add(idx)
            if votes[1] is not None:
                divisions[votes[1]] += 1
            owns.append(votes[2])
        cued = [(k, infos[k][2]) for k in compress(range(len(infos)),
                                                   map(_UNRESOLVED_CUES.__contains__, map(_CUE_WORD, infos)))]
        # the tokens' character spans, which only a name or a cue word needs (``_find_afresh``): the running
        # lengths of the gaps and tokens, token k from the end of part 2k to the end of part 2k + 1
        if matches or cued:
            ends = list(accumulate(map(len, parts)))
            spans = list(zip(ends[0:-1:2], ends[1::2], strict=True))
        else:
            spans = []
        return self._scans.remember(text, (norm, offsets, spans, tokens, matches, context, voters, divisions, cued,
                                           tuple(owns), {}))

    def _find(self, text: str, *, country_hint: str | None, relaxed: bool) -> list[PlaceMention]:
        """``_find_afresh``, remembered with the scan per hint. A hint finds what no hint finds when every name
        of the text either took a place of the hint's country without it or has no candidate of that country
        (nor of its ``SHARED_HINTS`` partner) and no cue word's check of the hint (the hint only adds to the score
        of its country's candidates, lets a small town of its country through and drops a foreign place after
        «حي», «منطقة» ...: ``_resolve``)."""
        scan = self._scan(text)
        found = scan[-1]
        key = (country_hint, relaxed)
        got = found.get(key)
        if got is None and country_hint is not None:
            plain = found.get((None, relaxed))
            partner = SHARED_HINTS.get(country_hint)
            if plain is not None and all(cc == country_hint or (not armed and country_hint not in ccs
                                                                and partner not in ccs)
                                         for cc, ccs, armed in plain[1]):
                got = plain
        if got is None:
            mentions, senses = self._find_afresh(text, scan, country_hint, relaxed)
            if country_hint is None:
                # (tuples of strings, which the garbage collector stops tracking, rather than sets)
                senses = tuple((cc, tuple(dict.fromkeys(c.place.country_code for c in m.candidates)), armed)
                               for m, (cc, armed) in zip(scan[4], senses, strict=True))
            got = found[key] = (tuple(mentions), tuple(senses))
        return list(got[0])

    def _find_afresh(self, text: str, scan: tuple, country_hint: str | None,
                     relaxed: bool) -> tuple[list[PlaceMention], list[tuple[str | None, bool]]]:
        """The mentions of ``text`` and, for each name matched, the country of the place it took (None) and
        whether a cue word's check of the hint (``_resolve``'s foreign place after «حي», «منطقة» ...) could have
        dropped that place under a hint of another country."""
        norm, offsets, spans, tokens, matches, context, voters, divisions, cued, owns, _found = scan
        senses: list[tuple[str | None, bool]] = [(None, False)] * len(matches)
        mentions: list[PlaceMention] = []
        resolved: list[tuple[_Match, str | None, Place | None]] = []
        prev: tuple[_Match, Place | None] | None = None
        covered: set[int] = set()
        used_until = -1
        for idx, m in enumerate(matches):
            start_tok, cue, direction = self._cue_before(tokens, spans, norm, m, used_until)
            first_name_tok = tokens[m.first][m.prefix_len:]
            if cue is None and first_name_tok in CUE_WORDS and m.last > m.first:
                cue = first_name_tok
            end_tok = m.last
            if cue in COUNTRYSIDE_CUES or direction:
                end_tok = _trailing_directions(tokens, spans, norm, end_tok)
            # the text's votes without this name's own (a count of 0 reads as an absent one in ``_resolve``)
            if idx in voters:
                others = dict(context)
                others[m.candidates[0].place.country_code] -= 1
            else:
                others = context
            own_division = owns[idx]
            if own_division is not None and own_division in divisions:
                other_divisions = dict(divisions)
                other_divisions[own_division] -= 1
            else:
                other_divisions = divisions
            apposed = prev[1].country_code if prev is not None and prev[1] is not None \
                and prev[0].last == start_tok - 1 and _adjacent(spans, norm, prev[0].last, start_tok) else None
            if SHADDA in text[offsets[spans[m.first][0]]:offsets[spans[m.last][1] - 1] + 1]:
                m = _not_country(m)
            dateline = m.first == 0 and cue is None and \
                norm[spans[m.last][1]:spans[m.last][1] + 3] in _DATELINE_DASHES
            if dateline:
                cue = "مدينه"  # a dateline «عمّان – » names a city (Amman), never a country (Oman)
                city, dateline = _dateline_city(m)
                place = self._resolve(city, cue, direction, country_hint, others, tokens, relaxed, apposed,
                                      other_divisions)
                cue = None
            else:
                place = self._resolve(m, cue, direction, country_hint, others, tokens, relaxed, apposed,
                                  other_divisions)
            if place is not None:
                senses[idx] = (place.country_code, cue in _HINT_CHECKED_CUES and place.country_code != apposed
                               and not others.get(place.country_code))
            if place is None and cue is None and not relaxed:
                continue  # a guarded ambiguous word, not a place here
            clitic = m.prefix_len if start_tok == m.first else _clitic_len(tokens[start_tok])
            start_char = spans[start_tok][0] + clitic
            start, end = offsets[start_char], offsets[spans[end_tok][1] - 1] + 1
            mentions.append(PlaceMention(start, end, text[start:end], place, _cue_label(cue, direction)))
            resolved.append((m, _DATELINE if dateline else cue, place))
            prev = (m, place)
            covered.update(range(start_tok, end_tok + 1))
            used_until = end_tok
        mentions = _one_sense_per_text(mentions, resolved)
        mentions.extend(self._unresolved_cued(text, norm, offsets, tokens, spans, covered, cued))
        mentions.sort(key=lambda pm: pm.start)
        return _absorb_country_qualifiers(text, mentions), senses

    def _demonym_at(self, token: str) -> str | None:
        for _, variant in clitic_variants(token):
            form = variant[2:] if variant.startswith("ال") else variant
            cc = self._demonyms.get(form)
            if cc:
                return cc
        return None

    def _cue_before(
        self, tokens: list[str], spans: list[tuple[int, int]], norm: str, m: _Match, used_until: int
    ) -> tuple[int, str | None, str | None]:
        """First token of the mention (cue words included), the cue word and the direction phrase."""
        start = m.first
        cue: str | None = None
        direction: str | None = None
        if m.prefix_len:
            # «بمدينة الفاشر» carries the clitic on the cue; a clitic on the name itself starts the phrase
            return start, None, None
        j = m.first - 1
        if j > used_until and _adjacent(spans, norm, j, m.first):
            word = _strip_clitics(tokens[j], CUE_WORDS)
            if word in CUE_WORDS:
                cue, start, j = word, j, j - 1
        dirs: list[str] = []
        while j > used_until and len(dirs) < 2 and _adjacent(spans, norm, j, start):
            word = _strip_clitics(tokens[j], DIRECTIONS)
            if word not in DIRECTIONS:
                break
            dirs.insert(0, word)
            start, j = j, j - 1
        if dirs:
            direction = " ".join(_direction_stem(d) for d in dirs)
        return start, cue, direction

    def _resolve(
        self,
        m: _Match,
        cue: str | None,
        direction: str | None,
        country_hint: str | None,
        context: Counter[str],
        tokens: list[str],
        relaxed: bool,
        apposed: str | None = None,
        divisions: Counter[tuple[str, str]] | None = None,
    ) -> Place | None:
        """The best candidate: country hint (100), context votes (15 each, at most 4), the country of a place
        right before the name (APPOSITION_SCORE), a division the text names elsewhere (DIVISION_SCORE), kind and
        population; cue words filter and refine."""
        cands = list(m.candidates)
        single_word = m.first == m.last
        if cue in REGION_CUES:
            regions = [c for c in cands if c.kind == "region"]
            if regions:
                cands = regions
        elif cue in TOWN_CUES | DISTRICT_CUES:
            towns = [c for c in cands if c.kind == "town"]
            seats = namesake_seats(cands, country_hint) if cue not in SITE_CUES else []
            if seats:
                cands = seats
            elif towns:
                cands = towns
            elif cue in SITE_CUES:
                return None  # «حي القادسية», «قرية الجزيرة»: a quarter or village named after a province

        def score(c: _Candidate) -> float:
            s = 0.0
            cc = c.place.country_code
            if country_hint and cc == country_hint:
                s += 100
            s += 15 * min(context.get(cc, 0), 4)
            if cc == apposed:
                s += APPOSITION_SCORE
            if divisions and divisions.get((cc, c.admin1_code or "")):
                s += DIVISION_SCORE
            if c.kind == "country":
                s += 40
            elif c.kind == "region":
                s += 22
            else:
                s += 3 * math.log10(c.place.population + 1)
            return s

        best = cands[0] if len(cands) == 1 else max(cands, key=score)  # (one candidate: nothing to weigh)
        hinted = best.place.country_code in (country_hint, SHARED_HINTS.get(country_hint or ""))
        if cue in _HINT_CHECKED_CUES and country_hint and best.kind == "town" \
                and not hinted and not context.get(best.place.country_code) \
                and best.place.country_code != apposed:
            return None  # «منطقة الشيخ زايد» in a Gaza report: a local place the gazetteer lacks, not Egypt's
        if best.kind == "region":
            # a city of the same name in the same region is more precise than the region (حلب, بغداد)
            same = [c for c in cands if c.kind == "town" and c.place.country_code == best.place.country_code
                    and c.admin1_code == best.admin1_code and c.place.population >= 10_000]
            if same and cue not in REGION_CUES:
                best = max(same, key=lambda c: c.place.population)
        if best.kind == "town" and single_word and not relaxed and cue is None:
            if m.name in CUE_ONLY_NAMES:
                return None
            guarded = (m.name, best.place.name, best.place.country_code) in self._guarded
            small = guarded or (best.place.population < SMALL_TOWN_POPULATION and not best.notable)
            known_country = (country_hint is not None and hinted) or context.get(best.place.country_code, 0)
            prev = tokens[m.first - 1] if m.first > 0 else ""
            clitic = tokens[m.first][: m.prefix_len]
            governed = "ب" in clitic or "ل" in clitic or prev in _PREPOSITIONS or direction
            if small and not (known_country and governed):
                return None
        return self._with_cue(best, cue, direction)

    def _with_cue(self, cand: _Candidate, cue: str | None, direction: str | None) -> Place:
        place = cand.place
        if cue in REGION_CUES and cand.kind == "town":
            region = self._admin1_places.get((place.country_code, cand.admin1_code or ""))
            return region if region else replace(place, geo_precision="region")
        if cue in COUNTRYSIDE_CUES and cand.kind == "town":
            return replace(place, geo_precision="district")
        if cue in ("قضاء", "مديريه", "محليه") and cand.kind == "town":
            return replace(place, geo_precision="district", admin2=place.name)
        if cue in ("ناحيه", "مركز") and cand.kind == "town":
            return replace(place, geo_precision="district")
        if direction and cand.kind == "town" and cue not in TOWN_CUES | {None}:
            return replace(place, geo_precision="district")
        return place

    def _unresolved_cued(
        self, text: str, norm: str, offsets: list[int], tokens: list[str], spans: list[tuple[int, int]],
        covered: set[int], cued: list[tuple[int, str]],
    ) -> list[PlaceMention]:
        """«بلدة ميس الجبل» with an unknown name: keep cue + up to three name tokens, place None (``cued``: the
        tokens that are such a cue word, with it)."""
        out: list[PlaceMention] = []
        n = len(tokens)
        for i, cue in cued:
            if i in covered:
                continue
            tok = tokens[i]
            j = i + 1
            name_end = None
            while j < n and j - i <= 3 and j not in covered and _adjacent(spans, norm, j - 1, j):
                word = tokens[j]
                if word in _STOP_AFTER_CUE or word in CUE_WORDS or word.isdigit() or word.startswith("و") \
                        or self._token(word)[2] in CUE_WORDS:
                    break
                if j > i + 1 and not word.startswith("ال") and tokens[j - 1] not in _CONSTRUCT_WORDS:
                    break
                name_end = j
                j += 1
            if name_end is None:
                continue
            start = offsets[spans[i][0] + (len(tok) - len(cue) if tok.endswith(cue) else 0)]
            end = offsets[spans[name_end][1] - 1] + 1
            out.append(PlaceMention(start, end, text[start:end], None, _cue_label(cue, None)))
        return out


TRANSLITERATED = frozenset("SO DJ ET ER SS TD ML NE BF NG".split())
"""Countries whose division names Arabic news transliterates, spelling the long vowels its own way."""


def vowel_variants(name: str) -> list[str]:
    """A transliterated division name with one long vowel inside a word left out («باكول» / «بكول», «شبيلي
    السفلى» / «شبلي السفلى»): words of five letters or more without the article (Arabic words such as
    «الوسطى» keep their spelling), never a first or last letter; none for a name led by a division word."""
    words = name.split(" ")
    out: list[str] = []
    if words[0] in CUE_WORDS or words[0] == "العاصمه":
        return out
    for j, w in enumerate(words):
        if len(w) < 5 or w.startswith("ال"):
            continue
        for i in range(1, len(w) - 1):
            if w[i] in "اوي" and w[i - 1] not in "اوي" and w[i + 1] not in "اوي":
                out.append(" ".join((*words[:j], w[:i] + w[i + 1:], *words[j + 1:])))
    return sorted(set(out))


def article_variants(name: str) -> list[str]:
    """A town or division name of several words with the article added to or dropped from one later word: news
    and GeoNames often differ only there («بني وليد» / «بني الوليد», «عين الدفلي» / «عين دفلي»). Single words are
    left alone (the article is a clitic there and ``clitic_variants`` handles it), and so are names that begin
    with a division word and bare directions (those are read as cues)."""
    words = name.split(" ")
    out: list[str] = []
    if words[0] in CUE_WORDS:  # «محافظة الشمال» is not «محافظة شمال سيناء»
        return out
    for j in range(1, len(words)):
        w = words[j]
        if w.startswith("ال") and len(w) >= 5 and w[2:] not in DIRECTIONS:
            out.append(" ".join((*words[:j], w[2:], *words[j + 1:])))
        elif not w.startswith("ال") and len(w) >= 3 and w not in _NO_ARTICLE:
            out.append(" ".join((*words[:j], "ال" + w, *words[j + 1:])))
    return out


_NO_ARTICLE = frozenset({"بن", "بنت", "ابو", "ابي", "ام", "بني", "عبد", "ذي", "ذو", "سيدي", "مولاي", "ولد"})
"""Later words of a name that never take the article (kinship and honorific words, «سيدي», «مولاي»)."""


def fold_latin(name: str) -> str:
    """An English place name folded for comparison: accents, case, hyphens and apostrophes dropped
    («Ségou» = «Segou», «Amanat al-Asimah» = «Amanat Al Asimah»)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ı", "i"))
    kept = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch) and ch != "'")
    return " ".join(kept.lower().split())


def admin1_spellings(data_dir: str | Path | None = None) -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """(country, folded English name) -> the (country, GeoNames admin1 code) divisions it names, from the name
    and the other English spellings in admin1.tsv («Salah al-Din», «Salah ad Din», «Saladin» -> IQ.18)."""
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    index: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for cc, code, name, _names, _lat, _lon, *rest in _read_tsv(root / "admin1.tsv"):
        english = rest[1].split("|") if len(rest) > 1 and rest[1] else []
        for spelling in (name, *english):
            index.setdefault((cc, fold_latin(spelling)), set()).add((cc, code))
    return {k: frozenset(v) for k, v in index.items()}


# ---------------------------------------------------------------------- helpers
def _dedupe(cands: list[_Candidate]) -> list[_Candidate]:
    seen: dict[tuple[str, str, int | None], _Candidate] = {}
    for c in cands:
        seen.setdefault((c.kind, c.place.name, c.place.geonames_id), c)
    return list(seen.values())


def _adjacent(spans: list[tuple[int, int]], norm: str, a: int, b: int) -> bool:
    """Tokens ``a`` < ``b`` are separated by whitespace only (no punctuation)."""
    return not norm[spans[a][1]: spans[b][0]].strip()


def _strip_clitics(token: str, vocabulary: frozenset[str]) -> str:
    for _, variant in clitic_variants(token):
        if variant in vocabulary:
            return variant
    return token


def _clitic_len(token: str) -> int:
    """Length of the clitic prefix on a cue or direction word («بمدينة» -> 1, «وشمال» -> 1)."""
    for prefix_len, variant in clitic_variants(token):
        if variant in CUE_WORDS or variant in DIRECTIONS:
            return prefix_len
    return 0


def _direction_stem(word: str) -> str:
    return word[:-1] if word.endswith("ي") and word[:-1] in DIRECTIONS else word


def _trailing_directions(tokens: list[str], spans: list[tuple[int, int]], norm: str, end: int) -> int:
    j = end + 1
    while j < len(tokens) and j <= end + 2 and tokens[j] in TRAILING_DIRECTIONS and _adjacent(spans, norm, j - 1, j):
        end, j = j, j + 1
    return end


def _context_votes(
    matches: list[_Match], demonyms: Counter[str], guarded: frozenset[tuple[str, str, str]]
) -> tuple[Counter[str], set[int]]:
    """Countries the text is about (unambiguous place names, countries, demonyms) and the voting matches."""
    votes: Counter[str] = Counter(demonyms)
    voters: set[int] = set()
    for idx, m in enumerate(matches):
        countries = {c.place.country_code for c in m.candidates}
        if len(countries) != 1:
            continue
        cand = m.candidates[0]
        if (m.name, cand.place.name, cand.place.country_code) in guarded:
            continue
        if cand.kind != "town" or cand.place.population >= SMALL_TOWN_POPULATION or m.last > m.first:
            votes[cand.place.country_code] += 1
            voters.add(idx)
    return votes, voters


def _name_votes(m: _Match, guarded: frozenset[tuple[str, str, str]]) -> tuple:
    """What a name adds to the text's votes whatever the text: the country it votes for in ``_context_votes``,
    the division it votes for in ``_division_votes`` (None each) and ``_own_division_key``."""
    context, _voters = _context_votes([m], Counter(), guarded)
    divisions = _division_votes([m], guarded)
    return next(iter(context), None), next(iter(divisions), None), _own_division_key(m)


def _division_votes(matches: list[_Match], guarded: frozenset[tuple[str, str, str]]) -> Counter[tuple[str, str]]:
    """(country, admin1 code) of the matches whose candidates all lie in one division (دمشق, ريف إدلب, حلب)."""
    votes: Counter[tuple[str, str]] = Counter()
    for m in matches:
        key = _own_division_key(m)
        if key is not None and not any((m.name, c.place.name, c.place.country_code) in guarded
                                       for c in m.candidates):
            votes[key] += 1
    return votes


def _own_division_key(m: _Match) -> tuple[str, str] | None:
    """The one (country, admin1 code) all of a name's candidates other than countries lie in, else None."""
    divisions = {(c.place.country_code, c.admin1_code or "") for c in m.candidates if c.kind != "country"}
    return divisions.pop() if len(divisions) == 1 else None


SHARED_HINTS = {"MA": "EH", "EH": "MA"}
"""Countries whose places are not foreign under each other's hint: Morocco administers most of Western Sahara and
its press names the territory's towns as the kingdom's («الأقاليم الجنوبية»), Sahrawi reports Morocco's. A place of
the partner passes the hint's check after «منطقة» and the guard of a frequent word («في العيون»); the hint still
scores only its own country's candidates."""

_HINT_CHECKED_CUES = (SITE_CUES | DISTRICT_CUES) - {"مستوطنه"}
"""Cue words after which ``_resolve`` drops a town of another country than the hint's that the text does not
name elsewhere («منطقة الشيخ زايد» in a Gaza report)."""

DIVISION_SCORE = 12
"""A candidate in a division the same text names unambiguously elsewhere («منطقة الحميدية ... دمشق»: the souq of
Damascus, not the Tartous village): worth a population ratio of 10,000 (3 points per power of ten)."""

_UNRESOLVED_CUES = (TOWN_CUES | DISTRICT_CUES | COUNTRYSIDE_CUES) - {"مركز", "العاصمه"}
_READINGS_AND_COUNTRY = itemgetter(0, 1)  # of a token's ``Gazetteer._token``: a name it starts or a demonym's country
_CUE_WORD = itemgetter(2)  # of a token's ``Gazetteer._token``: the token as a cue word
_TOKENS_REMEMBERED = 100_000  # tokens whose ``Gazetteer._token`` is kept (cleared when full)
_SCANS_REMEMBERED = 64  # texts whose ``Gazetteer._scan`` is kept (a few articles' sentences; cleared when full)

_DATELINE_DASHES = frozenset({" – ", " - ", " — "})

DATELINE_POPULATION = 50_000
"""A dateline names a city with a news desk: a city of at least this many people or the namesake seat of its
division (Quneitra) beats a smaller homonym («الدوحة –» is Doha, not the Bethlehem village Ad Dawhah, in a Doha
report on Gaza whose country reads as PS); between two such cities (Tripoli, Quneitra / Kenitra) the hint and
the text decide as elsewhere."""


SHADDA = "\u0651"
"""The doubling mark, dropped by ``normalize_arabic``: «عمّان» (Amman) and «عُمان» (Oman) normalise alike, but no
country's Arabic name is written with it, so a name spelled with one in the text is never a country."""


def _not_country(m: _Match) -> _Match:
    """``m`` without its country candidates (unchanged when it has only those)."""
    kept = tuple(c for c in m.candidates if c.kind != "country")
    return m._replace(candidates=kept) if kept and len(kept) < len(m.candidates) else m


def _dateline_city(m: _Match) -> tuple[_Match, bool]:
    """``m`` with only its cities (``DATELINE_POPULATION``) and divisions (the seat a division is named after,
    ``namesake_seats``: «بابل –» in an Iraqi report is Babil's, not Babol in Iran) when it has one and other
    candidates, and whether those lie in one country (the dateline then names it for the whole text:
    ``_one_sense_per_text``)."""
    seats = {(c.place.country_code, c.admin1_code) for c in m.candidates if c.kind == "region"}
    cities = tuple(c for c in m.candidates if c.kind == "region" or (c.kind == "town" and (
        c.place.population >= DATELINE_POPULATION or (c.place.country_code, c.admin1_code) in seats)))
    if not cities or len(cities) == len(m.candidates):
        return m, False
    return m._replace(candidates=cities), len({c.place.country_code for c in cities}) == 1


APPOSITION_SCORE = 120
"""A name right after a place («العاصمة القطرية الدوحة») is in that place's country: this outweighs the article's
country hint (100), so a small homonym of the article's country (Ad Dawhah near Bethlehem) loses."""


def _one_sense_per_text(mentions: list[PlaceMention],
                        resolved: list[tuple[_Match, str | None, Place | None]]) -> list[PlaceMention]:
    """«عمّان – ... في العاصمة عمّان»: a bare name that a cue word or the dateline resolves elsewhere in the same
    text to another of its candidates («العاصمة» picks the city Amman, not the country Oman; «الدوحة –» Doha)
    takes that sense everywhere; the dateline's city does not replace its own country («الكويت – قررت الكويت»),
    but does replace another country of the same name («عمّان – ... أمام سفارة بلادهم في عمّان»: Amman, not Oman)."""
    senses: dict[str, tuple[Place, bool]] = {}
    for m, cue, place in resolved:
        if cue is not None and place is not None:
            senses.setdefault(m.name, (place, cue == _DATELINE))
    if not senses:
        return mentions
    out = []
    for pm, (m, cue, place) in zip(mentions, resolved, strict=True):
        sense, from_dateline = senses.get(m.name, (None, False))
        if cue is None and place is not None and sense is not None and sense != place \
                and not (from_dateline and place.geo_precision == "country"
                         and place.country_code == sense.country_code) \
                and any(c.place == sense for c in m.candidates):
            pm = replace(pm, place=sense)
        out.append(pm)
    return out


_DATELINE = "dateline"  # the cue ``_find_afresh`` records for a dateline's name (``_one_sense_per_text``)
_QUALIFIER_GAPS = frozenset({"ب", "في", "،", ","})


def _absorb_country_qualifiers(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """«ولاية جونقلي بجنوب السودان», «بلدة الخيام في لبنان»: a country named right after a place of that country
    only says where the place is; it joins the place's mention instead of standing as a second, vaguer place."""
    out: list[PlaceMention] = []
    for pm in mentions:
        prev = out[-1] if out else None
        if (prev is not None and prev.place is not None and pm.place is not None
                and pm.place.geo_precision == "country" and prev.place.geo_precision != "country"
                and prev.place.country_code == pm.place.country_code
                and text[prev.end:pm.start].strip() in _QUALIFIER_GAPS):
            out[-1] = replace(prev, end=pm.end, text=text[prev.start:pm.end])
            continue
        out.append(pm)
    return out


_CUE_LABELS = {
    "محافظه": "محافظة", "ولايه": "ولاية", "اقليم": "إقليم", "امانه": "أمانة", "ناحيه": "ناحية",
    "مديريه": "مديرية", "منطقه": "منطقة", "مدينه": "مدينة", "بلده": "بلدة", "قريه": "قرية", "العاصمه": "العاصمة",
    "ضاحيه": "ضاحية", "جزيره": "جزيرة", "قري": "قرى", "اطراف": "أطراف", "مستوطنه": "مستوطنة",
    "محليه": "محلية", "بلديه": "بلدية", "اماره": "إمارة",
}


def namesake_seats(cands: list[_Candidate], country_hint: str | None) -> list[_Candidate]:
    """«مدينة البيضاء» in a Yemen report: under a town cue, a division of the hint's country named like a town the
    gazetteer knows only abroad (Libya's Bayda) stands for its namesake seat, which cities500 lacks; [] when the hint's
    country has a town of that name or no division of it."""
    if country_hint is None or any(c.kind == "town" and c.place.country_code == country_hint for c in cands):
        return []
    return [c for c in cands if c.kind == "region" and c.place.country_code == country_hint]


def _cue_label(cue: str | None, direction: str | None) -> str | None:
    """Canonical cue: the cue word in its usual spelling, prefixed by the direction phrase if any."""
    parts = [p for p in (direction, _CUE_LABELS.get(cue, cue) if cue else None) if p]
    return " ".join(parts) if parts else None
