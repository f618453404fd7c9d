"""The final out-of-fold measures, the final calibration and the admin1 inheritance of the decision layer."""

from __future__ import annotations

from pipeline.extract.decision.calibration import apply_knots, cross_fitted, fit_isotonic, reliability
from pipeline.extract.decision.commands import _admin1_groups, _final_table
from pipeline.extract.decision.outcomes import error_causes, summary
from pipeline.extract.decision.regions import inherit_admin1

TEXT = "قصف الطيران بلدة أ. وقع انفجار في بلدة ب. خرجت مظاهرة في بلدة ج."
S1, S2, S3 = (TEXT.index(s) for s in ("قصف", "وقع", "خرجت"))


def gold(article: str, action: str, evidence: str) -> dict:
    return {"article_id": article, "action_type": action, "evidence": evidence, "event_date": "2025-01-02",
            "admin1": "X", "country": "SY"}


def row(article: str, action: str, start: int, end: int, **kw) -> dict:
    return {"article_id": article, "action_type": action, "char_start": start, "char_end": end,
            "modality": "asserted", "confidence": 0.5, "trigger_text": "t", **kw}


def test_error_causes_sort_each_miss_and_each_spurious_row():
    texts = {"a": TEXT, "neg": TEXT}
    golds = [gold("a", "airstrike_shelling", "قصف الطيران بلدة أ."),
             gold("a", "explosion_ied", "وقع انفجار في بلدة ب."), gold("a", "protest", "خرجت مظاهرة في بلدة ج.")]
    pred = [row("a", "airstrike_shelling", S1, S2), row("a", "airstrike_shelling", S1, S2),  # match + duplicate
            row("a", "attack", S2, S3),  # wrong type over the explosion
            row("neg", "protest", S3, len(TEXT))]  # an event in a negative article
    causes = error_causes(pred, golds, texts, {"a": [(S3, len(TEXT))]})
    assert causes.pop("missed_by_type") == {
        "explosion_ied": {"wrong_type": 1, "wrong_sentence": 0, "candidate_dropped": 0, "no_rule_candidate": 0},
        "protest": {"wrong_type": 0, "wrong_sentence": 0, "candidate_dropped": 1, "no_rule_candidate": 0}}
    assert causes["missed"] == {"wrong_type": 1, "wrong_sentence": 0, "candidate_dropped": 1, "no_rule_candidate": 0}
    assert causes["spurious"] == {"negative_article": 1, "duplicate": 1, "wrong_type": 1, "wrong_sentence": 0,
                                  "no_event": 0}
    moved = error_causes([row("a", "protest", S1, S2)], golds[2:], {"a": TEXT}, {})
    del moved["missed_by_type"]
    assert moved == {"missed": {"wrong_type": 0, "wrong_sentence": 1, "candidate_dropped": 0, "no_rule_candidate": 0},
                     "spurious": {"negative_article": 0, "duplicate": 0, "wrong_type": 0, "wrong_sentence": 1,
                                  "no_event": 0}}


def test_summary_scores_the_final_rows_per_source():
    texts = {"a": TEXT, "neg": TEXT}
    golds = [gold("a", "airstrike_shelling", "قصف الطيران بلدة أ."), gold("a", "protest", "خرجت مظاهرة في بلدة ج.")]
    pred = [row("a", "airstrike_shelling", S1, S2, event_date="2025-01-02", admin1="X"),
            row("a", "protest", S3, len(TEXT), event_date="2025-01-01", admin1=None, trigger_text=None),
            row("neg", "riot", S1, S2)]
    s = summary(pred, golds, texts, {})
    assert (s["f1"], s["precision"], s["recall"]) == (0.8, 0.6667, 1.0)
    assert s["date_accuracy"] == 0.5 and s["admin1_accuracy"] == 0.5
    assert s["events_per_negative_article"] == 1.0 and s["negative_articles"] == 1
    assert s["by_source"]["detector"] == {"rows": 1, "correct": 1, "date_accuracy": 0.0, "admin1_accuracy": 0.0}
    assert s["by_source"]["rules"]["rows"] == 2 and s["per_type"]["riot"]["f1"] == 0.0
    levant = {"matched": 2, "correct": 1, "accuracy": 0.5, "countries": {"SY": [1, 2]}}
    assert s["admin1_by_group"] == {"Levant": levant}
    assert _admin1_groups(s["admin1_by_group"]) == ["- admin1 per country group (exact name, correct/matched pairs):",
                                                    "  - Levant 0.500 (1/2: SY 1/2)"]


