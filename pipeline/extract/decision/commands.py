"""`conflict-events train`: rebuild data/models/decision.json.gz and its model card from the gold sets."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

from pipeline.errors import InputFormatError

logger = logging.getLogger(__name__)
GOLD_DIR = Path(__file__).resolve().parents[3] / "tests" / "gold"
# Real-structure blind-coded sets and the project's own synthetic ones; thresholds come from the first kind.
TRAINING_SETS = ("train", "train_blind", "fresh", "fresh2", "fresh3", "fresh4")
CALIBRATION_SETS = ("train", "train_blind")
REPORT_SETS = ("dev",)


def register_train(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("train", help="rebuild the learned decision model from the gold sets")
    p.add_argument("--gold-dir", default=str(GOLD_DIR), help="folder of gold sets (<set>/articles.jsonl ...)")
    p.add_argument("--sets", default=",".join(TRAINING_SETS), help="comma-separated training sets")
    p.add_argument("--calibrate-on", default=",".join(CALIBRATION_SETS),
                   help="sets whose out-of-fold predictions choose calibration and thresholds")
    p.add_argument("--output", help="model file (default: data/models/decision.json.gz)")
    p.add_argument("--score-test", action="store_true",
                   help="also score the frozen test split (once per round of changes; never tune on it)")
    p.set_defaults(handler=run_train, settings_overrides=lambda a: {"extract": {"decision_model": ""}})


def _set_paths(gold_dir: Path, name: str) -> tuple[str, Path, Path]:
    a, g = gold_dir / name / "articles.jsonl", gold_dir / name / "gold_events.jsonl"
    if not a.is_file() or not g.is_file():
        raise InputFormatError(f"gold set {name!r} not found under {gold_dir} (needs articles.jsonl, "
                               "gold_events.jsonl)")
    return name, a, g


def run_train(args: argparse.Namespace, settings: Any) -> int:
    from pipeline.extract import build_rule_engine
    from pipeline.extract.decision import bundled_model_path, code_digest, rule_reread, rules_digest, with_model
    from pipeline.extract.decision.train import train

    gold_dir = Path(args.gold_dir)
    sets = [_set_paths(gold_dir, n) for n in args.sets.split(",") if n]
    rules = build_rule_engine(settings)

    def rule_rows(a: dict[str, Any]) -> list[dict[str, Any]]:
        return rules.extract(article_id=a["id"], text=a["text"], title=a.get("title"),
                             published=dt.date.fromisoformat(a["published"][:10]))

    engines: dict[str, Any] = {}  # one engine per out-of-fold model (their versions differ)

    def decide(model: Any, a: dict[str, Any]) -> list[dict[str, Any]]:
        if model.version not in engines:
            engines[model.version] = with_model(rules, model)
        return engines[model.version].extract(article_id=a["id"], text=a["text"], title=a.get("title"),
                              published=dt.date.fromisoformat(a["published"][:10]))

    model = train(sets, rule_rows, rule_reread(rules), rules.lex,
                  calibrate_on=[n for n in args.calibrate_on.split(",") if n], code_digest=code_digest(),
                  rules_digest=rules_digest(), decide=decide)
    output = Path(args.output) if args.output else bundled_model_path()
    model.save(output)
    from pipeline.extract.decision.model import DecisionModel

    model = DecisionModel.load(output)  # score what was written (weights are rounded on disk)
    deciding = with_model(rules, model)
    report = [n for n in REPORT_SETS if (gold_dir / n / "articles.jsonl").is_file()]
    if args.score_test:
        report.append("test")
    scores = {n: {"rules": _score(rules, gold_dir, n), "model": _score(deciding, gold_dir, n)} for n in report}
    card = output.with_name(output.name.split(".")[0] + ".md")
    card.write_text(model_card(model, scores), encoding="utf-8")
    sha = __import__("hashlib").sha256(output.read_bytes()).hexdigest()
    print(f"model {model.version} -> {output} (sha256 {sha[:16]}), card -> {card}", file=sys.stderr)
    for n, s in scores.items():
        print(f"{n}: rules F1 {s['rules']['overall']['f1']:.3f} -> with model {s['model']['overall']['f1']:.3f}")
    return 0


def _score(engine: Any, gold_dir: Path, name: str) -> dict[str, Any]:
    from pipeline.extract.decision.calibration import reliability
    from pipeline.extract.evaluate import read_gold, score

    articles = read_gold(gold_dir / name / "articles.jsonl")
    gold = read_gold(gold_dir / name / "gold_events.jsonl")
    pred = []
    for a in articles:
        pred += [dict(r, article_id=a["id"]) for r in engine.extract(
            article_id=a["id"], text=a["text"], title=a.get("title"),
            published=dt.date.fromisoformat(a["published"][:10]))]
    texts = {a["id"]: a["text"] for a in articles}
    result = score(pred, gold, texts)
    table, ece = reliability(pred, gold, texts)
    result["reliability"] = {"bins": [b.__dict__ for b in table], "ece": ece}
    return result


def _oof_table(oof: dict[str, Any]) -> list[str]:
    """Out-of-fold strict event scores without and with the detector, overall and per action type."""
    if not oof:
        return []
    before, after = oof["without_detector"], oof["with_detector"]
    lines = ["## Out of fold (strict event matching, calibration sets)", "",
             f"- without the detector: F1 {before['f1']:.3f} (P {before['precision']:.3f} / R {before['recall']:.3f}), "
             f"{before['events_per_negative_article']:.3f} events per negative article",
             f"- with the detector: F1 {after['f1']:.3f} (P {after['precision']:.3f} / R {after['recall']:.3f}), "
             f"{after['events_per_negative_article']:.3f} events per negative article; {after['detected']} rows "
             f"detected, {after['detected_correct']} of them correct", "",
             "| action type | gold | F1 without | F1 with |", "|---|---|---|---|"]
    for t, s in after["per_type"].items():
        b = before["per_type"].get(t, {"f1": 0.0})
        lines.append(f"| {t} | {s['gold']} | {b['f1']:.3f} | {s['f1']:.3f} |")
    return [*lines, ""]


# What changed the final out-of-fold figures (train + train_blind), measured when each change was made; a record
# for the card, not recomputed by this run.
CHANGE_LOG = (
    "## Changes measured out of fold (final rows; kept only when F1 did not fall)",
    "",
    "- measured first (model dl1-e1c6c71000 code): F1 0.541 (P 0.492 / R 0.603), date 0.881, admin1 0.728, "
    "ECE 0.063, 0.154 events per negative article",
    "- detected rows without a stated date take the nearest kept event's date (was: the publication date): "
    "detected rows' date accuracy 0.806 -> 0.903, all rows 0.881 -> 0.888; F1 unchanged",
    "- final isotonic calibration over all asserted rows: ECE 0.063 -> 0.027 (cross-fitted); F1 unchanged",
    "- country-level rows inherit the nearest same-country admin1: admin1 0.728 -> 0.753 (dev 0.929 -> 0.952); "
    "F1 unchanged",
    "- place split stops at verbs and directions («بلدة تقع»): F1 0.541 -> 0.544 (P 0.492 -> 0.497)",
    "- evidence step (pipeline/extract/decision/evidence.py; baseline: the same code without it, rerun): the "
    "learned merge drops rows of an incident another row codes (place-split copies and second rules rows in a "
    "sentence, a lead restating a body row): F1 0.5399 -> 0.5475 (P 0.514 -> 0.558, R 0.569 -> 0.538), "
    "0.118 -> 0.108 events per negative article, date 0.892 -> 0.896, admin1 0.844 -> 0.857, cross-fitted on "
    "the final rows; spurious rows duplicate 135 -> 92, wrong sentence 177 -> 160, no event 326 -> 237, but "
    "missed as candidate dropped 181 -> 229; dev 0.715 -> 0.701 (57 gold events). Its move model (a row to the "
    "sentence that carries its incident) lowered F1 at every threshold (0.3 .. 0.8; also with features of the "
    "row's own sentence) and is off; richer merge features (confidence gap, headline overlap, trigger, "
    "sentence words) gave 0.544 .. 0.549, not kept",
    "- tried, not kept: one kept row per sentence and type (F1 0.5444 -> 0.5438; 0.506 when applied to "
    "all rows), dropping the rows of articles whose best row is weak (0.154 -> 0.038 events per negative article "
    "but F1 0.513; 0.537 at 0.115), splitting detected rows by place (0.531), a second type per candidate "
    "(<= 0.537 on the candidates' OOF), a statement trigger for detected rows (the detector never proposes one), "
    "lexicon cues for past and judicial sentences (0.543), other keep / detect thresholds (<= 0.541), a lower "
    "re-read gate (F1 +0.002 but date accuracy -0.012), arrests in a named sweep («حملة أمنية») typed "
    "security_operation by the rules (0.5437; 0.254 events per negative article)",
    "- tried, not kept (issue 10 types round, this code measured first: F1 0.5399, P 0.514 / R 0.569, "
    "0.118 events per negative article): type-cue word classes as features (sweep / arrest / clash / "
    "assault / crowd ...; F1 0.5400, 0.148 per negative article); lexicon entries for uncovered "
    "statement / agreement / meeting / deployment / security_operation gold with an agreement / meeting "
    "gate that accepts an accord or an official when no actor is known (F1 0.5516, R 0.635, 0.226); both "
    "(F1 0.5580, R 0.638; agreement 0.42 -> 0.58, statement 0.39 -> 0.54, security_operation 0.31 -> "
    "0.37; 0.180): the keep threshold falls and the extra rows reach negative articles of every type "
    "(entries written from train gold: optimistic)",
    "- round 7 data (train_blind 931 -> 1181 articles: gulfmag7, thin7, nile8, multi8) with the code of round 6, "
    "measured first: F1 0.5488 (P 0.516 / R 0.586), date 0.886, admin1 0.843, ECE 0.016, 0.097 events per "
    "negative article",
    "- event-date rules (announcement day, «أول من أمس», «الليلة الماضية», future weekdays, another event's "
    "older date) and place rules (travel destinations, «الواقعة غرب ...», article variants of multi-word names), "
    "with the evidence step: F1 0.5537, date 0.886 -> 0.920, admin1 0.843 -> 0.864, but the F1-best keep "
    "threshold fell to 0.196 and events per negative article rose to 0.151",
    "- keep threshold limited to 0.10 out-of-fold candidates per negative article: F1 0.5537 -> 0.5581 "
    "(P 0.524 -> 0.556), events per negative article 0.151 -> 0.089, date 0.927, admin1 0.862",
    "- tried again with that limit, not kept: the types round's features, lexicon entries and gate gave F1 "
    "0.5631 (0.094 per negative article), but its entries were written from train gold; on the four round-7 "
    "parts its author never saw, rules-only F1 fell 0.398 -> 0.387 and rows in negative articles rose 71 -> 89",
    "- the evidence step's move model (off at every measured threshold) and its training removed: final figures "
    "unchanged (F1 0.5581, date 0.927)",
    "- one date chain (dates.event_day: stated, announced, continued, published) for the rules' and the detector's "
    "rows, and rows re-read from a sentence alone with no date of their own dated by the article's nearest kept "
    "event dated from the text (they took the publication date; 24 of 87 such matched rows wrong): date "
    "0.927 -> 0.941 (detected rows 0.908 -> 0.934, rules rows 0.929 -> 0.942), F1 0.5581 -> 0.5590 (P 0.556 -> "
    "0.567, R 0.560 -> 0.551; merge threshold 0.20 -> 0.25), 0.089 -> 0.086 events per negative article, ECE "
    "0.019 -> 0.017; dev 0.707 -> 0.690 (57 gold events). The chain alone (without the re-read rows) left every "
    "figure unchanged",
    "- round-8 place rules (talks and deals at the dateline's place, named capitals, origins, quoted group names, "
    "town lists of another clause, «بلدية»/«إمارة» as division words, «في إطار» not Atar, «فرقة» not Raqqa, 89 "
    "curated Maghreb and Gulf towns): rules-only train_blind admin1 0.828 -> 0.846 (Gulf/Yemen 0.848 -> 0.890, "
    "Maghreb 0.788 -> 0.835); out of fold admin1 0.862 -> 0.862, F1 0.5581 -> 0.5575; on the five round-8 parts "
    "before they were trained on, rules-only F1 0.330 -> 0.334, rows in negative articles 104 -> 100",
    "- five more blind train-only parts (gulfmag9, mixed9, levsahel9, thin9, yemlib9: 316 articles, 352 events, 93 "
    "negatives; train + train_blind 1,382 -> 1,698 articles). The round-7 code on the new data: F1 0.5502 (P 0.535 "
    "/ R 0.566), date 0.922, admin1 0.853, 0.075 events per negative article; the round-8 code: F1 0.5493 (P 0.540 / "
    "R 0.559), date 0.935, admin1 0.860, 0.091 (the keep cut fell 0.327 -> 0.318)",
    "- keep threshold limited to 0.07 out-of-fold candidates per negative article instead of 0.10: F1 0.5493 -> "
    "0.5489, events per negative article 0.091 -> 0.073, ECE 0.022 -> 0.017 (0.05: F1 0.5382, 0.052)",
    "- after the frozen test split was scored with dl1-b436d7bed2 (F1 0.504): one negative article removed from "
    "mixed9 (ic053, the same page levsahel9 coded as id044; the shared URL check failed the gold builds) and "
    "Syria's SY-14 named Tartus, the gold's spelling (the gazetteer-convention test); retrained as dl1-c850517c20: "
    "out of fold F1 0.5489 -> 0.5492, admin1 0.859 -> 0.858; the frozen test split, scored again only to report the "
    "shipped model: F1 0.503, ECE 0.101",
    "- round 9, measured first: the round-9 rules together (role rules: no target for protests, withdrawals, "
    "statements and agreements, bombs and kidnappings never coded to state forces, a clash's first-named side as "
    "actor1, more demonyms and group labels; dates: one split of reporting dates, the lead's day for undated "
    "events, re-read rows dated by a dropped rules row, recalled days that do not re-date; places: launch sites, "
    "neighbours across a border, «المغرب الإسلامي», kept rows in reading order; speed, byte-identical): F1 0.5492 -> "
    "0.5470 (P 0.553 -> 0.583, R 0.545 -> 0.515), date 0.934 -> 0.952, admin1 0.858 -> 0.864, events per negative "
    "article 0.073 -> 0.071, ECE 0.018 -> 0.016 (separately: the date rules 0.5492 -> 0.5491 with date 0.948; the "
    "place rules 0.5505 with admin1 0.866; the role rules' first version, with default sides, 0.5414)",
    "- tried, not kept (round 9, against 0.5470): the sentence's character 4-grams in the event and types models "
    "(0.5469, P 0.566 / R 0.530); article-level candidate features (candidates and sentences of its type, first of "
    "its type, headline trigger of its type; 0.5455); folds by coder part instead of by article (trained without "
    "levsahel9 and yemlib9: out of fold 0.5528 -> 0.5414, and on those two parts as unseen text F1 0.558 -> 0.542, "
    "ECE 0.099 -> 0.085, both within the 0.070 a calibrated confidence shows there by chance)",
    "- per-type detect thresholds (a type's own cut when it adds at least two matched rows' worth of F1; cross-fitted "
    "0.5584 against 0.5594 for the global cut): F1 0.5470 -> 0.5520 (P 0.583 -> 0.572, R 0.515 -> 0.533), events "
    "per negative article 0.071, detected rows 290 (128 correct); with them, the detector proposing, from "
    "probability 0.5, in articles where no event was kept (while rows per negative article stay <= 0.09): F1 0.5520 "
    "-> 0.5624 (P 0.572 -> 0.581, R 0.533 -> 0.545), events per negative article 0.071 -> 0.078, admin1 0.862 -> "
    "0.856, detected rows 290 -> 346 (170 correct)",
    "- round 10, the detector no longer asserts an event in a sentence whose rules mention of its type is read as "
    "not asserted (negated, hypothetical, ...; train_blind p006 and ie025 got an abduction the rules read as "
    "negated): F1 0.5624 -> 0.5622 (P 0.5810 -> 0.5811, R 0.5450 -> 0.5445; in articles with no kept event 62 -> 61 "
    "detected rows, 42 -> 41 correct), date 0.952, admin1 0.856, events per negative article 0.078 unchanged; with "
    "it, a rules row the model retypes takes the perpetrator and target the rules' role reading gives its new type "
    "(the round-9 tune set, train_blind without levsahel9 and yemlib9, with dl1-0b099ff34b: actor 0.517 -> 0.528, "
    "target 0.473 -> 0.489; no change to which rows are kept), and reading the lead's dates once per article "
    "leaves every row byte-identical",
    "- tried, not kept (round 10, against 0.5622): in fold 0 (357 held-out articles) 40 of 58 gold events missed "
    "with a rules candidate over their evidence lie in positive articles where nothing at all was kept (59 of 249 "
    "positive articles); keeping such an article's most confident candidate from a second, lower cut chosen out of "
    "fold found no cut within 0.07 candidates per negative article (the keep threshold already spends that "
    "limit): final F1 0.5622 unchanged",
    "- round 10, places (geo10): the detector's place read by the rules' place step in its sentence (a town before a "
    "place named only in the dateline, before a country; an earlier kept row's town before a bare country), 69 "
    "curated towns from the training sets' admin1 errors, a sentence's fronted town or region as its place, demonyms "
    "in the countries lexicon: F1 0.5624 -> 0.5646 (P 0.581 -> 0.577, R 0.545 -> 0.553), admin1 0.856 -> 0.890 "
    "(detected rows 0.735 -> 0.860, rules rows 0.876 -> 0.895), date 0.952 -> 0.950, events per negative article "
    "0.078 -> 0.076",
    "- four more blind train-only parts (maglev10, gulfsah10, levnile10, thinmix10: 205 articles, 282 events, 55 "
    "negatives; train + train_blind 1,697 -> 1,902 articles). The round-9 code on the new data: F1 0.5621 (P 0.556 / "
    "R 0.568), date 0.948, admin1 0.851, 0.081 events per negative article; before they were trained on, the round-9 "
    "model met them as unseen text at F1 0.499 (P 0.544 / R 0.461), admin1 0.815, 7 events in 55 negative articles",
    "- round 10 merged (the changes above, a byte-identical speed pass, Bahrain's BH-17 named Northern), model "
    "dl1-a6b4a2ab79: F1 0.5621 -> 0.5650 (P 0.574 / R 0.557), date 0.951, admin1 0.851 -> 0.892, events per negative "
    "article 0.081 -> 0.079, ECE 0.007 after the final calibration",
    "- round 11, measured first (this code with the layer naming each rules row by its index instead of id(row); rows "
    "byte-identical): F1 0.5650 (P 0.5737 / R 0.5565), date 0.951, admin1 0.892, 0.079 events per negative article. "
    "Of 2,539 gold events 363 lie in 267 positive articles that got no row at all; their best candidate's confidence "
    "tells them from the 478 negative articles with no row at AUC 0.75 only",
    "- round 11, article step (pipeline/extract/decision/article.py: P(the article reports an event) from its "
    "candidates' confidences and types, the detector's two highest probabilities, its headline and lead words; "
    "cross-fitted AUC 0.93 on those articles): the best candidate of an article with no row kept from P 0.95 (its "
    "confidence from 0.2), rows dropped below P 0.2: F1 0.5650 -> 0.5697 (P 0.5737 -> 0.5718, R 0.5565 -> 0.5675), "
    "events per negative article 0.079 -> 0.077, date 0.951, admin1 0.892 -> 0.890, ECE after the final calibration "
    "0.007 -> 0.017; missed as candidate dropped 367 -> 318; dev 0.724 -> 0.735 (the three thresholds are chosen on "
    "the same out-of-fold rows they are scored on)",
    "- tried, not kept (round 11, against 0.5650): the detector in articles with no kept event tried from 0.3 "
    "(was 0.5; it chose 0.45): F1 0.5655, 0.081 events per negative article, ECE 0.012; simulated on the final "
    "out-of-fold rows: a second, lower keep threshold for candidates in articles with a kept row (best 0.5667 at "
    "0.28, 0.089 per negative article; only for types already kept 0.5669, 0.085), the same for sentences listing "
    "several places, split per place (<= 0.5624), the evidence step's merge with features comparing a row with its "
    "siblings (a finer or coarser place, a sibling's sentence listing places, confidence and detector rank; 0.5650)",
    "- round 11, dates and places (geodate11; the lead's day one step of dates.event_day's chain, one way to read a "
    "clause's dates, «في اليوم التالي» not «today», a new item of a round-up («ومن جهة أخرى», «وفي سياق آخر») takes "
    "neither the event before's date nor the lead's, a night's events that lasted «حتى فجر السبت» dated the day "
    "before, «البقاع الشمالي» in Baalbek-Hermel, «عين التينة» in Lebanon in Beirut): F1 0.5650 -> 0.5656 (P 0.5737 ->"
    " 0.5883, R 0.5565 -> 0.5447; the detect threshold rose 0.175 -> 0.275), date 0.9505 -> 0.9508, admin1 0.8924 -> "
    "0.8915, events per negative article 0.079 -> 0.077",
    "- four more blind train-only parts (levmag11, gulfsahel11, thinmash11, magsahel11: 213 articles, 284 events, 69 "
    "negatives; train + train_blind 1,902 -> 2,115 articles). The round-10 code on the new data: F1 0.5654 (P 0.5637 "
    "/ R 0.5671), date 0.946, admin1 0.880, 0.075 events per negative article; before they were trained on, the "
    "round-10 model met them as unseen text at F1 0.488 (P 0.554 / R 0.437), date 0.919, admin1 0.815, 3 events in 69"
    " negative articles (recall11's model with the article step, trained without them: 0.490, 4 events)",
    "- round 11 merged (the changes above, a byte-identical speed pass of the scoring, BH-17 named Northern "
    "Governorate and JO-MN Ma'an), model dl1-e902204d52: F1 0.5654 -> 0.5694 (P 0.5637 -> 0.5619, R 0.5671 -> "
    "0.5770), date 0.946 -> 0.947, admin1 0.880, events per negative article 0.075 -> 0.068, ECE 0.013 after the "
    "final calibration",
    "- round 12, one row per incident (sentence12): the evidence step's merge never drops every row of a type "
    "(the type's best-voted row stays; the cross-fitted merge threshold rose 0.2 -> 0.25): F1 0.5694 -> 0.5700 (P "
    "0.5619 -> 0.5714, R 0.5770 -> 0.5685), date 0.947 -> 0.949, admin1 0.880 -> 0.878, events per negative article "
    "0.068 -> 0.068, ECE after the final calibration 0.013 -> 0.008; rows matching nothing as duplicate 141 -> 120, no "
    "event 534 -> 490, gold missed as wrong sentence 402 -> 414; dev 0.723 -> 0.729",
    "- tried, not kept (round 12, against 0.5694): merge features for a lead that summarises a set of places "
    "(clarification 10: «سبع قرى», «عدة محافظات», «في مديريات ...») and for the body rows below it: F1 0.5695, "
    "0.070 events per negative article; simulated on the final out-of-fold rows: dropping such leads when the body "
    "has a row of their type (0.5693), moving a row whose place is named only in a later sentence there (0.556), "
    "moving a type's lone body row to a lead with a trigger of its type (0.532). Of the 402 gold events missed as "
    "wrong sentence, 146 are places a body names below a lead summarising them (the engine codes the lead once), "
    "74 one incident the engine codes in the lead and the gold in a detail sentence, 46 the reverse, 61 an "
    "incident in a list sentence with the engine's row elsewhere, 14 a detected row on a neighbouring sentence, 13 "
    "a second row of an incident already matched, 48 other body sentences",
    "- round 12, tried, not kept (cand12, against 0.5694 with the same code otherwise): candidate features of the "
    "trigger's clause (the nearest clause opener such as «حين», «بعد», «الذي» in the 4 words before it), its tense "
    "by prefix (future, imperfect, other), the sentence's cue kinds with the candidate's type and the previous "
    "sentence's cue kinds and same-type trigger: the candidates' own out-of-fold F1 (before the detector) 0.5396 -> "
    "0.5313, final F1 0.5694 -> 0.5700 (P 0.5619 -> 0.5559, R 0.5770 -> 0.5848), events per negative article 0.068 "
    "-> 0.073; missed as candidate dropped 347 -> 322 but rows of the wrong type 269 -> 293, duplicates 141 -> 149",
    "- round 12, detector features (cand12): each trigger type of a sentence with each of its cue kinds and the "
    "previous sentence's cue kinds: out of fold with the detector 0.5586 -> 0.5591, final F1 0.5694 -> 0.5707 (P "
    "0.5619 -> 0.5526, R 0.5770 -> 0.5902), date 0.947 -> 0.945, admin1 0.880 -> 0.878, events per negative article "
    "0.068 -> 0.068; missed as candidate dropped 347 -> 324, rows matching no event 534 -> 584, duplicates 141 -> "
    "166; dev 0.723 -> 0.711 (57 gold events)",
    "- round 12, places (geo12): a statement gets no admin1 (the gold sets give 88 of 118 statements of train + "
    "train_blind none; the place stays as read): tune-part admin1 0.853 -> 0.870, rows otherwise unchanged; Maghreb "
    "and Gulf places the training errors named (Nouakchott's moughataas, «مقاطعة الرياض» only with «مقاطعة», "
    "Mauritanian wilaya towns, Bahrain's villages, Kuwait's Taima, Morocco's Assa-Zag, Mahbes, Algiers' suburbs): "
    "on the round-11 data admin1 in the Maghreb 0.811 -> 0.823 for F1 0.5691 -> 0.5684 (reverted by its author, "
    "measured again by the lead on the round-12 data, below)",
    "- round 12, the lead's merge, on the round-12 data (train + train_blind: 2,565 articles with 450 new blind "
    "ones, 143 of them negative; the new parts hold harder negatives, so every figure is measured again): the "
    "round-11 code F1 0.5633 (P 0.5436, R 0.5844), date 0.943, admin1 0.870, 0.096 events per negative article; "
    "with the merge rule, the date mend and admin1-free statements, without the detector features: 0.5636 (P "
    "0.5434, R 0.5853), 0.096; with the detector features: 0.5663 (P 0.5489, R 0.5847), date 0.944, admin1 0.871, "
    "0.093; with them and the Maghreb and Gulf places (kept): 0.5669 (P 0.5644, R 0.5695), date 0.944, admin1 "
    "0.870, 0.095, ECE 0.006 after the final calibration; dev 0.709, 0.709, 0.698, 0.715",
    "- round 12, after the test split was scored: the dense gram table's limit 4 M -> 8 M keys (round 12's grams "
    "use 48 characters, a few Latin capitals among them: 5.8 M keys, which had turned the table off and made "
    "every gram lookup a binary search; `tests/test_extract_speed.py` caught it in CI); the code edit renamed the "
    "model dl1-0ca2e2934c -> dl1-a0fc452fbb: the same weights, event rows on train_blind + dev identical apart "
    "from `extractor_version` (3,740 lines); the test line below was measured with dl1-0ca2e2934c",
    "- tried, not kept (round 12, split13, against 0.5669 on the round-12 data): of the 485 gold events missed as "
    "wrong sentence, 352 lie below an unmatched lead row of their type, and for 238 of them the rules made no row "
    "on the body sentence (78 read as an elaboration of the lead and merged into it, 104 follow-ups without a "
    "trigger of their own, 42 background); a rule step coding such a body sentence as its own event, one per "
    "place, when the lead counts places or names a province (rules alone 0.368 -> 0.378 on train + train_blind) "
    "gave final F1 0.5664 (P 0.5593, R 0.5736), 0.093 events per negative article, duplicates 125 -> 150: the "
    "decision layer kept both the lead and the body rows; dev 0.715 -> 0.732",
    "- round 13, stacking (stack13; pipeline/extract/decision/stack.py): a candidate's confidence and type (of the "
    "types model's two best) from a logistic model over P(event), P(type), the detector's P(type), P(none) and "
    "highest P for its sentence, whether its type is the detector's best and the rules', re-read, lead and position, "
    "fitted on the out-of-fold probabilities and cross-fitted by fold (it replaces Platt on P(event) * P(type)): "
    "candidates out of fold F1 0.5342 -> 0.5546 (P 0.599 -> 0.617, R 0.482 -> 0.503); final F1 0.5669 -> 0.5791 "
    "(P 0.5644 -> 0.5853, R 0.5695 -> 0.5731), events per negative article 0.095 -> 0.092, date 0.9439 -> 0.9395, "
    "admin1 0.8704 -> 0.8676 (over the 1,802 gold events both match: date 0.9428 -> 0.9434, admin1 0.8718 -> "
    "0.8690; the 116 newly matched have date 0.879), ECE after the final calibration 0.006 -> 0.015; rows of the "
    "wrong type 309 -> 237, no event 598 -> 541, duplicates 125 -> 147, missed as candidate dropped 408 -> 443. "
    "Tried, not kept: the type from the types model alone (the stack deciding the keep only): 0.5757 (P 0.571 / R "
    "0.581), 0.086, date 0.9398, admin1 0.8703; without the lead and position features: 0.5748, 0.085",
    "- round 13, geo13 (places; against 0.5669, rows scored with the old pairing): Western Sahara as EH with no "
    "admin1, Morocco and Western Sahara sharing a hint, the dateline's city over a small homonym, tribes, «ورقة», "
    "«الحراك»: F1 0.5669 -> 0.5657 (P 0.5644 -> 0.5558, R 0.5695 -> 0.5760; merge threshold 0.275 -> 0.225), "
    "admin1 0.870 -> 0.877 (Maghreb 0.803 -> 0.827, Gulf and Yemen 0.866 -> 0.876), date 0.944 -> 0.945, events "
    "per negative article 0.095 -> 0.081; without the dateline rule 0.5655, admin1 0.875. Not kept: the scorer "
    "pairing equal evidence overlaps by place (admin1 0.8945 -> 0.9004 on the same rows): it would move the "
    "yardstick away from earlier rounds' and the external judges' scorer",
    "- round 13, lead13 (tried, not kept; branch issue10-lead13): a rule component `summary` coding body "
    "sentences below a lead that summarises an incident over places as their own events (one per town the lead's "
    "place covers), the evidence step dropping a summarising lead row when kept body rows code the places it covers "
    "(`summary_body`, chosen cross-fitted) and merge features for leads with later rows of their type: best final "
    "F1 0.5669 -> 0.5683 (P 0.5604, R 0.5763), 0.095 -> 0.084 events per negative article, admin1 0.870 -> 0.879, "
    "but date 0.9439 -> 0.9414 (body rows took the lead's date) and duplicates 125 -> 156, wrong-sentence misses "
    "485 -> 482; the evidence-step changes alone 0.5663-0.5673",
    "- round 14, stack14 (tried, not kept; branch issue10-stack14; against 0.5964 on the round-13 data): "
    "article-context features for the stack, from the cross-fitted first-stage probabilities of the article's "
    "candidates (rank and gap to the best candidate of its type, same-type candidates and their sentences, a "
    "same-type candidate in the lead, first mention of its place, own date / place / toll, the detector's best "
    "P(type) elsewhere, the only candidate): all eleven F1 0.5866 (P 0.6209, R 0.5558), 0.084 events per negative "
    "article; without rank, gap and only-candidate 0.5852, 0.087: the stack grew more precise and kept fewer "
    "candidates. Kept: one `stack.typed_features` for training and inference (rows byte-identical)",
    "- round 14, geo14 (places; against 0.5964 on the round-13 data): Algeria's ten wilayas of 2019/2021 coded in "
    "the former wilaya the gold sets use, DZ.EM / DZ.MG swapped back, «بترا» (the Jordanian news agency) no longer "
    "Petra, Somali towns and spellings from the training errors: F1 0.5964 -> 0.5948 (P 0.6251 -> 0.6315, R 0.5702 "
    "-> 0.5622), admin1 0.8695 -> 0.874, date 0.9426 -> 0.942, events per negative article 0.083 -> 0.082. Tried "
    "and reverted: border events keeping no dateline town, a dateline naming a country whose capital bears its name"
    " read as that capital, quoted outlet names as no place (with them F1 0.5936, admin1 0.8735, 0.087)",
    "- round 14, speed14 (rows byte-identical): the sentence gate and the detector in one product, small id tables "
    "for the detector's word features, one trigger window per candidate: about 1.03x in paired runs",
    "- eighteen more blind train-only parts (round 14: 855 articles, 1,142 events, 248 negatives; train + "
    "train_blind 3,201 -> 4,056 articles). Before they were trained on, the round-13 model met them as unseen text "
    "at F1 0.614 (P 0.625 / R 0.603), date 0.945, admin1 0.858, 31 events in 248 negative articles (0.125), ECE "
    "0.037 (0.026 by chance); rules alone 0.415. The round-13 code on the new data: F1 0.6097 (P 0.6228 / R "
    "0.5971), date 0.943, admin1 0.863 (Maghreb 0.817), 0.081 events per negative article",
    "- round 14 merged (geo14's places, the stack and layer mends, speed14), model dl1-6991f253e1: F1 0.6097 -> "
    "0.6108 (P 0.6262 / R 0.5961), date 0.943, admin1 0.863 -> 0.871 (Maghreb 0.817 -> 0.841), events per negative "
    "article 0.081 -> 0.083, ECE 0.010 after the final calibration",
    "- round 15, dec15 (rows byte-identical): one `stack.stack_inputs` for the layer and training's held-out "
    "candidates, the detector's probabilities computed once, lazily, one name for the stack's types. Tried, not kept "
    "(against 0.6108 on the round-14 data): character 3-5-grams of the trigger word and the two words each side in "
    "the event and types models (F1 0.6074, P 0.6317 / R 0.5850, 0.081 events per negative article); per-type keep "
    "thresholds chosen cross-fitted within the negative-article limit (arrest_raid 0.35, attack 0.275, riot 0.2; "
    "F1 0.6071, P 0.6250 / R 0.5902, 0.081)",
    "- round 15, fields15 (the fields of matched events; against 0.6108 on the round-14 data): the toll from a kill "
    "word's own ending and dual nouns («مقتلهما», «قتلت مسيّرة شخصين»), kill cues behind «ب»/«ل» and «تحييد», "
    "«تنديداً بمقتل» as a protest's cause, attackers' deaths in every type's toll, place-split copies keeping a toll "
    "of 0: F1 0.6108 -> 0.6107 (P 0.6262 -> 0.6344, R 0.5961 -> 0.5887), 0.083 -> 0.080 events per negative "
    "article, date 0.9427 -> 0.9423, fatalities accuracy over matched pairs 0.800 (first measured out of fold); "
    "with the round-14 model on train_blind fatalities 0.749 -> 0.804. After the decision (no feature reads them), "
    "a row naming no first actor takes the country's protesters (protest, riot) or the actor of the article's "
    "nearest row of its type, and a row of a targeted type naming no target that row's target, else Civilians for "
    "an attack or an abduction: on train_blind with the round-14 model actor 0.537 -> 0.562, target 0.441 -> 0.465 "
    "(the final out-of-fold rows carry them). Not kept: alias-table entries for state forces (a change of the "
    "scorer, not of the engine)",
    "- round 15, geo15 (places; against 0.6108 on the round-14 data): a dateline's city over a same-named country of "
    "another land («عمّان» Amman, not Oman), small foreign sites after «موقع/ثكنة/قاعدة» kept, the Maghreb's "
    "«ڨ»/«ڤ» normalised, about 60 curated towns and divisions from the training errors (Sahel, Maghreb, Yemen, the "
    "Horn, Lebanon, northern Israel), Nigeria's Niger State, Morocco's 2015 regions for Midelt and Sidi Ifni: F1 "
    "0.6108 -> 0.6102 (P 0.6262 -> 0.6312, R 0.5961 -> 0.5906), admin1 0.8708 -> 0.8869 (Sahel 0.807 -> 0.865, "
    "Maghreb 0.841 -> 0.859, Gulf and Yemen 0.872 -> 0.887, Nile and Horn 0.867 -> 0.880), date 0.9427 -> 0.9431, "
    "0.083 -> 0.084 events per negative article (the towns come from the same training errors: optimistic)",
    "- fifteen more blind train-only parts (round 15: 755 articles, 945 events, 221 negatives; train + train_blind "
    "4,056 -> 4,811 articles). Before they were trained on, the round-14 model met them as unseen text at F1 0.632 "
    "(P 0.651 / R 0.615), date 0.926, admin1 0.881, 17 events in 221 negative articles (0.077), ECE 0.032 (0.029 "
    "by chance); rules alone 0.395. The round-14 code on the new data: F1 0.6129 (P 0.6389 / R 0.5890), date "
    "0.939, admin1 0.872, 0.075 events per negative article, ECE 0.011 after the final calibration",
    "- round 15 merged (dec15's mends, fields15's tolls and inherited sides, geo15's places, South Sudan's Bahr al "
    "Ghazal spelling), model dl1-e668fb016d: F1 0.6129 -> 0.6122 (P 0.6389 -> 0.6417, R 0.5890 -> 0.5853), date "
    "0.939 -> 0.938, admin1 0.872 -> 0.883 (Sahel 0.781 -> 0.840, Maghreb 0.855 -> 0.866, Gulf and Yemen 0.878 -> "
    "0.888), "
    "events per negative article 0.075 -> 0.074, ECE 0.015 after the final calibration; actor1_norm 0.613, target "
    "0.452, fatalities 0.793 over matched pairs",
    "- thirteen more blind train-only parts (round 16: 429 articles, 479 events, 139 negatives; train + train_blind "
    "4,811 -> 5,240 articles). Before they were trained on, the round-15 model met them as unseen text at F1 0.612 "
    "(P 0.610 / R 0.614), date 0.929, admin1 0.895, fatalities 0.701, 12 events in 139 negative articles (0.086), "
    "ECE 0.039 (0.040 by chance); rules alone 0.389. The round-15 code on the new data: F1 0.6152 (P 0.6518 / R "
    "0.5825), date 0.939, admin1 0.883 (Sahel 0.836, Maghreb 0.865, Gulf and Yemen 0.878), 0.071 events per "
    "negative article, ECE 0.005 after the final calibration",
    "- round 16, mend16 (rows identical on train_blind's 4,610 articles, extractor_version aside): one "
    "`decision/nearest.py` (nearest_row, fill_from_nearest) for detected rows' dates and places, inherited admin1, "
    "actors and targets; one conjunction rule (`text.without_conjunction`); `BoundedMemo.all_of` calls `one()`; "
    "extractor_version's rules part is ar-lex-<rules digest> (was ar-lex-0.1.0 whatever the rules). The scorer's "
    "alias table gained state forces named by their service or by the country (National Guard, Gendarmerie, "
    "Counter-Terrorism Service, «Niger Armed Forces» ...; the Syrian National Army stays apart from Syria's "
    "army): out of fold on the round-15 data actor1_norm 0.613 -> 0.645, target 0.452 -> 0.460 on the same rows",
    "- round 16, geo16 (places; against 0.6122 on the round-15 data): a place after «من» behind a word of coming "
    "(«قوة قادمة من أوباري») is not the event's, a name written with a shadda is never a country («عمّان»), a "
    "division of the article's country under a town cue stands for its seat («مدينة البيضاء» in Yemen), datelines "
    "naming a division («بابل –» Babil, not Babol), Abyei without admin1: F1 0.6122 -> 0.6129 (P 0.642 -> 0.647, R "
    "0.585 -> 0.583), admin1 0.883 -> 0.883, 0.074 -> 0.072 events per negative article; no curated town",
    "- round 16, detected rows with no place of their own and no kept row to take one from take the town or region "
    "the nearest earlier sentence named (`places.earlier_place`, not for talks), as the rules' place step does "
    "(geo16's lead: in-sample, detected rows' admin1 0.801 against 0.864 for candidate rows). Merged with mend16 "
    "and geo16 on the round-16 data (not measured alone): F1 0.6152 -> 0.6162 (P 0.652 -> 0.640, R 0.583 -> "
    "0.594), admin1 0.883 -> 0.887, 0.071 -> 0.079 events per negative article",
    "- round 16, L2 (dec16): a nested search inside the training folds (each fold's choice from held-out log loss "
    "of fits that left it out) chose the same values in every fold: sentence 2 -> 4, event 6 -> 12, types 3 -> "
    "1.5, detector 4 -> 8; fixed to those values (the search itself, which doubles training time, stays on branch "
    "issue10-dec16): F1 0.6162 -> 0.6173 (P 0.640 -> 0.656, R 0.594 -> 0.583), admin1 0.887 -> 0.888, 0.079 -> "
    "0.068 events per negative article. Three of the four values lie at an end of the searched grid",
    "- round 16, tried, not kept (evid16, simulated on saved out-of-fold rows, cross-fitted): a learned evidence "
    "choice moving or copying a row to another sentence of its incident: at best F1 +0.0015, within the noise of "
    "thresholds chosen on the same rows. Of the 870 gold events missed as wrong sentence, 422 have the engine's "
    "row in the lead and the gold event in a body sentence (213 of them a lead summing up several body events), "
    "176 the reverse, 148 a row on a neighbouring body sentence; only 395 are one unmatched row against one "
    "unmatched gold event of the type, the only ones a move can fix",
    "",
)


def _before_after(step: dict[str, Any]) -> str:
    """A step's out-of-fold effect on the final rows: F1, P, R, rows and events per negative article."""
    b, a = step["before"], step["after"]
    return (f"F1 {b['f1']:.3f} -> {a['f1']:.3f} (P {b['precision']:.3f} -> {a['precision']:.3f}, R "
            f"{b['recall']:.3f} -> {a['recall']:.3f}), rows {b['rows']} -> {a['rows']}, events per negative article "
            f"{b['events_per_negative_article']:.3f} -> {a['events_per_negative_article']:.3f}")


