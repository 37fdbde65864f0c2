"""Values R gives for the same inputs, so the statsmodels checks are anchored outside Python.

Each expected number was printed by R 4.2.2 (stats, sandwich 3.0, lmtest 0.9) on 2026-11-25 with
the call quoted beside it. A wider random cross-check (thousands of inputs per function, agreeing
to 1e-11 or better) was run once by hand; these are a few fixed points from it to keep.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers.stats import bh_adjust, ljung_box, trend_slope
from helpers.stats.counts import compare_rates
from helpers.stats.proportions import two_proportion_test, wilson_interval
from helpers.stats.seasonality import month_of_year_p_value

SERIES = [12, 15, 11, 14, 18, 16, 13, 17, 19, 15, 14, 20, 18, 16, 21, 17, 15, 19, 22, 18, 16, 20,
          23, 19]  # fmt: skip


def test_poisson_exact_conditional_test() -> None:
    # poisson.test(c(30, 250), c(1, 12))$p.value
    assert compare_rates(30, 1, 250, 12).p_value == pytest.approx(0.071284447975052, rel=1e-9)


def test_two_proportion_z_test_without_continuity_correction() -> None:
    # prop.test(c(45, 30), c(200, 190), correct = FALSE)$p.value
    test = two_proportion_test(45, 200, 30, 190)
    assert test.p_value == pytest.approx(0.092817758435207, rel=1e-9)


def test_wilson_interval() -> None:
    # prop.test(45, 200, correct = FALSE)$conf.int
    interval = wilson_interval(45, 200)
    assert interval.low == pytest.approx(0.172623697150891, rel=1e-9)
    assert interval.high == pytest.approx(0.287741232356605, rel=1e-9)


def test_ljung_box() -> None:
    # Box.test(y, lag = 6, type = "Ljung-Box"): X-squared 11.5377852194266, p 0.0731111766275893
    result = ljung_box(SERIES, lag=6)
    assert result.q == pytest.approx(11.5377852194266, rel=1e-9)
    assert result.p_value == pytest.approx(0.0731111766275893, rel=1e-9)


def test_newey_west_trend_with_small_sample_correction() -> None:
    # fit <- lm(y ~ t); V <- NeweyWest(fit, lag = 2, prewhite = FALSE, adjust = TRUE)
    # coeftest(fit, vcov. = V, df = n - 2)[2, ]: slope 0.295652173913043 per month,
    # p 6.68658324624319e-07 (lag 2 = floor(4 * (24 / 100)^(2/9)))
    trend = trend_slope(SERIES, calibration="none")
    assert trend.maxlags == 2
    assert trend.slope_per_year == pytest.approx(12 * 0.295652173913043, rel=1e-9)
    assert trend.p_value == pytest.approx(6.68658324624319e-07, rel=1e-6)


def test_benjamini_hochberg() -> None:
    # p.adjust(c(0.001, 0.02, 0.03, 0.04, 0.2, 0.5), "BH")
    adjusted = bh_adjust([0.001, 0.02, 0.03, 0.04, 0.2, 0.5]).adjusted.to_numpy()
    np.testing.assert_allclose(adjusted, [0.006, 0.06, 0.06, 0.06, 0.24, 0.5], rtol=1e-12)


def test_month_of_year_f_test() -> None:
    # anova(lm(z ~ tt), lm(z ~ tt + factor(tt %% 12)))[2, "Pr(>F)"]
    noise = [3.1, -2.2, 0.5, 1.7, -0.8, 2.4, -1.9, 0.3, 1.1, -2.7, 0.9, -0.4, 1.6, -1.3, 2.2,
             -0.6, 0.8, -2.1, 1.4, 0.2, -1.5, 2.6, -0.9, 0.7, -1.8, 1.2, 0.4, -2.4, 1.9,
             -0.2]  # fmt: skip
    z = 50 + 10 * np.sin(2 * np.pi * np.arange(30) / 12) + np.array(noise)
    assert month_of_year_p_value(z) == pytest.approx(2.18587134613712e-09, rel=1e-6)
