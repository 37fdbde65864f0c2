"""STL seasonal strength: high on a sine plus small noise, near zero on long white noise."""

import numpy as np
import pandas as pd
import pytest

from helpers.stats import seasonal_strength, seasonally_adjusted


def series(values, start="2020-01"):
    return pd.Series(
        values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float
    )


def sine(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 50 + 10 * np.sin(2 * np.pi * np.arange(n) / 12) + rng.normal(0, 0.5, n)


def test_sine_is_strongly_seasonal():
    s = seasonal_strength(series(sine(48)))
    assert s.strength > 0.9 and s.strongly_seasonal
    assert "strong yearly pattern" in s.plain_english


def test_white_noise_is_not():
    rng = np.random.default_rng(2)
    s = seasonal_strength(series(rng.normal(50, 5, 120)))
    assert s.strength < 0.4 and not s.strongly_seasonal
    assert "little or no yearly pattern" in s.plain_english


def test_strength_is_the_stated_formula():
    s = seasonal_strength(series(sine(36) + np.linspace(0, 5, 36)))
    # F_s = 1 - Var(R) / Var(S + R), with R = y - trend - seasonal.
    from statsmodels.tsa.seasonal import STL

    fit = STL(sine(36) + np.linspace(0, 5, 36), period=12, robust=True).fit()
    r, seas = fit.resid, fit.seasonal
    assert s.strength == pytest.approx(max(0, 1 - np.var(r) / np.var(seas + r)))


def test_threshold_is_a_parameter():
    y = series(sine(36) + np.random.default_rng(3).normal(0, 6, 36))
    s = seasonal_strength(y)
    assert seasonal_strength(y, threshold=s.strength).strongly_seasonal
    assert not seasonal_strength(y, threshold=s.strength + 0.01).strongly_seasonal


def test_fewer_than_24_months_gives_none_with_reason():
    s = seasonal_strength(series(sine(23)))
    assert s.strength is None and not s.strongly_seasonal
    assert "24 months" in s.reason and "not assessed" in s.plain_english


def test_single_missing_month_is_filled_and_said():
    y = series(sine(30))
    y.iloc[10] = np.nan
    s = seasonal_strength(y)
    assert s.strength > 0.9 and s.n_months == 30
    assert s.filled == (pd.Period("2020-11", "M"),)
    assert "Nov 2020" in s.plain_english and "filled in" in s.plain_english


def test_two_missing_months_use_the_latest_unbroken_stretch():
    y = series(sine(40))
    y.iloc[[5, 6]] = np.nan  # a two-month gap: only the 33 months after it are used
    s = seasonal_strength(y)
    assert s.n_months == 33 and s.filled == ()
    y.iloc[[20]] = np.nan  # now also a single gap inside: filled, 33 months still
    assert seasonal_strength(y).n_months == 33
    y.iloc[[30]] = np.nan  # a second single gap: the later one is filled, the stretch
    short = seasonal_strength(y)  # starts after the earlier one (months 21-39)
    assert short.strength is None and short.n_months == 19
    assert short.filled == (pd.Period("2022-07", "M"),)
    assert seasonal_strength(y, max_filled=2).n_months == 33


def test_short_series_result_is_called_a_rough_guide():
    assert "rough guide" in seasonal_strength(series(sine(30))).plain_english
    assert "rough guide" not in seasonal_strength(series(sine(60))).plain_english


def test_seasonally_adjusted_removes_the_yearly_pattern():
    y = series(sine(48))
    y.iloc[-1] = np.nan
    adj = seasonally_adjusted(y)
    assert adj.strongly_seasonal
    assert np.isnan(adj.adjusted.iloc[-1])
    assert adj.adjusted.std() < 0.2 * y.std()  # the sine (sd ~7) is gone, noise (sd 0.5) left
    assert adj.adjusted.mean() == pytest.approx(50, abs=1)


def test_seasonally_adjusted_short_series_is_unchanged():
    y = series(sine(12))
    adj = seasonally_adjusted(y)
    assert adj.strength is None and not adj.strongly_seasonal
    pd.testing.assert_series_equal(adj.adjusted, y)
    assert "unadjusted" in adj.plain_english
