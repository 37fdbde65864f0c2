"""Start a project for another council (`tracker init`): its settings, nothing of the demo.

A council adopting Vision Tracker needs the project's shared parts (the catalogue, the book's
settings, the chapters, the Typst template, the published benchmarks for every authority) and
none of the demo's own world: its extracts, selections, Council Plan rows, rebases, tracker-set
wording, population and targets. Missing one by hand would put a demo rebase or Council Plan row
into another council's pack, so init writes the new project from the list below and nothing else.

The project is written into a temporary folder beside DIR, read back with the same checks
`tracker load` and `tracker build` use, and only then moved into place: an error leaves nothing.
The code is not copied: the installed package serves every project folder.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from helpers import paths
from helpers.analysis.month import read_process_changes
from helpers.files import compose_yaml, load_yaml
from helpers.inputs import population
from helpers.inputs.catalogue import CatalogueError, load_catalogue
from helpers.inputs.council import (
    AUTHORITIES_FILE,
    Authority,
    CouncilError,
    load_council,
    read_authorities,
)
from helpers.inputs.council_plan import COLUMNS as COUNCIL_PLAN_COLUMNS
from helpers.inputs.council_plan import CouncilPlanError, read_council_plan
from helpers.inputs.selections import HEADER as SELECTIONS_HEADER
from helpers.inputs.selections import SelectionError, read_selections
from helpers.inputs.tracker_sets import TrackerSetError, read_tracker_sets
from helpers.pack.chapters import ChapterError, plan_chapters, read_quarto_config
from helpers.periods import add_months
from helpers.workflows import project_files

#: Copied as they stand: the book, the chapters, the template.
COPIED_FOLDERS = ("notebooks", "_extensions")
COPIED_FILES = ("_quarto.yml",)
#: Copied as they stand from data/: the themes and the all-authority tables with their sources.
COPIED_DATA = (
    "themes.yml",
    "benchmarks.csv",
    "benchmark_sources.csv",
    "benchmarks.md",
    AUTHORITIES_FILE,
    population.ALL_FILE,
)
#: Never copied from a folder that is copied (editor and Python leftovers).
IGNORED = shutil.ignore_patterns(".*", "__pycache__", "*.pyc")
TARGET_NOTE = (
    "No target yet: add the council's own (target: a number in the measure's unit) and say "
    "here who set it."
)
MONTHS_TO_FIRST_REVIEW = 6
ONS_CODE = re.compile(r"^[A-Z]\d{8}$", re.IGNORECASE)


class InitError(ValueError):
    """The project cannot be started; nothing was written. The message says what to do."""

    exit_code = 2


@dataclass(frozen=True)
class NewProject:
    """What `tracker init` made, for the command to report."""

    folder: Path
    council: Authority
    neighbour_names: tuple[str, ...]
    commission_set: bool
    population_years: tuple[int, ...]
    tracker_measures: int
    targets_cleared: int
    plan_refs_cleared: int
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- which council


def nearest_by_name(text: str, authorities: dict[str, Authority], n: int = 5) -> list[Authority]:
    """Authorities whose names are closest to the text: containing it first, then alike."""
    wanted = text.strip().lower()
    if not wanted:
        return []
    by_name = {a.name.lower(): a for a in authorities.values()}
    containing = [a for name, a in sorted(by_name.items()) if wanted in name]
    alike = difflib.get_close_matches(wanted, list(by_name), n=n, cutoff=0.5)
    found = containing + [by_name[name] for name in alike if by_name[name] not in containing]
    return found[:n]


def nearest_by_code(text: str, authorities: dict[str, Authority], n: int = 5) -> list[Authority]:
    """Authorities whose DfE or ONS codes are closest to a code that matched none."""
    wanted = text.strip().upper()
    codes = {a.la_code: a for a in authorities.values()}
    codes.update({a.ons_code.upper(): a for a in authorities.values()})
    alike = difflib.get_close_matches(wanted, list(codes), n=n * 2, cutoff=0.6)
    found: list[Authority] = []
    for code in alike:
        if codes[code] not in found:
            found.append(codes[code])
    return found[:n]


def find_authority(code: str, authorities: dict[str, Authority], where: Path) -> Authority:
    """The authority with this DfE old LA code or ONS code; InitError with the nearest if none."""
    given = str(code).strip()
    if given in authorities:
        return authorities[given]
    for authority in authorities.values():
        if given.upper() == authority.ons_code.upper():
            return authority
    is_code = given.isdigit() or bool(ONS_CODE.match(given))
    near = nearest_by_code(given, authorities) if is_code else []
    near += [a for a in nearest_by_name(given, authorities) if a not in near]
    suggestions = "; ".join(f"{a.name} ({a.la_code}, {a.ons_code})" for a in near[:5])
    problem = (
        f"no English authority has this code in {where}"
        if is_code
        else "give the council's DfE old LA code or ONS code, not its name"
    )
    hint = (
        f"Nearest: {suggestions}."
        if suggestions
        else f"Find the council's name in {where} (la_name) and use its old_la_code."
    )
    raise InitError(
        f"--council {given!r}: {problem}. {hint} Run again with the council's code, e.g. "
        "`tracker init DIR --council 383` for Leeds. Nothing was written."
    )


# ---------------------------------------------------------------- the catalogue without targets


def _line_span(key_node, value_node) -> tuple[int, int]:
    """The 0-based lines [first, last] a `key: value` entry occupies in block YAML."""
    end = value_node.end_mark
    last = end.line - 1 if end.column == 0 and end.line > key_node.start_mark.line else end.line
    return key_node.start_mark.line, last


def _measure_entries(text: str) -> tuple[dict, list[str], list[dict]]:
    """measures.yml read three ways: its data, its lines, and each entry's key and value nodes.

    A flow-style entry (`- {id: a, ...}`) has no lines of its own for a key; the callers check
    what they wrote back against the data and refuse rather than mangle it.
    """
    root = compose_yaml(text)
    measures_node = next(v for k, v in root.value if k.value == "measures")
    entries = [{k.value: (k, v) for k, v in item.value} for item in measures_node.value]
    return load_yaml(text), text.splitlines(keepends=True), entries


def clear_targets(text: str) -> tuple[str, int]:
    """measures.yml's text with every target removed and target_note saying none is set.

    Edited line by line from the YAML's own positions, so the file's comments and every other
    field (rolling_months, spc_method, annex_a, ...) stay exactly as written. The result is read
    back and must equal the original with only those changes.
    """
    data, lines, entries = _measure_entries(text)
    remove: set[int] = set()
    replace: dict[int, str] = {}
    cleared = 0
    for keys in entries:
        if "target" not in keys:
            continue
        cleared += 1
        target_key, target_value = keys["target"]
        indent = " " * target_key.start_mark.column
        note = f"{indent}target_note: {project_files.scalar(TARGET_NOTE)}\n"
        first, last = _line_span(target_key, target_value)
        remove.update(range(first, last + 1))
        if "target_note" in keys:
            note_first, note_last = _line_span(*keys["target_note"])
            remove.update(range(note_first, note_last + 1))
            replace[note_first] = note
        else:
            replace[first] = note
    out = [replace.get(i, line) for i, line in enumerate(lines) if i not in remove or i in replace]
    new_text = "".join(out)
    expected = [
        {**{k: v for k, v in m.items() if k != "target"}, "target_note": TARGET_NOTE}
        if "target" in m
        else m
        for m in data["measures"]
    ]
    if load_yaml(new_text) != {**data, "measures": expected}:
        raise InitError(
            "data/measures.yml: its targets could not be cleared line by line (an entry written "
            "in flow style or over several lines?). Write each measure's target on a line of its "
            "own and run again. Nothing was written."
        )
    return new_text, cleared


def clear_plan_refs(text: str) -> tuple[str, int]:
    """measures.yml's text with every council_plan_ref removed.

    The references number the demo council's own Council Plan report ('CP 1.1'); another
    council's plan numbers its measures its own way, and a reference left behind would print a
    Council Plan page for a report that council never published. Edited line by line, as
    clear_targets does, and read back to prove nothing else changed.
    """
    data, lines, entries = _measure_entries(text)
    remove: set[int] = set()
    for keys in entries:
        if "council_plan_ref" in keys:
            first, last = _line_span(*keys["council_plan_ref"])
            remove.update(range(first, last + 1))
    new_text = "".join(line for i, line in enumerate(lines) if i not in remove)
    expected = [{k: v for k, v in m.items() if k != "council_plan_ref"} for m in data["measures"]]
    if load_yaml(new_text) != {**data, "measures": expected}:
        raise InitError(
            "data/measures.yml: its Council Plan references could not be removed line by line "
            "(an entry written in flow style or over several lines?). Write each measure's "
            "council_plan_ref on a line of its own and run again. Nothing was written."
        )
    return new_text, sum(1 for m in data["measures"] if "council_plan_ref" in m)


# ---------------------------------------------------------------- where the project goes


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_target(target: Path, source: Path, force: bool) -> None:
    """DIR must be new or empty; with --force it may hold anything but the project init reads."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file, not a folder. Choose another. Nothing was written.")
    if _is_within(source, target) or any(
        _is_within(target, source / name) for name in ("data", *COPIED_FOLDERS, "src", "output")
    ):
        raise InitError(
            f"{target} is, or holds, the project `tracker init` copies from ({source}). Choose a "
            "folder outside it (or a new folder of its own inside it). Nothing was written."
        )
    if target.is_dir() and any(target.iterdir()) and not force:
        shown = sorted(p.name for p in target.iterdir())
        more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
        raise InitError(
            f"{target} is not empty (it holds {', '.join(shown[:5])}{more}). Choose a new or "
            "empty folder, or add --force to replace everything in it. Nothing was written."
        )