def _admin1_groups(by_group: dict[str, dict[str, Any]]) -> list[str]:
    """admin1 accuracy over matched pairs per country group, each member country's correct/matched after it."""
    if not by_group:
        return []
    lines = ["- admin1 per country group (exact name, correct/matched pairs):"]
    for name, g in by_group.items():
        countries = ", ".join(f"{cc} {k}/{n}" for cc, (k, n) in sorted(g["countries"].items(), key=lambda c: -c[1][1]))
        lines.append(f"  - {name} {g['accuracy']:.3f} ({g['correct']}/{g['matched']}: {countries})")
    return lines


def _role_accuracies(final: dict[str, Any]) -> str:
    """«, actor1_norm accuracy 0.54, target accuracy 0.44, fatalities accuracy 0.75» for a summary that has them
    (cards of older models lack them)."""
    from pipeline.extract.decision.outcomes import ROLE_FIELDS

    return "".join(f", {field} accuracy {final[f'{name}_accuracy']}" for name, field in ROLE_FIELDS
                   if final.get(f"{name}_accuracy") is not None)


def _final_table(final: dict[str, Any]) -> list[str]:
    """The complete engine's out-of-fold output: headline figures, per source, error causes."""
    from pipeline.extract.decision.outcomes import FN_CAUSES, FP_CAUSES

    if not final:
        return []
    lines = ["## Out of fold, final rows (the complete engine: kept candidates, place split, detected rows)", "",
             f"- F1 {final['f1']:.3f} (P {final['precision']:.3f} / R {final['recall']:.3f}): {final['matched']} "
             f"of {final['gold']} gold events matched by {final['predicted']} rows; "
             f"{final['events_per_negative_article']:.3f} events per negative article "
             f"({final['negative_articles']} negative articles)",
             f"- over matched pairs: date accuracy {final['date_accuracy']}, admin1 accuracy "
             f"{final['admin1_accuracy']}{_role_accuracies(final)}; ECE of `confidence` (10 bins) "
             f"{final['ece']:.3f} before the final "
             f"calibration, {final.get('ece_final_calibration', final['ece']):.3f} after it (each fold mapped by "
             "the map fitted on the other folds; the map ships only when it lowers the ECE)"]
    lines += _admin1_groups(final.get("admin1_by_group") or {})
    for name, s in final["by_source"].items():
        lines.append(f"- {name} rows: {s['rows']}, {s['correct']} correct; date accuracy {s['date_accuracy']}, "
                     f"admin1 accuracy {s['admin1_accuracy']}")
    step = final.get("evidence_step")
    if step:
        lines.append(f"- evidence step (cross-fitted): {_before_after(step)}; merge threshold "
                     f"{step['merge_threshold']} ({step['merge_examples']} rows with a same-type sibling); the "
                     "figures above are after it")
    step = final.get("article_step")
    if step:
        lines.append(f"- article step (P(the article reports an event), cross-fitted): {_before_after(step)}; best "
                     f"candidate kept in an article with no row from P {step['add_threshold']} (its confidence from "
                     f"{step['floor']}), rows dropped below P {step['drop_threshold']}; the figures above are after it")
    e = final["errors"]
    lines.append("- gold events missed: " + ", ".join(f"{k.replace('_', ' ')} {e['missed'][k]}" for k in FN_CAUSES))
    lines.append("- rows matching nothing: " + ", ".join(f"{k.replace('_', ' ')} {e['spurious'][k]}"
                                                        for k in FP_CAUSES))
    lines += ["", "| action type | gold | rows | F1 | missed: " + " | ".join(c.replace("_", " ") for c in FN_CAUSES)
              + " |", "|---|---|---|---|" + "---|" * len(FN_CAUSES)]
    for t, s in final["per_type"].items():
        m = e.get("missed_by_type", {}).get(t, {})
        lines.append(f"| {t} | {s['gold']} | {s['predicted']} | {s['f1']:.3f} | "
                     + " | ".join(str(m.get(c, 0)) for c in FN_CAUSES) + " |")
    return [*lines, ""]


