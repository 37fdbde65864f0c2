"""The committed benchmarks (data/benchmarks.csv) and population table (data/population.csv).

The hand-checked figures below were read directly from the published DfE files in
../shared/data/dfe (the files data/scripts/make_benchmarks.py derives from); the tests use only
the committed copies, so they run without ../shared. One test regenerates the files when the
source folder is present and checks the committed copies are what the script makes.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.inputs.catalogue import load_catalogue

FIGURES = ["england", "yorks_humber", "stat_neighbours", "rotherham", "sn_min", "sn_max"]
COLUMNS = ["measure_id", "year", *FIGURES[:4], "sn_n", *FIGURES[4:]]
COLUMNS += ["unit", "source_file", "source"]
#: Plausible bounds for a published annual figure in each unit.
RANGES = {
    "percent": (0, 100),
    "rate_per_10k": (0, 2_000),
    "days": (30, 1_500),
    "ratio": (1, 50),
    "score": (0, 40),
    "count": (0, 1_000_000),
}
SCRIPT = paths.data_dir() / "scripts" / "make_benchmarks.py"
SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"


@pytest.fixture(scope="module")
def bench() -> pd.DataFrame:
    return pd.read_csv(paths.benchmarks_path())


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def value(bench: pd.DataFrame, measure_id: str, year: int, column: str) -> float:
    row = bench[(bench["measure_id"] == measure_id) & (bench["year"] == year)]
    assert len(row) == 1, (measure_id, year)
    return float(row.iloc[0][column])


def test_columns(bench: pd.DataFrame) -> None:
    assert list(bench.columns) == COLUMNS


def test_covers_every_catalogue_benchmark(bench: pd.DataFrame, catalogue) -> None:
    named = {m.benchmark for m in catalogue.measures.values() if m.benchmark}
    assert len(named) >= 20
    assert set(bench["measure_id"]) == named
    for m in catalogue.measures.values():
        if m.benchmark:
            rows = bench[bench["measure_id"] == m.benchmark]
            assert set(rows["unit"]) == {m.unit}, m.id
            assert rows["england"].notna().all(), m.id


def test_years_and_keys(bench: pd.DataFrame) -> None:
    assert bench["year"].between(2018, 2025).all()
    assert not bench.duplicated(["measure_id", "year"]).any()
    assert (bench.groupby("measure_id")["year"].max() == 2025).all()
    # The children in need census files go back to 2018; the looked-after files to 2021.
    assert set(bench.loc[bench["measure_id"] == "ref_rate", "year"]) == set(range(2018, 2026))
    assert set(bench.loc[bench["measure_id"] == "cla_rate", "year"]) == set(range(2021, 2026))


def test_values_plausible_for_their_unit(bench: pd.DataFrame) -> None:
    for unit, (low, high) in RANGES.items():
        rows = bench[bench["unit"] == unit]
        for column in FIGURES:
            values = rows[column].dropna()
            assert values.between(low, high).all(), (unit, column, values.min(), values.max())


def test_statistical_neighbour_summary_is_consistent(bench: pd.DataFrame) -> None:
    assert bench["sn_n"].between(0, 10).all()
    has = bench[bench["sn_n"] > 0]
    assert (has["sn_min"] <= has["stat_neighbours"] + 0.05).all()
    assert (has["stat_neighbours"] <= has["sn_max"] + 0.05).all()
    none = bench[bench["sn_n"] == 0]
    assert none["stat_neighbours"].isna().all()
    # Only the national-only adoption figures have no local-authority breakdown.
    assert set(none["measure_id"]) == {"adopt_entry_to_placed"}
    assert none["rotherham"].isna().all()


def test_agrees_with_figures_read_by_hand(bench: pd.DataFrame) -> None:
    # c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv line 61:
    # "2025,Reporting year,Local authority,...,372,E08000018,Rotherham,Referrals and Re-referrals,
    #  2909,570,19.6,287,9.9,1218,41.9,..." -> rereferral_percent 19.6, no_further_action 9.9
    assert value(bench, "reref_12m", 2025, "rotherham") == 19.6
    assert value(bench, "ref_nfa", 2025, "rotherham") == 9.9
    # csww_indicators_2017_to_2025.csv line 5: "2025,Reporting year,Regional,...,Yorkshire and The
    # Humber,...,2172.4,34544,15.9,42690.2,4.1" -> caseload_fte 15.9 for the region
    assert value(bench, "sw_caseload", 2025, "yorks_humber") == 15.9
    # la_conviction_health_outcome_cla.csv line 3572: "2025,...,372,Rotherham,E08000018,Health
    # assessments: Children looked after all ages,Had their teeth checked by a dentist,318,91"
    assert value(bench, "cla_dental", 2025, "rotherham") == 91
    # Referral rate: 2909 referrals (c1 line 61) over Rotherham's mid-2024 0-17 population of
    # 59521 (ons_mid-year_population_estimates_2012_to_2024.csv, 2024 row for 372), per 10,000.
    assert value(bench, "ref_rate", 2025, "rotherham") == round(2909 / 59521 * 10_000, 1)
    # England: 632830 referrals (c1 line 2) over 12183016 children (ONS file line 2).
    assert value(bench, "ref_rate", 2025, "england") == round(632830 / 12183016 * 10_000, 1)


def test_population_table() -> None:
    pop = pd.read_csv(paths.data_dir() / "population.csv")
    columns = ["mid_year", "population_0_17", "used_for_year_ending_march", "source"]
    assert list(pop.columns) == columns
    assert (pop["used_for_year_ending_march"] == pop["mid_year"] + 1).all()
    # ons_mid-year_population_estimates_2012_to_2024.csv: "2024,...,372,E08000018,Rotherham,
    # Children aged 0 to 17 years,59521" and the 2012 row, 56103.
    by_year = pop.set_index("mid_year")["population_0_17"]
    assert by_year[2024] == 59521
    assert by_year[2012] == 56103
    assert set(by_year.index) == set(range(2012, 2025))
    assert pop["source"].str.contains("ONS").all()
    assert pop["source"].str.contains("Open Government Licence").all()


def load_script():
    spec = importlib.util.spec_from_file_location("make_benchmarks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_suppression_symbols_become_missing() -> None:
    script = load_script()
    for symbol in ("c", "z", "x", ":", "k", "low", " c "):
        assert math.isnan(script.to_number(symbol, "test"))
    assert script.to_number("19.6", "test") == 19.6
    with pytest.raises(ValueError, match="test"):
        script.to_number("n/a", "test")
    assert script.to_year("202425") == 2025
    assert script.to_year("2025") == 2025
    assert script.months_to_days("01:07", "test") == round(19 * 365.25 / 12)


@pytest.mark.skipif(not SOURCE.is_dir(), reason="the DfE source files (../shared) are absent")
def test_committed_files_are_what_the_script_makes(tmp_path: Path) -> None:
    script = load_script()
    out, pop_out = tmp_path / "benchmarks.csv", tmp_path / "population.csv"
    reference = tmp_path / "no-reference.csv"
    args = ["--source", str(SOURCE), "--out", str(out), "--population-out", str(pop_out)]
    assert script.main([*args, "--reference", str(reference)]) == 0
    assert out.read_text() == paths.benchmarks_path().read_text()
    assert pop_out.read_text() == (paths.data_dir() / "population.csv").read_text()
