"""Writing the Annex A figures as one long-format extract, or loading them into the store.

`annex-a-<extracted>.csv` has the project's long columns (measure_id, period, value, numerator,
denominator) and goes through the same validation and revision history as any extract. Beside
it, `annex-a-<extracted>.checks.json` counts the rows left out by warnings (sheet, column,
problem, number of cells: no child-level data); the data notes read it. Files are replaced
whole, so a failed write leaves the previous ones.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from helpers import paths
from helpers.files import replace_files
from helpers.inputs.annex_a.compute import AnnexAResult
from helpers.inputs.catalogue import Catalogue
from helpers.inputs.store import LoadReport, Store


def default_folder(root: Path | None = None) -> Path:
    return paths.extracts_dir(root) / "annex-a"


def extract_name(result: AnnexAResult) -> str:
    return f"annex-a-{result.extracted.isoformat()}.csv"


def checks_path(extract: Path) -> Path:
    """The checks summary that sits beside an Annex A extract."""
    return extract.with_name(extract.stem + ".checks.json")


def _number(value: object) -> str:
    if value is None or value != value:  # None or NaN
        return ""
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


def extract_text(result: AnnexAResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["measure_id", "period", "value", "numerator", "denominator"])
    for row in result.figures.itertuples(index=False):
        writer.writerow(
            [
                row.measure_id,
                row.period,
                _number(row.value),
                _number(row.numerator),
                _number(row.denominator),
            ]
        )
    return buffer.getvalue()


def checks_text(result: AnnexAResult, workbook: Path) -> str:
    summary = {
        "workbook": Path(workbook).name,
        "extracted": result.extracted.isoformat(),
        "months": result.months,
        "left_out": result.left_out(),
        "notes": result.notes,
    }
    return json.dumps(summary, indent=2) + "\n"


def write_extract(result: AnnexAResult, workbook: Path, folder: Path) -> Path:
    """Write the extract and its checks summary into `folder`; return the extract's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / extract_name(result)
    replace_files({checks_path(path): checks_text(result, workbook), path: extract_text(result)})
    return path


def load_extract(
    result: AnnexAResult, workbook: Path, store: Store, catalogue: Catalogue
) -> LoadReport:
    """Load the figures into the store (the usual checks and revisions; LoadError if invalid)."""
    with tempfile.TemporaryDirectory(prefix="annex-a-") as folder:
        path = write_extract(result, workbook, Path(folder))
        return store.load([path], catalogue)
