"""Trend slope: OLS equals numpy.polyfit; HAC errors equal a Newey-West sum written out here."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from scipy.stats import t as student_t

from helpers.stats import newey_west_lags, trend_slope


def newey_west_se(t: np.ndarray, y: np.ndarray, lags: int, correct: bool) -> float:
    """Bartlett-weighted HAC standard error of the slope, optionally times sqrt(n/(n-2))."""
    X = np.column_stack([np.ones_like(t), t])
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    u = X * (y - X @ beta)[:, None]
    S = u.T @ u
    for lag in range(1, lags + 1):
        g = u[lag:].T @ u[:-lag]
        S += (1 - lag / (lags + 1)) * (g + g.T)
    bread = np.linalg.inv(X.T @ X)
    scale = len(y) / (len(y) - 2) if correct else 1.0
    return math.sqrt(scale * (bread @ S @ bread)[1, 1])


def series(values, start="2022-04"):
    return pd.Series(
        values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float
    )


def test_slope_equals_polyfit_and_hac_errors_by_hand():
    rng = np.random.default_rng(11)
    y = 40 + 0.25 * np.arange(30) + rng.normal(0, 1, 30).cumsum() * 0.5
    t = np.arange(30.0)
    slope = np.polyfit(t, y, 1)[0]
    lags = math.floor(4 * (30 / 100) ** (2 / 9))
    # Default: small-sample correction and Student's t with n - 2 = 28 degrees of freedom.
    tr = trend_slope(series(y), unit="percent", calibration="none")
    assert tr.slope_per_year == pytest.approx(12 * slope, rel=1e-10)
    assert tr.maxlags == lags == 3
    se = newey_west_se(t, y, lags, correct=True)
    crit = student_t.ppf(0.975, 28)
    assert tr.ci_low == pytest.approx(12 * (slope - crit * se), rel=1e-8)
    assert tr.ci_high == pytest.approx(12 * (slope + crit * se), rel=1e-8)
    assert tr.p_value == pytest.approx(2 * student_t.sf(abs(slope / se), 28), rel=1e-8)
    # Plain statsmodels HAC: no correction, normal distribution.
    plain = trend_slope(series(y), small_sample=False, calibration="none")
    se0 = newey_west_se(t, y, lags, correct=False)
    assert plain.ci_low == pytest.approx(12 * (slope - norm.ppf(0.975) * se0), rel=1e-8)
    assert plain.p_value == pytest.approx(2 * norm.sf(abs(slope / se0)), rel=1e-8)


def test_missing_month_is_dropped_but_keeps_its_place_in_time():
    y = np.array([10, 11, 13, 12, 14, 15, 17, 16, 18, 19, 21, 20], dtype=float)
    s = series(y)
    s.iloc[4] = np.nan
    s = s.drop(s.index[7])  # an absent month behaves like a NaN month
    keep = [i for i in range(12) if i not in (4, 7)]
    tr = trend_slope(s)
    assert tr.n_months == 10
    assert tr.slope_per_year == pytest.approx(12 * np.polyfit(np.array(keep, float), y[keep], 1)[0])


def test_window_start_and_months():
    y = np.r_[np.full(12, 50.0), 50 + 0.5 * np.arange(1, 13) + np.tile([0.3, -0.3], 6)]
    s = series(y, start="2023-01")
    by_start = trend_slope(s, start="2024-01")
    by_months = trend_slope(s, months=12)
    expected = 12 * np.polyfit(np.arange(12.0), y[12:], 1)[0]
    assert by_start.slope_per_year == pytest.approx(expected)
    assert by_months.slope_per_year == pytest.approx(expected)
    assert by_start.start == pd.Period("2024-01", "M")


def test_significant_and_not_significant_wording():
    rng = np.random.default_rng(5)
    rising = trend_slope(
        series(20 + 0.5 * np.arange(24) + rng.normal(0, 0.5, 24)),
        unit="percent",
        direction="decrease",
    )
    assert rising.significant and rising.ci_low > 0
    assert "rose" in rising.plain_english and "(worse)" in rising.plain_english
    assert "percentage points a year" in rising.plain_english
    assert "hint" not in rising.plain_english  # 24 months is not a short window
    short = trend_slope(series(20 + 0.5 * np.arange(12) + rng.normal(0, 0.5, 12)))
    assert short.significant and "treat this as a hint" in short.plain_english
    flat = trend_slope(series(rng.normal(20, 1, 24)), direction="increase")
    assert not flat.significant and flat.ci_low < 0 < flat.ci_high
    assert "no clear" in flat.plain_english and "better" not in flat.plain_english


def test_neutral_measure_has_no_judgement():
    tr = trend_slope(series(np.arange(24.0) + np.tile([0.2, -0.2], 12)), direction="neutral")
    assert tr.significant and "better" not in tr.plain_english and "worse" not in tr.plain_english


def test_too_few_months_gives_reason():
    tr = trend_slope(series([1, np.nan, 3, 4, np.nan]))
    assert math.isnan(tr.slope_per_year) and tr.reason and "at least" in tr.plain_english


def test_lag_rule():
    assert [newey_west_lags(n) for n in (6, 24, 36, 100)] == [
        max(1, math.floor(4 * (n / 100) ** (2 / 9))) for n in (6, 24, 36, 100)
    ]
    assert newey_west_lags(100) == 4


def test_month_labels_as_strings_or_timestamps_keep_their_gaps():
    y = [10.0, 11.0, 13.0, 12.0, 14.0, 15.0, 17.0]
    labels = ["2024-01", "2024-02", "2024-03", "2024-05", "2024-06", "2024-07", "2024-08"]
    t = np.array([0, 1, 2, 4, 5, 6, 7], dtype=float)
    expected = 12 * np.polyfit(t, y, 1)[0]
    by_text = trend_slope(pd.Series(y, index=labels))
    by_time = trend_slope(pd.Series(y, index=pd.to_datetime(labels)))
    assert by_text.slope_per_year == pytest.approx(expected)
    assert by_time.slope_per_year == pytest.approx(expected)
    unlabelled = trend_slope(pd.Series(y, index=list("abcdefg")))  # plain points in order
    assert unlabelled.slope_per_year == pytest.approx(12 * np.polyfit(np.arange(7.0), y, 1)[0])
