"""How much ECE sampling alone produces: the yardstick printed beside an observed ECE on a small set."""

from __future__ import annotations

import math

import numpy as np

from pipeline.extract.decision.calibration import (
    Bin,
    bin_index,
    binned_ece,
    ece_if_calibrated,
    format_reliability,
)


def test_binned_ece_weighs_each_bins_gap_by_its_share_of_rows():
    conf = np.array([0.15, 0.15, 0.85])
    outcomes = np.array([[True, False, True], [False, False, False]])
    assert np.allclose(binned_ece(conf, outcomes), [2 / 3 * 0.35 + 1 / 3 * 0.15, 2 / 3 * 0.15 + 1 / 3 * 0.85])


def test_bins_are_half_open_and_the_last_closes_at_one():
    assert [bin_index(c, 10) for c in (0.0, 0.0999, 0.1, 0.3, 0.7, 0.95, 1.0)] == [0, 0, 1, 3, 7, 9, 9]


def test_ece_of_a_calibrated_confidence_matches_the_binomial_spread():
    # one bin of n rows at confidence p: E|share - p| is about sqrt(p(1-p)/n) * sqrt(2/pi)
    n = 100
    expected = math.sqrt(0.25 / n) * math.sqrt(2 / math.pi)
    chance = ece_if_calibrated([0.5] * n)
    assert abs(chance["mean"] - expected) < 0.004
    assert chance["p95"] > chance["mean"]


def test_ece_by_chance_shrinks_with_more_rows_and_is_reproducible():
    rng = np.random.default_rng(1)
    small = rng.uniform(0.3, 0.8, 150).tolist()
    large = rng.uniform(0.3, 0.8, 15000).tolist()
    assert ece_if_calibrated(small)["mean"] > 0.04
    assert ece_if_calibrated(large, draws=200)["mean"] < 0.01
    assert ece_if_calibrated(small) == ece_if_calibrated(small)
    assert ece_if_calibrated([]) is None


def test_the_report_prints_the_chance_level_beside_the_observed_ece():
    table = [Bin(0.5, 0.6, 3, 0.55, 0.667)]
    text = format_reliability(table, 0.117, {"mean": 0.21, "p95": 0.4})
    assert "expected calibration error: 0.117" in text and "0.210" in text and "0.400" in text
    assert "chance" not in format_reliability(table, 0.117)
