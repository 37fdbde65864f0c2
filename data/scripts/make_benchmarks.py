"""Derive the benchmark tables in data/ from the published DfE and ONS files.

Run from the project folder:

    .venv/bin/python data/scripts/make_benchmarks.py                 # reads /work/shared/data/dfe
    .venv/bin/python data/scripts/make_benchmarks.py --source DIR    # another copy of the files

It writes:

- data/benchmarks.csv: one long table, one row per measure, year (ending 31 March, FIRST_YEAR to
  2025 where published), and area: England, every region and every English local authority in
  that year's file. `value` is the published figure; where the DfE printed a symbol instead
  (c suppressed, x or : not available, z not applicable, k or low below 0.5, u low reliability)
  the value is empty and `note` holds the symbol. Published percentages and rates are used as
  published; rates the DfE does not publish (referrals, children in need, child protection plans)
  are the published count over the ONS mid-year 0-17 population of the previous calendar year,
  times 10,000 (the DfE's convention), rounded to 1 decimal.
- data/benchmark_sources.csv: for each measure its unit, original file, attribution and licence.
- data/authorities.csv: the English authorities (DfE old LA code, ONS code, name, region) with
  their ten statistical neighbours in the DfE 2025 model, closest first.
- data/authority_population.csv: every English authority's ONS 0-17 population by mid-year (so
  `tracker init` can write any council's population.csv).
- data/population.csv: the configured council's (data/council.yml) ONS 0-17 population.

The project reads only these files, never the source folder. Rank, quartile band and the
neighbours' average are worked out at build time for the council in data/council.yml
(helpers.analysis.benchmarks). Source: Department for Education; ONS (population).
Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.analysis.benchmarks import ENGLAND_CODE, TABLE_COLUMNS, council_summary
from helpers.analysis.benchmarks import directions_for as catalogue_directions
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.council import AUTHORITIES_FILE, load_council, read_authorities
from helpers.inputs.population import ALL_FILE, PUBLISHED_FILE, Estimate, all_csv, council_csv

DEFAULT_SOURCE = Path("/work/shared/data/dfe")
DEFAULT_REFERENCE = Path("/work/shared/reference/benchmarks-2022-2025.csv")
#: The cross-check file was computed for Rotherham (old LA code 372) and its DfE 2025 neighbours.
REFERENCE_LA = "372"
SN_FILE = "sn_model_2025_wide.csv"
POP_FILE = PUBLISHED_FILE
FIRST_YEAR, LAST_YEAR = 2013, 2025
#: Symbols the DfE uses in place of a number: c suppressed, z not applicable, x and : not available,
#: k and "low" below 0.5 (the workforce file writes "low"), u low reliability. All become missing.
SUPPRESSED = {"c", "z", "x", ":", "k", "low", "u", ""}
LICENCE = "Open Government Licence v3.0"
DFE = "Source: Department for Education"
ONS = "ONS mid-year population estimates (0-17)"
LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}


@dataclass(frozen=True)
class Spec:
    """How to read one measure from one published file.

    kind is "value" (take a published column after filtering rows), "rate" (a published count
    over the 0-17 population times 10,000) or "adoption" (national years:months, converted to days).
    """

    measure_id: str
    file: str
    column: str
    publication: str
    kind: str = "value"
    filters: dict[str, str] = field(default_factory=dict)


SPECS: tuple[Spec, ...] = (
    Spec(
        "ref_rate",
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "referral_count",
        "Children in need statistics, table C1",
        kind="rate",
    ),
    Spec(
        "reref_12m",
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "rereferral_percent",
        "Children in need statistics, table C1",
    ),
    Spec(
        "ref_nfa",
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "no_further_action_percent",
        "Children in need statistics, table C1",
    ),
    Spec(
        "assess_not_in_need",
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "not_in_need_percent",
        "Children in need statistics, table C1",
    ),
    Spec(
        "cin_rate",
        "b1_children_in_need_2013_to_2025.csv",
        "At31_episodes",
        "Children in need statistics, table B1",
        kind="rate",
    ),
    Spec(
        "cpp_rate",
        "d5_cpps_at31march_by_duration_2013_to_2025.csv",
        "CPP_At31",
        "Children in need statistics, table D5",
        kind="rate",
    ),
    Spec(
        "cpp_start_rate",
        "d3_cpps_subsequent_plan_2013_to_2025.csv",
        "CPP_start",
        "Children in need statistics, table D3",
        kind="rate",
    ),
    Spec(
        "cpp_repeat",
        "d3_cpps_subsequent_plan_2013_to_2025.csv",
        "CPP_subsequent_percent",
        "Children in need statistics, table D3",
    ),
    Spec(
        "cpp_2yr",
        "d5_cpps_at31march_by_duration_2013_to_2025.csv",
        "2_years_or_more_percent",
        "Children in need statistics, table D5",
    ),
    Spec(
        "cla_rate",
        "cla_number_and_rate_per_10k_children.csv",
        "rate_per_10000",
        "Children looked after in England including adoptions",
        filters={"population_type": "Children looked after on 31 March each year"},
    ),
    Spec(
        "cla_start_rate",
        "cla_number_and_rate_per_10k_children.csv",
        "rate_per_10000",
        "Children looked after in England including adoptions",
        filters={"population_type": "Children starting to be looked after each year"},
    ),
    Spec(
        "cla_cease_rate",
        "cla_number_and_rate_per_10k_children.csv",
        "rate_per_10000",
        "Children looked after in England including adoptions",
        filters={"population_type": "Children ceasing to be looked after each year"},
    ),
    Spec(
        "cla_3plus_placements",
        "la_cla_placement_stability.csv",
        "children_percent",
        "Children looked after in England including adoptions",
        filters={
            "cla_group": "CLA on 31 March",
            "placement_stability": "With 3 or more placements during the year",
        },
    ),
    Spec(
        "cla_lt_stability",
        "la_cla_placement_stability.csv",
        "children_percent",
        "Children looked after in England including adoptions",
        filters={
            "cla_group": "Children looked after continuously for at least 2.5 years on 31 March "
            "aged under 16 years",
            "placement_stability": "Living with the same carer for at least 2 years",
        },
    ),
    Spec(
        "cla_health_assess",
        "la_conviction_health_outcome_cla.csv",
        "children_percent",
        "Children looked after in England including adoptions",
        filters={
            "characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their annual health assessment",
        },
    ),
    Spec(
        "cla_dental",
        "la_conviction_health_outcome_cla.csv",
        "children_percent",
        "Children looked after in England including adoptions",
        filters={
            "characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their teeth checked by a dentist",
        },
    ),
    Spec(
        "cla_sdq_avg",
        "la_conviction_health_outcome_cla.csv",
        "children_count",
        "Children looked after in England including adoptions",
        filters={
            "characteristic": "Ages 5 to 16 years with SDQ score",
            "breakdown": "SDQ average score",
        },
    ),
    Spec(
        "cla_out_20mi",
        "la_cla_during_year_new_placements.csv",
        "children_percent",
        "Children looked after in England including adoptions",
        filters={
            "characteristic": "Location of new placements during the year",
            "breakdown": "Placed outside LA boundary more than 20 miles from home",
        },
    ),
    Spec(
        "cl_eet_17_18",
        "la_care_leavers_activity.csv",
        "care_leaver_percent",
        "Children looked after in England including adoptions (care leavers)",
        filters={
            "care_leaver_age": "17 to 18 years",
            "breakdown": "Total in education, employment or training",
        },
    ),
    Spec(
        "cl_eet_19_21",
        "la_care_leavers_activity.csv",
        "care_leaver_percent",
        "Children looked after in England including adoptions (care leavers)",
        filters={
            "care_leaver_age": "19 to 21 years",
            "breakdown": "Total in education, employment or training",
        },
    ),
    Spec(
        "cl_suit_accom_19_21",
        "la_care_leavers_accommodation_suitability.csv",
        "care_leaver_percent",
        "Children looked after in England including adoptions (care leavers)",
        filters={
            "care_leaver_age": "19 to 21 years",
            "breakdown": "Accommodation considered suitable",
        },
    ),
    Spec(
        "adopt_entry_to_placed",
        "national_cla_adopted_average_time_between_adoption_process_stages.csv",
        "number",
        "Children looked after in England including adoptions (national only)",
        kind="adoption",
        filters={
            "stage_of_adoption_process": "4. Total average time between entry into care and date "
            "placed for adoption",
            "age_start_poc": "Total",
        },
    ),
    Spec(
        "sw_caseload",
        "csww_indicators_2017_to_2025.csv",
        "caseload_fte",
        "Children's social work workforce",
    ),
    Spec(
        "sw_agency",
        "csww_indicators_2017_to_2025.csv",
        "agency_rate_fte",
        "Children's social work workforce",
    ),
    Spec(
        "sw_turnover",
        "csww_indicators_2017_to_2025.csv",
        "turnover_rate_fte",
        "Children's social work workforce",
    ),
)

#: The cross-check file's names for the same measures.
REFERENCE_IDS = {
    "ref_rate": "REF_RATE",
    "reref_12m": "REREF_12M_PCT",
    "ref_nfa": "REF_NFA_PCT",
    "assess_not_in_need": "ASSESS_NOT_IN_NEED_PCT",
    "cin_rate": "CIN_RATE_31MAR",
    "cpp_rate": "CPP_RATE_31MAR",
    "cpp_start_rate": "CPP_START_RATE",
    "cpp_repeat": "CPP_REPEAT_PCT",
    "cpp_2yr": "CPP_2YR_PLUS_PCT",
    "cla_rate": "CLA_RATE_31MAR",
    "cla_start_rate": "CLA_START_RATE",
    "cla_cease_rate": "CLA_CEASE_RATE",
    "cla_3plus_placements": "CLA_3PLUS_PLACEMENTS_PCT",
    "cla_lt_stability": "CLA_LT_STABILITY_PCT",
    "cla_health_assess": "CLA_HEALTH_ASSESS_PCT",
    "cla_dental": "CLA_DENTAL_PCT",
    "cla_sdq_avg": "CLA_SDQ_AVG",
    "cla_out_20mi": "CLA_NEWPL_OUT_20MI_PCT",
    "cl_eet_17_18": "CL_EET_17_PCT",
    "cl_eet_19_21": "CL_EET_19_PCT",
    "cl_suit_accom_19_21": "CL_SUIT_ACCOM_19_PCT",
    "sw_caseload": "SW_CASELOAD_AVG",
    "sw_agency": "SW_AGENCY_PCT",
    "sw_turnover": "SW_TURNOVER_PCT",
}


# ---------------------------------------------------------------- reading the published files


def to_number(text: object, where: str) -> float:
    """A published cell as a float; suppression symbols become NaN, anything unexpected fails."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan
    cell = str(text).strip()
    if cell.lower() in SUPPRESSED:
        return math.nan
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        raise ValueError(
            f"{where}: '{cell}' is neither a number nor a DfE suppression symbol"
        ) from None


