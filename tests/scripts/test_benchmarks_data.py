"""The committed benchmark tables (data/benchmarks.csv and companions) and data/population.csv.

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

COLUMNS = ["measure_id", "year", "area_type", "area_code", "value", "note"]
#: Plausible bounds for a published annual figure in each unit.
RANGES = {
    "percent": (0, 100),
    "rate_per_10k": (0, 3_000),
    "days": (30, 1_500),
    "ratio": (1, 60),
    "score": (0, 40),
    "count": (0, 1_000_000),
}
SCRIPT = paths.data_dir() / "scripts" / "make_benchmarks.py"
SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
OUTPUTS = [
    "benchmarks.csv",
    "benchmark_sources.csv",
    "authorities.csv",
    "authority_population.csv",
    "population.csv",
]


@pytest.fixture(scope="module")
def bench() -> pd.DataFrame:
    return pd.read_csv(paths.benchmarks_path(), dtype={"area_code": str}, keep_default_na=False)


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return pd.read_csv(paths.data_dir() / "benchmark_sources.csv")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def value(bench: pd.DataFrame, measure_id: str, year: int, code: str) -> float:
    row = bench[
        (bench["measure_id"] == measure_id) & (bench["year"] == year) & (bench["area_code"] == code)
    ]
    assert len(row) == 1, (measure_id, year, code)
    return float(row.iloc[0]["value"])


def test_columns(bench: pd.DataFrame, sources: pd.DataFrame) -> None:
    assert list(bench.columns) == COLUMNS
    assert list(sources.columns) == ["measure_id", "unit", "source_file", "source", "licence"]
    assert sources["source"].str.startswith("Source: Department for Education").all()
    assert (sources["licence"] == "Open Government Licence v3.0").all()


def test_covers_every_catalogue_benchmark(bench, sources, catalogue) -> None:
    named = {m.benchmark for m in catalogue.measures.values() if m.benchmark}
    assert len(named) >= 20
    assert set(bench["measure_id"]) == named == set(sources["measure_id"])
    units = sources.set_index("measure_id")["unit"]
    for m in catalogue.measures.values():
        if m.benchmark:
            assert units[m.benchmark] == m.unit, m.id
            england = bench[
                (bench["measure_id"] == m.benchmark) & (bench["area_type"] == "england")
            ]
            assert england["value"].astype(float).notna().all(), m.id


def test_every_authority_region_and_year(bench: pd.DataFrame) -> None:
    assert bench["year"].between(2013, 2025).all()
    assert not bench.duplicated(["measure_id", "year", "area_type", "area_code"]).any()
    assert (bench.groupby("measure_id")["year"].max() == 2025).all()
    current = set(pd.read_csv(paths.data_dir() / "authorities.csv", dtype=str)["old_la_code"])
    assert len(current) == 153
    la = bench[(bench["year"] == 2025) & (bench["area_type"] == "la")]
    for measure_id, rows in la.groupby("measure_id"):
        # Every authority of 2025 has a row (a figure or the DfE's symbol for its absence).
        # The workforce census reports two pairs of councils jointly ("314 / 318", "940 / 941").
        codes = {part for code in rows["area_code"] for part in code.split(" / ")}
        assert current <= codes, measure_id
    regions = bench[(bench["area_type"] == "region") & (bench["area_code"].str.startswith("E12"))]
    assert regions["area_code"].nunique() == 9
    # The children in need files go back to 2013; the looked-after files here to 2021.
    assert set(bench.loc[bench["measure_id"] == "ref_rate", "year"]) == set(range(2013, 2026))
    assert set(bench.loc[bench["measure_id"] == "cla_rate", "year"]) == set(range(2021, 2026))


def test_values_plausible_and_symbols_explained(bench, sources) -> None:
    units = sources.set_index("measure_id")["unit"]
    numbers = pd.to_numeric(bench["value"].replace("", float("nan")))
    for measure_id, unit in units.items():
        low, high = RANGES[unit]
        these = numbers[bench["measure_id"] == measure_id].dropna()
        assert these.between(low, high).all(), (measure_id, these.min(), these.max())
    # A row has a figure or the DfE's symbol, never both, never neither.
    assert ((numbers.isna()) == (bench["note"] != "")).all()
    assert set(bench["note"]) <= {"", "c", "x", "z", "k", ":", "low", "u"}


def test_agrees_with_figures_read_by_hand(bench: pd.DataFrame) -> None:
    # c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv line 61:
    # "2025,Reporting year,Local authority,...,372,E08000018,Rotherham,Referrals and Re-referrals,
    #  2909,570,19.6,287,9.9,1218,41.9,..." -> rereferral_percent 19.6, no_further_action 9.9
    assert value(bench, "reref_12m", 2025, "372") == 19.6
    assert value(bench, "ref_nfa", 2025, "372") == 9.9
    # csww_indicators_2017_to_2025.csv line 5: "2025,Reporting year,Regional,...,Yorkshire and The
    # Humber,...,2172.4,34544,15.9,42690.2,4.1" -> caseload_fte 15.9 for the region
    assert value(bench, "sw_caseload", 2025, "E12000003") == 15.9
    # la_conviction_health_outcome_cla.csv line 3572: "2025,...,372,Rotherham,E08000018,Health
    # assessments: Children looked after all ages,Had their teeth checked by a dentist,318,91"
    assert value(bench, "cla_dental", 2025, "372") == 91
    # Referral rate: 2909 referrals (c1 line 61) over Rotherham's mid-2024 0-17 population of
    # 59521 (ons_mid-year_population_estimates_2012_to_2024.csv, 2024 row for 372), per 10,000.
    assert value(bench, "ref_rate", 2025, "372") == round(2909 / 59521 * 10_000, 1)
    # England: 632830 referrals (c1 line 2) over 12183016 children (ONS file line 2).
    assert value(bench, "ref_rate", 2025, "E92000001") == round(632830 / 12183016 * 10_000, 1)
    suppressed = bench[
        (bench["measure_id"] == "cpp_2yr") & (bench["year"] == 2025) & (bench["area_code"] == "372")
    ]
    assert suppressed.iloc[0]["note"] == "c" and suppressed.iloc[0]["value"] == ""


def test_population_table() -> None:
    pop = pd.read_csv(paths.data_dir() / "population.csv")
    columns = ["mid_year", "population_0_17", "used_for_year_ending_march", "source"]
    assert list(pop.columns) == columns
    assert (pop["used_for_year_ending_march"] == pop["mid_year"] + 1).all()
    # The demo council (data/council.yml) is Rotherham: ons_mid-year_population_estimates file
    # "2024,...,372,E08000018,Rotherham,Children aged 0 to 17 years,59521" and the 2012 row, 56103.
    by_year = pop.set_index("mid_year")["population_0_17"]
    assert by_year[2024] == 59521
    assert by_year[2012] == 56103
    assert set(by_year.index) == set(range(2012, 2025))
    assert pop["source"].str.contains("ONS").all()
    assert pop["source"].str.contains("Open Government Licence").all()


def test_council_population_is_its_rows_of_the_all_authority_table() -> None:
    from helpers.inputs.population import ALL_FILE, Estimate, read_all

    every = read_all(paths.data_dir() / ALL_FILE)
    assert len(every) == 155  # the 153 of the neighbour model, City of London, Isles of Scilly
    authorities = pd.read_csv(paths.data_dir() / "authorities.csv", dtype=str)
    assert set(authorities["old_la_code"]) <= set(every)
    pop = pd.read_csv(paths.data_dir() / "population.csv")  # the demo council's, Rotherham's
    assert [(e.mid_year, e.population) for e in every["372"]] == list(
        zip(pop["mid_year"], pop["population_0_17"], strict=True)
    )
    # ons_mid-year_population_estimates file: "2024,...,383,E08000035,Leeds,Children aged 0 to
    # 17 years,176239"
    assert every["383"][-1] == Estimate(2024, 176239)


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
    reference = tmp_path / "no-reference.csv"
    args = ["--source", str(SOURCE), "--out-dir", str(tmp_path), "--reference", str(reference)]
    assert script.main(args) == 0
    for name in OUTPUTS:
        assert (tmp_path / name).read_text() == (paths.data_dir() / name).read_text(), name
