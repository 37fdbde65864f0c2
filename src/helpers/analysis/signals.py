"""One verdict for every measure: the reference SPC points, re-judged where months are linked.

helpers.spc.ptd_spc gives every measure the NHSRplotthedots points. Here each process (a measure's
months between rebases) is checked first (helpers.spc.method): where its months can be treated as
independent the reference points stand exactly; where they cannot (a stock at month end, a
rolling figure, or `spc_method: autocorrelated`), the process's centre, limits and flags are
replaced by the correlated method's (helpers.spc.correlated). The chart, the icons, the reading,
At a glance, the Chair's summary and verdicts.csv all read these points, so they cannot disagree,
and the limits drawn are the limits used.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.inputs.catalogue import Catalogue
from helpers.spc.correlated import LABELS, SIGN, fit_and_judge
from helpers.spc.icons import COMMON_CAUSE, CONCERN, IMPROVEMENT, MISSING, NEUTRAL_HIGH, NEUTRAL_LOW
from helpers.spc.method import AUTOCORRELATED, MDC, MethodChoice, choose_method
from helpers.spc.options import direction_code

#: points column saying which rules judged the point.
METHOD_COLUMN = "spc_method"
#: points columns with the band the target is judged against for a slow-moving process (the
#: next month's prediction band); NaN where the process limits serve, as in the reference.
ASSURANCE_COLUMNS = ("assurance_lpl", "assurance_upl")


def point_types(signs: np.ndarray, direction: int) -> np.ndarray:
    """Point types from each point's side (+1 high, -1 low, 0 none) and the measure's direction."""
    out = np.full(len(signs), COMMON_CAUSE, dtype=object)
    high, low = signs > 0, signs < 0
    if direction == 0:
        out[high], out[low] = NEUTRAL_HIGH, NEUTRAL_LOW
    else:
        good = signs == direction
        out[(high | low) & good] = IMPROVEMENT
        out[(high | low) & ~good] = CONCERN
    return out


def _rejudge(group: pd.DataFrame, direction: int, unit: str) -> dict[str, np.ndarray]:
    values = group["value"].to_numpy(dtype=float)
    fit = fit_and_judge(values)
    codes = fit.codes[0]
    signs = SIGN[codes]
    centre, lower, upper = float(fit.centre[0]), float(fit.lower[0]), float(fit.upper[0])
    # Every unit in the catalogue is at least 0 and a percentage at most 100: limits beyond
    # those could be misread ("-1.9%") and no figure can cross them, so no flag changes.
    if np.nanmin(values) >= 0:
        lower = max(lower, 0.0)
    if unit == "percent" and np.nanmax(values) <= 100:
        upper = min(upper, 100.0)
    n = len(values)
    types = point_types(signs, direction)
    types[codes == 7] = MISSING
    present = ~np.isnan(values)
    relative = np.where(present, np.sign(values - centre), 0).astype(np.int64)
    outside = pd.array(np.where(present, (values > upper) | (values < lower), False), "boolean")
    outside[~present] = pd.NA
    # Will the target be met? For a slow-moving measure that depends on where it is now and how
    # far it moves in a month: the next month's prediction band (3 standard errors either side),
    # not the long-run range it can wander over in years.
    last = values[present][-1] if present.any() else np.nan
    phi, sigma_e = float(fit.phi[0]), float(fit.sigma_e[0])
    predicted = centre + phi * (last - centre)
    return {
        ASSURANCE_COLUMNS[0]: np.full(n, predicted - 3 * sigma_e),
        ASSURANCE_COLUMNS[1]: np.full(n, predicted + 3 * sigma_e),
        "mean": np.full(n, centre),
        "lpl": np.full(n, lower),
        "upl": np.full(n, upper),
        "outside_limits": outside,
        "relative_to_mean": relative,
        "close_to_limits": pd.array([pd.NA] * n, dtype="boolean"),
        "special_cause_type": np.array([LABELS[c] for c in codes], dtype=object),
        "special_cause_flag": (signs != 0) & present,
        "point_type": types,
    }


def judge_points(
    points: pd.DataFrame,
    catalogue: Catalogue,
) -> tuple[pd.DataFrame, dict[str, MethodChoice]]:
    """Points with every correlated process re-judged, and each measure's choice (latest process).

    `points` is ptd_spc's table (facet = measure id, sorted by facet then date, gaps as NaN).
    """
    out = points.copy()
    out[METHOD_COLUMN] = MDC
    for column in ASSURANCE_COLUMNS:
        out[column] = np.nan
    choices: dict[str, MethodChoice] = {}
    for (facet, _group_id), group in out.groupby(["facet", "rebase_group"], sort=False):
        if facet not in catalogue:
            continue
        measure = catalogue[facet]
        choice = choose_method(
            group["value"].to_numpy(dtype=float), measure.rolling_months, measure.spc_method
        )
        choices[facet] = choice  # groups come oldest first, so the last one stays
        if choice.method != AUTOCORRELATED:
            continue
        replaced = _rejudge(group, direction_code(measure.improvement_direction), measure.unit)
        for column, values in replaced.items():
            out.loc[group.index, column] = values
        out.loc[group.index, METHOD_COLUMN] = AUTOCORRELATED
    out["special_cause_flag"] = out["special_cause_flag"].astype(bool)
    return out, choices


def choices_frame(choices: Mapping[str, MethodChoice]) -> pd.DataFrame:
    """verdicts.csv's method columns, one row per measure."""
    return pd.DataFrame(
        [
            {
                "measure_id": measure_id,
                "spc_method": c.method,
                "lag1_autocorrelation": c.lag_one,
                "spc_method_reason": c.reason,
            }
            for measure_id, c in choices.items()
        ],
        columns=["measure_id", "spc_method", "lag1_autocorrelation", "spc_method_reason"],
    )


def latest_choices(points: pd.DataFrame, catalogue: Catalogue) -> dict[str, MethodChoice]:
    """Each measure's method choice for its current process (its last rebase group)."""
    choices: dict[str, MethodChoice] = {}
    for facet, rows in points.groupby("facet", sort=False):
        if facet not in catalogue:
            continue
        measure = catalogue[facet]
        current = rows[rows["rebase_group"] == rows["rebase_group"].iloc[-1]]
        choices[facet] = choose_method(
            current["value"].to_numpy(dtype=float), measure.rolling_months, measure.spc_method
        )
    return choices


def assurance_band(point: pd.Series) -> tuple[float, float]:
    """The band a target is judged against at this point: the process limits, or for a
    slow-moving process its next month's prediction band (helpers.analysis.signals)."""
    low, high = point.get("assurance_lpl"), point.get("assurance_upl")
    if low is not None and high is not None and not (pd.isna(low) or pd.isna(high)):
        return float(low), float(high)
    return float(point["lpl"]), float(point["upl"])
