"""The stacking step of the decision layer: a candidate's keep decision and type read the sentence detector too."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace

import numpy as np

from pipeline.extract.decision.linear import LinearModel
from pipeline.extract.decision.model import DecisionModel
from pipeline.extract.decision.stack import FEATURES, Stack, best_types, fit_stack, stack_features
from tests.test_extract_detector import ARTICLE, layer_rows, model, voting


def detector_trusting() -> Stack:
    """Keeps a candidate only when the detector reads its sentence as an event of the candidate's type."""
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("detector_type")] = 1.0
    return Stack(tuple(weights), 0.0, top_types=2)


def unsure_event() -> LinearModel:
    """P(event) 0.5 for every candidate: Platt on P(event) * P(type) alone keeps nothing at 0.6."""
    return LinearModel(("no", "yes"), {}, np.zeros((0, 2), dtype=np.float32), np.array([0.0, 0.0], np.float32))


def test_the_features_read_the_detector_of_the_candidates_sentence():
    detector = {"none": 0.1, "attack": 0.7, "protest": 0.2}
    x = dict(zip(FEATURES, stack_features(0.5, 0.9, "attack", detector, rules_type="attack", reread=False,
                                          sentence=0, sentences=3), strict=True))
    assert x["detector_type"] > 0 > x["detector_none"] and x["detector_argmax"] == 1.0
    assert x["rules_type"] == 1.0 and x["lead"] == 1.0 and x["no_sentence"] == 0.0
    other = dict(zip(FEATURES, stack_features(0.5, 0.9, "protest", detector, rules_type="attack", reread=True,
                                              sentence=2, sentences=3), strict=True))
    assert other["detector_type"] < x["detector_type"] and other["detector_argmax"] == 0.0
    assert (other["rules_type"], other["reread"], other["position"]) == (0.0, 1.0, 1.0)
    assert stack_features(0.5, 0.9, "attack", None, rules_type="attack", reread=False, sentence=-1,
                          sentences=3)[FEATURES.index("no_sentence")] == 1.0


def test_the_detector_changes_the_keep_decision_and_the_type():
    stack = detector_trusting()
    types = {"attack": 0.6, "protest": 0.3, "riot": 0.1}
    args = {"rules_type": "attack", "reread": False, "sentence": 0, "sentences": 2}
    kept, action = stack.decide(0.5, types, {"none": 0.05, "attack": 0.9, "protest": 0.05}, **args)
    dropped, _ = stack.decide(0.5, types, {"none": 0.9, "attack": 0.05, "protest": 0.05}, **args)
    assert action == "attack" and kept > 0.8 > 0.2 > dropped
    # the detector reads a protest: the candidate takes its second type
    assert stack.decide(0.5, types, {"none": 0.05, "attack": 0.05, "protest": 0.9}, **args)[1] == "protest"
    # a type outside the types model's best two is never taken
    assert best_types(types, 2) == ["attack", "protest"]
    assert stack.decide(0.5, types, {"none": 0.05, "attack": 0.05, "riot": 0.9}, **args)[1] != "riot"


def test_the_layer_keeps_a_candidate_the_detector_confirms(engine):
    base = replace(model(voting("never", "protest")), event=unsure_event(), keep_threshold=0.6)
    lead = [r for r in layer_rows(engine, base) if r["char_start"] == 0]
    assert lead == []  # P(event) 0.5 * P(attack) ~1 -> Platt (1, 0) 0.5 < 0.6
    confirmed = replace(base, detector=voting("w=جنود", "attack"), stack=detector_trusting())
    (row,) = [r for r in layer_rows(engine, confirmed) if r["char_start"] == 0]
    assert row["action_type"] == "attack" and row["confidence"] > 0.9
    silent = replace(base, stack=detector_trusting())  # the detector reads no event there: dropped
    assert [r for r in layer_rows(engine, silent) if r["char_start"] == 0] == []
    assert ARTICLE.startswith(row["evidence"][:10])


def test_fit_stack_learns_to_trust_the_detector():
    rng = np.random.default_rng(0)
    x, y = [], []
    for _ in range(400):
        p_det = float(rng.uniform(0.01, 0.99))
        detector = {"none": 1 - p_det, "attack": p_det}
        x.append(stack_features(0.5, 0.9, "attack", detector, rules_type="attack", reread=False, sentence=1,
                                sentences=4))
        y.append(int(rng.uniform() < p_det))
    stack = fit_stack(x, y)
    assert stack.weights[FEATURES.index("detector_type")] > 0.3
    assert stack == fit_stack(x, y)  # deterministic


def test_the_stack_survives_the_model_file_and_old_files_load_without_it(tmp_path):
    m = replace(model(voting("w=جنود", "attack")), stack=detector_trusting())
    path = tmp_path / "m.json.gz"
    m.save(path)
    assert DecisionModel.load(path).stack == m.stack
    doc = json.loads(gzip.decompress(path.read_bytes()))
    del doc["stack"]
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    assert DecisionModel.load(path).stack is None
