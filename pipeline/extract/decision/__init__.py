"""The learned decision layer: a trained model decides, per rule candidate, whether it is a specific event
reported as news and which action_type it is, and gives it a calibrated confidence.

- ``features``: what the model reads; ``linear``: softmax regression (numpy/scipy); ``model``: the versioned
  model file under data/models/; ``layer``: the ``decide`` step; ``train``: `conflict-events train`.
- ``DecidingEngine`` wraps the rule engine: same ``extract`` signature, rows decided by the model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from pipeline.extract.decision.layer import DecisionLayer, Reread
from pipeline.extract.decision.model import DecisionModel

MODEL_DIR = Path(__file__).resolve().parents[3] / "data" / "models"
DEFAULT_MODEL = MODEL_DIR / "decision.json.gz"
__all__ = ["DEFAULT_MODEL", "MODEL_DIR", "DecidingEngine", "DecisionModel", "code_digest", "rule_reread"]


def rule_reread(engine: Any, article_id: str) -> Reread:
    """Code one sentence on its own with the rule engine (offsets relative to the sentence)."""

    def reread(sentence: str, published: dt.date, country: str | None) -> list[dict[str, Any]]:
        return engine.extract(article_id=article_id, text=sentence, title=None, published=published,
                              source_country=country)

    return reread


def code_digest() -> str:
    """Hash of the feature and model code: a model trained by other code gets another version."""
    h = hashlib.sha256()
    for name in ("features.py", "linear.py", "layer.py", "train.py"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()


class DecidingEngine:
    """The rule engine followed by the decision layer (rows keep the rule engine's columns)."""

    def __init__(self, engine: Any, model: DecisionModel, extractor_version: str) -> None:
        self.engine = engine
        self.model = model
        self.extractor_version = f"{extractor_version}+{model.version}"

    def extract(self, *, article_id: str, text: str, title: str | None, published: dt.date,
                source_country: str | None = None) -> list[dict[str, Any]]:
        rows = self.engine.extract(article_id=article_id, text=text, title=title, published=published,
                                   source_country=source_country)
        layer = DecisionLayer(self.model, rule_reread(self.engine, article_id), self.engine.lex)
        decided = layer(rows, article_id=article_id, text=text, title=title, published=published)
        for r in decided:
            r["extractor_version"] = self.extractor_version
        return decided
