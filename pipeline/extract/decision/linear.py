"""Multinomial logistic regression over sparse string features: fitting (deterministic L-BFGS) and scoring.

No third-party ML library: numpy and scipy only, so the nightly path stays light and training is reproducible
bit for bit (same data, same features -> same weights).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, sparse

try:  # the kernel of a CSR matrix times a dense one, without building the matrix object (~0.1 ms a call)
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - another scipy layout: the public (slower) product gives the same sums
    _csr_matvecs = None


@dataclass(frozen=True)
class LinearModel:
    """Softmax regression: ``classes`` (K), ``vocab`` (feature -> column), weights (D x K) and bias (K)."""

    classes: tuple[str, ...]
    vocab: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray

    def logits(self, features: Sequence[str]) -> np.ndarray:
        """Bias plus the weights of the distinct known features (a feature counts once, as in training)."""
        cols = self.columns(features)
        out = self.bias.astype(np.float64)  # a new array
        if cols:  # ``add.reduce``, ``take``: ``sum``, ``[cols]`` without their wrappers (one article's few calls)
            out += np.add.reduce(self.weights.take(cols, axis=0), axis=0)
        return out

    def columns(self, features: Sequence[str]) -> list[int]:
        """Sorted columns of the distinct known features."""
        known = set(map(self.vocab.get, features))
        known.discard(None)
        return sorted(known)

    def proba(self, features: Sequence[str]) -> dict[str, float]:
        z = self.logits(features)
        z = np.exp(z - np.maximum.reduce(z))
        p = z / np.add.reduce(z)
        return dict(zip(self.classes, p.tolist(), strict=True))

    def proba_many(self, examples: Sequence[Sequence[str]]) -> list[dict[str, float]]:
        """``proba`` of each example, in one sparse product: bit for bit the same numbers (float32 weights
        added in column order, then the float64 softmax row by row)."""
        if len(examples) < 2:
            return [self.proba(f) for f in examples]
        cols = [self.columns(f) for f in examples]
        indptr = np.zeros(len(cols) + 1, dtype=np.int64)
        np.cumsum([len(c) for c in cols], out=indptr[1:])
        indices = np.fromiter(itertools.chain.from_iterable(cols), dtype=np.int64, count=int(indptr[-1]))
        return self.proba_rows(indptr, indices)

    def proba_rows(self, indptr: np.ndarray, indices: np.ndarray) -> list[dict[str, float]]:
        """``proba`` of the examples whose sorted distinct columns are ``indices[indptr[i]:indptr[i + 1]]``
        (CSR layout, int64): the float32 weights of each example summed in column order from 0.0, as
        ``logits`` sums them, then the float64 bias and softmax."""
        z = self.bias.astype(np.float64) + sum_rows(self.weights, indptr, indices)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        p = z / z.sum(axis=1, keepdims=True)
        return [dict(zip(self.classes, row, strict=True)) for row in p.tolist()]


def sum_rows(weights: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Per example (CSR ``indptr``/``indices``), the sum of its rows of ``weights`` in ``weights``' dtype, added
    one after another in the order given (the product of a 0/1 CSR matrix with ``weights``)."""
    out = np.zeros((len(indptr) - 1, weights.shape[1]), dtype=weights.dtype)
    _sum_into(out, np.ascontiguousarray(weights), indptr, indices)
    return out


