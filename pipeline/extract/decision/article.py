"""Whether an article reports an event at all: the ``article`` step of the decision layer.

Out of fold (round 10, 1,902 articles), 267 of the 1,384 articles that report an event got no row at all (363
gold events), while the keep threshold already spends the rows allowed in articles that report none: no
candidate-level cut tells those articles apart (their best candidate's confidence: AUC 0.75). Read as a whole
(its headline and lead words with its candidates and the detector), an article tells it better (AUC 0.93 out of
fold on the same articles). A softmax model gives P(the article reports an event) from:

- the calibrated confidence of its two best candidates, how many candidates it has, the types the decision
  chose for those from 0.1 up;
- the sentence detector's two highest event probabilities, the number of sentences;
- the light-stemmed words of its headline and of its first sentence.

After the evidence step: in an article where no row was kept and P reaches ``add_threshold``, the most confident
candidate (from ``floor`` up) becomes a row, typed and dated as the kept ones are; in an article where P is below
``drop_threshold``, every asserted row is dropped. ``conflict-events train`` fits it on the out-of-fold inputs
(each article's candidates and detector scored by the models fitted without its fold) and chooses the
thresholds on the complete engine's out-of-fold rows, with each fold's articles scored by a model fitted on the
other folds; rows in articles that report no event may not rise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.extract.decision.features import ArticleView
from pipeline.extract.decision.linear import LinearModel, fit

L2_ARTICLE = 4.0
CHOSEN_FROM = 0.1  # candidates from this confidence up lend the article their chosen type
# thresholds tried (None / 0: that half of the step off)
ADD_GRID = (None, 0.8, 0.85, 0.9, 0.95, 0.97)
FLOOR_GRID = (0.0, 0.1, 0.2)
DROP_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


@dataclass(frozen=True)
class ArticleStep:
    """The article model and its thresholds (``add_threshold`` None: no row is added)."""

    model: LinearModel
    add_threshold: float | None
    floor: float
    drop_threshold: float

    def p_event(self, feats: list[str]) -> float:
        return self.model.proba(feats)["yes"]


def _bucket(p: float, step: float = 0.1) -> int:
    return min(int(p / step), int(1 / step) - 1)


def article_features(candidates: Sequence[tuple[float, str]], detector: Sequence[dict[str, float]],
                     article: ArticleView) -> list[str]:
    """Features of a whole article: ``candidates`` (calibrated confidence, chosen action_type) of every
    candidate the decision scored, ``detector`` its per-sentence probabilities."""
    confs = sorted((c for c, _a in candidates), reverse=True)
    events = sorted((p for probs in detector for a, p in probs.items() if a != "none"), reverse=True)
    feats = [f"c1={_bucket(confs[0]) if confs else 'none'}", f"c2={_bucket(confs[1]) if len(confs) > 1 else 'none'}",
             f"nc={min(len(confs), 5)}", f"d1={_bucket(events[0]) if events else 'none'}",
             f"d2={_bucket(events[1]) if len(events) > 1 else 'none'}",
             f"ns={min(len(article.sentences), 12) // 3}"]
    feats += sorted({f"ct={a}" for c, a in candidates if c > CHOSEN_FROM})
    feats += [f"tw={w}" for w in sorted(article.title_words)]
    if article.sentences:
        feats += [f"lw={w}" for w in sorted(set(article.sentences[0].words))]
    return feats


def fit_article(x: Sequence[list[str]], y: Sequence[str]) -> LinearModel | None:
    """The article model (None without both labels)."""
    return fit(x, y, classes=("no", "yes"), l2=L2_ARTICLE) if len(set(y)) == 2 else None


def best_candidate(candidates: Sequence[tuple[float, Any]], floor: float) -> tuple[float, Any] | None:
    """The most confident of (confidence, candidate) pairs from ``floor`` up (the first of equals)."""
    best = None
    for conf, cand in candidates:
        if conf >= floor and (best is None or conf > best[0]):
            best = (conf, cand)
    return best


def decide_article(rows: list[dict[str, Any]], p_event: float, step: ArticleStep,
                   candidates: Sequence[tuple[float, Any]]) -> tuple[list[dict[str, Any]], tuple[float, Any] | None]:
    """(rows left, the candidate to add as a row or None) for an article with asserted ``rows`` and P(it
    reports an event) ``p_event``."""
    if p_event < step.drop_threshold:
        return [], None
    if rows or step.add_threshold is None or p_event < step.add_threshold:
        return rows, None
    return rows, best_candidate(candidates, step.floor)
