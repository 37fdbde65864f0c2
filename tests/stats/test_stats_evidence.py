"""evidence_for: the right checks per unit, flat numbers that match independent formulas."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, norm

from helpers.inputs.catalogue import Measure
from helpers.stats import NUMBER_KEYS, evidence_for


def measure(unit: str, direction: str = "increase", **kw) -> Measure:
    fields = dict(
        id="m", title="A measure", short_title="Measure", theme="cin_cp", scorecard="social_care",
        unit=unit, improvement_direction=direction, description="For tests.",
    )  # fmt: skip
    if unit in ("percent", "rate_per_10k"):
        fields.update(numerator="n", denominator="d")
    return Measure(**{**fields, **kw})


def frame(n: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    den = rng.integers(90, 130, n).astype(float)
    num = rng.binomial(den.astype(int), 0.4).astype(float)
    return pd.DataFrame(
        {
            "period": pd.period_range("2022-01", periods=n, freq="M").astype(str),
            "value": 100 * num / den,
            "numerator": num,
            "denominator": den,
        }
    )


def test_percent_measure_numbers_match_formulas():
    f = frame()
    numbers, sentences = evidence_for(f, measure("percent"))
    assert set(numbers) == set(NUMBER_KEYS)
    x, n = f.numerator.iloc[-1], f.denominator.iloc[-1]
    z = norm.ppf(0.975)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert numbers["ci_low"] == pytest.approx(100 * (centre - half))
    bx, bn = f.numerator.iloc[-13:-1].sum(), f.denominator.iloc[-13:-1].sum()
    pp = (x + bx) / (n + bn)
    zb = (p - bx / bn) / math.sqrt(pp * (1 - pp) * (1 / n + 1 / bn))
    # Widened by Laney's sigma_z where the months vary more than binomial chance allows.
    pbar = f.numerator.sum() / f.denominator.sum()
    zi = (f.numerator / f.denominator - pbar) / np.sqrt(pbar * (1 - pbar) / f.denominator)
    sigma_z = np.abs(np.diff(zi)).mean() / 1.128
    spread_z = np.sqrt(np.mean(zi**2))
    widen = max(1.0, sigma_z, spread_z)
    assert widen > 1  # this seed's months do vary more than binomial chance
    assert numbers["p_vs_baseline"] == pytest.approx(2 * norm.sf(abs(zb) / widen), rel=1e-3)
    assert numbers["baseline_value"] == pytest.approx(100 * bx / bn)
    assert numbers["trend_per_year"] == pytest.approx(
        12 * np.polyfit(np.arange(30.0), f.value.to_numpy(), 1)[0]
    )
    assert numbers["ljung_box_lag"] == 7 and 0 <= numbers["seasonal_strength"] <= 1
    assert isinstance(sentences, list) and len(sentences) == 7
    assert all(s.endswith(".") for s in sentences)


def test_count_measure_uses_poisson_against_the_baseline():
    rng = np.random.default_rng(1)
    counts = rng.poisson(20, 18).astype(float)
    f = pd.DataFrame({"period": pd.period_range("2023-01", periods=18, freq="M"), "value": counts})
    numbers, _ = evidence_for(f, measure("count", "neutral"))
    base = counts[-13:-1].sum()
    assert numbers["p_vs_baseline"] == pytest.approx(
        binomtest(int(counts[-1]), int(counts[-1] + base), 1 / 13).pvalue
    )
    assert numbers["laney_centre"] == pytest.approx(counts.mean())
    assert math.isnan(numbers["ci_low"]) and math.isnan(numbers["p_vs_last"])


def test_rate_measure_recovers_counts_from_value_and_population():
    pop = 56000.0
    counts = np.array([400, 410, 395, 420, 405, 430, 415, 440, 425, 450, 435, 445, 520], float)
    f = pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=13, freq="MS"),
            "value": counts / pop * 10_000,
            "numerator": np.nan,
            "denominator": pop,
        }
    )
    numbers, sentences = evidence_for(f, measure("rate_per_10k", "decrease"))
    # These months vary more than Poisson chance allows, so the test is widened (Wald z over
    # the larger of Laney's sigma_z and the z-scores' spread), not the exact Poisson test.
    centre = counts.sum() / (13 * pop)
    zi = (counts / pop - centre) / np.sqrt(centre / pop)
    widen = max(1.0, np.abs(np.diff(zi)).mean() / 1.128, np.sqrt(np.mean(zi**2)))
    assert widen > 1
    r1, r2 = 520 / pop, counts[:-1].sum() / (12 * pop)
    pooled = counts.sum() / (13 * pop)
    z = (r1 - r2) / math.sqrt(pooled * (1 / pop + 1 / (12 * pop))) / widen
    assert numbers["p_vs_baseline"] == pytest.approx(2 * norm.sf(abs(z)))
    assert numbers["baseline_value"] == pytest.approx(counts[:-1].mean() / pop * 10_000)
    assert numbers["p_vs_baseline"] < 0.05
    assert any("(worse)" in s and "per 10,000 children" in s for s in sentences)


def test_neutral_measure_never_says_better_or_worse():
    f = frame()
    f.loc[f.index[-1], "numerator"] = 0.8 * f.denominator.iloc[-1]  # a big jump
    f.loc[f.index[-1], "value"] = 80.0
    _, sentences = evidence_for(f, measure("percent", "neutral"))
    text = " ".join(sentences)
    assert "real change" in text
    assert "better" not in text and "worse" not in text


def test_missing_months_in_the_frame_do_not_crash():
    f = frame(26)
    f.loc[5, ["value", "numerator", "denominator"]] = np.nan  # a NaN month
    f = f.drop(index=9)  # and an absent month
    f.loc[f.index[-1], ["value", "numerator"]] = np.nan  # no figure this month
    ev = evidence_for(f, measure("percent"))
    n = ev.numbers
    assert math.isnan(n["ci_low"]) and math.isnan(n["p_vs_baseline"])
    assert n["trend_months"] == 23 and not math.isnan(n["trend_per_year"])
    assert math.isnan(n["seasonal_strength"])  # two single gaps, only one may be filled
    assert "no figure" in ev.row()["evidence"].lower()


def test_other_units_get_only_the_series_checks():
    f = frame()[["period", "value"]]
    numbers, sentences = evidence_for(f, measure("days", "decrease"))
    assert math.isnan(numbers["laney_centre"]) and math.isnan(numbers["p_vs_baseline"])
    assert not math.isnan(numbers["trend_per_year"]) and len(sentences) == 3


def test_percent_without_numerators_says_why():
    f = frame()[["period", "value"]]
    numbers, sentences = evidence_for(f, measure("percent"))
    assert math.isnan(numbers["ci_low"]) and "not run" in sentences[0]
