"""What chance alone produces: how many tracker measures would signal if nothing had changed.

Each rule is rare on its own, but with several rules and two dozen measures a few signals a month
are expected from noise alone. For every tracker measure this simulates series with no change at
all from the measure's *own* no-change model, over its current process (since its last rebase)
with its own length and missing months:
- a declared rolling N-month figure: rolling N-month sums of independent monthly figures;
- any other: AR(1) noise with the lag-one coefficient fitted to its own months
  (helpers.spc.correlated, bias-corrected; independent noise where it is below 0.05).
Each simulated series then goes through the whole decision the pack makes (the dependence test,
then the reference rules or the correlated method: helpers.analysis.signals), and the share whose
latest month is flagged is the measure's chance. The sum over the tracker's measures is the
number of signals expected by chance. Neither rule set depends on the level or scale, so the
noise is standard normal. Seeded, so a rebuild gives the same figure. Measures with the same
model and shape have the same chance, so each is simulated once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.spc import ptd_spc
from helpers.spc.correlated import PHI_MAX, fit_and_judge, rolling_flows
from helpers.spc.method import MDC, dependent_rows

SIMULATIONS = 10_000
#: Series per slow-moving measure (each has its own coefficient, so none are shared).
CORRELATED_SIMULATIONS = 4_000
SEED = 20_261_001
#: Fitted lag-one coefficients below this are simulated as independent months.
MIN_PHI = 0.05
#: Months simulated before an AR(1) series is used, so it starts from its long-run spread.
BURN_IN = 60


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
    models: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "expected": round(self.expected, 3),
            "observed": self.observed,
            "measures": self.measures,
            "simulations": self.simulations,
            "seed": self.seed,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
            "models": dict(self.models),
        }


@dataclass(frozen=True)
class NoChangeModel:
    """A measure's no-change model: 'independent', 'rolling' (window) or 'ar1' (phi)."""

    kind: str
    phi: float = 0.0
    window: int = 0
    setting: str = "auto"

    def describe(self) -> str:
        if self.kind == "rolling":
            return f"rolling {self.window}-month sums"
        if self.kind == "ar1":
            return f"AR(1), {self.phi:.2f}"
        return "independent"


def simulate(
    model: NoChangeModel, gaps: np.ndarray, rng: np.random.Generator, simulations: int
) -> np.ndarray:
    """No-change series from the model, one per row, NaN where the measure has a gap."""
    n = len(gaps)
    if model.kind == "rolling":
        values = rolling_flows(
            rng.standard_normal((simulations, n + model.window - 1)), model.window
        )
    elif model.kind == "ar1":
        phi = min(model.phi, PHI_MAX)
        shocks = rng.standard_normal((simulations, n + BURN_IN))
        values = np.empty_like(shocks)
        values[:, 0] = shocks[:, 0] / np.sqrt(1 - phi**2)
        for t in range(1, shocks.shape[1]):
            values[:, t] = phi * values[:, t - 1] + shocks[:, t]
        values = values[:, BURN_IN:]
    else:
        values = rng.standard_normal((simulations, n))
    values[:, gaps] = np.nan
    return values


def reference_latest(values: np.ndarray) -> np.ndarray:
    """The reference rules' verdict on each row's last month (one process, no rebase)."""
    rows, n = values.shape
    if rows == 0:
        return np.zeros(0, dtype=bool)
    dates = pd.date_range("2000-01-01", periods=n, freq="MS")
    frame = pd.DataFrame(
        {
            "facet": np.repeat(np.arange(rows), n),
            "date": np.tile(dates.to_numpy(), rows),
            "value": values.ravel(),
        }
    )
    result = ptd_spc(frame, "value", "date", facet_field="facet", improvement_direction="neutral")
    last = result.points.groupby("facet", sort=True)["special_cause_flag"].last()
    return last.to_numpy().astype(bool)


