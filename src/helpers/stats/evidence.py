"""One call per measure: run the checks that suit its unit, flatten them for the verdict table.

percent            -> Wilson interval, Laney p', z tests against last month and the baseline
count/rate_per_10k -> Laney u', Poisson test against the baseline
every unit         -> trend (HAC slope, calibrated), seasonality (STL), autocorrelation (Ljung-Box)

The comparisons treat two months as separate samples. Where the months of the current process
are linked (the same decision as the SPC verdict: helpers.spc.method), consecutive months share
most of their children or most of a rolling window, and those tests would claim real changes far
more often than their level says; so no p-value is quoted for them and the sentence says why.
Where months are independent but vary more than binomial or Poisson chance allows (Laney's
sigma_z, or the z-scores' spread around the centre, above 1), the tests are widened by it.

Every key in NUMBER_KEYS is always present (NaN when a check does not apply or cannot run), so
rows for different measures line up as columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from helpers.stats import _series
from helpers.stats.autocorrelation import ljung_box
from helpers.stats.counts import laney_u, poisson_vs_baseline
from helpers.stats.laney import LaneyLimits
from helpers.stats.proportions import compare_proportions, laney_p
from helpers.stats.seasonality import STRONG, seasonal_strength
from helpers.stats.trend import trend_slope
from helpers.stats.wording import ALPHA, fmt_p

NAN = float("nan")
NUMBER_KEYS = (
    "latest_value", "ci_low", "ci_high",
    "laney_centre", "laney_lower", "laney_upper", "laney_outside", "laney_months_outside",
    "change_vs_last", "p_vs_last", "baseline_value", "p_vs_baseline",
    "trend_per_year", "trend_ci_low", "trend_ci_high", "trend_p", "trend_months",
    "seasonal_strength", "strongly_seasonal",
    "ljung_box_q", "ljung_box_lag", "ljung_box_p",
    "months_linked", "trend_abstained",
)  # fmt: skip
#: Said instead of the comparisons when the months are linked.
LINKED_WORDS = (
    "Neighbouring months share most of what they count (the same children from month to month, "
    "or overlapping 12-month windows), so this month is not tested against last month or the "
    "last 12 months as if they were separate samples: such tests would find differences far "
    "more often than chance allows. The chart's verdict allows for the link."
)


class MeasureLike(Protocol):
    unit: str
    improvement_direction: str
    rolling_months: int | None
    spc_method: str

    @property
    def multiplier(self) -> float: ...


@dataclass(frozen=True)
class Evidence:
    """Flat numbers for the table and plain-English sentences; unpacks as (numbers, sentences)."""

    numbers: dict[str, Any]
    sentences: tuple[str, ...]

    def __iter__(self) -> Iterator[Any]:
        yield self.numbers
        yield list(self.sentences)

    def row(self) -> dict[str, Any]:
        """The numbers plus one 'evidence' text column."""
        return {**self.numbers, "evidence": " ".join(self.sentences)}


def _frame_series(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    index = pd.PeriodIndex([pd.Period(p, freq="M") for p in frame["period"]], freq="M")

    def col(name: str) -> pd.Series:
        values = frame[name] if name in frame else pd.Series(np.nan, index=frame.index)
        return pd.Series(pd.to_numeric(values, errors="coerce").to_numpy(float), index=index)

    value, num, den = (_series.as_series(col(c), c) for c in ("value", "numerator", "denominator"))
    return value, num, den


def _laney_numbers(lim: LaneyLimits) -> dict[str, Any]:
    return {
        "laney_centre": lim.centre,
        "laney_lower": float(lim.lower.iloc[-1]),
        "laney_upper": float(lim.upper.iloc[-1]),
        "laney_outside": lim.latest_outside if np.isfinite(lim.lower.iloc[-1]) else NAN,
        "laney_months_outside": int(lim.outside.sum()) if lim.n_months >= 2 else NAN,
    }


_NO_LANEY = {k: NAN for k in ("laney_centre", "laney_lower", "laney_upper", "laney_outside")} | {
    "laney_months_outside": NAN
}


def _dispersion(lim: LaneyLimits) -> float:
    """How much more the months vary than the binomial or Poisson model allows (at least 1).

    The larger of Laney's sigma_z (month-to-month) and the z-scores' spread around the centre
    (which includes slow wandering): a comparison with the last 12 months must allow for both.
    """
    found = [v for v in (lim.sigma_z, lim.spread_z) if np.isfinite(v)]
    return max([1.0, *found])


def months_linked(
    value: pd.Series, measure: MeasureLike, start: object = None, months: int | None = None
) -> bool:
    """Whether the current process's months are linked, decided as the SPC verdict decides."""
    from helpers.spc.method import dependent_rows

    s = value
    if start is not None:
        key = pd.Period(start, freq="M") if _series.is_monthly(s) else start
        s = s.loc[key:]
    if months is not None:
        s = s.iloc[-months:]
    rolling = getattr(measure, "rolling_months", None)
    setting = getattr(measure, "spc_method", "auto")
    return bool(dependent_rows(s.to_numpy(dtype=float), rolling, setting)[0][0])


