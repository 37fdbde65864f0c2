"""The council's benchmarks, rank and quartile band, from the all-authority table.

data/benchmarks.csv holds every published figure for every English authority, region and
England (data/scripts/make_benchmarks.py derives it from the DfE's files). This module picks out
the configured council's view of it, one row per measure and year: England, its region, its
statistical neighbours' average and range, its own figure, and where it stands.

Rank and quartile band follow the DfE's LA Interactive Tool (LAIT; its published source,
dfe-analytical-services/local-authority-interactive-tool, functions calculate_rank and
calculate_quartile_band):

- rank: among the authorities with a published figure that year; rank 1 is the best figure
  (highest where higher is better, lowest where lower is better); tied figures share the best
  rank of the tie (1, 2, 2, 4: R's ties.method = "min").
- quartile band: the quartiles of all authorities' figures that year (R's default quantile, the
  same linear interpolation as numpy's); A is the best quarter, D the worst; a figure on a
  boundary belongs to the quarter below it in value ([min, Q1] is the lowest quarter, then
  (Q1, Q2], (Q2, Q3], (Q3, max]).
- neutral measures (neither higher nor lower is better): LAIT shows no rank or band. Here the
  rank is counted from the highest figure and the quarter is named by value (lowest ... highest),
  with no band, so nothing is called best.
- joint figures: the workforce census reports a few councils together (codes such as
  "314 / 318"); the joint figure is one entry in the ranking and stands for each of them.
- suppressed or missing figures (DfE symbols c, x, z, k, : or no row) are left out of the rank
  and the quartiles and counted in `national_unranked`, so the pack can say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.inputs.catalogue import Catalogue
from helpers.inputs.council import Council

#: Long-table columns (data/benchmarks.csv).
TABLE_COLUMNS = ["measure_id", "year", "area_type", "area_code", "value", "note"]
ENGLAND_CODE = "E92000001"
#: The per-council summary, one row per measure and year (the pack's data/benchmarks.csv).
SUMMARY_COLUMNS = [
    "measure_id",
    "year",
    "england",
    "region",
    "stat_neighbours",
    "council",
    "sn_n",
    "sn_min",
    "sn_max",
    "council_note",
    "national_rank",
    "national_ranked",
    "national_unranked",
    "quartile_band",
    "value_quarter",
    "neighbour_rank",
    "neighbour_ranked",
    "rank_order",
    "unit",
    "source",
]
BANDS_BEST_LOW = ("A", "B", "C", "D")  # quarter 1 (lowest values) .. 4 (highest values)
SYMBOL_WORDS = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    ":": "not available",
    "z": "not applicable",
    "k": "below 0.5",
    "low": "below 0.5",
    "u": "of low reliability",
    "no row": "not published",
}


def read_table(path: Path) -> pd.DataFrame:
    """The all-authority table, with codes kept as text (LA codes are not numbers)."""
    if not path.exists():
        return pd.DataFrame(columns=TABLE_COLUMNS)
    table = pd.read_csv(
        path, dtype={"area_code": str, "note": str, "area_type": str}, keep_default_na=False
    )
    table["value"] = pd.to_numeric(table["value"].replace("", np.nan))
    return table


def read_sources(path: Path) -> pd.DataFrame:
    columns = ["measure_id", "unit", "source_file", "source", "licence"]
    return pd.read_csv(path) if path.exists() else pd.DataFrame(columns=columns)


def lait_rank(value: float, others: Iterable[float], direction: str) -> int | None:
    """Rank of `value` among `others` (which include it): 1 = best, ties share the best rank.

    Direction 'increase': higher is better; 'decrease': lower is better; 'neutral': counted
    from the highest. A missing value has no rank.
    """
    if value is None or math.isnan(value):
        return None
    values = np.asarray([v for v in others if not math.isnan(v)], dtype=float)
    if direction == "decrease":
        return int((values < value).sum()) + 1
    return int((values > value).sum()) + 1


def value_quarter(value: float, values: Iterable[float]) -> int | None:
    """1 (lowest quarter of values) .. 4 (highest), by LAIT's quartile boundaries."""
    if value is None or math.isnan(value):
        return None
    known = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if known.size == 0:
        return None
    q1, q2, q3 = np.quantile(known, [0.25, 0.5, 0.75])
    if value <= q1:
        return 1
    if value <= q2:
        return 2
    if value <= q3:
        return 3
    return 4


def quartile_band(quarter: int | None, direction: str) -> str:
    """A (best quarter) .. D (worst); '' for a neutral measure or a missing figure."""
    if quarter is None or direction == "neutral":
        return ""
    index = quarter - 1 if direction == "decrease" else 4 - quarter
    return BANDS_BEST_LOW[index]


