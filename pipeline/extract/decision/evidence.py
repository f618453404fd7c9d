"""Which sentence carries an event, and one row per incident: the ``anchor`` step of the decision layer.

Out of fold, the two biggest error causes of the complete engine were rows in the wrong sentence (the engine
codes the lead that summarises an incident, the coders the body sentence that reports it with its place and
toll, or the reverse) and one incident coded twice (a lead and a body row of the same incident; a sentence's
place split or a second rule row naming a place the coders did not code). Two learned models decide, per kept
row of an article (inputs: the article's rows after the place split and the detector, its ``ArticleView``,
and the detector's per-sentence probabilities; output: the rows, some moved, some dropped):

- ``merge``: P(the row is a correct event) for a row that shares its action_type with another row of the
  article, from how it relates to those rows (same sentence, same span as a place-split sibling, same place /
  date, lead or body, which comes first), its place words and the detector's view of its sentence. Below
  ``merge_threshold`` the row is dropped (merged into its siblings).
- ``move``: P(the gold evidence of the row's incident is sentence j), for each sentence j near the row's
  that holds no row of the row's type: the detector's probability of the type at j and at the row's own
  sentence, their order, the triggers, cues, digits and places of j, whether j names the row's place. At or
  above ``move_threshold`` the row takes the best such sentence as its evidence (all its fields stay).

Both are trained by ``conflict-events train`` on the complete engine's out-of-fold rows (labels from the gold
events: a row is correct when the scorer matches it; a move is right when the row is unmatched and an
unmatched gold event of its type has its evidence in j) and measured cross-fitted (each fold's rows decided
by models fitted on the other folds' rows), as the final calibration is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.extract.candidate import event_id
from pipeline.extract.decision.features import ArticleView, words
from pipeline.extract.decision.linear import LinearModel, fit
from pipeline.extract.evaluate import match_events

MOVE_WINDOW = 3  # sentences either side of the row's that may carry its incident
L2 = {"merge": 4.0, "move": 4.0}


@dataclass(frozen=True)
class AnchorModels:
    """The two models and their thresholds (None: that half of the step is off)."""

    merge: LinearModel | None
    merge_threshold: float
    move: LinearModel | None
    move_threshold: float


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


def move_targets(row: dict[str, Any], rows: Sequence[dict[str, Any]], article: ArticleView) -> list[int]:
    """Sentences within ``MOVE_WINDOW`` of the row's that hold no row of its type and have a trigger."""
    i = _sentence_of(article, row)
    if i < 0:
        return []
    taken = {_sentence_of(article, r) for r in rows if r["action_type"] == row["action_type"]}
    return [j for j in range(max(0, i - MOVE_WINDOW), min(len(article.sentences), i + MOVE_WINDOW + 1))
            if j not in taken and article.cues(j).triggers]


def move_features(row: dict[str, Any], j: int, rows: Sequence[dict[str, Any]], article: ArticleView,
                  detector: Sequence[dict[str, float]]) -> list[str]:
    """Features of moving ``row``'s evidence to sentence ``j``."""
    action = row["action_type"]
    i = _sentence_of(article, row)
    sv = article.sentences[j]
    text_j = article.text[sv.start:sv.end]
    p_j = detector[j].get(action, 0.0) if j < len(detector) else 0.0
    p_i = detector[i].get(action, 0.0) if 0 <= i < len(detector) else 0.0
    p_none = detector[j].get("none", 0.0) if j < len(detector) else 0.0
    ranked = sorted(range(len(detector)), key=lambda k: -detector[k].get(action, 0.0))
    cues = article.cues(j)
    trig_types = {a for a, _ in cues.triggers}
    loc = row.get("location_text") or ""
    feats = [f"act={action}", f"from={min(i, 3)}", f"to={min(j, 4)}", f"delta={max(min(j - i, 3), -3)}",
             f"p_j={_bucket(p_j)}", f"p_i={_bucket(p_i)}", f"p_none_j={_bucket(p_none)}",
             "j_better" if p_j > p_i else "i_better", f"j_rank={min(ranked.index(j), 3)}",
             "j_has_type" if action in trig_types else "j_other_types", f"j_ntrig={min(len(cues.triggers), 3)}",
             "detected" if row.get("trigger_text") is None else "rules",
             f"conf={_bucket(float(row.get('confidence') or 0))}",
             "j_names_place" if loc and loc in text_j else "j_not_place",
             "j_digits" if sv.has_digits else "j_no_digits", "j_quote" if sv.quoted else "j_no_quote",
             f"j_rows={min(sum(_sentence_of(article, r) == j for r in rows), 2)}",
             f"same_type_rows={min(sum(r['action_type'] == action for r in rows), 3)}"]
    feats += [f"{f}|{action}" for f in feats[1:10]]
    feats += [f"jcue={kind}" for kind, _ in cues.cues]
    feats += [f"jw={w}" for w in sv.words[:4]]
    return feats


