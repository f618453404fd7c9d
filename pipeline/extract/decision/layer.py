"""The ``decide`` step: rule candidates in, the events a trained model accepts out (typed, calibrated).

1. Sentences the rules coded nothing from are scored by the sentence gate; those likely to report an event
   are read again on their own (``reread``), which recovers events the article-level rules merged away or
   screened out, as candidates like any other.
2. Every asserted candidate gets P(reported event) and P(action_type) from its own features (sentence words,
   trigger and its neighbours, tense and framing words, position, own date/place/toll, ...).
3. The calibrated confidence P(row is a correct event) decides: below ``keep_threshold`` the row is dropped;
   above, the row takes the model's action type. Non-asserted rows (negated, threat, ...) pass unchanged.
4. The sentence detector proposes what the rules missed: in an article with at least one kept event, every
   sentence gets P(it is the evidence of an event of type t); where that reaches ``detect_threshold`` and no
   kept row of type t lies in the sentence, ``propose`` builds a row of type t with the sentence as its
   evidence (pipeline.extract.decision.detected), its confidence the calibrated detector probability.
5. ``anchor`` (pipeline.extract.decision.evidence), when the model has it: rows of one incident are merged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.extract.candidate import event_id
from pipeline.extract.decision.detected import date_rereads
from pipeline.extract.decision.evidence import anchor
from pipeline.extract.decision.features import (
    ArticleView,
    Neighbours,
    candidate_features,
    detector_features,
    read_article,
)
from pipeline.extract.decision.model import DecisionModel
from pipeline.extract.decision.places import split_by_place
from pipeline.extract.document import Sentence
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.text import split_sentences
from pipeline.schema import ACTION_TO_ACLED

# (sentence text, published, article country) -> rows coded from that sentence alone (offsets in the sentence)
Reread = Callable[[str, dt.date, str | None], list[dict[str, Any]]]
# (evidence start, end, action_type, confidence, kept rows) -> the detected event's row (None: cannot build)
Propose = Callable[[int, int, str, float, list[dict[str, Any]]], dict[str, Any] | None]


@dataclass
class Scored:
    row: dict[str, Any]
    reread: bool
    features: list[str]
    p_event: float = 0.0
    types: dict[str, float] | None = None


def article_view(text: str, title: str | None, lexicons: Lexicons,
                 clauses: Sequence[Sentence] = ()) -> ArticleView:
    """Every sentence of the article (boilerplate included); ``clauses``, the article pass's sentences, lend
    their tokens and cues (the view is the same with or without them)."""
    return read_article(text, title, lexicons, split_sentences(text), clauses)


def gather_candidates(rows: list[dict[str, Any]], article: ArticleView, *, published: dt.date,
                      reread: Reread, keep_sentence: Callable[[int], bool]) -> list[Scored]:
    """The asserted rows of the article pass plus rows re-read from the uncovered sentences it keeps."""
    asserted = [r for r in rows if r["modality"] == "asserted"]
    covered = {article.sentence_index(r["char_start"], r["char_end"]) for r in rows}
    country = Counter(r["country_code"] for r in rows if r.get("country_code")).most_common(1)
    article_country = country[0][0] if country else None
    found: list[tuple[dict[str, Any], bool]] = [(r, False) for r in asserted]
    for i, sv in enumerate(article.sentences):
        if i in covered or not article.cues(i).triggers or not keep_sentence(i):
            continue  # the rules code nothing from a sentence without a trigger
        s = sv.start
        for r in reread(article.text[sv.start:sv.end], published, article_country):
            if r["modality"] != "asserted":
                continue
            r = dict(r, char_start=r["char_start"] + s, char_end=r["char_end"] + s)
            r["evidence"] = article.text[r["char_start"]:r["char_end"]]
            found.append((r, True))
    return [Scored(r, rr, candidate_features(r, article, reread=rr, neighbours=neighbours(r, found, article)))
            for r, rr in found]


def neighbours(row: dict[str, Any], found: list[tuple[dict[str, Any], bool]], article: ArticleView) -> Neighbours:
    idx = article.sentence_index(row["char_start"], row["char_end"])
    where = [(article.sentence_index(r["char_start"], r["char_end"]), r) for r, _ in found]
    before = [r for i, r in where if i < idx and r["action_type"] == row["action_type"]]
    return Neighbours(
        same_sentence=sum(i == idx for i, _ in where), in_article=len(found), same_type_before=len(before),
        same_place_before=any(r["location_text"] == row["location_text"] for r in before),
        same_type_after=sum(i > idx and r["action_type"] == row["action_type"] for i, r in where))


def sentence_gate(model: DecisionModel, article: ArticleView) -> Callable[[int], bool]:
    def keep(i: int) -> bool:
        return model.sentence.proba(article.features(i))["yes"] >= model.reread_threshold

    return keep


def sentence_rule_rows(article: ArticleView, rows: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """Per sentence, (action_type, modality) of the rules' article-pass rows coded from it."""
    out: list[list[tuple[str, str]]] = [[] for _ in article.sentences]
    for r in rows:
        i = article.sentence_index(r["char_start"], r["char_end"])
        if i >= 0:
            out[i].append((r["action_type"], r["modality"]))
    return out


