"""Time deriving the all-authority benchmark table and ranking every council in it.

Run: .venv/bin/python benchmarks/bench_benchmarks.py [--source DIR] [--repeats 3]
Prints the table's size (rows, bytes) and the median time to derive it from the DfE files
(data/scripts/make_benchmarks.py, written to a temporary folder), to read it back, and to work
out one council's summary, ranks and quartile bands (done once per build).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from helpers import paths
from helpers.analysis.benchmarks import council_summary, directions_for, read_table
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.council import load_council


def load_script():
    path = paths.data_dir() / "scripts" / "make_benchmarks.py"
    spec = importlib.util.spec_from_file_location("make_benchmarks", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def timed(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/shared/data/dfe"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    script = load_script()
    with tempfile.TemporaryDirectory() as folder:
        argv = ["--source", str(args.source), "--out-dir", folder, "--reference", "/nonexistent"]

        def derive() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                script.main(argv)

        derive_s = timed(derive, args.repeats)
        out = Path(folder) / "benchmarks.csv"
        size = out.stat().st_size
        table = read_table(out)
    read_s = timed(lambda: read_table(paths.benchmarks_path()), args.repeats)
    council = load_council()
    directions = directions_for(load_catalogue())
    rank_s = timed(lambda: council_summary(table, council, directions), args.repeats)
    print(f"benchmark table: {len(table):,} rows, {size:,} bytes")
    print(f"derive from the DfE files (median of {args.repeats}): {derive_s:.2f} s")
    print(f"read data/benchmarks.csv: {read_s * 1000:.0f} ms")
    print(f"one council's summary, ranks and bands ({council.name}): {rank_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
