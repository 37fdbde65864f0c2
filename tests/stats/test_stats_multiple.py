"""Benjamini-Hochberg against a hand-worked example."""

import numpy as np
import pandas as pd
import pytest

from helpers.stats import bh_adjust


def test_bh_hand_worked():
    # Sorted: 0.005, 0.01, 0.03, 0.04 (m = 4). p * m / rank: 0.02, 0.02, 0.04, 0.04;
    # running minimum from the largest rank down leaves them unchanged.
    # Back in the input order [0.01, 0.04, 0.03, 0.005] -> [0.02, 0.04, 0.04, 0.02].
    res = bh_adjust([0.01, 0.04, 0.03, 0.005])
    assert res.adjusted.tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert res.significant.all() and res.n_tests == 4


def test_bh_running_minimum_and_alpha():
    # p = 0.02, 0.03, 0.5 (m = 3): raw 0.06, 0.045, 0.5 -> running min 0.045, 0.045, 0.5.
    res = bh_adjust([0.5, 0.02, 0.03])
    assert res.adjusted.tolist() == pytest.approx([0.5, 0.045, 0.045])
    assert res.significant.tolist() == [False, True, True]
    assert not bh_adjust([0.5, 0.02, 0.03], alpha=0.04).significant.any()


def test_bh_nan_safe_and_keeps_labels():
    p = {"a": 0.01, "b": np.nan, "c": 0.04, "d": 0.03, "e": 0.005}
    res = bh_adjust(p)
    assert res.n_tests == 4  # the NaN is not counted as a test
    assert list(res.adjusted.index) == list(p)
    assert np.isnan(res.adjusted["b"]) and not res.significant["b"]
    assert res.adjusted.drop("b").tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert "4 measures" in res.plain_english and "4 changes" in res.plain_english


def test_bh_all_nan_and_series_input():
    res = bh_adjust(pd.Series([np.nan, np.nan], index=["x", "y"]))
    assert res.n_tests == 0 and res.adjusted.isna().all()
    one = bh_adjust(pd.Series([0.2, 0.01], index=["x", "y"]))
    assert one.adjusted["y"] == pytest.approx(0.02) and "1 change stands" in one.plain_english
