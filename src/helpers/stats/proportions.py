"""Checks for percent measures (numerator over denominator).

- wilson_interval: the plausible range for one month's true proportion (Wilson 95%).
- two_proportion_test: is this month's proportion different from another's (pooled z test)?
- compare_proportions: the latest month against last month and against a pooled baseline.
- laney_p: Laney p' limits for the whole series.

Proportions are handled as fractions (0-1) in the arithmetic; figures members see are x100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from helpers.stats import _series
from helpers.stats.laney import LaneyLimits, _pair, laney_limits
from helpers.stats.wording import ALPHA, fmt_change, fmt_value, higher_lower, result_ending

NAN = float("nan")


def _ok(numerator: float, denominator: float) -> bool:
    return not (
        numerator is None
        or denominator is None
        or math.isnan(numerator)
        or math.isnan(denominator)
        or denominator <= 0
    )


@dataclass(frozen=True)
class WilsonInterval:
    """One month's proportion with its Wilson interval (fractions, not percent)."""

    numerator: float
    denominator: float
    proportion: float
    low: float
    high: float
    plain_english: str


def wilson_interval(
    numerator: float, denominator: float, *, alpha: float = ALPHA, decimals: int = 1
) -> WilsonInterval:
    """Wilson score interval: behaves well for small denominators and for 0% or 100%.

    A missing numerator or denominator (NaN, or denominator 0) gives NaNs and says so.
    """
    if not _ok(numerator, denominator):
        return WilsonInterval(
            numerator, denominator, NAN, NAN, NAN, "There is no figure for this month."
        )
    low, high = proportion_confint(numerator, denominator, alpha=alpha, method="wilson")
    p = numerator / denominator
    low, high = min(float(low), p), max(float(high), p)  # exact at 0% and 100% despite rounding
    level = round(100 * (1 - alpha))
    lo, hi = (fmt_value(100 * v, "percent", decimals) for v in (low, high))
    text = (
        f"{fmt_value(100 * p, 'percent', decimals)} ({numerator:,.0f} of {denominator:,.0f}); "
        f"allowing for chance, the true figure is probably between {lo} and {hi}"
        f" ({level}% confidence interval)."
    )
    return WilsonInterval(numerator, denominator, p, float(low), float(high), text)


@dataclass(frozen=True)
class ProportionTest:
    """A two-proportion z test (pooled variance) of p1 against p2."""

    p1: float
    p2: float
    difference: float
    z: float
    p_value: float
    significant: bool
    plain_english: str


def two_proportion_test(
    x1: float,
    n1: float,
    x2: float,
    n2: float,
    *,
    what: str = "This month",
    against: str = "last month",
    direction: str = "neutral",
    alpha: float = ALPHA,
    decimals: int = 1,
    dispersion: float = 1.0,
) -> ProportionTest:
    """Pooled two-proportion z test (statsmodels proportions_ztest), worded for members.

    When both groups are all 0% or all 100% there is nothing to test: z = 0, p = 1.
    `dispersion` above 1 (Laney's sigma_z: months vary more than binomial chance allows) divides
    z by it before the p-value is worked out.
    """
    if not (_ok(x1, n1) and _ok(x2, n2)):
        return ProportionTest(
            NAN, NAN, NAN, NAN, NAN, False, f"No comparison with {against}: a figure is missing."
        )
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        z, pv = 0.0, 1.0
    else:
        z, pv = proportions_ztest(np.array([x1, x2]), np.array([n1, n2]))
        z, pv = float(z), float(pv)
        if dispersion > 1:
            z = z / dispersion
            pv = float(2 * norm.sf(abs(z)))
    diff = p1 - p2
    sig = pv < alpha
    gap = fmt_change(100 * diff, "percent", decimals)
    if diff == 0:
        text = f"{what} is the same as {against} ({fmt_value(100 * p2, 'percent', decimals)})."
    else:
        text = (
            f"{what} ({fmt_value(100 * p1, 'percent', decimals)}) is {gap} {higher_lower(diff)} "
            f"{against} ({fmt_value(100 * p2, 'percent', decimals)})"
        ) + result_ending(diff, direction, sig, pv)
    return ProportionTest(p1, p2, diff, z, pv, sig, text)


@dataclass(frozen=True, eq=False)
class ProportionComparison:
    """The latest month against last month and against the pooled baseline."""

    latest_period: object
    latest: WilsonInterval
    vs_last: ProportionTest
    vs_baseline: ProportionTest
    baseline_periods: tuple
    baseline_proportion: float
    plain_english: tuple[str, ...]


def compare_proportions(
    numerators: pd.Series,
    denominators: pd.Series,
    *,
    baseline: _series.Baseline = 12,
    direction: str = "neutral",
    alpha: float = ALPHA,
    decimals: int = 1,
    dispersion: float = 1.0,
) -> ProportionComparison:
    """This month (the last month of the series) against last month and against the baseline.

    The baseline pools numerators and denominators over its months (default the 12 months before
    the latest); baseline months without figures are skipped. "Last month" is the calendar month
    before the latest; if it has no figure the comparison is reported as not possible.
    """
    num, den = _pair(numerators, denominators, ("numerator", "denominator"))
    if len(num) == 0:
        raise ValueError("No months given.")
    latest = num.index[-1]
    x1, n1 = float(num.iloc[-1]), float(den.iloc[-1])
    interval = wilson_interval(x1, n1, alpha=alpha, decimals=decimals)
    x0, n0 = (float(num.iloc[-2]), float(den.iloc[-2])) if len(num) > 1 else (NAN, NAN)
    vs_last = two_proportion_test(
        x1,
        n1,
        x0,
        n0,
        against="last month",
        direction=direction,
        alpha=alpha,
        decimals=decimals,
        dispersion=dispersion,
    )
    months = _series.baseline_labels(num.index, baseline)
    have = [m for m in months if _ok(num.loc[m], den.loc[m])]
    bx = float(num.loc[have].sum()) if have else NAN
    bn = float(den.loc[have].sum()) if have else NAN
    against = f"the previous {len(have)} months together" if have else "the baseline"
    vs_base = two_proportion_test(
        x1,
        n1,
        bx,
        bn,
        against=against,
        direction=direction,
        alpha=alpha,
        decimals=decimals,
        dispersion=dispersion,
    )
    sentences = tuple(
        s for s in (interval.plain_english, vs_last.plain_english, vs_base.plain_english) if s
    )
    return ProportionComparison(
        latest_period=latest,
        latest=interval,
        vs_last=vs_last,
        vs_baseline=vs_base,
        baseline_periods=tuple(have),
        baseline_proportion=bx / bn if have else NAN,
        plain_english=sentences,
    )


def laney_p(
    numerators: pd.Series,
    denominators: pd.Series,
    *,
    multiplier: float = 100.0,
    decimals: int = 1,
) -> LaneyLimits:
    """Laney p' limits per month: p-bar +/- 3 * sqrt(pbar(1-pbar)/n_i) * sigma_z.

    p-bar pools all months with figures; limits are returned x multiplier (percent by default)
    and clipped to 0-100%.
    """
    num, den = _pair(numerators, denominators, ("numerator", "denominator"))
    ok = num.notna() & den.notna()
    pbar = float(num[ok].sum() / den[ok].sum()) if ok.any() else NAN
    sigma = np.sqrt(pbar * (1 - pbar) / den)
    unit = "percent" if multiplier == 100 else ""
    return laney_limits(
        num / den, pbar, sigma, multiplier=multiplier, upper_bound=1.0, unit=unit, decimals=decimals
    )
