"""`conflict-events train`: rebuild the decision model from gold sets, deterministically.

Examples come from running the rules over the gold articles exactly as the nightly path does (the article
pass, then every sentence it coded nothing from read again alone). A candidate is labelled with the gold
event it matches (same article, overlapping evidence; one-to-one, same type first, then larger overlap) or as
no event. Every sentence is labelled with the action types of the gold events whose evidence it overlaps
(none: "none"), for the sentence detector. Five article-grouped folds give out-of-fold probabilities, on
which the calibration, the keep threshold, the sentence gate's threshold and the detector's threshold and
calibration are chosen (the detector's on the events the whole decision keeps, scored like the scorer
does); the final models are then fitted on everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.extract.decision.article import (
    ADD_GRID,
    DROP_GRID,
    FLOOR_GRID,
    ArticleStep,
    article_features,
    best_candidate,
    fit_article,
)
from pipeline.extract.decision.calibration import correct_flags, cross_fitted, fit_isotonic, reliability
from pipeline.extract.decision.detected import date_rereads
from pipeline.extract.decision.evidence import AnchorModels, HeldArticle, train_anchor
from pipeline.extract.decision.features import ArticleView, sentence_features
from pipeline.extract.decision.layer import (
    Reread,
    Scored,
    article_view,
    detections,
    detector_inputs,
    gather_candidates,
    retype,
    unasserted_mentions,
)
from pipeline.extract.decision.linear import LinearModel, fit, fit_platt, logit, sigmoid
from pipeline.extract.decision.model import DecisionModel
from pipeline.extract.decision.outcomes import summary
from pipeline.extract.decision.stack import TOP_TYPES, Stack, fit_stack, stack_inputs, typed_features
from pipeline.extract.evaluate import match_events, prf, read_gold
from pipeline.extract.lexicon import Lexicons

logger = logging.getLogger(__name__)
# (model, article in the gold sets' JSONL form) -> the engine's final rows for it (rules + that decision model)
Decide = Callable[[DecisionModel, dict[str, Any]], list[dict[str, Any]]]
MODEL_MAJOR = 1
FOLDS = 5
# out of fold: F1 flat from (2, 1) to (15, 5) for event/types; the detector a little better at 4 than 1-2
L2 = {"sentence": 4.0, "event": 12.0, "types": 1.5, "detector": 8.0}
GATE_RECALL = 0.8  # share of useful uncovered sentences the gate must let through (out of fold)
# The keep threshold may keep at most this many out-of-fold candidates per negative article (articles that
# report no event): the F1-best cut alone falls as recall grows and lets rows into those articles. Round 8, out of
# fold on 1,698 articles: 0.10 -> F1 0.5493, 0.091 final rows per negative article; 0.07 -> 0.5489, 0.073;
# 0.05 -> 0.5382, 0.052 (the smallest limit costing at most 0.005 F1 was chosen before the test split was scored).
MAX_CANDIDATES_PER_NEGATIVE = 0.07
DETECT_GRID = tuple(round(0.1 + 0.025 * k, 3) for k in range(33))  # detector thresholds tried, 0.1 .. 0.9
DETECT_FLOOR = 0.05  # detector proposals from this probability up calibrate its confidence
FINAL_CALIBRATION_BIN = 50  # rows per bin; cross-fitted OOF ECE 0.027 (25: 0.024, 120: 0.022, 10: 0.040, Platt 0.036)
# Per-type detect thresholds (``choose_per_type``): a type's own cut must add this many matched rows' worth of F1
# out of fold.
PER_TYPE_MIN_GAIN = 2
# The detector in articles where no event was kept (``choose_alone``): the thresholds tried there, and how many
# rows per negative article (reporting no event) the decision may then code at most.
ALONE_GRID = tuple(round(0.5 + 0.05 * k, 2) for k in range(10))
MAX_EVENTS_PER_NEGATIVE = 0.09
DETECT_MIN_COUNT = 3  # features seen in fewer sentences are left out (a smaller model file, same F1)
# candidates decided by ``stack.Stack`` (P(event), P(type), the detector) instead of Platt on P(event) * P(type)
STACKING = True


@dataclass
class ArticleExamples:
    article_id: str
    fold: int
    candidates: list[Scored]
    labels: list[str | None]  # gold action_type of the matched gold event, or None
    sentence_feats: list[list[str]]
    sentence_labels: list[bool]
    reread_useful: list[bool]  # per sentence: re-reading it gave a matched candidate
    n_gold: int
    view: ArticleView
    gold: list[dict[str, Any]]
    detector_feats: list[list[str]]
    sentence_types: list[list[str]]  # per sentence: action types of the gold events it is the evidence of
    unasserted: list[dict[str, Any]]  # the rules' rows read as not asserted (``layer.unasserted_mentions``)


def _span(text: str, evidence: str) -> tuple[int, int]:
    i = text.find(evidence)
    return (i, i + len(evidence)) if i >= 0 else (-1, -1)


def match_gold(rows: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], text: str) -> list[str | None]:
    """For each candidate row, the action_type of the gold event it is paired with (None: no event)."""
    pairs = []
    for ci, r in enumerate(rows):
        for gi, g in enumerate(gold):
            gs, ge = _span(text, g["evidence"])
            overlap = min(ge, r["char_end"]) - max(gs, r["char_start"])
            if overlap > 0:
                pairs.append((r["action_type"] == g["action_type"], overlap, -ci, -gi))
    labels: list[str | None] = [None] * len(rows)
    used: set[int] = set()
    for _same, _ov, nci, ngi in sorted(pairs, reverse=True):
        ci, gi = -nci, -ngi
        if labels[ci] is None and gi not in used:
            labels[ci] = gold[gi]["action_type"]
            used.add(gi)
    return labels


def fold_of(article_id: str) -> int:
    return zlib.crc32(article_id.encode("utf-8")) % FOLDS


def collect(articles: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]],
            rule_rows: Callable[[dict[str, Any]], list[dict[str, Any]]], reread: Reread,
            lexicons: Lexicons) -> list[ArticleExamples]:
    """Examples of every article (articles in the gold sets' JSONL form: id, published, title, text)."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for g in gold:
        by_article.setdefault(g["article_id"], []).append(g)
    out = []
    t0 = time.monotonic()
    for n, a in enumerate(articles, 1):
        text = a["text"]
        view = article_view(text, a.get("title"), lexicons)
        golds = by_article.get(a["id"], [])
        published = dt.date.fromisoformat(a["published"][:10])
        rows = rule_rows(a)
        cands = gather_candidates(rows, view, published=published, reread=reread, keep_sentence=lambda _i: True)
        labels = match_gold([c.row for c in cands], golds, text)
        spans = [_span(text, g["evidence"]) for g in golds]
        s_labels = [any(min(ge, sv.end) - max(gs, sv.start) > 0 for gs, ge in spans) for sv in view.sentences]
        s_types = [sorted({g["action_type"] for g, (gs, ge) in zip(golds, spans, strict=True)
                           if min(ge, sv.end) - max(gs, sv.start) > 0}) for sv in view.sentences]
        useful = [False] * len(view.sentences)
        for c, lab in zip(cands, labels, strict=True):
            if c.reread and lab is not None:
                useful[view.sentence_index(c.row["char_start"], c.row["char_end"])] = True
        out.append(ArticleExamples(a["id"], fold_of(a["id"]), cands, labels, _sentence_examples(view), s_labels,
                                   useful, len(golds), view, [dict(g, article_id=a["id"]) for g in golds],
                                   detector_inputs(view, rows), s_types, unasserted_mentions(rows)))
        if n % 50 == 0 or n == len(articles):
            logger.info("train: read %d/%d articles (%.0f/s)", n, len(articles), n / (time.monotonic() - t0))
    return out


def _sentence_examples(view: ArticleView) -> list[list[str]]:
    n = len(view.sentences)
    return [sentence_features(sv, view.cues(i), i, n) for i, sv in enumerate(view.sentences)]


def _fit_detector(data: Sequence[ArticleExamples]) -> LinearModel:
    """Softmax over "none" and the action types; a sentence with k gold types is k examples of weight 1/k."""
    x, y, w = [], [], []
    for a in data:
        for feats, types in zip(a.detector_feats, a.sentence_types, strict=True):
            for t in types or ["none"]:
                x.append(feats)
                y.append(t)
                w.append(1.0 / max(len(types), 1))
    return fit(x, y, l2=L2["detector"], sample_weight=w, min_count=DETECT_MIN_COUNT)


def _fit_models(data: Sequence[ArticleExamples]) -> tuple[LinearModel, LinearModel, LinearModel]:
    s_x = [f for a in data for f in a.sentence_feats]
    s_y = ["yes" if y else "no" for a in data for y in a.sentence_labels]
    c_x = [c.features for a in data for c in a.candidates]
    c_y = ["yes" if lab is not None else "no" for a in data for lab in a.labels]
    t_x = [c.features for a in data for c, lab in zip(a.candidates, a.labels, strict=True) if lab is not None]
    t_y = [lab for a in data for lab in a.labels if lab is not None]
    sentence = fit(s_x, s_y, classes=("no", "yes"), l2=L2["sentence"])
    event = fit(c_x, c_y, classes=("no", "yes"), l2=L2["event"])
    types = fit(t_x, t_y, l2=L2["types"])
    return sentence, event, types


@dataclass
class HeldOut:
    """One held-out article's out-of-fold predictions."""

    article: ArticleExamples
    candidates: list[tuple[float, str]]  # (P(event) * P(chosen type), chosen type) per candidate
    detector: list[dict[str, float]]  # per sentence
    scores: list[tuple[float, dict[str, float]]] = field(default_factory=list)  # (P(event), P(type)) per candidate


@dataclass
class OutOfFold:
    raw: list[float]  # P(event) * P(chosen type)
    correct: list[int]  # the chosen type equals the matched gold type
    gate: list[float]  # sentence-gate probability of useful re-read sentences
    n_gold: int
    held: list[HeldOut]
    fold_models: list[tuple[LinearModel, LinearModel, LinearModel, LinearModel]]  # sentence, event, types, detector


def out_of_fold(data: Sequence[ArticleExamples], scored: Sequence[bool]) -> OutOfFold:
    """Out-of-fold predictions for the articles flagged in ``scored`` (the others are always fitted on)."""
    oof = OutOfFold([], [], [], sum(a.n_gold for a, s in zip(data, scored, strict=True) if s), [], [])
    for k in range(FOLDS):
        fit_on = [a for a, s in zip(data, scored, strict=True) if not s or a.fold != k]
        held = [a for a, s in zip(data, scored, strict=True) if s and a.fold == k]
        sentence, event, types = _fit_models(fit_on)
        detector = _fit_detector(fit_on)
        oof.fold_models.append((sentence, event, types, detector))
        for a in held:
            chosen, scores = [], []
            probs = [detector.proba(f) for f in a.detector_feats]
            for c, lab in zip(a.candidates, a.labels, strict=True):
                pt = types.proba(c.features)
                action = max(pt, key=pt.__getitem__)
                scores.append((event.proba(c.features)["yes"], pt))
                chosen.append((scores[-1][0] * pt[action], action))
                oof.raw.append(chosen[-1][0])
                oof.correct.append(int(lab == action))
            oof.held.append(HeldOut(a, chosen, probs, scores))
            oof.gate += [sentence.proba(f)["yes"] for f, useful in zip(a.sentence_feats, a.reread_useful,
                                                                        strict=True) if useful]
        logger.info("train: fold %d/%d done", k + 1, FOLDS)
    return oof


def held_inputs(h: HeldOut, i: int) -> dict[str, Any]:
    """``stack.stack_inputs`` of candidate ``i`` of a held-out article (its out-of-fold probabilities)."""
    c = h.article.candidates[i]
    p_event, types = h.scores[i]
    return stack_inputs(h.article.view, c.row, reread=c.reread, p_event=p_event, types=types, detector=h.detector)


def stack_examples(held: Sequence[HeldOut], top_types: int) -> tuple[list[list[float]], list[int]]:
    """The stacking model's examples: every held-out candidate with each of its ``top_types`` best types,
    labelled 1 when its matched gold event has that type."""
    x: list[list[float]] = []
    y: list[int] = []
    for h in held:
        for i, label in enumerate(h.article.labels):
            for action, features in typed_features(top_types=top_types, **held_inputs(h, i)):
                x.append(features)
                y.append(int(label == action))
    return x, y


def stacked(held: Sequence[HeldOut], stack: Stack) -> list[HeldOut]:
    """``held`` with each candidate's (confidence, type) decided by ``stack``."""
    return [replace(h, candidates=[stack.decide(**held_inputs(h, i)) for i in range(len(h.candidates))])
            for h in held]


def cross_fit_stack(held: Sequence[HeldOut], top_types: int) -> tuple[list[Stack], Stack, list[HeldOut]]:
    """Per fold the stacking model fitted on the other folds' candidates, the one fitted on all, and ``held``
    with each fold's candidates decided by its fold's model (cross-fitted: no fold decided by its own labels)."""
    fold_stacks = [fit_stack(*stack_examples([h for h in held if h.article.fold != k], top_types),
                             top_types=top_types) for k in range(FOLDS)]
    decided = [stacked([h], fold_stacks[h.article.fold])[0] for h in held]
    return fold_stacks, fit_stack(*stack_examples(held, top_types), top_types=top_types), decided


def best_threshold(conf: Sequence[float], correct: Sequence[int], n_gold: int, *,
                   negative: Sequence[bool] = (), n_negative: int = 0,
                   max_per_negative: float | None = None) -> tuple[float, dict[str, float]]:
    """The confidence cut that maximises event F1 over the out-of-fold candidates; with ``max_per_negative``,
    among the cuts that keep at most that many candidates per negative article (``negative``: per candidate,
    whether its article reports no event; ``n_negative`` such articles)."""
    order = sorted(range(len(conf)), key=lambda i: -conf[i])
    best = (0.0, 0.5, {"precision": 0.0, "recall": 0.0, "f1": 0.0})
    tp = in_negative = 0
    for kept, i in enumerate(order, 1):
        tp += correct[i]
        in_negative += bool(negative and negative[i])
        if max_per_negative is not None and in_negative > max_per_negative * n_negative:
            break
        p, r = tp / kept, tp / max(n_gold, 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[0]:
            nxt = conf[order[kept]] if kept < len(order) else 0.0
            best = (f1, (conf[i] + nxt) / 2, {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)})
    return round(best[1], 4), best[2]


def keep_cut(conf: Sequence[float], oof: OutOfFold) -> tuple[float, dict[str, float]]:
    """``best_threshold`` over the out-of-fold candidates (``conf``: their confidences) among the cuts that keep
    at most ``MAX_CANDIDATES_PER_NEGATIVE`` candidates per article that reports no event."""
    negative = [h.article.n_gold == 0 for h in oof.held for _ in h.candidates]
    return best_threshold(conf, oof.correct, oof.n_gold, negative=negative,
                          n_negative=sum(h.article.n_gold == 0 for h in oof.held),
                          max_per_negative=MAX_CANDIDATES_PER_NEGATIVE)


def kept_rows(h: HeldOut, confidence: Callable[[float], float], keep: float) -> list[dict[str, Any]]:
    """The held-out article's candidates the decision keeps (one per sentence, type and place), as the layer
    does before the place split."""
    kept: dict[tuple[int, str, str | None], dict[str, Any]] = {}
    for c, (raw, action) in zip(h.article.candidates, h.candidates, strict=True):
        conf = confidence(raw)
        if conf < keep:
            continue
        r = c.row
        key = (h.article.view.sentence_index(r["char_start"], r["char_end"]), action, r["location_text"])
        if key not in kept or kept[key]["confidence"] < conf:
            kept[key] = {"article_id": h.article.article_id, "action_type": action, "char_start": r["char_start"],
                         "char_end": r["char_end"], "confidence": conf, "source": "rules"}
    return list(kept.values())


def with_detections(h: HeldOut, kept: list[dict[str, Any]], threshold: float, *,
                    per_type: dict[str, float] | None = None, alone: float | None = None) -> list[dict[str, Any]]:
    rows = list(kept)
    for i, action, prob in detections(h.detector, h.article.view, kept, threshold, per_type=per_type, alone=alone,
                                      unasserted=h.article.unasserted):
        sv = h.article.view.sentences[i]
        rows.append({"article_id": h.article.article_id, "action_type": action, "char_start": sv.start,
                     "char_end": sv.end, "confidence": prob, "source": "detector"})
    return rows


def event_scores(held: Sequence[HeldOut], predicted: Sequence[list[dict[str, Any]]]) -> dict[str, Any]:
    """Strict event P/R/F1 (the scorer's matching), per action type too, and events per negative article."""
    pred = [r for rows in predicted for r in rows]
    gold = [g for h in held for g in h.article.gold]
    pairs = []  # matched per article (the scorer's rule; articles never match each other)
    n_pred = n_gold = 0
    for h, rows in zip(held, predicted, strict=True):
        texts = {h.article.article_id: h.article.view.text}
        pairs += [(n_gold + gi, n_pred + pi) for gi, pi in match_events(rows, h.article.gold, texts)]
        n_pred += len(rows)
        n_gold += len(h.article.gold)
    negative = [rows for h, rows in zip(held, predicted, strict=True) if not h.article.gold]
    types = sorted({g["action_type"] for g in gold} | {p["action_type"] for p in pred})
    per_type = {t: dict(prf(sum(p["action_type"] == t for p in pred), sum(g["action_type"] == t for g in gold),
                            sum(gold[gi]["action_type"] == t for gi, _pi in pairs)),
                        gold=sum(g["action_type"] == t for g in gold)) for t in types}
    matched = {pi for _gi, pi in pairs}
    return {**prf(len(pred), len(gold), len(pairs)), "per_type": per_type,
            "events_per_negative_article": round(sum(map(len, negative)) / max(len(negative), 1), 3),
            "detected": sum(p["source"] == "detector" for p in pred),
            "detected_correct": sum(p["source"] == "detector" for i, p in enumerate(pred) if i in matched),
            "correct": [i in matched for i in range(len(pred))], "pred": pred}


def choose_detector(held: Sequence[HeldOut], kept: Sequence[list[dict[str, Any]]]
                    ) -> tuple[float, tuple[float, float], dict[str, Any]]:
    """The detector threshold that maximises out-of-fold event F1 of the whole decision (the highest among
    equals), the Platt calibration of its proposals, and the scores at that threshold."""
    best: tuple[float, float, dict[str, Any]] | None = None
    for threshold in DETECT_GRID:
        s = event_scores(held, [with_detections(h, k, threshold) for h, k in zip(held, kept, strict=True)])
        if best is None or s["f1"] >= best[0]:
            best = (s["f1"], threshold, s)
    assert best is not None
    low = event_scores(held, [with_detections(h, k, DETECT_FLOOR) for h, k in zip(held, kept, strict=True)])
    proposals = [(p["confidence"], ok) for p, ok in zip(low["pred"], low["correct"], strict=True)
                 if p["source"] == "detector"]
    calibration = fit_platt([logit(p) for p, _ in proposals], [int(ok) for _, ok in proposals]) \
        if proposals else (1.0, 0.0)
    return best[1], (round(calibration[0], 4), round(calibration[1], 4)), best[2]


# Counts of one fold and action type: (rows matched, rows, rows in negative articles).
Counts = dict[tuple[int, str], tuple[int, int, int]]


def type_counts(held: Sequence[HeldOut], predicted: Sequence[list[dict[str, Any]]]) -> Counts:
    """Per (fold, action_type): matched rows, rows and rows in negative articles (the scorer matches rows of
    one type only with gold of that type, so each type's counts depend on its rows alone)."""
    out: dict[tuple[int, str], list[int]] = {}
    for h, rows in zip(held, predicted, strict=True):
        ok = correct_flags(rows, h.article.gold, {h.article.article_id: h.article.view.text})
        for r, matched in zip(rows, ok, strict=True):
            c = out.setdefault((h.article.fold, r["action_type"]), [0, 0, 0])
            c[0] += matched
            c[1] += 1
            c[2] += not h.article.gold
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


@dataclass(frozen=True)
class Totals:
    matched: int
    rows: int
    negative_rows: int

    def f1(self, n_gold: int) -> float:
        return 2 * self.matched / (self.rows + n_gold) if self.rows + n_gold else 0.0


def _totals(tables: dict[float, Counts], cuts: dict[str, float], folds: Sequence[int], types: Sequence[str],
            ) -> Totals:
    m = n = neg = 0
    for t in types:
        for k in folds:
            a, b, c = tables[cuts[t]].get((k, t), (0, 0, 0))
            m, n, neg = m + a, n + b, neg + c
    return Totals(m, n, neg)


def per_type_cuts(tables: dict[float, Counts], start: float, folds: Sequence[int], types: Sequence[str],
                  n_gold: int, max_negative_rows: float) -> dict[str, float]:
    """Per action type, the detect threshold that raises the F1 of ``folds`` (coordinate ascent from ``start``
    for every type, two passes; a type's cut moves only when F1 rises by at least ``PER_TYPE_MIN_GAIN``
    matched rows' worth and the rows in negative articles stay within ``max_negative_rows``)."""
    cuts = dict.fromkeys(types, start)
    for _pass in range(2):
        for t in types:
            best = _totals(tables, cuts, folds, types)
            best_f1, best_cut = best.f1(n_gold), cuts[t]
            margin = PER_TYPE_MIN_GAIN * 2 / max(best.rows + n_gold, 1)
            for cut in tables:
                s = _totals(tables, {**cuts, t: cut}, folds, types)
                if s.negative_rows <= max_negative_rows and s.f1(n_gold) > best_f1 + margin:
                    best_f1, best_cut = s.f1(n_gold), cut
            cuts[t] = best_cut
    return cuts


def choose_per_type(held: Sequence[HeldOut], kept: Sequence[list[dict[str, Any]]], threshold: float
                    ) -> tuple[dict[str, float], dict[str, Any]]:
    """Per-type detect thresholds (those differing from the global ``threshold``) chosen on every held-out
    article, and their figures cross-fitted: each fold's rows cut by the thresholds chosen on the other folds,
    against the global threshold measured the same way."""
    tables = {cut: type_counts(held, [with_detections(h, k, cut) for h, k in zip(held, kept, strict=True)])
              for cut in DETECT_GRID}
    types = sorted({t for c in tables.values() for _k, t in c})
    gold_by_fold = {k: sum(len(h.article.gold) for h in held if h.article.fold == k) for k in range(FOLDS)}
    n_neg = {k: sum(not h.article.gold for h in held if h.article.fold == k) for k in range(FOLDS)}
    glob = dict.fromkeys(types, threshold)

    def limit(folds: Sequence[int]) -> float:  # rows in negative articles: no more than the global cut leaves
        return _totals(tables, glob, folds, types).negative_rows

    crossed = Totals(0, 0, 0)
    for k in range(FOLDS):
        others = [j for j in range(FOLDS) if j != k]
        cuts = per_type_cuts(tables, threshold, others, types, sum(gold_by_fold[j] for j in others),
                             limit(others))
        s = _totals(tables, cuts, [k], types)
        crossed = Totals(crossed.matched + s.matched, crossed.rows + s.rows, crossed.negative_rows + s.negative_rows)
    every = list(range(FOLDS))
    n_gold = sum(gold_by_fold.values())
    cuts = per_type_cuts(tables, threshold, every, types, n_gold, limit(every))
    g = _totals(tables, glob, every, types)
    report = {"global_f1": round(g.f1(n_gold), 4), "cross_fitted_f1": round(crossed.f1(n_gold), 4),
              "global_per_negative": round(g.negative_rows / max(sum(n_neg.values()), 1), 3),
              "cross_fitted_per_negative": round(crossed.negative_rows / max(sum(n_neg.values()), 1), 3),
              "cuts": {t: c for t, c in cuts.items() if c != threshold}}
    return {t: c for t, c in cuts.items() if c != threshold}, report


def choose_alone(held: Sequence[HeldOut], kept: Sequence[list[dict[str, Any]]], threshold: float,
                 per_type: dict[str, float]) -> tuple[float | None, dict[str, Any]]:
    """The detect threshold in articles with no kept event (None: off) that maximises out-of-fold F1 while the
    rows in negative articles stay within ``MAX_EVENTS_PER_NEGATIVE`` per negative article."""
    n_neg = sum(not h.article.gold for h in held)
    n_gold = sum(len(h.article.gold) for h in held)
    rows = [with_detections(h, k, threshold, per_type=per_type) for h, k in zip(held, kept, strict=True)]
    base = event_scores(held, rows)
    best: tuple[float, float | None, dict[str, Any]] = (base["f1"], None, {
        "f1": base["f1"], "rows_added": 0, "matched_added": 0,
        "events_per_negative_article": base["events_per_negative_article"]})
    empty = [i for i, k in enumerate(kept) if not k]
    for cut in ALONE_GRID:
        extra = [with_detections(held[i], [], threshold, alone=cut) for i in empty]
        s = type_counts([held[i] for i in empty], extra)
        m, n, neg = (sum(v[j] for v in s.values()) for j in range(3))
        total_neg = sum(len(r) for h, r in zip(held, rows, strict=True) if not h.article.gold) + neg
        f1 = Totals(sum(base["correct"]) + m, len(base["pred"]) + n, total_neg).f1(n_gold)
        if total_neg <= MAX_EVENTS_PER_NEGATIVE * n_neg and f1 > best[0]:
            best = (f1, cut, {"f1": round(f1, 4), "rows_added": n, "matched_added": m,
                              "events_per_negative_article": round(total_neg / max(n_neg, 1), 3)})
    return best[1], {"before_f1": base["f1"], "after": best[2], "threshold": best[1]}


def final_out_of_fold(oof: OutOfFold, articles: dict[str, dict[str, Any]], decide: Decide,
                      template: DecisionModel, stacks: Sequence[Stack] | None = None) -> list[dict[str, Any]]:
    """The engine's final rows for every held-out article, decided by the models fitted without its fold
    (``stacks``: the stacking model of each fold) and ``template``'s calibration and thresholds (chosen out of
    fold)."""
    rows: list[dict[str, Any]] = []
    t0 = time.monotonic()
    for k, (sentence, event, types, detector) in enumerate(oof.fold_models):
        model = replace(template, version=f"oof-fold{k}", sentence=sentence, event=event, types=types,
                        detector=detector, stack=stacks[k] if stacks is not None else None)
        for h in oof.held:
            if h.article.fold == k:
                aid = h.article.article_id
                rows += [dict(r, article_id=aid) for r in decide(model, articles[aid])]
    logger.info("train: final out-of-fold rows of %d articles in %.0f s", len(oof.held), time.monotonic() - t0)
    return rows


def anchored(oof: OutOfFold, rows: Sequence[dict[str, Any]]
             ) -> tuple[AnchorModels | None, list[dict[str, Any]], dict[str, Any]]:
    """The evidence step (``evidence.train_anchor``) fitted on the final out-of-fold rows: its models, the
    rows it leaves (cross-fitted; non-asserted rows unchanged) and its figures."""
    held = [HeldArticle(h.article.article_id, h.article.view, h.detector, h.article.gold, h.article.fold)
            for h in oof.held]
    asserted: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("modality", "asserted") == "asserted":
            asserted.setdefault(r["article_id"], []).append(r)
    models, decided, report = train_anchor(held, asserted, FOLDS)
    others = [r for r in rows if r.get("modality", "asserted") != "asserted"]
    logger.info("train: evidence step: F1 %.4f -> %.4f (merge threshold %s)", report["before"]["f1"],
                report["after"]["f1"], report["merge_threshold"])
    return models, [r for h in held for r in decided.get(h.article_id, [])] + others, report


def _added_row(h: HeldOut, pick: tuple[float, int] | None) -> dict[str, Any] | None:
    """The row the article step makes of candidate ``pick`` ((confidence, index)) of a held-out article, typed
    and dated as the layer makes it (the roles are not re-read here: no field the figures score)."""
    if pick is None:
        return None
    conf, i = pick
    c, aid = h.article.candidates[i], h.article.article_id
    row = dict(retype(c.row, h.candidates[i][1], aid), article_id=aid, confidence=round(conf, 4))
    return date_rereads([row], [x.row for x in h.article.candidates if not x.reread])[0]


def layer_candidates(h: HeldOut, gate: Callable[[list[str]], float], reread_threshold: float) -> list[int]:
    """Which of a held-out article's candidates the layer scores: those of the article pass and those re-read
    from a sentence the gate (``gate``: P(yes) of a sentence's features) lets through."""
    a = h.article
    return [i for i, c in enumerate(a.candidates) if not c.reread or gate(
        a.sentence_feats[a.view.sentence_index(c.row["char_start"], c.row["char_end"])]) >= reread_threshold]


def article_chosen(oof: OutOfFold, rows: Sequence[dict[str, Any]], confidence: Callable[[float], float],
                   reread_threshold: float) -> tuple[ArticleStep | None, list[dict[str, Any]], dict[str, Any]]:
    """The article step (``article``) fitted on the out-of-fold inputs and its thresholds chosen on the final
    out-of-fold ``rows``: each fold's articles scored by the model fitted on the other folds; the thresholds
    that maximise F1 while the rows in articles reporting no event do not rise (off when none raises F1).
    Returns the model fitted on every article (None: off), the rows it leaves and its figures."""
    feats, labels, cands = {}, {}, {}
    for h in oof.held:
        aid = h.article.article_id
        sentence = oof.fold_models[h.article.fold][0]
        scored = layer_candidates(h, lambda f, m=sentence: m.proba(f)["yes"], reread_threshold)
        cands[aid] = [(confidence(h.candidates[i][0]), i) for i in scored]
        feats[aid] = article_features([(c, h.candidates[i][1]) for c, i in cands[aid]], h.detector, h.article.view)
        labels[aid] = "yes" if h.article.gold else "no"
    p: dict[str, float] = {}
    for k in range(FOLDS):
        ids = [h.article.article_id for h in oof.held if h.article.fold != k]
        model = fit_article([feats[a] for a in ids], [labels[a] for a in ids])
        for h in oof.held:
            if h.article.fold == k:
                p[h.article.article_id] = model.proba(feats[h.article.article_id])["yes"] if model else 1.0
    asserted: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("modality", "asserted") == "asserted":
            asserted.setdefault(r["article_id"], []).append(r)
    others = [r for r in rows if r.get("modality", "asserted") != "asserted"]
    # per article: (rows, matched) as they are, and per floor the added row and whether it matches
    held = {h.article.article_id: h for h in oof.held}
    texts = {a: h.article.view.text for a, h in held.items()}
    now = {a: (len(asserted.get(a, [])), len(match_events(asserted.get(a, []), h.article.gold, texts)))
           for a, h in held.items()}
    added: dict[tuple[str, float], tuple[dict[str, Any], bool] | None] = {}
    for a, h in held.items():
        if asserted.get(a):
            continue
        for floor in FLOOR_GRID:
            row = _added_row(h, best_candidate(cands[a], floor))
            added[a, floor] = None if row is None else (row, bool(match_events([row], h.article.gold, texts)))
    n_gold = sum(len(h.article.gold) for h in held.values())
    n_neg = sum(not h.article.gold for h in held.values())

    def totals(add: float | None, floor: float, drop: float) -> tuple[float, int, int, int]:
        tp = n = neg = 0
        for a, h in held.items():
            if p[a] < drop:
                continue
            k, m = now[a]
            got = added.get((a, floor)) if add is not None and k == 0 and p[a] >= add else None
            k, m = (k + 1, m + got[1]) if got is not None else (k, m)
            tp, n, neg = tp + m, n + k, neg + (k if not h.article.gold else 0)
        return (2 * tp / (n + n_gold) if n + n_gold else 0.0), tp, n, neg

    before = totals(None, 0.0, 0.0)
    best = (before, None, 0.0, 0.0)
    for add in ADD_GRID:
        for floor in FLOOR_GRID if add is not None else (0.0,):
            for drop in DROP_GRID:
                t = totals(add, floor, drop)
                if t[3] <= before[3] and t[0] > best[0][0]:
                    best = (t, add, floor, drop)
    after, add, floor, drop = best

    def figures(t: tuple[float, int, int, int]) -> dict[str, Any]:
        return {**prf(t[2], n_gold, t[1]), "gold": n_gold, "rows": t[2], "matched": t[1],
                "events_per_negative_article": round(t[3] / max(n_neg, 1), 3)}

    report = {"before": figures(before), "after": figures(after), "add_threshold": add, "floor": floor,
              "drop_threshold": drop}
    full = fit_article(list(feats.values()), list(labels.values()))
    if full is None or (add is None and drop == 0.0):
        return None, list(rows), report
    out: list[dict[str, Any]] = []
    for a in held:
        if p[a] < drop:
            continue
        out += asserted.get(a, [])
        got = added.get((a, floor)) if add is not None and not asserted.get(a) and p[a] >= add else None
        if got is not None:
            out.append(got[0])
    logger.info("train: article step: F1 %.4f -> %.4f (add from %s, floor %s, drop below %s)",
                report["before"]["f1"], report["after"]["f1"], add, floor, drop)
    return ArticleStep(full, add, floor, drop), out + others, report


def final_summary(oof: OutOfFold, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``outcomes.summary`` of the final out-of-fold rows against the held-out articles' gold."""
    texts = {h.article.article_id: h.article.view.text for h in oof.held}
    gold = [g for h in oof.held for g in h.article.gold]
    spans = {h.article.article_id: [(c.row["char_start"], c.row["char_end"]) for c in h.article.candidates]
             for h in oof.held}
    return summary(rows, gold, texts, spans)


def final_calibration(oof: OutOfFold, rows: Sequence[dict[str, Any]]
                      ) -> tuple[tuple[tuple[float, float], ...], float]:
    """The isotonic map of every asserted final row's confidence to P(correct), and the ECE it leaves out of
    fold (each fold's rows mapped by the map fitted on the other folds)."""
    texts = {h.article.article_id: h.article.view.text for h in oof.held}
    gold = [g for h in oof.held for g in h.article.gold]
    asserted = [r for r in rows if r.get("modality", "asserted") == "asserted"]
    ok = correct_flags(asserted, gold, texts)
    knots = fit_isotonic([r["confidence"] for r in asserted], [int(x) for x in ok], min_bin=FINAL_CALIBRATION_BIN)
    _table, ece = reliability(cross_fitted(asserted, ok, fold_of, FOLDS, min_bin=FINAL_CALIBRATION_BIN), gold,
                              texts)
    return knots, ece


def _summary(s: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in s.items() if k not in ("correct", "pred")}


def gate_threshold(gate_probs: Sequence[float]) -> float:
    if not gate_probs:
        return 0.5
    ranked = sorted(gate_probs, reverse=True)
    return round(ranked[min(int(len(ranked) * GATE_RECALL), len(ranked) - 1)], 4)


def data_digest(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def train(sets: Sequence[tuple[str, Path, Path]], rule_rows: Callable[[dict[str, Any]], list[dict[str, Any]]],
          reread: Reread, lexicons: Lexicons, *, calibrate_on: Sequence[str], code_digest: str,
          rules_digest: str, decide: Decide | None = None) -> DecisionModel:
    """Fit the decision model on gold ``sets`` ((name, articles.jsonl, gold_events.jsonl), ...); the
    calibration and thresholds come from out-of-fold predictions on the sets named in ``calibrate_on``.
    With ``decide``, the complete engine's out-of-fold output is scored too (the model card's "final" block)."""
    data: list[ArticleExamples] = []
    scored: list[bool] = []
    articles, gold = [], []
    trained_on: dict[str, int] = {}
    for name, a_path, g_path in sets:
        part_articles, part_gold = read_gold(a_path), read_gold(g_path)
        trained_on[name] = len({x["id"] for x in part_articles})
        part = collect(part_articles, part_gold, rule_rows, reread, lexicons)
        data += part
        scored += [name in calibrate_on] * len(part)
        articles += part_articles
        gold += part_gold
    oof = out_of_fold(data, scored)
    a, b = fit_platt([logit(r) for r in oof.raw], oof.correct)
    stacks: list[Stack] | None = None
    stack: Stack | None = None
    stack_report: dict[str, Any] = {}
    if STACKING:
        stack_report["platt"] = keep_cut([sigmoid(a * logit(r) + b) for r in oof.raw], oof)[1]
        stacks, stack, held = cross_fit_stack(oof.held, TOP_TYPES)
        oof = replace(oof, held=held, raw=[c for h in held for c, _t in h.candidates],
                      correct=[int(lab == t) for h in held for (_c, t), lab in zip(h.candidates, h.article.labels,
                                                                                  strict=True)])
        logger.info("train: stacking model %s", stack)

    def calibrate(r: float) -> float:
        return r if stack is not None else sigmoid(a * logit(r) + b)

    conf = [calibrate(r) for r in oof.raw]
    keep, oof_scores = keep_cut(conf, oof)
    if stack is not None:
        stack_report["stacked"] = oof_scores
        logger.info("train: out-of-fold candidates %s -> %s with the stacking model", stack_report["platt"],
                    oof_scores)
    kept = [kept_rows(h, calibrate, keep) for h in oof.held]
    before = event_scores(oof.held, kept)
    detect_threshold, detect_calibration, after = choose_detector(oof.held, kept)
    logger.info("train: out of fold F1 %.4f -> %.4f with the detector (threshold %.3f)", before["f1"],
                after["f1"], detect_threshold)
    detect_report: dict[str, Any] = {}
    per_type, detect_report["per_type"] = choose_per_type(oof.held, kept, detect_threshold)
    logger.info("train: per-type detect thresholds %s", detect_report["per_type"])
    alone, detect_report["alone"] = choose_alone(oof.held, kept, detect_threshold, per_type)
    logger.info("train: detector in articles with no kept event %s", detect_report["alone"])
    detect_thresholds = tuple(sorted(per_type.items()))
    gate = gate_threshold(oof.gate)
    final: dict[str, Any] = {}
    knots: tuple[tuple[float, float], ...] = ()
    anchor: AnchorModels | None = None
    article: ArticleStep | None = None
    if decide is not None:
        template = DecisionModel(version="oof", sentence=oof.fold_models[0][0], event=oof.fold_models[0][1],
                                 types=oof.fold_models[0][2], calibration=(a, b), keep_threshold=keep,
                                 reread_threshold=gate, detector=oof.fold_models[0][3],
                                 detect_threshold=detect_threshold, detect_calibration=detect_calibration,
                                 detect_thresholds=detect_thresholds, detect_alone_threshold=alone)
        final_rows = final_out_of_fold(oof, {x["id"]: x for x in articles}, decide, template, stacks)
        anchor, final_rows, anchor_report = anchored(oof, final_rows)
        article, final_rows, article_report = article_chosen(oof, final_rows, calibrate, gate)
        final = final_summary(oof, final_rows)
        final["evidence_step"] = anchor_report
        final["article_step"] = article_report
        knots, final["ece_final_calibration"] = final_calibration(oof, final_rows)
        if final["ece_final_calibration"] >= final["ece"]:
            knots = ()  # the map would not calibrate unseen articles better than the rows already are
        logger.info("train: final out of fold F1 %.4f (P %.4f R %.4f), date %.3f, admin1 %.3f, ECE %.3f "
                    "(%.3f after the final calibration), %.3f events per negative article", final["f1"],
                    final["precision"], final["recall"], final["date_accuracy"] or 0, final["admin1_accuracy"] or 0,
                    final["ece"], final["ece_final_calibration"], final["events_per_negative_article"])
    sentence, event, types = _fit_models(data)
    detector = _fit_detector(data)
    digest = data_digest([p for _n, ap, gp in sets for p in (ap, gp)])
    version = f"dl{MODEL_MAJOR}-{hashlib.sha256((digest + code_digest + rules_digest).encode()).hexdigest()[:10]}"
    card = {
        "version": version,
        "trained_on": trained_on,
        "articles": len(articles), "gold_events": len(gold),
        "candidates": sum(len(x.candidates) for x in data),
        "candidates_matched": sum(lab is not None for x in data for lab in x.labels),
        "sentences": sum(len(x.sentence_labels) for x in data),
        "features": {"sentence": len(sentence.vocab), "event": len(event.vocab), "types": len(types.vocab),
                     "detector": len(detector.vocab)},
        "l2": L2, "folds": FOLDS, "calibrated_on": list(calibrate_on), "out_of_fold": oof_scores,
        "out_of_fold_events": {"without_detector": _summary(before), "with_detector": _summary(after)},
        "out_of_fold_final": final, "detect_choices": detect_report, "stack": stack_report,
        "data_sha256": digest, "code_sha256": code_digest, "rules_sha256": rules_digest,
    }
    return DecisionModel(version=version, sentence=sentence, event=event, types=types, calibration=(a, b),
                         keep_threshold=keep, reread_threshold=gate, detector=detector,
                         detect_threshold=detect_threshold, detect_calibration=detect_calibration, card=card,
                         final_calibration=knots, anchor=anchor, detect_thresholds=detect_thresholds,
                         detect_alone_threshold=alone, article=article, stack=stack)
