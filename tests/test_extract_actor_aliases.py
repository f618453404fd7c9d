"""The scorer's actor aliases (data/lexicons/actor_aliases.tsv, issue 10, round 16): a gold label naming a state
force by its service («Tunisian National Guard», «Royal Gendarmerie (Morocco)») or by its country («Niger Armed
Forces») is the same side as the country's army and police; a force under its name and its initials is one side.
A «National Army» is no state's as such: the Syrian National Army is an opposition force."""

from __future__ import annotations

import pytest

from pipeline.extract.evaluate import AliasTable, score

TEXT = "جملة أولى."


def same_side(gold_label: str, predicted_label: str) -> bool:
    """Whether the scorer counts ``predicted_label`` as the gold's first actor (one matched pair)."""
    gold = {"article_id": "a", "action_type": "attack", "evidence": TEXT, "event_date": "2025-01-01",
            "admin1": None, "country": None, "actor_norm": gold_label, "target_norm": None, "fatalities": 0}
    pred = {"article_id": "a", "action_type": "attack", "char_start": 0, "char_end": len(TEXT),
            "event_date": "2025-01-01", "admin1": None, "country_code": None, "actor1_norm": predicted_label,
            "actor2_norm": None, "fatalities": 0, "modality": "asserted"}
    return score([pred], [gold], {"a": TEXT}, AliasTable.load())["overall"]["accuracy"]["actor1_norm"] == 1.0


@pytest.mark.parametrize(("gold", "predicted"), [
    ("Somali National Army", "Somali security forces"),
    ("Somali National Army (Danab commandos)", "Somali Army"),
    ("Tunisian National Guard", "Tunisian security forces"),
    ("National Guard (Tunisia)", "Tunisian Army"),
    ("Mauritanian Gendarmerie", "Mauritanian Police"),
    ("Royal Gendarmerie (Morocco)", "Moroccan security forces"),
    ("Moroccan BCIJ", "Moroccan Police"),
    ("Algerian People's National Army", "Algerian Army"),
    ("Iraqi Counter-Terrorism Service", "Iraqi security forces (CTS)"),
    ("Jordanian Public Security Directorate", "Jordanian security forces"),
    ("Syrian Internal Security Forces", "Syrian security forces"),
    ("Syrian General Security (new government)", "Syrian government forces"),
    ("Ethiopian National Defense Force", "Ethiopian Army"),
    ("Burkina Faso Armed Forces", "Burkinabe Army"),
    ("Niger Armed Forces", "Nigerien Army"),
    ("South Sudan army (SPLA)", "South Sudanese Army"),
    ("Libyan National Army", "LNA"),
    ("LNA (Haftar forces)", "LNA forces"),
    ("Popular Mobilization Forces", "PMF"),
])
def test_labels_of_one_side_match(gold, predicted):
    assert same_side(gold, predicted)


@pytest.mark.parametrize(("gold", "predicted"), [
    ("Syrian National Army", "Syrian Army"),  # an opposition force, not the state's army
    ("Syrian National Army", "Syrian regime forces"),
    ("Syrian National Army", "Syrian government forces"),
    ("Libyan National Army", "Libyan security forces"),  # Haftar's, not every Libyan force
    ("Popular Mobilization Forces", "Iraqi Army"),
    ("Tunisian National Guard", "Algerian Army"),
    ("Puntland security forces", "Somali Army"),
])
def test_labels_of_other_sides_do_not(gold, predicted):
    assert not same_side(gold, predicted)


def test_the_syrian_national_army_keeps_its_own_label():
    assert AliasTable.load().canonical("Syrian National Army") == "syrian national army"
