"""Members' deep-dive picks (data/selections.yml): read, checked against the catalogue, added to.

Members choose measures for the performance clinic in the week after the scorecards appear; the
performance team records them with `tracker select` (or by editing the file). A mistyped measure
must stop the build with the file and line, not reach members as a broken chapter.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers import paths
from helpers.files import compose_yaml, load_yaml, replace_file
from helpers.inputs.catalogue import Catalogue
from helpers.inputs.problems import Problem
from helpers.periods import PeriodError, format_period, read_day

FILE_NAME = "selections.yml"
HEADER = """\
# Measures members picked for a deep dive ("performance clinic"), by the pack's month.
# The performance team adds an entry in the week after the scorecards appear, with
# `tracker select YYYY-MM MEASURE_ID ... --by "who asked" --question "their question"
# --meeting YYYY-MM-DD` or by editing this file; the next `tracker build` for that month
# includes a Deep dive chapter on them and a clinic briefing in the pack folder.
# Keys of an entry: requested_by, question, meeting (the clinic date, YYYY-MM-DD), measures.
"""
KEYS = ("requested_by", "question", "meeting", "measures")


class SelectionError(ValueError):
    """selections.yml cannot be read or a request names something that does not exist."""


@dataclass(frozen=True)
class Selection:
    """One month's deep dive: the measures, who asked, and where the entry is in the file."""

    period: str
    measures: tuple[str, ...]
    requested_by: str | None = None
    line: int | None = None
    measure_lines: tuple[int | None, ...] = ()
    question: str | None = None
    meeting: dt.date | None = None

    def request(self) -> dict[str, str | None]:
        """Who asked, their question and the clinic date (ISO), as the pack records them."""
        return {
            "requested_by": self.requested_by,
            "question": self.question,
            "meeting": self.meeting.isoformat() if self.meeting else None,
        }


def selections_path(root: Path | None = None) -> Path:
    return paths.data_dir(root) / FILE_NAME


def _entries(path: Path) -> list[tuple[object, int, object, dict[str, int | list[int]]]]:
    """(period key, line, value, lines of its parts) for each entry under deep_dives."""
    try:
        text = path.read_text(encoding="utf-8")
        node = compose_yaml(text)
        raw = load_yaml(text) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SelectionError(f"{path}: cannot be read ({exc}).") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise SelectionError(
            f"{path}{where}: is not valid YAML ({getattr(exc, 'problem', exc)}). "
            "Compare it with the example at the top of the file."
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("deep_dives", {}) or {}, dict):
        raise SelectionError(
            f"{path}: expected a 'deep_dives:' mapping of months to measures. "
            "Compare it with the example at the top of the file."
        )
    dives = raw.get("deep_dives") or {}
    dive_node = next(
        (v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == "deep_dives"),
        None,
    )
    nodes = list(getattr(dive_node, "value", []) or [])
    seen: dict[str, int] = {}
    for key_node, _ in nodes:
        line = key_node.start_mark.line + 1
        if key_node.value in seen:
            raise SelectionError(
                f"{path}, line {line}: the month {key_node.value} is listed twice (first on line "
                f"{seen[key_node.value]}). Merge the two entries into one."
            )
        seen[key_node.value] = line
    out = []
    for (key, value), (key_node, value_node) in zip(dives.items(), nodes, strict=False):
        lines: dict[str, int | list[int]] = {}
        items = getattr(value_node, "value", [])
        if isinstance(value_node, yaml.SequenceNode):
            lines["measures"] = [n.start_mark.line + 1 for n in items]
        elif isinstance(value_node, yaml.MappingNode):
            for k, v in items:
                lines[k.value] = v.start_mark.line + 1
                if k.value == "measures" and isinstance(v, yaml.SequenceNode):
                    lines["measures"] = [n.start_mark.line + 1 for n in v.value]
        out.append((key, key_node.start_mark.line + 1, value, lines))
    return out


def read_selections(root: Path | None = None) -> tuple[dict[str, Selection], list[Problem]]:
    """Every month's selection, and the entries that could not be understood."""
    path = selections_path(root)
    if not path.exists():
        return {}, []
    found: dict[str, Selection] = {}
    problems: list[Problem] = []

    def bad(line: int, column: str, message: str, fix: str) -> None:
        problems.append(Problem(path.name, line, column, None, message, fix))

    for key, line, value, lines in _entries(path):
        try:
            period = format_period(key)
        except PeriodError as exc:
            bad(
                line,
                "month",
                f"'{key}' is not a month: {exc}",
                "Write the month as YYYY-MM, e.g. 2026-10.",
            )
            continue
        by, question, meeting = None, None, None
        if isinstance(value, dict):
            unknown = [k for k in value if k not in KEYS]
            for key in unknown:
                bad(
                    int(lines.get(key, line)) if not isinstance(lines.get(key), list) else line,
                    str(key),
                    f"the entry for {period} has an unknown key '{key}'.",
                    f"Use only {', '.join(KEYS)}.",
                )
            by = value.get("requested_by")
            question = value.get("question")
            raw_meeting = value.get("meeting")
            if raw_meeting not in (None, ""):
                meeting = read_day(raw_meeting)
                if meeting is None:
                    where = lines.get("meeting", line)
                    bad(
                        where if isinstance(where, int) else line,
                        "meeting",
                        f"the {period} clinic date '{raw_meeting}' is not a date.",
                        "Write the meeting date as YYYY-MM-DD, e.g. 2026-12-09.",
                    )
                    continue
            if unknown:
                continue
            value = value.get("measures")
        if not isinstance(value, list) or not value:
            bad(
                line,
                "measures",
                f"the entry for {period} lists no measures.",
                "Give a list of measure ids under 'measures:', one per line after '- '.",
            )
            continue
        if period in found:  # the same month spelt two ways, e.g. 2026-10 and Oct 2026
            bad(
                line,
                "month",
                f"{period} already has an entry (line {found[period].line}).",
                "Merge the two entries into one.",
            )
            continue
        measure_lines = lines.get("measures")
        measure_lines = measure_lines if isinstance(measure_lines, list) else []
        found[period] = Selection(
            period,
            tuple(str(m) for m in value),
            None if by is None else str(by),
            line,
            tuple(measure_lines) if len(measure_lines) == len(value) else (None,) * len(value),
            None if question in (None, "") else " ".join(str(question).split()),
            meeting,
        )
    return found, problems


