"""The vision tracker's measure set, dated (data/tracker_sets.yml): which measures, from when.

The commission refreshes the tracker's measures every six months. Each refresh adds an entry
("from this date, these measures, agreed by whom, next review by") and never rewrites an
earlier one, so rebuilding an older month later still uses the set that was in force then.
A month uses the latest entry that started on or before its last day; a month before the
first entry uses the first entry (the earliest set on record).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers import paths
from helpers.files import compose_yaml, load_yaml
from helpers.inputs.catalogue import Catalogue
from helpers.inputs.problems import Problem, describe
from helpers.periods import last_day, read_day

FILE_NAME = "tracker_sets.yml"
FIELDS = ("from", "agreed_by", "next_review", "measures")


class TrackerSetError(ValueError):
    """tracker_sets.yml cannot be used; the message names the file, line and what to fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(describe(p, "line", "key") for p in problems))


@dataclass(frozen=True)
class TrackerSet:
    """One dated choice of the tracker's measures."""

    start: dt.date
    measures: tuple[str, ...]
    agreed_by: str
    next_review: dt.date | None
    line: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(),
            "agreed_by": self.agreed_by,
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "measures": list(self.measures),
        }


def tracker_sets_path(root: Path | None = None) -> Path:
    return paths.data_dir(root) / FILE_NAME


def _compose(path: Path, text: str) -> tuple[object, yaml.Node | None]:
    try:
        return load_yaml(text), compose_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TrackerSetError(
            [
                Problem(
                    path.name,
                    mark.line + 1 if mark else None,
                    None,
                    None,
                    f"is not valid YAML ({getattr(exc, 'problem', exc)}).",
                    "Compare it with the entries above it and the example at the top of the file.",
                )
            ]
        ) from None


def parse_tracker_sets(
    text: str, path: Path, catalogue: Catalogue | None = None
) -> list[TrackerSet]:
    """Every dated set in the file's text, checked; TrackerSetError lists every problem."""
    raw, node = _compose(path, text)
    name = path.name
    problems: list[Problem] = []

    def bad(line: int | None, key: str | None, message: str, fix: str, measure=None) -> None:
        problems.append(Problem(name, line, key, measure, message, fix))

    items = raw.get("sets") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        bad(
            1,
            "sets",
            "has no 'sets:' list of dated entries.",
            "Start the file with 'sets:' and one entry with from, agreed_by, next_review and "
            "measures (see the example at the top of the file).",
        )
        raise TrackerSetError(problems)
    set_nodes = next(
        (v.value for k, v in node.value if getattr(k, "value", None) == "sets"),
        [],
    )
    found: list[TrackerSet] = []
    for index, (item, item_node) in enumerate(zip(items, set_nodes, strict=False), start=1):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            bad(line, None, f"entry {index} is not a mapping.", "Write it as key: value lines.")
            continue
        lines = {
            k.value: v.start_mark.line + 1
            for k, v in getattr(item_node, "value", [])
            if isinstance(k, yaml.ScalarNode)
        }
        unknown = sorted(set(item) - set(FIELDS))
        for key in unknown:
            bad(
                lines.get(key, line),
                str(key),
                f"entry {index} has an unknown key '{key}'.",
                f"Use only {', '.join(FIELDS)}.",
            )
        start = read_day(item.get("from"))
        if start is None:
            bad(
                lines.get("from", line),
                "from",
                f"entry {index} has no readable 'from' date ({item.get('from')!r}).",
                "Write the date the set starts as YYYY-MM-DD.",
            )
        review = item.get("next_review")
        next_review = read_day(review) if review not in (None, "") else None
        if review not in (None, "") and next_review is None:
            bad(
                lines.get("next_review", line),
                "next_review",
                f"entry {index}'s next_review {review!r} is not a date.",
                "Write it as YYYY-MM-DD, or leave it out.",
            )
        if start and next_review and next_review <= start:
            bad(
                lines.get("next_review", line),
                "next_review",
                f"entry {index}'s next review ({next_review}) is not after its start ({start}).",
                "Give a review date after the 'from' date.",
            )
        agreed_by = item.get("agreed_by")
        if not isinstance(agreed_by, str) or not agreed_by.strip():
            bad(
                lines.get("agreed_by", line),
                "agreed_by",
                f"entry {index} does not say who agreed the set.",
                "Add 'agreed_by:' naming the meeting or people, e.g. the commission and its date.",
            )
        measures = item.get("measures")
        measure_nodes = next(
            (
                v
                for k, v in getattr(item_node, "value", [])
                if getattr(k, "value", "") == "measures"
            ),
            None,
        )
        if not isinstance(measures, list) or not measures:
            bad(
                lines.get("measures", line),
                "measures",
                f"entry {index} lists no measures.",
                "List the measure ids under 'measures:', one per line after '- '.",
            )
            measures = []
        measure_lines = [
            n.start_mark.line + 1 for n in getattr(measure_nodes, "value", []) or []
        ] or [lines.get("measures", line)] * len(measures)
        seen: set[str] = set()
        for measure_id, at in zip(measures, measure_lines, strict=False):
            measure_id = str(measure_id)
            if catalogue is not None and measure_id not in catalogue:
                close = difflib.get_close_matches(measure_id, catalogue.ids, n=1, cutoff=0.6)
                hint = f"Did you mean '{close[0]}'? " if close else ""
                bad(
                    at,
                    "measures",
                    f"entry {index} names '{measure_id}', which is not in data/measures.yml.",
                    f"{hint}Use a measure id from the catalogue.",
                    measure_id,
                )
            elif measure_id in seen:
                bad(
                    at,
                    "measures",
                    f"entry {index} lists '{measure_id}' twice.",
                    "Remove the second one.",
                    measure_id,
                )
            seen.add(measure_id)
        if found and start and start <= found[-1].start:
            bad(
                lines.get("from", line),
                "from",
                f"entry {index} starts on {start}, not after the entry before it "
                f"({found[-1].start}, line {found[-1].line}).",
                "Entries are in date order and earlier ones are never changed: give a later date "
                "in a new entry at the end.",
            )
        if start:
            found.append(
                TrackerSet(
                    start,
                    tuple(dict.fromkeys(str(m) for m in measures)),
                    str(agreed_by or "").strip(),
                    next_review,
                    line,
                )
            )
    if problems:
        raise TrackerSetError(problems)
    return found


def read_tracker_sets(
    root: Path | None = None, catalogue: Catalogue | None = None
) -> list[TrackerSet]:
    """The dated sets in data/tracker_sets.yml, oldest first (checked against the catalogue)."""
    path = tracker_sets_path(root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TrackerSetError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    None,
                    f"not found at {path}.",
                    "Restore it from git: it records which measures the tracker follows, "
                    "from when.",
                )
            ]
        ) from None
    return parse_tracker_sets(text, path, catalogue)


def set_in_force(sets: list[TrackerSet], period: str) -> TrackerSet:
    """The set in force in the month: the latest that started by its last day, else the first."""
    month_end = last_day(period)
    started = [s for s in sets if s.start <= month_end]
    return started[-1] if started else sets[0]
