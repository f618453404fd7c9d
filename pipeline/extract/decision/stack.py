"""Stacking: a candidate's keep decision and type from its own models and the sentence detector together.

The event and type models score a candidate from its own features, and the sentence detector scores its
sentence, but without this step neither informs the other: a candidate in a sentence the detector reads as an
event of its type was decided as if that were unknown. A small logistic model (``Stack``) over a few dense
features of a candidate and one of its candidate types (``stack_features``) gives P(the candidate is a correct
event of that type); the candidate takes the most likely of the types model's ``top_types`` best types, and that
probability is its confidence (it replaces the Platt calibration of P(event) * P(type)).

``conflict-events train`` fits it on the out-of-fold probabilities of the event, type and detector models (each
article scored by the models fitted without its fold) and cross-fits it: each fold's candidates are decided by a
``Stack`` fitted on the other folds' candidates, so no fold's decision sees its own labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from pipeline.extract.decision.features import ArticleView
from pipeline.extract.decision.linear import logit

# The dense features, in ``stack_features``' order (the model card and tests name them).
FEATURES = ("p_event", "p_type", "detector_type", "detector_none", "detector_max", "detector_argmax",
            "rules_type", "reread", "lead", "position", "no_sentence")
TOP_TYPES = 2  # a candidate may take one of the types model's two best types
L2_STACK = 1.0


@dataclass(frozen=True)
class Stack:
    """Logistic weights over ``FEATURES`` and a bias; ``top_types``: how many of the types model's best types a
    candidate may take."""

    weights: tuple[float, ...]
    bias: float
    top_types: int = TOP_TYPES

    def p_correct(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def decide(self, p_event: float, types: dict[str, float], detector: dict[str, float] | None, *,
               rules_type: str, reread: bool, sentence: int, sentences: int) -> tuple[float, str]:
        """(P(correct), action_type) of a candidate: the most likely of its ``top_types`` best types (the first
        of equals in the types model's order)."""
        best: tuple[float, str] | None = None
        for action, features in typed_features(p_event, types, detector, self.top_types, rules_type=rules_type,
                                               reread=reread, sentence=sentence, sentences=sentences):
            p = self.p_correct(features)
            if best is None or p > best[0]:
                best = (p, action)
        assert best is not None
        return best


def stack_inputs(article: ArticleView, row: dict[str, Any], *, reread: bool, p_event: float,
                 types: dict[str, float], detector: Sequence[dict[str, float]]) -> dict[str, Any]:
    """``Stack.decide``'s inputs of candidate ``row`` of ``article`` (``p_event``, ``types``: its event and type
    models' probabilities; ``detector``: the detector's probabilities of each sentence of the article)."""
    idx = article.sentence_index(row["char_start"], row["char_end"])
    return {"p_event": p_event, "types": types, "detector": detector[idx] if idx >= 0 else None,
            "rules_type": row["action_type"], "reread": reread, "sentence": idx,
            "sentences": len(article.sentences)}


def best_types(types: dict[str, float], k: int) -> list[str]:
    """The ``k`` most probable action types (ties by name)."""
    return sorted(types, key=lambda t: (-types[t], t))[:k]


def typed_features(p_event: float, types: dict[str, float], detector: dict[str, float] | None, top_types: int,
                   *, rules_type: str, reread: bool, sentence: int, sentences: int
                   ) -> list[tuple[str, list[float]]]:
    """(type, ``FEATURES``) of a candidate taking each of its ``top_types`` best types, in the types model's
    order: what ``Stack.decide`` scores and ``conflict-events train`` fits on."""
    return [(action, stack_features(p_event, types[action], action, detector, rules_type=rules_type,
                                    reread=reread, sentence=sentence, sentences=sentences))
            for action in best_types(types, top_types)]


def stack_features(p_event: float, p_type: float, action: str, detector: dict[str, float] | None, *,
                   rules_type: str, reread: bool, sentence: int, sentences: int) -> list[float]:
    """``FEATURES`` of a candidate taking type ``action`` (``detector``: the detector's probabilities for the
    candidate's sentence, None when its span lies in no sentence; ``sentence``: its index of ``sentences``)."""
    if detector is None:
        det = [0.0, 0.0, 0.0, 0.0]
    else:
        events = {t: p for t, p in detector.items() if t != "none"}
        top = max(events, key=lambda t: (events[t], t)) if events else None
        det = [logit(detector.get(action, 0.0)), logit(detector.get("none", 1.0)),
               logit(max(events.values(), default=0.0)), float(top == action)]
    return [logit(p_event), logit(p_type), *det, float(rules_type == action), float(reread),
            float(sentence == 0), sentence / max(sentences - 1, 1) if sentence >= 0 else 0.0,
            float(detector is None)]


def fit_stack(x: Sequence[Sequence[float]], y: Sequence[int], *, l2: float = L2_STACK,
              top_types: int = TOP_TYPES) -> Stack:
    """Logistic regression (L2 ``l2`` on the weights, not the bias) by deterministic L-BFGS."""
    a = np.asarray(x, dtype=np.float64).reshape(len(x), len(FEATURES))
    t = np.asarray(y, dtype=np.float64)

    def loss_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = a @ w + b
        loss = float(np.logaddexp(0.0, z).sum() - (t * z).sum()) + 0.5 * l2 * float(w @ w)
        g = 1.0 / (1.0 + np.exp(-z)) - t
        return loss, np.concatenate([a.T @ g + l2 * w, [g.sum()]])

    res = optimize.minimize(loss_grad, np.zeros(a.shape[1] + 1), jac=True, method="L-BFGS-B",
                            options={"maxiter": 1000, "gtol": 1e-8})
    return Stack(tuple(round(float(v), 5) for v in res.x[:-1]), round(float(res.x[-1]), 5), top_types)
