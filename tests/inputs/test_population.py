"""The council's population for Annex A rates: read from data/population.csv, or a clear stop.

A council whose population.csv has no rows (tracker init could not find it in the published
figures) must be told which file to fill, not get a traceback or rates over a wrong population.
"""

from __future__ import annotations

import pandas as pd
import pytest
from annex_a_files import d, write_annex_a
from typer.testing import CliRunner

from helpers.cli import app
from helpers.inputs.annex_a.compute import compute_annex_a
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.population import COLUMNS, Estimate, PopulationError, council_csv

REFERRALS = {3: [{"referral_date": d("2025-10-31"), "nfa": "No", "previous_12m": 0}]}


def project_with(tmp_path, population_text: str | None):
    data = tmp_path / "project" / "data"
    data.mkdir(parents=True)
    if population_text is not None:
        (data / "population.csv").write_text(population_text, encoding="utf-8")
    return tmp_path / "project"


@pytest.mark.parametrize("text", [",".join(COLUMNS) + "\n", None], ids=["header only", "absent"])
def test_a_rate_without_population_names_the_file(tmp_path, text) -> None:
    root = project_with(tmp_path, text)
    book = write_annex_a(tmp_path / "annex.xlsx", REFERRALS)
    with pytest.raises(PopulationError) as caught:
        compute_annex_a(book, load_catalogue(), d("2026-11-01"), pd.Period("2026-09", "M"), root)
    message = str(caught.value)
    assert str(root / "data" / "population.csv") in message
    assert "population_0_17" in message and "mid-year" in message


def test_the_councils_own_population_is_used(tmp_path) -> None:
    text = council_csv([Estimate(2024, 20_000)], "Somewhere", "E06000099")
    root = project_with(tmp_path, text)
    book = write_annex_a(tmp_path / "annex.xlsx", REFERRALS)
    result = compute_annex_a(
        book, load_catalogue(), d("2026-11-01"), pd.Period("2026-09", "M"), root
    )
    rate = result.figures.set_index(["measure_id", "period"]).loc[("ref_rate", "2026-09")]
    # One referral in the 12 months to September 2026 over 20,000 children: 0.5 per 10,000.
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (1, 20_000, 0.5)


def test_the_command_stops_with_the_file_to_fill(tmp_path, monkeypatch) -> None:
    root = project_with(tmp_path, ",".join(COLUMNS) + "\n")
    book = write_annex_a(tmp_path / "annex.xlsx", REFERRALS)
    catalogue = load_catalogue()  # the repository's, read before TRACKER_HOME points elsewhere
    assert catalogue.path is not None
    monkeypatch.setenv("TRACKER_HOME", str(root))
    args = ["annex-a", str(book), "--extracted", "2026-11-01", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, [*args, "--catalogue", str(catalogue.path)])
    assert result.exit_code == 2, result.output
    assert "Nothing was written or loaded" in result.output
    assert "population.csv" in result.output
    assert not (tmp_path / "out").exists()