class SharedVocab:
    """The vocabularies of several models behind one dictionary: each feature string is looked up once for
    all of them (``ids``: feature -> id), and ``columns[m][id]`` is its column in model ``m`` (a feature model
    ``m`` does not know gets column D, a row of zeros appended to its weights: adding 0.0 to a sum that
    starts at 0.0 changes no bit of it)."""

    def __init__(self, models: Sequence[LinearModel]) -> None:
        ids: dict[str, int] = {}
        for m in models:
            for f in m.vocab:
                ids.setdefault(f, len(ids))
        self.ids = ids
        self.models = tuple(models)
        self.columns: tuple[np.ndarray, ...] = tuple(self._columns(m) for m in models)
        self._weights = tuple(np.ascontiguousarray(np.vstack([m.weights, np.zeros((1, m.weights.shape[1]),
                                                                                    dtype=m.weights.dtype)]))
                              for m in models)
        self._bias = tuple(m.bias.astype(np.float64) for m in models)
        self._joint: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, list[tuple[int, int]]] | None] = {}

    def _columns(self, m: LinearModel) -> np.ndarray:
        cols = np.full(len(self.ids), m.weights.shape[0], dtype=np.int64)
        for f, c in m.vocab.items():
            cols[self.ids[f]] = c
        return cols

    def lookup(self, features: Sequence[str]) -> np.ndarray:
        """Ids of the features some model knows (unknown ones left out)."""
        get = self.ids.get
        return np.array([i for i in map(get, features) if i is not None], dtype=np.int64)

    def proba(self, m: int, examples: np.ndarray, ids: np.ndarray, n: int) -> list[dict[str, float]]:
        """Model ``m``'s ``proba`` of ``n`` examples given as pairs (``examples[j]``, ``ids[j]``): the example
        and one of its feature ids (in any order, repeats allowed). The same numbers as ``proba_many``: per
        example the float32 weights of its distinct columns added in column order from 0.0 (the zero row of
        unknown features last), then the float64 bias and softmax."""
        return self._softmax(m, _sums(self.columns[m], self._weights[m], examples, ids, n))

    def proba_together(self, ms: Sequence[int], examples: np.ndarray, ids: np.ndarray, n: int
                       ) -> list[list[dict[str, float]]]:
        """``[proba(m, examples, ids, n) for m in ms]`` with one sparse product for the models ``ms`` that read
        the same examples: their weights side by side over the union of their features, each feature's row
        where their columns' order puts it (a model's rows for features it does not know are zeros, and adding
        0.0 to a sum that starts at 0.0 changes no bit of it). Models whose column orders cannot be merged so
        are scored one by one."""
        joint = self._joint_of(tuple(ms))
        if joint is None:
            return [self.proba(m, examples, ids, n) for m in ms]
        columns, weights, spans = joint
        z = _sums(columns, weights, examples, ids, n)
        return [self._softmax(m, z[:, a:b]) for m, (a, b) in zip(ms, spans, strict=True)]

    def _softmax(self, m: int, z: np.ndarray) -> list[dict[str, float]]:
        z = self._bias[m] + z
        z = np.exp(z - np.maximum.reduce(z, axis=1, keepdims=True))  # z.max / z.sum without their wrappers
        p = z / np.add.reduce(z, axis=1, keepdims=True)
        classes = self.models[m].classes
        return [dict(zip(classes, row, strict=True)) for row in p.tolist()]

    def _joint_of(self, ms: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]] | None:
        if ms not in self._joint:
            self._joint[ms] = joint_weights([self.models[m] for m in ms], self.ids)
        return self._joint[ms]


def joint_weights(models: Sequence[LinearModel], ids: dict[str, int]
                  ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]] | None:
    """(shared id -> joint row, joint weights (U + 1) x sum(K), each model's column span) of ``models`` side
    by side: the union of their features in an order that keeps every model's column order (row U: zeros, for
    the features none of them knows); None when no such order is found (the models' columns are not all in
    the order of their feature strings, as ``build_vocab`` makes them) or their weights differ in dtype."""
    if len({m.weights.dtype for m in models}) != 1:
        return None
    union = sorted({f for m in models for f in m.vocab})
    for m in models:
        cols = [m.vocab[f] for f in union if f in m.vocab]
        if cols != sorted(cols):
            return None
    row = {f: r for r, f in enumerate(union)}
    u = len(union)
    spans, at = [], 0
    for m in models:
        spans.append((at, at + m.weights.shape[1]))
        at += m.weights.shape[1]
    weights = np.zeros((u + 1, at), dtype=models[0].weights.dtype)
    for m, (a, b) in zip(models, spans, strict=True):
        rows = np.array([row[f] for f in m.vocab], dtype=np.int64)
        cols = np.array(list(m.vocab.values()), dtype=np.int64)
        weights[rows, a:b] = m.weights[cols]
    columns = np.full(len(ids), u, dtype=np.int64)
    for f, i in ids.items():
        columns[i] = row.get(f, u)
    return columns, weights, spans


