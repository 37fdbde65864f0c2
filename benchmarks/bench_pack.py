"""Wall time of each stage of building the demo month's pack.

Loads every bundled extract into a fresh store, then builds the latest month into a temporary
output folder: statistics (SPC + statsmodels for every measure), notebooks (papermill, two at a
time) and, where Quarto exists, the HTML + PDF render. Prints one line per stage.

    .venv/bin/python benchmarks/bench_pack.py [--repeat N] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from helpers.inputs.store import Store
from helpers.pack import quarto
from helpers.pack.build import build_pack

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="builds to time (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="notebooks at once (default 2)")
    args = parser.parse_args()
    try:
        found = quarto.find_quarto()
        render_note = f"Quarto {found.version}"
    except quarto.QuartoUnavailable:
        found, render_note = None, "Quarto not found: no render stage timed"
    print(f"Pack build benchmark ({os.cpu_count()} CPUs; {render_note})")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "tracker.duckdb"
        started = time.perf_counter()
        with Store(store) as s:
            report = s.load([ROOT / "data" / "extracts"])
        load_seconds = time.perf_counter() - started
        files = len(report.files)
        print(f"  load      {load_seconds:7.2f} s  ({report.rows:,} rows from {files} files)")
        runs: list[dict[str, float]] = []
        for i in range(args.repeat):
            result = build_pack(
                None,
                root=ROOT,
                store_path=store,
                output=Path(tmp) / "output",
                render=found is not None,
                workers=args.workers,
            )
            runs.append(result.stages)
            print(
                f"  build {i + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.stages.items())
            )
        for stage in ("statistics", "notebooks", "render", "total"):
            values = [r[stage] for r in runs if stage in r]
            if values:
                best, median = min(values), statistics.median(values)
                print(f"  {stage:<9} {best:7.2f} s best, {median:.2f} s median")


if __name__ == "__main__":
    main()