def _detect_choices(model: Any, choices: dict[str, Any]) -> list[str]:
    """The per-type detect thresholds and the threshold in articles with no kept event, with their figures."""
    lines = []
    per_type = choices.get("per_type")
    if per_type is not None:
        lines.append(f"- per-type detect thresholds: {dict(model.detect_thresholds) or 'none'} (out of fold, "
                     f"before the place split and evidence step: F1 {per_type['global_f1']} with the global threshold, "
                     f"{per_type['cross_fitted_f1']} with per-type thresholds chosen on the other folds)")
    alone = choices.get("alone")
    if alone is not None:
        lines.append(f"- detect threshold in articles with no kept event: {model.detect_alone_threshold} (out of fold, "
                     f"before the place split and evidence step: {alone['after']})")
    return lines


def _stack_line(model: Any, report: dict[str, Any]) -> list[str]:
    """The stacking step: its weights and the candidates' out-of-fold figures with and without it."""
    if model.stack is None or not report:
        return []
    from pipeline.extract.decision.stack import FEATURES

    weights = ", ".join(f"{f} {w:.3f}" for f, w in zip(FEATURES, model.stack.weights, strict=True))
    return [f"- stacking (the candidate's confidence and type, of its {model.stack.top_types} best types, from "
            f"P(event), P(type) and the detector's probabilities for its sentence; cross-fitted): candidates out of "
            f"fold {report['platt']} with Platt alone, {report['stacked']} stacked; weights {weights}, bias "
            f"{model.stack.bias:.3f}"]


