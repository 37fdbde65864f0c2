"""Checking extracts before anything is stored: every problem in a file, said once, with the fix.

A file is all-or-nothing, so a person fixing it needs the whole list at once, each entry
naming the file, row and column (and, for workbooks, the cell) and saying how to fix it.
Errors block loading; warnings (an extra column, a measure from another scorecard) do not.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.inputs.catalogue import Catalogue, Measure, load_catalogue
from helpers.inputs.extracts import Extract, ExtractError, Issue, find_extracts, read_extract
from helpers.inputs.problems import Problem
from helpers.periods import current_month

#: Value consistency with numerator/denominator: figures are published to one decimal place.
ABSOLUTE_TOLERANCE = 0.05
RELATIVE_TOLERANCE = 0.001


@dataclass
class CheckedFile:
    """A file's reading (None if unreadable) and all its problems."""

    path: Path
    extract: Extract | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.extract is not None and not any(p.is_error for p in self.problems)


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):  # outside the current folder, or the folder is gone
        return str(path)


def file_scorecard(path: Path) -> str | None:
    """Which scorecard a file carries, from its name (see the extract contract)."""
    name = Path(path).name.lower()
    for kind in ("early_help", "workforce", "social_care"):
        if kind in name:
            return kind
    return None


def _belongs(measure: Measure, kind: str) -> bool:
    if kind == "early_help":
        return measure.scorecard == "early_help"
    if kind == "workforce":
        return measure.theme == "workforce"
    return measure.scorecard == "social_care" and measure.theme != "workforce"


def _resolve_catalogue(catalogue: Catalogue | Path | str | None) -> Catalogue:
    if isinstance(catalogue, Catalogue):
        return catalogue
    return load_catalogue(Path(catalogue) if catalogue else None)


class _Collector:
    """Problems for one file, each said once (wide rows would otherwise repeat per month)."""

    def __init__(self, path: Path, kind: str):
        self.file = display_path(path)
        self.kind = kind
        self.problems: list[Problem] = []
        self._seen: set[tuple[object, ...]] = set()

    def add(
        self,
        message: str,
        fix: str,
        *,
        row: int | None = None,
        column: str | None = None,
        cell: str | None = None,
        measure_id: str | None = None,
        severity: str = "error",
    ) -> None:
        column, cell = _text(column), _text(cell)
        key = (row, column, message)
        if key in self._seen:
            return
        self._seen.add(key)
        shown_cell = cell if self.kind == "xlsx" else None
        self.problems.append(
            Problem(self.file, row, column, measure_id, message, fix, severity, shown_cell)
        )

    def issue(self, issue: Issue) -> None:
        self.add(
            issue.message,
            issue.fix,
            row=issue.row,
            column=issue.column,
            cell=issue.cell,
            measure_id=issue.measure_id,
            severity=issue.severity,
        )


def _fmt(number: float) -> str:
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def check_file(
    path: Path | str, catalogue: Catalogue | Path | str | None = None, today: dt.date | None = None
) -> CheckedFile:
    """Read and check one file; the reading is kept so loading does not read it twice."""
    path = Path(path)
    catalogue = _resolve_catalogue(catalogue)
    kind = "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"
    out = _Collector(path, kind)
    try:
        extract = read_extract(path)
    except ExtractError as exc:
        for issue in exc.issues:
            out.issue(issue)
        return CheckedFile(path, None, out.problems)
    for issue in extract.issues:
        out.issue(issue)
    _check_rows(extract, catalogue, current_month(today), out)
    out.problems.sort(key=lambda p: (p.row or 0, p.severity != "error"))
    return CheckedFile(path, extract, out.problems)


