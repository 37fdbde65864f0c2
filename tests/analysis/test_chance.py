"""The chance sentence's figure agrees with a second simulation from each measure's own model."""

from __future__ import annotations

import math

import nbformat
import pandas as pd
import yaml


def test_chance_figure_matches_an_independent_simulation(demo_pack) -> None:
    folder = demo_pack.folder / "data"
    meta = yaml.safe_load((folder / "month.yml").read_text())
    chance = meta["chance"]
    verdicts = pd.read_csv(folder / "verdicts.csv")
    points = pd.read_csv(folder / "spc_points.csv", parse_dates=["date"])
    changes = pd.DataFrame(meta["process_changes"], columns=["measure_id", "period", "reason"])
    tracked = verdicts[verdicts["tracker"] & verdicts["latest_value"].notna()]
    assert chance["measures"] == len(tracked)
    assert chance["observed"] == int(tracked["beyond_normal_variation"].sum())

    # Again with another seed: each measure's chance agrees within the simulation's error, and
    # each was simulated from its own model (rolling windows as declared, linked months as AR(1)).
    from helpers.analysis.chance import chance_probabilities
    from helpers.analysis.month import signal_settings
    from helpers.inputs.catalogue import load_catalogue

    catalogue = load_catalogue()
    again, _, models = chance_probabilities(
        points,
        list(tracked["measure_id"]),
        changes,
        meta["period"],
        simulations=4_000,
        seed=7,
        settings=signal_settings(catalogue),
    )
    assert models == chance["models"]
    for measure_id, p in chance["probabilities"].items():
        error = math.sqrt(p * (1 - p) / 4_000) + math.sqrt(p * (1 - p) / 4_000)
        assert abs(again[measure_id] - p) < 5 * error + 0.002, measure_id
        if catalogue[measure_id].rolling_months:
            assert (
                models[measure_id] == f"rolling {catalogue[measure_id].rolling_months}-month sums"
            )
    independent = float(sum(again.values()))
    p = independent / len(tracked)
    assert abs(chance["expected"] - independent) < 0.25
    # No change at all still gives some signals: about 2 in 100 measures' latest months.
    assert 0.005 < p < 0.05

    index = nbformat.read(demo_pack.folder / "notebooks" / "index.ipynb", as_version=4)
    shown = "\n".join(
        o.get("data", {}).get("text/markdown", "")
        for c in index.cells
        for o in c.get("outputs", [])
    )
    expected_text = f"{chance['expected']:.1f}"
    assert f"the rules would still be expected to flag about {expected_text} of them" in shown
    assert f"this month {chance['observed']} were flagged" in shown
