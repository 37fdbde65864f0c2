"""Back-test: the SPC engine reproduces NHSRplotthedots 0.2.2 on every conformance case.

Cases come from the bundled copy (tests/data/spc-ptd), from cases made by running the R package on
awkward random and hand-made series (tests/data/spc-ptd-r) and, when present, from the shared folder
next to the repository, which may hold more cases of the same form.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.spc import ICON_COLUMNS, POINT_COLUMNS, SUMMARY_COLUMNS, ptd_spc

REPO = Path(__file__).resolve().parents[2]
SOURCES = {
    "bundled": REPO / "tests" / "data" / "spc-ptd" / "cases",
    "r-differential": REPO / "tests" / "data" / "spc-ptd-r" / "cases",
    "shared": REPO.parent / "shared" / "conformance" / "spc-ptd" / "cases",
}
FLOAT_COLUMNS = ["value", "mean", "lpl", "upl"]


def _cases() -> list:
    found = []
    for source, folder in SOURCES.items():
        if folder.is_dir():
            for case in sorted(p for p in folder.iterdir() if (p / "params.json").exists()):
                found.append(pytest.param(case, id=f"{source}/{case.name}"))
    return found


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"facet": str}, keep_default_na=True)


def _run(case: Path):
    params = json.loads((case / "params.json").read_text())
    data = _read(case / "input.csv")
    return ptd_spc(
        data,
        value_field=params.get("value_field", "value"),
        date_field=params.get("date_field", "date"),
        facet_field=params.get("facet_field"),
        rebase=params.get("rebase"),
        fix_after_n_points=params.get("fix_after_n_points"),
        improvement_direction=params.get("improvement_direction", "increase"),
        target=params.get("target"),
        screen_outliers=params.get("screen_outliers", True),
    )


def _assert_close(actual: pd.Series, expected: pd.Series, what: str) -> None:
    a = actual.to_numpy(dtype=float)
    e = expected.to_numpy(dtype=float)
    ok = np.isclose(a, e, rtol=1e-9, atol=1e-12) | (np.isnan(a) & np.isnan(e))
    assert ok.all(), (
        f"{what} differs at rows {np.flatnonzero(~ok)[:5]}: {a[~ok][:5]} vs {e[~ok][:5]}"
    )


def _assert_equal(actual: pd.Series, expected: pd.Series, what: str) -> None:
    a = actual.astype(object).where(actual.notna(), None).tolist()
    e = expected.astype(object).where(expected.notna(), None).tolist()
    bad = [i for i, (x, y) in enumerate(zip(a, e, strict=True)) if x != y][:5]
    shown = [(a[i], e[i]) for i in bad]
    assert not bad, f"{what} differs at rows {bad}: (actual, expected) {shown}"


CASES = _cases()


def test_cases_are_found() -> None:
    assert any("bundled/" in p.id for p in CASES)


@pytest.mark.parametrize("case", CASES)
def test_points_match_reference(case: Path) -> None:
    expected = _read(case / "expected_points.csv")
    points = _run(case).points
    assert list(points.columns) == list(expected.columns) == POINT_COLUMNS
    assert len(points) == len(expected)
    _assert_equal(points["date"].dt.strftime("%Y-%m-%d"), expected["date"], "date")
    _assert_equal(points["facet"].astype(str), expected["facet"], "facet")
    for col in FLOAT_COLUMNS:
        _assert_close(points[col], expected[col], col)
    _assert_close(points["target"], expected["target"], "target")
    for col in POINT_COLUMNS:
        if col not in FLOAT_COLUMNS + ["date", "facet", "target"]:
            _assert_equal(points[col], expected[col], col)


@pytest.mark.parametrize("case", CASES)
def test_summary_matches_reference(case: Path) -> None:
    expected = _read(case / "expected_summary.csv")
    summary = _run(case).summary()
    assert list(summary.columns) == list(expected.columns)
    assert list(summary.columns)[: len(SUMMARY_COLUMNS)] == SUMMARY_COLUMNS
    assert len(summary) == len(expected)
    for col in expected.columns:
        if col in ("mean", "lpl", "upl"):
            _assert_close(summary[col], expected[col], col)
        elif col == "facet":
            _assert_equal(summary[col].astype(str), expected[col], col)
        else:
            _assert_equal(summary[col], expected[col], col)


@pytest.mark.parametrize("case", CASES)
def test_icons_match_reference(case: Path) -> None:
    expected = _read(case / "expected_icons.csv")
    icons = _run(case).icons()
    assert list(icons.columns) == list(expected.columns) == ICON_COLUMNS
    assert len(icons) == len(expected)
    _assert_equal(icons["facet"].astype(str), expected["facet"], "facet")
    _assert_equal(icons["type"], expected["type"], "type")
    _assert_equal(icons["icon"], expected["icon"], "icon")
