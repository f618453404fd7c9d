"""Curated lexicons (data/lexicons/*.tsv) loaded once, and clitic-aware multiword matching over tokens."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.extract.memo import BoundedMemo
from pipeline.extract.text import Token, clitic_variants, normalize_arabic, token_text, tokenize
from pipeline.paths import resource_dir

logger = logging.getLogger(__name__)
LEXICON_DIR = resource_dir("data/lexicons")


@dataclass(frozen=True)
class Trigger:
    pattern: tuple[str, ...]
    action_type: str
    sub_event_type: str | None
    cameo_code: str
    weight: float


@dataclass(frozen=True)
class ActorEntry:
    pattern: tuple[str, ...]
    norm: str
    actor_type: str
    country: str | None


@dataclass(frozen=True)
class Match:
    entry: object
    first: int  # token index range [first, last)
    last: int


@dataclass
class PhraseIndex:
    """Multiword patterns indexed by their first token; longest match wins."""

    by_first: dict[str, list[tuple[tuple[str, ...], object]]] = field(default_factory=lambda: defaultdict(list))
    strict: bool = False  # function words: only a leading و/ف is stripped, no other clitics
    # The matches of the token lists read last, by identity: the components that read a sentence's tokens
    # (domain, cues, triggers, the decision layer) ask for the same list's matches several times.
    _recent: dict[tuple[int, int], tuple[object, object, int, list[Match]]] = field(
        default_factory=dict, repr=False, compare=False)
    # A token's variant set -> the (pattern, entry) pairs that may start at it, in the order ``_find`` tries them
    # (a token's variants recur across sentences; most tokens start no pattern at all).
    _starts: BoundedMemo = field(default_factory=lambda: BoundedMemo(_STARTS_REMEMBERED), repr=False,
                                 compare=False)
    # A token's text -> ``_starting`` of its variants (without the optional morphology forms), longest first.
    _starts_by_text: BoundedMemo = field(default_factory=lambda: BoundedMemo(_STARTS_REMEMBERED), repr=False,
                                         compare=False)
    # The first tokens of the patterns (``by_first``'s keys), built when first needed: a token none of whose
    # variants is one of them (most tokens) starts no pattern, known without sorting its variants.
    _firsts: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @property
    def _variants(self) -> Callable[[str], frozenset[str]]:
        """A token's forms: function words strip only a leading و/ف, the other lexicons every clitic."""
        return _strict_variants if self.strict else clitic_variants

    def add(self, pattern: tuple[str, ...], entry: object) -> None:
        self.by_first[pattern[0]].append((pattern, entry))
        self._recent.clear()
        self._starts.clear()
        self._starts_by_text.clear()
        self._firsts = None

    def find(self, tokens: list[Token], extra: Callable[[str], frozenset[str]] | None = None) -> list[Match]:
        """Longest matches, left to right; ``extra`` adds forms per token (the optional morphology backend).

        The same list object (never modified after tokenising) asked again with the same ``extra`` gets its
        matches from ``_recent``, which holds the list itself so its id is not reused while remembered."""
        key = (id(tokens), id(extra))
        seen = self._recent.get(key)
        if seen is not None and seen[0] is tokens and seen[1] is extra and seen[2] == len(tokens):
            return list(seen[3])
        out = self._find(tokens, extra)
        if len(self._recent) >= _RECENT_LISTS:
            self._recent.clear()
        self._recent[key] = (tokens, extra, len(tokens), out)
        return list(out)

    def _find(self, tokens: list[Token], extra: Callable[[str], frozenset[str]] | None) -> list[Match]:
        if extra is None or self.strict:
            return self._find_plain(tokens)
        forms_of = self._variants
        variants = [forms_of(t.text) for t in tokens]
        if extra is not None and not self.strict:
            variants = [v | extra(t.text) for v, t in zip(variants, tokens, strict=True)]
        out: list[Match] = []
        starts, n_tokens = self._starts, len(tokens)
        i = 0
        while i < n_tokens:
            best: Match | None = None
            starting = starts.get(variants[i])
            for pattern, entry in starting if starting is not None else self._starting(variants[i]):
                n = len(pattern)
                if i + n > n_tokens or (best and n <= best.last - best.first):
                    continue
                if all(pattern[k] in variants[i + k] for k in range(1, n)):
                    best = Match(entry, i, i + n)
            if best:
                out.append(best)
                i = best.last
            else:
                i += 1
        return out

    def _find_plain(self, tokens: list[Token]) -> list[Match]:
        """``_find`` without extra forms: a token's starting patterns looked up by its text (all tokens at once),
        longest first (``_longest_first``: the first that matches is the one ``_find`` keeps), only the tokens
        that start a pattern visited (most start none), and the variants of the tokens after one computed only
        there."""
        forms_of = self._variants
        by_text = self._starts_by_text
        texts = list(map(token_text, tokens))
        starting = by_text.all_of(texts, self._starting_text)  # only the new words (a few of a sentence) computed
        n_tokens = len(texts)
        out: list[Match] = []
        i = 0  # the first token no match has taken
        for j in compress(range(n_tokens), starting):  # the tokens that start some pattern
            if j < i:
                continue
            following = None  # the forms of token j + 1, when a longer pattern asks
            for n, pattern, entry in starting[j]:
                if j + n > n_tokens:
                    continue
                if n > 1:
                    if following is None:
                        following = forms_of(texts[j + 1])
                    if pattern[1] not in following or not all(
                            pattern[k] in forms_of(texts[j + k]) for k in range(2, n)):
                        continue
                out.append(Match(entry, j, j + n))
                i = j + n
                break
        return out

    def _starting_text(self, text: str) -> tuple[tuple[int, tuple[str, ...], object], ...]:
        """``_longest_first`` of ``_starting`` of a token's variants (``_starts_by_text`` remembers it by text)."""
        forms = self._variants(text)
        firsts = self._firsts
        if firsts is None:
            firsts = self._firsts = frozenset(self.by_first)
        return () if forms.isdisjoint(firsts) else _longest_first(self._starting(forms))

    def _starting(self, forms: frozenset[str]) -> tuple[tuple[tuple[str, ...], object], ...]:
        """The patterns whose first token is one of ``forms``, in a fixed order (least-stripped form first, so
        ties never depend on the process's hash seed; then the lexicon's order), remembered per set."""
        return self._starts.one(forms, self._starting_afresh)

    def _starting_afresh(self, forms: frozenset[str]) -> tuple[tuple[tuple[str, ...], object], ...]:
        return tuple(pe for form in _in_form_order(forms) for pe in self.by_first.get(form, ()))


