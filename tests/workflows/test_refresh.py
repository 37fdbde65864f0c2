"""The six-monthly refresh appends a dated set to tracker_sets.yml; earlier sets stay as written."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import ROOT, make_project

from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.tracker_sets import read_tracker_sets, set_in_force
from helpers.pack.build import BuildError, build_pack
from helpers.workflows.refresh import RefreshError, refresh_tracker

CATALOGUE = load_catalogue(ROOT / "data" / "measures.yml")
TRACKER = str(Path(sys.executable).with_name("tracker"))


def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("measures.yml", "themes.yml", "tracker_sets.yml"):
        (folder / name).write_bytes((ROOT / "data" / name).read_bytes())
    return folder


def test_refresh_appends_an_entry_and_keeps_every_earlier_byte(tmp_path: Path) -> None:
    folder = data(tmp_path)
    before = (folder / "tracker_sets.yml").read_bytes()
    first = read_tracker_sets(tmp_path, CATALOGUE)
    assert "eh_contacts" in first[-1].measures and "cla_dental" not in first[-1].measures
    done = refresh_tracker(
        CATALOGUE, ["cla_dental"], ["eh_contacts"], dt.date(2027, 4, 14), "The commission", tmp_path
    )
    assert done.added == ("cla_dental",) and done.removed == ("eh_contacts",)
    assert done.next_due == dt.date(2027, 10, 14)
    after = (folder / "tracker_sets.yml").read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    sets = read_tracker_sets(tmp_path, CATALOGUE)
    assert len(sets) == len(first) + 1 and sets[:-1] == first
    assert sets[-1].start == dt.date(2027, 4, 14) and sets[-1].agreed_by == "The commission"
    assert "cla_dental" in sets[-1].measures and "eh_contacts" not in sets[-1].measures
    # The month a set applies to: from the month of its date, on.
    assert set_in_force(sets, "2027-03") == first[-1]
    assert set_in_force(sets, "2027-04") == sets[-1]
    assert set_in_force(sets, "2026-01") == first[0]  # before any entry: the earliest on record
    # The measures files are not touched by a refresh any more.
    assert (folder / "measures.yml").read_bytes() == (ROOT / "data" / "measures.yml").read_bytes()


@pytest.mark.parametrize(
    ("add", "remove", "on", "by", "message"),
    [
        (["no_such"], [], dt.date(2027, 4, 1), "x", "Not in the catalogue"),
        (["cla_dental"], ["cla_dental"], dt.date(2027, 4, 1), "x", "Both added"),
        (["cla_dental"], [], dt.date(2026, 9, 30), "x", "must start after it"),
        (["cla_dental"], [], dt.date(2026, 10, 1), "x", "must start after it"),
        (["cla_dental"], [], dt.date(2027, 4, 1), " ", "Say who agreed"),
        (["reref_12m"], [], dt.date(2027, 4, 1), "x", "Already in the current set"),
    ],
)
def test_refusals_change_nothing(tmp_path: Path, add, remove, on, by, message) -> None:
    folder = data(tmp_path)
    files = {p: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(RefreshError, match=message):
        refresh_tracker(CATALOGUE, add, remove, on, by, tmp_path)
    assert {p: p.read_bytes() for p in folder.iterdir()} == files


BAD_ENTRIES = [
    ("    measures:\n      - eh_contacts\n", "    measures:\n      - eh_contcts\n", "eh_contacts"),
    ("  - from: 2026-10-01\n", "  - from: 1 October 2026\n", "YYYY-MM-DD"),
    ("\n    agreed_by: the", "\n    agreed_bye: the", "unknown key 'agreed_bye'"),
    ("    next_review: 2027-04-01\n", "    next_review: 2026-04-01\n", "not after its start"),
]


@pytest.mark.parametrize(("old", "new", "fix"), BAD_ENTRIES)
def test_bad_entries_name_file_line_and_fix_and_the_commands_change_nothing(
    tmp_path: Path, old: str, new: str, fix: str
) -> None:
    folder = data(tmp_path)
    path = folder / "tracker_sets.yml"
    text = path.read_text()
    assert old in text
    bad_text = text.replace(old, new, 1)
    path.write_text(bad_text)
    lines = bad_text.splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if ln.startswith(new.splitlines()[-1]))
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n")
    files = {p: p.read_bytes() for p in folder.iterdir()}
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_HOME"}
    for args in (
        ["refresh"],
        ["refresh", "--add", "cla_dental", "--on", "2027-04-14", "--by", "x"],
    ):
        run = subprocess.run(
            [TRACKER, *args], cwd=tmp_path, capture_output=True, text=True, env=env
        )
        assert run.returncode == 2, run.stdout + run.stderr
        assert f"tracker_sets.yml, line {line}" in run.stderr and fix in run.stderr, run.stderr
    assert {p: p.read_bytes() for p in folder.iterdir()} == files


def test_tracker_refresh_command_lists_and_records(tmp_path: Path) -> None:
    folder = data(tmp_path)
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n")
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_HOME"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [TRACKER, "refresh", *args], cwd=tmp_path, capture_output=True, text=True, env=env
        )

    listed = run()
    assert listed.returncode == 0 and "Early help: 4 of 8 measures" in listed.stdout
    done = run("--add", "cla_dental", "--on", "2027-04-14", "--by", "Commission, 14 April 2027")
    assert done.returncode == 0, done.stderr
    assert "added: cla_dental" in done.stdout and "next review by October 2027" in done.stdout
    assert "Current set, from 2027-04-14: 25 measures" in done.stdout
    bad = run("--on", "14/04/2027", "--add", "cla_pep", "--by", "x")
    assert bad.returncode == 2 and "Nothing was changed" in bad.stderr
    earlier = run("--on", "2027-01-01", "--add", "cla_pep", "--by", "x")
    assert earlier.returncode == 2 and "must start after it" in earlier.stderr
    assert "next_review: 2027-10-14" in (folder / "tracker_sets.yml").read_text()


def test_the_pack_says_who_agreed_the_set_and_when_the_review_is_overdue() -> None:
    from types import SimpleNamespace

    from helpers.report.glance import tracker_review

    chosen = {
        "from": "2026-10-01",
        "agreed_by": "The <b>commission</b>",
        "next_review": "2027-04-01",
    }
    on_time = tracker_review(SimpleNamespace(tracker_set=chosen, period="2027-02"))
    assert "agreed on 1 October 2026 by The \\<b\\>commission\\</b\\>" in on_time
    assert "next six-monthly review is due by 1 April 2027" in on_time
    late = tracker_review(SimpleNamespace(tracker_set=chosen, period="2027-04"))
    assert "was due by 1 April 2027 and has not been recorded yet" in late


def _glance(folder: Path) -> str:
    nb = nbformat.read(folder / "notebooks" / "index.ipynb", as_version=4)
    return "\n".join(
        o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", [])
    )


def test_a_refresh_changes_later_months_only(tmp_path: Path, demo_store: Path) -> None:
    """Real builds after a mid-October refresh: September keeps its set, October has the new."""
    project = make_project(tmp_path / "project", ["index.ipynb"])
    output = tmp_path / "output"
    original = read_tracker_sets(project, CATALOGUE)[-1]
    refresh_tracker(
        CATALOGUE, ["cla_dental"], ["eh_contacts"], dt.date(2026, 10, 15), "Commission", project
    )
    build_pack("2026-09", root=project, store_path=demo_store, output=output, render=False)
    build_pack("2026-10", root=project, store_path=demo_store, output=output, render=False)
    sep = pd.read_csv(output / "2026-09" / "data" / "verdicts.csv").set_index("measure_id")
    oct_ = pd.read_csv(output / "2026-10" / "data" / "verdicts.csv").set_index("measure_id")
    # The rebuilt September has exactly the set that was in force then.
    assert set(sep.index[sep["tracker"]]) == set(original.measures)
    assert set(oct_.index[oct_["tracker"]]) == (set(original.measures) | {"cla_dental"}) - {
        "eh_contacts"
    }
    dental = CATALOGUE["cla_dental"].short_title

    def tracker_table(folder: Path) -> str:
        return next(p for p in _glance(folder).split("\n\n: ") if "| Measure |" in p)

    assert dental in tracker_table(output / "2026-10")
    assert dental not in tracker_table(output / "2026-09")
    assert "agreed on 15 October 2026 by Commission" in _glance(output / "2026-10")
    assert "agreed on 1 October 2026" in _glance(output / "2026-09")


def test_a_broken_sets_file_stops_the_build(tmp_path: Path, demo_store: Path) -> None:
    project = make_project(tmp_path / "project", ["index.ipynb"])
    path = project / "data" / "tracker_sets.yml"
    path.write_text(path.read_text().replace("- reref_12m", "- reref_12mm"))
    with pytest.raises(BuildError, match=r"tracker_sets.yml, line \d+.*reref_12mm.*reref_12m"):
        build_pack("2026-09", root=project, store_path=demo_store, output=tmp_path / "o")
    assert not (tmp_path / "o" / "2026-09").exists()
