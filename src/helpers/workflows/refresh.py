"""The six-monthly refresh of the vision tracker: which measures members follow month by month.

The commission reviews the tracker's measures every six months. The choice lives in the
`tracker:` flag of each measure in data/measures.yml and the review dates in data/themes.yml;
`tracker refresh` edits both as text, so the files' comments and layout stay as analysts wrote
them, and checks the edited catalogue loads before anything is replaced.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.files import replace_files
from helpers.inputs.catalogue import Catalogue, CatalogueError, load_catalogue

ID_LINE = re.compile(r"^(\s*)-\s+id:\s*([A-Za-z0-9_]+)\s*$")
TRACKER_LINE = re.compile(r"^(\s*)tracker:\s*(true|false)\s*(#.*)?$")
MONTHS_BETWEEN_REVIEWS = 6


class RefreshError(ValueError):
    """The refresh cannot be made; the message says why and nothing was changed."""


@dataclass(frozen=True)
class Refresh:
    """What a refresh did: the tracker's measures after it, and the new review dates."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    tracker: tuple[str, ...]
    last_refreshed: dt.date
    next_due: dt.date


def _set_flags(text: str, flags: dict[str, bool]) -> str:
    """measures.yml with each named measure's `tracker:` line set (added after its id if absent)."""
    lines = text.splitlines(keepends=True)
    starts = [
        (i, m.group(2), m.group(1)) for i, line in enumerate(lines) if (m := ID_LINE.match(line))
    ]
    inserts: list[tuple[int, str]] = []
    for k, (start, measure_id, indent) in enumerate(starts):
        if measure_id not in flags:
            continue
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        value = "true" if flags[measure_id] else "false"
        for i in range(start + 1, end):
            match = TRACKER_LINE.match(lines[i])
            if match:
                comment = f" {match.group(3)}" if match.group(3) else ""
                lines[i] = f"{match.group(1)}tracker: {value}{comment}\n"
                break
        else:
            inserts.append((start + 1, f"{indent}  tracker: {value}\n"))
    for at, line in sorted(inserts, reverse=True):
        lines.insert(at, line)
    return "".join(lines)


def _set_review(text: str, last: dt.date, due: dt.date) -> str:
    for key, day in (("last_refreshed", last), ("next_due", due)):
        text, count = re.subn(
            rf"^(\s*){key}:.*$", rf"\g<1>{key}: {day.isoformat()}", text, count=1, flags=re.M
        )
        if count == 0:
            raise RefreshError(
                f"data/themes.yml has no '{key}:' line under 'review:'. Add the review block "
                "(see the comment at the top of the file) and run the refresh again."
            )
    return text


def refresh_tracker(
    catalogue: Catalogue,
    add: list[str],
    remove: list[str],
    on: dt.date | None = None,
) -> Refresh:
    """Record the commission's six-monthly choice: flags in measures.yml, dates in themes.yml."""
    if catalogue.path is None:
        raise RefreshError("The catalogue was not read from a file, so there is nothing to edit.")
    measures_path = Path(catalogue.path)
    themes_path = measures_path.with_name("themes.yml")
    unknown = [m for m in [*add, *remove] if m not in catalogue]
    if unknown:
        raise RefreshError(f"Not in the catalogue (data/measures.yml): {', '.join(unknown)}.")
    both = sorted(set(add) & set(remove))
    if both:
        raise RefreshError(f"Both added and removed: {', '.join(both)}. Name each once.")
    on = on or dt.date.today()
    due = (pd.Timestamp(on) + pd.DateOffset(months=MONTHS_BETWEEN_REVIEWS)).date()
    flags = {m: True for m in add} | {m: False for m in remove}
    measures_text = _set_flags(measures_path.read_text(encoding="utf-8"), flags)
    themes_text = _set_review(themes_path.read_text(encoding="utf-8"), on, due)

    # The edited catalogue must load and say what was asked before either file is replaced.
    with tempfile.TemporaryDirectory() as folder:
        check = Path(folder)
        (check / "measures.yml").write_text(measures_text, encoding="utf-8")
        (check / "themes.yml").write_text(themes_text, encoding="utf-8")
        try:
            edited = load_catalogue(check / "measures.yml")
        except CatalogueError as exc:
            raise RefreshError(f"The edit would break the catalogue: {exc}") from None
    wrong = [m for m, flag in flags.items() if edited[m].tracker is not flag]
    if wrong:
        raise RefreshError(f"Could not set the tracker flag of: {', '.join(wrong)}.")
    replace_files({measures_path: measures_text, themes_path: themes_text})
    before = {m for m in catalogue.ids if catalogue[m].tracker}
    after = tuple(m for m in edited.ids if edited[m].tracker)
    return Refresh(
        added=tuple(sorted(set(after) - before)),
        removed=tuple(sorted(before - set(after))),
        tracker=after,
        last_refreshed=on,
        next_due=due,
    )