def evidence_for(
    series_frame: pd.DataFrame,
    measure: MeasureLike,
    *,
    baseline: _series.Baseline = 12,
    trend_start: object = None,
    trend_months: int | None = None,
    seasonal_threshold: float = STRONG,
    poisson_method: str = "exact-cond",
    alpha: float = ALPHA,
) -> Evidence:
    """Run the checks suited to the measure's unit on its monthly figures.

    series_frame has columns period, value, numerator, denominator (the last two may be NaN or
    absent). Where a numerator is missing but value and denominator exist it is recovered as
    value / multiplier * denominator. The trend window is the current process period
    (trend_start or the last trend_months months; default all months).
    """
    if len(series_frame) == 0:
        raise ValueError("No months in the series frame.")
    value, num, den = _frame_series(series_frame)
    unit, direction = measure.unit, measure.improvement_direction
    mult = float(measure.multiplier)
    decimals = int(getattr(measure, "decimals", 1))
    numbers: dict[str, Any] = dict.fromkeys(NUMBER_KEYS, NAN)
    numbers["latest_value"] = float(value.iloc[-1])
    sentences: list[str] = []
    if mult != 1:
        num = num.fillna(value / mult * den)
    linked = months_linked(value, measure, trend_start, trend_months)
    numbers["months_linked"] = linked

    if unit == "percent":
        if (num.notna() & den.notna()).any():
            lim = laney_p(num, den, multiplier=mult, decimals=decimals)
            comp = compare_proportions(
                num,
                den,
                baseline=baseline,
                direction=direction,
                alpha=alpha,
                decimals=decimals,
                dispersion=_dispersion(lim),
            )
            numbers.update(
                ci_low=comp.latest.low * mult,
                ci_high=comp.latest.high * mult,
                change_vs_last=comp.vs_last.difference * mult,
                p_vs_last=comp.vs_last.p_value,
                baseline_value=comp.baseline_proportion * mult,
                p_vs_baseline=comp.vs_baseline.p_value,
                **_laney_numbers(lim),
            )
            if linked:
                numbers.update(p_vs_last=NAN, p_vs_baseline=NAN, **_NO_LANEY)
                sentences += [comp.latest.plain_english, LINKED_WORDS]
            else:
                sentences += [*comp.plain_english, lim.plain_english]
        else:
            sentences.append(
                "No numerators and denominators, so the percentage checks were not run."
            )
    elif unit in ("count", "rate_per_10k"):
        counts, exposure = (value.fillna(num), None) if unit == "count" else (num, den)
        if unit == "rate_per_10k" and not (num.notna() & den.notna()).any():
            sentences.append("No counts and populations, so the rate checks were not run.")
        else:
            lim = laney_u(counts, exposure, multiplier=mult, unit=unit, decimals=decimals)
            test = poisson_vs_baseline(
                counts,
                exposure,
                baseline=baseline,
                method=poisson_method,
                multiplier=mult,
                unit=unit,
                direction=direction,
                alpha=alpha,
                decimals=decimals,
                dispersion=_dispersion(lim),
            )
            numbers.update(
                baseline_value=test.rate2 * mult,
                p_vs_baseline=test.p_value,
                **_laney_numbers(lim),
            )
            if linked:
                numbers.update(p_vs_baseline=NAN, **_NO_LANEY)
                sentences.append(LINKED_WORDS)
            else:
                sentences += [test.plain_english, lim.plain_english]

    trend = trend_slope(
        value,
        start=trend_start,
        months=trend_months,
        unit=unit,
        direction=direction,
        alpha=alpha,
        decimals=decimals,
        linked=linked,
    )
    season = seasonal_strength(value, threshold=seasonal_threshold)
    auto = ljung_box(value, alpha=alpha)
    numbers.update(
        trend_per_year=trend.slope_per_year,
        trend_ci_low=trend.ci_low,
        trend_ci_high=trend.ci_high,
        trend_p=trend.p_value,
        trend_months=trend.n_months,
        seasonal_strength=NAN if season.strength is None else season.strength,
        strongly_seasonal=season.strongly_seasonal,
        ljung_box_q=auto.q,
        ljung_box_lag=auto.lag if auto.reason is None else NAN,
        ljung_box_p=auto.p_value,
        trend_abstained=trend.abstained,
    )
    auto_words = auto.plain_english
    if linked and auto.reason is None:
        auto_words = (
            "Each month tends to resemble the month before it, so this measure is judged against "
            "its own slow movement rather than the standard process limits."
        )
        if auto.significant:
            auto_words = auto_words.replace("before it,", f"before it ({fmt_p(auto.p_value)}),")
    sentences += [trend.plain_english, season.plain_english, auto_words]
    return Evidence(numbers, tuple(sentences))