def request_for(period: str, root: Path | None = None) -> dict[str, str | None] | None:
    """Who asked for this month's deep dive, their question and the clinic date, if recorded."""
    selections, _ = read_selections(root)
    chosen = selections.get(period)
    return chosen.request() if chosen else None


def _suggestion(measure_id: str, catalogue: Catalogue) -> str:
    close = difflib.get_close_matches(measure_id, catalogue.ids, n=1, cutoff=0.6)
    hint = f"Did you mean '{close[0]}'? " if close else ""
    return f"{hint}Use an id from data/measures.yml (`tracker select --help` shows how)."


def check_selections(
    catalogue: Catalogue, root: Path | None = None, period: str | None = None
) -> list[Problem]:
    """Problems in selections.yml: unreadable entries, and unknown or repeated measures (in the
    given month's entry only, when a period is given)."""
    selections, problems = read_selections(root)
    name = selections_path(root).name
    for selection in selections.values():
        if period is not None and selection.period != period:
            continue
        seen: set[str] = set()
        for measure_id, line in zip(selection.measures, selection.measure_lines, strict=True):
            found = None
            if measure_id not in catalogue:
                found = (
                    f"the {selection.period} deep dive names '{measure_id}', which is not a "
                    "measure in the catalogue.",
                    _suggestion(measure_id, catalogue),
                    "error",
                )
            elif measure_id in seen:
                found = (
                    f"'{measure_id}' is listed twice for {selection.period}.",
                    "Remove the second entry.",
                    "warning",
                )
            if found:
                message, fix, severity = found
                where = line or selection.line
                problems.append(
                    Problem(name, where, "measures", measure_id, message, fix, severity=severity)
                )
            seen.add(measure_id)
    return problems


def for_period(period: str, root: Path | None = None) -> list[str]:
    """The measures chosen for this month's deep dive, in the order given, once each."""
    selections, _ = read_selections(root)
    chosen = selections.get(period)
    return list(dict.fromkeys(chosen.measures)) if chosen else []


def add_selection(
    period: str,
    measure_ids: list[str],
    catalogue: Catalogue,
    requested_by: str | None = None,
    root: Path | None = None,
    question: str | None = None,
    meeting: str | dt.date | None = None,
) -> Selection:
    """Add measures to a month's deep dive; the file is rewritten whole or not at all."""
    month = format_period(period)
    day = None
    if meeting not in (None, ""):
        day = read_day(meeting)
        if day is None:
            raise SelectionError(
                f"--meeting '{meeting}' is not a date. Write the clinic date as YYYY-MM-DD."
            )
    unknown = [m for m in measure_ids if m not in catalogue]
    if unknown:
        raise SelectionError(
            "\n".join(
                f"'{m}' is not a measure in the catalogue. {_suggestion(m, catalogue)}"
                for m in unknown
            )
        )
    problems = [p for p in check_selections(catalogue, root) if p.is_error]
    if problems:
        raise SelectionError(
            "Fix data/selections.yml first:\n" + "\n".join(f"  {p}" for p in problems)
        )
    selections, _ = read_selections(root)
    old = selections.get(month)
    measures = list(dict.fromkeys([*(old.measures if old else ()), *measure_ids]))
    by = requested_by or (old.requested_by if old else None)
    asked = " ".join(question.split()) if question else (old.question if old else None)
    day = day or (old.meeting if old else None)
    selections[month] = Selection(month, tuple(measures), by, question=asked, meeting=day)
    _write(selections, selections_path(root))
    return selections[month]


def _write(selections: dict[str, Selection], path: Path) -> None:
    dives: dict[str, object] = {}
    for month in sorted(selections):
        s = selections[month]
        entry: dict[str, object] = {}
        if s.requested_by:
            entry["requested_by"] = s.requested_by
        if s.question:
            entry["question"] = s.question
        if s.meeting:
            entry["meeting"] = s.meeting.isoformat()
        entry["measures"] = list(s.measures)
        dives[month] = entry
    text = HEADER + yaml.safe_dump({"deep_dives": dives}, sort_keys=False, allow_unicode=True)
    replace_file(path, text)
