"""SPCResult: the points table plus the per-group summary and the icons derived from it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.spc.icons import (
    CONCERN,
    IMPROVEMENT,
    MISSING,
    assurance_icon,
    assurance_type,
    variation_icon,
)
from helpers.spc.options import SPCOptions

POINT_COLUMNS = [
    "date",
    "facet",
    "value",
    "rebase_group",
    "short_group_warning",
    "mean",
    "lpl",
    "upl",
    "outside_limits",
    "relative_to_mean",
    "close_to_limits",
    "special_cause_type",
    "special_cause_flag",
    "point_type",
    "target",
]
SUMMARY_COLUMNS = [
    "facet",
    "rebase_group",
    "mean",
    "lpl",
    "upl",
    "n",
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "variation_type",
]
ICON_COLUMNS = ["facet", "type", "icon"]


@dataclass
class SPCResult:
    """Output of ptd_spc.

    points: one row per input row, sorted by facet then date, columns as NHSRplotthedots returns.
    facets: one row per facet in sorted order with its improvement direction (+1/0/-1) and target
        (NaN when none).
    has_target: whether any target was given (the summary then carries assurance_type).
    """

    points: pd.DataFrame
    facets: pd.DataFrame
    options: SPCOptions
    has_target: bool = False

    def _group_ids(self) -> np.ndarray:
        """Consecutive facet x rebase group ids (points are sorted by facet then date)."""
        f = pd.factorize(self.points["facet"])[0]
        rg = self.points["rebase_group"].to_numpy()
        boundary = np.r_[True, (f[1:] != f[:-1]) | (rg[1:] != rg[:-1])]
        return np.cumsum(boundary) - 1

    def summary(self) -> pd.DataFrame:
        """One row per facet x rebase group: limits, counts of point types, latest point's type.

        n counts observed points (missing values excluded). assurance_type (present when any target
        was given) is filled only on each facet's last rebase group, as in the reference.
        """
        p = self.points
        if p.empty:
            cols = SUMMARY_COLUMNS + (["assurance_type"] if self.has_target else [])
            return pd.DataFrame(columns=cols)
        g = self._group_ids()
        observed = p["value"].notna().to_numpy()
        frame = pd.DataFrame(
            {
                "g": g,
                "obs": observed,
                "flag": p["special_cause_flag"].to_numpy(),
                "imp": (p["point_type"] == IMPROVEMENT).to_numpy(),
                "con": (p["point_type"] == CONCERN).to_numpy(),
            }
        )
        agg = frame.groupby("g", sort=True).agg(
            n=("obs", "sum"), flags=("flag", "sum"), imp=("imp", "sum"), con=("con", "sum")
        )
        first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        obs_idx = np.flatnonzero(observed)
        last_obs = pd.Series(obs_idx).groupby(g[obs_idx]).last()
        variation = pd.Series([None] * len(first), dtype=object)
        variation.iloc[last_obs.index.to_numpy()] = p["point_type"].to_numpy()[last_obs.to_numpy()]
        out = pd.DataFrame(
            {
                "facet": p["facet"].to_numpy()[first],
                "rebase_group": p["rebase_group"].to_numpy()[first],
                "mean": p["mean"].to_numpy()[first],
                "lpl": p["lpl"].to_numpy()[first],
                "upl": p["upl"].to_numpy()[first],
                "n": agg["n"].to_numpy().astype(np.int64),
                "common_cause": (agg["n"] - agg["flags"]).to_numpy().astype(np.int64),
                "special_cause_improvement": agg["imp"].to_numpy().astype(np.int64),
                "special_cause_concern": agg["con"].to_numpy().astype(np.int64),
                "variation_type": variation.to_numpy(),
            }
        )
        if self.has_target:
            assurance = self._assurance_by_facet()
            last_group = np.r_[out["facet"].to_numpy()[1:] != out["facet"].to_numpy()[:-1], True]
            values = [
                assurance.get(f) if is_last else None
                for f, is_last in zip(out["facet"], last_group, strict=True)
            ]
            out["assurance_type"] = pd.Series(values, dtype=object)
        return out

    def _assurance_by_facet(self) -> dict:
        """Assurance per facet from its last point's limits (the latest rebase group)."""
        p = self.points
        last = p.groupby("facet", sort=False).tail(1)
        info = self.facets.set_index("facet")
        result = {}
        for facet, lpl, upl in zip(last["facet"], last["lpl"], last["upl"], strict=True):
            row = info.loc[facet]
            result[facet] = assurance_type(
                float(row["target"]), float(lpl), float(upl), int(row["direction"])
            )
        return result

    def icons(self) -> pd.DataFrame:
        """Variation icon per facet (latest observed point), then any assurance icons."""
        p = self.points
        observed = p[p["value"].notna() & (p["point_type"] != MISSING)]
        latest = observed.groupby("facet", sort=False).tail(1)
        direction = self.facets.set_index("facet")["direction"]
        rows = [
            (facet, "variation", variation_icon(kind, int(direction.loc[facet])))
            for facet, kind in zip(latest["facet"], latest["point_type"], strict=True)
        ]
        if self.has_target:
            for facet, kind in self._assurance_by_facet().items():
                if kind is not None:
                    rows.append((facet, "assurance", assurance_icon(kind)))
        return pd.DataFrame(rows, columns=ICON_COLUMNS)
