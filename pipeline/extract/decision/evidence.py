"""One row per incident: the ``anchor`` step of the decision layer.

Out of fold, one of the biggest error causes of the complete engine was one incident coded twice (a lead and a
body row of the same incident; a sentence's place split or a second rule row naming a place the coders did not
code). A learned model decides, per kept row of an article (inputs: the article's rows after the place split
and the detector, its ``ArticleView``, and the detector's per-sentence probabilities; output: the rows kept):

- ``merge``: P(the row is a correct event) for a row that shares its action_type with another row of the
  article, from how it relates to those rows (same sentence, same span as a place-split sibling, same place /
  date, lead or body, which comes first), its place words and the detector's view of its sentence. Below
  ``merge_threshold`` the row is dropped (merged into its siblings). A merge joins rows of one incident, so
  it never drops every row of a type: when all fall below the threshold, the type's best-voted row stays.

It is trained by ``conflict-events train`` on the complete engine's out-of-fold rows (labels from the gold
events: a row is correct when the scorer matches it) and measured cross-fitted (each fold's rows decided by
models fitted on the other folds' rows), as the final calibration is. A second model that moved a row to the
sentence carrying its incident lowered out-of-fold F1 at every threshold and was removed. Why (round 12, on
the final out-of-fold rows of train + train_blind): the sentence a row stands on is usually right, and a
wrong-sentence miss is mostly an incident the engine did not code at all rather than one it coded on the wrong
sentence. Moving each row whose place is named only in a later sentence to that sentence took F1 0.569 ->
0.556 (37 of the 66 rows moved had been matched); moving a type's lone body row to a lead carrying a trigger
of its type, 0.570 -> 0.532. Of 402 gold events missed with an unmatched row of their type elsewhere, 146
are the places a body names below a lead that summarises them (clarification 10): the engine codes the lead
once, the gold one event per place; no move of one row recovers several events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.extract.decision.features import ArticleView, words
from pipeline.extract.decision.linear import LinearModel, fit
from pipeline.extract.evaluate import match_events, prf

L2_MERGE = 4.0


@dataclass(frozen=True)
class AnchorModels:
    """The merge model and its threshold (None: the step is off)."""

    merge: LinearModel | None
    merge_threshold: float


def _bucket(p: float, step: float = 0.1) -> int:
    return min(int(p / step), int(1 / step) - 1)


def _sentence_of(article: ArticleView, row: dict[str, Any]) -> int:
    return article.sentence_index(row["char_start"], row["char_end"])


def _place_words(row: dict[str, Any]) -> list[str]:
    loc = words(row.get("location_text") or "")
    if not loc:
        return ["loc=none"]
    return [f"loc1={loc[0]}", f"loclen={min(len(loc), 4)}", *(f"locw={w}" for w in loc)]


def merge_features(row: dict[str, Any], rows: Sequence[dict[str, Any]], article: ArticleView,
                   detector: Sequence[dict[str, float]]) -> list[str] | None:
    """Features of ``row`` among the article's asserted ``rows`` (None: no other row of its type)."""
    action = row["action_type"]
    i = _sentence_of(article, row)
    siblings = [r for r in rows if r is not row and r["action_type"] == action]
    if not siblings:
        return None
    where = [(_sentence_of(article, r), r) for r in siblings]
    same_span = [r for r in siblings if (r["char_start"], r["char_end"]) == (row["char_start"], row["char_end"])]
    same_sentence = [r for j, r in where if j == i]
    loc = row.get("location_text") or ""
    sentence_text = article.text[article.sentences[i].start:article.sentences[i].end] if i >= 0 else ""
    p_here = detector[i].get(action, 0.0) if 0 <= i < len(detector) else 0.0
    p_best = max((p.get(action, 0.0) for p in detector), default=0.0)
    feats = [f"act={action}", f"pos={min(max(i, 0), 3)}", "lead" if i == 0 else "body",
             f"nsib={min(len(siblings), 3)}", f"same_span={min(len(same_span), 3)}",
             f"same_sentence={min(len(same_sentence), 3)}",
             f"before={min(sum(j < i for j, _ in where), 2)}", f"after={min(sum(j > i for j, _ in where), 2)}",
             "detected" if row.get("trigger_text") is None else "rules",
             f"conf={_bucket(float(row.get('confidence') or 0))}",
             f"fat={'null' if row.get('fatalities') is None else min(int(row['fatalities']), 2)}",
             f"geo={row.get('geo_precision')}", f"prec={row.get('date_precision')}",
             "loc_in_sentence" if loc and loc in sentence_text else "loc_elsewhere",
             f"p_here={_bucket(p_here)}", f"p_gap={_bucket(max(p_best - p_here, 0.0))}"]
    feats += [f"{f}|{action}" for f in feats[1:6]]
    if same_span:
        order = sorted([row, *same_span], key=lambda r: sentence_text.find(r.get("location_text") or "\0"))
        feats.append(f"span_rank={min(order.index(row), 2)}")
        feats.append("own_toll" if row.get("fatalities") is not None else "no_toll")
    if any(r.get("location_text") == loc for r in siblings):
        feats.append("same_place")
    if any(loc and r.get("location_text") and (loc in r["location_text"] or r["location_text"] in loc)
           for r in siblings if r.get("location_text") != loc):
        feats.append("nested_place")
    if any(r.get("geonames_id") and r.get("geonames_id") == row.get("geonames_id") for r in siblings):
        feats.append("same_geonames")
    if any(str(r.get("event_date")) == str(row.get("event_date")) for r in siblings):
        feats.append("same_date")
    if i >= 0:
        feats += [f"cue={kind}" for kind, _ in article.cues(i).cues]
    return feats + _place_words(row)


