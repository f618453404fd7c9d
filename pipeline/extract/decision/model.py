"""The decision model file: four linear models, a calibration and two thresholds, versioned.

Stored as gzip'd JSON (mtime 0, sorted keys, weights rounded) so the same training run writes the same bytes
and a diff of two versions is readable.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import InputFormatError
from pipeline.extract.decision.article import ArticleStep
from pipeline.extract.decision.evidence import AnchorModels
from pipeline.extract.decision.features import GramIds, SentenceIds
from pipeline.extract.decision.linear import LinearModel, SharedVocab, logit, sigmoid
from pipeline.extract.decision.stack import Stack

MODEL_FORMAT = 2
_DECIMALS = 5
_MODELS = ("sentence", "event", "types", "detector")


@dataclass(frozen=True)
class DecisionModel:
    """What the decision layer needs: the sentence gate, the event and type models, calibration, thresholds.

    - ``sentence``: P(a sentence reports a codable event); sentences the rules coded nothing from are read
      again on their own when it reaches ``reread_threshold``.
    - ``event``: P(a candidate is a specific event reported as news, not background/generic/claimed/future).
    - ``types``: P(action_type | candidate).
    - ``calibration``: Platt (a, b) mapping logit(P(event) * P(type)) to P(the row is a correct event).
    - ``keep_threshold``: rows whose calibrated confidence is below it are dropped.
    - ``detector``: P(a sentence is the evidence of an event of each action_type, or of "none");
      ``detect_threshold`` on it proposes an event the rules did not code, ``detect_calibration`` (Platt on
      the logit of that probability) gives its confidence.
    - ``final_calibration``: knots of a monotone map applied last to every asserted row's confidence (kept
      candidates and detected rows together), fitted on the complete engine's out-of-fold rows.
    - ``anchor``: the evidence step's merge model with its threshold (None: off); see
      pipeline.extract.decision.evidence.
    - ``detect_thresholds``: action types whose detect threshold is their own; ``detect_alone_threshold``: the
      threshold in an article where no event was kept (None: the detector proposes nothing there).
    - ``article``: P(the article reports an event) with its thresholds, applied after the evidence step (None:
      off); see pipeline.extract.decision.article.
    - ``stack``: the keep decision and type of a candidate from P(event), P(type) and the detector's
      probabilities for its sentence together; its probability is the candidate's confidence instead of
      ``calibration``'s (None: off); see pipeline.extract.decision.stack.
    """

    version: str
    sentence: LinearModel
    event: LinearModel
    types: LinearModel
    calibration: tuple[float, float]
    keep_threshold: float
    reread_threshold: float
    detector: LinearModel
    detect_threshold: float
    detect_calibration: tuple[float, float]
    card: dict[str, Any] = field(default_factory=dict)
    final_calibration: tuple[tuple[float, float], ...] = ()
    anchor: AnchorModels | None = None
    detect_thresholds: tuple[tuple[str, float], ...] = ()  # (action_type, its own detect threshold)
    detect_alone_threshold: float | None = None  # detect in articles with no kept event from this up (None: never)
    article: ArticleStep | None = None
    stack: Stack | None = None

    @property
    def vocab(self) -> SharedVocab:
        """The four models' vocabularies behind one lookup (slots in ``_MODELS`` order), built on first use."""
        return self._scorers()[0]

    @property
    def sentence_ids(self) -> SentenceIds:
        """Sentence features as ``vocab`` ids (pipeline.extract.decision.features.SentenceIds)."""
        return self._scorers()[1]

    @property
    def grams(self) -> GramIds:
        """The detector's 4-gram features as integers (pipeline.extract.decision.features.GramIds)."""
        return self._scorers()[2]

    def _scorers(self) -> tuple[SharedVocab, SentenceIds, GramIds]:
        """Built once per model object and kept beside it (not in its fields: a model is still rebuilt from
        its ``__dict__`` or ``dataclasses.replace``)."""
        found = _SCORERS.get(id(self))
        if found is None or found[0] is not self:
            vocab = SharedVocab([getattr(self, name) for name in _MODELS])
            found = (self, vocab, SentenceIds(vocab), GramIds(vocab))
            if len(_SCORERS) >= _SCORERS_KEPT:
                _SCORERS.clear()
            _SCORERS[id(self)] = found
        return found[1], found[2], found[3]

    def confidence(self, p_event: float, p_type: float) -> float:
        a, b = self.calibration
        return sigmoid(a * logit(p_event * p_type) + b)

    def detect_confidence(self, p_detect: float) -> float:
        a, b = self.detect_calibration
        return sigmoid(a * logit(p_detect) + b)

    def save(self, path: Path) -> str:
        """Write the model file; returns its sha256."""
        doc = {"format": MODEL_FORMAT, "version": self.version, "calibration": list(self.calibration),
               "keep_threshold": self.keep_threshold, "reread_threshold": self.reread_threshold,
               "detect_threshold": self.detect_threshold, "detect_calibration": list(self.detect_calibration),
               "final_calibration": [list(k) for k in self.final_calibration],
               "detect_thresholds": [list(t) for t in self.detect_thresholds],
               "detect_alone_threshold": self.detect_alone_threshold,
               "card": self.card, "models": {name: _dump(getattr(self, name)) for name in _MODELS},
               "anchor": None if self.anchor is None else {
                   "merge": None if self.anchor.merge is None else _dump(self.anchor.merge),
                   "merge_threshold": self.anchor.merge_threshold},
               "article": None if self.article is None else {
                   "model": _dump(self.article.model), "add_threshold": self.article.add_threshold,
                   "floor": self.article.floor, "drop_threshold": self.article.drop_threshold},
               "stack": None if self.stack is None else {
                   "weights": list(self.stack.weights), "bias": self.stack.bias, "top_types": self.stack.top_types}}
        raw = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
            gz.write(raw)
        tmp.replace(path)
        return hashlib.sha256(path.read_bytes()).hexdigest()

    @classmethod
    def load(cls, path: str | Path) -> DecisionModel:
        p = Path(path)
        if not p.is_file():
            raise InputFormatError(f"decision model not found: {p} (build it with `conflict-events train`)")
        try:
            doc = json.loads(gzip.decompress(p.read_bytes()))
        except (OSError, ValueError) as exc:
            raise InputFormatError(f"{p}: not a decision model file ({exc})") from exc
        if doc.get("format") != MODEL_FORMAT:
            raise InputFormatError(f"{p}: model format {doc.get('format')!r}, expected {MODEL_FORMAT}")
        models = {name: _undump(doc["models"][name]) for name in _MODELS}
        a = doc.get("anchor")
        if a is not None and a.get("move") is not None:
            raise InputFormatError(f"{p}: the model uses the evidence step's move model, which was removed; "
                                   "retrain it with `conflict-events train`")
        anchor = None if a is None else AnchorModels(None if a["merge"] is None else _undump(a["merge"]),
                                                     a["merge_threshold"])
        s = doc.get("article")
        article = None if s is None else ArticleStep(_undump(s["model"]), s["add_threshold"], s["floor"],
                                                     s["drop_threshold"])
        st = doc.get("stack")  # absent in files written before the stacking step
        stack = None if st is None else Stack(tuple(st["weights"]), st["bias"], st["top_types"])
        return cls(version=doc["version"], calibration=tuple(doc["calibration"]),
                   keep_threshold=doc["keep_threshold"], reread_threshold=doc["reread_threshold"],
                   detect_threshold=doc["detect_threshold"], detect_calibration=tuple(doc["detect_calibration"]),
                   card=doc.get("card", {}),
                   final_calibration=tuple(tuple(k) for k in doc.get("final_calibration", [])), anchor=anchor,
                   detect_thresholds=tuple((str(a), float(t)) for a, t in doc.get("detect_thresholds", [])),
                   detect_alone_threshold=doc.get("detect_alone_threshold"), article=article, stack=stack,
                   **models)


_SCORERS: dict[int, tuple[DecisionModel, SharedVocab, SentenceIds, GramIds]] = {}  # id(model) -> its scorers
_SCORERS_KEPT = 8


def _dump(m: LinearModel) -> dict[str, Any]:
    features = sorted(m.vocab, key=m.vocab.__getitem__)
    return {"classes": list(m.classes), "features": features,
            "weights": np.round(m.weights.astype(np.float64), _DECIMALS).tolist(),
            "bias": np.round(m.bias.astype(np.float64), _DECIMALS).tolist()}


def _undump(d: dict[str, Any]) -> LinearModel:
    k = len(d["classes"])
    weights = np.asarray(d["weights"], dtype=np.float32).reshape(len(d["features"]), k)
    return LinearModel(tuple(d["classes"]), {f: i for i, f in enumerate(d["features"])}, weights,
                       np.asarray(d["bias"], dtype=np.float32))
