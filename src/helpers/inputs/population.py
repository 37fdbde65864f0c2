"""Children's population for rates per 10,000: the council's own file and the all-authority table.

`tracker annex-a` turns counts into rates per 10,000 children with the council's ONS mid-year
estimates of children aged 0 to 17 (data/population.csv). The estimates of every English
authority are kept too (data/authority_population.csv, derived from the published file by
data/scripts/make_benchmarks.py), so `tracker init` can write any council's own file without
the published files at hand. A council the table does not cover is told which file to fill.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.inputs.council import possessive

FILE_NAME = "population.csv"
ALL_FILE = "authority_population.csv"
COLUMNS = ("mid_year", "population_0_17", "used_for_year_ending_march", "source")
ALL_COLUMNS = ("old_la_code", "mid_year", "population_0_17")
#: The published file the estimates come from (the DfE's copy of the ONS figures).
PUBLISHED_FILE = "ons_mid-year_population_estimates_2012_to_2024.csv"
LICENCE = "Open Government Licence v3.0"


class PopulationError(ValueError):
    """A rate per 10,000 needs the council's population and data/population.csv has none."""

    exit_code = 2


@dataclass(frozen=True)
class Estimate:
    """One mid-year estimate of children aged 0 to 17, used for the April-to-March year after."""

    mid_year: int
    population: int

    @property
    def used_for_year_ending_march(self) -> int:
        return self.mid_year + 1


def population_path(root: Path | None = None) -> Path:
    return paths.data_dir(root) / FILE_NAME


def source_text(name: str, ons_code: str) -> str:
    """The attribution each row of data/population.csv carries."""
    return (
        "Source: Office for National Statistics (ONS), mid-year population estimates, children "
        f"aged 0 to 17, {name} ({ons_code}), as republished by the DfE in {PUBLISHED_FILE}; "
        f"{LICENCE}"
    )


def read_all(path: Path) -> dict[str, list[Estimate]]:
    """data/authority_population.csv: old LA code -> its estimates, oldest first."""
    found: dict[str, list[Estimate]] = {}
    if not path.exists():
        return found
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            value = (row.get("population_0_17") or "").strip()
            if not value:
                continue
            estimate = Estimate(int(row["mid_year"]), int(float(value)))
            found.setdefault(row["old_la_code"].strip(), []).append(estimate)
    return {code: sorted(rows, key=lambda e: e.mid_year) for code, rows in found.items()}


def all_csv(estimates: dict[str, list[Estimate]]) -> str:
    """The all-authority table's text: one row per authority and mid-year, by code and year."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ALL_COLUMNS)
    for code in sorted(estimates):
        for estimate in sorted(estimates[code], key=lambda e: e.mid_year):
            writer.writerow([code, estimate.mid_year, estimate.population])
    return out.getvalue()


def council_csv(estimates: list[Estimate], name: str, ons_code: str) -> str:
    """data/population.csv's text for one council (the header alone when there are none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    source = source_text(name, ons_code)
    for estimate in sorted(estimates, key=lambda e: e.mid_year):
        writer.writerow(
            [estimate.mid_year, estimate.population, estimate.used_for_year_ending_march, source]
        )
    return out.getvalue()


def missing_message(path: Path, name: str | None = None) -> str:
    """What to do when the council's population is not known: which file, which columns."""
    whose = possessive(name) if name else "the council's"
    return (
        f"{path}: no population figures for {whose} children. Rates per 10,000 children "
        "computed from Annex A need them: write one row per mid-year with the columns "
        f"{', '.join(COLUMNS)} (population_0_17 from the ONS mid-year estimates, children aged "
        "0 to 17; used_for_year_ending_march is mid_year + 1)."
    )
