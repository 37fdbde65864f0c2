"""Time the 'what chance alone produces' estimate for a month of the demo store.

Run: .venv/bin/python benchmarks/bench_chance.py [--period 2026-10] [--repeats 3]
Needs the demo extracts loaded (tracker load data/extracts). Prints the seconds the simulation
adds to a build, the number of distinct series shapes simulated, and the estimate itself.
"""

from __future__ import annotations

import argparse
import time

from helpers.analysis.chance import SIMULATIONS, chance_signals
from helpers.analysis.month import analyse_month, signal_settings
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    catalogue = load_catalogue()
    with Store() as store:
        month = analyse_month(store, catalogue, args.period)
    best, estimate = float("inf"), None
    for _ in range(args.repeats):
        start = time.perf_counter()
        estimate = chance_signals(
            month.points,
            month.verdicts,
            month.process_changes,
            args.period,
            settings=signal_settings(catalogue),
        )
        best = min(best, time.perf_counter() - start)
    print(
        f"chance_signals for {args.period}: {best:.3f} s (best of {args.repeats}); "
        f"{estimate.measures} tracker measures, {SIMULATIONS:,} series per distinct shape "
        f"({estimate.shapes} distinct); expected {estimate.expected:.2f} signals by chance, "
        f"{estimate.observed} observed"
    )


if __name__ == "__main__":
    main()
