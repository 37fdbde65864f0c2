"""Numbers and dates in the words members read: units, separators, months.

Charts, alt text, captions and tables all format through here so a value reads the same
everywhere ("45.3%", "1,234", "512.3 per 10,000 children", "23 days", "Oct 2026").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import pandas as pd

from helpers.numbers import number as format_number
from helpers.numbers import unit_value


class MeasureLike(Protocol):
    """What the charts need from a helpers.inputs.catalogue.Measure (duck-typed)."""

    title: str
    short_title: str
    unit: str
    decimals: int
    improvement_direction: str
    target: float | None


#: Unit -> words for an axis label (None: the tick labels already carry the unit).
AXIS_LABELS: dict[str, str | None] = {
    "percent": None,
    "count": "Number",
    "rate_per_10k": "Per 10,000 children",
    "days": "Days",
    "score": "Score",
    "ratio": "Ratio",
}


def format_value(
    value: float | None, measure: MeasureLike, long: bool = False, decimals: int | None = None
) -> str:
    """A value in the measure's unit. ``long`` spells out rates and days for prose.

    Short form (tables, point labels): "45.3%", "1,234", "512.3", "23.0".
    Long form (alt text, captions): "45.3%", "1,234", "512.3 per 10,000 children", "23.0 days".
    Missing values read "no data".
    """
    places = measure.decimals if decimals is None else decimals
    return unit_value(value, measure.unit, places, long)


def tick_decimals(ticks: Sequence[float], most: int = 6) -> int:
    """The fewest decimals that show every tick exactly (2.5 needs 1, 0.25 needs 2)."""
    for places in range(most + 1):
        if all(abs(round(float(t), places) - float(t)) < 1e-9 * max(1.0, abs(t)) for t in ticks):
            return places
    return most


def tick_formatter(measure: MeasureLike, ticks: Sequence[float]) -> Any:
    """A function for matplotlib's FuncFormatter: unit-aware ticks with just enough decimals."""
    places = tick_decimals(ticks)
    suffix = "%" if measure.unit == "percent" else ""

    def fmt(value: float, _pos: int | None = None) -> str:
        text = format_number(value, places)
        if text.lstrip("-").strip("0.,") == "":
            text = text.lstrip("-")
        return f"{text}{suffix}"

    return fmt


def month_label(date: pd.Timestamp, long: bool = False) -> str:
    """ "Oct 2026", or "October 2026" when ``long``."""
    return pd.Timestamp(date).strftime("%B %Y" if long else "%b %Y")


def period_label(dates: pd.Series, long: bool = True) -> str:
    """The period a series covers, e.g. "April 2021 to October 2026" (days for daily data)."""
    valid = pd.to_datetime(dates).dropna()
    if valid.empty:
        return "no dates"
    first, last = valid.min(), valid.max()
    if is_daily(valid):
        fmt = "%-d %B %Y" if long else "%-d %b %Y"
        return f"{first.strftime(fmt)} to {last.strftime(fmt)}"
    if first == last:
        return month_label(first, long)
    return f"{month_label(first, long)} to {month_label(last, long)}"


def point_label(date: pd.Timestamp, daily: bool, long: bool = False) -> str:
    """The label for one point: its month, or its day for daily data."""
    if daily:
        return pd.Timestamp(date).strftime("%-d %B %Y" if long else "%-d %b %Y")
    return month_label(date, long)


def is_daily(dates: pd.Series) -> bool:
    """Whether points are closer together than monthly (then label days, not months)."""
    valid = pd.Series(pd.to_datetime(dates)).dropna().sort_values()
    if len(valid) < 2:
        return False
    return bool(valid.diff().dropna().median() < pd.Timedelta(days=20))


def axis_label(measure: MeasureLike) -> str | None:
    """The y axis label for the measure's unit."""
    return AXIS_LABELS.get(measure.unit)
