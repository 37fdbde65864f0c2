"""Time SPC charts for every catalogue measure: build the figure, then save it as PNG and SVG.

Run: .venv/bin/python benchmarks/bench_charts.py [--months 67] [--repeats 2]
The pack has about 45 charts, so figure creation should stay well under 0.3 s per chart.
Prints per-chart times (median and worst) for building, PNG and SVG, plus the first-chart cost
(imports and font cache warm-up are excluded by a warm-up chart).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import numpy as np
import pandas as pd

from helpers.charts import alt_text, chart_table, spc_chart
from helpers.inputs.catalogue import load_catalogue
from helpers.spc import ptd_spc


def series_for(measure, months: int, rng: np.random.Generator) -> pd.DataFrame:
    """A plausible monthly series in the measure's unit, with a shift and one gap."""
    level = {"percent": 70.0, "count": 1200.0, "rate_per_10k": 400.0, "days": 300.0}.get(
        measure.unit, 20.0
    )
    values = rng.normal(level, level * 0.05, months)
    values[months * 2 // 3 :] += level * 0.08
    values[months // 3] = np.nan
    dates = pd.date_range("2021-04-01", periods=months, freq="MS")
    return pd.DataFrame({"date": dates, "value": values})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--months", type=int, default=67)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    rng = np.random.default_rng(1)
    measures = list(load_catalogue().measures.values())
    inputs = []
    for m in measures:
        result = ptd_spc(
            series_for(m, args.months, rng),
            "value",
            "date",
            improvement_direction=m.improvement_direction,
            target=m.target,
        )
        inputs.append((result.points, m))

    spc_chart(*inputs[0]).savefig(io.BytesIO(), format="png")  # warm-up: fonts, caches
    build, png, svg, words = [], [], [], []
    for _ in range(args.repeats):
        for points, m in inputs:
            t0 = time.perf_counter()
            fig = spc_chart(points, m)
            t1 = time.perf_counter()
            fig.savefig(io.BytesIO(), format="png")
            t2 = time.perf_counter()
            fig.savefig(io.BytesIO(), format="svg")
            t3 = time.perf_counter()
            alt_text(points, m)
            chart_table(points, m)
            t4 = time.perf_counter()
            build.append(t1 - t0)
            png.append(t2 - t1)
            svg.append(t3 - t2)
            words.append(t4 - t3)

    def line(name: str, times: list[float]) -> str:
        return f"{name:<22} median {statistics.median(times):.3f} s   worst {max(times):.3f} s"

    print(f"{len(inputs)} measures x {args.repeats} repeats, {args.months} months each")
    print(line("build figure", build))
    print(line("save PNG (150 dpi)", png))
    print(line("save SVG", svg))
    print(line("alt text + table", words))
    total = [b + p for b, p in zip(build, png, strict=True)]
    print(f"{'build + PNG, all':<22} {sum(total) / args.repeats:.2f} s per pack of {len(inputs)}")


if __name__ == "__main__":
    main()
