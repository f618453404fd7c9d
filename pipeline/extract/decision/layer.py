"""The ``decide`` step: rule candidates in, the events a trained model accepts out (typed, calibrated).

1. Sentences the rules coded nothing from are scored by the sentence gate; those likely to report an event
   are read again on their own (``reread``), which recovers events the article-level rules merged away or
   screened out, as candidates like any other.
2. Every asserted candidate gets P(reported event) and P(action_type) from its own features (sentence words,
   trigger and its neighbours, tense and framing words, position, own date/place/toll, ...).
3. The calibrated confidence P(row is a correct event) decides: below ``keep_threshold`` the row is dropped;
   above, the row takes the model's action type (and the roles the rules read for that type). Non-asserted
   rows (negated, threat, ...) pass unchanged. With the model's ``stack`` (pipeline.extract.decision.stack),
   the confidence and type come from P(event), P(type) and the sentence detector's probabilities for the
   candidate's sentence together (the detector runs once per article; step 4 reuses its output).
4. The sentence detector proposes what the rules missed: in an article with at least one kept event, every
   sentence gets P(it is the evidence of an event of type t); where that reaches ``detect_threshold`` and no
   kept row of type t lies in the sentence, nor a rules mention of type t read as not asserted (negated,
   hypothetical, ...), ``propose`` builds a row of type t with the sentence as its evidence
   (pipeline.extract.decision.detected), its confidence the calibrated detector probability.
5. ``anchor`` (pipeline.extract.decision.evidence), when the model has it: rows of one incident are merged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.extract.candidate import event_id
from pipeline.extract.decision.article import ArticleStep, article_features, decide_article
from pipeline.extract.decision.detected import date_rereads
from pipeline.extract.decision.evidence import anchor
from pipeline.extract.decision.features import (
    ArticleView,
    Neighbours,
    candidate_features,
    candidate_own_features,
    candidate_sentence_features,
    detector_features,
    detector_own_features,
    read_article,
    title_features,
)
from pipeline.extract.decision.model import DecisionModel
from pipeline.extract.decision.places import reading_order, split_by_place
from pipeline.extract.decision.stack import stack_inputs
from pipeline.extract.document import Sentence
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.text import split_sentences
from pipeline.schema import ACTION_TO_ACLED

# (sentence text, published, article country) -> rows coded from that sentence alone (offsets in the sentence)
Reread = Callable[[str, dt.date, str | None], list[dict[str, Any]]]
# (evidence start, end, action_type, confidence, kept rows) -> the detected event's row (None: cannot build)
Propose = Callable[[int, int, str, float, list[dict[str, Any]]], dict[str, Any] | None]
# (rule row, new action_type) -> the row with the perpetrator and target the rules read for that type
Reroles = Callable[[dict[str, Any], str], dict[str, Any]]
# (index of the row in the article pass's rows, that row, new action_type) -> ``Reroles`` of a row of the article pass
PassRoles = Callable[[int, dict[str, Any], str], dict[str, Any]]


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
    return [Scored(r, rr, candidate_features(r, article, reread=rr, neighbours=nb))
            for r, rr, nb in gather_rows(rows, article, published=published, reread=reread,
                                         keep_sentence=keep_sentence)]


def gather_rows(rows: list[dict[str, Any]], article: ArticleView, *, published: dt.date, reread: Reread,
                keep_sentence: Callable[[int], bool]) -> list[tuple[dict[str, Any], bool, Neighbours]]:
    """``gather_candidates`` before the features: (row, re-read?, neighbours) of each candidate."""
    return [(r, rr, nb) for r, rr, nb, _origin in gather_sourced(rows, article, published=published, reread=reread,
                                                                  keep_sentence=keep_sentence)]


def gather_sourced(rows: list[dict[str, Any]], article: ArticleView, *, published: dt.date, reread: Reread,
                   keep_sentence: Callable[[int], bool]
                   ) -> list[tuple[dict[str, Any], bool, Neighbours, int | None]]:
    """``gather_rows`` with where each candidate comes from: its index in the article pass's ``rows`` (None: a
    row re-read from a sentence alone)."""
    country = Counter(r["country_code"] for r in rows if r.get("country_code")).most_common(1)
    article_country = country[0][0] if country else None
    asserted = [i for i, r in enumerate(rows) if r["modality"] == "asserted"]
    found: list[tuple[dict[str, Any], bool]] = [(rows[i], False) for i in asserted]
    origins: list[int | None] = list(asserted)
    for i in rereadable(rows, article):
        if not keep_sentence(i):
            continue
        sv = article.sentences[i]
        s = sv.start
        for r in reread(article.text[sv.start:sv.end], published, article_country):
            if r["modality"] != "asserted":
                continue
            r = dict(r, char_start=r["char_start"] + s, char_end=r["char_end"] + s)
            r["evidence"] = article.text[r["char_start"]:r["char_end"]]
            found.append((r, True))
            origins.append(None)
    return [(r, rr, neighbours(r, found, article), origin) for (r, rr), origin in zip(found, origins, strict=True)]


def rereadable(rows: list[dict[str, Any]], article: ArticleView) -> list[int]:
    """Sentences the rules coded no row from that have a trigger: the sentence gate decides which are re-read
    (the rules code nothing from a sentence without a trigger)."""
    covered = {article.sentence_index(r["char_start"], r["char_end"]) for r in rows}
    return [i for i in range(len(article.sentences)) if i not in covered and article.cues(i).triggers]


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


# Slots of the decision model's linear models in ``DecisionModel.vocab``.
SENTENCE, EVENT, TYPES, DETECTOR = range(4)


def _pairs(parts: list[list[np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """(example, feature id) pairs of examples given as lists of id arrays."""
    lengths = [sum(len(p) for p in example) for example in parts]
    ids = [p for example in parts for p in example]
    return (np.repeat(np.arange(len(parts), dtype=np.int64), lengths),
            np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64))


def gated(model: DecisionModel, article: ArticleView, sentences: list[int]) -> set[int]:
    """Which of ``sentences`` the sentence gate keeps (``sentence_gate``, scored in one batch)."""
    if not sentences:
        return set()
    examples, ids = _pairs([[article.feature_ids(i, model.sentence_ids)] for i in sentences])
    probs = model.vocab.proba(SENTENCE, examples, ids, len(sentences))
    return {i for i, p in zip(sentences, probs, strict=True) if p["yes"] >= model.reread_threshold}


def candidate_probs(model: DecisionModel, article: ArticleView,
                    found: list[tuple[dict[str, Any], bool, Neighbours]]
                    ) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """The event and type models' probabilities of each candidate (``candidate_features``, looked up once for
    both, for its sentence's part once per sentence, and scored by both in one product)."""
    vocab = model.vocab
    get = vocab.ids.get
    title = [i for i in map(get, title_features(article)) if i is not None]
    sentence_parts: list[np.ndarray] = []
    own: list[int] = []
    own_examples: list[int] = []
    for j, (r, rr, nb) in enumerate(found):
        idx = article.sentence_index(r["char_start"], r["char_end"])
        sentence_parts.append(article.feature_ids(idx, model.sentence_ids) if idx >= 0
                              else vocab.lookup(candidate_sentence_features(r, article)))
        ids = [i for i in map(get, candidate_own_features(r, article, reread=rr, neighbours=nb, title_words=False))
               if i is not None]
        ids += title
        own += ids
        own_examples += [j] * len(ids)
    examples, ids = _with_own(sentence_parts, own_examples, own)
    event, types = vocab.proba_together((EVENT, TYPES), examples, ids, len(found))
    return event, types


