"""The scorer's Arabic span overlap (pipeline/extract/evaluate.py): predicted actor/target text vs the gold span."""

from __future__ import annotations

from pipeline.extract.evaluate import AliasTable, format_report, score, spans_overlap

TEXT = "جملة أولى. جملة ثانية. جملة ثالثة. جملة رابعة."


def _gold(evidence: str, actor: str | None, target: str | None) -> dict:
    return {"article_id": "a", "action_type": "attack", "evidence": evidence, "event_date": "2025-01-01",
            "admin1": None, "country": "IQ", "actor": actor, "actor_norm": "Iraqi Army", "target": target,
            "target_norm": None, "fatalities": 0}


def _pred(start: int, end: int, actor_text: str | None, target_text: str | None) -> dict:
    return {"article_id": "a", "action_type": "attack", "char_start": start, "char_end": end,
            "event_date": "2025-01-01", "admin1": None, "country_code": "IQ", "actor1_norm": "Iraqi Army",
            "actor1_text": actor_text, "actor2_norm": None, "actor2_text": target_text, "fatalities": 0,
            "modality": "asserted"}


def test_overlap_is_a_shared_content_token_in_the_normal_form() -> None:
    assert spans_overlap("قوات «الدعم السريع»", "الدعم السريع")  # guillemets dropped
    assert spans_overlap("الجيشُ العراقيّ", "الجيش")  # diacritics folded
    assert spans_overlap("قوّات الأمن", "قوات الامن")  # alef and shadda folded
    assert spans_overlap("متظاهرون", "المتظاهرون")  # the definite article is stripped
    assert spans_overlap("دورية للجيش", "والجيش")  # with the clitics before it
    assert not spans_overlap("الجيش", "جيشان")  # but a token is not a prefix match
    assert not spans_overlap("عناصر من الجيش", "مسلحين من داعش")  # a function word alone is no overlap
    assert not spans_overlap("الجيش العراقي", None)
    assert not spans_overlap(None, "الجيش")
    assert not spans_overlap("الجيش", "")


def test_span_overlap_counts_only_pairs_with_a_gold_span() -> None:
    gold = [_gold("جملة أولى.", "الجيش العراقي", "عناصر داعش"),
            _gold("جملة ثانية.", "مسلحون مجهولون", "نقطة للجيش"),
            _gold("جملة ثالثة.", None, None),
            _gold("جملة رابعة.", "قوات الحشد", None)]
    pred = [_pred(0, 10, "الجيش", "داعش"),
            _pred(11, 22, "الجيش", None),
            _pred(23, 34, "الجيش", "داعش"),  # no gold span: left out of both shares
            _pred(35, 46, None, "الحشد")]
    r = score(pred, gold, {"a": TEXT}, AliasTable.load())
    ov = r["overall"]["span_overlap"]
    assert (ov["actor_overlapping"], ov["actor_pairs"], ov["actor"]) == (1, 3, 0.3333)
    assert (ov["target_overlapping"], ov["target_pairs"], ov["target"]) == (1, 2, 0.5)
    assert r["overall"]["f1"] == 1.0 and r["overall"]["accuracy"]["actor1_norm"] == 1.0
    assert r["by_action_type"]["attack"]["span_overlap"] == ov
    assert "actor 0.333 (1/3)  target 0.500 (1/2)" in format_report(r)


def test_span_overlap_is_none_without_gold_spans() -> None:
    r = score([_pred(0, 10, "الجيش", None)], [_gold("جملة أولى.", None, None)], {"a": TEXT}, AliasTable.load())
    ov = r["overall"]["span_overlap"]
    assert ov["actor"] is None and ov["actor_pairs"] == 0
    assert "actor -  target -" in format_report(r)