def votes(rows: Sequence[dict[str, Any]], article: ArticleView, detector: Sequence[dict[str, float]],
          models: AnchorModels) -> list[float | None]:
    """Per row of an article, P(correct) from ``merge`` (None: no sibling of its type, or no merge model)."""
    if models.merge is None:
        return [None] * len(rows)
    out: list[float | None] = []
    for r in rows:
        feats = merge_features(r, rows, article, detector)
        out.append(None if feats is None else models.merge.proba(feats)["yes"])
    return out


def _best_of_type(rows: Sequence[dict[str, Any]], keep: Sequence[float | None]) -> set[int]:
    """Per action_type, the index of the row with the highest vote (the first of equals)."""
    best: dict[str, tuple[float, int]] = {}
    for k, (r, p) in enumerate(zip(rows, keep, strict=True)):
        if p is not None and (r["action_type"] not in best or p > best[r["action_type"]][0]):
            best[r["action_type"]] = (p, k)
    return {k for _p, k in best.values()}


def apply_votes(rows: Sequence[dict[str, Any]], keep: Sequence[float | None], merge_threshold: float
                ) -> list[dict[str, Any]]:
    """The rows kept: P(correct) reaches ``merge_threshold``, or no vote. A merge joins rows of one incident,
    so it never drops every row of a type: with the step on, the type's best-voted row stays."""
    best = _best_of_type(rows, keep) if merge_threshold > 0 else set()
    out = [r for k, (r, p) in enumerate(zip(rows, keep, strict=True))
           if p is None or p >= merge_threshold or k in best]
    return sorted(out, key=lambda r: (r["char_start"], r["action_type"], r["location_text"] or ""))


def anchor(rows: list[dict[str, Any]], article: ArticleView, detector: Sequence[dict[str, float]],
           models: AnchorModels) -> list[dict[str, Any]]:
    """One article's asserted ``rows`` with rows of one incident merged (every vote reads the rows as given)."""
    return apply_votes(rows, votes(rows, article, detector, models), models.merge_threshold)


def merge_examples(rows: Sequence[dict[str, Any]], correct: Sequence[bool], article: ArticleView,
                   detector: Sequence[dict[str, float]]) -> tuple[list[list[str]], list[str]]:
    """Merge-model examples of one article's rows (``correct``: the scorer matched the row)."""
    x, y = [], []
    for r, ok in zip(rows, correct, strict=True):
        feats = merge_features(r, rows, article, detector)
        if feats is not None:
            x.append(feats)
            y.append("yes" if ok else "no")
    return x, y


def fit_merge(x: Sequence[list[str]], y: Sequence[str]) -> LinearModel | None:
    """The merge model (None without both labels)."""
    return fit(x, y, classes=("no", "yes"), l2=L2_MERGE) if len(set(y)) == 2 else None


