"""What the decision model reads: features of one sentence and of one candidate event.

Features are strings (a sparse bag with value 1.0 unless a number is given); the model's vocabulary maps the
ones seen in training to columns, and unknown ones are ignored. Everything here is a pure function of the
article and the candidate row the rules produced, so training and the nightly path compute the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from sys import intern
from typing import Any

import numpy as np

from pipeline.extract.decision.linear import SharedVocab
from pipeline.extract.document import Sentence
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.memo import BoundedMemo
from pipeline.extract.text import Token, normalize_arabic, token_text, tokenize

# Words that mark background, generic or reported-speech framing: the model weighs them, the list only
# makes sure each becomes a feature of its own next to the bag of words (they are frequent and short).
_FRAME_WORDS = frozenset({
    "كان", "وكان", "وكانت", "كانت", "قد", "سبق", "سابق", "سابقا", "الماضي", "الماضيه", "العام", "منذ", "ذلك",
    "ياتي", "وياتي", "خلفيه", "اثر", "اعقاب", "بعد", "يعد", "ويعد", "الثاني", "الثالث", "نوعه", "سلسله",
    "وتيره", "سيتم", "سوف", "ستقوم", "يعتزم", "تهدد", "هدد", "توعد", "نفي", "نفت", "نفى", "ينفي", "اذا", "لو",
    "حال", "محاكمه", "حكم", "ذكري", "تدريب", "مناورات", "حصيله", "اجمالي", "ارتفعت", "ارتفع", "قال", "اكد",
    "اعلن", "افاد", "افادت", "ذكرت", "بحسب", "وفق", "نقلا", "اليوم", "امس", "الليله", "فجر", "صباح", "مساء",
})


@dataclass(frozen=True)
class SentenceCues:
    """What the rule lexicons see in one sentence: cue kinds (background, claim, future, ...) and trigger
    action types, each with its token position."""

    cues: tuple[tuple[str, int], ...]
    triggers: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class SentenceView:
    """One sentence, read once: its span, light-stemmed words and lexicon cues."""

    start: int
    end: int
    words: tuple[str, ...]
    tokens: tuple[Token, ...]
    quoted: bool
    has_digits: bool


@dataclass(frozen=True)
class ArticleView:
    """The parts of an article every feature function reads (each sentence is read once)."""

    text: str
    title_words: frozenset[str]
    sentences: tuple[SentenceView, ...]
    lexicons: Lexicons
    # per sentence, its cue phrases as the article pass's component ``cues`` found them (None: look them up)
    known_cues: tuple[tuple[tuple[str, int], ...] | None, ...] = ()
    # per sentence, the article pass's token list (the lexicon remembers its matches), None when re-tokenised
    clause_tokens: tuple[list[Token] | None, ...] = ()
    _cues: dict[int, SentenceCues] = field(default_factory=dict, compare=False, repr=False)
    _features: dict[int, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    _index: dict[tuple[int, int], int] = field(default_factory=dict, compare=False, repr=False)
    _ids: dict[int, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def features(self, i: int) -> list[str]:
        """``sentence_features`` of sentence ``i`` (computed once: the gate, candidates and detector share it)."""
        return list(self._sentence_features(i))

    def _sentence_features(self, i: int) -> tuple[str, ...]:
        if i not in self._features:
            self._features[i] = tuple(sentence_features(self.sentences[i], self.cues(i), i, len(self.sentences)))
        return self._features[i]

    def feature_ids(self, i: int, ids: SentenceIds) -> np.ndarray:
        """The known ids of ``features(i)`` (found once for the gate, the candidates and the detector)."""
        if i not in self._ids:
            self._ids[i] = ids.of(self.sentences[i], self.cues(i), i, len(self.sentences))
        return self._ids[i]

    def cues(self, i: int) -> SentenceCues:
        """Cue kinds and triggers of sentence ``i`` (lexicon lookups run only for sentences that need them)."""
        if i not in self._cues:
            toks = self.clause_tokens[i] if i < len(self.clause_tokens) else None
            toks = toks if toks is not None else list(self.sentences[i].tokens)
            known = self.known_cues[i] if i < len(self.known_cues) else None
            cues = known if known is not None else tuple(
                (str(m.entry), m.first) for m in self.lexicons.cues.find(toks))
            triggers = tuple((m.entry.action_type, m.first) for m in self.lexicons.triggers.find(toks))
            self._cues[i] = SentenceCues(cues, triggers)
        return self._cues[i]

    def sentence_index(self, start: int, end: int) -> int:
        """Index of the sentence that overlaps [start, end) most (-1 when none does)."""
        if (start, end) not in self._index:
            best, best_ov = -1, 0
            for i, sv in enumerate(self.sentences):
                ov = min(sv.end, end) - max(sv.start, start)
                if ov > best_ov:
                    best, best_ov = i, ov
            self._index[start, end] = best
        return self._index[start, end]


@lru_cache(maxsize=65536)  # every sentence of every article is stemmed word by word; words recur
def light_stem(word: str) -> str:
    """The word without a leading conjunction و/ف and article ال (one light stem per word), interned: the
    bigram table's words are (``bigram_table``), so a stem is found there by identity, without comparing its
    characters (on new articles often a cache miss)."""
    if len(word) > 3 and word[0] in "وف":
        word = word[1:]
    if len(word) > 4 and word.startswith("ال"):
        word = word[2:]
    return intern(word)


def words(text: str) -> list[str]:
    """Normalised, light-stemmed word tokens of ``text``."""
    return list(_words(text))


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:  # trigger and place texts recur from article to article
    return tuple(light_stem(t.text) for t in tokenize(normalize_arabic(text)))


def read_sentence(text: str, start: int, end: int, clause: Sentence | None = None) -> SentenceView:
    """The sentence [start, end) of ``text``; ``clause``, the article pass's clause of exactly that span, gives
    its normal form and tokens (the same ``normalize_arabic`` and ``tokenize`` of the same characters)."""
    sentence = text[start:end]
    if clause is None:
        norm = normalize_arabic(sentence)
        toks = tokenize(norm)
    else:
        norm, toks = clause.norm, clause.tokens
    return SentenceView(start, end, tuple(map(light_stem, map(token_text, toks))), tuple(toks),
                        "«" in sentence or '"' in sentence, has_digit(norm))


def has_digit(text: str) -> bool:
    """``any(map(str.isdigit, text))`` by one regular-expression scan: the digits of the Basic Multilingual
    Plane as a character class, and the plain test only for a text with characters beyond it."""
    return _BMP_DIGIT.search(text) is not None or (
        _BEYOND_BMP.search(text) is not None and any(map(str.isdigit, text)))


def _char_class(codes: list[int]) -> str:
    """A regular-expression character class of the code points ``codes`` (sorted), as ranges."""
    ranges: list[list[int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]"


_BMP_DIGIT = re.compile(_char_class([c for c in range(0x10000) if chr(c).isdigit()]))
_BEYOND_BMP = re.compile("[\\U00010000-\\U0010ffff]")


def read_article(text: str, title: str | None, lexicons: Lexicons, spans: Sequence[tuple[int, int]],
                 clauses: Sequence[Sentence] = ()) -> ArticleView:
    """The article's sentences ``spans`` read once. ``clauses``: the article pass's sentences
    (``ArticleDoc.sentences``); a sentence it kept whole (not cut into incident clauses) reuses their
    tokens and, unless it restates the lead (its cues then not looked up), its cue phrases: they must have
    gone through the rule components (``cues`` included; the article was not stopped)."""
    whole = {(c.start, c.end): c for c in clauses if c.evidence_span is None}
    found = [whole.get(span) for span in spans]
    return ArticleView(text, frozenset(words(title or "")),
                       tuple(read_sentence(text, s, e, c) for (s, e), c in zip(spans, found, strict=True)),
                       lexicons,
                       tuple(None if c is None or c.restated else tuple((str(k), first) for k, first, _l in c.cues)
                             for c in found),
                       tuple(None if c is None else c.tokens for c in found))


def _bag(prefix: str, toks: list[str]) -> list[str]:
    feats = [f"{prefix}w={w}" for w in toks]
    feats += [f"{prefix}b={a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]
    feats += [f"{prefix}suf3={w[-3:]}" for w in toks if len(w) > 4]
    return feats


def _position(idx: int, n: int) -> list[str]:
    rel = idx / max(n - 1, 1)
    return [f"pos={min(idx, 4)}", f"relpos={int(rel * 4)}", "lead" if idx == 0 else "body"]


def sentence_features(sv: SentenceView, cues: SentenceCues, idx: int, n_sentences: int) -> list[str]:
    """Features of one sentence alone: does it report an event as news?"""
    toks = list(sv.words)
    feats = _bag("", toks) + _position(idx, n_sentences)
    feats += [f"cue={kind}" for kind, _i in cues.cues]
    feats += [f"trigtype={action}" for action, _i in cues.triggers]
    feats.append(f"ntrig={min(len(cues.triggers), 3)}")
    feats += [f"frame={w}" for w in toks if w in _FRAME_WORDS]
    feats.append(f"len={min(len(toks) // 10, 5)}")
    if sv.quoted:
        feats.append("quote")
    if sv.has_digits:
        feats.append("digits")
    return feats


class SentenceIds:
    """``sentence_features`` as the ids a ``SharedVocab`` knows, without building most of the strings: each
    word's own features (``w=``, ``suf3=``, ``frame=``) are looked up once and remembered by word with the ids
    of the known bigrams (``b=word_next``) it starts, by next word (the same words recur in every article;
    forgotten all at once when full); the rest are looked up."""

    def __init__(self, vocab: SharedVocab) -> None:
        self.vocab = vocab
        self._words = BoundedMemo(_WORDS_REMEMBERED)  # word -> ``_word`` (see there)
        self.bigrams = bigram_table(vocab.ids)
        self._fixed = _fixed_ids(vocab.ids)  # the ids of the known features ``_rest`` makes
        # word (suffix) -> id of its known feature ``w=word`` (``suf3=suffix``, ``frame=word``): a new word's
        # features found without building their strings (the words are interned, as ``light_stem``'s are)
        self._word_ids, self._suffix_ids, self._frame_ids = (named_ids(vocab.ids, prefix)
                                                             for prefix in ("w=", "suf3=", "frame="))

    def _word(self, w: str) -> tuple[tuple[int, ...], dict[str, int]]:
        """The ids of the word's own known features (``w=``, ``suf3=`` of a word of 5+ letters, ``frame=`` of
        a frame word) and its known bigrams by next word."""
        found = (self._word_ids.get(w), self._suffix_ids.get(w[-3:]) if len(w) > 4 else None,
                 self._frame_ids.get(w) if w in _FRAME_WORDS else None)
        return tuple(i for i in found if i is not None), self.bigrams.get(w, _NO_BIGRAMS)

    def of(self, sv: SentenceView, cues: SentenceCues, idx: int, n_sentences: int) -> np.ndarray:
        """The ids of ``sentence_features(sv, cues, idx, n_sentences)`` (each once or more; order aside)."""
        toks = sv.words
        if not toks:
            return self._rest([], sv, cues, idx, n_sentences)
        found = self._words.all_of(toks, self._word)
        own, following = zip(*found, strict=True)
        out = list(chain.from_iterable(own))
        out += [i for i in map(dict.get, following, toks[1:]) if i is not None]
        return self._rest(out, sv, cues, idx, n_sentences)

    def _rest(self, out: list[int], sv: SentenceView, cues: SentenceCues, idx: int, n_sentences: int) -> np.ndarray:
        rest = _position(idx, n_sentences)
        rest += [f"cue={kind}" for kind, _i in cues.cues]
        rest += [f"trigtype={action}" for action, _i in cues.triggers]
        rest.append(f"ntrig={min(len(cues.triggers), 3)}")
        rest.append(f"len={min(len(sv.words) // 10, 5)}")
        if sv.quoted:
            rest.append("quote")
        if sv.has_digits:
            rest.append("digits")
        out += [i for i in map(self._fixed.get, rest) if i is not None]
        return np.array(out, dtype=np.int64)


_NO_BIGRAMS: dict[str, int] = {}
# What ``SentenceIds._rest`` makes besides the words' features: position, cue, trigger, length and mark features.
_FIXED_PREFIXES = ("pos=", "relpos=", "cue=", "trigtype=", "ntrig=", "len=")
_FIXED_NAMES = frozenset({"lead", "body", "quote", "digits"})


def bigram_table(ids: dict[str, int]) -> dict[str, dict[str, int]]:
    """word -> {next word: id of the known bigram feature ``b=word_next``}: each known bigram under every split
    of its text at an underscore, so a pair is found exactly when the string it makes is known (the pair
    determines the string). The words are interned, as ``light_stem``'s are."""
    table: dict[str, dict[str, int]] = {}
    for f, i in ids.items():
        if f.startswith("b="):
            text = f[2:]
            at = text.find("_")
            while at >= 0:
                table.setdefault(intern(text[:at]), {})[intern(text[at + 1:])] = i
                at = text.find("_", at + 1)
    return table


