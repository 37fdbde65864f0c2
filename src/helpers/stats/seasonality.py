"""Seasonality: does the measure follow a yearly pattern (STL decomposition)?

Strength of seasonality F_s = max(0, 1 - Var(remainder) / Var(seasonal + remainder))
(Wang, Smith and Hyndman 2006). 0 means no yearly pattern; 0.64 or more is commonly read as
strongly seasonal, where a month's movement should be judged against the same month last year
or on the seasonally adjusted series.

STL needs an unbroken series: it uses the most recent stretch with no run of two or more
missing months, and fills at most `max_filled` single missing months by straight-line
interpolation (for STL only; the filled months are listed and mentioned).

Caveat: with only two or three years of figures the strength is biased upwards. In simulation
(benchmarks/bench_stats.py) pure noise of 24-36 months reaches 0.64 roughly 1 time in 6, and
almost never at 60+ months, so the wording calls short-series results a rough guide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from helpers.stats import _series

STRONG = 0.64
#: Below this many months the strength is a rough guide (noise alone can look seasonal).
SHORT = 48


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
    strong = strength >= threshold
    scale = f"(seasonal strength {strength:.2f} on a 0-1 scale)"
    if strong:
        text = (
            f"The figure follows a strong yearly pattern {scale}, "
            f"so compare a month with the same month last year."
        )
    elif strength >= 0.4:
        text = f"There is a moderate yearly pattern {scale}."
    else:
        text = f"There is little or no yearly pattern {scale}."
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

    When seasonality cannot be assessed the series is returned unchanged and the flag is False.
    """
    s = _series.as_series(series)
    season = seasonal_strength(s, period=period, threshold=threshold, max_filled=max_filled)
    if season.seasonal is None:
        return SeasonalAdjustment(
            s.copy(), None, False, season.plain_english + " Figures are shown unadjusted."
        )
    adjusted = (s - season.seasonal.reindex(s.index)).rename(s.name)
    return SeasonalAdjustment(
        adjusted, season.strength, season.strongly_seasonal, season.plain_english
    )
