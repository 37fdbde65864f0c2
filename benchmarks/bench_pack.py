"""Wall time of each stage of building the demo month's pack, an unchanged rebuild and the CLI.

Loads every bundled extract into a fresh store, then builds the latest month into a temporary
output folder (--force, so each repeat builds): check, statistics (SPC + statsmodels for every
measure), charts (drawn once, two processes), notebooks (papermill, two at a time) and, where
Quarto exists, the HTML book and the members' PDF rendered side by side. Then times `tracker
build` when nothing has changed (it must stop at once) and the command line's start-up. Prints
one line per figure and writes them all to a JSON file.

    .venv/bin/python benchmarks/bench_pack.py [--repeat N] [--workers N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.inputs.store import Store
from helpers.pack import quarto
from helpers.pack.build import build_pack

ROOT = Path(__file__).resolve().parents[1]
TRACKER = Path(sys.executable).with_name("tracker")
STAGES = ("check", "statistics", "charts", "notebooks", "render", "charts_during_render", "total")


def _timed(cmd: list[str], cwd: Path, repeat: int = 5, env: dict | None = None) -> float:
    """Best wall time of a command over `repeat` runs (it must succeed)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - started)
    return best


def _reference_loop() -> float:
    """Best of three runs of a fixed pure-Python loop: how fast this machine is just now.

    Shared 2-core machines vary by a fifth or more from hour to hour; a figure beside this
    one can be compared with a run whose reference took a different time.
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


def _project_copy(tmp: Path) -> Path:
    """The files `tracker select` and `tracker refresh` edit, in a scratch project."""
    copy = tmp / "project"
    copy.mkdir()
    shutil.copy2(ROOT / "_quarto.yml", copy / "_quarto.yml")
    shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
    shutil.copytree(
        ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("*.duckdb*", "extracts")
    )
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="builds to time (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="processes at once (default 2)")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "output" / "benchmarks" / "bench_pack.json"
    )
    args = parser.parse_args()
    try:
        found = quarto.find_quarto()
        render_note = f"Quarto {found.version}"
    except quarto.QuartoUnavailable:
        found, render_note = None, "Quarto not found: everything up to the render is timed"
    print(f"Pack build benchmark ({os.cpu_count()} CPUs; {render_note})")
    figures: dict[str, object] = {
        "cpus": os.cpu_count(),
        "quarto": found.version if found else None,
        "reference_loop_before": _reference_loop(),
    }
    print(f"  reference  {figures['reference_loop_before']:7.2f} s  (a fixed Python loop)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store, output = tmp / "tracker.duckdb", tmp / "output"
        started = time.perf_counter()
        with Store(store) as s:
            report = s.load([ROOT / "data" / "extracts"])
        figures["load"] = round(time.perf_counter() - started, 3)
        loaded = f"{report.rows:,} rows, {len(report.files)} files"
        print(f"  load       {figures['load']:7.2f} s  ({loaded})")
        runs: list[dict[str, float]] = []
        for i in range(args.repeat):
            result = build_pack(
                None,
                root=ROOT,
                store_path=store,
                output=output,
                render=found is not None,
                workers=args.workers,
                force=True,
            )
            runs.append(result.stages)
            print(
                f"  build {i + 1}:  "
                + ", ".join(f"{k} {v:.2f} s" for k, v in result.stages.items())
            )
        for stage in STAGES:
            values = [r[stage] for r in runs if stage in r]
            if values:
                figures[stage] = {"best": min(values), "median": statistics.median(values)}
                best, median = min(values), statistics.median(values)
                print(f"  {stage:<10} {best:7.2f} s best, {median:.2f} s median")
        if "pdf_pages" in result.manifest.get("files", {}):
            figures["pdf_pages"] = result.manifest["files"]["pdf_pages"]
            print(f"  PDF pages  {figures['pdf_pages']:7d}")
        # Nothing changed: the whole command, from a fresh Python, must stop at once.
        cmd = [str(TRACKER), "build", "--store", str(store), "--output", str(output)]
        if found is None:
            cmd.append("--no-render")
        figures["unchanged_rebuild"] = round(_timed(cmd, ROOT, repeat=3), 3)
        print(f"  unchanged  {figures['unchanged_rebuild']:7.2f} s  (tracker build, nothing to do)")
        project = _project_copy(tmp)
        env = {**os.environ, "TRACKER_STORE": str(store)}
        cli = {
            "tracker --help": [str(TRACKER), "--help"],
            "tracker select": [str(TRACKER), "select", "2026-12", "reref_12m", "--by", "Bench"],
            "tracker refresh": [str(TRACKER), "refresh"],  # lists the dated tracker sets
        }
        figures["cli"] = {}
        for name, command in cli.items():
            seconds = round(_timed(command, project, repeat=5, env=env), 3)
            figures["cli"][name] = seconds
            print(f"  {name:<16} {seconds:5.2f} s")
    figures["reference_loop_after"] = _reference_loop()
    print(f"  reference  {figures['reference_loop_after']:7.2f} s  (the same loop, after)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"  written to {args.json}")


if __name__ == "__main__":
    main()
