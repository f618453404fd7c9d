"""Scorer: predicted events vs gold events (P/R/F1 of event matching, field accuracy over matched pairs).

A prediction matches a gold event of the same article with the same action_type whose evidence sentence
overlaps; matching is one-to-one (greedy by overlap size). Only asserted predictions count as events.
Actor labels are compared after mapping both through data/lexicons/actor_aliases.tsv. The Arabic actor and
target texts are also compared with the gold spans (``span_overlap``: any shared content token in the normal form,
definite article stripped).
The scorer knows nothing about particular articles.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputFormatError
from pipeline.extract.geo import admin1_spellings, fold_latin
from pipeline.extract.lexicon import LEXICON_DIR
from pipeline.extract.text import normalize_arabic, tokenize

FIELDS = ("event_date", "admin1", "country", "actor1_norm", "target", "fatalities")
# Column labels of the per-type table (the overall line spells the field names out).
FIELD_LABELS = {"event_date": "date", "admin1": "adm1", "country": "ctry", "actor1_norm": "actor",
                "target": "targ", "fatalities": "fatal"}
# Arabic span overlap: (gold span field, predicted text field) per role, as the external judges measure it.
SPAN_FIELDS = {"actor": ("actor", "actor1_text"), "target": ("target", "actor2_text")}
# function words that alone do not make two spans overlap («عناصر من الجيش» vs «مسلحين من داعش»)
_SPAN_STOP = frozenset({"من", "في", "علي", "عن", "الي", "مع", "و", "ال", "بين", "الذي", "التي", "الذين", "ضد"})


@dataclass(frozen=True)
class AliasTable:
    rules: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def load(cls, path: Path = LEXICON_DIR / "actor_aliases.tsv") -> AliasTable:
        rules = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                pat, canon = line.split("\t")[:2]
                rules.append((re.compile(pat.strip(), re.I), canon.strip()))
        return cls(tuple(rules))

    def canonical(self, label: str | None) -> str | None:
        if label is None:
            return None
        text = label.strip()
        for pat, canon in self.rules:
            m = pat.match(text)
            if m:
                return canon.replace("{1}", (m.group(1) or "").lower()) if "{1}" in canon else canon
        return text.lower()


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputFormatError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
    return rows


def _span(text: str, evidence: str) -> tuple[int, int]:
    i = text.find(evidence)
    return (i, i + len(evidence)) if i >= 0 else (-1, -1)


def match_events(pred: list[dict[str, Any]], gold: list[dict[str, Any]],
                 texts: dict[str, str]) -> list[tuple[int, int]]:
    """(gold index, prediction index) pairs: same article and action_type, overlapping evidence, one to one,
    largest overlap first."""
    candidates = []
    for gi, g in enumerate(gold):
        gs, ge = _span(texts.get(g["article_id"], ""), g["evidence"])
        for pi, p in enumerate(pred):
            if p["article_id"] == g["article_id"] and p["action_type"] == g["action_type"]:
                overlap = min(ge, p["char_end"]) - max(gs, p["char_start"])
                if overlap > 0:
                    candidates.append((overlap, gi, pi))
    used_g, used_p, pairs = set(), set(), []
    for _ov, gi, pi in sorted(candidates, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


# the definite article with the clitics written before it: «المتظاهرون» = «متظاهرون», «للجيش» = «الجيش»
_ARTICLE_PREFIXES = ("وبال", "وال", "ولل", "بال", "فال", "كال", "لل", "ال")


def _span_stem(token: str) -> str:
    for prefix in _ARTICLE_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            return token[len(prefix):]
    return token


def span_tokens(span: str | None) -> frozenset[str]:
    """Content tokens of an Arabic span in the engine's normal form (diacritics, alef/yaa/teh marbuta folded,
    guillemets and punctuation dropped), definite article (with «و», «ب», «ل», «ف», «ك» before it) stripped,
    function words left out."""
    if not span:
        return frozenset()
    return frozenset(_span_stem(t.text) for t in tokenize(normalize_arabic(span)) if t.text not in _SPAN_STOP)


def spans_overlap(gold_span: str | None, pred_text: str | None) -> bool:
    """The predicted Arabic text shares at least one content token with the gold span."""
    return bool(span_tokens(gold_span) & span_tokens(pred_text))


def span_overlap(matched: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Per role (actor, target): share of matched pairs with a gold span whose predicted Arabic text overlaps it
    (``spans_overlap``), with the counts behind it; pairs whose gold span is null are left out."""
    out: dict[str, Any] = {}
    for role, (gold_key, pred_key) in SPAN_FIELDS.items():
        judged = [spans_overlap(g.get(gold_key), p.get(pred_key)) for g, p in matched if g.get(gold_key)]
        out[role] = round(sum(judged) / len(judged), 4) if judged else None
        out[f"{role}_pairs"] = len(judged)
        out[f"{role}_overlapping"] = sum(judged)
    return out


