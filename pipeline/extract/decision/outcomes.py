"""What the whole decision outputs out of fold, scored like `conflict-events eval` scores a gold set.

``train`` runs the complete engine (rules, decision, place split, detected rows with their date and place)
over each held-out article with the models fitted without its fold; this module scores those final rows
(strict F1/P/R, events per negative article, date, admin1, actor1_norm, target and fatalities accuracy over
matched pairs, admin1 per country group with each member country's counts, ECE of ``confidence``) and sorts every
error into one cause:

- a gold event missed: ``wrong_type`` (a row overlaps its evidence, of another type), ``wrong_sentence`` (a row
  of its type in the article lies elsewhere, unmatched), ``candidate_dropped`` (the rules had a candidate over
  its evidence, the decision dropped it), ``no_rule_candidate`` (none);
- a row that matches nothing: ``negative_article`` (the article reports no event), ``duplicate`` (another row
  of its type already matched the gold event its evidence overlaps), ``wrong_type`` (its evidence overlaps a
  gold event of another type), ``wrong_sentence`` (a gold event of its type in the article is unmatched),
  ``no_event`` (none of these).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pipeline.extract.decision.calibration import reliability
from pipeline.extract.evaluate import admin1_by_group, match_events, score

# the fields researchers count deaths and dyads from, as ``summary`` names them (name, scorer field)
ROLE_FIELDS = (("actor1", "actor1_norm"), ("target", "target"), ("fatalities", "fatalities"))
FN_CAUSES = ("wrong_type", "wrong_sentence", "candidate_dropped", "no_rule_candidate")
FP_CAUSES = ("negative_article", "duplicate", "wrong_type", "wrong_sentence", "no_event")


def _span(text: str, evidence: str) -> tuple[int, int]:
    i = text.find(evidence)
    return (i, i + len(evidence)) if i >= 0 else (-1, -1)


def _overlaps(a: tuple[int, int], row: dict[str, Any]) -> bool:
    return min(a[1], row["char_end"]) - max(a[0], row["char_start"]) > 0


def detected(row: dict[str, Any]) -> bool:
    """A row the sentence detector proposed (the rules' rows always name their trigger)."""
    return row.get("trigger_text") is None


def error_causes(pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], texts: dict[str, str],
                 candidates: dict[str, list[tuple[int, int]]]) -> dict[str, dict[str, int]]:
    """Counts of missed gold events (overall and per gold action_type) and unmatched rows per cause
    (``candidates``: per article, the spans of every rule candidate the decision was offered)."""
    pairs = match_events(list(pred), list(gold), texts)
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    spans = [_span(texts.get(g["article_id"], ""), g["evidence"]) for g in gold]
    missed: Counter[str] = Counter()
    by_type: dict[str, Counter[str]] = {}
    for gi, g in enumerate(gold):
        if gi in matched_gold:
            continue
        rows = [(pi, p) for pi, p in enumerate(pred) if p["article_id"] == g["article_id"]]
        if any(_overlaps(spans[gi], p) and p["action_type"] != g["action_type"] for _, p in rows):
            cause = "wrong_type"
        elif any(p["action_type"] == g["action_type"] and pi not in matched_pred for pi, p in rows):
            cause = "wrong_sentence"
        elif any(min(spans[gi][1], e) - max(spans[gi][0], s) > 0 for s, e in candidates.get(g["article_id"], [])):
            cause = "candidate_dropped"
        else:
            cause = "no_rule_candidate"
        missed[cause] += 1
        by_type.setdefault(g["action_type"], Counter())[cause] += 1
    positive = {g["article_id"] for g in gold}
    spurious: Counter[str] = Counter()
    for pi, p in enumerate(pred):
        if pi in matched_pred:
            continue
        own = [(gi, g) for gi, g in enumerate(gold) if g["article_id"] == p["article_id"]]
        if p["article_id"] not in positive:
            spurious["negative_article"] += 1
        elif any(gi in matched_gold and g["action_type"] == p["action_type"] and _overlaps(spans[gi], p)
                 for gi, g in own):
            spurious["duplicate"] += 1
        elif any(_overlaps(spans[gi], p) for gi, _g in own):
            spurious["wrong_type"] += 1
        elif any(gi not in matched_gold and g["action_type"] == p["action_type"] for gi, g in own):
            spurious["wrong_sentence"] += 1
        else:
            spurious["no_event"] += 1
    return {"missed": {c: missed[c] for c in FN_CAUSES}, "spurious": {c: spurious[c] for c in FP_CAUSES},
            "missed_by_type": {t: {c: n[c] for c in FN_CAUSES} for t, n in sorted(by_type.items())}}


def summary(pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], texts: dict[str, str],
            candidates: dict[str, list[tuple[int, int]]]) -> dict[str, Any]:
    """The scorer's figures over the final rows, per source (rules / detector) too, and the error causes."""
    asserted = [p for p in pred if p.get("modality", "asserted") == "asserted"]
    result = score(asserted, list(gold), texts)
    o = result["overall"]
    _table, ece = reliability(asserted, gold, texts)
    by_source = {}
    pairs = match_events(asserted, list(gold), texts)
    for name, flag in (("rules", False), ("detector", True)):
        idx = {pi for pi, p in enumerate(asserted) if detected(p) == flag}
        ok = [(gold[gi], asserted[pi]) for gi, pi in pairs if pi in idx]
        by_source[name] = {
            "rows": len(idx), "correct": len(ok),
            "date_accuracy": round(sum(str(p.get("event_date")) == g["event_date"] for g, p in ok) / len(ok), 4)
            if ok else None,
            "admin1_accuracy": round(sum((p.get("admin1") or None) == g.get("admin1") for g, p in ok) / len(ok), 4)
            if ok else None}
    return {"f1": o["f1"], "precision": o["precision"], "recall": o["recall"], "predicted": o["predicted"],
            "gold": o["gold"], "matched": o["matched"],
            "events_per_negative_article": round(result["events_from_negative_articles"]
                                                 / max(result["negative_articles"], 1), 3),
            "negative_articles": result["negative_articles"],
            "date_accuracy": o["accuracy"]["event_date"], "admin1_accuracy": o["accuracy"]["admin1"],
            **{f"{name}_accuracy": o["accuracy"][field] for name, field in ROLE_FIELDS},
            "admin1_by_group": admin1_by_group(result["admin1_by_country"]),
            "ece": ece, "by_source": by_source,
            "per_type": {t: {"gold": b["gold"], "predicted": b["predicted"], "f1": b["f1"]}
                         for t, b in result["by_action_type"].items()},
            "errors": error_causes(asserted, gold, texts, candidates)}
