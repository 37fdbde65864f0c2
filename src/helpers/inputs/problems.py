"""A problem found in an input file: where it is, what is wrong and what to do.

Kept apart from the extract checks so that the quick commands (selections, tracker sets,
the Council Plan file) can report problems without loading pandas.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in an input file, located and with a fix."""

    file: str
    row: int | None
    column: str | None
    measure_id: str | None
    message: str
    fix: str
    severity: str = "error"  # "error" blocks loading, "warning" does not
    cell: str | None = None  # spreadsheet cell (C14) for workbooks

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'" + (f" (cell {self.cell})" if self.cell else ""))
        return f"{', '.join(where)}: {self.message} {self.fix}".strip()


def describe(problem: Problem, row_word: str = "row", column_word: str = "column") -> str:
    """A problem on one line, named as its file has them ('line 12, key 'from'' for YAML)."""
    where = [problem.file]
    if problem.row is not None:
        where.append(f"{row_word} {problem.row}")
    if problem.column:
        where.append(f"{column_word} '{problem.column}'")
    return f"{', '.join(where)}: {problem.message} {problem.fix}"
