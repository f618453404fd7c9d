"""The engine's components: order, declared reads/writes, the ``decide`` seam, and components run alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

import pytest

from pipeline.extract.candidate import Candidate
from pipeline.extract.components import (
    build_pipeline,
    check_pipeline,
    component_names,
    insert_after,
    insert_before,
    run_pipeline,
)
from pipeline.extract.components.decide import ConfidenceThreshold
from pipeline.extract.components.evidence import ChooseEvidence
from pipeline.extract.components.frame import Frame
from pipeline.extract.components.restatements import MarkRestatements
from pipeline.extract.components.rows import MakeRows
from pipeline.extract.components.sentences import SplitSentences
from pipeline.extract.components.split import SplitByLocation
from pipeline.extract.document import ArticleDoc, Reading, Sentence
from pipeline.extract.engine import Engine
from pipeline.extract.lexicon import Match, Trigger
from pipeline.extract.tolls import Toll

DAY = dt.date(2025, 3, 3)
# two incidents in one sentence: a clause after «، فيما» with its own trigger and its own place
TWO_CLAUSES = ("استشهد ثلاثة فلسطينيين في غارة إسرائيلية على مخيم جباليا، فيما استشهد اثنان آخران في قصف استهدف "
               "مدرسة في بلدة بيت لاهيا. وقال شهود إن الطائرات حلقت فوق المنطقة.")
TWO_TOWNS = "قتل شخصان في قصف على بلدتي كفرنبل وحاس في ريف إدلب اليوم."
SPORT = ("شهدت أسواق صرواح، اليوم الاثنين، انفجاراً في أسعار الخضروات والفواكه مع حلول شهر رمضان. "
         "وقال أحد التجار إن الأسعار ارتفعت بنسبة تتجاوز 26 في المئة خلال أسبوع واحد، وإن السوق شهدت هجوماً "
         "من المشترين. وارتفعت أسعار اللحوم في السوق. وتراجعت أسعار الذهب في البورصة.")

DEFAULT_ORDER = ["sentences", "domain", "country", "restatements", "cues", "actors", "triggers", "events",
                 "title_actor", "subsume", "protest_policing", "evidence", "decide", "rows"]


def _doc(text: str, title: str | None = None) -> ArticleDoc:
    return ArticleDoc("t", text, title, DAY)


@dataclasses.dataclass(frozen=True)
class KeepFirst:
    """A stand-in for a learned decision: keeps the first candidate as a protest with confidence 0.42."""

    name: ClassVar[str] = "decide"
    reads: ClassVar[tuple[str, ...]] = ("candidates",)
    writes: ClassVar[tuple[str, ...]] = ("candidates", "candidates.action_type", "candidates.confidence")

    def __call__(self, doc: ArticleDoc) -> None:
        doc.candidates = doc.candidates[:1]
        for c in doc.candidates:
            c.action_type, c.confidence = "protest", 0.42


@dataclasses.dataclass
class Recorder:
    """Records what the candidates look like at its place in the pipeline."""

    seen: list = dataclasses.field(default_factory=list)
    name: ClassVar[str] = "recorder"
    reads: ClassVar[tuple[str, ...]] = ("candidates",)
    writes: ClassVar[tuple[str, ...]] = ()

    def __call__(self, doc: ArticleDoc) -> None:
        self.seen.append([(c.action_type, c.location_text, c.date, c.fatalities, c.evidence) for c in doc.candidates])


def test_default_pipeline_order_and_declared_reads(engine):
    assert component_names(engine.components) == DEFAULT_ORDER
    check_pipeline(engine.components)  # every read is an article input or written earlier
    assert all(dataclasses.is_dataclass(c) and c.__dataclass_params__.frozen for c in engine.components)


def test_check_pipeline_rejects_bad_orders(engine):
    rows_first = [engine.components[-1], *engine.components[:-1]]
    with pytest.raises(ValueError, match="component 'rows' reads context, candidates"):
        check_pipeline(rows_first)
    with pytest.raises(ValueError, match="two components named 'decide'"):
        check_pipeline([*engine.components[:-1], KeepFirst(), engine.components[-1]])
    with pytest.raises(ValueError, match="no component named 'decision'"):
        build_pipeline(engine.resources, {"decision": KeepFirst()})
    with pytest.raises(ValueError, match="component 'decide' given to replace 'rows'"):
        build_pipeline(engine.resources, {"rows": KeepFirst()})
    with pytest.raises(ValueError, match="no component named 'nope'"):
        insert_after(engine.components, "nope", Recorder())
    with pytest.raises(ValueError, match="component 'recorder' reads candidates"):
        insert_before(engine.components, "sentences", Recorder())


def test_decide_seam_replaces_the_confidence_threshold(engine):
    default = engine.extract(article_id="t", text=TWO_TOWNS, title=None, published=DAY)
    assert len(default) == 2
    learned = Engine(engine.lex, engine.gaz, components={"decide": KeepFirst()})
    assert component_names(learned.components) == DEFAULT_ORDER
    rows = learned.extract(article_id="t", text=TWO_TOWNS, title=None, published=DAY)
    assert [(r["action_type"], r["event_type"], r["confidence"]) for r in rows] == [("protest", "Protests", 0.42)]
    assert rows[0]["location_text"] == default[0]["location_text"]


def test_candidates_before_decide_carry_all_their_arguments(engine):
    recorder = Recorder()
    components = insert_before(engine.components, "decide", recorder)
    run_pipeline(components, _doc(TWO_TOWNS))
    [seen] = recorder.seen
    assert [(a, loc, d, f) for a, loc, d, f, _e in seen] == [
        ("airstrike_shelling", "كفرنبل", DAY, [2]), ("airstrike_shelling", "حاس", DAY, [2])]
    assert all(e == TWO_TOWNS for *_rest, e in seen)


def test_min_confidence_is_the_default_decision(engine):
    doc = engine.process(article_id="t", text=TWO_TOWNS, title=None, published=DAY)
    assert doc.candidates and all(c.confidence < 0.99 for c in doc.candidates)
    strict = dataclasses.replace(engine.resources, min_confidence=0.99)
    doc = run_pipeline(build_pipeline(strict), _doc(TWO_TOWNS))
    assert doc.candidates == [] and doc.rows == []


def test_sentences_component_cuts_incident_clauses(engine):
    doc = _doc(TWO_CLAUSES)
    SplitSentences(engine.resources)(doc)
    whole = TWO_CLAUSES.index(".") + 1
    assert [(s.start, s.end, s.evidence_span) for s in doc.sentences][:2] == [
        (0, TWO_CLAUSES.index("، فيما") + 1, (0, whole)), (TWO_CLAUSES.index("، فيما") + 1, whole, (0, whole))]
    assert doc.sentences[2].evidence_span is None


def test_clause_events_show_their_whole_sentence_as_evidence(engine):
    rows = engine.extract(article_id="t", text=TWO_CLAUSES, title=None, published=DAY)
    assert [r["location_text"] for r in rows] == ["مخيم جباليا", "بلدة بيت لاهيا"]
    sentence = TWO_CLAUSES[:TWO_CLAUSES.index(".") + 1]
    assert all(r["evidence"] == sentence and r["char_start"] == 0 for r in rows)
    assert [r["fatalities"] for r in rows] == [3, 2]


def test_evidence_component_keeps_a_clause_taken_over_by_a_later_sentence(engine):
    doc = _doc(TWO_CLAUSES)
    SplitSentences(engine.resources)(doc)
    second = doc.sentences[1]
    trigger = Trigger(("قصف",), "airstrike_shelling", None, "195", 0.9)
    own = _candidate(trigger, second.idx, second.start, second.end, created_in=second.idx)
    moved = _candidate(trigger, second.idx, second.start, second.end, created_in=0)  # rule E3 moved its span
    doc.candidates = [own, moved]
    ChooseEvidence()(doc)
    assert (own.start, own.end) == second.evidence_span
    assert (moved.start, moved.end) == (second.start, second.end)


def test_off_domain_article_stops_with_no_rows(engine):
    doc = engine.process(article_id="t", text=SPORT, title=None, published=DAY)
    assert doc.stopped == "off_domain"
    assert doc.context is None and doc.rows == []  # nothing after the gate ran


def test_restatements_component_marks_a_repeated_lead():
    lead = "قتل ثلاثة جنود في هجوم شنه مسلحون على حاجز للجيش في بلدة تل تمر"
    doc = _doc(f"{lead}. وذكر المصدر تفاصيل أخرى. و{lead}، بحسب المصدر.")
    SplitSentences(_resources())(doc)
    MarkRestatements()(doc)
    assert [s.restated for s in doc.sentences] == [False, False, True]


def test_split_component_makes_one_candidate_per_location():
    trigger = Trigger(("قصف",), "airstrike_shelling", None, "195", 0.9)
    sentence = Sentence(0, 0, 10, "قصف بلدتين", [0], [], None)
    frame = Frame(sentence, Reading("event"), main=Match(trigger, 0, 1), toll=Toll([2], [], False, [1], []),
                  date=DAY, action="airstrike_shelling", locations=[("X", None), ("Y", None)])
    SplitByLocation()(_doc("قصف بلدتين"), frame)
    assert [(c.location_text, c.fatalities, c.injured, c.date, c.created_in) for c in frame.new] == [
        ("X", [2], [1], DAY, 0), ("Y", [2], [1], DAY, 0)]
    assert frame.new[0].fatalities is not frame.new[1].fatalities  # each event owns its toll


def test_threshold_and_rows_components_alone(engine):
    trigger = Trigger(("هجوم",), "attack", None, "190", 0.8)
    doc = engine.process(article_id="t", text=TWO_TOWNS, title=None, published=DAY)
    doc.candidates = [_candidate(trigger, 0, 0, 5, confidence=0.3), _candidate(trigger, 0, 0, 5, confidence=0.7)]
    ConfidenceThreshold(dataclasses.replace(engine.resources, min_confidence=0.5))(doc)
    MakeRows(engine.resources)(doc)
    assert [(r["confidence"], r["action_type"], r["actor1_norm"]) for r in doc.rows] == [
        (0.7, "attack", "Unidentified")]


def test_components_keep_no_article_state(engine):
    first = engine.extract(article_id="a", text=TWO_CLAUSES, title=None, published=DAY)
    engine.extract(article_id="b", text=TWO_TOWNS, title="قوات الدعم السريع تقصف بلدتين", published=DAY)
    assert engine.extract(article_id="a", text=TWO_CLAUSES, title=None, published=DAY) == first
    with pytest.raises(dataclasses.FrozenInstanceError):
        engine.components[0].res = None


def _resources():
    from pipeline.extract.lexicon import Lexicons
    from pipeline.extract.resources import Resources

    return Resources(Lexicons.load(), None)


def _candidate(trigger: Trigger, idx: int, start: int, end: int, *, created_in: int = 0,
               confidence: float = 0.5) -> Candidate:
    return Candidate(action_type=trigger.action_type, trigger=trigger, trigger_text=trigger.pattern[0],
                     sentence_idx=idx, start=start, end=end, evidence="", modality="asserted", date=DAY,
                     date_precision="day", date_text=None, date_from_cue=False, actor1=None, actor2=None,
                     location_text=None, place=None, confidence=confidence, created_in=created_in)


def test_engine_runs_a_given_component_list(engine):
    recorder = Recorder()
    custom = Engine(engine.lex, engine.gaz, components=insert_after(engine.components, "evidence", recorder))
    assert component_names(custom.components)[-4:] == ["evidence", "recorder", "decide", "rows"]
    rows = custom.extract(article_id="t", text=TWO_TOWNS, title=None, published=DAY)
    assert len(rows) == len(recorder.seen[0]) == 2
    with pytest.raises(ValueError, match="component 'rows' reads"):
        Engine(engine.lex, engine.gaz, components=[engine.components[-1]])
