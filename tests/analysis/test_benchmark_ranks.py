"""Rank and quartile band as the DfE's LA Interactive Tool shows them, checked from the raw files.

The expected ranks are worked out here from the published DfE CSVs in ../shared/data/dfe with the
standard library only (csv, statistics), independently of pandas and of the project's code, and
compared with what the pack computes from its own data/benchmarks.csv.
"""

from __future__ import annotations

import csv
import functools
import math
import statistics
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.analysis.benchmarks import (
    council_summary,
    directions_for,
    lait_rank,
    quartile_band,
    read_table,
    value_quarter,
)
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.council import DFE_MODEL, Council, read_authorities

SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
#: measure id -> (file, column, filters, direction). reref_12m: lower is better, no suppression
#: in 2025; cla_out_20mi: lower is better with suppressed cells; cl_eet_19_21: higher is better;
#: cpp_2yr: Rotherham's own 2025 figure is suppressed (c).
RAW = {
    "reref_12m": (
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "rereferral_percent",
        {},
        "decrease",
    ),
    "cla_out_20mi": (
        "la_cla_during_year_new_placements.csv",
        "children_percent",
        {
            "characteristic": "Location of new placements during the year",
            "breakdown": "Placed outside LA boundary more than 20 miles from home",
        },
        "decrease",
    ),
    "cl_eet_19_21": (
        "la_care_leavers_activity.csv",
        "care_leaver_percent",
        {
            "care_leaver_age": "19 to 21 years",
            "breakdown": "Total in education, employment or training",
        },
        "increase",
    ),
    "cpp_2yr": (
        "d5_cpps_at31march_by_duration_2013_to_2025.csv",
        "2_years_or_more_percent",
        {},
        "decrease",
    ),
}
pytestmark = pytest.mark.skipif(not SOURCE.is_dir(), reason="the DfE files (../shared) are absent")


@functools.cache
def raw_cells(measure_id: str, year: int) -> dict[str, str]:
    """Old LA code -> the published cell (number or symbol), straight from the DfE file."""
    name, column, filters, _ = RAW[measure_id]
    found = {}
    with (SOURCE / name).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["geographic_level"] != "Local authority" or row["time_period"] != str(year):
                continue
            if all(row[k].strip() == v for k, v in filters.items()):
                found[row["old_la_code"].strip()] = row[column].strip()
    return found


def as_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None  # c, x, z, k, : and the like


def expected(measure_id: str, year: int, la_code: str, neighbours: tuple[str, ...]) -> dict:
    """LAIT's rank (ties take the best place) and quartile band, by hand."""
    direction = RAW[measure_id][3]
    cells = raw_cells(measure_id, year)
    numbers = {code: as_number(cell) for code, cell in cells.items()}
    known = sorted(v for v in numbers.values() if v is not None)
    mine = numbers.get(la_code)
    current = set(read_authorities(paths.data_dir() / "authorities.csv"))
    unranked = sum(1 for code, v in numbers.items() if v is None and code in current)
    if mine is None:
        return {"rank": None, "ranked": len(known), "unranked": unranked, "band": ""}
    better = (lambda v: v < mine) if direction == "decrease" else (lambda v: v > mine)
    q1, q2, q3 = statistics.quantiles(known, n=4, method="inclusive")  # R's type 7
    quarter = 1 if mine <= q1 else 2 if mine <= q2 else 3 if mine <= q3 else 4
    band = "ABCD"[quarter - 1] if direction == "decrease" else "DCBA"[quarter - 1]
    group = [mine] + [numbers[n] for n in neighbours if numbers.get(n) is not None]
    return {
        "rank": 1 + sum(1 for v in known if better(v)),
        "ranked": len(known),
        "unranked": unranked,
        "band": band,
        "neighbour_rank": 1 + sum(1 for v in group if better(v)),
        "neighbour_ranked": len(group),
    }


def council(code: str) -> Council:
    found = read_authorities(paths.data_dir() / "authorities.csv")[code]
    return Council(
        name=found.name,
        la_code=code,
        ons_code=found.ons_code,
        region=found.region,
        region_code=found.region_code,
        commission="a commission",
        neighbour_model=DFE_MODEL,
        neighbours=found.neighbours,
        neighbour_names=(),
    )


@functools.cache
def summary_for(code: str):
    table = read_table(paths.benchmarks_path())
    return council_summary(table, council(code), directions_for(load_catalogue()))


@pytest.mark.parametrize("code", ["372", "801"])  # Rotherham; Bristol (South West)
@pytest.mark.parametrize("measure_id", sorted(RAW))
@pytest.mark.parametrize("year", [2023, 2025])
def test_rank_and_band_agree_with_the_raw_file(code, measure_id, year) -> None:
    mine = council(code)
    summary = summary_for(code)
    row = summary[(summary["measure_id"] == measure_id) & (summary["year"] == year)].iloc[0]
    want = expected(measure_id, year, code, mine.neighbours)
    assert row["national_ranked"] == want["ranked"]
    if year == 2025:
        assert row["national_unranked"] == want["unranked"]
    if want["rank"] is None:
        assert pd.isna(row["national_rank"]) and row["quartile_band"] == ""
        assert row["council_note"] == raw_cells(measure_id, year)[code].lower()
        return
    assert row["national_rank"] == want["rank"]
    assert row["quartile_band"] == want["band"]
    assert row["neighbour_rank"] == want["neighbour_rank"]
    assert row["neighbour_ranked"] == want["neighbour_ranked"]


def test_the_cases_cover_suppression() -> None:
    # cla_out_20mi has suppressed authorities in 2025, and Rotherham's cpp_2yr is suppressed.
    cells = raw_cells("cla_out_20mi", 2025)
    assert sum(as_number(c) is None for c in cells.values()) >= 5
    assert as_number(raw_cells("cpp_2yr", 2025)["372"]) is None


def test_ties_share_the_best_rank_and_boundaries_fall_to_the_lower_quarter() -> None:
    values = [10.0, 20.0, 20.0, 30.0, 40.0]
    assert [lait_rank(v, values, "increase") for v in values] == [5, 3, 3, 2, 1]
    assert [lait_rank(v, values, "decrease") for v in values] == [1, 2, 2, 4, 5]
    assert lait_rank(math.nan, values, "decrease") is None
    # Quartiles of 10, 20, 20, 30, 40 (linear): 20, 20, 30. 20 sits on Q1: the lowest quarter.
    assert [value_quarter(v, values) for v in values] == [1, 1, 1, 3, 4]
    assert quartile_band(1, "decrease") == "A" and quartile_band(1, "increase") == "D"
    assert quartile_band(4, "increase") == "A" and quartile_band(2, "neutral") == ""
