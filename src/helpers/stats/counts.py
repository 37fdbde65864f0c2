"""Checks for counts and rates (events over an exposure such as the child population).

- laney_u: Laney u' limits (u-bar = total count / total exposure, sigma_i = sqrt(u-bar / n_i)).
- compare_rates: Poisson comparison of two rates (statsmodels test_poisson_2indep).
- poisson_vs_baseline: the latest month's rate against the pooled baseline months.

For a plain monthly count the exposure is 1 per month; for a rate per 10,000 children it is
the population and multiplier 10,000 turns rates into the published figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.rates import test_poisson_2indep

from helpers.stats import _series
from helpers.stats.laney import LaneyLimits, _pair, laney_limits
from helpers.stats.wording import ALPHA, fmt_value, higher_lower, result_ending

NAN = float("nan")


def _exposure_like(counts: pd.Series | list, exposure: pd.Series | list | None) -> pd.Series:
    c = _series.as_series(counts)
    if exposure is None:
        return pd.Series(1.0, index=c.index)
    return _series.as_series(exposure)


def laney_u(
    counts: pd.Series | list,
    exposure: pd.Series | list | None = None,
    *,
    multiplier: float = 1.0,
    unit: str = "count",
    decimals: int = 1,
) -> LaneyLimits:
    """Laney u' limits per month, x multiplier; exposure defaults to 1 per month (plain counts)."""
    c, n = _pair(counts, _exposure_like(counts, exposure), ("count", "exposure"))
    ok = c.notna() & n.notna()
    ubar = float(c[ok].sum() / n[ok].sum()) if ok.any() else NAN
    sigma = np.sqrt(ubar / n)
    return laney_limits(c / n, ubar, sigma, multiplier=multiplier, unit=unit, decimals=decimals)


@dataclass(frozen=True)
class RateTest:
    """Poisson comparison of rate1 = count1/exposure1 with rate2 = count2/exposure2."""

    count1: float
    exposure1: float
    count2: float
    exposure2: float
    rate1: float
    rate2: float
    ratio: float
    statistic: float
    p_value: float
    method: str
    significant: bool
    plain_english: str


def compare_rates(
    count1: float,
    exposure1: float,
    count2: float,
    exposure2: float,
    *,
    method: str = "exact-cond",
    multiplier: float = 1.0,
    unit: str = "count",
    what: str = "This month",
    against: str = "the baseline",
    direction: str = "neutral",
    alpha: float = ALPHA,
    decimals: int = 1,
    dispersion: float = 1.0,
) -> RateTest:
    """Two-sided Poisson test of equal rates (statsmodels test_poisson_2indep, ratio = 1).

    `dispersion` above 1 (Laney's sigma_z: the months vary more than Poisson chance allows)
    widens the test: the Wald z of the two rates is divided by it (method "wald-dispersed").

    The default 'exact-cond' method is the exact test conditional on the total count (a binomial
    test), which stays valid for the small monthly counts common in children's services. Counts
    are rounded to whole numbers for the test. Note the Poisson model assumes events arrive
    independently; for stock counts (children in care on a date) it overstates certainty, which
    is why the Laney limits (which measure the real spread) carry the SPC verdict.
    """
    values = (count1, exposure1, count2, exposure2)
    if any(v is None or math.isnan(v) for v in values) or exposure1 <= 0 or exposure2 <= 0:
        return RateTest(
            *values,
            NAN,
            NAN,
            NAN,
            NAN,
            NAN,
            method,
            False,
            f"No comparison with {against}: a figure is missing.",
        )
    r1, r2 = count1 / exposure1, count2 / exposure2
    if count1 + count2 == 0:
        stat, pv = 0.0, 1.0
    else:
        # Counts recovered from published (rounded) rates may be fractional; events are whole.
        k1, k2 = round(count1), round(count2)
        if dispersion > 1:
            pooled = (count1 + count2) / (exposure1 + exposure2)
            stat = (r1 - r2) / math.sqrt(pooled * (1 / exposure1 + 1 / exposure2)) / dispersion
            pv, method = float(2 * norm.sf(abs(stat))), "wald-dispersed"
        else:
            res = test_poisson_2indep(k1, exposure1, k2, exposure2, method=method)
            stat, pv = float(res.statistic), float(res.pvalue)
    ratio = r1 / r2 if r2 > 0 else (math.inf if r1 > 0 else NAN)
    sig = pv < alpha
    diff = r1 - r2
    v1, v2 = fmt_value(r1 * multiplier, unit, decimals), fmt_value(r2 * multiplier, unit, decimals)
    if diff == 0:
        text = f"{what} ({v1}) is the same as {against}."
    else:
        text = f"{what} ({v1}) is {higher_lower(diff)} {against} ({v2})" + result_ending(
            diff, direction, sig, pv
        )
    return RateTest(*values, r1, r2, ratio, stat, pv, method, sig, text)


def poisson_vs_baseline(
    counts: pd.Series | list,
    exposure: pd.Series | list | None = None,
    *,
    baseline: _series.Baseline = 12,
    method: str = "exact-cond",
    multiplier: float = 1.0,
    unit: str = "count",
    direction: str = "neutral",
    alpha: float = ALPHA,
    decimals: int = 1,
    dispersion: float = 1.0,
) -> RateTest:
    """The latest month's rate against the baseline months pooled (default: the 12 before).

    Baseline months without figures are skipped; with plain counts each month adds exposure 1,
    so the baseline rate is the average monthly count.
    """
    c, n = _pair(counts, _exposure_like(counts, exposure), ("count", "exposure"))
    if len(c) == 0:
        raise ValueError("No months given.")
    months = _series.baseline_labels(c.index, baseline)
    have = [m for m in months if not (math.isnan(c.loc[m]) or math.isnan(n.loc[m]))]
    bc = float(c.loc[have].sum()) if have else NAN
    bn = float(n.loc[have].sum()) if have else NAN
    against = f"the previous {len(have)} months' average" if have else "the baseline"
    return compare_rates(
        float(c.iloc[-1]),
        float(n.iloc[-1]),
        bc,
        bn,
        method=method,
        multiplier=multiplier,
        unit=unit,
        against=against,
        direction=direction,
        alpha=alpha,
        decimals=decimals,
        dispersion=dispersion,
    )