def to_year(period: object) -> int:
    """Year ending 31 March from an EES time_period: 2025 stays 2025, 202425 becomes 2025."""
    text = str(period).strip()
    if len(text) == 6 and text.isdigit():
        return int(text[:2] + text[4:])
    return int(text)


def read_published(source: Path, name: str) -> pd.DataFrame:
    """One EES tidy CSV as text, with a `year` column (year ending 31 March)."""
    frame = pd.read_csv(source / name, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame["year"] = frame["time_period"].map(to_year)
    return frame


def population(source: Path) -> pd.DataFrame:
    """ONS mid-year 0-17 population: mid_year, level, region_code, old_la_code, population."""
    raw = read_published(source, POP_FILE)
    raw = raw[raw["age_group"] == "Children aged 0 to 17 years"]
    return pd.DataFrame(
        {
            "mid_year": raw["year"],
            "level": raw["geographic_level"],
            "region_code": raw["region_code"],
            "old_la_code": raw["old_la_code"].str.strip(),
            "population": [to_number(v, POP_FILE) for v in raw["population_estimate"]],
        }
    )


def months_to_days(text: object, where: str) -> float:
    """'01:07' (years:months, as the DfE publishes adoption times) as days (month = 365.25/12)."""
    cell = str(text).strip()
    if cell.lower() in SUPPRESSED:
        return math.nan
    years, _, months = cell.partition(":")
    try:
        return round((int(years) * 12 + int(months)) * 365.25 / 12)
    except ValueError:
        raise ValueError(f"{where}: '{cell}' is not years:months") from None


def symbol(text: object) -> str:
    """The DfE symbol printed instead of a number, or '' for a number."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    cell = str(text).strip().lower()
    return cell if cell in SUPPRESSED and cell else ""


def values_for(spec: Spec, source: Path, pop: pd.DataFrame) -> pd.DataFrame:
    """Tidy values for one measure: year, level, region_code, old_la_code, value, note."""
    raw = read_published(source, spec.file)
    for column, wanted in spec.filters.items():
        raw = raw[raw[column].str.strip() == wanted]
    if raw.empty:
        raise ValueError(f"{spec.file}: no rows match {spec.filters} for {spec.measure_id}")
    where = f"{spec.file} column {spec.column}"
    convert: Callable[[object, str], float] = (
        months_to_days if spec.kind == "adoption" else to_number
    )
    tidy = pd.DataFrame(
        {
            "year": raw["year"],
            "level": raw["geographic_level"],
            "region_code": raw.get("region_code", pd.Series("", index=raw.index)),
            "old_la_code": raw.get("old_la_code", pd.Series("", index=raw.index)).str.strip(),
            "value": [convert(v, where) for v in raw[spec.column]],
            "note": [symbol(v) for v in raw[spec.column]],
        }
    )
    if spec.kind == "rate":
        # Year ending 31 March Y uses the mid-year estimate for Y-1 (the DfE's convention).
        pop_next = pop.assign(year=pop["mid_year"] + 1).drop(columns="mid_year")
        tidy = tidy.merge(pop_next, on=["year", "level", "region_code", "old_la_code"], how="left")
        no_pop = tidy["population"].isna() & tidy["value"].notna()
        tidy.loc[no_pop, "note"] = "x"  # no population estimate published for the area
        tidy["value"] = (tidy["value"] / tidy["population"] * 10_000).round(1)
        tidy = tidy.drop(columns="population")
    return tidy


def authorities_by_year(source: Path) -> set[tuple[int, str]]:
    """(year ending March, old LA code) for every authority that existed that year.

    The ONS population file has a row for each authority of its mid-year (the year ending March
    Y uses mid-year Y-1). The DfE's files keep rows for authorities that had been abolished or
    not yet created, marked z; those are not authorities of that year, so they are left out
    rather than counted as suppressed figures.
    """
    raw = read_published(source, POP_FILE)
    raw = raw[raw["geographic_level"] == "Local authority"]
    return {
        (int(y) + 1, str(c).strip()) for y, c in zip(raw["year"], raw["old_la_code"], strict=True)
    }


def long_rows(spec: Spec, tidy: pd.DataFrame, existing: set[tuple[int, str]]) -> pd.DataFrame:
    """The measure's rows of the long table: England, regions and authorities, FIRST_YEAR on."""
    tidy = tidy[tidy["year"].between(FIRST_YEAR, LAST_YEAR) & tidy["level"].isin(LEVELS)]
    absent = [
        level == "Local authority" and (int(y), c) not in existing and math.isnan(v)
        for level, y, c, v in zip(
            tidy["level"], tidy["year"], tidy["old_la_code"], tidy["value"], strict=True
        )
    ]
    tidy = tidy[~pd.Series(absent, index=tidy.index, dtype=bool)]
    area_type = tidy["level"].map(LEVELS)
    code = tidy["old_la_code"].where(area_type == "la", tidy["region_code"])
    code = code.where(area_type != "england", ENGLAND_CODE)
    rows = pd.DataFrame(
        {
            "measure_id": spec.measure_id,
            "year": tidy["year"].astype(int),
            "area_type": area_type,
            "area_code": code.astype(str).str.strip(),
            "value": tidy["value"],
            "note": tidy["note"],
        }
    )
    twice = rows.duplicated(["year", "area_type", "area_code"], keep=False)
    if twice.any():
        first = rows[twice].iloc[0]
        raise ValueError(
            f"{spec.file}: more than one row for {spec.measure_id} {first['year']} "
            f"{first['area_type']} {first['area_code']}: tighten the filters in SPECS"
        )
    order = {"england": 0, "region": 1, "la": 2}
    rows = rows.assign(_o=rows["area_type"].map(order))
    return rows.sort_values(["year", "_o", "area_code"]).drop(columns="_o")[TABLE_COLUMNS]


def wanted_specs() -> tuple[dict[str, Spec], dict[str, str]]:
    """The specs for every benchmark the catalogue names, and each one's unit."""
    catalogue = load_catalogue()
    wanted = {m.benchmark: m.unit for m in catalogue.measures.values() if m.benchmark}
    specs = {s.measure_id: s for s in SPECS}
    missing = sorted(set(wanted) - set(specs))
    if missing:
        raise SystemExit(f"No published source is defined for benchmark(s): {', '.join(missing)}")
    return {k: specs[k] for k in wanted}, wanted


def build_benchmarks(source: Path) -> pd.DataFrame:
    """The long table for the catalogue's measures that name a benchmark."""
    specs, _ = wanted_specs()
    pop = population(source)
    existing = authorities_by_year(source)
    frames = [long_rows(spec, values_for(spec, source, pop), existing) for spec in specs.values()]
    return pd.concat(frames, ignore_index=True)


def build_sources() -> pd.DataFrame:
    """Unit, original file, attribution and licence for each benchmarked measure."""
    specs, units = wanted_specs()
    return pd.DataFrame(
        [
            {
                "measure_id": key,
                "unit": units[key],
                "source_file": spec.file,
                "source": f"{DFE}, {spec.publication}"
                + (f"; {ONS}" if spec.kind == "rate" else ""),
                "licence": LICENCE,
            }
            for key, spec in specs.items()
        ]
    )


def build_authorities(source: Path) -> pd.DataFrame:
    """The English authorities of the DfE 2025 neighbour model, with codes and regions."""
    model = pd.read_csv(source / SN_FILE, dtype=str, encoding="utf-8-sig")
    model = model.apply(lambda c: c.str.strip())
    pop = read_published(source, POP_FILE)
    latest = pop[pop["geographic_level"] == "Local authority"].sort_values("year")
    ons = latest.drop_duplicates("old_la_code", keep="last").set_index(
        latest.drop_duplicates("old_la_code", keep="last")["old_la_code"].str.strip()
    )["new_la_code"]
    regions = pop[pop["geographic_level"] == "Regional"][["region_code", "region_name"]]
    regions = regions[regions["region_code"].str.startswith("E12")].drop_duplicates()
    region_code = dict(zip(regions["region_name"], regions["region_code"], strict=True))
    frame = pd.DataFrame(
        {
            "old_la_code": model["old_la_code"],
            "ons_code": model["old_la_code"].map(ons),
            "la_name": model["la_name"],
            "region_code": model["region_name"].map(region_code),
            "region_name": model["region_name"],
            **{f"sn_{i}": model[f"SN_{i}"] for i in range(1, 11)},
        }
    )
    unmatched = frame[frame[["ons_code", "region_code"]].isna().any(axis=1)]
    if not unmatched.empty:
        raise ValueError(f"{SN_FILE}: no ONS or region code for {unmatched['la_name'].tolist()}")
    return frame


def authority_population(source: Path) -> dict[str, list[Estimate]]:
    """Every authority's ONS 0-17 mid-year estimates (years the file leaves blank left out)."""
    pop = population(source)
    mine = pop[(pop["level"] == "Local authority") & pop["population"].notna()]
    found: dict[str, list[Estimate]] = {}
    for code, year, people in zip(
        mine["old_la_code"], mine["mid_year"], mine["population"], strict=True
    ):
        found.setdefault(str(code), []).append(Estimate(int(year), int(people)))
    return found


def council_population(estimates: dict[str, list[Estimate]], la_code: str, source: Path) -> str:
    """The council's population.csv: its rows of the all-authority table, with attribution."""
    raw = read_published(source, POP_FILE)
    mine = raw[raw["old_la_code"].str.strip() == la_code]
    ons, name = mine["new_la_code"].iloc[-1], mine["la_name"].iloc[-1]
    return council_csv(estimates.get(la_code, []), name, ons)


# ---------------------------------------------------------------- the cross-check


def reference_summary(table: pd.DataFrame, authorities: Path) -> pd.DataFrame:
    """The run-time summary for the authority the reference file was computed for."""
    from helpers.inputs.council import DFE_MODEL, Council

    found = read_authorities(authorities)[REFERENCE_LA]
    council = Council(
        name=found.name,
        la_code=found.la_code,
        ons_code=found.ons_code,
        region=found.region,
        region_code=found.region_code,
        commission="",
        neighbour_model=DFE_MODEL,
        neighbours=found.neighbours,
        neighbour_names=(),
    )
    return council_summary(table, council, catalogue_directions(load_catalogue()))


def cross_check(ours: pd.DataFrame, reference_path: Path, tolerance: float = 0.051) -> list[str]:
    """Differences between the run-time summary and the independently computed reference file."""
    if not reference_path.exists():
        return [f"reference file {reference_path} not found: cross-check skipped"]
    ref = pd.read_csv(reference_path)
    renamed = {v: k for k, v in REFERENCE_IDS.items()}
    ref = ref[ref["measure"].isin(renamed)].assign(measure_id=lambda f: f["measure"].map(renamed))
    ref = ref.rename(
        columns={"sn_mean": "stat_neighbours", "yorks_humber": "region", "rotherham": "council"}
    )
    both = ours.merge(ref, on=["measure_id", "year"], suffixes=("", "_ref"))
    problems = []
    for column in ("england", "region", "stat_neighbours", "council", "sn_n", "sn_min", "sn_max"):
        a, b = both[column].astype(float), both[f"{column}_ref"].astype(float)
        differ = ~((a - b).abs() <= tolerance) & ~(a.isna() & b.isna())
        for _, row in both[differ].iterrows():
            problems.append(
                f"{row['measure_id']} {row['year']} {column}: "
                f"ours {row[column]} reference {row[f'{column}_ref']}"
            )
    compared = len(both)
    return problems + [f"compared {compared} measure-years with {reference_path.name}"]


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, default=DEFAULT_SOURCE, help="folder holding the DfE CSVs"
    )
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="cross-check file"
    )
    parser.add_argument(
        "--out-dir", type=Path, default=None, help="where to write the tables (default data/)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if the cross-check finds differences"
    )
    args = parser.parse_args(argv)
    out = args.out_dir or paths.data_dir()
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    authorities = build_authorities(args.source)
    authorities.to_csv(out / AUTHORITIES_FILE, index=False)
    bench = build_benchmarks(args.source)
    bench.to_csv(out / "benchmarks.csv", index=False, float_format="%.10g")
    build_sources().to_csv(out / "benchmark_sources.csv", index=False)
    council = load_council(paths.data_dir() / "council.yml", out / AUTHORITIES_FILE)
    estimates = authority_population(args.source)
    (out / ALL_FILE).write_text(all_csv(estimates), encoding="utf-8")
    (out / "population.csv").write_text(
        council_population(estimates, council.la_code, args.source), encoding="utf-8"
    )
    seconds = time.perf_counter() - started
    size = (out / "benchmarks.csv").stat().st_size
    print(
        f"wrote {len(bench)} rows for {bench['measure_id'].nunique()} measures, "
        f"{bench['year'].min()}-{bench['year'].max()}, {bench['area_code'].nunique()} areas "
        f"({size:,} bytes) to {out / 'benchmarks.csv'} in {seconds:.2f} s"
    )
    print(f"wrote {len(authorities)} authorities to {out / AUTHORITIES_FILE}")
    print(f"wrote {len(estimates)} authorities' populations to {out / ALL_FILE}")
    print(f"wrote {council.name}'s population to {out / 'population.csv'}")

    summary = reference_summary(bench, out / AUTHORITIES_FILE)
    report = cross_check(summary, args.reference)
    differences = [line for line in report if ": ours " in line]
    for line in report:
        print(("DIFFERENCE " if ": ours " in line else "") + line)
    print(f"cross-check: {len(differences)} difference(s)")
    return 1 if (differences and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
