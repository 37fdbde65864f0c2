"""What chance alone produces: how many tracker measures would signal if nothing had changed.

Each SPC rule is rare on its own, but with four rules and two dozen measures a few signals a
month are expected from noise alone. For every tracker measure this simulates series with no
change at all (independent normal noise; the XmR rules do not depend on the level or the
scale), with the measure's own length, missing months and rebases, runs them through the same
SPC engine with the pack's rules, and counts how often the latest month is flagged. The sum of
those chances is the number of signals expected by chance. Seeded, so a rebuild gives the same.
Measures whose series have the same shape (length, gaps and rebase positions) have the same
chance, so each shape is simulated once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.spc import ptd_spc

SIMULATIONS = 10_000
SEED = 20_261_001


@dataclass
class ChanceEstimate:
    """The expected number of chance signals among the tracker's measures this month."""

    expected: float
    observed: int
    measures: int
    simulations: int
    seed: int
    probabilities: dict[str, float] = field(default_factory=dict)
    shapes: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "expected": round(self.expected, 3),
            "observed": self.observed,
            "measures": self.measures,
            "simulations": self.simulations,
            "seed": self.seed,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
        }


def latest_flag_rate(
    gaps: np.ndarray,
    dates: pd.DatetimeIndex,
    rebases: list[str],
    rng: np.random.Generator,
    simulations: int = SIMULATIONS,
) -> float:
    """Share of no-change series of this shape whose last month the SPC rules flag."""
    n = len(dates)
    values = rng.standard_normal((simulations, n))
    values[:, gaps] = np.nan
    facets = np.repeat(np.arange(simulations), n)
    frame = pd.DataFrame(
        {"facet": facets, "date": np.tile(dates.to_numpy(), simulations), "value": values.ravel()}
    )
    result = ptd_spc(
        frame,
        "value",
        "date",
        facet_field="facet",
        rebase=rebases or None,
        improvement_direction="neutral",
    )
    last = result.points.groupby("facet", sort=False)["special_cause_flag"].last()
    return float(last.astype(bool).mean())


def chance_probabilities(
    points: pd.DataFrame,
    tracked_ids: list[str],
    changes: pd.DataFrame,
    period: str,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> tuple[dict[str, float], int]:
    """Each tracker measure's chance of a latest-month signal from noise alone, and the shapes.

    Needs only the SPC points, so the build runs it beside the month's verdicts.
    """
    rng = np.random.default_rng(seed)
    month = pd.Period(period, "M").to_timestamp()
    probabilities: dict[str, float] = {}
    by_shape: dict[tuple, float] = {}
    for measure_id in tracked_ids:
        pts = points[points["facet"] == measure_id].sort_values("date")
        pts = pts[pd.to_datetime(pts["date"]) <= month]
        if pts.empty or pd.isna(pts["value"].iloc[-1]):
            continue  # no figure this month: no judgement, by chance or otherwise
        dates = pd.DatetimeIndex(pd.to_datetime(pts["date"]))
        rebases = [
            f"{str(p)[:7]}-01"
            for p in changes.loc[changes["measure_id"] == measure_id, "period"]
            if dates[0] < pd.Timestamp(f"{str(p)[:7]}-01") <= dates[-1]
        ]
        gaps = pts["value"].isna().to_numpy()
        shape = (
            len(dates),
            gaps.tobytes(),
            tuple(int(dates.searchsorted(pd.Timestamp(r))) for r in rebases),
        )
        if shape not in by_shape:
            by_shape[shape] = latest_flag_rate(gaps, dates, rebases, rng, simulations)
        probabilities[measure_id] = by_shape[shape]
    return probabilities, len(by_shape)


def chance_estimate(
    probabilities: dict[str, float],
    shapes: int,
    verdicts: pd.DataFrame,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> ChanceEstimate:
    """The expected signals (the chances summed) beside those the month's verdicts show."""
    flagged = verdicts.set_index("measure_id")["beyond_normal_variation"]
    observed = sum(bool(flagged.get(m, False)) for m in probabilities)
    return ChanceEstimate(
        expected=float(sum(probabilities.values())),
        observed=observed,
        measures=len(probabilities),
        simulations=simulations,
        seed=seed,
        probabilities=probabilities,
        shapes=shapes,
    )


def tracked_in_order(verdicts: pd.DataFrame) -> list[str]:
    """The tracker's measures in the verdict table's (the catalogue's) order."""
    return list(verdicts.loc[verdicts["tracker"].astype(bool), "measure_id"])


def chance_signals(
    points: pd.DataFrame,
    verdicts: pd.DataFrame,
    changes: pd.DataFrame,
    period: str,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> ChanceEstimate:
    """Expected and observed latest-month signals among the tracker measures with a figure."""
    probabilities, shapes = chance_probabilities(
        points, tracked_in_order(verdicts), changes, period, simulations, seed
    )
    return chance_estimate(probabilities, shapes, verdicts, simulations, seed)
