"""Wall time of `tracker preview` for a theme chapter once the month's statistics exist.

The analyst's loop is edit, run, look: a preview should cost one notebook and one page (the
target is 5 s or less with the real Quarto). In a scratch copy of the project with a fresh
store, the first preview works the month out and draws the chapter's charts; then the chapter
is previewed again `--repeat` times, in this process (stages) and as the whole command from a
fresh Python (what an analyst waits for). Without Quarto the same is timed up to the executed
notebook. Prints one line per figure and writes them to a JSON file.

    .venv/bin/python benchmarks/bench_preview.py [--chapter early_help] [--repeat N] [--json PATH]
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
from helpers.pack.preview import preview_chapter

ROOT = Path(__file__).resolve().parents[1]
TRACKER = Path(sys.executable).with_name("tracker")
STAGES = ("statistics", "notebook", "render", "total")


def _reference_loop() -> float:
    """Best of three runs of a fixed Python loop: how fast this shared machine is just now."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


def _project(tmp: Path) -> Path:
    """A scratch project: the book, the notebooks, the template, data/ and a loaded store."""
    copy = tmp / "project"
    copy.mkdir()
    shutil.copy2(ROOT / "_quarto.yml", copy / "_quarto.yml")
    shutil.copytree(
        ROOT / "notebooks", copy / "notebooks", ignore=shutil.ignore_patterns("figures")
    )
    shutil.copytree(ROOT / "_extensions", copy / "_extensions")
    shutil.copytree(ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("*.duckdb*"))
    with Store(copy / "data" / "tracker.duckdb") as store:
        store.load([copy / "data" / "extracts"])
    return copy


def _summary(values: list[float]) -> dict[str, float]:
    return {"best": round(min(values), 3), "median": round(statistics.median(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="early_help", help="a theme chapter (early_help)")
    parser.add_argument("--repeat", type=int, default=3, help="previews to time (default 3)")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "output" / "benchmarks" / "bench_preview.json"
    )
    args = parser.parse_args()
    try:
        found = quarto.find_quarto()
        note = f"Quarto {found.version}"
    except quarto.QuartoUnavailable:
        found, note = None, "Quarto not found: timed up to the executed notebook"
    print(f"Preview benchmark: {args.chapter} ({os.cpu_count()} CPUs; {note})")
    figures: dict[str, object] = {
        "chapter": args.chapter,
        "quarto": found.version if found else None,
        "reference_loop_before": _reference_loop(),
    }
    print(f"  reference   {figures['reference_loop_before']:6.2f} s  (a fixed Python loop)")
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_HOME", "TRACKER_STORE")}
    os.environ.pop("TRACKER_HOME", None)
    os.environ.pop("TRACKER_STORE", None)
    with tempfile.TemporaryDirectory() as tmp_name:
        root = _project(Path(tmp_name))
        first = preview_chapter(args.chapter, root=root)
        figures["first"] = first.stages
        print("  first:      " + ", ".join(f"{k} {v:.2f} s" for k, v in first.stages.items()))
        print("              (works the month out and draws the chapter's charts)")
        runs = []
        for i in range(args.repeat):
            result = preview_chapter(args.chapter, root=root)
            runs.append(result.stages)
            print(
                f"  again {i + 1}:    " + ", ".join(f"{k} {v:.2f} s" for k, v in runs[-1].items())
            )
        for stage in STAGES:
            values = [r[stage] for r in runs if stage in r]
            if values:
                figures[stage] = _summary(values)
                best, median = min(values), statistics.median(values)
                print(f"  {stage:<11} {best:6.2f} s best, {median:.2f} s median")
        walls = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            done = subprocess.run(
                [str(TRACKER), "preview", args.chapter], cwd=root, capture_output=True, env=env
            )
            walls.append(time.perf_counter() - started)
            if done.returncode not in (0, 3):
                raise SystemExit(done.stderr.decode())
        figures["command"] = _summary(walls)
        print(
            f"  command     {min(walls):6.2f} s best, {statistics.median(walls):.2f} s median"
            f"  (tracker preview {args.chapter}, from a fresh Python)"
        )
    figures["reference_loop_after"] = _reference_loop()
    print(f"  reference   {figures['reference_loop_after']:6.2f} s  (the same loop, after)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"  written to {args.json}")


if __name__ == "__main__":
    main()