@dataclass(frozen=True)
class HeldArticle:
    """One held-out article as training sees it: its view, the out-of-fold detector's probabilities per
    sentence, its gold events and its fold."""

    article_id: str
    view: ArticleView
    detector: list[dict[str, float]]
    gold: list[dict[str, Any]]
    fold: int


def _correct(rows: Sequence[dict[str, Any]], h: HeldArticle) -> list[bool]:
    """Per row, whether the scorer matches it to one of ``h``'s gold events."""
    ok = [False] * len(rows)
    for _gi, pi in match_events(list(rows), h.gold, {h.article_id: h.view.text}):
        ok[pi] = True
    return ok


def _examples(held: Sequence[HeldArticle], rows: dict[str, list[dict[str, Any]]],
              correct: dict[str, list[bool]]) -> dict[str, tuple[list[list[str]], list[str]]]:
    return {h.article_id: merge_examples(rows.get(h.article_id, []), correct[h.article_id], h.view, h.detector)
            for h in held}


def _fit_on(ex: dict[str, tuple[list[list[str]], list[str]]], ids: Sequence[str]) -> LinearModel | None:
    return fit_merge([f for a in ids for f in ex[a][0]], [y for a in ids for y in ex[a][1]])


def _scores(rows: dict[str, list[dict[str, Any]]], held: Sequence[HeldArticle],
            correct: dict[str, list[bool]] | None = None) -> dict[str, Any]:
    """P/R/F1 of ``rows`` against ``held``'s gold (``correct``: the rows' match flags, when already known)."""
    if correct is None:
        correct = {h.article_id: _correct(rows.get(h.article_id, []), h) for h in held}
    n_pred = sum(len(rows.get(h.article_id, [])) for h in held)
    tp = sum(sum(correct[h.article_id]) for h in held)
    negative = [h for h in held if not h.gold]
    return {**prf(n_pred, sum(len(h.gold) for h in held), tp), "rows": n_pred, "matched": tp,
            "events_per_negative_article": round(sum(len(rows.get(h.article_id, [])) for h in negative)
                                                 / max(len(negative), 1), 3)}


MERGE_GRID = (0.0, *(round(0.05 + 0.025 * k, 3) for k in range(15)))  # 0 = merge off


def train_anchor(held: Sequence[HeldArticle], rows: dict[str, list[dict[str, Any]]], folds: int
                 ) -> tuple[AnchorModels | None, dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """Fit the step on the complete engine's out-of-fold asserted ``rows`` (per article) of ``held``.

    Each fold's rows are decided by models fitted on the other folds' rows; the threshold is the one that
    maximises that cross-fitted F1 (a threshold replaces the one before only when it raises F1, so the step
    changes no more than it must). Returns the model fitted on every article with that threshold (None when
    no threshold raises F1), the cross-fitted rows, and the figures before and after."""
    correct = {h.article_id: _correct(rows.get(h.article_id, []), h) for h in held}  # matched once
    ex = _examples(held, rows, correct)
    cross: dict[str, list[float | None]] = {}
    for k in range(folds):
        models = AnchorModels(_fit_on(ex, [h.article_id for h in held if h.fold != k]), 0.0)
        for h in held:
            if h.fold == k:
                cross[h.article_id] = votes(rows.get(h.article_id, []), h.view, h.detector, models)
    before = _scores(rows, held, correct)

    def decided(merge_t: float) -> dict[str, list[dict[str, Any]]]:
        return {h.article_id: apply_votes(rows.get(h.article_id, []), cross[h.article_id], merge_t) for h in held}

    best = (before["f1"], 0.0, before)
    for merge_t in MERGE_GRID:
        s = _scores(decided(merge_t), held)
        if s["f1"] > best[0]:
            best = (s["f1"], merge_t, s)
    _f1, merge_t, after = best
    report = {"before": before, "after": after, "merge_threshold": merge_t,
              "merge_examples": sum(len(e[1]) for e in ex.values())}
    full = _fit_on(ex, [h.article_id for h in held])
    if merge_t == 0.0 or full is None:
        return None, rows, report
    return AnchorModels(full, merge_t), decided(merge_t), report