def named_ids(ids: dict[str, int], prefix: str) -> dict[str, int]:
    """name -> id of each known feature ``prefix + name`` (the names interned)."""
    return {intern(f[len(prefix):]): i for f, i in ids.items() if f.startswith(prefix)}


def _fixed_ids(ids: dict[str, int]) -> dict[str, int]:
    """The known features ``SentenceIds._rest`` can make, with their ids: a small table (a few dozen features)
    that stays in the processor's cache, where the whole vocabulary (~100,000) does not; a feature it lacks
    is unknown to the vocabulary too."""
    return {f: i for f, i in ids.items() if f.startswith(_FIXED_PREFIXES) or f in _FIXED_NAMES}


_WORDS_REMEMBERED = 200_000


def detector_features(article: ArticleView, idx: int, rule_rows: list[tuple[str, str]]) -> list[str]:
    """Features of one sentence for the event detector: does it report an event of which action_type?

    The sentence's own features, how much of the headline it repeats, and what the rules' article pass
    coded from it (``rule_rows``: (action_type, modality) of its rows; the detector learns where they fall
    short), and character 4-grams of its light-stemmed words (verb forms and spellings the word bag splits).
    """
    feats = article.features(idx)
    joined = " ".join(article.sentences[idx].words)
    feats += [f"{GRAM_PREFIX}{joined[k:k + 4]}" for k in range(len(joined) - 3)]
    return feats + detector_own_features(article, idx, rule_rows)


