"""How long validating and loading every extract into a fresh store takes (best of 3).

Usage: .venv/bin/python benchmarks/bench_load.py [EXTRACTS_FOLDER]

Reads data/extracts (the demo set) with data/measures.yml; when they are absent, writes a
synthetic five-year set (CSV, long XLSX and wide XLSX per month) to a temporary folder using
the small test catalogue. Prints seconds and rows per second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers.inputs.catalogue import load_catalogue  # noqa: E402
from helpers.inputs.extracts import find_extracts  # noqa: E402
from helpers.inputs.store import Store  # noqa: E402
from helpers.inputs.validation import check_paths  # noqa: E402


def synthetic_extracts(folder: Path, months: int = 60) -> Path:
    """Monthly files shaped like the contract's, for the test catalogue's measures."""
    from ingest_files import write_csv, write_long_xlsx, write_wide_xlsx

    end = pd.Period("2026-10", freq="M")
    for back in range(months - 1, -1, -1):
        period = end - back
        month = period.strftime("%Y-%m")
        rows = [
            ("csc_contacts", month, f"{1000 + back:,}", "", ""),
            ("assess_45wd", month, f"{(150 + back % 20) / 200 * 100:.1f}%", 150 + back % 20, 200),
            ("cla_rate", month, f"{(700 + back) / 59_000 * 10_000:.1f}", 700 + back, 59_000),
            ("assess_median_days", month, str(20 + back % 7), "", ""),
        ]
        write_csv(folder / month / f"social_care_scorecard_{month}.csv", rows)
        write_long_xlsx(
            folder / month / f"early_help_scorecard_{month}.xlsx",
            [
                ("eh_contacts", month, 300 + back, None, None),
                (
                    "eh_engage_3wd",
                    month,
                    round((100 + back % 30) / 160 * 100, 1),
                    100 + back % 30,
                    160,
                ),
            ],
            percent_ids={"eh_engage_3wd"},
        )
        history = [end - back - i for i in range(11, -1, -1)]
        write_wide_xlsx(
            folder / month / f"workforce_{month}.xlsx",
            month,
            {
                "sw_caseload": [18 + p.month / 10 for p in history],
                "sw_agency": [10 + p.month / 4 for p in history],
            },
        )
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extracts", nargs="?", type=Path, default=ROOT / "data" / "extracts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        extracts, catalogue_path = args.extracts, ROOT / "data" / "measures.yml"
        if not (extracts.is_dir() and any(p.is_file() for p in find_extracts([extracts]))):
            extracts = synthetic_extracts(Path(tmp) / "extracts")
            catalogue_path = ROOT / "tests" / "data" / "ingest_measures.yml"
            print(f"No extracts found: wrote a synthetic set to {extracts}")
        catalogue = load_catalogue(catalogue_path)
        files = [p for p in find_extracts([extracts]) if p.is_file()]
        size = sum(p.stat().st_size for p in files) / 1e6
        checks, loads, rows = [], [], 0
        for run in range(3):
            start = time.perf_counter()
            checked = check_paths([extracts], catalogue)
            checks.append(time.perf_counter() - start)
            errors = sum(p.is_error for c in checked for p in c.problems)
            rows = sum(len(c.extract.frame) for c in checked if c.extract is not None)
            store = Store(Path(tmp) / f"bench_{run}.duckdb")
            start = time.perf_counter()
            report = store.load([extracts], catalogue)
            loads.append(time.perf_counter() - start)
        print(
            f"extracts: {extracts} ({len(files)} files, {size:.1f} MB, {rows:,} rows, "
            f"{errors} errors)"
        )
        print(f"catalogue: {catalogue_path} ({len(catalogue.ids)} measures)")
        print(
            f"validate only:           best {min(checks):6.2f} s ({rows / min(checks):,.0f} rows/s)"
        )
        print(
            f"validate + load (fresh): best {min(loads):6.2f} s ({rows / min(loads):,.0f} rows/s)"
        )
        print(f"last load: {report.summary()}")
        print(
            "runs (validate, load): "
            + ", ".join(f"({c:.2f}, {lo:.2f})" for c, lo in zip(checks, loads, strict=True))
        )


if __name__ == "__main__":
    main()
