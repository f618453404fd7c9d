"""Arabic text normalisation with offsets kept, so every match maps back to the original text.

``normalize_arabic`` is the one normal form used on both sides of every lexicon/gazetteer match:
diacritics and tatweel dropped (camel-tools' diacritic charset), alef variants -> ا, alef maksura -> ي,
teh marbuta -> ه, Arabic-Indic and Persian digits -> ASCII, Persian yeh/kaf -> Arabic, all
whitespace -> a single space kind (length kept).
"""

from __future__ import annotations

from camel_tools.utils.charsets import AR_DIAC_CHARSET
from camel_tools.utils.normalize import normalize_unicode

TATWEEL = "\u0640"
_DROP = frozenset(AR_DIAC_CHARSET) | {TATWEEL, "\u200c", "\u200d", "\u200e", "\u200f", "\u061c"}
_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ي": "ي",
    "ة": "ه",
    "ک": "ك",
    "ؤ": "ؤ", "ئ": "ئ",
    "\u00a0": " ", "\t": " ", "\r": " ",
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    "٫": ".", "٬": ",",
}


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the source character in ``text``.

    ``text`` should already be NFC/NFKC-composed (see ``prepare_text``); lengths differ only where
    characters are dropped, so ``offsets[i]`` is where normalised character ``i`` came from.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        out.append(_MAP.get(ch, ch))
        offsets.append(i)
    return "".join(out), offsets


def normalize_arabic(text: str) -> str:
    """The normal form used for matching (see module docstring)."""
    return normalize_with_offsets(text)[0]


def prepare_text(text: str) -> str:
    """Unicode-normalise a raw article body (presentation forms -> letters, NFKC) before offsets are taken."""
    return normalize_unicode(text)


def source_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of normalised text back to the original text's [start, end)."""
    if start >= end:
        raise ValueError(f"empty span {start}:{end}")
    return offsets[start], offsets[end - 1] + 1