GRAM_PREFIX = "c4="


def detector_own_features(article: ArticleView, idx: int, rule_rows: list[tuple[str, str]]) -> list[str]:
    """The detector's features of sentence ``idx`` beyond its sentence features and 4-grams."""
    sv, title_words = article.sentences[idx], article.title_words
    feats = []
    if title_words:
        share = sum(w in title_words for w in sv.words) / max(len(sv.words), 1)
        feats.append(f"title_share={int(share * 4)}")
    feats += sorted({f"rulecand={a}" for a, _m in rule_rows}) or ["rulecand=none"]
    feats += sorted({f"rulemod={m}" for _a, m in rule_rows})
    cues = article.cues(idx)
    feats += sorted({f"trig_cue={a}|{kind}" for a, _i in cues.triggers for kind, _j in cues.cues})
    if idx > 0:
        feats += sorted({f"prev_cue={kind}" for kind, _i in article.cues(idx - 1).cues})
    return feats


_DENSE_KEYS = 1 << 23
"""The largest dense gram table (keys; int32 ids: 32 MB). The key space is (characters the known grams use + 1) ** 4:
round 12's grams use 48 characters (a few Latin capitals from quoted names among them), 5.8 M keys, past the
4 M this was before, which turned the dense table off and every article's gram lookup into a binary search."""


