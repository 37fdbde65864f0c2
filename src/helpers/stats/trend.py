"""Is the measure drifting? An OLS slope with Newey-West (HAC) standard errors.

Monthly figures are usually autocorrelated, which makes ordinary OLS standard errors too small;
HAC errors allow for that. Lag rule (Newey and West 1994): maxlags = floor(4 * (n/100)^(2/9)),
at least 1, Bartlett weights. By default the small-sample correction n/(n-2) is applied and
the p-value and interval use Student's t with n-2 degrees of freedom: with the bare
statsmodels defaults (no correction, normal distribution) flat white noise of 12 and 24 months
was called a significant trend 22% and 13% of the time in simulation (2,000 series), against
15% and 10% with the correction, where 5% is the nominal rate. Even so the test flags too
often on short, autocorrelated series (benchmarks/bench_stats.py), which is why windows under
SHORT months are worded as a hint.

Time is counted in calendar months, so a missing month (dropped) leaves a gap in time rather
than pulling later months forward.

That HAC p-value still claims far too many trends on slow-moving series: on 67-month series with
no trend at all, at the 5% level, it claimed one 15% of the time at lag-one correlation 0.5, 33%
at 0.8 and 61% at 0.95 (issue 18). The p-value the pack quotes is therefore calibrated (the
default, calibration="ar1"): the months' own lag-one autocorrelation is measured on the
residuals (bias-corrected, as for helpers.spc.correlated), and the same HAC t statistic is worked
out for BOOTSTRAP no-trend AR(1) series with that coefficient, on the same months; the p-value is
the share at least as extreme, and the interval uses their 95th percentile in place of Student's
t (a parametric bootstrap-t). Where the months carry the information of fewer than
MIN_EFFECTIVE_MONTHS independent months (n (1 - phi) / (1 + phi)), a trend cannot be told from
the series' own wandering: no p-value is quoted and the sentence says so. Seeded, so a rebuild
gives the same words. tests/stats/test_calibration.py checks the claim rate by simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from helpers.stats import _series
from helpers.stats.wording import ALPHA, chance, fmt_change, judgement

NAN = float("nan")
MIN_MONTHS = 6
SHORT = 24
#: Fewer effectively independent months than this: too slow-moving to test for a trend.
MIN_EFFECTIVE_MONTHS = 10
#: No-trend series simulated for the calibrated p-value (the p-value's resolution is 1/1,000).
BOOTSTRAP = 999
SEED = 20_261_206
PHI_MAX = 0.98
#: As helpers.spc.method.DEPENDENCE_Z: residuals linked at this one-sided level mean no p-value.
LINKED_Z = 1.28


def _autocorrelation(residuals: np.ndarray, months: np.ndarray, lag: int) -> float:
    """Autocorrelation at `lag` calendar months (pairs of months with figures that far apart)."""
    spread = float((residuals**2).sum())
    if spread <= 0 or len(residuals) <= lag:
        return 0.0
    position = {int(m): i for i, m in enumerate(months)}
    pairs = [(i, position[int(m) + lag]) for i, m in enumerate(months) if int(m) + lag in position]
    if not pairs:
        return 0.0
    a, b = np.array(pairs).T
    return float((residuals[a] * residuals[b]).sum()) / spread


def residual_lag_one(residuals: np.ndarray, months: np.ndarray) -> float:
    """How strongly each month carries on from the last, from the trend residuals (0 to PHI_MAX).

    Two estimates, the larger kept (caution: too low a value is what makes a trend test claim
    too much): the lag-one autocorrelation r1 bias-corrected by (2 + 3 r1) / n (Kendall's
    (1 + 3 r) / n for an estimated mean, plus about 1 / n for the slope); and, where r1 is clearly
    positive, r2 / r1, which recovers the persistence of a slow-moving level under month-to-month
    sampling noise (a stock percentage: AR(1) plus noise, whose r1 understates it).
    """
    n = len(residuals)
    r1 = _autocorrelation(residuals, months, 1)
    phi = r1 + (2 + 3 * r1) / n
    if r1 > 2 / math.sqrt(n):
        r2 = _autocorrelation(residuals, months, 2)
        phi = max(phi, r2 / r1)
    return float(np.clip(phi, 0.0, PHI_MAX))


def effective_months(n: int, phi: float) -> float:
    """How many independent months carry the same information: n (1 - phi) / (1 + phi)."""
    return n * (1 - phi) / (1 + phi)


def hac_t(values: np.ndarray, months: np.ndarray, lags: int) -> np.ndarray:
    """The HAC t statistic of the OLS slope for each row of `values` (same months in every row).

    Bartlett weights, as statsmodels' HAC without the small-sample factor (a constant that
    cancels in the bootstrap comparison).
    """
    y = np.atleast_2d(values)
    d = months - months.mean()
    sxx = float((d**2).sum())
    slope = (y - y.mean(axis=1, keepdims=True)) @ d / sxx
    resid = y - y.mean(axis=1, keepdims=True) - slope[:, None] * d[None, :]
    v = resid * d[None, :]
    total = (v**2).sum(axis=1)
    for lag in range(1, lags + 1):
        total = total + 2 * (1 - lag / (lags + 1)) * (v[:, lag:] * v[:, :-lag]).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return slope / (np.sqrt(np.maximum(total, 0)) / sxx)


def no_trend_ar1(
    phi: float, months: np.ndarray, rng: np.random.Generator, count: int = BOOTSTRAP
) -> np.ndarray:
    """`count` no-trend AR(1) series at the given months (gaps keep their place in time)."""
    span = int(months[-1] - months[0]) + 1
    shocks = rng.standard_normal((count, span))
    values = np.empty_like(shocks)
    values[:, 0] = shocks[:, 0] / math.sqrt(1 - phi**2)
    for t in range(1, span):
        values[:, t] = phi * values[:, t - 1] + shocks[:, t]
    return values[:, (months - months[0]).astype(int)]


def newey_west_lags(n: int) -> int:
    """The rule of thumb floor(4 * (n/100)^(2/9)), never below 1."""
    return max(1, math.floor(4 * (n / 100) ** (2 / 9)))


@dataclass(frozen=True)
class Trend:
    """Slope per year (in the measure's units) with its HAC confidence interval."""

    slope_per_year: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    n_months: int
    maxlags: int
    start: object
    end: object
    plain_english: str
    reason: str | None = None
    #: The residuals' bias-corrected lag-one autocorrelation the calibration allowed for.
    phi: float = NAN
    #: True when no p-value is quoted because the series moves too slowly to tell (see above).
    abstained: bool = False


def trend_slope(
    series: pd.Series | list,
    *,
    start: object = None,
    months: int | None = None,
    maxlags: int | None = None,
    small_sample: bool = True,
    unit: str = "",
    direction: str = "neutral",
    alpha: float = ALPHA,
    decimals: int = 1,
    calibration: str = "ar1",
    linked: bool = False,
) -> Trend:
    """OLS of value on time in months over the window, with HAC errors; slope reported per year.

    The window is the current process period: from `start` (a month) or the last `months`
    months; by default the whole series. Missing months are dropped. small_sample=False gives
    statsmodels' plain HAC (no n/(n-2) correction, normal distribution). calibration="ar1"
    (default) quotes the p-value and interval calibrated for the months' own autocorrelation,
    or none where the series moves too slowly to tell; calibration="none" quotes the HAC ones.
    `linked`: the months were judged linked (helpers.spc.method, as for the SPC verdict); then no
    p-value is quoted either. An AR(1) with month-to-month sampling noise on top (a stock
    percentage) hides its persistence from the residuals, and the bootstrap then claims trends
    too often (15% at 0.9 in simulation), so the verdict's own decision is trusted instead.
    """
    s = _series.as_series(series)
    if start is not None:
        key = pd.Period(start, freq="M") if _series.is_monthly(s) else start
        s = s.loc[key:]
    if months is not None:
        s = s.iloc[-months:]
    t = _series.month_offsets(s.index)
    keep = s.notna().to_numpy()
    y, x = s.to_numpy()[keep], t[keep]
    n = len(y)
    first = s.index[keep][0] if n else None
    last = s.index[keep][-1] if n else None
    if n < MIN_MONTHS or np.ptp(x) == 0:
        reason = f"only {n} months with figures; a trend needs at least {MIN_MONTHS}"
        return Trend(
            NAN, NAN, NAN, NAN, False, n, 0, first, last, f"No trend estimated: {reason}.", reason
        )
    lags = maxlags if maxlags is not None else newey_west_lags(n)
    fit = OLS(y, add_constant(x)).fit(
        cov_type="HAC",
        cov_kwds={"maxlags": lags, "use_correction": small_sample},
        use_t=small_sample,
    )
    slope = float(fit.params[1]) * 12
    low, high = (float(v) * 12 for v in fit.conf_int(alpha=alpha)[1])
    pv = float(fit.pvalues[1])
    if not np.isfinite(pv):  # a perfectly straight line has no noise left to test against
        pv = 0.0 if slope != 0 else 1.0
    span = f"Over the {n} months from {_series.label(first)} to {_series.label(last)}"
    size = fmt_change(slope, unit, decimals)
    phi = NAN
    if calibration == "ar1" and np.isfinite(fit.bse[1]) and fit.bse[1] > 0:
        resid = y - fit.fittedvalues
        phi = residual_lag_one(resid, x)
        r1 = _autocorrelation(resid, x, 1)
        # Clearly linked around the trend: the same one-sided test as the SPC decision's.
        linked = linked or r1 > -1 / n + LINKED_Z / math.sqrt(n)
        if linked or effective_months(n, phi) < MIN_EFFECTIVE_MONTHS:
            moved = "rose" if slope > 0 else "fell"
            text = (
                f"{span} the figure {moved} by about {size} a year, but its months rise and fall "
                f"together in runs rather than independently, so these months cannot tell a "
                f"steady trend from its own slow wandering, and no test of a trend is quoted."
            )
            return Trend(slope, NAN, NAN, NAN, False, n, lags, first, last, text, None, phi, True)
        rng = np.random.default_rng(SEED)
        observed = float(hac_t(y[None, :], x, lags)[0])
        # One and a half standard errors higher: the coefficient is uncertain, and too low a
        # value is what makes a trend test claim too much.
        cautious = min(PHI_MAX, phi + 1.5 * math.sqrt((1 - phi**2) / n))
        simulated = np.abs(hac_t(no_trend_ar1(cautious, x, rng), x, lags))
        pv = float((1 + np.sum(simulated >= abs(observed))) / (len(simulated) + 1))
        critical = float(np.quantile(simulated, 1 - alpha))
        se = float(fit.bse[1]) * 12
        scale = math.sqrt(n / (n - 2)) if small_sample else 1.0
        low, high = slope - critical * se / scale, slope + critical * se / scale
    sig = pv < alpha
    if sig:
        moved = "rose" if slope > 0 else "fell"
        text = (
            f"{span} the figure {moved} steadily by about {size} a year"
            f"{judgement(slope, direction)}; {chance(pv, 'a trend this strong')}."
        )
    else:
        text = (
            f"{span} there is no clear upward or downward trend (about {size} a year); "
            f"{chance(pv, 'a slope this big')}."
        )
    if sig and n < SHORT:
        text += f" With only {n} months, treat this as a hint rather than a firm finding."
    return Trend(slope, low, high, pv, sig, n, lags, first, last, text, None, phi)
