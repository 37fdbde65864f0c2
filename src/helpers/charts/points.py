"""Reading the SPC engine's points for one chart: checks, dates, process groups.

The engine (helpers.spc.ptd_spc(...).points) returns the NHSRplotthedots column set; the
charts, alt text and tables all start from the same tidy copy made here.
"""

from __future__ import annotations

import pandas as pd

REQUIRED_COLUMNS = (
    "date",
    "value",
    "rebase_group",
    "mean",
    "lpl",
    "upl",
    "special_cause_type",
    "point_type",
)

#: special_cause_type -> where the point sits, so "the latest point is <words>" reads well.
RULE_WORDS = {
    "Above UCL": "above the upper process limit",
    "Below LCL": "below the lower process limit",
    "7 Point Trend (Increasing)": "in a run of 7 or more rising points",
    "7 Point Trend (Decreasing)": "in a run of 7 or more falling points",
    "2 in 3 Above CL": "one of 2 in 3 points close to the upper process limit",
    "2 in 3 Below CL": "one of 2 in 3 points close to the lower process limit",
    "7 Points Above CL": "in a run of 7 or more points above the centre line",
    "7 Points Below CL": "in a run of 7 or more points below the centre line",
    # A slow-moving or rolling measure (helpers.spc.correlated): its own rules.
    "Sudden Jump (Increasing)": "a rise in one month far bigger than its slow movement allows",
    "Sudden Jump (Decreasing)": "a fall in one month far bigger than its slow movement allows",
    "Sustained Shift Above Prediction": (
        "one of several months running higher than its slow movement predicted"
    ),
    "Sustained Shift Below Prediction": (
        "one of several months running lower than its slow movement predicted"
    ),
}
#: The points column naming the rules that judged a process (helpers.analysis.signals).
METHOD_COLUMN = "spc_method"


def slow_moving(frame: pd.DataFrame) -> bool:
    """Whether the latest process was judged as a slow-moving or rolling series."""
    if METHOD_COLUMN not in frame.columns:
        return False
    return str(current_process(frame)[METHOD_COLUMN].iloc[-1]) == "autocorrelated"


def slow_moving_words(measure: object) -> str:
    """Why the measure is judged against its own slow movement, in a sentence for members."""
    rolling = getattr(measure, "rolling_months", None)
    if rolling:
        return (
            f"Each monthly figure covers the last {rolling} months, so neighbouring months share "
            f"{rolling - 1} of their {rolling} months and move slowly; it is judged against that "
            "slow movement, not the standard limits."
        )
    return (
        "Each month is mostly the month before (the same children carry over), so the figure "
        "moves slowly; it is judged against that slow movement, not the standard limits."
    )


def prepare(points: pd.DataFrame) -> pd.DataFrame:
    """A sorted copy of one series' points with real dates; rejects several facets.

    Missing values stay as rows (NaN value), so the line shows a gap.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in points.columns]
    if missing:
        raise ValueError(f"points lack columns {missing}; expected the helpers.spc points columns")
    if "facet" in points.columns and points["facet"].nunique(dropna=True) > 1:
        facets = sorted(map(str, points["facet"].dropna().unique()))
        raise ValueError(f"points hold several facets {facets}; chart one facet at a time")
    frame = points.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("value", "mean", "lpl", "upl"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    if "target" in frame.columns:
        frame["target"] = pd.to_numeric(frame["target"], errors="coerce")
    else:
        frame["target"] = float("nan")
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    if frame.empty:
        raise ValueError("points are empty: nothing to chart")
    return frame


def process_changes(frame: pd.DataFrame) -> list[pd.Timestamp]:
    """The first date of every process after the first (where the limits were recalculated)."""
    groups = frame["rebase_group"]
    starts = frame.loc[groups.ne(groups.shift()) & groups.shift().notna(), "date"]
    return list(starts)


def latest_valid(frame: pd.DataFrame) -> pd.Series:
    """The latest point that has a value."""
    valid = frame[frame["value"].notna()]
    if valid.empty:
        raise ValueError("no point has a value")
    return valid.iloc[-1]


def current_process(frame: pd.DataFrame) -> pd.DataFrame:
    """The points of the latest process (rebase group)."""
    return frame[frame["rebase_group"] == frame["rebase_group"].iloc[-1]]


def point_words(row: pd.Series) -> str:
    """What one point shows, in words."""
    if pd.isna(row["value"]):
        return "No data"
    point_type = str(row.get("point_type"))
    rule = RULE_WORDS.get(str(row.get("special_cause_type")))
    if point_type == "special_cause_improvement":
        head = "Improvement"
    elif point_type == "special_cause_concern":
        head = "Concern"
    elif point_type in ("special_cause_neutral_high", "special_cause_neutral_low"):
        head = "Unusually " + point_type.rsplit("_", 1)[-1]
    else:
        return "Normal variation"
    return f"{head}: {rule}" if rule else head
