"""The chance sentence is true for the measures it covers: checked on measures whose truth is known.

Hundreds of no-change measures of every family (independent, binomial, slow-moving AR(1) and
rolling windows, declared or not; different lengths, missing months and a rebase) go through the
month's own path: the SPC points and their re-judging, the verdict table, and the chance
simulation. Nothing changed in any of them, so every flag is chance; the number flagged must be
within 2 * sqrt(expected) + 3 of the number the pack says chance would give.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.chance import chance_signals
from helpers.analysis.month import signal_settings
from helpers.analysis.verdict import MeasureEvidence, month_verdicts, spc_points
from helpers.inputs.catalogue import Catalogue, Measure
from helpers.spc.families import FAMILIES, rolling_window, series

PERIOD = "2026-10"


def _no_change_measures(seed: int, count: int) -> tuple[Catalogue, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    measures, rows, changes = {}, [], []
    kinds = [*FAMILIES, "ar0.95", "rolling12 undeclared"]
    for k in range(count):
        kind = kinds[k % len(kinds)]
        family = kind.split()[0]
        months = int(rng.integers(30, 68))
        values = series(family, 1, rng, months=months)[0] + 50
        if k % 7 == 0:
            values[int(rng.integers(1, months - 2))] = np.nan  # a missing month
        periods = pd.period_range(end=PERIOD, periods=months, freq="M").astype(str)
        measure_id = f"m{k:03d}"
        declared = rolling_window(family) if "undeclared" not in kind else None
        measures[measure_id] = Measure(
            id=measure_id,
            title=kind,
            short_title=kind,
            theme="t",
            scorecard="social_care",
            unit="ratio",
            improvement_direction=("increase", "decrease", "neutral")[k % 3],
            description="no change at all",
            rolling_months=declared,
        )
        keep = ~np.isnan(values)
        rows.append(
            pd.DataFrame({"measure_id": measure_id, "period": periods[keep], "value": values[keep]})
        )
        if k % 11 == 0 and months > 40:  # a process change part-way through
            changes.append({"measure_id": measure_id, "period": periods[months // 3],
                            "reason": "new recording"})  # fmt: skip
    observations = pd.concat(rows, ignore_index=True)
    observations["numerator"] = np.nan
    observations["denominator"] = np.nan
    return (
        Catalogue(measures),
        observations,
        pd.DataFrame(changes, columns=["measure_id", "period", "reason"]),
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_the_flagged_count_agrees_with_the_stated_chance(seed: int) -> None:
    catalogue, observations, changes = _no_change_measures(seed, 300)
    points = spc_points(observations, catalogue, changes, until=PERIOD)
    verdicts = month_verdicts(
        observations,
        points,
        catalogue,
        PERIOD,
        pd.DataFrame(),
        tracker_ids=catalogue.ids,
        evidence={m: MeasureEvidence() for m in catalogue.ids},
    )
    chance = chance_signals(
        points, verdicts, changes, PERIOD, simulations=2_000, settings=signal_settings(catalogue)
    )
    assert chance.measures == 300
    expected, observed = chance.expected, chance.observed
    assert observed == int(verdicts["beyond_normal_variation"].sum())
    assert abs(observed - expected) <= 2 * math.sqrt(expected) + 3, (observed, expected)
    # With five years of months the method does not cry wolf on any family. (Shorter slow-moving
    # series are harder: their chance is higher, and the sentence counts it.)
    long = [m for m in catalogue.ids if observations["measure_id"].eq(m).sum() >= 60]
    assert long and max(chance.probabilities[m] for m in long) <= 0.06
    # Slow-moving and rolling measures got a model of their own, not independent noise.
    models = {chance.models[m.id] for m in catalogue.measures.values() if m.rolling_months}
    assert all(model.startswith("rolling") for model in models)
    assert any(model.startswith("AR(1)") for model in chance.models.values())
