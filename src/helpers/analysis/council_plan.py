"""The Council Plan cross-check: the report's published quarterly values beside the tracker's.

Two figures for one quarter should agree to within the report's rounding. When they do not,
the store's history often says why: the report used a figure that a later extract revised. A
difference counts as explained by a revision when the published value matches an earlier
revision of the tracker's figure and the revision that replaced it was loaded after the
report's publication date. Anything else is a disagreement for officers to explain.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.inputs.catalogue import Catalogue
from helpers.inputs.store import utc_naive

CHECK_COLUMNS = [
    "quarter",
    "council_plan_ref",
    "measure_id",
    "published_value",
    "tracker_value",
    "agrees",
    "explained_by_revision",
]


def rounding_tolerance(decimals: int) -> float:
    """Half a unit in the last place the report prints (plus a hair for binary fractions)."""
    return 0.5 * 10.0 ** (-decimals) + 1e-9


def council_plan_check(
    published: pd.DataFrame,
    store,
    catalogue: Catalogue,
    quarter: str,
    as_of: object = None,
) -> pd.DataFrame:
    """One row per Council Plan measure published for `quarter`, in the file's order."""
    rows = []
    limit = utc_naive(as_of) if as_of is not None else None
    for item in published[published["quarter"] == quarter].itertuples():
        measure = catalogue[item.measure_id]
        tolerance = rounding_tolerance(measure.decimals)
        history = store.history(item.measure_id)
        history = history[history["period"].astype(str).str.slice(0, 7) == quarter]
        if limit is not None:
            history = history[pd.to_datetime(history["loaded_at"]) <= limit]
        history = history.sort_values("revision").reset_index(drop=True)
        value = float(history["value"].iloc[-1]) if len(history) else math.nan
        agrees = bool(not math.isnan(value) and abs(value - item.published_value) <= tolerance)
        explained = False
        if not agrees:
            for k in range(len(history) - 1):
                earlier = float(history.loc[k, "value"])
                replaced_on = pd.Timestamp(history.loc[k + 1, "loaded_at"]).date()
                if abs(earlier - item.published_value) <= tolerance and (
                    replaced_on > item.report_date
                ):
                    explained = True
        rows.append(
            {
                "quarter": quarter,
                "council_plan_ref": item.council_plan_ref,
                "measure_id": item.measure_id,
                "published_value": item.published_value,
                "tracker_value": value,
                "agrees": agrees,
                "explained_by_revision": explained,
            }
        )
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)