def _with_own(parts: list[np.ndarray], own_examples: list[int], own: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(example, feature id) pairs: example ``j``'s ids ``parts[j]``, then the pairs (``own_examples[i]``,
    ``own[i]``)."""
    examples = np.repeat(np.arange(len(parts), dtype=np.int64), [len(p) for p in parts])
    return (np.concatenate((examples, np.array(own_examples, dtype=np.int64))),
            np.concatenate((*parts, np.array(own, dtype=np.int64))))


def detector_probs(model: DecisionModel, article: ArticleView, rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    """``model.detector.proba_many(detector_inputs(article, rows))``, each sentence's features looked up once
    and the 4-grams of the whole article at once."""
    examples, ids = detector_pairs(model, article, rows)
    return model.vocab.proba(DETECTOR, examples, ids, len(article.sentences))


def gate_and_detector(model: DecisionModel, article: ArticleView, rows: list[dict[str, Any]], sentences: list[int]
                      ) -> tuple[set[int], list[dict[str, float]]]:
    """(``gated(model, article, sentences)``, ``detector_probs(model, article, rows)``) in one product: the
    sentence gate reads the detector's pairs, whose features beyond the sentence features (the detector's own
    and its 4-grams) it does not know (their rows are zeros for it: its sums keep every bit)."""
    examples, ids = detector_pairs(model, article, rows)
    gate, probs = model.vocab.proba_together((SENTENCE, DETECTOR), examples, ids, len(article.sentences))
    return {i for i in sentences if gate[i]["yes"] >= model.reread_threshold}, probs


def detector_pairs(model: DecisionModel, article: ArticleView, rows: list[dict[str, Any]]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(sentence index, feature id) pairs of the detector's features of every sentence (``detector_probs``)."""
    vocab = model.vocab
    get = vocab.ids.get
    per_sentence = sentence_rule_rows(article, rows)
    sentence_ids = model.sentence_ids
    parts = [article.feature_ids(i, sentence_ids) for i in range(len(article.sentences))]
    own: list[int] = []
    own_examples: list[int] = []
    for i, rule_rows in enumerate(per_sentence):
        ids = [k for k in map(get, detector_own_features(article, i, rule_rows)) if k is not None]
        own += ids
        own_examples += [i] * len(ids)
    examples, ids = _with_own(parts, own_examples, own)
    gram_examples, gram_ids = model.grams.article_ids(article)
    return np.concatenate((examples, gram_examples)), np.concatenate((ids, gram_ids))


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


