"""Proportion checks against closed-form formulas worked out here, not by the code under test."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from helpers.stats import compare_proportions, laney_p, two_proportion_test, wilson_interval

Z95 = norm.ppf(0.975)


def wilson_by_formula(x: float, n: float, z: float = Z95) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def pooled_z(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float]:
    pp = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n2))
    return z, 2 * norm.sf(abs(z))


def test_wilson_textbook_81_of_263():
    w = wilson_interval(81, 263)
    assert w.low == pytest.approx(0.2553, abs=5e-5)
    assert w.high == pytest.approx(0.3662, abs=5e-5)
    low, high = wilson_by_formula(81, 263)
    assert (w.low, w.high) == pytest.approx((low, high), rel=1e-12)
    assert "25.5%" in w.plain_english and "36.6%" in w.plain_english


@pytest.mark.parametrize(("x", "n"), [(0, 12), (12, 12), (3, 7), (450, 1000)])
def test_wilson_matches_formula_including_extremes(x, n):
    w = wilson_interval(x, n)
    assert (w.low, w.high) == pytest.approx(wilson_by_formula(x, n), abs=1e-12)
    assert 0 <= w.low <= x / n <= w.high <= 1


@pytest.mark.parametrize(("x", "n"), [(np.nan, 100), (5, np.nan), (5, 0)])
def test_wilson_missing_month_gives_nan_and_says_so(x, n):
    w = wilson_interval(x, n)
    assert math.isnan(w.low) and math.isnan(w.high)
    assert "no figure" in w.plain_english.lower()


def test_two_proportion_z_is_the_pooled_formula():
    t = two_proportion_test(45, 120, 30, 125)
    z, p = pooled_z(45, 120, 30, 125)
    assert t.z == pytest.approx(z, rel=1e-10)
    assert t.p_value == pytest.approx(p, rel=1e-10)
    assert t.difference == pytest.approx(45 / 120 - 30 / 125)


def test_two_proportion_significant_wording_and_direction():
    z, p = pooled_z(60, 100, 40, 100)
    assert p < 0.05
    better = two_proportion_test(60, 100, 40, 100, direction="increase")
    worse = two_proportion_test(60, 100, 40, 100, direction="decrease")
    neutral = two_proportion_test(60, 100, 40, 100, direction="neutral")
    assert better.significant and "real change" in better.plain_english
    assert "(better)" in better.plain_english and "(worse)" in worse.plain_english
    assert "better" not in neutral.plain_english and "worse" not in neutral.plain_english
    assert "20.0 percentage points higher" in better.plain_english


def test_two_proportion_not_significant_wording_has_no_judgement():
    _, p = pooled_z(31, 100, 29, 100)
    assert p > 0.05
    t = two_proportion_test(31, 100, 29, 100, direction="increase")
    assert not t.significant
    assert "within normal variation" in t.plain_english
    assert "better" not in t.plain_english and "worse" not in t.plain_english


def test_two_proportion_all_zero_is_no_difference():
    t = two_proportion_test(0, 50, 0, 80)
    assert t.p_value == 1.0 and not t.significant


def monthly(values, start="2023-01"):
    return pd.Series(
        values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float
    )


def test_compare_against_last_month_and_pooled_baseline():
    rng = np.random.default_rng(7)
    den = rng.integers(80, 140, 16).astype(float)
    num = rng.binomial(den.astype(int), 0.35).astype(float)
    num[-1] = 70
    c = compare_proportions(monthly(num), monthly(den), baseline=12)
    z_last, p_last = pooled_z(num[-1], den[-1], num[-2], den[-2])
    bx, bn = num[-13:-1].sum(), den[-13:-1].sum()
    z_base, p_base = pooled_z(num[-1], den[-1], bx, bn)
    assert c.vs_last.z == pytest.approx(z_last) and c.vs_last.p_value == pytest.approx(p_last)
    assert c.vs_baseline.z == pytest.approx(z_base) and c.vs_baseline.p_value == pytest.approx(
        p_base
    )
    assert c.baseline_proportion == pytest.approx(bx / bn)
    assert len(c.baseline_periods) == 12 and c.latest_period == pd.Period("2024-04", "M")


def test_compare_baseline_parameter_and_missing_months():
    num = monthly([30, 32, np.nan, 29, 31, 35, 50])
    den = monthly([100, 100, 100, 100, np.nan, 100, 100])
    c = compare_proportions(num, den, baseline=4)  # months 3-6; 3 and 5 have no figure
    assert [str(p) for p in c.baseline_periods] == ["2023-04", "2023-06"]
    assert c.vs_baseline.z == pytest.approx(pooled_z(50, 100, 29 + 35, 200)[0])
    named = compare_proportions(num, den, baseline=["2023-01", "2023-02"])
    assert named.vs_baseline.z == pytest.approx(pooled_z(50, 100, 62, 200)[0])


def test_compare_when_last_month_is_missing_or_absent():
    num = pd.Series(
        [30.0, 31.0, 40.0], index=pd.PeriodIndex(["2024-01", "2024-02", "2024-04"], freq="M")
    )
    den = pd.Series([100.0, 100.0, 100.0], index=num.index)
    c = compare_proportions(num, den)
    assert math.isnan(c.vs_last.p_value)
    assert "missing" in c.vs_last.plain_english
    assert c.vs_baseline.z == pytest.approx(pooled_z(40, 100, 61, 200)[0])


def test_laney_p_hand_worked_equal_denominators():
    # With equal n, sigma_i cancels: limits = pbar +/- 3 * mean|p_i - p_(i-1)| / 1.128.
    # p = .10 .12 .11 .13 .12 .40; pbar = 98/600; moving ranges .02 .01 .02 .01 .28, mean .068.
    lim = laney_p([10, 12, 11, 13, 12, 40], [100] * 6)
    pbar = 98 / 600
    half = 3 * 0.068 / 1.128
    assert lim.centre == pytest.approx(100 * pbar)
    assert lim.upper.to_numpy() == pytest.approx(np.full(6, 100 * (pbar + half)))
    assert lim.lower.to_numpy() == pytest.approx(np.zeros(6))  # pbar - half < 0: clipped
    assert lim.outside.tolist() == [False] * 5 + [True]
    assert lim.latest_outside and "including the latest" in lim.plain_english


def test_laney_p_hand_worked_unequal_denominators():
    x = [20, 25, 18, 30, 22, 27]
    n = [100, 110, 95, 120, 105, 115]
    pbar = sum(x) / sum(n)
    sig = [math.sqrt(pbar * (1 - pbar) / ni) for ni in n]
    z = [(xi / ni - pbar) / s for xi, ni, s in zip(x, n, sig, strict=True)]
    mr = [abs(z[i] - z[i - 1]) for i in range(1, 6)]
    sigma_z = sum(mr) / len(mr) / 1.128
    lim = laney_p(x, n)
    assert lim.sigma_z == pytest.approx(sigma_z)
    for i in range(6):
        assert lim.lower.iloc[i] == pytest.approx(100 * (pbar - 3 * sig[i] * sigma_z))
        assert lim.upper.iloc[i] == pytest.approx(100 * (pbar + 3 * sig[i] * sigma_z))
    assert not lim.outside.any()
    assert "all 6 months" in lim.plain_english


def test_laney_p_missing_month_is_skipped_in_moving_ranges():
    num = monthly([10, 12, np.nan, 11, 13, 12, 40])
    den = monthly([100, 100, 100, 100, 100, 100, 100])
    lim = laney_p(num, den)
    # Observed p: .10 .12 .11 .13 .12 .40 -> same as the hand example above.
    assert lim.upper.iloc[-1] == pytest.approx(100 * (98 / 600 + 3 * 0.068 / 1.128))
    assert lim.n_months == 6 and not lim.outside.iloc[2]
