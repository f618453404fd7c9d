"""Does ``confidence`` mean what it says? A reliability table (10 bins) and the expected calibration error.

A predicted event is correct when the scorer would match it: same article, same action_type, overlapping
evidence, one-to-one (pipeline.extract.evaluate).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.extract.evaluate import match_events


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    events: int
    mean_confidence: float | None
    share_correct: float | None


def correct_flags(pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]],
                  texts: dict[str, str]) -> list[bool]:
    """For each predicted row: does it match a gold event (the scorer's one-to-one rule)?"""
    flags = [False] * len(pred)
    for _gi, pi in match_events(list(pred), list(gold), texts):
        flags[pi] = True
    return flags


def bin_index(confidence: float, bins: int) -> int:
    """The reliability bin of a confidence: [b/bins, (b+1)/bins), the last bin closed at 1."""
    return min(max(int(confidence * bins), 0), bins - 1)


def reliability(pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], texts: dict[str, str],
                bins: int = 10) -> tuple[list[Bin], float]:
    """Bins of asserted predictions by confidence, and the expected calibration error over them."""
    asserted = [p for p in pred if p.get("modality", "asserted") == "asserted"]
    flags = correct_flags(asserted, gold, texts)
    table, ece = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(float(p["confidence"]), ok) for p, ok in zip(asserted, flags, strict=True)
                   if bin_index(float(p["confidence"]), bins) == b]
        if members:
            mean_conf = sum(c for c, _ in members) / len(members)
            share = sum(ok for _, ok in members) / len(members)
            ece += len(members) / max(len(asserted), 1) * abs(mean_conf - share)
            table.append(Bin(low, high, len(members), round(mean_conf, 3), round(share, 3)))
        else:
            table.append(Bin(low, high, 0, None, None))
    return table, round(ece, 4)


def binned_ece(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> np.ndarray:
    """The expected calibration error (``reliability``'s bins) of each row of ``correct`` (draws x rows)
    against the same ``confidence`` (rows)."""
    which = np.array([bin_index(c, bins) for c in confidence.tolist()])
    ece = np.zeros(correct.shape[0])
    for b in np.unique(which):
        members = which == b
        ece += members.sum() / len(confidence) * np.abs(confidence[members].mean() - correct[:, members].mean(axis=1))
    return ece


def ece_if_calibrated(confidence: Sequence[float], bins: int = 10, draws: int = 2000, seed: int = 0
                      ) -> dict[str, float] | None:
    """The expected calibration error a perfectly calibrated ``confidence`` would still show on this many rows,
    from sampling alone: each row correct with probability equal to its confidence, ``draws`` times (a fixed
    seed, so the figure is reproducible). Its mean and 95th percentile tell how far an observed ECE on a small
    set can be read as miscalibration. None without rows."""
    if not confidence:
        return None
    conf = np.asarray(confidence, dtype=float)
    outcomes = np.random.default_rng(seed).random((draws, len(conf))) < conf
    ece = binned_ece(conf, outcomes, bins)
    return {"mean": round(float(ece.mean()), 4), "p95": round(float(np.quantile(ece, 0.95)), 4)}


def format_reliability(table: Sequence[Bin], ece: float, by_chance: dict[str, float] | None = None) -> str:
    lines = ["confidence  events  mean conf  share correct"]
    for b in table:
        if b.events:
            lines.append(f"{b.low:.1f}-{b.high:.1f}   {b.events:6d}  {b.mean_confidence:9.3f}  {b.share_correct:13.3f}")
        else:
            lines.append(f"{b.low:.1f}-{b.high:.1f}   {0:6d}          -              -")
    lines.append(f"expected calibration error: {ece:.3f}")
    if by_chance:
        lines.append(f"  a perfectly calibrated confidence would show {by_chance['mean']:.3f} on this many events by "
                     f"chance alone (95% of draws up to {by_chance['p95']:.3f})")
    return "\n".join(lines)


def fit_isotonic(confidence: Sequence[float], correct: Sequence[int], *, min_bin: int = 25
                 ) -> tuple[tuple[float, float], ...]:
    """A non-decreasing map confidence -> share correct (pool-adjacent-violators over bins of at least
    ``min_bin`` rows in confidence order; equal confidences share a bin), as (mean confidence, share correct)
    knots to interpolate between."""
    order = sorted(range(len(confidence)), key=lambda i: confidence[i])
    bins: list[list[int]] = []
    for n, i in enumerate(order):
        if not bins or (len(bins[-1]) >= min_bin and confidence[i] != confidence[bins[-1][-1]]
                        and len(order) - n >= min_bin):  # a short tail joins the last bin
            bins.append([])
        bins[-1].append(i)
    blocks: list[list[float]] = []  # [sum of confidence, sum correct, rows]
    for part in bins:
        blocks.append([sum(confidence[i] for i in part), float(sum(correct[i] for i in part)), len(part)])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            blocks[-1] = [blocks[-1][j] + last[j] for j in range(3)]
    return tuple((round(x / n, 4), round(y / n, 4)) for x, y, n in blocks)


END_SLOPE = 0.05  # beyond the end knots: shallow, so rows keep their order (the events mart ranks mentions by it)


def apply_knots(knots: Sequence[tuple[float, float]], confidence: float) -> float:
    """``confidence`` through the knots of ``fit_isotonic``: linear between knots, with slope ``END_SLOPE``
    beyond them (within [0, 1]), so the map keeps the rows' order; unchanged when there are no knots."""
    if not knots:
        return confidence
    if confidence <= knots[0][0]:
        return max(0.0, knots[0][1] - END_SLOPE * (knots[0][0] - confidence))
    for (x0, y0), (x1, y1) in zip(knots, knots[1:], strict=False):
        if confidence <= x1:
            return y0 + (y1 - y0) * (confidence - x0) / (x1 - x0) if x1 > x0 else y1
    return min(1.0, knots[-1][1] + END_SLOPE * (confidence - knots[-1][0]))


def cross_fitted(pred: Sequence[dict[str, Any]], correct: Sequence[bool], fold: Callable[[str], int], folds: int,
                 *, min_bin: int) -> list[dict[str, Any]]:
    """``pred`` with the confidence each row gets from ``fit_isotonic`` fitted on the other folds' rows (an
    honest estimate of how calibrated the final map leaves unseen articles)."""
    out = [dict(p) for p in pred]
    for k in range(folds):
        rest = [(float(p["confidence"]), int(ok)) for p, ok in zip(pred, correct, strict=True)
                if fold(p["article_id"]) != k]
        knots = fit_isotonic([c for c, _ in rest], [ok for _, ok in rest], min_bin=min_bin)
        for p in out:
            if fold(p["article_id"]) == k:
                p["confidence"] = apply_knots(knots, float(p["confidence"]))
    return out
