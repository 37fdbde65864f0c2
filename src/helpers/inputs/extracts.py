"""Reading one monthly extract (CSV or XLSX, long or wide) into a tidy table.

Staff files are read exactly as they arrive: a byte-order mark, Windows line endings,
`12.5%`, `1,234`, Excel percent-formatted cells and Excel dates are all fine. Every figure
keeps the row number and column it came from (CSV: the line in the file, header = row 1;
XLSX: the sheet row), so any problem can point at the cell a person has to fix.

This module only reads and parses. It records what it could not read as `Issue`s and
leaves the rules about what the figures mean to `helpers.inputs.validation`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.periods import PeriodError, parse_period, period_in_name, try_parse_period

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Files a person may drop in the folder expecting them to load: reported, not skipped.
OTHER_TABLE_SUFFIXES = (".xls", ".ods", ".tsv", ".txt")
LONG_REQUIRED = ("measure_id", "period", "value")
LONG_OPTIONAL = ("numerator", "denominator")
TITLE_COLUMNS = ("measure_title", "measure", "title")
HEADER_SEARCH_ROWS = 10

TIDY_COLUMNS = [
    "measure_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "row",
    "period_column",
    "period_cell",
    "value_column",
    "value_cell",
    "numerator_column",
    "numerator_cell",
    "denominator_column",
    "denominator_cell",
    "period_raw",
    "value_raw",
    "value_percent_cell",
]

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_YEARISH = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@dataclass
class Issue:
    """Something in the file that could not be read, located as precisely as possible."""

    message: str
    fix: str
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    measure_id: str | None = None
    severity: str = "error"


class ExtractError(Exception):
    """The file cannot be read as an extract at all (missing, corrupt, no header, ...)."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(f"{i.message} {i.fix}" for i in issues))


class NumberError(ValueError):
    """A cell that should hold a number does not; carries the fix to suggest."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.fix = fix


@dataclass
class Extract:
    """One file read: its tidy figures, what could not be read, and where it came from."""

    path: Path
    kind: str  # "csv" or "xlsx"
    layout: str  # "long" or "wide"
    content_hash: str
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    sheet: str | None = None
    header_row: int = 1

    @property
    def periods(self) -> list[str]:
        """The months the file holds figures for, in order."""
        return sorted(p for p in self.frame["period"].dropna().unique())


@dataclass
class _Cell:
    value: Any
    percent: bool = False


@dataclass
class _Row:
    number: int
    cells: list[_Cell]


def get_column_letter(number: int) -> str:
    """A spreadsheet column's letters from its 1-based number (1 -> A, 27 -> AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def fold_header(name: object) -> str:
    """Headers match case-insensitively, spaces/underscores folded: 'Measure ID' -> measure_id."""
    text = "" if name is None else str(name)
    return re.sub(r"[\s_]+", "_", text.strip().lstrip("\ufeff").strip().lower())


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_number(
    raw: object, *, allow_percent: bool = True, percent_format: bool = False
) -> float | None:
    """A figure from a cell: None when blank, else a float; NumberError saying how to write it.

    `12.5%` and `12.5` are both 12.5 (percent figures are stored 0-100); an Excel cell
    formatted as a percentage holds 0.125 and is multiplied by 100; `1,234` is 1234.
    """
    if is_blank(raw):
        return None
    what = (
        "Write the figure as 12.5 or 12.5%."
        if allow_percent
        else "Write the count as 1234 or 1,234."
    )
    if isinstance(raw, bool):
        raise NumberError(f"{raw!r} is not a number.", what)
    if isinstance(raw, int | float):
        number = float(raw)
        return round(number * 100, 9) if percent_format else number
    if not isinstance(raw, str):
        raise NumberError(f'"{raw}" is not a number.', what)
    text = raw.strip().replace("\u00a0", "")
    if text.startswith("#"):
        raise NumberError(
            f'"{text}" is an Excel error, not a number.', "Fix the formula or type the figure in."
        )
    body = text
    if body.endswith("%"):
        if not allow_percent:
            raise NumberError(f'"{text}" has a % sign but this column holds a count.', what)
        body = body[:-1].strip()
    if _THOUSANDS.match(body):
        body = body.replace(",", "")
    if not _PLAIN_NUMBER.match(body):
        raise NumberError(f'"{text}" is not a number.', what)
    return float(body)


