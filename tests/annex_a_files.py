"""Small Annex A workbooks written in the tests: the Annex A headers, real Excel dates.

`write_annex_a(path, {3: [{"referral_date": date, "nfa": "Yes", ...}], ...})` writes every list
a catalogue measure uses (header only where no rows are given), with the columns of
helpers.inputs.annex_a.columns under their Annex A headers; a row's keys are the column keys.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from helpers.inputs.annex_a.columns import LISTS

USED = (1, 3, 4, 5, 7, 8, 9)


def write_annex_a(
    path: Path,
    lists: dict[int, list[dict[str, object]]],
    drop: dict[int, str] | None = None,
    sheet_names: dict[int, str] | None = None,
) -> Path:
    """A workbook with the given rows; `drop` leaves a column out, `sheet_names` renames sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    for number in sorted(set(USED) | set(lists)):
        spec = LISTS[number]
        columns = [c for c in spec.columns if (drop or {}).get(number) != c.key]
        ws = wb.create_sheet((sheet_names or {}).get(number, spec.sheet))
        ws.append([c.header for c in columns])
        for i, row in enumerate(lists.get(number, []), start=1):
            values = {"child_id": 1000 + i, "worker": "Zebedee Quill", "team": "Team A", **row}
            ws.append([values.get(c.key) for c in columns])
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
