"""Inter-annotator agreement: the second coder's events scored against the first coder's, article by article.

Same rule as the engine's scorer (pipeline.extract.evaluate.score): an event of one coder matches an event of
the other in the same article with the same action_type and overlapping evidence, one-to-one. Also reported:
type agreement over evidence-overlapping pairs whatever their type, and date/admin1/country agreement over
matched pairs. Run: .venv/bin/python tests/gold/blind/agreement/agreement.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from pipeline.extract.evaluate import score  # noqa: E402

BLIND = ROOT / "tests" / "gold" / "blind"
PARTS = ("maghreb", "sahel_gulf", "levant")


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def as_prediction(g: dict, text: str) -> dict:
    start = text.find(g["evidence"])
    return {"article_id": g["article_id"], "action_type": g["action_type"], "char_start": start,
            "char_end": start + len(g["evidence"]), "event_date": g["event_date"], "admin1": g["admin1"],
            "country_code": g["country"], "actor1_norm": g["actor_norm"], "actor2_norm": g["target_norm"],
            "fatalities": g["fatalities"], "modality": "asserted"}


def type_agreement(first: list[dict], second: list[dict], texts: dict[str, str]) -> tuple[int, int]:
    """Pairs of events whose evidence overlaps (one-to-one, largest overlap first) and how many share a type."""
    pairs = []
    for i, a in enumerate(first):
        ta = texts[a["article_id"]]
        sa = ta.find(a["evidence"])
        for j, b in enumerate(second):
            if b["article_id"] != a["article_id"]:
                continue
            sb = ta.find(b["evidence"])
            ov = min(sa + len(a["evidence"]), sb + len(b["evidence"])) - max(sa, sb)
            if ov > 0:
                pairs.append((a["action_type"] == b["action_type"], ov, i, j))
    used_a, used_b, same, n = set(), set(), 0, 0
    for s, _ov, i, j in sorted(pairs, reverse=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            n += 1
            same += s
    return same, n


def main() -> dict:
    second = read(BLIND / "second_coder" / "gold_events.jsonl")
    coded = set(json.loads((BLIND / "second_coder" / "coded_ids.json").read_text()))
    articles = [a for p in PARTS for a in read(BLIND / p / "articles.jsonl") if a["id"] in coded]
    first = [g for p in PARTS for g in read(BLIND / p / "gold_events.jsonl") if g["article_id"] in coded]
    texts = {a["id"]: a["text"] for a in articles}
    result = score([as_prediction(g, texts[g["article_id"]]) for g in second], first, texts)
    same, n = type_agreement(first, second, texts)
    o = result["overall"]
    out = {"articles": len(articles), "first_coder_events": len(first), "second_coder_events": len(second),
           "event_f1": o["f1"], "precision": o["precision"], "recall": o["recall"],
           "type_agreement_on_overlapping_pairs": round(same / n, 4) if n else None, "overlapping_pairs": n,
           "matched_field_agreement": o["accuracy"]}
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