def test_summary_scores_actor_target_and_toll_over_matched_pairs():
    texts = {"a": TEXT}
    golds = [dict(gold("a", "airstrike_shelling", "قصف الطيران بلدة أ."), actor_norm="Syrian regime forces",
                  target_norm="Civilians", fatalities=3),
             dict(gold("a", "explosion_ied", "وقع انفجار في بلدة ب."), actor_norm="Unidentified", target_norm=None,
                  fatalities=None),
             dict(gold("a", "protest", "خرجت مظاهرة في بلدة ج."), actor_norm="Protesters (Syria)", target_norm=None,
                  fatalities=0)]
    pred = [row("a", "airstrike_shelling", S1, S2, actor1_norm="Syrian Army", actor2_norm=None, fatalities=3),
            row("a", "explosion_ied", S2, S3, actor1_norm="Unidentified", actor2_norm=None, fatalities=0),
            row("a", "protest", S3, len(TEXT), actor1_norm="ISIS", actor2_norm=None, fatalities=0)]
    s = summary(pred, golds, texts, {})
    # actor labels compared through the alias table (Syrian Army = Syrian regime forces); a null toll is not 0
    assert (s["actor1_accuracy"], s["target_accuracy"], s["fatalities_accuracy"]) == (0.6667, 0.6667, 0.6667)
    card = "\n".join(_final_table(dict(s, ece_final_calibration=s["ece"], evidence_step=None, article_step=None)))
    assert ("admin1 accuracy 0.0, actor1_norm accuracy 0.6667, target accuracy 0.6667, fatalities accuracy 0.6667"
            in card)


def test_isotonic_map_is_monotone_and_pools_violators():
    conf = [i / 100 for i in range(100)]
    correct = [int(i % 3 == 0) if i < 50 else int(i % 4 != 0) for i in range(100)]
    knots = fit_isotonic(conf, correct, min_bin=10)
    ys = [y for _x, y in knots]
    assert ys == sorted(ys) and len(knots) >= 2
    # beyond the end knots a shallow slope keeps the rows' order
    assert knots[0][1] - 0.05 <= apply_knots(knots, 0.0) < apply_knots(knots, knots[0][0] / 2) < knots[0][1]
    assert knots[-1][1] < apply_knots(knots, 0.995) < apply_knots(knots, 1.0) <= knots[-1][1] + 0.05
    mid = (knots[0][0] + knots[1][0]) / 2
    assert knots[0][1] <= apply_knots(knots, mid) <= knots[1][1]
    assert apply_knots((), 0.37) == 0.37
    # a perfectly reversed score pools into one knot: the overall share correct
    assert fit_isotonic([0.1, 0.2, 0.3, 0.4], [1, 1, 0, 0], min_bin=1) == ((0.25, 0.5),)


def test_cross_fitted_calibration_lowers_the_ece_of_overconfident_rows():
    texts = {f"a{i}": TEXT for i in range(40)}
    golds = [gold(f"a{i}", "airstrike_shelling", "قصف الطيران بلدة أ.") for i in range(40) if i % 2]
    pred = [row(f"a{i}", "airstrike_shelling", S1, S2, confidence=0.9) for i in range(40)]
    ok = [bool(i % 2) for i in range(40)]
    mapped = cross_fitted(pred, ok, lambda a: int(a[1:]) % 5, 5, min_bin=4)
    assert reliability(pred, golds, texts)[1] > 0.35
    assert reliability(mapped, golds, texts)[1] < 0.05


def test_country_level_rows_inherit_the_nearest_admin1_of_their_country():
    lead = row("a", "attack", 0, 10, admin1="Idlib", country_code="SY", geo_precision="town")
    other = row("a", "attack", 40, 50, admin1="Hama", country_code="SY", geo_precision="town")
    village = row("a", "attack", 20, 30, admin1=None, country_code="SY", geo_precision=None)
    abroad = row("a", "attack", 60, 70, admin1=None, country_code="TR", geo_precision="country")
    first = row("a", "attack", 0, 5, admin1=None, country_code="SY", geo_precision="country")
    negated = dict(village, modality="negated")
    out = inherit_admin1([lead, other, village, abroad, first, negated])
    assert [r["admin1"] for r in out] == ["Idlib", "Hama", "Idlib", None, "Idlib", None]
    assert out[2]["geo_precision"] is None and village["admin1"] is None  # coordinates' meaning and inputs kept