def unasserted_mentions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules' rows read as not asserted (negated, denied, threat, hypothetical, future): (action_type,
    span) only, what ``detections`` needs."""
    return [{"action_type": r["action_type"], "char_start": r["char_start"], "char_end": r["char_end"]}
            for r in rows if r["modality"] != "asserted"]


def detections(probs: list[dict[str, float]], article: ArticleView, kept: list[dict[str, Any]],
               threshold: float, *, per_type: dict[str, float] | None = None,
               alone: float | None = None, unasserted: Sequence[dict[str, Any]] = ()
               ) -> list[tuple[int, str, float]]:
    """(sentence, action_type, probability) the detector reports at ``threshold`` (``per_type``: the
    threshold of an action type that has its own) with no kept row of that type in the sentence, nor a rules
    mention of that type read as not asserted (``unasserted``: the detector does not assert what the rules
    read as negated, hypothetical, ...). In an article where no event was kept: nothing, or with ``alone``,
    what reaches that threshold."""
    if not kept and alone is None:
        return []
    blocking = [*kept, *unasserted]
    out = []
    for i, (sv, p) in enumerate(zip(article.sentences, probs, strict=True)):
        for action, prob in sorted(p.items()):
            if action == "none":
                continue
            cut = alone if not kept else (per_type or {}).get(action, threshold)
            if cut is None or prob < cut:
                continue
            if any(r["action_type"] == action and min(r["char_end"], sv.end) > max(r["char_start"], sv.start)
                   for r in blocking):
                continue
            out.append((i, action, prob))
    return out


def retype(row: dict[str, Any], action: str, article_id: str, roles: Reroles | None = None) -> dict[str, Any]:
    """The row with a new action_type, its event_id and ACLED columns following it, and with ``roles``, the
    perpetrator and target the rules read for the new type."""
    if row["action_type"] != action:
        event_type, sub = ACTION_TO_ACLED[action]
        if roles is not None:
            row = roles(row, action)
        row = dict(row, action_type=action, event_type=event_type, sub_event_type=sub)
    return dict(row, event_id=event_id(article_id, row["char_start"], row["char_end"], action,
                                       row["location_text"]))


def _roles_of(roles: PassRoles | None, origin: int | None) -> Reroles | None:
    """``roles`` for the row of the article pass at index ``origin`` (None: no reader, or a re-read row)."""
    if roles is None or origin is None:
        return None
    return lambda row, action: roles(origin, row, action)


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
                 clauses: Sequence[Sentence] = (), roles: PassRoles | None = None) -> list[dict[str, Any]]:
        """``clauses``: the article pass's sentences (``ArticleDoc.sentences``), read instead of re-tokenising;
        ``roles``: re-reads the roles of a row of the article pass (given by its index in ``rows``) the model
        retypes (None: it keeps those of its old type; so does a row re-read from a sentence alone)."""
        article = article_view(text, title, self.lexicons, clauses)
        others = [r for r in rows if r["modality"] != "asserted"]
        stack = self.model.stack
        # the detector's probabilities per sentence, computed once (with the sentence gate's, in one product):
        # the stacking step reads them first
        if stack is not None:
            keep, probs = gate_and_detector(self.model, article, rows, rereadable(rows, article))
        else:
            keep, probs = gated(self.model, article, rereadable(rows, article)), None
        sourced = gather_sourced(rows, article, published=published, reread=self.reread,
                                 keep_sentence=keep.__contains__)
        found = [(r, rr, nb) for r, rr, nb, _origin in sourced]
        kept: dict[tuple[int, str, str | None], dict[str, Any]] = {}
        scored: list[tuple[float, tuple[dict[str, Any], str, int | None]]] = []  # every candidate, for ``article``
        for (r, rr, _nb, origin), event, types in zip(sourced, *candidate_probs(self.model, article, found),
                                                      strict=True):
            p_event = event["yes"]
            if stack is not None:  # ``probs`` was computed with the gate
                conf, action = stack.decide(**stack_inputs(article, r, reread=rr, p_event=p_event, types=types,
                                                           detector=probs))
            else:
                action = max(types, key=types.__getitem__)
                conf = self.model.confidence(p_event, types[action])
            scored.append((conf, (r, action, origin)))
            if conf < self.model.keep_threshold:
                continue
            row = dict(retype(r, action, article_id, _roles_of(roles, origin)), article_id=article_id,
                       confidence=round(conf, 4))
            key = (article.sentence_index(row["char_start"], row["char_end"]), action, row["location_text"])
            if key not in kept or kept[key]["confidence"] < row["confidence"]:
                kept[key] = row
        decided = date_rereads(list(kept.values()), rows)
        if self.split_places:
            spans = [(sv.start, sv.end) for sv in article.sentences]
            decided = split_by_place(decided, text, spans, self.gazetteer, article_id)
        alone = self.model.detect_alone_threshold is not None and propose is not None
        detecting = bool(decided or alone) and (propose is not None or self.model.anchor is not None)
        if detecting or self.model.article is not None:
            if probs is None:  # without a stack the detector has not run yet: once, for both steps below
                probs = detector_probs(self.model, article, rows)
            if detecting:
                if propose is not None:
                    decided += self.detected(article, probs, decided, propose, article_id,
                                             unasserted_mentions(rows))
                if self.model.anchor is not None:
                    decided = anchor(decided, article, probs, self.model.anchor)
            if self.model.article is not None:
                decided = self.article_step(self.model.article, decided, scored, probs, article, article_id,
                                            rows, roles)
        return sorted(decided, key=lambda r: reading_order(r, text)) + others

    def article_step(self, step: ArticleStep, decided: list[dict[str, Any]],
                     scored: Sequence[tuple[float, tuple[dict[str, Any], str, int | None]]],
                     probs: Sequence[dict[str, float]], article: ArticleView, article_id: str,
                     rows: list[dict[str, Any]], roles: PassRoles | None) -> list[dict[str, Any]]:
        """The ``article`` step (pipeline.extract.decision.article): ``decided`` dropped when the article
        likely reports no event, or its most confident candidate (``scored``: (confidence, (row, chosen type,
        index in the article pass)) of every candidate) kept when none was and it likely reports one."""
        p = step.p_event(article_features([(c, a) for c, (_r, a, _o) in scored], probs, article))
        decided, add = decide_article(decided, p, step, scored)
        if add is None:
            return decided
        conf, (r, action, origin) = add
        row = dict(retype(r, action, article_id, _roles_of(roles, origin)), article_id=article_id,
                   confidence=round(conf, 4))
        return date_rereads([row], rows)

    def detected(self, article: ArticleView, probs: list[dict[str, float]], kept: list[dict[str, Any]],
                 propose: Propose, article_id: str, unasserted: Sequence[dict[str, Any]] = ()
                 ) -> list[dict[str, Any]]:
        """Rows for the events the sentence detector finds where no kept row of their type is, nor a rules
        mention of their type read as not asserted (``unasserted``) (``probs``: the detector's per sentence,
        read from the rules' article pass)."""
        out = []
        for i, action, prob in detections(probs, article, kept, self.model.detect_threshold,
                                          per_type=dict(self.model.detect_thresholds),
                                          alone=self.model.detect_alone_threshold, unasserted=unasserted):
            sv = article.sentences[i]
            row = propose(sv.start, sv.end, action, round(self.model.detect_confidence(prob), 4), kept)
            if row is not None:
                out.append(dict(row, article_id=article_id))
        return out
