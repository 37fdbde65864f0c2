"""How often the pack's signals are false alarms, and how often real shifts are found.

Run: .venv/bin/python benchmarks/bench_signals.py [--series 4000] [--evidence 400]
Prints, for each family of series whose truth is known (helpers.spc.families) and for 36, 48
and 67 months: how often the latest month is flagged with no change at all, by the reference
rules alone and by the pack's decision (dependence test, then the reference or the correlated
method), and how often a sustained shift of 3 standard deviations over the last 8 months is
found. Then, on 67 months, how often the evidence quoted to members claims a real change
(trend, last month, last 12 months) when there is none. Seeded: the same figures every run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from helpers.analysis.chance import decided_latest, reference_latest
from helpers.spc.families import FAMILIES, rolling_window, series


def signal_rates(count: int) -> None:
    families = [*FAMILIES, "ar0.95"]
    print(
        f"Latest month flagged, {count:,} series each: no change (reference rules | the pack), "
        "and a 3-SD shift over the last 8 months found by the pack"
    )
    for months in (36, 48, 67):
        print(f"  {months} months:")
        for k, family in enumerate(families):
            rng = np.random.default_rng([20_261_206, months, k])
            quiet = series(family, count, rng, months=months)
            shifted = series(family, count, rng, months=months, shift_sd=3.0)
            window = rolling_window(family)
            reference = reference_latest(quiet).mean()
            pack = decided_latest(quiet, window, "auto").mean()
            found = decided_latest(shifted, window, "auto").mean()
            line = (
                f"    {family:12s} no change: {reference:6.1%} | {pack:5.1%}   "
                f"shift found: {found:6.1%}"
            )
            if window:
                undeclared = decided_latest(quiet, None, "auto").mean()
                line += f"   (not declared rolling: {undeclared:5.1%} with no change)"
            print(line)


def evidence_rates(count: int) -> None:
    import pandas as pd

    from helpers.stats import trend_slope

    periods = pd.period_range("2021-01", periods=67, freq="M")
    print(f"Trend claimed (p < 0.05) on no-trend series, 67 months, {count:,} series each:")
    for k, family in enumerate([*FAMILIES, "ar0.95"]):
        rng = np.random.default_rng([20_261_207, k])
        claimed = abstained = bare = 0
        for row in series(family, count, rng):
            s = pd.Series(row, index=periods)
            found = trend_slope(s)
            claimed += found.significant
            abstained += found.abstained
            bare += trend_slope(s, calibration="none").significant
        print(
            f"  {family:12s} {claimed / count:6.1%} claimed ({abstained / count:5.1%} cannot "
            f"tell); the bare HAC test: {bare / count:6.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=4_000)
    parser.add_argument("--evidence", type=int, default=400)
    args = parser.parse_args()
    start = time.perf_counter()
    signal_rates(args.series)
    evidence_rates(args.evidence)
    print(f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
