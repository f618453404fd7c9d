"""The sentence detector of the decision layer: what it proposes, the rows it builds, how it is trained."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from pipeline import schema
from pipeline.extract.decision import DetectedRows, reread_components, rule_reread
from pipeline.extract.decision.detected import date_rereads
from pipeline.extract.decision.layer import (
    DecisionLayer,
    article_view,
    detections,
    detector_inputs,
    unasserted_mentions,
)
from pipeline.extract.decision.linear import LinearModel, fit
from pipeline.extract.decision.model import DecisionModel
from pipeline.extract.decision.train import (
    choose_alone,
    choose_detector,
    choose_per_type,
    event_scores,
    kept_rows,
    type_counts,
    with_detections,
)

PUBLISHED = dt.date(2025, 3, 3)
LEAD = "قتل ثلاثة جنود في هجوم شنه مسلحون على نقطة للجيش في بلدة المقدادية اليوم."
# No rule trigger: the rules code nothing from it, but it reports a protest.
MARCH = "وخرج آلاف المواطنين إلى شوارع مدينة الموصل رافعين لافتات تطالب بمحاسبة المسؤولين، وأصيب اثنان منهم."
RECAP = "وكانت المدينة قد شهدت أحداثا مماثلة العام الماضي."
ARTICLE = f"{LEAD}\n{MARCH}\n{RECAP}"
CLASSES = ("none", "attack", "protest")


def voting(feature: str, winner: str) -> LinearModel:
    """A detector whose feature ``feature`` votes for ``winner``; "none" wins otherwise."""
    w = np.zeros((1, len(CLASSES)), dtype=np.float32)
    w[0, CLASSES.index(winner)] = 6.0
    bias = np.zeros(len(CLASSES), dtype=np.float32)
    bias[0] = 1.0
    return LinearModel(CLASSES, {feature: 0}, w, bias)


def keep_all() -> LinearModel:
    return LinearModel(("no", "yes"), {}, np.zeros((0, 2), dtype=np.float32), np.array([0.0, 5.0], np.float32))


def types_attack() -> LinearModel:
    return LinearModel(("attack", "protest"), {}, np.zeros((0, 2), dtype=np.float32),
                       np.array([5.0, 0.0], np.float32))


def model(detector: LinearModel, threshold: float = 0.5) -> DecisionModel:
    return DecisionModel(version="dl-test", sentence=voting("never", "attack"), event=keep_all(), types=types_attack(),
                         calibration=(1.0, 0.0), keep_threshold=0.3, reread_threshold=0.99, detector=detector,
                         detect_threshold=threshold, detect_calibration=(1.0, 0.0))


def layer_rows(engine, m: DecisionModel, text: str = ARTICLE) -> list[dict]:
    doc = engine.process(article_id="a", text=text, title=None, published=PUBLISHED)
    detected = DetectedRows.build(engine.resources)
    return DecisionLayer(m, rule_reread(engine), engine.lex, engine.gaz)(
        doc.rows, article_id="a", text=text, title=None, published=PUBLISHED,
        propose=lambda s, e, a, c, kept: detected(doc, s, e, a, c, kept))


def test_the_rules_code_nothing_from_the_march(engine):
    rows = engine.extract(article_id="a", text=ARTICLE, title=None, published=PUBLISHED)
    start = ARTICLE.index(MARCH)
    assert rows and all(r["char_end"] <= start or r["char_start"] >= start + len(MARCH) for r in rows)


def test_detector_proposes_a_row_for_a_sentence_without_trigger(engine):
    rows = layer_rows(engine, model(voting("w=شوارع", "protest")))
    start = ARTICLE.index(MARCH)
    protest = [r for r in rows if r["action_type"] == "protest"]
    assert len(protest) == 1
    r = protest[0]
    assert (r["char_start"], r["char_end"]) == (start, start + len(MARCH)) and r["evidence"] == MARCH
    assert r["modality"] == "asserted" and r["article_id"] == "a" and 0.5 < r["confidence"] < 1.0
    assert (r["event_type"], r["sub_event_type"]) == schema.ACTION_TO_ACLED["protest"]
    assert r["location_text"] and "الموصل" in r["location_text"] and r["country_code"] == "IQ"
    assert r["admin1"] == "Nineveh"
    assert r["injured"] == 2 and r["fatalities"] == 0
    lead = next(x for x in rows if x["action_type"] == "attack" and x["char_start"] == 0)
    # no date stated in the sentence: the date of the article's kept event before it
    assert (r["event_date"], r["date_precision"]) == (lead["event_date"], lead["date_precision"])
    assert r["date_text"] is None
    coded = {f.name: f.allowed for f in schema.TABLE_FIELDS["events"] if f.allowed}
    assert [(k, r[k]) for k, allowed in coded.items() if r.get(k) is not None and r[k] not in allowed] == []
    assert any(x["action_type"] == "attack" and x["char_start"] == 0 for x in rows)  # the rules' event stays


@pytest.mark.parametrize("sentence,date,text", [
    # the day, not the first of last month (a coarse period of a recalled event, rule D4)
    ("وخرج أمس آلاف المواطنين إلى شوارع مدينة الموصل رافعين لافتات تطالب بإلغاء قرارات الشهر الماضي، وأصيب اثنان "
     "منهم.", dt.date(2025, 3, 2), "أمس"),
    # no date of its own: the day of the announcement
    ("وأعلنت الشرطة أمس أن آلاف المواطنين خرجوا إلى شوارع مدينة الموصل رافعين لافتات، وأصيب اثنان منهم.",
     dt.date(2025, 3, 2), "أمس"),
])
def test_a_detected_row_is_dated_by_the_rules_date_chain(engine, sentence, date, text):
    rows = layer_rows(engine, model(voting("w=شوارع", "protest")), f"{LEAD}\n{sentence}")
    (r,) = [r for r in rows if r["action_type"] == "protest"]
    assert (r["event_date"], r["date_precision"], r["date_text"]) == (date, "day", text)


def test_a_reread_row_without_a_date_takes_the_nearest_event_dated_from_the_text():
    def row(start: int, date: dt.date, text: str | None, trigger: str | None = "قصف") -> dict:
        return {"char_start": start, "char_end": start + 10, "event_date": date, "date_text": text,
                "date_precision": "day" if text else "month", "trigger_text": trigger}

    lead = row(0, dt.date(2025, 3, 2), "أمس")
    undated_pass = row(20, PUBLISHED, None)  # the article pass found no date: it stays
    reread = row(40, PUBLISHED, None)
    detected = row(60, PUBLISHED, None, trigger=None)  # dated by ``DetectedRows`` itself
    out = date_rereads([lead, undated_pass, reread, detected], [lead, undated_pass])
    assert out[:2] == [lead, undated_pass] and out[3] == detected
    assert (out[2]["event_date"], out[2]["date_precision"]) == (dt.date(2025, 3, 2), "day")
    assert date_rereads([reread], []) == [reread]  # no event dated from the text: the publication date stays


def test_negative_sentences_and_covered_types_get_no_detected_row(engine):
    start = ARTICLE.index(MARCH)
    silent = layer_rows(engine, model(voting("never", "protest")))
    assert not any(r["char_start"] == start for r in silent)
    # the lead already has a kept attack row: the detector's attack there adds nothing
    rows = layer_rows(engine, model(voting("w=جنود", "attack")))
    assert sum(r["action_type"] == "attack" and r["char_start"] == 0 for r in rows) == 1


def test_no_detected_row_in_an_article_where_nothing_was_kept(engine):
    text = f"{MARCH}\n{RECAP}"
    assert layer_rows(engine, model(voting("w=شوارع", "protest")), text) == []


def test_with_an_alone_threshold_the_detector_proposes_where_nothing_was_kept(engine):
    text = f"{MARCH}\n{RECAP}"
    m = replace(model(voting("w=شوارع", "protest")), detect_alone_threshold=0.9)
    (r,) = layer_rows(engine, m, text)
    assert r["action_type"] == "protest" and r["evidence"] == MARCH and r["trigger_text"] is None
    assert layer_rows(engine, replace(m, detect_alone_threshold=0.999), text) == []


def test_a_detected_row_without_a_place_or_kept_row_takes_the_town_an_earlier_sentence_named(engine):
    # no kept row to inherit from: the town the nearest earlier sentence named, as the rules' place step does
    text = ("وكانت مدينة الموصل قد شهدت أحداثا مماثلة العام الماضي.\n"
            "وخرج آلاف المواطنين رافعين لافتات تطالب بمحاسبة المسؤولين.")
    m = replace(model(voting("w=لافتات", "protest")), detect_alone_threshold=0.9)
    (r,) = layer_rows(engine, m, text)
    assert r["action_type"] == "protest" and "الموصل" in r["location_text"] and r["admin1"] == "Nineveh"


def test_a_type_with_its_own_detect_threshold_is_cut_by_it(engine):
    start = ARTICLE.index(MARCH)
    m = model(voting("w=شوارع", "protest"))
    assert any(r["char_start"] == start for r in layer_rows(engine, m))
    own = replace(m, detect_thresholds=(("protest", 0.999),))
    assert not any(r["char_start"] == start for r in layer_rows(engine, own))
    assert any(r["char_start"] == start for r in layer_rows(engine, replace(m, detect_thresholds=(("attack", 0.999),))))


def test_a_detected_row_without_a_place_takes_the_article_event_place(engine):
    text = f"{LEAD}\nوخرج آلاف المواطنين رافعين لافتات تطالب بمحاسبة المسؤولين."
    rows = layer_rows(engine, model(voting("w=لافتات", "protest")), text)
    lead = next(r for r in rows if r["action_type"] == "attack")
    protest = next(r for r in rows if r["action_type"] == "protest")
    assert protest["location_text"] == lead["location_text"] and protest["admin1"] == lead["admin1"]


def test_detections_respect_the_threshold_and_kept_types(engine):
    view = article_view(ARTICLE, None, engine.lex)
    probs = [{"none": 0.2, "attack": 0.7, "protest": 0.1}, {"none": 0.3, "protest": 0.6, "attack": 0.1},
             {"none": 0.9, "attack": 0.05, "protest": 0.05}]
    kept = [{"action_type": "attack", "char_start": 0, "char_end": len(LEAD)}]
    assert detections(probs, view, kept, 0.5) == [(1, "protest", 0.6)]
    assert detections(probs, view, kept, 0.5, per_type={"protest": 0.65}) == []
    assert detections(probs, view, kept, 0.7, per_type={"protest": 0.55}) == [(1, "protest", 0.6)]
    assert detections(probs, view, kept, 0.65) == []
    assert detections(probs, view, [], 0.5) == []


def test_detections_skip_a_sentence_whose_rules_mention_of_the_type_is_not_asserted(engine):
    """The rules read the march as a protest that did not happen (negated): the detector does not assert one
    there; a mention of another type does not block it, and neither does one in another sentence."""
    view = article_view(ARTICLE, None, engine.lex)
    probs = [{"none": 0.2, "attack": 0.7}, {"none": 0.3, "protest": 0.6}, {"none": 0.9}]
    kept = [{"action_type": "attack", "char_start": 0, "char_end": len(LEAD)}]
    march = view.sentences[1]
    negated = [{"action_type": "protest", "char_start": march.start, "char_end": march.end}]
    assert detections(probs, view, kept, 0.5, unasserted=negated) == []
    assert detections(probs, view, [], 0.5, alone=0.5, unasserted=negated) == [(0, "attack", 0.7)]
    other = [dict(negated[0], action_type="riot")]
    assert detections(probs, view, kept, 0.5, unasserted=other) == [(1, "protest", 0.6)]
    lead = [dict(negated[0], char_start=0, char_end=len(LEAD))]
    assert detections(probs, view, kept, 0.5, unasserted=lead) == [(1, "protest", 0.6)]
    assert unasserted_mentions([dict(negated[0], modality="negated", evidence="x"),
                                dict(kept[0], modality="asserted")]) == negated


def test_detector_features_read_what_the_rules_coded(engine):
    view = article_view(ARTICLE, "احتجاجات في الموصل", engine.lex)
    rows = engine.extract(article_id="a", text=ARTICLE, title=None, published=PUBLISHED)
    feats = detector_inputs(view, rows)
    assert len(feats) == len(view.sentences) == 3
    assert "rulecand=attack" in feats[0] and "rulecand=none" in feats[1]
    assert any(f.startswith("c4=") for f in feats[1]) and any(f.startswith("title_share=") for f in feats[1])
    # each trigger type with each cue kind of the sentence, and the cue kinds of the sentence before
    assert "trig_cue=attack|kill" in feats[0] and not any(f.startswith("trig_cue=") for f in feats[1])
    assert not any(f.startswith("prev_cue=") for f in feats[0])
    assert "prev_cue=kill" in feats[1] and "prev_cue=injure" in feats[2]


def test_prediction_counts_a_feature_once_as_training_does():
    m = fit([["a", "b"], ["a"], ["c"], ["c", "b"]] * 3, ["x", "x", "y", "y"] * 3, l2=0.5, min_count=1)
    assert m.proba(["a", "a", "a", "b"]) == m.proba(["a", "b"])


def test_reread_skips_the_domain_gate_and_takes_the_article_country(engine):
    names = [c.name for c in reread_components(engine)]
    assert "domain" not in names and "country" in names and names[-1] == "rows"
    rows = rule_reread(engine)("قصفت الطائرات بلدة سرمان اليوم.", PUBLISHED, "SY")
    assert rows and rows[0]["country_code"] == "SY"


class _Article:
    def __init__(self, article_id: str, view, gold, fold: int = 0):
        self.article_id, self.view, self.gold, self.fold = article_id, view, gold, fold
        self.candidates = []
        self.unasserted = []


class _Held:
    def __init__(self, article, detector):
        self.article, self.candidates, self.detector = article, [], detector


def test_detector_threshold_is_chosen_on_strict_event_f1(engine):
    """Out of fold, the detector's threshold is the one that maximises the scorer's event F1."""
    view = article_view(ARTICLE, None, engine.lex)
    gold = [{"article_id": "a", "action_type": "attack", "evidence": LEAD},
            {"article_id": "a", "action_type": "protest", "evidence": MARCH}]
    art = _Article("a", view, gold)
    held = [_Held(art, [{"none": 0.9, "attack": 0.1}, {"none": 0.4, "protest": 0.6},
                        {"none": 0.55, "protest": 0.45}])]
    kept = [[{"article_id": "a", "action_type": "attack", "char_start": 0, "char_end": len(LEAD),
              "confidence": 0.9, "source": "rules"}]]
    assert event_scores(held, kept)["recall"] == 0.5
    threshold, (a, _b), scores = choose_detector(held, kept)
    assert 0.45 < threshold <= 0.6 and scores["f1"] == 1.0 and scores["detected"] == 1
    assert a > 0  # calibration: higher detector probability, more often right
    rows = with_detections(held[0], kept[0], 0.4)
    assert [r["source"] for r in rows] == ["rules", "detector", "detector"]
    assert kept_rows(held[0], lambda r: r, 0.5) == []


def _detected_rows_and_same_type_neighbours(engine, gold_set: str, *, modality: str | None):
    """(article, detected row, rows of its type overlapping its sentence) for every asserted detected row the
    bundled engine codes on ``gold_set``; ``modality`` limits the neighbours to rows of that modality."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "gold" / gold_set / "articles.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        art = json.loads(line)
        rows = engine.extract(article_id=art["id"], text=art["text"], title=art.get("title"),
                              published=dt.date.fromisoformat(art["published"][:10]))
        for r in rows:
            if r["trigger_text"] is None and r["modality"] == "asserted":
                same = [x for x in rows if x is not r and x["action_type"] == r["action_type"]
                        and x["char_start"] < r["char_end"] and r["char_start"] < x["char_end"]
                        and (modality is None or x["modality"] == modality)]
                yield art, r, same


