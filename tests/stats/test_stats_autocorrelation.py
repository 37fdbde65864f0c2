"""Ljung-Box: significant on AR(1) with phi 0.8, not on white noise; Q by the textbook formula."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from helpers.stats import ljung_box


def ar1(n: int, phi: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    y = np.zeros(n)
    for i in range(1, n):
        y[i] = phi * y[i - 1] + e[i]
    return y


def q_by_formula(y: np.ndarray, h: int) -> float:
    """Q = n(n+2) * sum_k r_k^2 / (n-k), r_k the lag-k autocorrelation about the mean."""
    d = y - y.mean()
    n = len(y)
    r = [np.sum(d[k:] * d[:-k]) / np.sum(d * d) for k in range(1, h + 1)]
    return n * (n + 2) * sum(rk**2 / (n - k) for k, rk in enumerate(r, start=1))


def monthly(y):
    return pd.Series(y, index=pd.period_range("2021-01", periods=len(y), freq="M"))


def test_ar1_is_significant_and_says_limits_may_be_too_narrow():
    res = ljung_box(monthly(ar1(48, 0.8, seed=1)))
    assert res.lag == 12 and res.significant and res.p_value < 0.001
    assert "too narrow" in res.plain_english and "false alarms" in res.plain_english


def test_white_noise_is_not_significant():
    y = np.random.default_rng(4).normal(size=48)
    res = ljung_box(monthly(y))
    assert not res.significant and res.p_value > 0.05
    assert "face value" in res.plain_english


def test_q_and_p_match_the_formula_at_lag_n_over_4():
    y = ar1(30, 0.5, seed=9)
    res = ljung_box(y)
    assert res.lag == 7  # min(12, 30 // 4)
    q = q_by_formula(y, 7)
    assert res.q == pytest.approx(q, rel=1e-10)
    assert res.p_value == pytest.approx(chi2.sf(q, 7), rel=1e-8)


def test_residuals_from_a_stepped_centre_line():
    # A shift in level looks like autocorrelation; residuals from the stepped centre line do not.
    rng = np.random.default_rng(6)
    noise = rng.normal(size=40)
    y = monthly(np.r_[np.zeros(20), np.full(20, 5.0)] + noise)
    centre = monthly(np.r_[np.zeros(20), np.full(20, 5.0)])
    assert ljung_box(y).significant
    res = ljung_box(y, centre=centre)
    assert res.q == pytest.approx(q_by_formula(noise, 10), rel=1e-10)


def test_missing_months_are_dropped():
    y = ar1(40, 0.5, seed=2)
    s = monthly(y)
    s.iloc[[3, 17]] = np.nan
    res = ljung_box(s)
    kept = np.delete(y, [3, 17])
    assert res.n_months == 38 and res.q == pytest.approx(q_by_formula(kept, 9), rel=1e-10)


def test_too_short_gives_reason():
    res = ljung_box([1.0, 2.0, np.nan, 3.0, 1.0])
    assert math.isnan(res.p_value) and res.reason and "not checked" in res.plain_english
