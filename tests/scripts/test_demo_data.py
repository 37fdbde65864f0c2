"""The synthetic demo extracts: deterministic, complete, consistent, and their events are real.

The files are read here with csv/openpyxl directly (not through the project's loader) so these
tests check the files themselves against the extract contract and data/demo_events.yml.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from helpers.inputs.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SCRIPT = DATA / "scripts" / "make_demo_data.py"
MONTHS = [str(p) for p in pd.period_range("2021-04", "2026-10", freq="M")]
# Rotherham 0-17 population, ONS mid-year estimates 2021 and 2024 (DfE population file).
POP_2021, POP_2024 = 56349, 59521


def _generator():
    spec = importlib.util.spec_from_file_location("make_demo_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_data"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    gen = _generator()
    first, second = tmp_path_factory.mktemp("run1"), tmp_path_factory.mktemp("run2")
    gen.build(first)
    gen.build(second)
    return first, second


def _files(root: Path) -> dict[str, bytes]:
    names = sorted(
        p for p in (root / "extracts").rglob("*") if p.is_file() and p.name != "README.md"
    )
    out = {str(p.relative_to(root)): p.read_bytes() for p in names}
    for name in ("demo_events.yml", "process_changes.yml"):
        out[name] = (root / name).read_bytes()
    return out


# ------------------------------------------------------------------------------------------
# Reading the committed files (independently of the generator)
# ------------------------------------------------------------------------------------------
def _month_of(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    try:
        return str(pd.Period(text, "M"))
    except ValueError:
        return str(pd.Period(dt.datetime.strptime(text, "%b %Y"), "M"))


def read_month(month: str) -> list[dict]:
    """Every row of one month's three files, tagged with the file it came from."""
    folder = DATA / "extracts" / month
    rows: list[dict] = []
    with open(
        folder / f"social_care_scorecard_{month}.csv", encoding="utf-8-sig", newline=""
    ) as fh:
        for r in csv.DictReader(fh):
            rows.append(
                {
                    "file": "social_care",
                    "measure_id": r["measure_id"],
                    "period": _month_of(r["period"]),
                    "value": float(r["value"]),
                    "value_text": r["value"],
                    "numerator": r["numerator"] or None,
                    "denominator": r["denominator"] or None,
                }
            )
    ws = load_workbook(folder / f"early_help_scorecard_{month}.xlsx")["Scorecard"]
    header = [c.value for c in ws[1]]
    for cells in ws.iter_rows(min_row=2):
        r = dict(zip(header, cells, strict=True))
        value_cell = r["value"]
        percent = value_cell.number_format.endswith("%")
        rows.append(
            {
                "file": "early_help",
                "measure_id": r["measure_id"].value,
                "period": _month_of(r["period"].value),
                "period_raw": r["period"].value,
                "value": value_cell.value * (100 if percent else 1),
                "raw_value": value_cell.value,
                "percent_format": percent,
                "numerator": r["numerator"].value,
                "denominator": r["denominator"].value,
            }
        )
    ws = load_workbook(folder / f"workforce_{month}.xlsx")["Workforce"]
    header = [c.value for c in ws[1]]
    for cells in ws.iter_rows(min_row=2):
        measure_id = cells[0].value
        for label, cell in zip(header[2:], cells[2:], strict=True):
            if cell.value is not None:
                rows.append(
                    {
                        "file": "workforce",
                        "measure_id": measure_id,
                        "period": _month_of(label),
                        "label": label,
                        "value": float(cell.value),
                        "numerator": None,
                        "denominator": None,
                    }
                )
    return rows


@pytest.fixture(scope="module")
def by_month() -> dict[str, list[dict]]:
    return {m: read_month(m) for m in MONTHS}


