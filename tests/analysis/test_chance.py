"""The chance sentence's figure agrees with an independent simulation made here in the test."""

from __future__ import annotations

import math

import nbformat
import numpy as np
import pandas as pd
import yaml

from helpers.spc import ptd_spc


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

    # Independently: every tracker measure's own grid, a different generator and seed, all
    # measures in one engine call (the pack simulates shape by shape), 2,000 series each.
    rng = np.random.RandomState(7)
    per_measure, frames, rebase = 2_000, [], {}
    for measure_id in tracked["measure_id"]:
        own = points[points["facet"] == measure_id].sort_values("date")
        n = len(own)
        values = rng.normal(50.0, 3.0, size=(per_measure, n))
        values[:, own["value"].isna().to_numpy()] = np.nan
        facets = [f"{measure_id}|{k}" for k in range(per_measure)]
        frames.append(
            pd.DataFrame(
                {
                    "facet": np.repeat(facets, n),
                    "date": np.tile(own["date"].to_numpy(), per_measure),
                    "value": values.ravel(),
                }
            )
        )
        for period in changes.loc[changes["measure_id"] == measure_id, "period"]:
            for facet in facets:
                rebase.setdefault(facet, []).append(f"{str(period)[:7]}-01")
    result = ptd_spc(
        pd.concat(frames, ignore_index=True),
        "value",
        "date",
        facet_field="facet",
        rebase=rebase or None,
        improvement_direction="increase",
    )
    last = result.points.groupby("facet")["special_cause_flag"].last().astype(bool)
    rates = last.groupby(last.index.str.split("|").str[0]).mean()
    independent = float(rates.sum())
    # Monte Carlo error of both estimates (the pack's: 10,000 series per shape, shared).
    p = independent / len(tracked)
    error = math.sqrt(len(tracked) * p * (1 - p) / per_measure) + len(tracked) * math.sqrt(
        p * (1 - p) / chance["simulations"]
    )
    assert abs(chance["expected"] - independent) < 4 * error, (chance["expected"], independent)
    # No change at all still gives some signals: about 1 or 2 in 100 measures' latest months.
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
