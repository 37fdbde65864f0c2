"""The shared real-format sample (liia-tools' Annex A sample) and the committed demo workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers.cli import app
from helpers.inputs.annex_a.compute import compute_annex_a
from helpers.inputs.annex_a.workbook import read_workbook
from helpers.inputs.catalogue import load_catalogue

SAMPLE = ROOT.parent / "shared" / "reference" / "annex-a" / "sample-annex-a.xlsx"
DEMO = ROOT / "data" / "annex-a" / "demo-annex-a.xlsx"
needs_sample = pytest.mark.skipif(
    not SAMPLE.exists(), reason=f"the shared Annex A sample is not here ({SAMPLE})"
)
IDENTIFYING = ("child unique id", "allocated worker", "date of birth", "individual adopter",
               "family identifier")  # fmt: skip


def identifying_values(path: Path) -> set[str]:
    """Every child id, adopter id, worker name and date of birth in the workbook, as text."""
    found: set[str] = set()
    wb = load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = [str(h or "").lower() for h in next(rows)]
        keep = [i for i, h in enumerate(header) if any(w in h for w in IDENTIFYING)]
        for values in rows:
            for i in keep:
                value = values[i] if i < len(values) else None
                if value is None or str(value).strip() in ("", "#N/A"):
                    continue
                if isinstance(value, dt.datetime):
                    found |= {value.strftime("%d/%m/%Y"), value.date().isoformat()}
                else:
                    found |= {str(value), str(value).replace("\u00a0", " ")}
    wb.close()
    return found


@needs_sample
def test_every_list_of_the_sample_is_read():
    book = read_workbook(SAMPLE)
    assert sorted(book.sheets) == list(range(1, 12))
    for number, sheet in book.sheets.items():
        assert not [c.header for c in sheet.missing if c.required], number
        assert len(sheet.rows) >= 5


@needs_sample
def test_sample_formulas_and_na_are_warnings_with_sheet_row_and_column():
    result = compute_annex_a(SAMPLE, load_catalogue(), dt.date(2021, 3, 31))
    assert not [p for p in result.problems if p.is_error]
    texts = [str(p) for p in result.warnings]
    # "#N/A" left in List 6's team and worker columns, formulas such as =K2+5 in Lists 10 and 11
    na = "sample-annex-a.xlsx, sheet 'List 6', row 2, column 'Allocated Team' (cell M2): the cell"
    assert any(t.startswith(f"{na} holds an Excel error") for t in texts)
    assert any(t.startswith("sample-annex-a.xlsx, sheet 'List 10', row 2, column 'Date Placed "
                            "for Adoption' (cell L2): the cell holds a formula ('=K2+5')")
               for t in texts)  # fmt: skip
    assert any("sheet 'List 11', row 6, column 'Date Stage 1 started' (cell H6): the cell holds "
               "a formula" in t for t in texts)  # fmt: skip
    assert all(p.row is not None and p.column for p in result.warnings)
    # List 10: 5 rows x 5 date columns hold formulas, plus one more in row 4 (26 cells);
    # List 6: '#N/A' in the team and worker of all 5 rows (10 cells)
    left = {(i["sheet"], i["problem"]): 0 for i in result.left_out()}
    for item in result.left_out():
        left[(item["sheet"], item["problem"])] += item["cells"]
    assert left[("List 10", "a formula instead of a value")] == 26
    assert left[("List 6", "an Excel error such as #N/A")] == 10
    # figures from the sample's lists, e.g. its five contacts on 16 September 2020
    figures = result.figures.set_index(["measure_id", "period"])["value"]
    assert figures[("csc_contacts", "2020-09")] == 5
    assert figures[("reref_12m", "2020-09")] == 50.0  # 3 of its 6 referrals had an earlier one


@needs_sample
def test_no_message_names_a_child_or_worker(tmp_path):
    secrets = identifying_values(SAMPLE)
    assert "9212044" in secrets and "Dustin Hazlett" in secrets  # the check can fail
    result = CliRunner().invoke(
        app, ["annex-a", str(SAMPLE), "--extracted", "2021-03-31", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    for text in (result.output, written):
        leaked = [s for s in secrets if s in text]
        assert not leaked, leaked


def test_demo_workbook_gives_figures_close_to_the_demo_extracts():
    result = compute_annex_a(DEMO, load_catalogue(), dt.date(2026, 11, 1))
    assert not [p for p in result.problems if p.is_error]
    annex = result.figures.set_index(["measure_id", "period"])
    demo = pd.concat(
        pd.read_csv(p, encoding="utf-8-sig")
        for p in sorted((ROOT / "data" / "extracts").glob("*/social_care_scorecard_*.csv"))
    ).drop_duplicates(["measure_id", "period"], keep="last")
    demo = demo.set_index(["measure_id", "period"])
    assert len(annex) > 140 and annex.index.get_level_values(0).nunique() == 22
    catalogue = load_catalogue()
    for (measure, period), (value, _, denominator) in annex.iterrows():
        expected, demo_denominator = demo.loc[(measure, period), ["value", "denominator"]]
        if measure == "cla_review_timely":  # the demo's October dip (an outlier) is not copied
            expected = 94.0
        if catalogue[measure].unit == "percent":
            # both figures are binomial draws around one level: within 3 standard errors of
            # their difference (plus rounding)
            p = min(max((expected + value) / 200, 0.02), 0.98)
            spread = (p * (1 - p) * (1 / denominator + 1 / demo_denominator)) ** 0.5
            allowed = 300 * spread + 0.5
        else:  # counts, rates and the median within 10%
            allowed = 0.1 * expected
        assert abs(value - expected) <= allowed, (measure, period, value, expected)
    assert identifying_values(DEMO).isdisjoint(str(p) for p in result.problems)
