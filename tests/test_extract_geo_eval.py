"""The scorer's admin1 breakdown per country (pipeline/extract/evaluate.py): exact name and same division."""

from __future__ import annotations

from pipeline.extract.evaluate import AliasTable, admin1_by_group, country_group, format_report, score

TEXT = "جملة أولى. جملة ثانية. جملة ثالثة. جملة رابعة."


def _gold(evidence: str, country: str, admin1: str | None) -> dict:
    return {"article_id": "a", "action_type": "attack", "evidence": evidence, "event_date": "2025-01-01",
            "admin1": admin1, "country": country, "actor_norm": None, "target_norm": None, "fatalities": 0}


def _pred(start: int, end: int, country: str, admin1: str | None) -> dict:
    return {"article_id": "a", "action_type": "attack", "char_start": start, "char_end": end,
            "event_date": "2025-01-01", "admin1": admin1, "country_code": country, "actor1_norm": None,
            "actor2_norm": None, "fatalities": 0, "modality": "asserted"}


def test_admin1_accuracy_per_country() -> None:
    gold = [_gold("جملة أولى.", "ML", "Tombouctou"), _gold("جملة ثانية.", "ML", "Gao"),
            _gold("جملة ثالثة.", "IQ", "Salah ad Din"), _gold("جملة رابعة.", "LY", "Surt")]
    pred = [_pred(0, 10, "ML", "Timbuktu"), _pred(11, 22, "ML", "Gao"), _pred(23, 34, "IQ", "Salah al-Din"),
            _pred(35, 46, "LY", "Misratah")]
    r = score(pred, gold, {"a": TEXT}, AliasTable.load())
    per = r["admin1_by_country"]
    assert list(per) == ["IQ", "LY", "ML"]
    assert (per["ML"]["matched"], per["ML"]["correct"], per["ML"]["same_division"]) == (2, 1, 2)
    assert (per["IQ"]["correct"], per["IQ"]["same_division"]) == (0, 1)
    assert (per["LY"]["correct"], per["LY"]["same_division"]) == (0, 0)  # a different division
    assert r["overall"]["accuracy"]["admin1"] == 0.25  # the headline figure stays an exact match
    report = format_report(r)
    assert "admin1 per country, exact name" in report and "ML 0.50 (1/2)" in report and "ML 1.00 (2/2)" in report


def test_missing_admin1_is_same_division_only_when_both_are_missing() -> None:
    gold = [_gold("جملة أولى.", "EG", None), _gold("جملة ثانية.", "EG", "Cairo")]
    pred = [_pred(0, 10, "EG", None), _pred(11, 22, "EG", None)]
    per = score(pred, gold, {"a": TEXT}, AliasTable.load())["admin1_by_country"]
    assert (per["EG"]["correct"], per["EG"]["same_division"]) == (1, 1)


def test_admin1_accuracy_per_country_group() -> None:
    gold = [_gold("جملة أولى.", "EH", None), _gold("جملة ثانية.", "MA", "Souss-Massa"),
            _gold("جملة ثالثة.", "YE", "Aden"), _gold("جملة رابعة.", "CN", "Beijing")]
    pred = [_pred(0, 10, "MA", "Laayoune-Sakia El Hamra"), _pred(11, 22, "MA", "Souss-Massa"),
            _pred(23, 34, "YE", "Aden"), _pred(35, 46, "CN", None)]
    per = score(pred, gold, {"a": TEXT}, AliasTable.load())["admin1_by_country"]
    groups = admin1_by_group(per)
    assert list(groups) == ["Maghreb", "Gulf and Yemen", "other"]  # COUNTRY_GROUPS order, empty groups left out
    assert groups["Maghreb"] == {"matched": 2, "correct": 1, "accuracy": 0.5, "countries": {"EH": [0, 1], "MA": [1, 1]}}
    assert groups["Gulf and Yemen"]["accuracy"] == 1.0 and groups["other"]["countries"] == {"CN": [0, 1]}
    assert (country_group("EH"), country_group("IQ"), country_group("US")) == ("Maghreb", "Iraq", "other")
