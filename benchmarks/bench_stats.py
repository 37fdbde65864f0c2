"""Time evidence_for over a month's pack, and show how often noise looks seasonal or trending.

Run: .venv/bin/python benchmarks/bench_stats.py [--measures 47] [--months 36] [--sims 200]
Prints: the demo month's whole statistics stage (helpers.analysis.month.analyse_month: SPC, the
re-judging of slow-moving measures, the evidence in two processes, the per-measure chance
simulation; needs the demo extracts loaded, or loads them into a temporary store), seconds for
one pack of evidence_for (all measures, each unit), per-check timings on one series, and
the share of pure-noise series flagged strongly seasonal (F_s >= 0.64) by series length, plus
the false-alarm rate of the HAC trend test on flat white and AR(1) noise (phi 0.5).
"""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd

from helpers.spc import ptd_spc
from helpers.stats import (
    evidence_for,
    laney_p,
    ljung_box,
    seasonal_strength,
    seasonally_adjusted,
    trend_slope,
)

UNITS = {"percent": 100.0, "count": 1.0, "rate_per_10k": 10_000.0, "days": 1.0}


def frame(unit: str, months: int, rng: np.random.Generator) -> pd.DataFrame:
    periods = pd.period_range("2021-01", periods=months, freq="M").astype(str)
    if unit == "percent":
        den = rng.integers(80, 150, months).astype(float)
        num = rng.binomial(den.astype(int), 0.35).astype(float)
        value = 100 * num / den
    elif unit == "rate_per_10k":
        den = np.full(months, 56_000.0)
        num = rng.poisson(400, months).astype(float)
        value = num / den * 10_000
    else:
        num = den = np.full(months, np.nan)
        value = rng.poisson(25, months).astype(float)
    return pd.DataFrame({"period": periods, "value": value, "numerator": num, "denominator": den})


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _last_flagged(months: pd.PeriodIndex, values: np.ndarray) -> bool:
    frame = pd.DataFrame({"date": months.to_timestamp(), "value": values})
    return bool(ptd_spc(frame, "value", "date").points["special_cause_flag"].iloc[-1])


def statistics_stage(period: str = "2026-10", repeats: int = 3) -> None:
    """The demo month's statistics, as `tracker build` works them out (issue 18: at most 3 s)."""
    import tempfile
    from pathlib import Path

    from helpers import paths
    from helpers.analysis.month import analyse_month
    from helpers.inputs.catalogue import load_catalogue
    from helpers.inputs.store import Store

    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        store_path = paths.store_path() if paths.store_path().exists() else Path(tmp) / "s.duckdb"
        with Store(store_path) as store:
            if store.observations().empty:
                store.load([paths.data_dir() / "extracts"])
            secs = best_of(lambda: analyse_month(store, catalogue, period), repeats)
            month = analyse_month(store, catalogue, period)
    flagged = int(month.verdicts["beyond_normal_variation"].sum())
    slow = int((month.verdicts["spc_method"] == "autocorrelated").sum())
    print(
        f"statistics stage for {period} (SPC, slow-moving re-judging, evidence, chance "
        f"simulation): {secs:.2f} s (best of {repeats}); {flagged} of {len(month.verdicts)} "
        f"measures beyond normal variation, {slow} judged as slow-moving; chance expects "
        f"{month.chance['expected']:.2f} of {month.chance['measures']} tracker measures"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--measures", type=int, default=47)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--sims", type=int, default=200)
    args = ap.parse_args()
    statistics_stage()
    rng = np.random.default_rng(1)
    units = list(UNITS)
    pack = []
    for i in range(args.measures):
        unit = units[i % len(units)]
        m = SimpleNamespace(unit=unit, improvement_direction="increase", multiplier=UNITS[unit])
        pack.append((frame(unit, args.months, rng), m))
    secs = best_of(lambda: [evidence_for(f, m) for f, m in pack])
    print(f"evidence_for, {args.measures} measures x {args.months} months: {secs:.2f} s")

    f = pack[0][0]
    s = pd.Series(f["value"].to_numpy(), index=pd.PeriodIndex(f["period"], freq="M"))
    for name, fn in {
        "laney_p": lambda: laney_p(f["numerator"], f["denominator"]),
        "trend_slope": lambda: trend_slope(s),
        "seasonal_strength": lambda: seasonal_strength(s),
        "ljung_box": lambda: ljung_box(s),
    }.items():
        print(f"  {name:18s} {1000 * best_of(fn, 5):7.1f} ms")

    print(
        f"White noise read as seasonal, {args.sims} series each "
        "(STL strength >= 0.64 alone; and with the month-of-year F test at 1%):"
    )
    for n in (24, 30, 36, 48, 60, 120):
        checks = [seasonal_strength(rng.normal(50, 5, n)) for _ in range(args.sims)]
        stl = np.mean([c.strength >= 0.64 for c in checks])
        both = np.mean([c.strongly_seasonal for c in checks])
        print(f"  {n:4d} months: {stl:6.1%} STL alone, {both:6.1%} confirmed")

    print(
        "Seasonal series (yearly swing of 12 noise sd, no real change): the latest month's "
        f"verdict after seasonal adjustment, {args.sims} series each:"
    )
    for n in (24, 36, 48, 60, 120):
        months = pd.period_range("2020-01", periods=n, freq="M")
        swing = 60 * np.cos(2 * np.pi * months.month.to_numpy() / 12)
        adjusted_hits = plain_hits = 0
        for _ in range(args.sims):
            noise = rng.normal(0, 5, n)
            adj = seasonally_adjusted(pd.Series(500 + swing + noise, index=months))
            adjusted_hits += _last_flagged(months, adj.adjusted.to_numpy())
            plain_hits += _last_flagged(months, 500 + noise)
        print(
            f"  {n:4d} months: {adjusted_hits / args.sims:6.1%} signal after adjustment, "
            f"{plain_hits / args.sims:6.1%} on the same noise with no seasonality"
        )

    print(
        f"Trend claims (p < 0.05) on flat noise, {args.sims} series each: the calibrated test "
        "the pack quotes (abstaining where it cannot tell) beside the bare HAC test:"
    )
    for phi in (0.0, 0.5, 0.9):
        for n in (12, 24, 36, 60):
            hits = bare = abstained = 0
            for _ in range(args.sims):
                e = rng.normal(size=n)
                y = e.copy()
                for i in range(1, n):
                    y[i] = phi * y[i - 1] + e[i]
                found = trend_slope(y)
                hits += found.significant
                abstained += found.abstained
                bare += trend_slope(y, calibration="none").significant
            print(
                f"  AR(1) phi {phi:.1f}, {n:3d} months: {hits / args.sims:6.1%} claimed "
                f"({abstained / args.sims:5.1%} cannot tell), bare HAC {bare / args.sims:6.1%}"
            )


if __name__ == "__main__":
    main()
