"""The Council Plan report's published quarterly values (data/council_plan.csv), checked.

The corporate performance team publishes some of the tracker's measures every quarter in the
Council Plan performance report. Members cross-check the two, so the published figures are kept
as a committed file (one row per quarter and measure) and compared with the store's figures for
the same quarter-end month. A mistake in the file is reported with its line and what to fix.

Columns: quarter (the quarter's last month, YYYY-MM: 2026-06, 2026-09, 2026-12, 2027-03),
council_plan_ref (as in data/measures.yml), measure_id, published_value (in the measure's unit,
as printed in the report), report_date (YYYY-MM-DD, the day the report was published).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.inputs.catalogue import Catalogue
from helpers.inputs.problems import Problem, describe

FILE_NAME = "council_plan.csv"
COLUMNS = ("quarter", "council_plan_ref", "measure_id", "published_value", "report_date")
QUARTER_END_MONTHS = (3, 6, 9, 12)


class CouncilPlanError(ValueError):
    """council_plan.csv cannot be used; the message lists every problem with its line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(describe(p, "line") for p in problems))


def council_plan_path(root: Path | None = None) -> Path:
    return paths.data_dir(root) / FILE_NAME


def is_quarter_end(period: str) -> bool:
    return pd.Period(period, "M").month in QUARTER_END_MONTHS


def read_council_plan(root: Path | None = None, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The published values, checked; an empty table when the project has no such file."""
    path = council_plan_path(root)
    if not path.exists():
        return pd.DataFrame(columns=[*COLUMNS, "line"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CouncilPlanError(
            [
                Problem(
                    path.name, None, None, None, f"cannot be read ({exc}).", "Save it as UTF-8 CSV."
                )
            ]
        ) from None
    return parse_council_plan(text, path, catalogue)


def parse_council_plan(text: str, path: Path, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Every row of the file's text, checked; CouncilPlanError names each bad line."""
    name = path.name
    problems: list[Problem] = []

    def bad(line: int | None, column: str | None, message: str, fix: str, measure=None) -> None:
        problems.append(Problem(name, line, column, measure, message, fix))

    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        bad(
            1,
            None,
            f"the header lacks {', '.join(missing)}.",
            f"The first line must be: {','.join(COLUMNS)}.",
        )
        raise CouncilPlanError(problems)
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            bad(
                line,
                None,
                f"has {len(values)} fields but the header has {len(header)}.",
                "Give one value per column (quote a value that contains a comma).",
            )
            continue
        row = {k: v.strip() for k, v in zip(header, values, strict=True)}
        quarter = row["quarter"]
        try:
            month = pd.Period(quarter, "M") if len(quarter) == 7 else None
        except ValueError:
            month = None
        if month is None or quarter != str(month):
            bad(
                line,
                "quarter",
                f"'{quarter}' is not a month written YYYY-MM.",
                "Write the quarter's last month, e.g. 2026-09 for July to September 2026.",
            )
        elif month.month not in QUARTER_END_MONTHS:
            bad(
                line,
                "quarter",
                f"'{quarter}' is not the last month of a quarter.",
                "Use March, June, September or December (e.g. 2026-09).",
            )
        measure_id = row["measure_id"]
        measure = None
        if catalogue is not None:
            if measure_id not in catalogue:
                close = difflib.get_close_matches(measure_id, catalogue.ids, n=1, cutoff=0.6)
                hint = f"Did you mean '{close[0]}'? " if close else ""
                bad(
                    line,
                    "measure_id",
                    f"'{measure_id}' is not a measure in data/measures.yml.",
                    f"{hint}Use the measure's id from the catalogue.",
                    measure_id,
                )
            else:
                measure = catalogue[measure_id]
        ref = row["council_plan_ref"]
        if measure is not None and ref != (measure.council_plan_ref or ""):
            expected = measure.council_plan_ref
            bad(
                line,
                "council_plan_ref",
                f"'{ref}' is not {measure_id}'s Council Plan reference"
                + (f" ('{expected}' in data/measures.yml)." if expected else " (it has none)."),
                "Correct the reference here, or the measure's council_plan_ref in measures.yml.",
                measure_id,
            )
        try:
            value = float(row["published_value"].replace(",", "").removesuffix("%"))
        except ValueError:
            value = None
            bad(
                line,
                "published_value",
                f"'{row['published_value']}' is not a number.",
                "Write the figure as printed in the report, e.g. 21.4 (no words).",
                measure_id,
            )
        try:
            report_date = dt.date.fromisoformat(row["report_date"])
        except ValueError:
            report_date = None
            bad(
                line,
                "report_date",
                f"'{row['report_date']}' is not a date written YYYY-MM-DD.",
                "Give the day the Council Plan report was published, e.g. 2026-10-28.",
                measure_id,
            )
        if report_date and month is not None and report_date <= month.end_time.date():
            bad(
                line,
                "report_date",
                f"{report_date} is not after the quarter it reports ({quarter}).",
                "Give the report's publication date, after the quarter's last day.",
                measure_id,
            )
        key = (quarter, measure_id)
        if key in seen:
            bad(
                line,
                "measure_id",
                f"{measure_id} appears twice for {quarter} (first on line {seen[key]}).",
                "Keep one row per quarter and measure.",
                measure_id,
            )
        seen.setdefault(key, line)
        rows.append({**row, "published_value": value, "report_date": report_date, "line": line})
    if problems:
        raise CouncilPlanError(problems)
    return pd.DataFrame(rows, columns=[*COLUMNS, "line"])
