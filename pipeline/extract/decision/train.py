"""`conflict-events train`: rebuild the decision model from gold sets, deterministically.

Examples come from running the rules over the gold articles exactly as the nightly path does (the article
pass, then every sentence it coded nothing from read again alone). A candidate is labelled with the gold
event it matches (same article, overlapping evidence; one-to-one, same type first, then larger overlap) or as
no event. Five article-grouped folds give out-of-fold probabilities, on which the calibration, the keep
threshold and the sentence gate's threshold are chosen; the final models are then fitted on everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.extract.decision.features import ArticleView, sentence_features
from pipeline.extract.decision.layer import Reread, Scored, article_view, gather_candidates
from pipeline.extract.decision.linear import LinearModel, fit, fit_platt, logit, sigmoid
from pipeline.extract.decision.model import DecisionModel
from pipeline.extract.lexicon import Lexicons

logger = logging.getLogger(__name__)
MODEL_MAJOR = 1
FOLDS = 5
L2 = {"sentence": 2.0, "event": 6.0, "types": 3.0}  # out of fold: F1 flat from (2, 1) to (15, 5)
GATE_RECALL = 0.8  # share of useful uncovered sentences the gate must let through (out of fold)


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
        cands = gather_candidates(rule_rows(a), view, published=published, reread=reread,
                                  keep_sentence=lambda _i: True)
        labels = match_gold([c.row for c in cands], golds, text)
        spans = [_span(text, g["evidence"]) for g in golds]
        s_labels = [any(min(ge, sv.end) - max(gs, sv.start) > 0 for gs, ge in spans) for sv in view.sentences]
        useful = [False] * len(view.sentences)
        for c, lab in zip(cands, labels, strict=True):
            if c.reread and lab is not None:
                useful[view.sentence_index(c.row["char_start"], c.row["char_end"])] = True
        out.append(ArticleExamples(a["id"], fold_of(a["id"]), cands, labels, _sentence_examples(view), s_labels,
                                   useful, len(golds)))
        if n % 50 == 0 or n == len(articles):
            logger.info("train: read %d/%d articles (%.0f/s)", n, len(articles), n / (time.monotonic() - t0))
    return out


def _sentence_examples(view: ArticleView) -> list[list[str]]:
    n = len(view.sentences)
    return [sentence_features(sv, view.cues(i), i, n) for i, sv in enumerate(view.sentences)]


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
class OutOfFold:
    raw: list[float]  # P(event) * P(chosen type)
    correct: list[int]  # the chosen type equals the matched gold type
    gate: list[float]  # sentence-gate probability of useful re-read sentences
    n_gold: int


def out_of_fold(data: Sequence[ArticleExamples], scored: Sequence[bool]) -> OutOfFold:
    """Out-of-fold predictions for the articles flagged in ``scored`` (the others are always fitted on)."""
    oof = OutOfFold([], [], [], sum(a.n_gold for a, s in zip(data, scored, strict=True) if s))
    for k in range(FOLDS):
        fit_on = [a for a, s in zip(data, scored, strict=True) if not s or a.fold != k]
        held = [a for a, s in zip(data, scored, strict=True) if s and a.fold == k]
        sentence, event, types = _fit_models(fit_on)
        for a in held:
            for c, lab in zip(a.candidates, a.labels, strict=True):
                pt = types.proba(c.features)
                action = max(pt, key=pt.__getitem__)
                oof.raw.append(event.proba(c.features)["yes"] * pt[action])
                oof.correct.append(int(lab == action))
            oof.gate += [sentence.proba(f)["yes"] for f, useful in zip(a.sentence_feats, a.reread_useful,
                                                                        strict=True) if useful]
        logger.info("train: fold %d/%d done", k + 1, FOLDS)
    return oof


def best_threshold(conf: Sequence[float], correct: Sequence[int], n_gold: int) -> tuple[float, dict[str, float]]:
    """The confidence cut that maximises event F1 over the out-of-fold candidates."""
    order = sorted(range(len(conf)), key=lambda i: -conf[i])
    best = (0.0, 0.5, {"precision": 0.0, "recall": 0.0, "f1": 0.0})
    tp = 0
    for kept, i in enumerate(order, 1):
        tp += correct[i]
        p, r = tp / kept, tp / max(n_gold, 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[0]:
            nxt = conf[order[kept]] if kept < len(order) else 0.0
            best = (f1, (conf[i] + nxt) / 2, {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)})
    return round(best[1], 4), best[2]


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
          rules_digest: str) -> DecisionModel:
    """Fit the decision model on gold ``sets`` ((name, articles.jsonl, gold_events.jsonl), ...); the
    calibration and thresholds come from out-of-fold predictions on the sets named in ``calibrate_on``."""
    data: list[ArticleExamples] = []
    scored: list[bool] = []
    articles, gold = [], []
    for name, a_path, g_path in sets:
        part_articles, part_gold = _read_jsonl(a_path), _read_jsonl(g_path)
        part = collect(part_articles, part_gold, rule_rows, reread, lexicons)
        data += part
        scored += [name in calibrate_on] * len(part)
        articles += part_articles
        gold += part_gold
    oof = out_of_fold(data, scored)
    a, b = fit_platt([logit(r) for r in oof.raw], oof.correct)
    conf = [sigmoid(a * logit(r) + b) for r in oof.raw]
    keep, oof_scores = best_threshold(conf, oof.correct, oof.n_gold)
    sentence, event, types = _fit_models(data)
    digest = data_digest([p for _n, ap, gp in sets for p in (ap, gp)])
    version = f"dl{MODEL_MAJOR}-{hashlib.sha256((digest + code_digest + rules_digest).encode()).hexdigest()[:10]}"
    card = {
        "version": version,
        "trained_on": {n: len({x["id"] for x in _read_jsonl(ap)}) for n, ap, _gp in sets},
        "articles": len(articles), "gold_events": len(gold),
        "candidates": sum(len(x.candidates) for x in data),
        "candidates_matched": sum(lab is not None for x in data for lab in x.labels),
        "sentences": sum(len(x.sentence_labels) for x in data),
        "features": {"sentence": len(sentence.vocab), "event": len(event.vocab), "types": len(types.vocab)},
        "l2": L2, "folds": FOLDS, "calibrated_on": list(calibrate_on), "out_of_fold": oof_scores,
        "data_sha256": digest, "code_sha256": code_digest, "rules_sha256": rules_digest,
    }
    return DecisionModel(version=version, sentence=sentence, event=event, types=types, calibration=(a, b),
                         keep_threshold=keep, reread_threshold=gate_threshold(oof.gate), card=card)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
