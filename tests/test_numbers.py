"""One way of writing values and changes, shared by charts, tables and the statistical evidence."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.formatting import format_value
from helpers.numbers import unit_change, unit_value
from helpers.stats.wording import fmt_change, fmt_value


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "long", "expected"),
    [
        (45.25, "percent", 1, False, "45.2%"),  # round half to even, as Python formats
        (1234.0, "count", 0, False, "1,234"),
        (512.34, "rate_per_10k", 1, False, "512.3"),
        (512.34, "rate_per_10k", 1, True, "512.3 per 10,000 children"),
        (23.0, "days", 0, True, "23 days"),
        (1.0, "days", 0, True, "1 day"),
        (3.456, "score", 2, True, "3.46"),
        (math.nan, "percent", 1, True, "no data"),
        (None, "count", 0, False, "no data"),
        (pd.NA, "count", 0, False, "no data"),
    ],
)
def test_unit_value(value, unit, decimals, long, expected) -> None:
    assert unit_value(value, unit, decimals, long) == expected


def test_changes_are_sizes_in_the_units_members_use() -> None:
    assert unit_change(-1.23, "percent", 1) == "1.2 percentage points"
    assert unit_change(2.5, "rate_per_10k", 1) == "2.5 per 10,000 children"
    assert unit_change(-1, "days", 0) == "1 day"
    assert unit_change(1500, "count", 0) == "1,500"


def test_charts_and_evidence_write_a_value_the_same_way() -> None:
    class M:
        title = short_title = "Rate"
        unit = "rate_per_10k"
        decimals = 1
        improvement_direction = "decrease"
        target = None

    assert format_value(61.04, M(), long=True) == fmt_value(61.04, "rate_per_10k", 1)
    assert fmt_value(1200.0, "count") == "1,200"  # whole counts lose their decimals
    assert fmt_value(math.nan, "percent") == "no figure"
    assert fmt_change(-0.25, "percent", 2) == "0.25 percentage points"