def prf(n_pred: int, n_gold: int, matched: int) -> dict[str, float]:
    """Precision, recall and F1 (rounded to 4 places) of ``matched`` pairs among ``n_pred`` predictions and
    ``n_gold`` gold events; 0 where a count is 0."""
    p, r = matched / max(n_pred, 1), matched / max(n_gold, 1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def score(pred: list[dict[str, Any]], gold: list[dict[str, Any]], texts: dict[str, str],
          aliases: AliasTable | None = None) -> dict[str, Any]:
    aliases = aliases or AliasTable.load()
    demonym_cc = _demonym_codes()
    spellings = admin1_spellings()
    pred = [p for p in pred if p.get("modality", "asserted") == "asserted"]
    pairs = [(gold[gi], pred[pi]) for gi, pi in match_events(pred, gold, texts)]

    def canon(label: str | None) -> str | None:
        c = aliases.canonical(label)
        if c and ":state" in c:
            cc = demonym_cc.get(c.split(":")[0], c.split(":")[0])
            c = f"{cc.upper()}:state"
        return c

    def field_ok(g: dict, p: dict, name: str) -> bool:
        if name == "event_date":
            return str(p.get("event_date")) == g["event_date"]
        if name == "admin1":
            return (p.get("admin1") or None) == g.get("admin1")
        if name == "country":
            return p.get("country_code") == g.get("country")
        if name == "actor1_norm":
            return canon(p.get("actor1_norm")) == canon(g.get("actor_norm"))
        if name == "target":
            return canon(p.get("actor2_norm")) == canon(g.get("target_norm"))
        if name == "fatalities":
            return p.get("fatalities") == g.get("fatalities")
        raise KeyError(name)

    def block(gold_n: int, pred_n: int, matched: list[tuple[dict, dict]]) -> dict[str, Any]:
        tp = len(matched)
        acc = {f: (sum(field_ok(g, pr, f) for g, pr in matched) / tp if tp else None) for f in FIELDS}
        return {"gold": gold_n, "predicted": pred_n, "matched": tp, **prf(pred_n, gold_n, tp),
                "accuracy": {k: (round(v, 4) if v is not None else None) for k, v in acc.items()},
                "span_overlap": span_overlap(matched)}

    by_type: dict[str, Any] = {}
    types = sorted({g["action_type"] for g in gold} | {p["action_type"] for p in pred})
    for t in types:
        by_type[t] = block(sum(g["action_type"] == t for g in gold), sum(p["action_type"] == t for p in pred),
                           [(g, p) for g, p in pairs if g["action_type"] == t])
    gold_articles = {g["article_id"] for g in gold}
    negatives = [a for a in texts if a not in gold_articles]
    neg_events = sum(1 for p in pred if p["article_id"] in negatives)
    mismatches = defaultdict(list)
    for g, p in pairs:
        for f in FIELDS:
            if not field_ok(g, p, f):
                mismatches[f].append(g["article_id"])
    return {"overall": block(len(gold), len(pred), pairs), "by_action_type": by_type,
            "admin1_by_country": admin1_by_country([(g, field_ok(g, p, "admin1"), same_admin1(g, p, spellings))
                                                    for g, p in pairs]),
            "negative_articles": len(negatives), "events_from_negative_articles": neg_events,
            "mismatched_articles": {k: sorted(v) for k, v in mismatches.items()}}


def same_admin1(gold: dict[str, Any], pred: dict[str, Any],
                spellings: dict[tuple[str, str], frozenset[tuple[str, str]]]) -> bool:
    """Gold and predicted admin1 name the same division of the gold country, whatever the spelling (clarification
    12: «Ségou» = «Segou»; «Salah ad Din» = «Salah al-Din»; «Tombouctou» = «Timbuktu»)."""
    g, p = gold.get("admin1"), pred.get("admin1") or None
    if g is None or p is None:
        return g == p
    cc = gold.get("country") or ""
    if fold_latin(g) == fold_latin(p):
        return True
    return bool(spellings.get((cc, fold_latin(g)), frozenset()) & spellings.get((cc, fold_latin(p)), frozenset()))


def admin1_by_country(judged: list[tuple[dict[str, Any], bool, bool]]) -> dict[str, dict[str, Any]]:
    """admin1 accuracy over matched pairs, per gold country (ISO2; "-" when the gold event has none): exact
    string match (the headline field accuracy) and same division under any known spelling."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for g, exact, same in judged:
        cell = counts[g.get("country") or "-"]
        cell[0] += 1
        cell[1] += int(exact)
        cell[2] += int(same)
    return {cc: {"matched": n, "correct": k, "accuracy": round(k / n, 4), "same_division": s,
                 "same_division_accuracy": round(s / n, 4)} for cc, (n, k, s) in sorted(counts.items())}


COUNTRY_GROUPS: dict[str, frozenset[str]] = {
    "Levant": frozenset("LB SY PS JO IL".split()),
    "Iraq": frozenset({"IQ"}),
    "Maghreb": frozenset("DZ MA TN LY MR EH".split()),
    "Gulf and Yemen": frozenset("SA YE OM KW AE QA BH".split()),
    "Nile and Horn": frozenset("EG SD SS SO ET ER DJ KM".split()),
    "Sahel": frozenset("ML NE BF TD NG".split()),
}
"""The country groups admin1 is reported by (README, the test split's per-group table); others are "other"."""
OTHER_GROUP = "other"


def country_group(country: str) -> str:
    """The reporting group of an ISO2 code (``OTHER_GROUP`` when none holds it)."""
    return next((name for name, members in COUNTRY_GROUPS.items() if country in members), OTHER_GROUP)


def admin1_by_group(per_country: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``admin1_by_country`` summed per country group (in ``COUNTRY_GROUPS`` order, then other): exact-name
    accuracy over matched pairs, with each member country's correct and matched counts."""
    out: dict[str, dict[str, Any]] = {}
    for name in (*COUNTRY_GROUPS, OTHER_GROUP):
        members = {cc: c for cc, c in per_country.items() if country_group(cc) == name}
        matched = sum(c["matched"] for c in members.values())
        if not matched:
            continue
        correct = sum(c["correct"] for c in members.values())
        out[name] = {"matched": matched, "correct": correct, "accuracy": round(correct / matched, 4),
                     "countries": {cc: [c["correct"], c["matched"]] for cc, c in members.items()}}
    return out


def _demonym_codes() -> dict[str, str]:
    out = {}
    for line in (LEXICON_DIR / "countries.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cc, dem = line.split("\t")[:2]
            out[dem.lower()] = cc
    return out


def _span_line(ov: dict[str, Any]) -> str:
    parts = []
    for role in SPAN_FIELDS:
        share = ov.get(role)
        parts.append(f"{role} {share:.3f} ({ov[role + '_overlapping']}/{ov[role + '_pairs']})" if share is not None
                     else f"{role} -")
    return "Arabic span overlap with the gold span (matched pairs with a gold span): " + "  ".join(parts)


def format_report(result: dict[str, Any]) -> str:
    o = result["overall"]
    lines = [f"events: gold {o['gold']}  predicted {o['predicted']}  matched {o['matched']}  "
             f"P {o['precision']:.3f}  R {o['recall']:.3f}  F1 {o['f1']:.3f}",
             "field accuracy over matched pairs: " + "  ".join(
                 f"{k} {v:.3f}" if v is not None else f"{k} -" for k, v in o["accuracy"].items()),
             _span_line(o.get("span_overlap") or {}),
             f"events from negative articles: {result['events_from_negative_articles']} "
             f"(of {result['negative_articles']} articles)", "",
             "per action_type (field accuracy: " + ", ".join(f"{v}={k}" for k, v in FIELD_LABELS.items()) + "):"]
    for t, b in result["by_action_type"].items():
        acc = " ".join(f"{FIELD_LABELS[k]}={v:.2f}" for k, v in b["accuracy"].items() if v is not None)
        lines.append(f"  {t:22s} gold {b['gold']:3d} pred {b['predicted']:3d} P {b['precision']:.2f} "
                     f"R {b['recall']:.2f} F1 {b['f1']:.2f}  {acc}")
    per_country = result.get("admin1_by_country") or {}
    if per_country:
        lines += ["", "admin1 per country, exact name (correct/matched):",
                  "  " + "  ".join(f"{cc} {c['accuracy']:.2f} ({c['correct']}/{c['matched']})"
                                   for cc, c in per_country.items()),
                  "admin1 per country, same division under any known spelling (data/gazetteer/admin1.tsv):",
                  "  " + "  ".join(f"{cc} {c['same_division_accuracy']:.2f} ({c['same_division']}/{c['matched']})"
                                   for cc, c in per_country.items())]
    return "\n".join(lines)
