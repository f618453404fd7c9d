"""The evidence step of the decision layer: merging rows of one incident, its training (cross-fitted) and its
place in the model file and the layer."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import InputFormatError
from pipeline.extract.decision.evidence import (
    AnchorModels,
    HeldArticle,
    anchor,
    apply_votes,
    merge_features,
    train_anchor,
)
from pipeline.extract.decision.layer import DecisionLayer, article_view
from pipeline.extract.decision.linear import LinearModel
from pipeline.extract.decision.model import DecisionModel

LEAD = "قتل ثلاثة جنود في هجوم شنه مسلحون على نقطة للجيش في محافظة ديالى اليوم."
BODY = "وقال مصدر أمني إن مسلحين هاجموا نقطة للجيش في بلدة المقدادية وقتلوا ثلاثة جنود."
TAIL = "وفرضت القوات طوقا أمنيا حول المنطقة."
TEXT = f"{LEAD}\n{BODY}\n{TAIL}"
B0 = len(LEAD) + 1
T0 = B0 + len(BODY) + 1


def row(start: int, end: int, place: str, *, action: str = "attack", fatalities: int | None = 3,
        trigger: str | None = "هجوم", confidence: float = 0.7) -> dict:
    return {"article_id": "a", "event_id": "x", "char_start": start, "char_end": end, "evidence": TEXT[start:end],
            "action_type": action, "event_type": "Violence against civilians", "sub_event_type": "Attack",
            "modality": "asserted", "date_precision": "day", "date_text": "اليوم", "trigger_text": trigger,
            "actor1_type": "rebels", "actor2_norm": "Iraqi Army", "location_text": place, "admin1": "Diyala",
            "country_code": "IQ", "fatalities": fatalities, "injured": 0, "confidence": confidence,
            "geo_precision": "town", "geonames_id": None, "event_date": dt.date(2025, 3, 3),
            "extractor_version": "ar-lex-0.1.0"}


def lead_row() -> dict:
    return row(0, len(LEAD), "محافظة ديالى")


def body_row() -> dict:
    return row(B0, B0 + len(BODY), "بلدة المقدادية")


def one_feature(feature: str, weight: float) -> LinearModel:
    """P(yes) = sigmoid(weight) when ``feature`` is present, 0.5 otherwise."""
    return LinearModel(("no", "yes"), {feature: 0}, np.array([[0.0, weight]], dtype=np.float32),
                       np.zeros(2, dtype=np.float32))


DETECTOR = [{"none": 0.2, "attack": 0.8}, {"none": 0.1, "attack": 0.9}, {"none": 0.9, "attack": 0.1}]


@pytest.fixture(scope="module")
def view(engine):
    return article_view(TEXT, "مقتل ثلاثة جنود في ديالى", engine.lex)


def test_merge_features_only_for_rows_with_a_sibling_of_their_type(view):
    lead, body = lead_row(), body_row()
    assert merge_features(lead, [lead], view, DETECTOR) is None
    assert merge_features(lead, [lead, dict(body, action_type="riot")], view, DETECTOR) is None
    feats = merge_features(lead, [lead, body], view, DETECTOR)
    assert feats is not None and "lead" in feats and "after=1" in feats and "before=0" in feats
    assert "same_date" in feats and "loc_in_sentence" in feats
    body_feats = merge_features(body, [lead, body], view, DETECTOR)
    assert "body" in body_feats and "before=1" in body_feats
    copy = dict(body, location_text="المقدادية", fatalities=None)  # a place-split copy of the same span
    copy_feats = merge_features(copy, [lead, body, copy], view, DETECTOR)
    assert "same_span=1" in copy_feats and "nested_place" in copy_feats and "no_toll" in copy_feats


def test_merge_drops_the_lead_that_restates_a_body_row(view):
    lead, body = lead_row(), body_row()
    models = AnchorModels(one_feature("lead", -4.0), 0.3)
    out = anchor([lead, body], view, DETECTOR, models)
    assert [r["char_start"] for r in out] == [B0]
    # a lead alone is no duplicate: the merge never votes on it
    assert anchor([lead], view, DETECTOR, models) == [lead]
    # merge off (no model): nothing changes
    assert anchor([lead, body], view, DETECTOR, AnchorModels(None, 0.3)) == [lead, body]


def test_apply_votes_keeps_rows_without_a_vote_or_reaching_the_threshold():
    lead, body, other = lead_row(), body_row(), dict(lead_row(), location_text="بعقوبة")
    out = apply_votes([body, lead, other], [0.2, None, 0.5], 0.3)
    assert [(r["char_start"], r["location_text"]) for r in out] == [(0, "بعقوبة"), (0, "محافظة ديالى")]
    assert apply_votes([lead, body], [0.29, 0.3], 0.3) == [body]


def test_apply_votes_never_drops_every_row_of_a_type():
    """A merge joins rows of one incident: when every row of a type falls below the threshold, the best-voted
    one stays (per type); with the step off (threshold 0) nothing is dropped anyway."""
    lead, body = lead_row(), body_row()
    riot = dict(body_row(), action_type="riot")
    out = apply_votes([lead, body, riot], [0.1, 0.2, 0.05], 0.3)
    assert [(r["char_start"], r["action_type"]) for r in out] == [(B0, "attack"), (B0, "riot")]
    assert apply_votes([lead, body], [0.25, 0.25], 0.3) == [lead]  # the first of equals
    assert apply_votes([lead, body], [0.1, 0.2], 0.0) == [lead, body]


def test_train_anchor_learns_to_merge_restated_leads_cross_fitted(engine):
    """Articles whose lead restates the body's incident (gold: the body): merging the lead raises F1, so
    the step is kept with a merge model; with no such pattern it returns None and the rows unchanged."""
    held, rows = [], {}
    for k in range(40):
        aid = f"art{k}"
        v = article_view(TEXT, None, engine.lex)
        gold = [{"article_id": aid, "action_type": "attack", "evidence": BODY}]
        held.append(HeldArticle(aid, v, DETECTOR, gold, k % 5))
        rows[aid] = [dict(lead_row(), article_id=aid), dict(body_row(), article_id=aid)]
    models, decided, report = train_anchor(held, rows, 5)
    assert models is not None and models.merge is not None and models.merge_threshold > 0
    assert report["after"]["f1"] > report["before"]["f1"] and report["after"]["precision"] == 1.0
    assert all([r["char_start"] for r in decided[h.article_id]] == [B0] for h in held)
    # the gold codes both sentences: nothing to merge, the step stays off
    for h in held:
        h.gold.append({"article_id": h.article_id, "action_type": "attack", "evidence": LEAD})
    models, decided, report = train_anchor(held, rows, 5)
    assert models is None and decided == rows and report["after"] == report["before"]


def test_model_file_keeps_the_step(tmp_path: Path):
    from tests.test_extract_decision import model

    base = model("lead")
    step = AnchorModels(one_feature("lead", -4.0), 0.3)
    m = DecisionModel(**{**base.__dict__, "anchor": step})
    m.save(tmp_path / "m.json.gz")
    loaded = DecisionModel.load(tmp_path / "m.json.gz")
    assert loaded.anchor is not None and loaded.anchor.merge_threshold == 0.3
    assert loaded.anchor.merge.proba(["lead"])["yes"] == pytest.approx(step.merge.proba(["lead"])["yes"])
    base.save(tmp_path / "n.json.gz")
    assert DecisionModel.load(tmp_path / "n.json.gz").anchor is None
    # a file from before the move model was removed: loads when the move was off, is refused when it was on
    doc = json.loads(gzip.decompress((tmp_path / "m.json.gz").read_bytes()))
    for move, ok in ((None, True), ({"classes": ["no", "yes"], "features": [], "weights": [], "bias": [0, 0]}, False)):
        doc["anchor"].update(move=move, move_threshold=0.5)
        (tmp_path / "old.json.gz").write_bytes(gzip.compress(json.dumps(doc).encode()))
        if ok:
            assert DecisionModel.load(tmp_path / "old.json.gz").anchor.merge_threshold == 0.3
        else:
            with pytest.raises(InputFormatError, match="move model"):
                DecisionModel.load(tmp_path / "old.json.gz")


def test_the_layer_applies_the_step(engine):
    from tests.test_extract_decision import SILENT, constant

    def no_reread(_sentence, _published, _country):  # pragma: no cover - the gate keeps nothing here
        raise AssertionError("no sentence should be re-read")

    m = DecisionModel(version="dl-test", sentence=constant(("no", "yes"), "never", "yes"),
                      event=constant(("no", "yes"), "act=attack", "yes", weight=8.0),
                      types=constant(("attack", "riot"), "act=attack", "attack"), calibration=(1.0, 0.0),
                      keep_threshold=0.5, reread_threshold=0.99, detector=SILENT, detect_threshold=0.5,
                      detect_calibration=(1.0, 0.0))
    rows = [lead_row(), body_row()]
    layer = DecisionLayer(m, no_reread, engine.lex, split_places=False)
    kept = layer(rows, article_id="a", text=TEXT, title=None, published=dt.date(2025, 3, 3))
    assert [r["char_start"] for r in kept] == [0, B0]
    merged = DecisionModel(**{**m.__dict__, "anchor": AnchorModels(one_feature("lead", -4.0), 0.3)})
    kept = DecisionLayer(merged, no_reread, engine.lex, split_places=False)(
        rows, article_id="a", text=TEXT, title=None, published=dt.date(2025, 3, 3))
    assert [r["char_start"] for r in kept] == [B0]
