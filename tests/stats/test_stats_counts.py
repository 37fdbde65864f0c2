"""Count and rate checks against exact answers from scipy and hand-worked Laney limits."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, norm

from helpers.stats import compare_rates, laney_u, poisson_vs_baseline


def test_exact_conditional_poisson_equals_binomial_test():
    # Given the total, count1 ~ Binomial(count1 + count2, e1 / (e1 + e2)) under equal rates.
    t = compare_rates(30, 5000, 60, 20000)
    exact = binomtest(30, 90, 5000 / 25000).pvalue
    assert t.p_value == pytest.approx(exact, rel=1e-10)
    assert t.ratio == pytest.approx((30 / 5000) / (60 / 20000))


def test_score_poisson_equals_closed_form():
    # Score test of rate ratio 1: z = (X1 - d X2) / sqrt(d (X1 + X2)), d = e1 / e2.
    x1, e1, x2, e2 = 18, 1.0, 150, 12.0
    d = e1 / e2
    z = (x1 - d * x2) / math.sqrt(d * (x1 + x2))
    t = compare_rates(x1, e1, x2, e2, method="score")
    assert t.statistic == pytest.approx(z, rel=1e-10)
    assert t.p_value == pytest.approx(2 * norm.sf(abs(z)), rel=1e-10)


def counts_series(values, start="2023-01"):
    return pd.Series(
        values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float
    )


def test_poisson_vs_baseline_plain_counts_exposure_one_per_month():
    counts = counts_series([10, 12, 9, 11, 10, 13, 8, 12, 11, 10, 9, 12, 25])
    t = poisson_vs_baseline(counts, baseline=12)
    assert t.count2 == 127 and t.exposure2 == 12 and t.exposure1 == 1
    assert t.p_value == pytest.approx(binomtest(25, 152, 1 / 13).pvalue)
    assert t.significant and "real change" in t.plain_english
    assert "better" not in t.plain_english and "worse" not in t.plain_english  # neutral default


def test_poisson_vs_baseline_rate_with_population_and_missing_month():
    counts = counts_series([40, 42, np.nan, 41, 44])
    pop = counts_series([50000, 50000, 50000, 51000, 51000])
    t = poisson_vs_baseline(counts, pop, baseline=3, multiplier=10_000, unit="rate_per_10k")
    assert t.count2 == 83 and t.exposure2 == 101000  # the missing month is skipped
    assert t.p_value == pytest.approx(binomtest(44, 127, 51000 / 152000).pvalue)
    assert not t.significant and "within normal variation" in t.plain_english
    assert "per 10,000 children" in t.plain_english


def test_poisson_vs_baseline_missing_latest_month_says_so():
    t = poisson_vs_baseline(counts_series([10, 11, 12, np.nan]))
    assert math.isnan(t.p_value) and "missing" in t.plain_english


def test_poisson_direction_wording_when_significant():
    t = compare_rates(40, 1, 100, 12, direction="decrease")
    assert t.significant and "higher" in t.plain_english and "(worse)" in t.plain_english


def test_laney_u_hand_worked_plain_counts():
    # Counts 4 6 5 9 3 3, exposure 1: u-bar = 5, sigma_i = sqrt(5), z = (c - 5)/sqrt(5),
    # moving ranges of z = (2, 1, 4, 6, 0)/sqrt(5), mean 2.6/sqrt(5): limits 5 +/- 7.8/1.128.
    lim = laney_u([4, 6, 5, 9, 3, 3])
    assert lim.centre == pytest.approx(5.0)
    assert lim.sigma_z == pytest.approx(2.6 / math.sqrt(5) / 1.128)
    assert lim.upper.to_numpy() == pytest.approx(np.full(6, 5 + 7.8 / 1.128))
    assert lim.lower.to_numpy() == pytest.approx(np.zeros(6))  # 5 - 6.91 < 0: clipped at 0
    assert not lim.outside.any()


def test_laney_u_hand_worked_rates_with_exposure():
    c = [30, 36, 28, 45, 33, 60]
    n = [50000, 52000, 49000, 55000, 51000, 53000]
    ubar = sum(c) / sum(n)
    sig = [math.sqrt(ubar / ni) for ni in n]
    z = [(ci / ni - ubar) / s for ci, ni, s in zip(c, n, sig, strict=True)]
    sigma_z = sum(abs(z[i] - z[i - 1]) for i in range(1, 6)) / 5 / 1.128
    lim = laney_u(c, n, multiplier=10_000, unit="rate_per_10k")
    assert lim.centre == pytest.approx(ubar * 10_000)
    for i in range(6):
        assert lim.upper.iloc[i] == pytest.approx(10_000 * (ubar + 3 * sig[i] * sigma_z))
        assert lim.lower.iloc[i] == pytest.approx(10_000 * max(0.0, ubar - 3 * sig[i] * sigma_z))
    expect_out = [
        not (ubar - 3 * s * sigma_z <= ci / ni <= ubar + 3 * s * sigma_z)
        for ci, ni, s in zip(c, n, sig, strict=True)
    ]
    assert lim.outside.tolist() == expect_out
    assert "per 10,000 children" in lim.plain_english


def test_laney_u_missing_and_absent_months_do_not_crash():
    idx = pd.PeriodIndex(["2024-01", "2024-02", "2024-04", "2024-05", "2024-06"], freq="M")
    counts = pd.Series([4, 6, np.nan, 9, 3], index=idx, dtype=float)
    lim = laney_u(counts)
    assert len(lim.upper) == 6  # March (absent) and April (NaN) are both missing months
    assert lim.n_months == 4 and not lim.outside.iloc[1:4].any()
    assert lim.centre == pytest.approx(22 / 4)
