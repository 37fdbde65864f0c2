"""Time ptd_spc on 10,000 series x 120 monthly points in one call, and on one 120-point series.

Run: .venv/bin/python benchmarks/bench_spc.py [--series 10000] [--points 120] [--repeats 3]
Prints the best of the repeats for each, plus summary() and icons() on the big run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from helpers.spc import ptd_spc


def make_data(n_series: int, n_points: int, seed: int = 1) -> pd.DataFrame:
    """Random-walk-free noisy series with a level shift in a third of them and a few gaps."""
    rng = np.random.default_rng(seed)
    values = rng.normal(100, 10, size=(n_series, n_points))
    values[: n_series // 3, n_points // 2 :] += 25
    values[rng.random(values.shape) < 0.002] = np.nan
    dates = pd.date_range("2015-01-01", periods=n_points, freq="MS")
    return pd.DataFrame(
        {
            "measure": np.repeat([f"m{i:05d}" for i in range(n_series)], n_points),
            "date": np.tile(dates.to_numpy(), n_series),
            "value": values.ravel(),
        }
    )


def best_of(repeats: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    big = make_data(args.series, args.points)
    rng = np.random.default_rng(2)
    directions = {
        m: rng.choice(["increase", "decrease", "neutral"]) for m in big["measure"].unique()
    }
    targets = {m: 110.0 for m in list(directions)[::2]}

    def run_big():
        return ptd_spc(
            big,
            "value",
            "date",
            facet_field="measure",
            improvement_direction=directions,
            target=targets,
        )

    seconds, result = best_of(args.repeats, run_big)
    print(
        f"ptd_spc: {args.series:,} series x {args.points} points ({len(big):,} rows): "
        f"{seconds:.3f} s (best of {args.repeats})"
    )
    summary_s, _ = best_of(args.repeats, result.summary)
    icons_s, _ = best_of(args.repeats, result.icons)
    print(f"  .summary(): {summary_s:.3f} s   .icons(): {icons_s:.3f} s")

    one = make_data(1, args.points).drop(columns="measure")
    seconds, _ = best_of(max(args.repeats, 20), lambda: ptd_spc(one, "value", "date"))
    print(
        f"ptd_spc: one {args.points}-point series: {seconds * 1000:.2f} ms (best of "
        f"{max(args.repeats, 20)})"
    )


if __name__ == "__main__":
    main()