@dataclass(frozen=True)
class Votes:
    """Per row of an article: P(correct) from ``merge`` (None: no sibling of its type, or no merge model)
    and the best move (P, target sentence) from ``move`` (None: no target, or no move model)."""

    keep: list[float | None]
    move: list[tuple[float, int] | None]


def votes(rows: Sequence[dict[str, Any]], article: ArticleView, detector: Sequence[dict[str, float]],
          models: AnchorModels) -> Votes:
    keep: list[float | None] = []
    best: list[tuple[float, int] | None] = []
    for r in rows:
        feats = merge_features(r, rows, article, detector) if models.merge is not None else None
        keep.append(None if feats is None or models.merge is None else models.merge.proba(feats)["yes"])
        move = None
        if models.move is not None:
            for j in move_targets(r, rows, article):
                p = models.move.proba(move_features(r, j, rows, article, detector))["yes"]
                if move is None or p > move[0]:
                    move = (p, j)
        best.append(move)
    return Votes(keep, best)


def apply_votes(rows: Sequence[dict[str, Any]], v: Votes, article: ArticleView, article_id: str,
                merge_threshold: float, move_threshold: float) -> list[dict[str, Any]]:
    """The rows kept (P(correct) reaches ``merge_threshold`` or no merge vote), each moved to its best target
    when that reaches ``move_threshold`` (a sentence takes one moved row per type, the likeliest first)."""
    claimed: set[tuple[int, str]] = set()
    out = []
    order = sorted(range(len(rows)), key=lambda k: -(v.move[k] or (0.0, -1))[0])
    for k in order:
        r, keep, move = rows[k], v.keep[k], v.move[k]
        if keep is not None and keep < merge_threshold:
            continue
        if move is not None and move[0] >= move_threshold and (move[1], r["action_type"]) not in claimed:
            claimed.add((move[1], r["action_type"]))
            r = moved(r, article, move[1], article_id)
        out.append(r)
    return sorted(out, key=lambda r: (r["char_start"], r["action_type"], r["location_text"] or ""))


def anchor(rows: list[dict[str, Any]], article: ArticleView, detector: Sequence[dict[str, float]],
           models: AnchorModels, article_id: str) -> list[dict[str, Any]]:
    """One article's asserted ``rows`` with rows of one incident merged and rows moved to the sentence that
    carries their incident (all decisions read the rows as given)."""
    return apply_votes(rows, votes(rows, article, detector, models), article, article_id,
                       models.merge_threshold, models.move_threshold)


def moved(row: dict[str, Any], article: ArticleView, j: int, article_id: str) -> dict[str, Any]:
    """``row`` with sentence ``j`` as its evidence (and the event_id that follows)."""
    sv = article.sentences[j]
    new = dict(row, char_start=sv.start, char_end=sv.end, evidence=article.text[sv.start:sv.end])
    new["event_id"] = event_id(article_id, sv.start, sv.end, new["action_type"], new["location_text"])
    return new


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


def move_examples(rows: Sequence[dict[str, Any]], correct: Sequence[bool], free_gold_sentences: dict[str, set[int]],
                  article: ArticleView, detector: Sequence[dict[str, float]]) -> tuple[list[list[str]], list[str]]:
    """Move-model examples: each (row, target sentence); right when the row is unmatched and an unmatched gold
    event of its type has its evidence in the target (``free_gold_sentences``: per type, those sentences)."""
    x, y = [], []
    for r, ok in zip(rows, correct, strict=True):
        for j in move_targets(r, rows, article):
            x.append(move_features(r, j, rows, article, detector))
            y.append("yes" if not ok and j in free_gold_sentences.get(r["action_type"], set()) else "no")
    return x, y


def fit_models(merge_x: Sequence[list[str]], merge_y: Sequence[str], move_x: Sequence[list[str]],
               move_y: Sequence[str], merge_threshold: float, move_threshold: float) -> AnchorModels:
    merge = fit(merge_x, merge_y, classes=("no", "yes"), l2=L2["merge"]) if len(set(merge_y)) == 2 else None
    move = fit(move_x, move_y, classes=("no", "yes"), l2=L2["move"]) if len(set(move_y)) == 2 else None
    return AnchorModels(merge, merge_threshold, move, move_threshold)


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
    ok = [False] * len(rows)
    for _gi, pi in match_events(list(rows), h.gold, {h.article_id: h.view.text}):
        ok[pi] = True
    return ok