def _fail(message: str, fix: str, **where: Any) -> ExtractError:
    return ExtractError([Issue(message, fix, **where)])


def _csv_rows(path: Path, data: bytes) -> list[_Row]:
    if data.startswith(b"PK\x03\x04"):
        raise _fail(
            "the file is an Excel workbook with a .csv name.",
            "Rename it to .xlsx, or open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}; "
            "probably saved as 'CSV (Comma delimited)' in a Windows code page).",
            "In Excel use Save As > 'CSV UTF-8 (Comma delimited)'.",
            row=line,
        ) from None
    if "\x00" in text:
        raise _fail(
            "the file holds binary data, not CSV text.", "Export the sheet again as CSV UTF-8."
        )
    rows: list[_Row] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for record in reader:
            rows.append(_Row(start, [_Cell(v) for v in record]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _fail(
            f"the CSV cannot be read near line {start} ({exc}).",
            "Check for an unclosed quote mark in that row.",
            row=start,
        ) from None
    return rows


def _sheet_rows(sheet: Any) -> list[_Row]:
    rows: list[_Row] = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        row = []
        for cell in cells:
            value = cell.value
            fmt = getattr(cell, "number_format", None) or ""
            percent = isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt
            row.append(_Cell(value, percent))
        rows.append(_Row(number, row))
    return rows


def _find_header(rows: list[_Row]) -> int | None:
    """Index in `rows` of the header (the first row naming a measure_id column), if any."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(fold_header(c.value) == "measure_id" for c in row.cells):
            return index
    return None


def _xlsx_rows(path: Path, data: bytes) -> tuple[list[_Row], str, list[Issue]]:
    from openpyxl import load_workbook  # only workbooks need it (about 0.2 s to import)
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _fail(
            f"the file is not a readable Excel workbook ({type(exc).__name__}).",
            "Open it in Excel and save it again as an .xlsx workbook, or ask for a fresh extract.",
        ) from None
    try:
        found: list[tuple[str, list[_Row]]] = []
        for sheet in book.worksheets:
            rows = _sheet_rows(sheet)
            if _find_header(rows) is not None:
                found.append((sheet.title, rows))
        names = [s.title for s in book.worksheets]
    finally:
        book.close()
    if not found:
        raise _fail(
            f"no sheet has a 'measure_id' header in its first {HEADER_SEARCH_ROWS} rows "
            f"(sheets: {', '.join(names)}).",
            "Put the figures on one sheet whose header row starts with measure_id.",
        )
    issues = []
    if len(found) > 1:
        others = ", ".join(f"'{name}'" for name, _ in found[1:])
        issues.append(
            Issue(
                f"only sheet '{found[0][0]}' is read; sheet(s) {others} also look like extracts "
                "and are ignored.",
                "Keep one sheet of figures per file.",
                severity="warning",
            )
        )
    return found[0][1], found[0][0], issues


def _ref(header: str, index: int) -> tuple[str, str]:
    return header, get_column_letter(index + 1)


def read_extract(path: Path | str) -> Extract:
    """Read one CSV or XLSX extract. Raises ExtractError when the file cannot be read at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise _fail("the file does not exist.", "Check the path and file name.")
    if path.is_dir():
        raise _fail("this is a folder, not a file.", "Give the extract file or its folder.")
    if suffix in (".xls",):
        raise _fail(
            "the file is in the old Excel 97-2003 format (.xls).",
            "Open it in Excel and save it as .xlsx.",
        )
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise _fail(
            f"'{path.suffix or path.name}' files are not extracts; only CSV and XLSX are read.",
            "Save the extract as .csv (CSV UTF-8) or .xlsx.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(
            f"the file cannot be opened ({exc.strerror}).", "Check it is not locked or moved."
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise _fail("the file is empty.", "Export the extract again; it has no header and no rows.")
    issues: list[Issue] = []
    sheet = None
    if suffix in CSV_SUFFIXES:
        kind = "csv"
        rows = _csv_rows(path, data)
    else:
        kind = "xlsx"
        rows, sheet, issues = _xlsx_rows(path, data)
    frame, layout, header_row, more = _tidy(rows, kind)
    return Extract(path, kind, layout, digest, frame, issues + more, sheet, header_row)


def _tidy(rows: list[_Row], kind: str) -> tuple[pd.DataFrame, str, int, list[Issue]]:
    header_index = _find_header(rows)
    if header_index is None:
        first = next((r for r in rows if any(not is_blank(c.value) for c in r.cells)), rows[0])
        raise _fail(
            "the header has no 'measure_id' column (the header must be the first row, "
            "naming measure_id, period, value).",
            "Add the header row: measure_id,period,value,numerator,denominator.",
            row=first.number,
        )
    header = rows[header_index]
    names = [fold_header(c.value) for c in header.cells]
    titles = [
        ("" if c.value is None else str(c.value).strip().lstrip("\ufeff")) for c in header.cells
    ]
    data_rows = [r for r in rows[header_index + 1 :] if any(not is_blank(c.value) for c in r.cells)]
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in seen:
            raise _fail(
                f"the header names '{titles[index]}' twice (columns "
                f"{get_column_letter(seen[name] + 1)} and {get_column_letter(index + 1)}).",
                "Delete or rename one of them.",
                row=header.number,
                column=titles[index],
                cell=f"{get_column_letter(index + 1)}{header.number}",
            )
        seen[name] = index
    if "period" in seen or "value" in seen:
        layout = "long"
        missing = [n for n in LONG_REQUIRED if n not in seen]
        if missing:
            raise ExtractError(
                [
                    Issue(
                        f"the required column '{n}' is missing (the header has "
                        f"{', '.join(t for t in titles if t)}).",
                        f"Add a '{n}' column: the header must name measure_id, period and value.",
                        row=header.number,
                        column=n,
                    )
                    for n in missing
                ]
            )
        months: dict[int, pd.Period] = {}
    else:
        layout = "wide"
        months = {}
        for index, name in enumerate(names):
            if not name or name == "measure_id" or name in TITLE_COLUMNS:
                continue
            period = try_parse_period(header.cells[index].value)
            if period is not None:
                months[index] = period
            elif _YEARISH.search(titles[index]):
                issues.append(
                    Issue(
                        f"the month heading '{titles[index]}' cannot be read as a month.",
                        "Head month columns like 'Oct 2026' or '2026-10'.",
                        row=header.number,
                        column=titles[index],
                        cell=f"{get_column_letter(index + 1)}{header.number}",
                    )
                )
        if not months and not issues:
            raise _fail(
                "the header has no 'period' and 'value' columns (long layout) and no month "
                "columns such as 'Oct 2026' (wide layout); it has "
                f"{', '.join(t for t in titles if t)}.",
                "Use the long header measure_id,period,value,numerator,denominator, "
                "or head one column per month.",
                row=header.number,
                column="period",
            )
        dupes = pd.Series(list(months.values())).duplicated()
        for (index, period), dup in zip(months.items(), dupes, strict=True):
            if dup:
                issues.append(
                    Issue(
                        f"the month {period.strftime('%b %Y')} is headed twice.",
                        "Delete one of the duplicate month columns.",
                        row=header.number,
                        column=titles[index],
                        cell=f"{get_column_letter(index + 1)}{header.number}",
                    )
                )
    known = set(LONG_REQUIRED + LONG_OPTIONAL + TITLE_COLUMNS) | {"measure_id"}
    for index, name in enumerate(names):
        if (
            name
            and name not in known
            and index not in months
            and not _YEARISH.search(titles[index])
        ):
            issues.append(
                Issue(
                    f"the extra column '{titles[index]}' is not part of the extract "
                    "and is ignored.",
                    "Remove it if it was meant to be something else.",
                    row=header.number,
                    column=titles[index],
                    cell=f"{get_column_letter(index + 1)}{header.number}",
                    severity="warning",
                )
            )
    if not data_rows:
        raise _fail(
            "the file has a header but no rows of figures.",
            "Export the extract again with its figures.",
            row=header.number + 1,
        )
    if layout == "long":
        records = _long_records(data_rows, seen, titles, len(names), kind, issues)
    else:
        records = _wide_records(data_rows, seen, titles, months, issues)
    frame = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    for column in ("value", "numerator", "denominator"):
        frame[column] = frame[column].astype("float64")
    frame["row"] = frame["row"].astype("int64")
    return frame, layout, header.number, issues


def _cell_at(row: _Row, index: int | None) -> _Cell:
    if index is None or index >= len(row.cells):
        return _Cell(None)
    return row.cells[index]


def _measure_id(row: _Row, column: int, title: str, issues: list[Issue]) -> str | None:
    raw = _cell_at(row, column).value
    if is_blank(raw):
        issues.append(
            Issue(
                "the measure_id is blank but the row has figures.",
                "Fill in the measure_id or delete the row.",
                row=row.number,
                column=title,
                cell=f"{get_column_letter(column + 1)}{row.number}",
            )
        )
        return None
    return str(raw).strip().lstrip("\ufeff")


def _number(
    cell: _Cell,
    row: _Row,
    measure: str | None,
    where: tuple[str, str],
    allow_percent: bool,
    issues: list[Issue],
) -> float | None:
    try:
        percent = cell.percent and allow_percent  # only a value cell is read as a percentage
        return parse_number(cell.value, allow_percent=allow_percent, percent_format=percent)
    except NumberError as exc:
        issues.append(
            Issue(
                str(exc),
                exc.fix,
                row=row.number,
                column=where[0],
                cell=f"{where[1]}{row.number}",
                measure_id=measure,
            )
        )
        return None


def _long_records(
    data_rows: list[_Row],
    seen: dict[str, int],
    titles: list[str],
    width: int,
    kind: str,
    issues: list[Issue],
) -> list[dict[str, Any]]:
    refs = {
        name: _ref(titles[seen[name]], seen[name])
        for name in seen
        if name in LONG_REQUIRED + LONG_OPTIONAL
    }
    empty = (None, None)
    records = []
    for row in data_rows:
        if (
            kind == "csv"
            and len(row.cells) > width
            and any(not is_blank(c.value) for c in row.cells[width:])
        ):
            issues.append(
                Issue(
                    f"the row has {len(row.cells)} cells but the header has {width} columns "
                    "(a comma inside a title or figure?).",
                    "Put text containing commas in double quotes, or remove the stray comma.",
                    row=row.number,
                )
            )
            continue
        measure = _measure_id(row, seen["measure_id"], titles[seen["measure_id"]], issues)
        period_cell = _cell_at(row, seen["period"])
        period = None
        try:
            period = parse_period(period_cell.value).strftime("%Y-%m")
        except PeriodError as exc:
            issues.append(
                Issue(
                    exc.problem,
                    exc.fix,
                    row=row.number,
                    column=refs["period"][0],
                    cell=f"{refs['period'][1]}{row.number}",
                    measure_id=measure,
                )
            )
        value_cell = _cell_at(row, seen["value"])
        value = _number(value_cell, row, measure, refs["value"], True, issues)
        numerator = denominator = None
        if "numerator" in seen:
            numerator = _number(
                _cell_at(row, seen["numerator"]), row, measure, refs["numerator"], False, issues
            )
        if "denominator" in seen:
            denominator = _number(
                _cell_at(row, seen["denominator"]), row, measure, refs["denominator"], False, issues
            )
        records.append(
            {
                "measure_id": measure,
                "period": period,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "row": row.number,
                "period_column": refs["period"][0],
                "period_cell": f"{refs['period'][1]}{row.number}",
                "value_column": refs["value"][0],
                "value_cell": f"{refs['value'][1]}{row.number}",
                "numerator_column": refs.get("numerator", empty)[0],
                "numerator_cell": f"{refs['numerator'][1]}{row.number}"
                if "numerator" in refs
                else None,
                "denominator_column": refs.get("denominator", empty)[0],
                "denominator_cell": f"{refs['denominator'][1]}{row.number}"
                if "denominator" in refs
                else None,
                "period_raw": period_cell.value,
                "value_raw": value_cell.value,
                "value_percent_cell": value_cell.percent,
            }
        )
    return records


def _wide_records(
    data_rows: list[_Row],
    seen: dict[str, int],
    titles: list[str],
    months: dict[int, pd.Period],
    issues: list[Issue],
) -> list[dict[str, Any]]:
    records = []
    for row in data_rows:
        measure = _measure_id(row, seen["measure_id"], titles[seen["measure_id"]], issues)
        found = 0
        for index, period in months.items():
            cell = _cell_at(row, index)
            if is_blank(cell.value):
                continue  # a month with no figure yet (a new measure): nothing to load
            found += 1
            title, letter = _ref(titles[index], index)
            value = _number(cell, row, measure, (title, letter), True, issues)
            records.append(
                {
                    "measure_id": measure,
                    "period": period.strftime("%Y-%m"),
                    "value": value,
                    "numerator": None,
                    "denominator": None,
                    "row": row.number,
                    "period_column": title,
                    "period_cell": f"{letter}{row.number}",
                    "value_column": title,
                    "value_cell": f"{letter}{row.number}",
                    "numerator_column": None,
                    "numerator_cell": None,
                    "denominator_column": None,
                    "denominator_cell": None,
                    "period_raw": title,
                    "value_raw": cell.value,
                    "value_percent_cell": cell.percent,
                }
            )
        if not found and months:
            first = min(months)
            issues.append(
                Issue(
                    "the row has no figure in any month column.",
                    "Fill in the figures or delete the row.",
                    row=row.number,
                    column=titles[first],
                    cell=f"{get_column_letter(first + 1)}{row.number}",
                    measure_id=measure,
                )
            )
    return records


def _is_candidate(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~$")):  # hidden files and Excel's lock files
        return False
    return path.suffix.lower() in CSV_SUFFIXES + XLSX_SUFFIXES + OTHER_TABLE_SUFFIXES


def extract_order(path: Path) -> tuple[int, str, str]:
    """Sort key: the YYYY-MM in the folder or file name first, then the file name."""
    period = period_in_name(path)
    if period is None:
        return (1, "", path.name)
    return (0, period.strftime("%Y-%m"), path.name)


def find_extracts(paths: Iterable[Path | str]) -> list[Path]:
    """The extract files under the given files and folders, in period order.

    Folders are searched recursively for CSV/XLSX (and for .xls/.ods/.tsv/.txt, so a file in
    the wrong format is reported rather than silently skipped). A folder with none is returned
    itself so the caller can say so. Files given by name are always included.
    """
    files: dict[Path, Path] = {}
    empty: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = [p for p in path.rglob("*") if p.is_file() and _is_candidate(p)]
            if not found:
                empty.append(path)
            for p in found:
                files.setdefault(p.resolve(), p)
        else:
            files.setdefault(path.resolve(), path)
    return empty + sorted(files.values(), key=extract_order)