@pytest.mark.parametrize("gold_set", ["train_blind"])
def test_bundled_detector_rows_come_from_sentences_with_no_kept_row_of_their_type(deciding_engine, gold_set):
    detected = 0
    for art, r, same in _detected_rows_and_same_type_neighbours(deciding_engine, gold_set, modality="asserted"):
        detected += 1
        assert same == [] and r["evidence"] == art["text"][r["char_start"]:r["char_end"]]
    assert detected > 0  # the bundled detector proposes events on blind-coded news


def test_detector_does_not_assert_what_the_rules_read_as_not_asserted_in_its_sentence(deciding_engine):
    assert [(art["id"], r["action_type"]) for art, r, same
            in _detected_rows_and_same_type_neighbours(deciding_engine, "train_blind", modality=None) if same] == []


def _lead_kept(article_id: str) -> list[dict]:
    return [{"article_id": article_id, "action_type": "attack", "char_start": 0, "char_end": len(LEAD),
             "confidence": 0.9, "source": "rules"}]


def test_a_type_gets_its_own_detect_threshold_when_it_raises_f1_in_every_fold(engine):
    """The march (gold protest) reaches only 0.3 and the recap (no event) 0.35 as an attack: a protest cut
    below the global 0.5 finds the march in every fold; an attack cut that low would add the recap."""
    view = article_view(ARTICLE, None, engine.lex)
    held, kept = [], []
    for k in range(10):  # two articles per fold
        gold = [{"article_id": f"a{k}", "action_type": "attack", "evidence": LEAD},
                {"article_id": f"a{k}", "action_type": "protest", "evidence": MARCH}]
        held.append(_Held(_Article(f"a{k}", view, gold, fold=k % 5),
                          [{"none": 0.9, "attack": 0.1}, {"none": 0.7, "protest": 0.3},
                           {"none": 0.65, "attack": 0.35}]))
        kept.append(_lead_kept(f"a{k}"))
    counts = type_counts(held, kept)
    assert counts[(0, "attack")] == (2, 2, 0) and (0, "protest") not in counts
    cuts, report = choose_per_type(held, kept, 0.5)
    assert set(cuts) == {"protest"} and cuts["protest"] <= 0.3
    assert report["global_f1"] < report["cross_fitted_f1"] == 1.0


