"""Sentence and boilerplate handling: clauses that are separate incidents, off-domain articles, restated leads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pipeline.extract.document import Sentence
from pipeline.extract.places import place_mentions
from pipeline.extract.resources import Resources
from pipeline.extract.text import (
    Token,
    boilerplate_spans,
    normalize_arabic,
    normalize_with_offsets,
    split_sentences,
    token_text,
    tokenize,
)


def read_sentences(res: Resources, text: str) -> list[Sentence]:
    """The article's sentences outside boilerplate, split into incident clauses; a clause cut from a longer
    sentence keeps that sentence as its ``evidence_span``."""
    skip = boilerplate_spans(text, res.lex.boilerplate)
    spans = [s for s in split_sentences(text) if not any(a <= s[0] < b for a, b in skip)]
    sentences: list[Sentence] = []
    for s, e in spans:
        for cs, ce in incident_clauses(res, text, s, e):
            norm, offs = normalize_with_offsets(text[cs:ce])
            sentences.append(Sentence(len(sentences), cs, ce, norm, offs, tokenize(norm),
                                      (s, e) if (cs, ce) != (s, e) else None))
    return sentences


def incident_clauses(res: Resources, text: str, s: int, e: int) -> list[tuple[int, int]]:
    """«... في مخيم جباليا، فيما استشهد اثنان آخران في قصف استهدف مدرسة في بلدة بيت لاهيا»: a clause
    after «، فيما / بينما / في حين» with its own trigger and its own place is a separate incident."""
    sent = text[s:e]
    for marker in ("، فيما ", "، بينما ", "، في حين "):
        k = sent.find(marker)
        if k <= 0:
            continue
        cut = s + k + 1
        first = _incident_places(res, text[s:cut])  # the second clause is read only when the first is an incident
        if first:
            second = _incident_places(res, text[cut:e])
            if second and not first & second:
                return [(s, cut), (cut, e)]
    return [(s, e)]


def _incident_places(res: Resources, clause: str) -> frozenset[str]:
    """The names of the places finer than a country that ``clause`` names, when it has a trigger of weight
    0.7 or more (else, and when it names none, the empty set)."""
    norm = normalize_arabic(clause)
    if not any(h.entry.weight >= 0.7 for h in res.lex.triggers.find(tokenize(norm), res.morph)):
        return frozenset()
    return frozenset(pm.place.name for pm in place_mentions(res, norm, None)
                     if pm.place is not None and pm.place.geo_precision != "country")


def is_off_domain(res: Resources, sentences: Sequence[Sentence]) -> bool:
    """Sport, prices, culture: some domain cue («مباراة», «الأسعار») occurs 3+ times and more often than strong
    triggers (weight >= 0.8)."""
    counts: Counter[str] = Counter()
    triggers = 0
    for s in sentences:
        toks = s.tokens
        for m in res.lex.cues.find(toks):
            if str(m.entry).startswith("domain_"):
                counts[m.entry] += 1
        triggers += sum(1 for m in res.lex.triggers.find(toks, res.morph) if m.entry.weight >= 0.8)
    return bool(counts) and max(counts.values()) >= 3 and max(counts.values()) > triggers


def restates(toks: list[Token], norm: str, seen: list[set[str]]) -> bool:
    """The sentence's opening clause (up to its first comma, 6+ words) repeats an earlier sentence word for word."""
    comma = norm.find("،")
    head = list(map(token_text, toks)) if comma < 0 else [t.text for t in toks if t.start < comma]
    if head and head[0].startswith("و") and len(head[0]) > 3:
        head[0] = head[0][1:]
    if len(head) < 6:
        return False
    return any(sum(map(earlier.__contains__, head)) >= 0.9 * len(head) for earlier in seen)


def words_of(toks: list[Token]) -> set[str]:
    """The set of the tokens' texts (what ``restates`` compares a later sentence with)."""
    return set(map(token_text, toks))
