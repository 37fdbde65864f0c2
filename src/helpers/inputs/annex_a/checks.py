"""Row checks on an Annex A workbook: each problem located, and errors told from warnings.

The rule for which is which: an **error** is something a person must correct in the case
management system before the figures can be trusted, because using or dropping the row would
quietly change a figure; a **warning** is an export artefact or a gap the rule can work round
by leaving the row out (it is counted, and the count is printed and kept with the extract).
Problems in lists no measure uses are always warnings. See the package docstring for the table.

No message quotes a child id, a name, a worker, a team or a date of birth: only dates, codes
and counts (columns.QUOTABLE), with the sheet, row, column and cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.inputs.annex_a.columns import LISTS, Column, ListSpec
from helpers.inputs.annex_a.values import (
    CellProblem,
    artefact,
    is_blank,
    read_activity,
    read_count,
    read_date,
    read_suitable,
    read_yes_no,
)
from helpers.inputs.annex_a.workbook import Sheet, Workbook
from helpers.inputs.problems import Problem

CODE_READERS: dict[str, tuple[Callable[[object], Any], str]] = {
    "nfa": (read_yes_no, "Yes or No (with or without the list letter, e.g. 'a) Yes', 'Y')"),
    "suitable": (read_suitable, "Suitable or Unsuitable (e.g. 'a) Suitable')"),
    "activity": (read_activity, "an activity code such as 'F1: Full time in higher education'"),
}
#: Blank cells that leave the row out of the figures that need them (others mean "none yet").
BLANK_LEAVES_OUT = {
    (1, "contact_date"),
    (3, "referral_date"),
    (3, "previous_12m"),
    (4, "start"),
    (5, "strategy"),
    (7, "start"),
    (7, "previous"),
    (8, "start"),
    (9, "dob"),
}
_ARTEFACT_WORDS = {"formula": "a formula", "excel_error": "an Excel error"}


def shown_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class Checked:
    """The lists as typed tables (no identifying columns kept but the child id) and problems."""

    tables: dict[int, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class _Out:
    def __init__(self, workbook: Workbook, sheet: Sheet, used: bool):
        self.where = f"{workbook.path.name}, sheet '{sheet.name}'"
        self.sheet = sheet
        self.used = used
        self.problems: list[Problem] = []

    def add(
        self,
        row: int | None,
        key: str | None,
        message: str,
        fix: str,
        error: bool,
        header: str | None = None,
    ) -> None:
        column = header or (self.sheet.header(key) if key else None)
        cell = self.sheet.cell(key, row) if key and row else None
        severity = "error" if error and self.used else "warning"
        if severity == "warning" and error:
            fix += " No measure uses this list, so it does not stop the figures."
        self.problems.append(Problem(self.where, row, column, None, message, fix, severity, cell))


def _quote(column: Column, text: str) -> str:
    return f" ('{text}')" if column.quotable and text else ""


def _read_cell(
    out: _Out, spec: ListSpec, column: Column, row: int, raw: Any, extracted: dt.date
) -> tuple[Any, bool]:
    """The typed value and whether the row must be left out of figures needing this column."""
    key = column.key
    if column.kind == "private":  # never read; formulas in it are reported by the scan
        return None, False
    blank_leaves_out = (spec.number, key) in BLANK_LEAVES_OUT
    if is_blank(raw):
        if blank_leaves_out:
            out.add(
                row,
                key,
                "the cell is blank, so the row is left out of the figures that need it.",
                "Fill it in the case management system and export again.",
                error=False,
            )
        return None, blank_leaves_out
    kind = artefact(raw)
    if kind:
        text = str(raw).strip()[:30]
        what = {"date": "a date", "dob": "a date", "count": "a number", "code": "a code"}
        out.add(
            row,
            key,
            f"the cell holds {_ARTEFACT_WORDS[kind]}{_quote(column, text)} instead of "
            f"{what.get(column.kind, 'a value')}; the export left it uncalculated, so the row is "
            "left out of the figures that need it.",
            "Export the list again with values rather than formulas.",
            error=False,
        )
        return None, True
    if column.kind == "id":
        return (
            str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
        ), False
    try:
        if column.kind in ("date", "dob"):
            value = read_date(raw)
            if value is not None and value > extracted:
                shown = f" {shown_date(value)}" if column.quotable else ""
                out.add(
                    row,
                    key,
                    f"the date{shown} is after the extraction date ({shown_date(extracted)}).",
                    "Check the date, or give the workbook's real extraction date with "
                    "--extracted YYYY-MM-DD.",
                    error=column.kind == "date",
                )
                return None, True
            return value, False
        if column.kind == "count":
            return read_count(raw), False
        reader = CODE_READERS.get(key)
        return (reader[0](raw) if reader else str(raw).strip()), False
    except CellProblem as problem:
        return _cell_problem(out, column, row, problem), True


def _cell_problem(out: _Out, column: Column, row: int, problem: CellProblem) -> None:
    shown = _quote(column, problem.shown)
    if column.kind == "dob":
        out.add(
            row,
            column.key,
            "the date of birth is not a date we can read, so the row is left out of figures "
            "by age.",
            "Correct it in the case management system.",
            error=False,
        )
    elif problem.kind in ("unreadable", "impossible") and column.kind == "date":
        what = "not a real date" if problem.kind == "impossible" else "not a date we can read"
        out.add(
            row,
            column.key,
            f"the cell{shown} is {what}.",
            "Write it as a date, e.g. 16/09/2026 (UK order), or as an Excel date.",
            error=True,
        )
    elif column.kind == "count":
        out.add(
            row,
            column.key,
            f"the cell{shown} is not a whole number of 0 or more.",
            "Write the count as a number, e.g. 0, 1 or 2.",
            error=True,
        )
    else:
        expected = CODE_READERS[column.key][1] if column.key in CODE_READERS else "a known code"
        out.add(
            row,
            column.key,
            f"the cell{shown} is not a code we know.",
            f"Use {expected}.",
            error=True,
        )


def _scan_other_cells(out: _Out, sheet: Sheet, row: int, values: tuple[Any, ...]) -> None:
    """Formulas and Excel errors in columns the rules do not read (reported, never quoted)."""
    read = {i for k, i in sheet.columns.items() if sheet.spec.column(k).kind != "private"}
    for index, raw in enumerate(values):
        if index in read:
            continue
        kind = artefact(raw)
        if kind:
            header = sheet.headers[index] if index < len(sheet.headers) else f"column {index + 1}"
            out.problems.append(
                Problem(
                    out.where,
                    row,
                    header or f"column {index + 1}",
                    None,
                    f"the cell holds {_ARTEFACT_WORDS[kind]} instead of a value.",
                    "No measure uses this column, so nothing is left out; export values, not "
                    "formulas, to keep the workbook clean.",
                    "warning",
                    f"{_letter(index)}{row}",
                )
            )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _check_sheet(
    workbook: Workbook, sheet: Sheet, used: bool, extracted: dt.date
) -> tuple[pd.DataFrame, list[Problem]]:
    spec = sheet.spec
    out = _Out(workbook, sheet, used)
    for column in sheet.missing:
        if column.required:
            out.add(
                None,
                None,
                f"no column for '{column.header}' (looked for that header, allowing for case, "
                "spacing, punctuation and small wording differences).",
                "Add the column, or rename its header to the Annex A wording.",
                error=True,
                header=column.header,
            )
    if used and any(c.required for c in sheet.missing):
        return pd.DataFrame(), out.problems
    keys = [c.key for c in spec.columns if c.key in sheet.columns]
    records: list[dict[str, Any]] = []
    for row, values in sheet.rows:
        record: dict[str, Any] = {"row": row}
        for key in keys:
            column = spec.column(key)
            index = sheet.columns[key]
            raw = values[index] if index < len(values) else None
            value, bad = _read_cell(out, spec, column, row, raw, extracted)
            record[key] = value
            if bad:
                record[f"bad_{key}"] = True
        _scan_other_cells(out, sheet, row, values)
        for later, earlier in spec.order:
            a, b = record.get(later), record.get(earlier)
            if isinstance(a, dt.date) and isinstance(b, dt.date) and a < b:
                out.add(
                    row,
                    later,
                    f"the {sheet.header(later)} ({shown_date(a)}) is before the "
                    f"{sheet.header(earlier)} ({shown_date(b)}).",
                    "Correct whichever date is wrong in the case management system and export "
                    "again.",
                    error=True,
                )
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    for key in keys:
        flag = f"bad_{key}"
        frame[flag] = frame[flag].fillna(False).astype(bool) if flag in frame else False
        if key not in frame:
            frame[key] = None
        if spec.column(key).kind in ("date", "dob"):
            frame[key] = pd.to_datetime(frame[key])
    if not frame.empty and spec.event and "child_id" in frame and spec.event in frame:
        frame = _duplicates(frame, sheet, out)
    return frame, out.problems


def _duplicates(frame: pd.DataFrame, sheet: Sheet, out: _Out) -> pd.DataFrame:
    """The same child and event date twice: the later row is left out of every figure."""
    event = sheet.spec.event
    usable = frame["child_id"].notna() & frame[event].notna()
    keyed = frame[usable]
    repeated = keyed.duplicated(["child_id", event], keep="first")
    if not repeated.any():
        return frame
    first_rows = keyed.groupby(["child_id", event])["row"].transform("min")
    for index in keyed.index[repeated]:
        out.add(
            int(frame.at[index, "row"]),
            event,
            f"the same child and {sheet.header(event)} "
            f"({shown_date(frame.at[index, event].date())}) as row {int(first_rows[index])}; "
            "this row is left out.",
            "Remove the repeated row from the export.",
            error=False,
        )
    return frame.drop(index=keyed.index[repeated])


def check_workbook(workbook: Workbook, used: set[int], extracted: dt.date) -> Checked:
    """Every list's typed table and every problem, errors and warnings, in sheet order."""
    checked = Checked()
    where = workbook.path.name
    for number, names in workbook.duplicates.items():
        shown = ", ".join(f"'{n}'" for n in names)
        checked.problems.append(
            Problem(
                where,
                None,
                None,
                None,
                f"more than one sheet looks like List {number}: {shown}.",
                "Keep one sheet per list (rename or delete the others).",
                "error" if number in used else "warning",
            )
        )
    for number, spec in LISTS.items():
        sheet = workbook.sheets.get(number)
        if sheet is None:
            checked.problems.append(
                Problem(
                    where,
                    None,
                    None,
                    None,
                    f"no sheet for List {number} ({spec.title}): looked for a sheet named "
                    f"like '{spec.sheet}'.",
                    "Add the list, or rename its sheet 'List N'."
                    + ("" if number in used else " No measure uses it, so this is only noted."),
                    "error" if number in used else "warning",
                )
            )
            continue
        frame, problems = _check_sheet(workbook, sheet, number in used, extracted)
        checked.tables[number] = frame
        checked.problems.extend(problems)
    return checked
