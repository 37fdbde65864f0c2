"""Seasonality: does the measure follow a yearly pattern (STL decomposition)?

Strength of seasonality F_s = max(0, 1 - Var(remainder) / Var(seasonal + remainder))
(Wang, Smith and Hyndman 2006). 0 means no yearly pattern; 0.64 or more is commonly read as
strongly seasonal, where a month's movement should be judged against the same month last year
or on the seasonally adjusted series.

STL needs an unbroken series: it uses the most recent stretch with no run of two or more
missing months, and fills at most `max_filled` single missing months by straight-line
interpolation (for STL only; the filled months are listed and mentioned).

Caveat: with only two or three years of figures the strength is biased upwards: pure noise
(level 50, sd 5) reaches 0.64 in 9 series out of 10 or more at 24-26 months (STL fits two figures
per calendar month almost exactly), 3 in 4 at 30 months, 1 in 6 at 36, and almost never at 60+
months (benchmarks/bench_stats.py). Below 36 months the strength is therefore not used or
quoted, and at any length "strongly seasonal" also needs the month-of-year pattern to be
confirmed by an F test (OLS of the figures on a straight-line trend plus eleven month-of-year
terms, against the trend alone, at the 1% level). The F test is exact for independent normal
noise, so noise is called seasonal about 1 time in 100 at any length from 24 months, while a
yearly swing of 1.5 noise standard deviations is confirmed 1 time in 4 at 24 months, 5 in 6 at
36 and nearly always from 48.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from statsmodels.tsa.seasonal import STL

from helpers.stats import _series

STRONG = 0.64
#: Below this many months the strength is a rough guide (noise alone can look seasonal).
SHORT = 48
#: Below this many months STL's strength is near 1 for almost any series (two or three figures
#: per calendar month are fitted almost exactly), so only the F test is used and no strength is
#: quoted. Pure noise reached 0.64 in 90-100% of series of 24-26 months, 75% at 30 and 16% at 36.
RELIABLE_STRENGTH = 36
#: Significance level at which the month-of-year pattern counts as confirmed.
CONFIRM_ALPHA = 0.01


def _design(n: int, period: int) -> tuple[np.ndarray, np.ndarray]:
    """A straight-line trend, and the same plus period - 1 month-of-year indicator columns."""
    t = np.arange(n, dtype=float)
    trend = add_constant(t)
    months = np.column_stack([(t % period == k).astype(float) for k in range(1, period)])
    return trend, np.column_stack([trend, months])


def month_effects(values: np.ndarray, period: int = 12) -> np.ndarray:
    """A fixed yearly pattern (month-of-year effects around a trend, summing to zero over a year).

    Each calendar month's effect is the average of that month's departures from a straight-line
    trend, so noise is averaged over the years rather than copied into the pattern.
    """
    y = np.asarray(values, dtype=float)
    _, full = _design(len(y), period)
    beta = OLS(y, full).fit().params
    effects = np.concatenate([[0.0], beta[2:]])  # the first month of the stretch is the base
    effects -= effects.mean()
    return effects[np.arange(len(y)) % period]


def month_of_year_p_value(values: np.ndarray, period: int = 12) -> float:
    """F test p-value: do month-of-year terms explain more than a straight-line trend?

    The strength measure alone is biased upwards on short series; this test is what stops noise
    on two or three years of figures from being read as a seasonal pattern.
    """
    y = np.asarray(values, dtype=float)
    trend, design = _design(len(y), period)
    full = OLS(y, design).fit()
    if full.df_resid < 1:
        return float("nan")
    _, p_value, _ = full.compare_f_test(OLS(y, trend).fit())
    return float(p_value)


@dataclass(frozen=True, eq=False)
class Seasonality:
    """Seasonal strength (None with a reason when it cannot be worked out)."""

    strength: float | None
    strongly_seasonal: bool
    n_months: int
    filled: tuple
    seasonal: pd.Series | None
    plain_english: str
    reason: str | None = None
    p_value: float | None = None


def _recent_stretch(s: pd.Series, max_filled: int) -> tuple[pd.Series, list]:
    """The latest run of months with no double gap and at most max_filled single gaps."""
    obs = np.flatnonzero(s.notna().to_numpy())
    if len(obs) == 0:
        return s.iloc[0:0], []
    s = s.iloc[obs[0] : obs[-1] + 1]
    missing = s.isna().to_numpy()
    start, singles = 0, []
    i = len(s) - 1
    while i >= 0:
        if missing[i]:
            j = i
            while j >= 0 and missing[j]:
                j -= 1
            if i - j >= 2 or len(singles) >= max_filled:
                start = i + 1
                break
            singles.append(s.index[i])
            i = j
        else:
            i -= 1
    return s.iloc[start:], sorted(singles)


def _strength_words(strength: float, threshold: float, strong: bool) -> str:
    scale = f"(seasonal strength {strength:.2f} on a 0-1 scale)"
    if strong:
        return (
            f"The figure follows a strong yearly pattern {scale}, "
            "so compare a month with the same month last year."
        )
    if strength >= threshold:
        return (
            f"The figure looks seasonal {scale}, but the same months of different years do not "
            "agree closely enough to rule out chance, so it is not treated as seasonal."
        )
    if strength >= 0.4:
        return f"There is a moderate yearly pattern {scale}."
    return f"There is little or no yearly pattern {scale}."


def seasonal_strength(
    series: pd.Series | list,
    *,
    period: int = 12,
    threshold: float = STRONG,
    max_filled: int = 1,
    robust: bool = True,
) -> Seasonality:
    """Robust STL with the given period; needs two full cycles (24 months) of unbroken figures."""
    s = _series.as_series(series)
    stretch, filled = _recent_stretch(s, max_filled)
    n = len(stretch)
    if n < 2 * period:
        reason = f"needs {2 * period} months in a row with figures; the latest unbroken run has {n}"
        return Seasonality(
            None, False, n, tuple(filled), None, f"Seasonality not assessed: {reason}.", reason
        )
    y = stretch.interpolate(method="linear") if filled else stretch
    res = STL(y.to_numpy(), period=period, robust=robust).fit()
    remainder = np.asarray(res.resid)
    seasonal = np.asarray(res.seasonal)
    total = np.var(seasonal + remainder)
    strength = float(max(0.0, 1 - np.var(remainder) / total)) if total > 0 else 0.0
    p_value = month_of_year_p_value(y.to_numpy(float), period)
    confirmed = bool(p_value < CONFIRM_ALPHA)  # NaN (a flat series) is not confirmed
    if n < RELIABLE_STRENGTH:
        # With two or three figures per calendar month STL fits them almost exactly, so the
        # strength is near 1 for nearly any series: the F test alone decides, and no strength
        # figure is quoted to members.
        strong = confirmed
        text = (
            "The figure follows a yearly pattern: the same months rose and fell together in each "
            "year, more closely than chance would give, so compare a month with the same month "
            "last year."
            if strong
            else "No clear yearly pattern yet: the same months have not moved together closely "
            "enough from year to year to rule out chance."
        )
    else:
        strong = strength >= threshold and confirmed
        text = _strength_words(strength, threshold, strong)
    if n < SHORT:
        text += f" With only {n} months of figures this is a rough guide."
    if filled:
        months = ", ".join(_series.label(m) for m in filled)
        text += (
            f" The missing figure for {months} was filled in from its neighbours "
            f"for this check only."
        )
    return Seasonality(
        strength,
        strong,
        n,
        tuple(filled),
        pd.Series(seasonal, index=stretch.index, name="seasonal"),
        text,
        p_value=p_value,
    )


@dataclass(frozen=True, eq=False)
class SeasonalAdjustment:
    """The series with the yearly pattern taken out (value - seasonal), and whether it matters."""

    adjusted: pd.Series
    strength: float | None
    strongly_seasonal: bool
    plain_english: str


def seasonally_adjusted(
    series: pd.Series | list,
    *,
    period: int = 12,
    threshold: float = STRONG,
    max_filled: int = 1,
) -> SeasonalAdjustment:
    """value - seasonal over the STL stretch; NaN where there is no figure or no estimate.

    The seasonal part taken out is the fixed month-of-year pattern (`month_effects`), not STL's
    seasonal component: STL lets the pattern drift from year to year and soaks up noise, so its
    adjusted series is too smooth and the SPC rules then find trends that are not there (in
    simulation 40-70% of seasonal series of 48-60 months ended in a false signal; with the fixed
    pattern 1-5%, close to the 1-3% of the same noise without any seasonality; see
    benchmarks/bench_stats.py).
    When seasonality cannot be assessed the series is returned unchanged and the flag is False.
    """
    s = _series.as_series(series)
    season = seasonal_strength(s, period=period, threshold=threshold, max_filled=max_filled)
    if season.seasonal is None:
        return SeasonalAdjustment(
            s.copy(), None, False, season.plain_english + " Figures are shown unadjusted."
        )
    stretch = s.reindex(season.seasonal.index).interpolate(method="linear")
    seasonal = pd.Series(month_effects(stretch.to_numpy(float), period), index=stretch.index)
    adjusted = (s - seasonal.reindex(s.index)).rename(s.name)
    return SeasonalAdjustment(
        adjusted, season.strength, season.strongly_seasonal, season.plain_english
    )