def detector_inputs(article: ArticleView, rows: list[dict[str, Any]]) -> list[list[str]]:
    """Detector features of every sentence of the article (``rows``: the rules' article pass)."""
    per_sentence = sentence_rule_rows(article, rows)
    return [detector_features(article, i, per_sentence[i]) for i in range(len(article.sentences))]


def detections(probs: list[dict[str, float]], article: ArticleView, kept: list[dict[str, Any]],
               threshold: float) -> list[tuple[int, str, float]]:
    """(sentence, action_type, probability) the detector reports at ``threshold`` with no kept row of that
    type in the sentence; nothing in an article where no event was kept."""
    if not kept:
        return []
    out = []
    for i, (sv, p) in enumerate(zip(article.sentences, probs, strict=True)):
        for action, prob in sorted(p.items()):
            if action == "none" or prob < threshold:
                continue
            if any(r["action_type"] == action and min(r["char_end"], sv.end) > max(r["char_start"], sv.start)
                   for r in kept):
                continue
            out.append((i, action, prob))
    return out


def retype(row: dict[str, Any], action: str, article_id: str) -> dict[str, Any]:
    """The row with a new action_type, its event_id and ACLED columns following it."""
    if row["action_type"] != action:
        event_type, sub = ACTION_TO_ACLED[action]
        row = dict(row, action_type=action, event_type=event_type, sub_event_type=sub)
    return dict(row, event_id=event_id(article_id, row["char_start"], row["char_end"], action,
                                       row["location_text"]))


class DecisionLayer:
    """Applies a ``DecisionModel`` to one article's rule output; ``reread`` codes a sentence on its own."""

    def __init__(self, model: DecisionModel, reread: Reread, lexicons: Lexicons, gazetteer: Any = None, *,
                 split_places: bool = True) -> None:
        self.model = model
        self.reread = reread
        self.lexicons = lexicons
        self.gazetteer = gazetteer
        self.split_places = split_places

    def __call__(self, rows: list[dict[str, Any]], *, article_id: str, text: str, title: str | None,
                 published: dt.date, propose: Propose | None = None,
                 clauses: Sequence[Sentence] = ()) -> list[dict[str, Any]]:
        """``clauses``: the article pass's sentences (``ArticleDoc.sentences``), read instead of re-tokenising."""
        article = article_view(text, title, self.lexicons, clauses)
        others = [r for r in rows if r["modality"] != "asserted"]
        scored = gather_candidates(rows, article, published=published, reread=self.reread,
                                   keep_sentence=sentence_gate(self.model, article))
        kept: dict[tuple[int, str, str | None], dict[str, Any]] = {}
        examples = [c.features for c in scored]
        for c, event, types in zip(scored, self.model.event.proba_many(examples),
                                   self.model.types.proba_many(examples), strict=True):
            p_event = event["yes"]
            action = max(types, key=types.__getitem__)
            conf = self.model.confidence(p_event, types[action])
            if conf < self.model.keep_threshold:
                continue
            row = dict(retype(c.row, action, article_id), article_id=article_id, confidence=round(conf, 4))
            key = (article.sentence_index(row["char_start"], row["char_end"]), action, row["location_text"])
            if key not in kept or kept[key]["confidence"] < row["confidence"]:
                kept[key] = row
        decided = date_rereads(list(kept.values()), rows)
        if self.split_places:
            spans = [(sv.start, sv.end) for sv in article.sentences]
            decided = split_by_place(decided, text, spans, self.gazetteer, article_id)
        probs: list[dict[str, float]] | None = None
        if decided and (propose is not None or self.model.anchor is not None):
            probs = self.model.detector.proba_many(detector_inputs(article, rows))
        if propose is not None and probs is not None:
            decided += self.detected(article, probs, decided, propose, article_id)
        if self.model.anchor is not None and probs is not None:
            decided = anchor(decided, article, probs, self.model.anchor)
        return sorted(decided, key=lambda r: (r["char_start"], r["action_type"], r["location_text"] or "")) + others

    def detected(self, article: ArticleView, probs: list[dict[str, float]], kept: list[dict[str, Any]],
                 propose: Propose, article_id: str) -> list[dict[str, Any]]:
        """Rows for the events the sentence detector finds where no kept row of their type is (``probs``: the
        detector's per sentence, read from the rules' article pass)."""
        out = []
        for i, action, prob in detections(probs, article, kept, self.model.detect_threshold):
            sv = article.sentences[i]
            row = propose(sv.start, sv.end, action, round(self.model.detect_confidence(prob), 4), kept)
            if row is not None:
                out.append(dict(row, article_id=article_id))
        return out