class GramIds:
    """The detector's character 4-gram features (``c4=abcd``) of a whole article found with numpy: each
    character the vocabulary's grams use gets a small code, a gram the integer of its four codes, looked up
    in the sorted integers of the known grams. The same ids as looking up each ``c4=`` string."""

    def __init__(self, vocab: SharedVocab) -> None:
        grams = {f[len(GRAM_PREFIX):]: i for f, i in vocab.ids.items()
                 if f.startswith(GRAM_PREFIX) and len(f) == len(GRAM_PREFIX) + 4}
        chars = sorted({c for g in grams for c in g})
        self.base = len(chars) + 1  # code 0: a character no known gram has
        top = max(map(ord, chars), default=0) + 1
        self.table = np.zeros(top + 1, dtype=np.int64)  # table[top]: any character beyond the known ones
        for code, c in enumerate(chars, start=1):
            self.table[ord(c)] = code
        self.top = top
        keyed = sorted((self._key_of(g), i) for g, i in grams.items())
        self.keys = np.array([k for k, _ in keyed], dtype=np.int64)
        self.ids = np.array([i for _, i in keyed], dtype=np.int64)
        self.dense: np.ndarray | None = None  # key -> id (-1: none) when the key space is small (<= 16 MB)
        if self.base ** 4 <= _DENSE_KEYS:
            self.dense = np.full(self.base ** 4, -1, dtype=np.int32)
            self.dense[self.keys] = self.ids

    def _key_of(self, gram: str) -> int:
        key = 0
        for c in gram:
            key = key * self.base + int(self.table[ord(c)])
        return key

    def article_ids(self, article: ArticleView) -> tuple[np.ndarray, np.ndarray]:
        """(sentence index, gram id) of every known 4-gram of every sentence's joined words, in order."""
        empty = np.zeros(0, dtype=np.int64)
        if not len(self.keys) or not article.sentences or self.base ** 4 >= 2 ** 62:
            return empty, empty
        joined = [" ".join(sv.words) for sv in article.sentences]
        starts = np.cumsum([0] + [len(j) + 3 for j in joined[:-1]])
        text = "\0\0\0".join(joined)  # three unknown characters: no gram spans two sentences
        points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
        if len(points) < 4:
            return empty, empty
        codes = self.table[np.minimum(points, self.top)]
        a, b, c, d = codes[:-3], codes[1:-2], codes[2:-1], codes[3:]
        keys = ((a * self.base + b) * self.base + c) * self.base + d
        if self.dense is not None:  # a key with an unknown character (code 0) is no known gram's: -1
            found = self.dense[keys]
            hit = np.flatnonzero(found >= 0)
            return np.searchsorted(starts, hit, side="right") - 1, found[hit].astype(np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        hit = np.flatnonzero((self.keys[at] == keys) & (a > 0) & (b > 0) & (c > 0) & (d > 0))
        return np.searchsorted(starts, hit, side="right") - 1, self.ids[at[hit]]


def _trigger_window(sentence_words: list[str], trigger_words: list[str]) -> list[str]:
    if not trigger_words:
        return ["trig=none"]
    first = trigger_words[0]
    feats = [f"trig={w}" for w in trigger_words]
    if first in sentence_words:
        i = sentence_words.index(first)
        feats += [f"left={w}" for w in sentence_words[max(0, i - 3):i]]
        feats += [f"right={w}" for w in sentence_words[i + len(trigger_words):i + len(trigger_words) + 3]]
        feats.append(f"trigpos={min(i // 5, 4)}")
    return feats


@dataclass(frozen=True)
class Neighbours:
    """How a candidate relates to the article's other candidates (E3 merges, evidence-sentence choice)."""

    same_sentence: int  # candidates coded from the same sentence (itself included)
    in_article: int
    same_type_before: int  # candidates of the same action_type in earlier sentences
    same_place_before: bool  # ... one of which has the same location_text
    same_type_after: int


def candidate_features(row: dict[str, Any], article: ArticleView, *, reread: bool,
                       neighbours: Neighbours) -> list[str]:
    """Features of one candidate event row (as the rules coded it) in its article."""
    return [*candidate_sentence_features(row, article),
            *candidate_own_features(row, article, reread=reread, neighbours=neighbours)]


def candidate_sentence_features(row: dict[str, Any], article: ArticleView) -> tuple[str, ...]:
    """The sentence features of the candidate's sentence (of its evidence alone when no sentence holds it)."""
    idx = article.sentence_index(row["char_start"], row["char_end"])
    if idx >= 0:
        return article._sentence_features(idx)
    return tuple(sentence_features(_own_sentence(row), SentenceCues((), ()), 0, len(article.sentences)))


def _own_sentence(row: dict[str, Any]) -> SentenceView:
    return SentenceView(row["char_start"], row["char_end"], tuple(words(row["evidence"])), (), False, False)


def candidate_own_features(row: dict[str, Any], article: ArticleView, *, reread: bool,
                           neighbours: Neighbours, title_words: bool = True) -> list[str]:
    """The candidate's features beyond its sentence's: its arguments, trigger window and neighbours, and
    (unless ``title_words`` is False) the headline's words, the same for every candidate of the article
    (``title_features``)."""
    idx = article.sentence_index(row["char_start"], row["char_end"])
    if idx >= 0:
        sv, cues = article.sentences[idx], article.cues(idx)
    else:
        sv, cues = _own_sentence(row), SentenceCues((), ())
    action = row["action_type"]
    toks = list(sv.words)
    feats = [f"act={action}", f"mod={row['modality']}", f"prec={row['date_precision']}",
             f"a1type={row.get('actor1_type') or 'none'}", f"a1type_act={row.get('actor1_type')}_{action}",
             "reread" if reread else "article_pass", f"same_sentence={min(neighbours.same_sentence, 3)}",
             f"in_article={min(neighbours.in_article, 6)}",
             f"type_before={min(neighbours.same_type_before, 2)}", f"type_after={min(neighbours.same_type_after, 2)}",
             f"place_before={neighbours.same_place_before}",
             f"conf={int(float(row.get('confidence') or 0) * 5)}"]
    trig = words(row.get("trigger_text") or "")
    window = _trigger_window(toks, trig)
    feats += [f"{f}|{action}" for f in window]
    feats += window
    if trig and trig[0] in toks:
        at = toks.index(trig[0])
        feats += [f"cue_{'before' if i < at else 'after'}={kind}" for kind, i in cues.cues if abs(i - at) <= 6]
    feats += [f"other_trig={a}|{action}" for a, _i in cues.triggers if a != action]
    feats.append("has_date_text" if row.get("date_text") else "no_date_text")
    feats.append("has_place" if row.get("location_text") else "no_place")
    feats.append("has_admin1" if row.get("admin1") else "no_admin1")
    feats.append("has_target" if row.get("actor2_norm") else "no_target")
    fat = row.get("fatalities")
    feats.append("fat=null" if fat is None else f"fat={min(int(fat), 3)}")
    if row.get("injured"):
        feats.append("injured")
    if article.title_words:
        share = sum(w in article.title_words for w in toks) / max(len(toks), 1)
        feats.append(f"title_share={int(share * 4)}")
        if title_words:
            feats += title_features(article)
    return feats


def title_features(article: ArticleView) -> list[str]:
    """The headline's words as candidate features (none without a headline)."""
    return [f"tw={w}" for w in sorted(article.title_words)]
