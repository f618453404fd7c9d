"""The learned decision layer: a trained model decides, per rule candidate, whether it is a specific event
reported as news and which action_type it is, and gives it a calibrated confidence.

- ``features``: what the model reads; ``linear``: softmax regression (numpy/scipy); ``model``: the versioned
  model file under data/models/; ``layer``: the decision itself; ``train``: `conflict-events train`;
  ``calibration``: the reliability table.
- ``detected``: the rows of events the sentence detector finds where the rules coded none.
- ``LearnedDecision`` is the engine component (after ``rows``) that applies it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pipeline.extract.candidate import ArticleContext
from pipeline.extract.components import Component, insert_after
from pipeline.extract.decision.calibration import apply_knots
from pipeline.extract.decision.detected import DetectedRows
from pipeline.extract.decision.layer import DecisionLayer, Reread
from pipeline.extract.decision.model import DecisionModel
from pipeline.extract.decision.regions import inherit_admin1, statements_unplaced
from pipeline.extract.decision.sides import inherit_actors, inherit_targets
from pipeline.extract.document import ArticleDoc
from pipeline.extract.engine import Engine
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.places import article_country
from pipeline.extract.resources import Resources
from pipeline.extract.version import rule_code_files, rules_digest
from pipeline.paths import resource_dir

MODEL_FILE = "decision.json.gz"
__all__ = ["MODEL_FILE", "DecisionModel", "GivenCountry", "LearnedDecision", "bundled_model_path", "code_digest",
           "decision_code_files", "rule_code_files", "rule_reread", "rules_digest", "with_model"]


def bundled_model_path() -> Path:
    """data/models/decision.json.gz of the checkout, or of the installed package's shared data."""
    return resource_dir("data/models") / MODEL_FILE


@dataclass(frozen=True)
class GivenCountry:
    """Component ``country`` for a sentence read on its own: the article's country when known (the article
    pass already voted over all its sentences), else the vote of ``ArticleCountry``."""

    res: Resources
    name: ClassVar[str] = "country"
    reads: ClassVar[tuple[str, ...]] = ("sentences", "source_country")
    writes: ClassVar[tuple[str, ...]] = ("context",)

    def __call__(self, doc: ArticleDoc) -> None:
        country = doc.source_country or article_country(self.res, doc.sentences, None)
        doc.context = ArticleContext(doc.article_id, doc.published, country)


def reread_components(rules: Engine) -> list[Component]:
    """The rule components for one sentence of an article already read: no domain gate (the article passed
    it; one sentence never holds three domain cues) and the article's country (``GivenCountry``)."""
    out: list[Component] = []
    for c in rules.components:
        if c.name == "domain":
            continue
        out.append(GivenCountry(rules.resources) if c.name == "country" else c)
    return out


def rule_reread(rules: Engine) -> Reread:
    """Code one sentence on its own with the rule engine (offsets relative to the sentence)."""
    engine = Engine(rules.lex, rules.gaz, use_dateparser_fallback=rules.use_fallback,
                    min_confidence=rules.min_confidence, morph_forms=rules.morph,
                    components=reread_components(rules))

    def reread(sentence: str, published: dt.date, country: str | None) -> list[dict[str, Any]]:
        return engine.extract(article_id="reread", text=sentence, title=None, published=published,
                              source_country=country)

    return reread


def decision_code_files() -> list[Path]:
    """The decision layer's code: every module here but ``commands`` (the card's text and change log)."""
    return sorted(p for p in Path(__file__).parent.glob("*.py") if p.name != "commands.py")


def code_digest() -> str:
    """Hash of the feature and model code (``decision_code_files``): a model trained by other code gets another
    version."""
    h = hashlib.sha256()
    for path in decision_code_files():
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class LearnedDecision:
    """Component ``learned_decision``: the rules' rows -> the rows the model accepts, typed and calibrated.

    ``reread`` codes a sentence alone with the rule components (for sentences the article pass coded nothing
    from); ``detected`` builds the rows of events the sentence detector finds in the document's clauses (none
    when it is None) and re-reads the roles of a rule row the model retypes; rows geocoded only to their country
    take the admin1 of the article's nearest event, statements none (``regions``); rows get ``extractor_version``
    "<rules>+<model version>", and asserted rows the model's final calibration of their confidence.
    """

    model: DecisionModel
    reread: Reread
    lexicons: Lexicons
    gazetteer: Any = None
    detected: DetectedRows | None = None
    name: ClassVar[str] = "learned_decision"
    reads: ClassVar[tuple[str, ...]] = ("text", "title", "published", "sentences", "context", "rows")
    writes: ClassVar[tuple[str, ...]] = ("rows",)

    def __call__(self, doc: ArticleDoc) -> None:
        layer = DecisionLayer(self.model, self.reread, self.lexicons, self.gazetteer)
        detected = self.detected
        propose = None if detected is None else (
            lambda start, end, action, conf, kept: detected(doc, start, end, action, conf, kept))
        if len(doc.rows) != len(doc.candidates):
            raise ValueError(f"learned_decision must run right after component rows: {len(doc.rows)} rows for "
                             f"{len(doc.candidates)} candidates in article {doc.article_id}")
        roles = None if detected is None else (  # doc.rows[i] is made from doc.candidates[i] (component ``rows``)
            lambda i, row, action: detected.roles(doc, i, row, action))
        rows = layer(doc.rows, article_id=doc.article_id, text=doc.text, title=doc.title, published=doc.published,
                     propose=propose, clauses=doc.sentences, roles=roles)
        rows = inherit_targets(inherit_actors(inherit_admin1(statements_unplaced(rows)), self.lexicons.demonyms))
        knots = self.model.final_calibration
        for r in rows:
            r["extractor_version"] = f"{r['extractor_version'].split('+')[0]}+{self.model.version}"
            if knots and r["modality"] == "asserted":
                r["confidence"] = round(apply_knots(knots, r["confidence"]), 4)
        doc.rows = rows


def with_model(rules: Engine, model: DecisionModel) -> Engine:
    """An engine running ``rules``' components, then ``LearnedDecision`` with ``model`` after ``rows``."""
    learned = LearnedDecision(model, rule_reread(rules), rules.lex, rules.gaz, DetectedRows.build(rules.resources))
    return Engine(rules.lex, rules.gaz, use_dateparser_fallback=rules.use_fallback,
                  min_confidence=rules.min_confidence, morph_forms=rules.morph,
                  components=insert_after(rules.components, "rows", learned))