def _check_rows(
    extract: Extract, catalogue: Catalogue, this_month: pd.Period, out: _Collector
) -> None:
    scorecard = file_scorecard(extract.path)
    first_row: dict[tuple[str, str], int] = {}
    wrong_scorecard: set[str] = set()
    ids = list(catalogue.measures)
    lower_ids = {i.lower(): i for i in ids}
    latest = this_month.strftime("%Y-%m")
    for rec in extract.frame.itertuples(index=False):
        measure_id, period, row = _text(rec.measure_id), _text(rec.period), rec.row
        id_column = "measure_id"
        if measure_id is not None and measure_id not in catalogue.measures:
            close = lower_ids.get(measure_id.lower()) or next(
                iter(difflib.get_close_matches(measure_id, ids, n=1, cutoff=0.6)), None
            )
            fix = (
                f"Did you mean '{close}'? Use the id exactly as in the catalogue."
                if close
                else "Correct the id, or add the measure to data/measures.yml first."
            )
            out.add(
                f"the measure '{measure_id}' is not in the catalogue.",
                fix,
                row=row,
                column=id_column,
                measure_id=measure_id,
            )
        if period is not None and period > latest:
            out.add(
                f"the period {period} is after the current month ({latest}).",
                "Check the year and month: figures cannot be for a month that has not happened.",
                row=row,
                column=rec.period_column,
                cell=rec.period_cell,
                measure_id=measure_id,
            )
        if measure_id is not None and period is not None:
            key = (measure_id, period)
            if key in first_row and first_row[key] != row:
                message = (
                    f"'{measure_id}' for {period} is given twice (first on row {first_row[key]})."
                    if extract.layout == "long"
                    else f"'{measure_id}' is listed twice (first on row {first_row[key]})."
                )
                out.add(
                    message,
                    "Keep one row per measure and month; delete the other.",
                    row=row,
                    column=id_column if extract.layout == "wide" else None,
                    measure_id=measure_id,
                )
            first_row.setdefault(key, row)
        if is_missing(rec.value) and is_missing_raw(rec.value_raw):
            out.add(
                f"the value for '{measure_id}' {period or ''} is blank.".replace("  ", " "),
                "Fill in the figure, or delete the row if there is none this month.",
                row=row,
                column=rec.value_column,
                cell=rec.value_cell,
                measure_id=measure_id,
            )
        _check_figures(rec, out)
        measure = catalogue.measures.get(measure_id) if measure_id else None
        if measure is None:
            continue
        if scorecard and not _belongs(measure, scorecard) and measure_id not in wrong_scorecard:
            wrong_scorecard.add(measure_id)
            out.add(
                f"'{measure_id}' ({measure.theme} theme, {measure.scorecard} scorecard) "
                f"is not expected in a {scorecard} file.",
                "It is loaded anyway; check it was not pasted into the wrong extract.",
                row=row,
                column=id_column,
                measure_id=measure_id,
                severity="warning",
            )
        _check_measure(rec, measure, out)


def _text(value: object) -> str | None:
    """Text cells of the tidy frame (pandas may hold a missing one as NaN)."""
    return value if isinstance(value, str) else None


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def is_missing_raw(raw: object) -> bool:
    return is_missing(raw) or (isinstance(raw, str) and not raw.strip())


def _check_figures(rec: object, out: _Collector) -> None:
    for name in ("value", "numerator", "denominator"):
        number = getattr(rec, name)
        if not is_missing(number) and number < 0:
            out.add(
                f"the {name} {_fmt(number)} for '{rec.measure_id}' is negative.",
                "Counts, rates and percentages cannot be below zero; check the sign.",
                row=rec.row,
                column=getattr(rec, f"{name}_column"),
                cell=getattr(rec, f"{name}_cell"),
                measure_id=rec.measure_id,
            )


