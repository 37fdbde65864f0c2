"""The month's statistics as the chapters read them: revisions, missing months, warnings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import ROOT

from helpers.analysis import month as month_analysis
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.store import Store

CATALOGUE = load_catalogue(ROOT / "data" / "measures.yml")


def write(
    path: Path, rows: list[str], header: str = "measure_id,period,value,numerator,denominator"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_month_notes_come_from_the_months_own_loads(tmp_path: Path) -> None:
    store_path = tmp_path / "t.duckdb"
    months = [str(p) for p in pd.period_range("2025-01", "2025-06", freq="M")]
    first = write(
        tmp_path / "a" / "early.csv",
        [f"eh_contacts,{m},{400 + i}" for i, m in enumerate(months[:5])],
    )
    # June's file revises April, skips nothing, and carries an extra column (a warning).
    june = write(
        tmp_path / "b" / "june.csv",
        ["eh_contacts,2025-04,450,,,checked", "eh_contacts,2025-06,410,,,"],
        header="measure_id,period,value,numerator,denominator,comment",
    )
    with Store(store_path) as store:
        store.load([first], catalogue=CATALOGUE)
        store.load([june], catalogue=CATALOGUE)
        month = month_analysis.analyse_month(store, CATALOGUE, "2025-06", root=tmp_path)
        may = month_analysis.analyse_month(store, CATALOGUE, "2025-05", root=tmp_path)

    assert list(month.revisions["period"]) == ["2025-04"]
    assert (
        month.revisions.iloc[0]["old_value"] == 403 and month.revisions.iloc[0]["new_value"] == 450
    )
    assert may.revisions.empty  # May's pack was built from loads that revised nothing
    assert not month.warnings.empty and "comment" in " ".join(month.warnings["column"].astype(str))
    assert may.warnings.empty
    # Every other catalogue measure has no figures at all; eh_contacts has none missing.
    assert not (month.missing["measure_id"] == "eh_contacts").any()
    assert (month.missing["note"] == "no figures at all").sum() == len(CATALOGUE.ids) - 1


def test_write_and_read_month_round_trip(tmp_path: Path) -> None:
    store_path = tmp_path / "t.duckdb"
    months = [str(p) for p in pd.period_range("2024-01", "2025-06", freq="M")]
    extract = write(
        tmp_path / "x.csv", [f"eh_contacts,{m},{400 + (i % 3)}" for i, m in enumerate(months)]
    )
    with Store(store_path) as store:
        store.load([extract], catalogue=CATALOGUE)
        month = month_analysis.analyse_month(store, CATALOGUE, "2025-06", root=tmp_path)
    month_analysis.write_month(month, tmp_path / "pack" / "data")
    back = month_analysis.read_month(tmp_path / "pack", ROOT)
    assert back.period == "2025-06"
    row = back.verdict("eh_contacts")
    assert row["latest_value"] == month.verdict("eh_contacts")["latest_value"]
    assert isinstance(row["sentence"], str) and row["assurance_text"] == ""
    assert len(back.measure_points("eh_contacts")) == len(months)
    assert pd.api.types.is_datetime64_any_dtype(back.points["date"])


def test_evidence_split_between_two_processes_gives_the_same_verdicts(demo_store: Path) -> None:
    """analyse_month works out half the measures' evidence in a forked process; the verdict
    table must be exactly what one process working through every measure gives."""
    from helpers.analysis.verdict import month_verdicts

    with Store(demo_store) as store:
        month = month_analysis.analyse_month(store, CATALOGUE, "2026-10", root=ROOT)
    in_force = month_analysis.tracker_set_for(CATALOGUE, "2026-10", ROOT)
    alone = month_verdicts(
        month.observations,
        month.points,
        CATALOGUE,
        "2026-10",
        month.benchmarks,
        tracker_ids=in_force.measures if in_force else (),
    )
    assert len(alone) == len(CATALOGUE.ids)
    pd.testing.assert_frame_equal(month.verdicts, alone, check_exact=True)
    assert alone["evidence"].str.len().gt(0).all()
