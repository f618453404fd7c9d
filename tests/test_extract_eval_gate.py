import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from eval_gate import check  # noqa: E402

from pipeline.extract.evaluate import AliasTable, score  # noqa: E402


def test_eval_gate_floors_hold():
    assert check() == []


def test_scorer_matching_and_aliases():
    text = "جملة أولى. جملة ثانية."
    gold = [{"article_id": "a", "action_type": "attack", "evidence": "جملة ثانية.", "event_date": "2025-01-01",
             "admin1": None, "country": "IQ", "actor_norm": "Iraqi Army", "target_norm": None, "fatalities": 0}]
    pred = [{"article_id": "a", "action_type": "attack", "char_start": 11, "char_end": 22, "event_date": "2025-01-01",
             "admin1": None, "country_code": "IQ", "actor1_norm": "Iraqi security forces", "actor2_norm": None,
             "fatalities": 0, "modality": "asserted"},
            {"article_id": "a", "action_type": "attack", "char_start": 0, "char_end": 10, "modality": "asserted"}]
    r = score(pred, gold, {"a": text}, AliasTable.load())
    assert r["overall"]["matched"] == 1 and r["overall"]["precision"] == 0.5
    assert r["overall"]["accuracy"]["actor1_norm"] == 1.0
