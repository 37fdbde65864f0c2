"""The month's verdict table and its plain-English sentences, on series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.verdict import month_verdicts, reading, spc_points
from helpers.inputs.catalogue import Catalogue, Measure

PERIODS = [str(p) for p in pd.period_range("2024-01", "2026-10", freq="M")]  # 34 months


def measure(
    id_: str, unit: str = "count", direction: str = "increase", target: float | None = None
):
    extra = {"numerator": "n", "denominator": "d"} if unit == "percent" else {}
    return Measure(
        id=id_,
        title=id_,
        short_title=id_.replace("_", " ").capitalize(),
        theme="t",
        scorecard="social_care",
        unit=unit,
        improvement_direction=direction,
        description="d",
        target=target,
        decimals=1 if unit == "percent" else 0,
        **extra,
    )


def frame(measure_id: str, values, numerators=None, denominators=None) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "measure_id": measure_id,
            "period": PERIODS[-n:],
            "value": values,
            "numerator": numerators if numerators is not None else [np.nan] * n,
            "denominator": denominators if denominators is not None else [np.nan] * n,
        }
    )


# A stable count series with a 5-month cycle (not a yearly pattern): 34 values summing to 3,468
# (mean 102); its 33 moving ranges sum to 81 (six cycles of 4+3+2+1+2, then 4+3+2), so the
# limits are 102 +/- 2.66 * 81/33 = 95.471 to 108.529 (worked by hand). It ends 101, 103.
STABLE = ([100.0, 104.0, 101.0, 103.0, 102.0] * 7)[:34]


def verdicts_for(catalogue: Catalogue, obs: pd.DataFrame, changes=None) -> pd.DataFrame:
    changes = (
        changes if changes is not None else pd.DataFrame(columns=["measure_id", "period", "reason"])
    )
    points = spc_points(obs, catalogue, changes)
    return month_verdicts(obs, points, catalogue, PERIODS[-1], pd.DataFrame()).set_index(
        "measure_id"
    )


def test_outlier_in_latest_month_is_flagged_with_plain_words() -> None:
    m = measure("contacts", direction="decrease")
    values = STABLE[:-1] + [140.0]
    v = verdicts_for(Catalogue({m.id: m}), frame(m.id, values)).loc[m.id]
    assert v["latest_value"] == 140 and v["previous_value"] == 101 and v["change"] == 39
    assert bool(v["beyond_normal_variation"])
    assert v["special_cause_type"] == "Above UCL"
    assert v["point_type"] == "special_cause_concern"  # higher is worse for a 'decrease' measure
    assert v["variation_icon"] == "concern_high"
    assert v["sentence"] == (
        "Contacts rose from 101 to 140; the latest figure is beyond normal variation and is a "
        "concern: it is above the upper process limit, which happens rarely by chance."
    )


def test_ordinary_movement_is_within_normal_variation() -> None:
    m = measure("contacts")
    v = verdicts_for(Catalogue({m.id: m}), frame(m.id, STABLE)).loc[m.id]
    assert not v["beyond_normal_variation"]
    assert v["special_cause_type"] == "Common Cause"
    assert v["mean"] == pytest.approx(102) and v["upl"] == pytest.approx(102 + 2.66 * 81 / 33)
    assert v["sentence"] == "Contacts rose from 101 to 103; this is within normal variation."
    assert v["variation_icon"] == "common_cause"


def test_neutral_measure_is_unusual_not_good_or_bad() -> None:
    m = measure("open_cases", direction="neutral")
    values = STABLE[:-1] + [60.0]
    v = verdicts_for(Catalogue({m.id: m}), frame(m.id, values)).loc[m.id]
    assert v["point_type"] == "special_cause_neutral_low"
    assert "unusually low" in v["sentence"]
    assert "improvement" not in v["sentence"] and "concern" not in v["sentence"]
    assert v["assurance_icon"] is None or pd.isna(v["assurance_icon"])


def test_assurance_against_target() -> None:
    # Limits 95.47 to 108.53: a target of 80 on an 'increase' measure is always met.
    met = measure("met", target=80.0)
    missed = measure("missed", target=130.0)
    between = measure("between", target=105.0)
    cat = Catalogue({m.id: m for m in (met, missed, between)})
    obs = pd.concat([frame(m, STABLE) for m in cat.ids])
    v = verdicts_for(cat, obs)
    assert v.loc["met", "assurance_icon"] == "pass"
    assert v.loc["missed", "assurance_icon"] == "fail"
    assert v.loc["between", "assurance_icon"] == "inconsistent"
    assert "consistently meets the target" in v.loc["met", "assurance_text"]


def test_missing_latest_month_gives_no_judgement_and_no_crash() -> None:
    m = measure("contacts")
    obs = frame(m.id, STABLE).iloc[:-1]  # no figure for the latest month
    v = verdicts_for(Catalogue({m.id: m}), obs).loc[m.id]
    assert np.isnan(v["latest_value"])
    assert not v["beyond_normal_variation"]
    assert "no figure was supplied for October 2026" in v["sentence"]


def test_missing_middle_month_creates_no_signal() -> None:
    # Six high months, a gap, then one more high month: the gap breaks the run, so no shift.
    m = measure("contacts")
    values = STABLE[:-8] + [105.0] * 6 + [np.nan, 105.0]
    obs = frame(m.id, values).dropna(subset=["value"])
    v = verdicts_for(Catalogue({m.id: m}), obs).loc[m.id]
    assert v["special_cause_type"] == "Common Cause"


def test_proportion_evidence_and_adjusted_p_values() -> None:
    m = measure("visits", unit="percent")
    den = [200] * 34
    num = [150, 154] * 17
    num[-1] = 190
    values = [round(100 * a / b, 1) for a, b in zip(num, den, strict=True)]
    other = measure("other", unit="percent")
    cat = Catalogue({m.id: m, other.id: other})
    obs = pd.concat(
        [frame(m.id, values, num, den), frame(other.id, [75.0, 77.0] * 17, [150, 154] * 17, den)]
    )
    v = verdicts_for(cat, obs)
    row = v.loc["visits"]
    # Wilson interval for 190/200, worked from the closed form.
    z, p, n = 1.959963984540054, 0.95, 200
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert row["ci_low"] == pytest.approx(100 * (centre - half), abs=1e-6)
    assert row["ci_high"] == pytest.approx(100 * (centre + half), abs=1e-6)
    assert row["p_vs_last"] < 0.001
    # BH with two tests: the smaller p is doubled, the larger kept (unless that breaks order).
    raw = v["p_vs_last"].to_numpy()
    adjusted = v["p_vs_last_adjusted"].to_numpy()
    order = np.argsort(raw)
    assert adjusted[order[0]] == pytest.approx(min(2 * raw[order[0]], raw[order[1]]))
    assert adjusted[order[1]] == pytest.approx(raw[order[1]])
    assert "evidence" in v and len(row["evidence"].splitlines()) >= 4


def test_rebase_restarts_the_limits_at_a_process_change() -> None:
    m = measure("decisions")
    values = [50.0, 54.0] * 9 + [80.0, 84.0] * 8  # a step up after 18 months
    obs = frame(m.id, values)
    change_period = PERIODS[-16]
    changes = pd.DataFrame([{"measure_id": m.id, "period": change_period, "reason": "new model"}])
    v = verdicts_for(Catalogue({m.id: m}), obs, changes).loc[m.id]
    assert v["mean"] == pytest.approx(82)
    assert v["special_cause_type"] == "Common Cause"
    unrebased = verdicts_for(Catalogue({m.id: m}), obs).loc[m.id]
    assert unrebased["beyond_normal_variation"]


def test_reading_handles_unchanged_and_first_month() -> None:
    m = measure("visits", unit="percent")
    assert reading(m, 80.0, 80.0, "October 2026", False, None, None).startswith(
        "Visits was unchanged at 80.0%"
    )
    text = reading(m, 80.0, float("nan"), "October 2026", False, None, None)
    assert "no figure for the month before" in text


def test_a_seasonal_measure_is_also_judged_after_the_yearly_pattern_is_taken_out() -> None:
    """34 months (under three years) of contacts that dip every summer holiday."""
    m = measure("contacts")
    months = pd.PeriodIndex(PERIODS, freq="M").month.to_numpy()
    rng = np.random.default_rng(4)
    values = 500 + 120 * np.cos(2 * np.pi * (months - 3) / 12) + rng.normal(0, 5, 34)
    v = verdicts_for(Catalogue({m.id: m}), frame(m.id, list(np.round(values)))).loc[m.id]
    assert v["seasonally_adjusted_point_type"] == "common_cause"
    assert v["sentence"].endswith(
        "This measure is strongly seasonal; after allowing for the usual seasonal pattern it is "
        "within normal variation."
    )


def test_noise_of_the_same_length_gets_no_seasonal_verdict() -> None:
    m = measure("contacts")
    values = list(np.round(500 + np.random.default_rng(4).normal(0, 20, 34)))
    v = verdicts_for(Catalogue({m.id: m}), frame(m.id, values)).loc[m.id]
    assert v["seasonally_adjusted_point_type"] is None or pd.isna(
        v["seasonally_adjusted_point_type"]
    )
    assert "seasonal" not in v["sentence"]


def test_a_move_back_towards_the_average_that_is_still_beyond_the_limit_says_still() -> None:
    m = measure("contacts", direction="neutral")
    values = STABLE[:-2] + [80.0, 84.0]  # both below the lower limit of 95.5; the latest rose
    v = verdicts_for(Catalogue({m.id: m}), frame(m.id, values)).loc[m.id]
    assert v["special_cause_type"] == "Below LCL"
    assert v["sentence"] == (
        "Contacts rose from 80 to 84, but the latest figure is still beyond normal variation and "
        "is unusually low: it is below the lower process limit, which happens rarely by chance."
    )


def test_a_flat_measure_has_no_limits_and_says_nothing_about_its_target() -> None:
    """100% every month: screened moving ranges leave no limits (as in the reference)."""
    from helpers.charts import alt_text, spc_chart

    m = measure("visits", unit="percent", target=95.0)
    obs = frame(m.id, [100.0] * 34)
    catalogue = Catalogue({m.id: m})
    v = verdicts_for(catalogue, obs).loc[m.id]
    assert v["sentence"] == "Visits was unchanged at 100.0%; this is within normal variation."
    assert v["assurance_icon"] is None or pd.isna(v["assurance_icon"])
    points = spc_points(obs, catalogue, pd.DataFrame(columns=["measure_id", "period", "reason"]))
    points = points.rename(columns={"facet": "measure_id"})
    spc_chart(points, m)  # draws without limits rather than failing
    alt = alt_text(points, m)
    assert "100.0%" in alt and "no data" not in alt
    assert "There are no process limits: the figure has not varied" in alt
    assert "nothing to judge whether it will be met" in alt


def test_reading_for_a_slow_moving_measure_says_so() -> None:
    m = measure("stock", unit="count")
    quiet = reading(m, 80.0, 79.0, "October 2026", False, None, None, correlated=True)
    assert quiet.endswith("within normal variation for a measure that moves slowly.")
    shifted = reading(
        m,
        90.0,
        85.0,
        "October 2026",
        True,
        "Sustained Shift Above Prediction",
        "special_cause_neutral_high",
        correlated=True,
    )
    assert "higher than its own slow movement predicted" in shifted
    above = reading(
        m, 90.0, 85.0, "October 2026", True, "Above UCL", "special_cause_neutral_high",
        correlated=True,
    )  # fmt: skip
    assert "range this slow-moving measure normally wanders over" in above


def test_verdicts_carry_the_method_and_a_slow_moving_measure_quotes_no_comparison() -> None:
    m = measure("stock", unit="percent")
    rng = np.random.default_rng(3)
    level = np.cumsum(rng.normal(0, 1, len(PERIODS))) + 50  # a random walk: strongly linked
    den = np.full(len(PERIODS), 400.0)
    num = np.round(level / 100 * den)
    v = verdicts_for(Catalogue({m.id: m}), frame(m.id, num / den * 100, num, den)).loc[m.id]
    assert v["spc_method"] == "autocorrelated" and v["lag1_autocorrelation"] > 0.5
    assert np.isnan(v["p_vs_last"]) and np.isnan(v["p_vs_baseline"]) and np.isnan(v["trend_p"])
    assert v["months_linked"] and v["trend_abstained"]
    assert "not tested against last month" in v["evidence"]
    assert "moves slowly" in v["sentence"] or "slow movement" in v["sentence"]