@dataclass(frozen=True)
class Lexicons:
    triggers: PhraseIndex
    actors: PhraseIndex
    cues: PhraseIndex
    cue_words: dict[str, frozenset[str]]
    numbers: dict[str, int]
    boilerplate: dict[str, str]
    demonyms: dict[str, str]  # iso2 -> English demonym
    country_names: dict[str, str]  # normalised Arabic name or adjective -> iso2
    plover: dict[str, str]  # CAMEO code -> PLOVER type

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR) -> Lexicons:
        triggers = PhraseIndex()
        for row in _rows(directory / "triggers.tsv", 5):
            sub = None if row[2] == "-" else row[2]
            triggers.add(_pattern(row[0]), Trigger(_pattern(row[0]), row[1], sub, row[3], float(row[4])))
        for row in _rows(directory / "cameo_triggers.tsv", 3):
            triggers.add(_pattern(row[0]), Trigger(_pattern(row[0]), row[1], None, row[2], 0.8))
        actors = PhraseIndex()
        for row in _rows(directory / "actors.tsv", 4):
            country = None if row[3] == "-" else row[3]
            actors.add(_pattern(row[0]), ActorEntry(_pattern(row[0]), row[1], row[2], country))
        cues = PhraseIndex(strict=True)
        cue_words: dict[str, set[str]] = defaultdict(set)
        for row in _rows(directory / "cues.tsv", 2):
            cues.add(_pattern(row[0]), row[1])
            cue_words[row[1]].add(normalize_arabic(row[0]))
        numbers = {normalize_arabic(r[0]): int(r[1]) for r in _rows(directory / "numbers.tsv", 2)}
        boilerplate = {normalize_arabic(r[0]): r[1] for r in _rows(directory / "boilerplate.tsv", 2)}
        demonyms: dict[str, str] = {}
        names: dict[str, str] = {}
        for row in _rows(directory / "countries.tsv", 4):
            demonyms[row[0]] = row[1]
            for name in (row[2] + "|" + row[3]).split("|"):
                names[normalize_arabic(name)] = row[0]
        plover = {r[0]: r[1] for r in _rows(directory / "cameo_plover.tsv", 2)}
        return cls(triggers, actors, cues, {k: frozenset(v) for k, v in cue_words.items()}, numbers,
                   boilerplate, demonyms, names, plover)

    def plover_type(self, cameo_code: str) -> str | None:
        for n in range(len(cameo_code), 1, -1):
            if cameo_code[:n] in self.plover:
                return self.plover[cameo_code[:n]]
        return None


def _pattern(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(normalize_arabic(text)))


def _rows(path: Path, width: int) -> list[list[str]]:
    if not path.is_file():
        raise ConfigError(f"lexicon file missing: {path}")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < width:
            raise ConfigError(f"{path.name}:{n}: expected {width} tab-separated fields, got {len(parts)}")
        rows.append(parts[:width])
    return rows


_STARTS_REMEMBERED = 65536  # distinct variant sets whose starting patterns ``PhraseIndex`` remembers
_RECENT_LISTS = 128  # token lists whose matches ``PhraseIndex.find`` remembers (about one article's sentences)


def _strict_variants(token: str) -> frozenset[str]:
    """The forms of a token for function words: itself, and without a leading و/ف.

    Not remembered: it costs about what a cache lookup does, it is asked only about a new word and the word after
    a pattern's start (``_starts_by_text`` remembers the rest), and each remembered set is one more object every
    full garbage collection walks (a frozenset is never untracked): ~30,000 of them on 2,000 new articles."""
    return frozenset({token, token[1:]} if token[:1] in "وف" and len(token) > 2 else {token})


@lru_cache(maxsize=65536)
def _in_form_order(forms: frozenset[str]) -> tuple[str, ...]:
    """``forms`` sorted by ``_form_order``, once per distinct set (a token's variants recur across sentences)."""
    return tuple(sorted(forms, key=_form_order))


def _longest_first(starting: tuple[tuple[tuple[str, ...], object], ...]
                   ) -> tuple[tuple[int, tuple[str, ...], object], ...]:
    """``(length, pattern, entry)`` of ``starting``, longest first, patterns of one length in their order: the
    first of them that matches is the longest match, of equally long ones the first tried, as in ``_find``."""
    return tuple(sorted(((len(p), p, e) for p, e in starting), key=lambda t: -t[0]))


def _form_order(form: str) -> tuple[int, str]:
    """Sort key of a token's variants: longer (less clitic-stripped) forms first, then alphabetical."""
    return (-len(form), form)