def decided_latest(values: np.ndarray, rolling_months: int | None, setting: str) -> np.ndarray:
    """The pack's whole decision on each row's last month: dependence test, then its rules."""
    dependent, _, _ = dependent_rows(values, rolling_months, setting)
    flags = np.zeros(len(values), dtype=bool)
    if dependent.any():
        flags[dependent] = fit_and_judge(values[dependent]).latest_flag()
    if (~dependent).any():
        flags[~dependent] = reference_latest(values[~dependent])
    return flags


def latest_flag_rate(
    model: NoChangeModel,
    gaps: np.ndarray,
    rng: np.random.Generator,
    simulations: int = SIMULATIONS,
) -> float:
    """Share of no-change series from `model` (with these gaps) whose last month is flagged."""
    values = simulate(model, gaps, rng, simulations)
    window = model.window if model.kind == "rolling" else None
    return float(decided_latest(values, window, model.setting).mean())


def no_change_model(
    values: np.ndarray, method: str, rolling_months: int | None, setting: str = "auto"
) -> NoChangeModel:
    """The model chance is simulated from, for a process judged by `method`."""
    if rolling_months:
        return NoChangeModel("rolling", window=int(rolling_months), setting=setting)
    # The lag-one coefficient fitted to the measure's own months (bias-corrected, at least 0),
    # whichever rules judged it: a short slow-moving series the dependence test did not
    # recognise still gets the chance its own movement gives under the reference rules.
    phi = round(float(fit_and_judge(values).phi[0]), 2)
    if phi < MIN_PHI or not np.isfinite(phi):
        return NoChangeModel("independent", setting=setting)
    return NoChangeModel("ar1", phi=phi, setting=setting)


def chance_probabilities(
    points: pd.DataFrame,
    tracked_ids: list[str],
    changes: pd.DataFrame,
    period: str,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
    settings: Mapping[str, tuple[int | None, str]] | None = None,
) -> tuple[dict[str, float], int, dict[str, str]]:
    """Each tracker measure's chance of a latest-month signal from noise alone, the number of
    distinct simulations, and each measure's no-change model in words.

    `settings`: measure id -> (rolling_months, spc_method) from the catalogue. Needs only the
    judged SPC points (with their spc_method column), so the build runs it beside the verdicts.
    `changes` is kept for the call's shape: rebases are already the points' rebase groups.
    """
    del changes
    rng = np.random.default_rng(seed)
    month = pd.Period(period, "M").to_timestamp()
    probabilities: dict[str, float] = {}
    models: dict[str, str] = {}
    by_shape: dict[tuple, float] = {}
    settings = settings or {}
    for measure_id in tracked_ids:
        pts = points[points["facet"] == measure_id].sort_values("date")
        pts = pts[pd.to_datetime(pts["date"]) <= month]
        if pts.empty or pd.isna(pts["value"].iloc[-1]):
            continue  # no figure this month: no judgement, by chance or otherwise
        current = pts[pts["rebase_group"] == pts["rebase_group"].iloc[-1]]
        values = current["value"].to_numpy(dtype=float)
        method = str(current["spc_method"].iloc[-1]) if "spc_method" in current else MDC
        rolling, setting = settings.get(measure_id, (None, "auto"))
        model = no_change_model(values, method, rolling, setting)
        gaps = np.isnan(values)
        shape = (model, gaps.tobytes())
        if shape not in by_shape:
            count = simulations if model.kind == "independent" else CORRELATED_SIMULATIONS
            by_shape[shape] = latest_flag_rate(model, gaps, rng, min(count, simulations))
        probabilities[measure_id] = by_shape[shape]
        models[measure_id] = model.describe()
    return probabilities, len(by_shape), models


def chance_estimate(
    probabilities: dict[str, float],
    shapes: int,
    verdicts: pd.DataFrame,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
    models: Mapping[str, str] | None = None,
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
        models=dict(models or {}),
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
    settings: Mapping[str, tuple[int | None, str]] | None = None,
) -> ChanceEstimate:
    """Expected and observed latest-month signals among the tracker measures with a figure."""
    probabilities, shapes, models = chance_probabilities(
        points, tracked_in_order(verdicts), changes, period, simulations, seed, settings
    )
    return chance_estimate(probabilities, shapes, verdicts, simulations, seed, models)
