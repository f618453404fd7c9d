"""Arabic text normalisation with offsets kept, so every match maps back to the original text.

``normalize_arabic`` is the one normal form used on both sides of every lexicon/gazetteer match:
diacritics and tatweel dropped (camel-tools' diacritic charset), alef variants -> ا, alef maksura -> ي,
teh marbuta -> ه, Arabic-Indic and Persian digits -> ASCII, Persian yeh/kaf/gaf and the Maghreb's gaf/veh -> Arabic, all
whitespace -> a single space kind (length kept).
"""

from __future__ import annotations

import re
from operator import itemgetter

from camel_tools.utils.charsets import AR_DIAC_CHARSET
from camel_tools.utils.normalize import normalize_unicode

TATWEEL = "\u0640"
_DROP = frozenset(AR_DIAC_CHARSET) | {TATWEEL, "\u200c", "\u200d", "\u200e", "\u200f", "\u061c"}
_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ي": "ي",
    "ة": "ه",
    "ک": "ك", "گ": "ك", "ڨ": "ق", "ڤ": "ف",  # Persian gaf; the Maghreb's gaf and veh («ڨالمة» is Guelma)
    "ؤ": "ؤ", "ئ": "ئ",
    "\u00a0": " ", "\t": " ", "\r": " ",
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    "٫": ".", "٬": ",",
}


# Dropped characters and mapped ones are disjoint and each maps to one character that is itself left as it is,
# so the normal form replaces each character that changes, one kind after another, and its offsets are the
# positions of the characters kept (tests/test_extract_speed.py). ``str.translate`` with a dict looks every
# character up (Arabic code points are not cached small ints): finding the few kinds present with one regular
# expression and ``str.replace``-ing each is ~4x faster.
_REPLACEMENT = {**dict.fromkeys(_DROP, ""), **{k: v for k, v in _MAP.items() if k != v}}
_CHANGED = re.compile("[" + "".join(re.escape(c) for c in sorted(_REPLACEMENT)) + "]")
_DROPPED_RUN = re.compile("[" + "".join(re.escape(c) for c in sorted(_DROP)) + "]+")


def _normal_form(text: str) -> str:
    for ch in set(_CHANGED.findall(text)):
        text = text.replace(ch, _REPLACEMENT[ch])
    return text


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the source character in ``text``.

    ``text`` should already be NFC/NFKC-composed (see ``prepare_text``); lengths differ only where
    characters are dropped, so ``offsets[i]`` is where normalised character ``i`` came from.
    """
    norm = _normal_form(text)  # every kept character maps to exactly one character
    if len(norm) == len(text):
        return norm, list(range(len(text)))
    offsets: list[int] = []  # the positions between runs of dropped characters (found by a regular expression)
    kept = 0
    for m in _DROPPED_RUN.finditer(text):
        offsets += range(kept, m.start())
        kept = m.end()
    offsets += range(kept, len(text))
    return norm, offsets


def normalize_arabic(text: str) -> str:
    """The normal form used for matching (see module docstring): ``normalize_with_offsets(text)[0]``, fast."""
    return _normal_form(text)


def prepare_text(text: str) -> str:
    """Unicode-normalise a raw article body (presentation forms -> letters, NFKC) before offsets are taken."""
    return normalize_unicode(text)


def source_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of normalised text back to the original text's [start, end)."""
    if start >= end:
        raise ValueError(f"empty span {start}:{end}")
    return offsets[start], offsets[end - 1] + 1


# --- tokens, clitics, sentences, boilerplate ----------------------------------------------------------

from functools import lru_cache  # noqa: E402
from itertools import accumulate, repeat  # noqa: E402
from typing import NamedTuple  # noqa: E402

_TOKEN_RE = re.compile(r"[\u0621-\u064A\u0671-\u06D3A-Za-z0-9]+")
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
_SUFFIXES = ("هما", "هم", "ها", "ه", "ا")
_SUFFIX_ENDS = frozenset(suf[-1] for suf in _SUFFIXES)


class Token(NamedTuple):
    """One word (a named tuple: tokenising builds many, ~3x faster than a frozen dataclass)."""

    text: str  # normalised surface form
    start: int  # offsets into the normalised string the token came from
    end: int


token_text = itemgetter(0)
"""A Token's text (its field by index: faster than the attribute in ``map`` over a sentence's tokens)."""


def tokenize(norm: str) -> list[Token]:
    """Word tokens (Arabic letters, Latin letters, digits) of a normalised string, with offsets.

    The tokens of ``_TOKEN_RE.finditer``, built without a match object each: splitting at the tokens gives the
    gaps and the tokens in turn (gap, token, gap, ..., gap), their running lengths the offsets."""
    parts = _TOKEN_SPLIT(norm)
    offsets = list(accumulate(map(len, parts), initial=0))
    return list(map(_new_tuple, repeat(Token), zip(parts[1::2], offsets[1:-1:2], offsets[2::2], strict=True)))


