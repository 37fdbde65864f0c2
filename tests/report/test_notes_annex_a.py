"""The data notes say which figures came from Annex A, by which rule, and what was left out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from annex_a_files import d, write_annex_a
from typer.testing import CliRunner

from helpers.analysis.month import MonthAnalysis
from helpers.cli import app
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.store import Store
from helpers.report.notes import annex_a


def month_from(store: Path, period: str) -> MonthAnalysis:
    s = Store(store)
    empty = pd.DataFrame()
    return MonthAnalysis(
        period, load_catalogue(), empty, empty, s.observations(), empty, empty, s.loads(), empty,
        empty, empty, [],
    )  # fmt: skip


def test_annex_a_note_names_the_figures_rules_and_rows_left_out(tmp_path):
    lists = {
        1: [{"contact_date": d("2026-10-05")}, {"contact_date": "#N/A"}],
        7: [{"start": d("2026-01-05"), "end": d("2026-10-10"), "previous": 0}],
    }
    book = write_annex_a(tmp_path / "annex.xlsx", lists)
    out = tmp_path / "extracts"
    args = ["annex-a", str(book), "--extracted", "2026-11-01", "--from", "2026-10"]
    assert CliRunner().invoke(app, [*args, "--out", str(out)]).exit_code == 0
    store = tmp_path / "store.duckdb"
    Store(store).load([out / "annex-a-2026-11-01.csv"])
    text = annex_a(month_from(store, "2026-10"), tmp_path)
    assert "computed by the tracker from the council's Annex A lists" in text
    assert (
        "- **Contacts to social care**: List 1 rows whose Date of Contact falls in the month."
        in (text)
    )
    assert "A plan that ends on the month's last day is not counted as open" in text
    assert "had 1 cell(s) the checks warned about" in text
    assert "List 1, Date of Contact: 1 (an Excel error such as" in text
    assert "\n\n- **" in text  # the list starts after a blank line (Pandoc would merge it)
    # a month with no Annex A figure says nothing
    assert annex_a(month_from(store, "2026-09"), tmp_path) == ""
