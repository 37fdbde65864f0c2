"""Opening an Annex A workbook: its sheets found by name, its columns matched by meaning.

Sheets are found however they are spelt ('List 1', 'list1', 'LIST_01 Contacts'). Within a
sheet the header row is the first of the top ten rows that names the list's columns, and each
column is matched to its meaning tolerating case, spacing, punctuation, word order and small
wording differences, but never to a column that means something else ('Date of Birth' is not
'Date of Contact'). The workbook is read once, in read-only mode, formulas as written (so a
formula left in a cell is seen, not its cached value).
"""

from __future__ import annotations

import difflib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from helpers.inputs.annex_a.columns import LISTS, Column, ListSpec, fold, list_number, words

HEADER_SEARCH_ROWS = 10
#: How alike two headers must be (difflib ratio on the folded text) for a loose match.
CLOSE_ENOUGH = 0.88


class WorkbookError(Exception):
    """The workbook cannot be read at all (missing, not XLSX, corrupt)."""


@dataclass
class Sheet:
    """One list as read: which sheet, where each matched column is, and its data rows."""

    spec: ListSpec
    name: str
    header_row: int
    columns: dict[str, int]  # key -> 0-based column index
    headers: list[str]
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # (sheet row, cells)
    missing: list[Column] = field(default_factory=list)

    def cell(self, key: str, row: int) -> str:
        return f"{get_column_letter(self.columns[key] + 1)}{row}"

    def header(self, key: str) -> str:
        return self.headers[self.columns[key]]


@dataclass
class Workbook:
    path: Path
    sheets: dict[int, Sheet]
    duplicates: dict[int, list[str]]  # list number -> sheet names, when more than one matched
    unmatched: list[str]  # sheets that are not a list


def _score(header: str, column: Column) -> float:
    """1 for the same words, else how alike the folded text is (0 when under CLOSE_ENOUGH)."""
    best = 0.0
    for name in (column.header, *column.aliases):
        if fold(header) == fold(name) or words(header) == words(name):
            return 1.0
        ratio = difflib.SequenceMatcher(None, fold(header), fold(name)).ratio()
        if ratio >= CLOSE_ENOUGH:
            best = max(best, ratio)
    return best


def match_columns(headers: list[str], spec: ListSpec) -> tuple[dict[str, int], list[Column]]:
    """Each column key -> its header's index (best matches first, one header per key)."""
    candidates = []
    for index, header in enumerate(headers):
        if not header:
            continue
        for column in spec.columns:
            score = _score(header, column)
            if score:
                candidates.append((score, index, column.key))
    found: dict[str, int] = {}
    taken: set[int] = set()
    for _, index, key in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if key not in found and index not in taken:
            found[key] = index
            taken.add(index)
    missing = [c for c in spec.columns if c.key not in found]
    return found, missing


def _text(value: Any) -> str:
    return "" if value is None else str(value).replace("\u00a0", " ").strip()


def _read_sheet(ws: Any, spec: ListSpec) -> Sheet:
    rows = ws.iter_rows(values_only=True)
    head: list[tuple[int, tuple[Any, ...]]] = []
    best: tuple[int, int, dict[str, int], list[Column], list[str]] | None = None
    for number, values in enumerate(rows, start=1):
        head.append((number, values))
        headers = [_text(v) for v in values]
        found, missing = match_columns(headers, spec)
        if best is None or len(found) > best[0]:
            best = (len(found), number, found, missing, headers)
        if not [c for c in missing if c.required] or number >= HEADER_SEARCH_ROWS:
            break
    if best is None:  # an empty sheet
        return Sheet(spec, ws.title, 1, {}, [], [], [c for c in spec.columns])
    _, header_row, found, missing, headers = best
    sheet = Sheet(spec, ws.title, header_row, found, headers, missing=missing)
    data = [(n, v) for n, v in head if n > header_row]
    sheet.rows = [(n, v) for n, v in data if any(not _blank(x) for x in v)]
    for number, values in enumerate(rows, start=len(head) + 1):
        if any(not _blank(x) for x in values):
            sheet.rows.append((number, values))
    return sheet


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_workbook(path: Path | str) -> Workbook:
    """Find and read every list in the workbook (a list may be absent; the checks say so)."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"{path}: file not found. Check the path.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookError(
            f"{path}: not an Excel workbook (.xlsx). Save the Annex A export as .xlsx."
        )
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise WorkbookError(
            f"{path}: cannot be opened as a workbook ({type(exc).__name__}). "
            "Open it in Excel and save it again as .xlsx."
        ) from None
    try:
        sheets: dict[int, Sheet] = {}
        duplicates: dict[int, list[str]] = {}
        unmatched: list[str] = []
        for ws in wb.worksheets:
            number = list_number(ws.title)
            if number is None:
                unmatched.append(ws.title)
                continue
            if number in sheets:
                duplicates.setdefault(number, [sheets[number].name]).append(ws.title)
                continue
            sheets[number] = _read_sheet(ws, LISTS[number])
    finally:
        wb.close()
    return Workbook(path, sheets, duplicates, unmatched)
