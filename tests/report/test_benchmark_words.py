"""The rank and quartile band in members' words (helpers.report.benchmarks)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pandas as pd

from helpers import paths
from helpers.analysis.benchmarks import council_summary, directions_for, read_table
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.council import load_council
from helpers.report.benchmarks import benchmark_table, compares, ordinal, rank_fact, rank_sentence


def month_for(name: str | None = None) -> SimpleNamespace:
    """What the functions read from a month: the council and its benchmark summary."""
    council = load_council()
    if name:
        council = replace(council, name=name)
    catalogue = load_catalogue()
    summary = council_summary(
        read_table(paths.benchmarks_path()), council, directions_for(catalogue)
    )
    return SimpleNamespace(benchmarks=summary, council=council), catalogue


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd", "111th",
    ]  # fmt: skip


def test_directional_neutral_suppressed_and_national_only() -> None:
    month, catalogue = month_for()
    b = month.benchmarks.set_index(["measure_id", "year"])
    # Re-referrals (lower is better): Rotherham 19.6% in 2025.
    row = b.loc[("reref_12m", 2025)]
    text = rank_sentence(month, catalogue["reref_12m"])
    assert f"ranked {ordinal(row['national_rank'])} of {row['national_ranked']}" in text
    assert "lower is better" in text and f"band {row['quartile_band']}" in text
    # Children in care per 10,000 is neutral: no band, nothing called best.
    text = rank_sentence(month, catalogue["cla_rate"])
    assert "highest" in text and "band" not in text and "no position is called best" in text
    # Rotherham's 2025 share of plans lasting 2 years or more was suppressed (c).
    text = rank_sentence(month, catalogue["cpp_2yr"])
    assert "suppressed to protect confidentiality" in text and "no rank" in text
    assert "left out of the ranking" in text
    assert rank_fact(month, catalogue["cpp_2yr"]) == ""
    # Adoption timeliness is published for England only.
    assert "England only" in rank_sentence(month, catalogue["adopt_entry_to_placed"])


def test_a_council_name_is_data_not_markup() -> None:
    month, catalogue = month_for("Hostile <b>*Borough*</b> [x](y) @ref")
    words = compares(month, catalogue["reref_12m"]) + benchmark_table(month, catalogue["reref_12m"])
    assert "<b>" not in words and "[x](y)" not in words and " @ref" not in words
    assert "\\<b\\>" in words and "\\@ref" in words


def test_table_has_one_number_a_cell() -> None:
    month, catalogue = month_for()
    text = benchmark_table(month, catalogue["reref_12m"])
    header = text.splitlines()[0]
    assert header.split("|")[1:-1] == [
        " Year to 31 March ", " Rotherham ", " England ", " Yorkshire and The Humber ",
        " Similar areas ", " Lowest ", " Highest ", " Rank ", " Ranked ", " Band ",
    ]  # fmt: skip
    assert len([line for line in text.splitlines() if line.startswith("| 20")]) == 8
    assert pd.notna(month.benchmarks["national_rank"]).any()