def model_card(model: Any, scores: dict[str, dict[str, Any]]) -> str:
    c = model.card
    lines = [f"# Decision model {model.version}", "",
             "Decides, per rule candidate, whether it is a specific event reported as news and its action_type;",
             "its calibrated probability becomes `confidence`. A sentence detector then proposes the events the",
             "rules did not code: a sentence whose P(evidence of an event of type t) reaches the detect threshold",
             "(the type's own where it has one; in an article with no kept event, the higher threshold for such",
             "articles) and holds no kept row of type t becomes a row of type t (fields",
             "from the rules' readers: place, first actor, date, toll; no stated date or place: the article's",
             "nearest kept event's). A row geocoded only to its country takes the admin1 of the article's nearest",
             "event in that country. A final isotonic map, fitted on the complete engine's out-of-fold rows, makes",
             "every asserted row's `confidence`. An evidence step (learned on the engine's out-of-fold rows) drops",
             "rows of an incident another row already codes; an article step (P(the article reports an event)",
             "from its candidates, detector, headline and lead) keeps the best candidate of an article with no",
             "row that likely reports one and drops the rows of one that likely reports none.",
             "Built by `conflict-events train`",
             "(deterministic: the same gold data and code give the same file). See pipeline/extract/decision/.", "",
             "## Data", f"- training sets (articles): {c['trained_on']}; {c['gold_events']} gold events",
             f"- candidates from the rules (article pass + re-read sentences): {c['candidates']}, "
             f"{c['candidates_matched']} matching a gold event; {c['sentences']} sentences for the gate",
             f"- calibration and thresholds: out-of-fold ({c['folds']} folds by article) on {c['calibrated_on']}",
             f"- data sha256 {c['data_sha256'][:16]}, code sha256 {c['code_sha256'][:16]}, "
             f"rules (code, lexicons, gazetteer) sha256 {c['rules_sha256'][:16]}", "",
             "## Features",
             "Light-stemmed words and word bigrams of the candidate's sentence, suffixes, the trigger and three",
             "words each side, rule-lexicon cue kinds (background, claim, future, condemn, ...) before/after the",
             "trigger, other trigger types in the sentence, sentence position, title words, the rules' type,",
             "modality, date precision, own date/place/admin1/target/toll, and how the candidate relates to the",
             "article's other candidates (same sentence, same type before/after, same place).",
             "Detector (softmax over 'none' and the action types, per sentence): the sentence's words, bigrams,",
             "suffixes, character 4-grams, cue kinds, trigger types, frame words, position, length, quote and",
             "digits, headline overlap, and the action types and modalities the rules' article pass coded from it.",
             f"Vocabulary sizes: {c['features']}; L2 {c['l2']}.", "",
             "## Decisions", f"- keep threshold (calibrated confidence): {model.keep_threshold}",
             f"- sentence gate for re-reading uncovered sentences: {model.reread_threshold}",
             f"- Platt calibration (a, b): ({model.calibration[0]:.4f}, {model.calibration[1]:.4f})",
             f"- out-of-fold on the calibration sets (candidates): {c['out_of_fold']}",
             *_stack_line(model, c.get("stack", {})),
             f"- detect threshold (detector probability): {model.detect_threshold}; Platt calibration of detected "
             f"rows (a, b): ({model.detect_calibration[0]:.4f}, {model.detect_calibration[1]:.4f})",
             *_detect_choices(model, c.get("detect_choices", {})),
             "- final calibration of every asserted row's confidence (isotonic knots, confidence -> share "
             f"correct): {[tuple(k) for k in model.final_calibration]}", "",
             *_oof_table(c.get("out_of_fold_events", {})), *_final_table(c.get("out_of_fold_final", {})),
             *CHANGE_LOG,
             "## Scores", "",
             "| set | rules F1 (P/R) | with model F1 (P/R) | events in negative articles (rules -> model) | ECE |",
             "|---|---|---|---|---|"]
    for name, s in scores.items():
        r, m = s["rules"], s["model"]
        ro, mo = r["overall"], m["overall"]
        lines.append(f"| {name} | {ro['f1']:.3f} ({ro['precision']:.3f}/{ro['recall']:.3f}) | {mo['f1']:.3f} "
                     f"({mo['precision']:.3f}/{mo['recall']:.3f}) | {r['events_from_negative_articles']} -> "
                     f"{m['events_from_negative_articles']} of {m['negative_articles']} | "
                     f"{m['reliability']['ece']:.3f} |")
    return "\n".join(lines) + "\n"