@pytest.fixture(scope="module")
def latest(by_month: dict[str, list[dict]]) -> pd.DataFrame:
    """Latest-known figures: a later file's row for the same measure and month wins."""
    known: dict[tuple[str, str], dict] = {}
    for month in MONTHS:
        for r in by_month[month]:
            known[(r["measure_id"], r["period"])] = r
    frame = pd.DataFrame(known.values())
    return frame.sort_values(["measure_id", "period"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def events() -> list[dict]:
    return yaml.safe_load((DATA / "demo_events.yml").read_text(encoding="utf-8"))["events"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(DATA / "measures.yml")


# ------------------------------------------------------------------------------------------
# Determinism and completeness
# ------------------------------------------------------------------------------------------
def test_generator_is_deterministic(two_runs: tuple[Path, Path]) -> None:
    first, second = (_files(r) for r in two_runs)
    assert len(first) == 3 * len(MONTHS) + 2
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_committed_files_are_what_the_generator_makes(two_runs: tuple[Path, Path]) -> None:
    made, committed = _files(two_runs[0]), _files(DATA)
    assert made.keys() == committed.keys()
    assert [name for name in made if made[name] != committed[name]] == []


def test_every_month_has_its_three_files() -> None:
    folders = sorted(p.name for p in (DATA / "extracts").iterdir() if p.is_dir())
    assert folders == MONTHS
    for month in MONTHS:
        names = {p.name for p in (DATA / "extracts" / month).iterdir()}
        assert names == {
            f"social_care_scorecard_{month}.csv",
            f"early_help_scorecard_{month}.xlsx",
            f"workforce_{month}.xlsx",
        }


def test_every_catalogue_measure_appears_in_its_file(catalogue, by_month) -> None:
    seen: dict[str, set[str]] = {}
    for rows in by_month.values():
        for r in rows:
            seen.setdefault(r["measure_id"], set()).add(r["file"])
    assert set(seen) == set(catalogue.ids)
    for m in catalogue.measures.values():
        expected = "workforce" if m.theme == "workforce" else m.scorecard
        assert seen[m.id] == {expected}, m.id


def test_each_monthly_file_carries_that_month(catalogue, by_month) -> None:
    for month, rows in by_month.items():
        own = {(r["file"], r["measure_id"]) for r in rows if r["period"] == month}
        for r in rows:
            if r["file"] == "workforce":
                window = pd.period_range(max(pd.Period(MONTHS[0]), pd.Period(month) - 11), month)
                assert r["period"] in {str(p) for p in window}
            elif r["period"] != month:
                # an earlier month in a later file is a revision; the measure has its own row too
                assert r["period"] < month and (r["file"], r["measure_id"]) in own


def test_csv_header_and_early_help_formats(by_month) -> None:
    text = (DATA / "extracts" / "2026-10" / "social_care_scorecard_2026-10.csv").read_text(
        "utf-8-sig"
    )
    assert text.splitlines()[0] == "measure_id,period,value,numerator,denominator,measure_title"
    for r in by_month["2026-10"]:
        if r["file"] == "early_help":
            assert isinstance(r["period_raw"], dt.datetime) and r["period_raw"].day == 1
            if r["percent_format"]:
                assert 0 <= r["raw_value"] <= 1


def test_counts_are_integers_and_values_match_numerator_over_denominator(catalogue, latest) -> None:
    checked = 0
    for r in latest.itertuples():
        m = catalogue[r.measure_id]
        if m.unit == "count":
            assert float(r.value).is_integer(), (r.measure_id, r.period, r.value)
        if r.denominator is None or (isinstance(r.denominator, float) and np.isnan(r.denominator)):
            continue
        num, den = float(r.numerator), float(r.denominator)
        assert num.is_integer() and den.is_integer() and den > 0, (r.measure_id, r.period)
        expected = num / den * m.multiplier
        assert abs(r.value - expected) <= 0.05 + 0.001 * abs(r.value), (r.measure_id, r.period)
        if m.unit in ("percent", "rate_per_10k"):
            assert 0 <= num <= den or m.unit == "rate_per_10k"
        checked += 1
    assert checked > 30 * len(MONTHS)


def test_rates_use_rotherhams_population(latest) -> None:
    rate = latest[latest.measure_id == "cla_rate"].set_index("period")
    assert int(float(rate.loc["2021-04", "denominator"])) == POP_2021
    assert int(float(rate.loc["2026-10", "denominator"])) == POP_2024  # 2024 carried forward


@pytest.mark.parametrize(
    ("measure_id", "period", "published"),
    [
        # Rotherham at 31 March 2025 (DfE): children in care, in need, on a plan.
        ("cla_rate", "2025-03", 476),
        ("cin_rate", "2025-03", 1777),
        ("cpp_rate", "2025-03", 313),
        ("cla_rate", "2022-03", 556),
        # Referrals in the year to March 2025 (rolling 12 months).
        ("ref_rate", "2025-03", 2909),
    ],
)
def test_levels_are_calibrated_to_published_figures(latest, measure_id, period, published) -> None:
    row = latest[(latest.measure_id == measure_id) & (latest.period == period)].iloc[0]
    assert abs(float(row.numerator) - published) / published < 0.08


# ------------------------------------------------------------------------------------------
# The documented events
# ------------------------------------------------------------------------------------------
def test_documented_missing_month_is_absent(events, by_month) -> None:
    missing = [e for e in events if e["kind"] == "missing_month"]
    assert missing, "demo_events.yml documents a missing month"
    for e in missing:
        month = str(e["start"])
        ids_then = {r["measure_id"] for r in by_month[month]}
        assert e["measure_id"] not in ids_then
        before, after = MONTHS[MONTHS.index(month) - 1], MONTHS[MONTHS.index(month) + 1]
        assert e["measure_id"] in {r["measure_id"] for r in by_month[before]}
        assert e["measure_id"] in {r["measure_id"] for r in by_month[after]}


def test_documented_revisions_are_present(catalogue, events, by_month) -> None:
    revisions = [e for e in events if e["kind"] == "revision"]
    kinds = set()
    for e in revisions:
        month, later = str(e["start"]), str(e["in_file"])
        kinds.add("workforce" if catalogue[e["measure_id"]].theme == "workforce" else "other")
        first = [
            r
            for r in by_month[month]
            if r["measure_id"] == e["measure_id"] and r["period"] == month
        ]
        again = [
            r
            for r in by_month[later]
            if r["measure_id"] == e["measure_id"] and r["period"] == month
        ]
        assert len(first) == 1 and len(again) == 1
        assert first[0]["value"] != again[0]["value"]
        if "numerator_change" in e:
            assert int(again[0]["numerator"]) - int(first[0]["numerator"]) == e["numerator_change"]
            assert again[0]["denominator"] == first[0]["denominator"]
    assert kinds == {"workforce", "other"}


def test_unchanged_workforce_figures_repeat_identically(events, by_month) -> None:
    revised = {(e["measure_id"], str(e["start"])) for e in events if e["kind"] == "revision"}
    for prev, month in zip(MONTHS, MONTHS[1:], strict=False):
        old = {
            (r["measure_id"], r["period"]): r["value"]
            for r in by_month[prev]
            if r["file"] == "workforce"
        }
        for r in by_month[month]:
            key = (r["measure_id"], r["period"])
            if r["file"] == "workforce" and key in old and key not in revised:
                assert r["value"] == old[key], (month, key)


def test_contacts_dip_in_august_and_rise_in_september(latest) -> None:
    for measure_id in ("eh_contacts", "csc_contacts"):
        s = latest[latest.measure_id == measure_id]
        month = s.period.str[5:].astype(int)
        aug, sep = s[month == 8].value.mean(), s[month == 9].value.mean()
        nov, dec = s[month == 11].value.mean(), s[month == 12].value.mean()
        assert aug < 0.9 * sep and dec < nov, measure_id
        # and every single year, not just on average
        for year in range(2021, 2027):
            a = s[s.period == f"{year}-08"].value.iloc[0]
            b = s[s.period == f"{year}-09"].value.iloc[0]
            assert a < b, (measure_id, year)


def test_events_cover_what_the_pack_must_find(events) -> None:
    kinds = [e["kind"] for e in events]
    ongoing = [
        e
        for e in events
        if e["kind"] == "level_shift"
        and "end" not in e
        and pd.Period(str(e["start"])) <= pd.Period("2026-03")
    ]
    assert len(ongoing) >= 2 and all(2.5 <= abs(e["size_sigma"]) <= 3 for e in ongoing)
    assert "process_change" in kinds and "trend" in kinds and "seasonal" in kinds
    trends = [e for e in events if e["kind"] == "trend"]
    assert any(
        str(e["end"]) == "2026-10" and len(pd.period_range(str(e["start"]), "2026-10")) >= 9
        for e in trends
    )
    outliers = {str(e["start"]) for e in events if e["kind"] == "outlier"}
    assert "2026-10" in outliers and len(outliers) >= 2
    quiet = [e for e in events if e["kind"] == "common_cause_move"]
    assert quiet and quiet[0]["expected_in_latest"]["point_type"] == "common_cause"


def test_process_change_is_recorded_for_the_rebase(events) -> None:
    changes = yaml.safe_load((DATA / "process_changes.yml").read_text("utf-8"))["process_changes"]
    documented = {
        (e["measure_id"], str(e["start"])) for e in events if e["kind"] == "process_change"
    }
    assert {(c["measure_id"], str(c["period"])) for c in changes} == documented
    assert all(len(c["reason"]) > 20 for c in changes)


def _spc_latest(catalogue, latest, measure_id):
    from helpers.spc import ptd_spc

    m = catalogue[measure_id]
    series = latest[latest.measure_id == measure_id]
    data = pd.DataFrame(
        {
            "date": pd.PeriodIndex(series.period, freq="M").to_timestamp(),
            "value": series.value.to_numpy(),
        }
    )
    changes = yaml.safe_load((DATA / "process_changes.yml").read_text("utf-8"))["process_changes"]
    rebase = [pd.Timestamp(f"{c['period']}-01") for c in changes if c["measure_id"] == measure_id]
    result = ptd_spc(
        data,
        "value",
        "date",
        rebase=rebase or None,
        improvement_direction=m.improvement_direction,
        target=m.target,
    )
    return result


def test_documented_spc_verdicts_hold_in_the_latest_month(catalogue, latest, events) -> None:
    pytest.importorskip("helpers.spc")
    expected = [e for e in events if e.get("expected_in_latest")]
    assert len(expected) >= 10
    problems = []
    for e in expected:
        want = e["expected_in_latest"]
        result = _spc_latest(catalogue, latest, e["measure_id"])
        last = result.points.iloc[-1]
        assert str(last["date"])[:7] == "2026-10"
        got = (last["point_type"], last["special_cause_type"])
        if got != (want["point_type"], want["rule"]):
            problems.append((e["measure_id"], e["kind"], got, want))
        if "assurance" in want:
            verdict = result.summary()["assurance_type"].iloc[-1]
            if verdict != want["assurance"]:
                problems.append((e["measure_id"], "assurance", verdict, want["assurance"]))
    assert problems == []


def test_ongoing_shifts_run_through_the_latest_month(catalogue, latest, events) -> None:
    """The shifted months themselves are flagged, not just the last one."""
    pytest.importorskip("helpers.spc")
    for e in events:
        if e["kind"] != "level_shift" or "end" in e:
            continue
        points = _spc_latest(catalogue, latest, e["measure_id"]).points
        shifted = points[points["date"] >= pd.Timestamp(f"{e['start']}-01")]
        side = np.sign(shifted["value"] - shifted["mean"])
        assert (side == np.sign(e["size_sigma"])).all(), e["measure_id"]
        assert (shifted["point_type"] != "common_cause").all(), e["measure_id"]