def test_the_detector_proposes_in_an_article_with_no_kept_event_only_above_its_own_threshold(engine):
    """With nothing kept, the march (0.8, gold protest) is proposed; the threshold stays above the negative
    article's 0.6, which no row may reach (0 rows per negative article allowed with one negative)."""
    view = article_view(ARTICLE, None, engine.lex)
    gold = [{"article_id": "p", "action_type": "protest", "evidence": MARCH}]
    held = [_Held(_Article("p", view, gold), [{"none": 0.9}, {"none": 0.2, "protest": 0.8}, {"none": 0.9}]),
            _Held(_Article("n", view, []), [{"none": 0.4, "protest": 0.6}, {"none": 0.9}, {"none": 0.9}])]
    assert detections(held[0].detector, view, [], 0.5, alone=0.7) == [(1, "protest", 0.8)]
    cut, report = choose_alone(held, [[], []], 0.5, {})
    assert cut is not None and 0.6 < cut <= 0.8
    assert report["after"]["matched_added"] == 1 and report["after"]["events_per_negative_article"] == 0.0


def test_a_detected_row_takes_the_region_its_sentence_names_not_the_dateline_town(engine):
    # the dateline's town (Algiers, where the report was filed) was the most specific place of the sentence;
    # the rules' place step reads the region after the trigger (Setif), and so does the detector now
    text = ("الجزائر – قتل ثلاثة جنود في هجوم شنه مسلحون على نقطة للجيش في ولاية سطيف شرقي البلاد اليوم، "
            "وخرج آلاف المواطنين رافعين لافتات تطالب بمحاسبة المسؤولين.")
    rows = layer_rows(engine, model(voting("w=لافتات", "protest")), text)
    attack = next(r for r in rows if r["action_type"] == "attack")
    protest = next(r for r in rows if r["action_type"] == "protest")
    assert attack["admin1"] == "Setif"
    assert (protest["country_code"], protest["admin1"]) == ("DZ", "Setif") and "سطيف" in protest["location_text"]


def test_a_detected_row_whose_sentence_names_only_its_dateline_takes_the_dateline_place(engine):
    # «بغداد – ...»: where the report was filed, before the place of a later kept event (Diyala)
    text = f"بغداد – خرج آلاف المواطنين رافعين لافتات تطالب بمحاسبة المسؤولين.\n{LEAD}"
    rows = layer_rows(engine, model(voting("w=لافتات", "protest")), text)
    attack = next(r for r in rows if r["action_type"] == "attack")
    protest = next(r for r in rows if r["action_type"] == "protest")
    assert attack["admin1"] == "Diyala"
    assert protest["admin1"] == "Baghdad" and protest["location_text"] == "بغداد"
