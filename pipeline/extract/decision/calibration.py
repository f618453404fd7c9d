"""Does ``confidence`` mean what it says? A reliability table (10 bins) and the expected calibration error.

A predicted event is correct when the scorer would match it: same article, same action_type, overlapping
evidence, one-to-one (pipeline.extract.evaluate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


def reliability(pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], texts: dict[str, str],
                bins: int = 10) -> tuple[list[Bin], float]:
    """Bins of asserted predictions by confidence, and the expected calibration error over them."""
    asserted = [p for p in pred if p.get("modality", "asserted") == "asserted"]
    flags = correct_flags(asserted, gold, texts)
    table, ece = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(float(p["confidence"]), ok) for p, ok in zip(asserted, flags, strict=True)
                   if low <= float(p["confidence"]) < high or (b == bins - 1 and float(p["confidence"]) == 1.0)]
        if members:
            mean_conf = sum(c for c, _ in members) / len(members)
            share = sum(ok for _, ok in members) / len(members)
            ece += len(members) / max(len(asserted), 1) * abs(mean_conf - share)
            table.append(Bin(low, high, len(members), round(mean_conf, 3), round(share, 3)))
        else:
            table.append(Bin(low, high, 0, None, None))
    return table, round(ece, 4)


def format_reliability(table: Sequence[Bin], ece: float) -> str:
    lines = ["confidence  events  mean conf  share correct"]
    for b in table:
        if b.events:
            lines.append(f"{b.low:.1f}-{b.high:.1f}   {b.events:6d}  {b.mean_confidence:9.3f}  {b.share_correct:13.3f}")
        else:
            lines.append(f"{b.low:.1f}-{b.high:.1f}   {0:6d}          -              -")
    lines.append(f"expected calibration error: {ece:.3f}")
    return "\n".join(lines)
