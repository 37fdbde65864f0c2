"""A measure judged against its own slow movement says so in its caption, alt text and table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.signals import judge_points
from helpers.charts import alt_text, caption, chart_table
from helpers.charts.drawing import spc_chart
from helpers.inputs.catalogue import Catalogue, Measure
from helpers.spc import ptd_spc
from helpers.spc.families import series


def _measure(rolling: int | None = None) -> Measure:
    return Measure(
        id="cla",
        title="Children in care per 10,000 children at month end",
        short_title="Children in care per 10,000",
        theme="t",
        scorecard="social_care",
        unit="rate_per_10k",
        improvement_direction="neutral",
        description="d",
        numerator="n",
        denominator="d",
        rolling_months=rolling,
    )


def _points(measure: Measure, values: np.ndarray) -> pd.DataFrame:
    dates = pd.date_range("2021-04-01", periods=len(values), freq="MS")
    frame = pd.DataFrame({"facet": measure.id, "date": dates, "value": values})
    points = ptd_spc(frame, "value", "date", facet_field="facet").points
    return judge_points(points, Catalogue({measure.id: measure}))[0]


def test_a_slow_moving_measure_says_how_it_is_judged() -> None:
    measure = _measure()
    values = series("ar0.95", 1, np.random.default_rng(4))[0] * 5 + 80
    points = _points(measure, values)
    assert points["spc_method"].iloc[-1] == "autocorrelated"
    words = alt_text(points, measure)
    assert "Each month is mostly the month before" in words
    assert "the range it normally wanders over" in words
    lower, upper = points["lpl"].iloc[-1], points["upl"].iloc[-1]
    assert f"{lower:.1f}" in words and f"{upper:.1f}" in words  # the limits drawn are these
    assert "Judged as a slow-moving figure, against its own slow movement." in caption(
        points, measure
    )
    table = chart_table(points, measure)
    assert table["Upper limit"].iloc[-1] == f"{upper:.1f}"
    spc_chart(points, measure)  # draws with the replaced limits


def test_a_rolling_measure_says_it_is_a_rolling_figure() -> None:
    measure = _measure(rolling=12)
    rng = np.random.default_rng(5)
    values = series("rolling12", 1, rng)[0] / 56_000 * 10_000
    points = _points(measure, values)
    assert "Each monthly figure covers the last 12 months" in alt_text(points, measure)
    assert "Judged as a rolling 12-month figure" in caption(points, measure)


def test_an_independent_measure_keeps_the_standard_words() -> None:
    measure = _measure()
    values = series("independent", 1, np.random.default_rng(6))[0] * 3 + 80
    points = _points(measure, values)
    assert points["spc_method"].iloc[-1] == "mdc"
    assert "values between the limits are normal variation" in alt_text(points, measure)
    assert "Judged as" not in caption(points, measure)


def test_limits_of_a_slow_moving_percentage_stay_between_0_and_100() -> None:
    measure = Measure(
        id="agency",
        title="Agency social workers",
        short_title="Agency social workers",
        theme="t",
        scorecard="workforce",
        unit="percent",
        improvement_direction="decrease",
        description="d",
        numerator="n",
        denominator="d",
    )
    falling = np.r_[np.linspace(9.4, 1.9, 48), np.full(19, 1.9)]
    values = falling + series("ar0.6", 1, np.random.default_rng(2))[0] * 0.3
    points = _points(measure, np.clip(values, 0.1, None))
    assert points["spc_method"].iloc[-1] == "autocorrelated"
    assert points["lpl"].iloc[-1] >= 0.0 and points["upl"].iloc[-1] <= 100.0
    assert "-" not in alt_text(points, measure).split("the limits, ")[1].split(",")[0]