def _move_into_place(built: Path, target: Path) -> None:
    """Swap the finished folder in; an existing DIR (empty, or --force) goes only once it has."""
    if not target.exists():
        os.replace(built, target)
        return
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(built, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- writing it


def _starting_measures(source: Path) -> list[str]:
    """The measures of the tracker set in force in the project init copies from."""
    try:
        catalogue = load_catalogue(paths.catalogue_path(source))
        sets = read_tracker_sets(source, catalogue)
    except (CatalogueError, CouncilError, TrackerSetError) as exc:
        raise InitError(
            f"The project init copies from ({source}) cannot be read: {exc}\nNothing was written."
        ) from None
    return list(sets[-1].measures)


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class _Written:
    targets_cleared: int
    plan_refs_cleared: int
    tracker_measures: int
    population_years: tuple[int, ...]
    notes: list[str]


def _populate(
    root: Path,
    source: Path,
    authority: Authority,
    commission: str | None,
    measures: list[str],
    today: dt.date,
) -> _Written:
    """Write the whole project into `root` (a new, empty folder); `measures`: the tracker's."""
    for name in COPIED_FOLDERS:
        shutil.copytree(source / name, root / name, ignore=IGNORED)
    for name in COPIED_FILES:
        shutil.copy2(source / name, root / name)
    data, source_data = root / "data", paths.data_dir(source)
    data.mkdir()
    for name in COPIED_DATA:
        if not (source_data / name).exists():
            raise InitError(
                f"{source_data / name}: not found; `tracker init` copies it into every new "
                "project. Restore it from git (or make it with data/scripts/make_benchmarks.py). "
                "Nothing was written."
            )
        shutil.copy2(source_data / name, data / name)
    measures_text, cleared = clear_targets(paths.catalogue_path(source).read_text(encoding="utf-8"))
    measures_text, refs_cleared = clear_plan_refs(measures_text)
    _write(data, "measures.yml", measures_text)
    authorities = read_authorities(data / AUTHORITIES_FILE)
    names = [authorities[c].name for c in authority.neighbours]
    _write(data, "council.yml", project_files.council_yml(authority, names, commission, today))
    review = add_months(today, MONTHS_TO_FIRST_REVIEW)
    _write(data, "tracker_sets.yml", project_files.tracker_sets_yml(measures, today, review))
    _write(data, "selections.yml", SELECTIONS_HEADER + "deep_dives: {}\n")
    _write(data, "council_plan.csv", ",".join(COUNCIL_PLAN_COLUMNS) + "\n")
    plan_notes = source_data / "council_plan.md"
    if plan_notes.exists():
        text = plan_notes.read_text(encoding="utf-8")
        _write(data, "council_plan.md", project_files.council_plan_md(text))
    _write(data, "process_changes.yml", project_files.PROCESS_CHANGES_YML)
    _write(data, "extracts/README.md", project_files.EXTRACTS_README_MD)
    estimates = population.read_all(data / population.ALL_FILE).get(authority.la_code, [])
    _write(
        data,
        population.FILE_NAME,
        population.council_csv(estimates, authority.name, authority.ons_code),
    )
    notes = []
    if not estimates:
        where = Path("data") / population.FILE_NAME
        notes.append(population.missing_message(where, authority.name))
    _write(root, "README.md", project_files.readme_md(authority, today))
    _write(root, ".gitignore", project_files.GITIGNORE)
    return _Written(
        cleared, refs_cleared, len(measures), tuple(e.mid_year for e in estimates), notes
    )


def _read_back(root: Path) -> None:
    """The new project must pass the checks `tracker load` and `tracker build` make."""
    try:
        catalogue = load_catalogue(paths.catalogue_path(root))
        load_council(paths.data_dir(root) / "council.yml")
        read_tracker_sets(root, catalogue)
        _, problems = read_selections(root)
        read_council_plan(root, catalogue)
        config = read_quarto_config(root / "_quarto.yml")
        plan_chapters(config, root / "notebooks", catalogue.themes)
    except (
        CatalogueError,
        CouncilError,
        TrackerSetError,
        SelectionError,
        CouncilPlanError,
        ChapterError,
    ) as exc:
        raise InitError(f"The new project did not pass its own checks: {exc}") from None
    if problems or not read_process_changes(root).empty:
        raise InitError("The new project's selections or process changes are not empty.")


def init_project(
    target: Path,
    code: str,
    commission: str | None = None,
    *,
    force: bool = False,
    source: Path | None = None,
    today: dt.date | None = None,
) -> NewProject:
    """Make a clean project for the council with this code in `target` (see the module's doc)."""
    try:
        source = (source or paths.project_root()).resolve()
    except FileNotFoundError as exc:
        raise InitError(
            f"{exc} `tracker init` copies the catalogue, chapters and published tables from the "
            "project it is run in: run it from the Vision Tracker repository. Nothing was written."
        ) from None
    target = Path(target).expanduser().resolve()
    today = today or dt.date.today()
    try:
        authorities = read_authorities(paths.data_dir(source) / AUTHORITIES_FILE)
    except CouncilError as exc:
        raise InitError(f"{exc} Nothing was written.") from None
    authority = find_authority(code, authorities, paths.data_dir(source) / AUTHORITIES_FILE)
    if commission is not None:
        commission = " ".join(commission.split())
        if not commission:
            raise InitError(
                "--commission is empty: give the scrutiny commission's name, or leave the option "
                "out and write it in data/council.yml later. Nothing was written."
            )
    _check_target(target, source, force)
    measures = _starting_measures(source)  # reads the source's catalogue and sets, checked
    # Folders above DIR that init creates go again if it fails (they held nothing before).
    created = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.init-"))
    try:
        written = _populate(built, source, authority, commission, measures, today)
        _read_back(built)
        built.chmod(0o777 & ~_umask())
        _move_into_place(built, target)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        if created:
            shutil.rmtree(created[-1], ignore_errors=True)
        raise
    return NewProject(
        folder=target,
        council=authority,
        neighbour_names=tuple(authorities[c].name for c in authority.neighbours),
        commission_set=commission is not None,
        population_years=written.population_years,
        tracker_measures=written.tracker_measures,
        targets_cleared=written.targets_cleared,
        plan_refs_cleared=written.plan_refs_cleared,
        notes=written.notes,
    )


def _umask() -> int:
    """The process's umask (mkdtemp makes a private folder; the project gets normal rights)."""
    current = os.umask(0)
    os.umask(current)
    return current
