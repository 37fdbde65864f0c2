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


def _one(rows: pd.DataFrame) -> tuple[float, str]:
    if rows.empty:
        return math.nan, "no row"
    if len(rows) > 1:
        raise ValueError(
            f"benchmarks: {len(rows)} rows for {rows.iloc[0]['measure_id']} "
            f"{rows.iloc[0]['year']} {rows.iloc[0]['area_code']}: the table must have one."
        )
    row = rows.iloc[0]
    return float(row["value"]), str(row["note"] or "")


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
    for (measure_id, year), this in table.groupby(["measure_id", "year"], sort=True):
        direction = directions[measure_id]
        la = this[this["area_type"] == "la"]
        england, _ = _one(this[this["area_type"] == "england"])
        region, _ = _one(
            this[(this["area_type"] == "region") & (this["area_code"] == council.region_code)]
        )
        own = la[la["area_code"] == council.la_code]
        if own.empty:  # the workforce census reports some councils jointly, e.g. "314 / 318"
            own = la[la["area_code"].str.split(" / ").map(lambda codes: council.la_code in codes)]
        mine, note = _one(own)
        if la.empty:
            note = ""  # published nationally only: nothing to rank
        values = la["value"].to_numpy(float)
        known = values[~np.isnan(values)]
        sn = la[la["area_code"].isin(council.neighbours)]["value"].dropna()
        group = [mine, *sn.to_list()]
        quarter = value_quarter(mine, known) if not la.empty else None
        rank = lait_rank(mine, known, direction) if not la.empty else None
        source = source_by.get(measure_id, {})
        rows.append(
            {
                "measure_id": measure_id,
                "year": int(year),
                "england": _round(england),
                "region": _round(region),
                "stat_neighbours": _round(sn.mean()) if len(sn) else math.nan,
                "council": mine,
                "sn_n": int(len(sn)),
                "sn_min": _round(sn.min()) if len(sn) else math.nan,
                "sn_max": _round(sn.max()) if len(sn) else math.nan,
                "council_note": note if math.isnan(mine) else "",
                "national_rank": rank,
                "national_ranked": int(known.size) if not la.empty else None,
                "national_unranked": int(np.isnan(values).sum()) if not la.empty else None,
                "quartile_band": quartile_band(quarter, direction),
                "value_quarter": quarter,
                "neighbour_rank": lait_rank(mine, group, direction),
                "neighbour_ranked": int(len(sn) + (0 if math.isnan(mine) else 1)),
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
