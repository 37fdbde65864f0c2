"""Every "chance alone" the evidence quotes holds its level on series whose truth is known.

On 67-month series with no trend and no change, at the 5% level, the trend test, the comparison
with last month and the comparison with the last 12 months may claim a real change at most 7%
of the time in every family (an honest "cannot tell" counts as no claim). Seeded; the larger
runs behind the figures in the README are benchmarks/bench_signals.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.inputs.catalogue import Measure
from helpers.spc.families import MONTHS, series
from helpers.stats import evidence_for, trend_slope

SEED = 20_261_207
PERIODS = pd.period_range("2021-01", periods=MONTHS, freq="M")
TREND_FAMILIES = (
    "independent",
    "binomial",
    "ar0.3",
    "ar0.6",
    "ar0.9",
    "ar0.95",
    "rolling3",
    "rolling6",
    "rolling12",
)
LEVEL = 0.07


def _measure(unit: str, rolling: int | None = None) -> Measure:
    extra = {"numerator": "n", "denominator": "d"} if unit in ("percent", "rate_per_10k") else {}
    return Measure(
        id="m",
        title="m",
        short_title="m",
        theme="t",
        scorecard="social_care",
        unit=unit,
        improvement_direction="neutral",
        description="simulated",
        rolling_months=rolling,
        **extra,
    )


@pytest.mark.parametrize("family", TREND_FAMILIES)
def test_the_trend_test_claims_at_most_7_percent_on_no_trend_series(family: str) -> None:
    rng = np.random.default_rng([SEED, TREND_FAMILIES.index(family)])
    values = series(family, 300, rng)
    claims = [trend_slope(pd.Series(v, index=PERIODS)).significant for v in values]
    assert np.mean(claims) <= LEVEL, (family, np.mean(claims))


def _percent_frames(phi: float, count: int, rng: np.random.Generator) -> list[pd.DataFrame]:
    """Percentages of children from binomial counts around a level that is AR(1) (phi 0: flat)."""
    frames = []
    level = series(f"ar{phi}", count, rng) if phi else np.zeros((count, MONTHS))
    for row in level:
        den = rng.integers(40, 201, MONTHS)
        num = rng.binomial(den, np.clip(0.3 + 0.05 * row, 0.01, 0.99)).astype(float)
        frames.append(
            pd.DataFrame(
                {"period": PERIODS.astype(str), "value": 100 * num / den, "numerator": num,
                 "denominator": den.astype(float)}
            )
        )  # fmt: skip
    return frames


def _rate_frames(window: int, count: int, rng: np.random.Generator) -> list[pd.DataFrame]:
    """Rolling `window`-month counts per 10,000 of a fixed population."""
    frames = []
    for row in series(f"rolling{window}", count, rng):
        frames.append(
            pd.DataFrame(
                {"period": PERIODS.astype(str), "value": row / 56_000 * 10_000, "numerator": row,
                 "denominator": 56_000.0}
            )
        )  # fmt: skip
    return frames


def _count_frames(count: int, rng: np.random.Generator) -> list[pd.DataFrame]:
    """Independent normal monthly figures measured as counts (more spread than Poisson)."""
    return [
        pd.DataFrame({"period": PERIODS.astype(str), "value": 200 + 30 * row})
        for row in series("independent", count, rng)
    ]


CASES = {
    "binomial": lambda rng, k: (_percent_frames(0.0, k, rng), _measure("percent")),
    "ar0.3 percent": lambda rng, k: (_percent_frames(0.3, k, rng), _measure("percent")),
    "ar0.6 percent": lambda rng, k: (_percent_frames(0.6, k, rng), _measure("percent")),
    "ar0.9 percent": lambda rng, k: (_percent_frames(0.9, k, rng), _measure("percent")),
    "independent count": lambda rng, k: (_count_frames(k, rng), _measure("count")),
    "rolling3 rate": lambda rng, k: (_rate_frames(3, k, rng), _measure("rate_per_10k")),
    "rolling12 rate": lambda rng, k: (_rate_frames(12, k, rng), _measure("rate_per_10k")),
    "rolling12 rate declared": lambda rng, k: (
        _rate_frames(12, k, rng),
        _measure("rate_per_10k", rolling=12),
    ),
}


def _claimed(p: float) -> bool:
    return not math.isnan(p) and p < 0.05


@pytest.mark.parametrize("case", list(CASES))
def test_the_quoted_comparisons_and_trend_claim_at_most_7_percent(case: str) -> None:
    rng = np.random.default_rng([SEED, 100 + list(CASES).index(case)])
    frames, measure = CASES[case](rng, 150)
    claims = {"p_vs_last": 0, "p_vs_baseline": 0, "trend_p": 0}
    for frame in frames:
        numbers = evidence_for(frame, measure).numbers
        for key in claims:
            claims[key] += _claimed(float(numbers[key]))
    rates = {key: count / len(frames) for key, count in claims.items()}
    assert all(rate <= LEVEL for rate in rates.values()), (case, rates)


def test_a_slow_moving_series_says_it_cannot_tell_rather_than_quote_a_chance() -> None:
    rng = np.random.default_rng(SEED)
    values = series("ar0.95", 1, rng)[0] * 3 + 80
    trend = trend_slope(pd.Series(values, index=PERIODS), unit="rate_per_10k")
    assert trend.abstained and math.isnan(trend.p_value) and not trend.significant
    assert "cannot tell a steady trend from its own slow wandering" in trend.plain_english
    assert "chance alone" not in trend.plain_english


def test_a_real_trend_in_independent_months_is_still_found() -> None:
    rng = np.random.default_rng(SEED)
    found = 0
    for row in series("independent", 100, rng):
        rising = row + 0.05 * np.arange(MONTHS)  # 3.3 standard deviations over the months
        found += trend_slope(pd.Series(rising, index=PERIODS)).significant
    assert found >= 90