def _one(
    at: np.ndarray, values: np.ndarray, notes: np.ndarray, what: tuple[str, int, str]
) -> tuple[float, str]:
    """The one figure at positions `at` (no row: missing); more than one is a broken table."""
    if at.size == 0:
        return math.nan, "no row"
    if at.size > 1:
        measure_id, year, code = what
        raise ValueError(
            f"benchmarks: {at.size} rows for {measure_id} {year} {code}: the table must have one."
        )
    return float(values[at[0]]), str(notes[at[0]] or "")


def _round(x: float) -> float:
    return round(float(x), 1) if not math.isnan(x) else math.nan


def council_summary(
    table: pd.DataFrame,
    council: Council,
    directions: dict[str, str],
    sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The council's row for every benchmarked measure and year (see the module docstring).

    directions: benchmark measure id -> improvement direction (increase, decrease, neutral).
    """
    rows = []
    source_by = (
        sources.set_index("measure_id").to_dict("index")
        if sources is not None and not sources.empty
        else {}
    )
    table = table[table["measure_id"].isin(directions)]
    # Plain arrays, masked once: picking rows out of a data frame for each of some 200
    # measure-years cost half a second of the month's statistics.
    area_type = table["area_type"].to_numpy(object)
    code = table["area_code"].astype(str).to_numpy(object)
    values_all = table["value"].to_numpy(float)
    notes = table["note"].to_numpy(object)
    is_la = area_type == "la"
    is_england = area_type == "england"
    is_region = (area_type == "region") & (code == council.region_code)
    is_own = is_la & (code == council.la_code)
    # the workforce census reports some councils jointly, e.g. "314 / 318"
    is_joint = is_la & np.fromiter(
        (council.la_code in c.split(" / ") for c in code), dtype=bool, count=code.size
    )
    is_neighbour = is_la & np.isin(code, list(council.neighbours))
    groups = table.groupby(["measure_id", "year"], sort=True).indices
    for (measure_id, year), at in sorted(groups.items()):
        direction = directions[measure_id]
        at = np.sort(at)
        la = at[is_la[at]]
        england, _ = _one(at[is_england[at]], values_all, notes, (measure_id, year, ENGLAND_CODE))
        region, _ = _one(
            at[is_region[at]], values_all, notes, (measure_id, year, council.region_code)
        )
        own = at[is_own[at]]
        if own.size == 0:
            own = at[is_joint[at]]
        mine, note = _one(own, values_all, notes, (measure_id, year, council.la_code))
        if la.size == 0:
            note = ""  # published nationally only: nothing to rank
        values = values_all[la]
        known = values[~np.isnan(values)]
        sn_values = values_all[at[is_neighbour[at]]]
        sn = sn_values[~np.isnan(sn_values)]
        group = [mine, *sn.tolist()]
        quarter = value_quarter(mine, known) if la.size else None
        rank = lait_rank(mine, known, direction) if la.size else None
        source = source_by.get(measure_id, {})
        rows.append(
            {
                "measure_id": measure_id,
                "year": int(year),
                "england": _round(england),
                "region": _round(region),
                "stat_neighbours": _round(sn.mean()) if sn.size else math.nan,
                "council": mine,
                "sn_n": int(sn.size),
                "sn_min": _round(sn.min()) if sn.size else math.nan,
                "sn_max": _round(sn.max()) if sn.size else math.nan,
                "council_note": note if math.isnan(mine) else "",
                "national_rank": rank,
                "national_ranked": int(known.size) if la.size else None,
                "national_unranked": int(np.isnan(values).sum()) if la.size else None,
                "quartile_band": quartile_band(quarter, direction),
                "value_quarter": quarter,
                "neighbour_rank": lait_rank(mine, group, direction),
                "neighbour_ranked": int(sn.size + (0 if math.isnan(mine) else 1)),
                "rank_order": "1 = highest" if direction == "neutral" else "1 = best",
                "unit": source.get("unit", ""),
                "source": source.get("source", ""),
            }
        )
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for column in (
        "national_rank",
        "national_ranked",
        "national_unranked",
        "value_quarter",
        "neighbour_rank",
    ):
        frame[column] = frame[column].astype("Int64")
    return frame


def directions_for(catalogue: Catalogue) -> dict[str, str]:
    """Benchmark measure id -> the catalogue's improvement direction for it."""
    found: dict[str, str] = {}
    for measure in catalogue.measures.values():
        if measure.benchmark:
            found.setdefault(measure.benchmark, measure.improvement_direction)
    return found