def _free_gold_sentences(rows: Sequence[dict[str, Any]], h: HeldArticle) -> dict[str, set[int]]:
    matched = {gi for gi, _pi in match_events(list(rows), h.gold, {h.article_id: h.view.text})}
    out: dict[str, set[int]] = {}
    for gi, g in enumerate(h.gold):
        start = h.view.text.find(g["evidence"])
        if gi not in matched and start >= 0:
            out.setdefault(g["action_type"], set()).add(h.view.sentence_index(start, start + len(g["evidence"])))
    return out


def _examples(held: Sequence[HeldArticle], rows: dict[str, list[dict[str, Any]]]
              ) -> dict[str, tuple[list[list[str]], list[str], list[list[str]], list[str]]]:
    out = {}
    for h in held:
        r = rows.get(h.article_id, [])
        ok = _correct(r, h)
        out[h.article_id] = (*merge_examples(r, ok, h.view, h.detector),
                             *move_examples(r, ok, _free_gold_sentences(r, h), h.view, h.detector))
    return out


def _fit_on(ex: dict[str, tuple[list[list[str]], list[str], list[list[str]], list[str]]],
            ids: Sequence[str]) -> AnchorModels:
    return fit_models([f for a in ids for f in ex[a][0]], [y for a in ids for y in ex[a][1]],
                      [f for a in ids for f in ex[a][2]], [y for a in ids for y in ex[a][3]], 0.0, 2.0)


def _prf(rows: dict[str, list[dict[str, Any]]], held: Sequence[HeldArticle]) -> dict[str, float]:
    n_pred = sum(len(rows.get(h.article_id, [])) for h in held)
    n_gold = sum(len(h.gold) for h in held)
    tp = sum(len(match_events(rows.get(h.article_id, []), h.gold, {h.article_id: h.view.text})) for h in held)
    negative = [h for h in held if not h.gold]
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return {"f1": round(2 * p * r / (p + r) if p + r else 0.0, 4), "precision": round(p, 4), "recall": round(r, 4),
            "rows": n_pred, "matched": tp,
            "events_per_negative_article": round(sum(len(rows.get(h.article_id, [])) for h in negative)
                                                 / max(len(negative), 1), 3)}


MERGE_GRID = (0.0, *(round(0.05 + 0.025 * k, 3) for k in range(15)))  # 0 = merge off
MOVE_GRID = (2.0, *(round(0.3 + 0.05 * k, 3) for k in range(11)))  # 2 = move off


def train_anchor(held: Sequence[HeldArticle], rows: dict[str, list[dict[str, Any]]], folds: int
                 ) -> tuple[AnchorModels | None, dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """Fit the step on the complete engine's out-of-fold asserted ``rows`` (per article) of ``held``.

    Each fold's rows are decided by models fitted on the other folds' rows; the thresholds are the ones that
    maximise that cross-fitted F1 (a threshold replaces the one before only when it raises F1, so the step
    changes no more than it must). Returns the models fitted on every article with those thresholds (None
    when neither half raises F1), the cross-fitted rows, and the figures before and after."""
    ex = _examples(held, rows)
    cross: dict[str, Votes] = {}
    for k in range(folds):
        models = _fit_on(ex, [h.article_id for h in held if h.fold != k])
        for h in held:
            if h.fold == k:
                cross[h.article_id] = votes(rows.get(h.article_id, []), h.view, h.detector, models)
    before = _prf(rows, held)

    def decided(merge_t: float, move_t: float) -> dict[str, list[dict[str, Any]]]:
        return {h.article_id: apply_votes(rows.get(h.article_id, []), cross[h.article_id], h.view, h.article_id,
                                          merge_t, move_t) for h in held}

    best = (before["f1"], 0.0, 2.0, before)
    for merge_t in MERGE_GRID:
        s = _prf(decided(merge_t, 2.0), held)
        if s["f1"] > best[0]:
            best = (s["f1"], merge_t, 2.0, s)
    for move_t in MOVE_GRID[1:]:
        s = _prf(decided(best[1], move_t), held)
        if s["f1"] > best[0]:
            best = (s["f1"], best[1], move_t, s)
    _f1, merge_t, move_t, after = best
    report = {"before": before, "after": after, "merge_threshold": merge_t, "move_threshold": move_t,
              "merge_examples": sum(len(e[1]) for e in ex.values()),
              "move_examples": sum(len(e[3]) for e in ex.values()),
              "move_positives": sum(e[3].count("yes") for e in ex.values())}
    full = _fit_on(ex, [h.article_id for h in held])
    if (merge_t == 0.0 or full.merge is None) and (move_t == 2.0 or full.move is None):
        return None, rows, report
    models = AnchorModels(full.merge if merge_t > 0.0 else None, merge_t, full.move if move_t < 2.0 else None,
                          move_t)
    return models, decided(merge_t, move_t), report
