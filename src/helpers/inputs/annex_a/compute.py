"""From an Annex A workbook to the month's figures: read, check, apply each measure's rule.

The result holds only monthly aggregates (measure, month, value, numerator, denominator),
the problems found (located, never quoting a child's details) and the notes on months left
out. Nothing here writes a file or the store; helpers.inputs.annex_a.output does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.inputs.annex_a.checks import check_workbook
from helpers.inputs.annex_a.rules import COMPUTE, Context
from helpers.inputs.annex_a.workbook import read_workbook
from helpers.inputs.catalogue import Catalogue
from helpers.inputs.population import PopulationError, missing_message, population_path
from helpers.inputs.problems import Problem

COLUMNS = ["measure_id", "period", "value", "numerator", "denominator"]


class AnnexAError(Exception):
    """The workbook has errors: nothing was written or loaded. `problems` holds them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} error(s) in the Annex A workbook; nothing was written.")


@dataclass
class AnnexAResult:
    extracted: dt.date
    months: list[str]
    figures: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def left_out(self) -> list[dict[str, object]]:
        """Warnings counted by sheet, column and kind of problem (what the data notes show)."""
        counts = Counter(
            (p.file.split("sheet ", 1)[-1].strip("'"), p.column or "", _kind(p.message))
            for p in self.warnings
            if p.row is not None  # cells, not a list that is absent
        )
        return [
            {"sheet": s, "column": c, "problem": k, "cells": n}
            for (s, c, k), n in sorted(counts.items())
        ]


def _kind(message: str) -> str:
    for words, kind in (
        ("a formula", "a formula instead of a value"),
        ("an Excel error", "an Excel error such as #N/A"),
        ("is blank", "blank"),
        ("the same child", "a repeated child and date"),
        ("no sheet for", "no sheet"),
        ("no column for", "no column"),
        ("after the extraction date", "a date after the extraction date"),
        ("date of birth", "an unreadable date of birth"),
    ):
        if words in message:
            return kind
    return "other"


def months_between(first: pd.Period, extracted: dt.date) -> list[pd.Period]:
    """The whole months from `first` to the month before the extraction month."""
    last = pd.Period(extracted, "M") - 1
    return list(pd.period_range(first, last, freq="M")) if first <= last else []


def population_table(root: Path | None = None) -> pd.DataFrame:
    """data/population.csv (no rows when the file is absent: see population_for)."""
    columns = ["mid_year", "population_0_17", "used_for_year_ending_march"]
    path = population_path(root)
    if not path.exists():
        return pd.DataFrame(columns=columns)
    return pd.read_csv(path, usecols=columns)


def population_for(table: pd.DataFrame, path: Path | None = None):
    """Children aged 0-17 for a month: April Y to March Y+1 use the mid-Y estimate (the latest
    estimate is carried forward, the earliest carried back). With no estimates, a rate stops
    everything with the file to fill in (PopulationError)."""
    by_year = dict(zip(table["used_for_year_ending_march"], table["population_0_17"], strict=True))

    def population(month: pd.Period) -> int:
        if not by_year:
            raise PopulationError(missing_message(path or population_path()))
        year_ending = month.year + 1 if month.month >= 4 else month.year
        year = min(max(year_ending, min(by_year)), max(by_year))
        return int(by_year[year])

    return population


def compute_annex_a(
    workbook: Path | str,
    catalogue: Catalogue,
    extracted: dt.date,
    first_month: pd.Period | None = None,
    root: Path | None = None,
) -> AnnexAResult:
    """Every Annex A measure in the catalogue for each whole month; AnnexAError on errors."""
    measures = [m for m in catalogue.measures.values() if m.annex_a is not None]
    used = {m.annex_a.list for m in measures if m.annex_a is not None}
    first = first_month or pd.Period(extracted, "M") - 12
    months = months_between(first, extracted)
    book = read_workbook(workbook)
    checked = check_workbook(book, used, extracted)
    if checked.errors or not months:
        problems = checked.problems
        if not months:
            problems = [
                *problems,
                Problem(
                    str(workbook), None, None, None,
                    f"--from {first} leaves no whole month before the extraction month "
                    f"({pd.Period(extracted, 'M')}).",
                    "Give an earlier --from month.",
                ),
            ]  # fmt: skip
        raise AnnexAError(problems)
    people = population_for(population_table(root), population_path(root))
    context = Context(checked.tables, months, extracted, people)
    rows, notes = [], []
    for measure in measures:
        outcome = COMPUTE[measure.annex_a.rule](context)
        notes.extend(f"{measure.id}: {note}" for note in outcome.notes)
        for figure in outcome.figures:
            rows.append(
                (measure.id, figure.period, figure.value, figure.numerator, figure.denominator)
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return AnnexAResult(extracted, [str(m) for m in months], frame, checked.problems, notes)