def _sums(columns: np.ndarray, weights: np.ndarray, examples: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """Per example, its rows ``columns[ids]`` of ``weights`` (each distinct row once) summed in row order from
    0.0, in ``weights``' dtype (n x K)."""
    d, k = weights.shape
    keys = examples * d + columns[ids]
    keys.sort()  # by example, then row
    if len(keys) > 1:  # each (example, row) once
        keys = keys[np.concatenate((_TRUE, keys[1:] != keys[:-1]))]
    indptr = np.searchsorted(keys, np.arange(0, (n + 1) * d, d, dtype=np.int64))
    z = np.zeros((n, k), dtype=weights.dtype)
    if len(keys):
        _sum_into(z, weights, indptr, keys % d)
    return z


_TRUE = np.ones(1, dtype=bool)
_ONES = np.ones(4096, dtype=np.float32)  # the CSR values (all 1) of a batch of up to 4096 (example, column) pairs


def _sum_into(out: np.ndarray, weights: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> None:
    """``out`` (C-contiguous, n x K) += per example (CSR ``indptr``/``indices``) the sum of its rows of
    ``weights`` (C-contiguous, D x K), added one after another in the order given: scipy's kernel of the
    CSR times dense product, or, where a scipy release lacks it, the public product (the same sums)."""
    n, (d, k) = len(indptr) - 1, weights.shape
    if _csr_matvecs is None:
        x = sparse.csr_matrix((np.ones(len(indices), dtype=weights.dtype), indices, indptr), shape=(n, d))
        out += np.asarray(x @ weights)
        return
    ones = _ONES[:len(indices)] if len(indices) <= len(_ONES) and weights.dtype == _ONES.dtype else \
        np.ones(len(indices), dtype=weights.dtype)
    _csr_matvecs(n, d, k, indptr, indices, ones, weights.ravel(), out.ravel())


def build_vocab(examples: Sequence[Sequence[str]], *, min_count: int) -> dict[str, int]:
    """Features seen in at least ``min_count`` examples, in sorted order (deterministic columns)."""
    counts: Counter[str] = Counter()
    for feats in examples:
        counts.update(set(feats))
    kept = sorted(f for f, n in counts.items() if n >= min_count)
    return {f: i for i, f in enumerate(kept)}


def design_matrix(examples: Sequence[Sequence[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for i, feats in enumerate(examples):
        for c in sorted({vocab[f] for f in feats if f in vocab}):
            rows.append(i)
            cols.append(c)
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(examples), len(vocab)))


def fit(examples: Sequence[Sequence[str]], labels: Sequence[str], *, classes: Sequence[str] | None = None,
        l2: float = 1.0, min_count: int = 2, sample_weight: Sequence[float] | None = None,
        max_iter: int = 500) -> LinearModel:
    """Fit softmax regression with an L2 penalty ``l2`` on the weights (not the bias)."""
    classes = tuple(classes) if classes is not None else tuple(sorted(set(labels)))
    index = {c: k for k, c in enumerate(classes)}
    vocab = build_vocab(examples, min_count=min_count)
    x = design_matrix(examples, vocab)
    n, d = x.shape
    k = len(classes)
    y = np.zeros((n, k))
    y[np.arange(n), [index[lab] for lab in labels]] = 1.0
    sw = np.asarray(sample_weight if sample_weight is not None else np.ones(n), dtype=np.float64)[:, None]

    def loss_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k)
        b = theta[d * k:]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -float((sw * y * logp).sum()) + 0.5 * l2 * float((w * w).sum())
        r = sw * (np.exp(logp) - y)
        gw = x.T @ r + l2 * w
        gb = r.sum(axis=0)
        return loss, np.concatenate([np.asarray(gw).ravel(), gb])

    theta0 = np.zeros(d * k + k)
    res = optimize.minimize(loss_grad, theta0, jac=True, method="L-BFGS-B",
                            options={"maxiter": max_iter, "gtol": 1e-6})
    w = res.x[: d * k].reshape(d, k).astype(np.float32)
    b = res.x[d * k:].astype(np.float32)
    return LinearModel(classes, vocab, w, b)


def fit_platt(scores: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """Platt scaling: (a, b) with P(label=1) = sigmoid(a * score + b), fitted by maximum likelihood."""
    s = np.asarray(scores, dtype=np.float64)
    t = np.asarray(labels, dtype=np.float64)

    def nll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = theta[0] * s + theta[1]
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        loss = -float((t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps)).sum())
        g = p - t
        return loss, np.array([float((g * s).sum()), float(g.sum())])

    res = optimize.minimize(nll, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