_TOKEN_SPLIT = re.compile(f"({_TOKEN_RE.pattern})").split
_new_tuple = tuple.__new__


def without_conjunction(token: str) -> str:
    """``token`` without a leading conjunction «و»/«ف» when it has more than three letters (the stem is then at
    least three), else ``token``: «وقتل» -> «قتل», «فقتلا» -> «قتلا», «وقت» as it is."""
    return token[1:] if token[:1] in _CONJ and len(token) > 3 else token


@lru_cache(maxsize=65536)
def clitic_variants(token: str) -> frozenset[str]:
    """The token and its stems with proclitics (و ف ب ل ك ال لل) and enclitics (ـه ـها ـهم ...) removed.

    «بقصف» -> {بقصف, قصف}; «للتنظيم» -> {للتنظيم, تنظيم, التنظيم}; «وتدميرهما» -> {..., تدمير}.
    Stems shorter than two letters are never produced (only the token itself can be that short). Every stem
    ends with the token's last letter, so a token that ends with no enclitic's letter has no enclitic.
    """
    stems = [token]
    bare = without_conjunction(token)
    if bare != token:
        stems.append(bare)
    for s in stems[:]:
        if len(s) > 3 and s[0] in _PREP:
            if len(s) > 4 and s.startswith("لل"):
                stems += (s[2:], "ال" + s[2:])
            stems.append(s[1:])
    for s in stems[:]:
        if len(s) > 3 and s.startswith("ال"):
            stems.append(s[2:])
    forms = set(stems)
    if token[-1:] in _SUFFIX_ENDS:
        for s in set(stems):
            for suf in _SUFFIXES:
                if s.endswith(suf) and len(s) - len(suf) >= 3:
                    forms.add(s[: -len(suf)])
    return frozenset(forms) if len(token) >= 2 else frozenset(f for f in forms if len(f) >= 2)


_SENT_END = ".!?؟…"
_OPEN_Q = "«“"
_CLOSE_Q = "»”"
_SENT_TAIL = _SENT_END + _CLOSE_Q + '"'
_SPLIT_CHARS = re.compile("[" + re.escape("\n" + _SENT_END + _OPEN_Q + _CLOSE_Q + '"') + "]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of ``text`` (original offsets, whitespace trimmed).

    Splits at newlines and at . ! ? ؟ … followed by whitespace, but not inside «...», “...” or "..."
    quotes (a quote never spans a newline). Decimal points and «العربية.نت» are left alone.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    depth = 0
    straight_open = False
    n = len(text)
    resume = 0  # characters before it were consumed by a sentence end (its trailing marks and quotes)
    for m in _SPLIT_CHARS.finditer(text):  # only these characters change the state; the rest is skipped
        i = m.start()
        if i < resume:
            continue
        ch = text[i]
        cut = None
        if ch == "\n":
            cut = i
            depth, straight_open = 0, False
        elif ch in _OPEN_Q:
            depth += 1
        elif ch in _CLOSE_Q:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight_open = not straight_open
        elif depth == 0 and not straight_open:  # a sentence end outside quotes
            j = i + 1
            while j < n and text[j] in _SENT_TAIL:
                j += 1
            if j >= n or text[j].isspace():
                cut = resume = j
        if cut is not None:
            _add_span(text, start, cut, spans)
            start = cut
    _add_span(text, start, n, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def boilerplate_spans(text: str, markers: dict[str, str]) -> list[tuple[int, int]]:
    """Spans of page boilerplate: related-links blocks («اقرأ أيضاً», «مقالات مشابهة») and tag lines.

    ``markers`` maps a normalised line prefix to "block" (the marker line plus the link-like lines after
    it: bullets, or short lines without a sentence end) or "line" (just that line).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    in_block = False
    prefixes = tuple(markers)
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line)
        pos = end
        stripped = line.strip()
        if not stripped:
            continue
        norm = normalize_arabic(stripped).lstrip("-•*·▪ ").strip()
        scope = next((s for m, s in markers.items() if norm.startswith(m)), None) \
            if norm.startswith(prefixes) else None  # most lines start with no marker
        if scope is not None:
            spans.append((start, end))
            in_block = scope == "block"
            continue
        if in_block and _is_link_like(stripped):
            spans.append((start, end))
            continue
        in_block = False
    return spans


def _is_link_like(line: str) -> bool:
    if line[:1] in "-•*·▪" or line.startswith(("  •", "•")):
        return True
    words = line.split()
    return len(words) <= 16 and not line.rstrip().endswith((".", "؟", "!", "»", '"'))
