"""The six-monthly refresh of the vision tracker: which measures members follow month by month.

The commission reviews the tracker's measures every six months. Each choice is a dated entry in
data/tracker_sets.yml; `tracker refresh` appends a new entry as text at the end of the file, so
earlier entries (and the file's comments) stay byte for byte as they were and a rebuilt older
month keeps its own set. The file with the new entry must read back as the old entries plus
exactly the new one before it replaces the old file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.files import replace_file
from helpers.inputs.catalogue import Catalogue
from helpers.inputs.tracker_sets import (
    TrackerSet,
    TrackerSetError,
    parse_tracker_sets,
    read_tracker_sets,
    tracker_sets_path,
)
from helpers.periods import add_months

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
    agreed_by: str


def _entry_text(entry: TrackerSet) -> str:
    """The new entry as YAML lines, indented as the file's list items are."""
    who = yaml.safe_dump(entry.agreed_by, allow_unicode=True, width=10_000).strip()
    who = who.removesuffix("\n...").strip()
    lines = [
        f"  - from: {entry.start.isoformat()}",
        f"    agreed_by: {who}",
        f"    next_review: {entry.next_review.isoformat() if entry.next_review else ''}".rstrip(),
        "    measures:",
        *(f"      - {m}" for m in entry.measures),
    ]
    return "\n".join(lines) + "\n"


def refresh_tracker(
    catalogue: Catalogue,
    add: list[str],
    remove: list[str],
    on: dt.date | None = None,
    agreed_by: str | None = None,
    root: Path | None = None,
) -> Refresh:
    """Record the commission's six-monthly choice as a new dated entry in tracker_sets.yml."""
    path = tracker_sets_path(root)
    try:
        sets = read_tracker_sets(root, catalogue)
    except TrackerSetError as exc:
        raise RefreshError(f"Fix {path.name} first:\n{exc}") from None
    unknown = [m for m in [*add, *remove] if m not in catalogue]
    if unknown:
        raise RefreshError(f"Not in the catalogue (data/measures.yml): {', '.join(unknown)}.")
    both = sorted(set(add) & set(remove))
    if both:
        raise RefreshError(f"Both added and removed: {', '.join(both)}. Name each once.")
    last = sets[-1]
    on = on or dt.date.today()
    if on <= last.start:
        raise RefreshError(
            f"{path.name}: the last entry (line {last.line}) starts on {last.start}; a new set "
            f"must start after it, and {on} does not. Earlier entries are never rewritten: give "
            "the date the commission agreed the new set (--on YYYY-MM-DD)."
        )
    if not agreed_by or not agreed_by.strip():
        raise RefreshError(
            'Say who agreed the new set with --by, e.g. --by "the scrutiny commission, '
            'meeting of 14 April 2027".'
        )
    not_in = [m for m in remove if m not in last.measures]
    already = [m for m in add if m in last.measures]
    if not_in or already:
        parts = []
        if not_in:
            parts.append(f"not in the current set, so cannot be removed: {', '.join(not_in)}")
        if already:
            parts.append(f"already in the current set: {', '.join(already)}")
        raise RefreshError("; ".join(parts).capitalize() + ".")
    measures = tuple(
        m for m in catalogue.ids if (m in last.measures or m in add) and m not in remove
    )
    if not measures:
        raise RefreshError("The new set would have no measures. Keep at least one.")
    due = add_months(on, MONTHS_BETWEEN_REVIEWS)
    entry = TrackerSet(on, measures, " ".join(agreed_by.split()), due)
    text = path.read_text(encoding="utf-8")
    new_text = (text if text.endswith("\n") else text + "\n") + _entry_text(entry)
    # The new file must read back as exactly the old entries plus the new one.
    try:
        after = parse_tracker_sets(new_text, path, catalogue)
    except TrackerSetError as exc:
        raise RefreshError(f"The new entry would not read back cleanly:\n{exc}") from None
    strip = [(s.start, s.measures, s.agreed_by, s.next_review) for s in after]
    expected = [(s.start, s.measures, s.agreed_by, s.next_review) for s in [*sets, entry]]
    if strip != expected:
        raise RefreshError(
            f"{path.name}: the entries do not end the file, so a new one cannot be appended "
            "safely. Move 'sets:' and its entries to the end of the file and try again."
        )
    replace_file(path, new_text)
    return Refresh(
        added=tuple(m for m in measures if m not in last.measures),
        removed=tuple(m for m in last.measures if m not in measures),
        tracker=measures,
        last_refreshed=on,
        next_due=due,
        agreed_by=entry.agreed_by,
    )
