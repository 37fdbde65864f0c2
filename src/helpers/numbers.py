"""Numbers in a measure's unit, written one way everywhere (charts, tables, evidence, sentences).

"45.3%", "1,234", "512.3 per 10,000 children", "23 days"; changes as "1.2 percentage points".
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """None, NaN or pandas' NA: a month with no figure."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value: float, decimals: int) -> str:
    """A number with thousands separators and a fixed number of decimals."""
    return f"{value:,.{max(int(decimals), 0)}f}"


def unit_value(
    value: float | None, unit: str, decimals: int, long: bool = False, missing: str = "no data"
) -> str:
    """A value in its unit. ``long`` spells out rates and days for prose; tables stay short."""
    if is_missing(value):
        return missing
    text = number(float(value), decimals)
    if unit == "percent":
        return f"{text}%"
    if long and unit == "rate_per_10k":
        return f"{text} per 10,000 children"
    if long and unit == "days":
        return f"{text} day" if text == "1" else f"{text} days"
    return text


def unit_change(value: float, unit: str, decimals: int) -> str:
    """The size of a change (always positive): percentage points for percentages."""
    text = number(abs(float(value)), decimals)
    if unit == "percent":
        return f"{text} percentage points"
    if unit == "rate_per_10k":
        return f"{text} per 10,000 children"
    if unit == "days":
        return f"{text} day" if text == "1" else f"{text} days"
    return text
