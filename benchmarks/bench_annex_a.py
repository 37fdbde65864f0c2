"""How long reading and computing an Annex A workbook of a large council takes (best of 3).

Usage: .venv/bin/python benchmarks/bench_annex_a.py [--scale 2.9] [--months 12]

Writes a synthetic workbook with data/scripts/make_annex_a.py's generator at about 2.9 times
the demo council's volumes over 12 months (about 40,000 contacts and 25,000 to 30,000 rows in
the other lists) to a temporary folder, then times `compute_annex_a` (open the workbook, match
the columns, check every row, apply every catalogue rule) and its parts. Prints seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "data" / "scripts"))

from make_annex_a import EXTRACTED, WHEN, Maker, save_workbook, workbook  # noqa: E402

from helpers.inputs.annex_a.checks import check_workbook  # noqa: E402
from helpers.inputs.annex_a.compute import compute_annex_a  # noqa: E402
from helpers.inputs.annex_a.workbook import read_workbook  # noqa: E402
from helpers.inputs.catalogue import load_catalogue  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=2.9)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large-annex-a.xlsx"
        start = time.perf_counter()
        lists = Maker(args.months, args.scale).lists()
        save_workbook(workbook(lists), path, WHEN)
        made = time.perf_counter() - start
        rows = {n: len(r) for n, r in lists.items()}
        other = sum(rows.values()) - rows[1]
        print(
            f"workbook: {rows[1]:,} contacts and {other:,} other rows over {args.months} months, "
            f"{path.stat().st_size / 1e6:.1f} MB (written in {made:.1f} s)"
        )
        times, parts = [], []
        for _ in range(3):
            start = time.perf_counter()
            result = compute_annex_a(path, catalogue, EXTRACTED)
            times.append(time.perf_counter() - start)
            t0 = time.perf_counter()
            book = read_workbook(path)
            t1 = time.perf_counter()
            check_workbook(book, {1, 3, 4, 5, 7, 8, 9}, dt.date(2026, 11, 1))
            t2 = time.perf_counter()
            parts.append((t1 - t0, t2 - t1))
        best = min(times)
        read = min(p[0] for p in parts)
        check = min(p[1] for p in parts)
        print(
            f"read and compute: {best:.2f} s best of 3 ({', '.join(f'{t:.2f}' for t in times)}); "
            f"timed on their own (best of 3): opening and reading the sheets {read:.2f} s, "
            f"row checks {check:.2f} s (the rest is the rules)"
        )
        print(
            f"{len(result.figures)} figures for {result.figures['measure_id'].nunique()} "
            f"measures; {sum(rows.values()) / best:,.0f} rows per second"
        )


if __name__ == "__main__":
    main()
