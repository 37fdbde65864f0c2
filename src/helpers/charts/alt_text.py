"""Words and numbers behind each chart: alt text, a caption and the chart's table.

Every figure in the pack needs all three (WCAG 2.2 AA; the HTML is the primary output): the
alt text says what the chart shows and its verdict, the caption is one line under the figure,
and the table gives members the exact numbers.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.charts import icons
from helpers.charts.points import (
    RULE_WORDS,
    current_process,
    latest_valid,
    point_words,
    prepare,
    process_changes,
    slow_moving,
    slow_moving_words,
)
from helpers.formatting import (
    MeasureLike,
    format_value,
    is_daily,
    period_label,
    point_label,
)

#: Unit -> how the rates in a table are expressed (None: the cells say it, e.g. "45.3%").
UNIT_NOTES = {
    "rate_per_10k": "Values are rates per 10,000 children.",
    "days": "Values are in days.",
    "count": "Values are numbers.",
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."


def _verdict(frame: pd.DataFrame, measure: MeasureLike) -> tuple[str, str | None, str]:
    """(variation icon, assurance icon or None, the verdict in words)."""
    direction = measure.improvement_direction
    variation = icons.variation_icon(frame, direction)
    words = [_sentence(icons.icon_label(variation))]
    latest = latest_valid(frame)
    rule = RULE_WORDS.get(str(latest["special_cause_type"]))
    if rule and variation != "variation/common_cause":
        words.append(f"The latest point is {rule}.")
    target = icons.current_target(frame, measure.target)
    assurance = icons.assurance_icon(frame, direction, target)
    if assurance is not None:
        words.append(f"The target is {format_value(target, measure, long=True)}.")
        words.append(_sentence(icons.icon_label(assurance)))
    elif target is not None and direction == "neutral":
        words.append(
            f"The target is {format_value(target, measure, long=True)}; no assurance "
            "is given because for this measure neither higher nor lower is better."
        )
    elif target is not None:
        words.append(
            f"The target is {format_value(target, measure, long=True)}; with no process limits "
            "yet there is nothing to judge whether it will be met."
        )
    else:
        words.append("There is no target.")
    return variation, assurance, " ".join(words)


def _slow_limits_words(mean: float, lpl: float, upl: float, measure: MeasureLike) -> str:
    return (
        f"{slow_moving_words(measure)} The centre line ({format_value(mean, measure, True)}) is "
        f"the average of the months before the latest year, and the limits, "
        f"{format_value(lpl, measure)} to {format_value(upl, measure, True)}, are the range it "
        "normally wanders over; the latest year is judged against them and against what its "
        "slow movement predicts month by month."
    )


def _limits_words(mean: float, lpl: float, upl: float, measure: MeasureLike) -> str:
    centre = (
        f"For the current process the centre line (mean) is {format_value(mean, measure, True)}"
    )
    if math.isnan(lpl) or math.isnan(upl):
        return (
            f"{centre}. There are no process limits: the figure has not varied from month to "
            "month (or there is only one month), so there is no variation to set them from."
        )
    return (
        f"{centre} and the process limits are {format_value(lpl, measure)} to "
        f"{format_value(upl, measure, True)}; values between the limits are normal variation."
    )


def alt_text(points: pd.DataFrame, measure: MeasureLike) -> str:
    """Describe the chart in words: what, when, latest value, limits, verdict, process changes."""
    frame = prepare(points)
    daily = is_daily(frame["date"])
    step = "day" if daily else "month"
    latest = latest_valid(frame)
    process = current_process(frame)
    mean, lpl, upl = (float(process[c].iloc[-1]) for c in ("mean", "lpl", "upl"))
    limits = _slow_limits_words if slow_moving(frame) else _limits_words
    parts = [
        f"Statistical process control chart of {measure.title[:1].lower() + measure.title[1:]} "
        f"by {step}, {period_label(frame['date'])}.",
        f"The latest value, for {point_label(latest['date'], daily, long=True)}, is "
        f"{format_value(latest['value'], measure, long=True)}.",
        limits(mean, lpl, upl, measure),
        _verdict(frame, measure)[2],
    ]
    changes = process_changes(frame)
    if changes:
        when = ", ".join(point_label(d, daily, long=True) for d in changes)
        plural = "es" if len(changes) > 1 else ""
        parts.append(
            f"Process change{plural}: the centre line and limits were recalculated from {when}."
        )
    else:
        parts.append("There is no process change in this period.")
    gaps = frame.loc[frame["value"].isna(), "date"]
    if not gaps.empty:
        listed = ", ".join(point_label(d, daily, long=True) for d in gaps)
        parts.append(f"No data for {listed}.")
    return " ".join(parts)


def caption(points: pd.DataFrame, measure: MeasureLike) -> str:
    """A one-line figure caption: measure, period, latest value and verdict."""
    frame = prepare(points)
    daily = is_daily(frame["date"])
    latest = latest_valid(frame)
    variation, assurance, _ = _verdict(frame, measure)
    verdict = icons.icon_short_label(variation)
    if assurance is not None:
        verdict += "; " + icons.icon_short_label(assurance).lower()
    judged = ""
    if slow_moving(frame):
        rolling = getattr(measure, "rolling_months", None)
        kind = f"a rolling {rolling}-month figure" if rolling else "a slow-moving figure"
        judged = f" Judged as {kind}, against its own slow movement."
    return (
        f"{measure.short_title}, {period_label(frame['date'], long=False)}: latest "
        f"{format_value(latest['value'], measure, long=True)} "
        f"({point_label(latest['date'], daily)}). {verdict}.{judged}"
    )


def chart_table(points: pd.DataFrame, measure: MeasureLike) -> pd.DataFrame:
    """The chart's numbers, one row a point, formatted for the unit, with each point in words.

    Columns: Month, Value, Centre line, Lower limit, Upper limit, Target, What the point shows.
    ``attrs["unit_note"]`` says the unit where the cells do not (rates, days, counts).
    """
    frame = prepare(points)
    daily = is_daily(frame["date"])
    changes = set(process_changes(frame))

    def fmt(value: float) -> str:
        return "" if pd.isna(value) else format_value(value, measure)

    def words(row: pd.Series) -> str:
        text = point_words(row)
        if row["date"] in changes:
            text += " (process change: limits recalculated from here)"
        return text

    target = frame["target"]
    if target.isna().all() and measure.target is not None:
        target = pd.Series(float(measure.target), index=frame.index)
    table = pd.DataFrame(
        {
            "Month": [point_label(d, daily) for d in frame["date"]],
            "Value": [fmt(v) or "No data" for v in frame["value"]],
            "Centre line": [fmt(v) for v in frame["mean"]],
            "Lower limit": [fmt(v) for v in frame["lpl"]],
            "Upper limit": [fmt(v) for v in frame["upl"]],
            "Target": [fmt(v) for v in target],
            "What the point shows": [words(row) for _, row in frame.iterrows()],
        }
    )
    if daily:
        table = table.rename(columns={"Month": "Day"})
    table.attrs["unit_note"] = UNIT_NOTES.get(measure.unit, "")
    return table
