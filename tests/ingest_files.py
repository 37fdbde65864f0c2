"""Writers for extract files shaped like the ones staff drop in (for the loading tests).

CSV files get a byte-order mark and Windows line endings as Excel writes them; workbooks are
written with openpyxl with real Excel dates and percent-formatted cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

LONG_HEADER = ("measure_id", "period", "value", "numerator", "denominator")
CATALOGUE = Path(__file__).parent / "data" / "ingest_measures.yml"


def write_csv(
    path: Path,
    rows: Iterable[Sequence[object]],
    header: Sequence[str] = LONG_HEADER,
    bom: bool = True,
    crlf: bool = True,
    encoding: str = "utf-8",
) -> Path:
    """A CSV as Excel's 'CSV UTF-8' writes it (BOM, CRLF). Cells are written as given."""
    newline = "\r\n" if crlf else "\n"

    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if "," in text else text

    lines = [",".join(header)] + [",".join(cell(v) for v in row) for row in rows]
    text = newline.join(lines) + newline
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def month_start(period: str) -> dt.datetime:
    p = pd.Period(period, freq="M")
    return dt.datetime(p.year, p.month, 1)


def write_long_xlsx(
    path: Path,
    rows: Iterable[Sequence[object]],
    percent_ids: Iterable[str] = (),
    sheet: str = "Scorecard",
    header: Sequence[str] = LONG_HEADER,
) -> Path:
    """The early help workbook: Excel dates in `period`, percent values as 0.635 shown 63.5%.

    Rows are (measure_id, 'YYYY-MM' or a date, value on the 0-100 scale, numerator, denominator).
    """
    percent_ids = set(percent_ids)
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for number, row in enumerate(rows, start=2):
        measure, period, value, *rest = row
        when = month_start(period) if isinstance(period, str) and len(period) == 7 else period
        percent = measure in percent_ids and isinstance(value, int | float)
        ws.append([measure, when, value / 100 if percent else value, *rest])
        ws.cell(number, 2).number_format = "mmm yyyy"
        if percent:
            ws.cell(number, 3).number_format = "0.0%"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def month_labels(end: str, months: int = 12) -> list[str]:
    last = pd.Period(end, freq="M")
    return [(last - i).strftime("%b %Y") for i in range(months - 1, -1, -1)]


def write_wide_xlsx(
    path: Path,
    end: str,
    figures: dict[str, Sequence[object]],
    sheet: str = "Workforce",
    labels: Sequence[object] | None = None,
) -> Path:
    """The workforce sheet: measure_id, measure, then one column per month headed 'Oct 2026'."""
    if labels is None:
        labels = month_labels(end, len(next(iter(figures.values()))))
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["measure_id", "measure", *list(labels)])
    for measure, values in figures.items():
        ws.append([measure, measure.replace("_", " ").title(), *values])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