def _check_measure(rec: object, measure: Measure, out: _Collector) -> None:
    value, num, den = rec.value, rec.numerator, rec.denominator
    where = {"row": rec.row, "measure_id": measure.id}
    value_at = {"column": rec.value_column, "cell": rec.value_cell}
    if bool(rec.value_percent_cell) and measure.unit != "percent":
        out.add(
            f"the cell is formatted as a percentage (shows {_fmt(value)}%) but '{measure.id}' "
            f"is a {measure.unit.replace('_', ' ')} measure.",
            "Format the cell as a plain number so the figure is read as typed.",
            **where,
            **value_at,
        )
        return
    if measure.unit == "percent" and not is_missing(value) and not 0 <= value <= 100:
        out.add(
            f"the percentage {_fmt(value)} for '{measure.id}' is outside 0-100.",
            "Write percentages as 0 to 100 (63.5 or 63.5%).",
            **where,
            **value_at,
        )
    has_num, has_den = not is_missing(num), not is_missing(den)
    fraction = measure.unit == "percent" and not is_missing(value) and 0 < value < 1
    if fraction and not (has_num or has_den) and not bool(rec.value_percent_cell):
        out.add(
            f"the percentage {_fmt(value)} for '{measure.id}' looks like a fraction "
            f"({_fmt(value * 100)}%?).",
            "Write percentages on the 0-100 scale (63.5 or 63.5%); ignore this if it is "
            "really under 1%.",
            severity="warning",
            **where,
            **value_at,
        )
    if has_num != has_den:
        given, blank = ("numerator", "denominator") if has_num else ("denominator", "numerator")
        out.add(
            f"'{measure.id}' has a {given} but no {blank}, so the value cannot be checked.",
            f"Give both or neither; fill in the {blank}.",
            column=getattr(rec, f"{blank}_column"),
            cell=getattr(rec, f"{blank}_cell"),
            severity="warning",
            **where,
        )
    if not (has_num and has_den) or num < 0 or den < 0:
        return
    if measure.unit == "percent" and num > den:
        out.add(
            f"the numerator {_fmt(num)} for '{measure.id}' is larger than "
            f"the denominator {_fmt(den)}.",
            "A percentage's numerator is part of its denominator; check the two are not swapped.",
            column=rec.numerator_column,
            cell=rec.numerator_cell,
            **where,
        )
        return
    if den == 0:
        if num != 0 or not is_missing(value):
            out.add(
                f"the denominator for '{measure.id}' is 0, so there is no {measure.unit} to give.",
                "Leave value, numerator and denominator blank when nothing was counted.",
                column=rec.denominator_column,
                cell=rec.denominator_cell,
                **where,
            )
        return
    if is_missing(value):
        return
    expected = num / den * measure.multiplier
    if abs(value - expected) > ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * abs(value):
        scale = {100.0: " x 100", 10_000.0: " x 10,000"}.get(measure.multiplier, "")
        out.add(
            f"the value {_fmt(value)} for '{measure.id}' does not match numerator/denominator "
            f"{_fmt(num)}/{_fmt(den)}{scale} = {_fmt(expected)}.",
            "Correct whichever of the three is wrong.",
            **where,
            **value_at,
        )


def check_paths(
    paths: Iterable[Path | str],
    catalogue: Catalogue | Path | str | None = None,
    today: dt.date | None = None,
) -> list[CheckedFile]:
    """Check every extract under the paths (folders expanded, in period order)."""
    catalogue = _resolve_catalogue(catalogue)
    checked = []
    for path in find_extracts(paths):
        if path.is_dir():
            problem = Problem(
                display_path(path),
                None,
                None,
                None,
                "the folder holds no CSV or XLSX extracts.",
                "Put the month's extracts in it, or give the right folder.",
            )
            checked.append(CheckedFile(path, None, [problem]))
        else:
            checked.append(check_file(path, catalogue, today))
    return checked


def validate_file(
    path: Path | str, catalogue: Catalogue | Path | str | None = None, today: dt.date | None = None
) -> list[Problem]:
    """Every problem in one extract (errors and warnings), in row order."""
    return check_file(path, catalogue, today).problems


def validate_paths(
    paths: Iterable[Path | str],
    catalogue: Catalogue | Path | str | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """Every problem in every extract under the paths (folders expanded)."""
    return [p for checked in check_paths(paths, catalogue, today) for p in checked.problems]
