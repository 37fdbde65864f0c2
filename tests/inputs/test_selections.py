"""Members' deep-dive picks: checked against the catalogue, added with `tracker select`, and a
mistyped measure stops the build instead of reaching members."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import DEMO_PERIOD, make_project

from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.selections import (
    SelectionError,
    add_selection,
    check_selections,
    for_period,
    read_selections,
)
from helpers.pack.build import BuildError, build_pack

TRACKER = str(Path(sys.executable).with_name("tracker"))
ROOT = Path(__file__).resolve().parents[2]


def project(tmp_path: Path, selections: str | None) -> Path:
    data = tmp_path / "data"
    data.mkdir(parents=True)
    for name in ("measures.yml", "themes.yml"):
        (data / name).write_bytes((ROOT / "data" / name).read_bytes())
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n")
    if selections is not None:
        (data / "selections.yml").write_text(selections, encoding="utf-8")
    return tmp_path


TYPO = """\
# picks
deep_dives:
  "2026-09":
    measures: [reref_12m]
  "2026-10":
    requested_by: Commission
    measures:
      - reref_12m
      - cla_3plus_placement
"""


def test_the_bundled_selections_name_real_measures() -> None:
    assert check_selections(load_catalogue(ROOT / "data" / "measures.yml"), ROOT) == []
    assert for_period("2026-10", ROOT) == ["reref_12m", "cla_3plus_placements"]


def test_a_mistyped_measure_is_named_with_its_line_and_a_suggestion(tmp_path: Path) -> None:
    root = project(tmp_path, TYPO)
    catalogue = load_catalogue(root / "data" / "measures.yml")
    problems = check_selections(catalogue, root, "2026-10")
    assert len(problems) == 1
    text = str(problems[0])
    assert text.startswith("selections.yml, row 9, column 'measures'")
    assert "cla_3plus_placement" in text and "Did you mean 'cla_3plus_placements'?" in text
    # Only the month asked about is checked for measures; both are checked with no month.
    assert check_selections(catalogue, root, "2026-09") == []


def test_entries_that_are_not_months_or_have_no_measures_are_reported(tmp_path: Path) -> None:
    root = project(tmp_path, 'deep_dives:\n  "Octember":\n    - reref_12m\n  "2026-11": {}\n')
    selections, problems = read_selections(root)
    assert selections == {}
    assert [(p.row, p.column) for p in problems] == [(2, "month"), (4, "measures")]


def test_broken_yaml_says_where(tmp_path: Path) -> None:
    root = project(tmp_path, "deep_dives:\n  2026-10: [reref_12m\n")
    with pytest.raises(SelectionError, match=r"selections.yml, line \d: is not valid YAML"):
        read_selections(root)


def test_adding_keeps_earlier_months_and_refuses_unknown_measures(tmp_path: Path) -> None:
    root = project(tmp_path, None)
    catalogue = load_catalogue(root / "data" / "measures.yml")
    add_selection("2026-10", ["reref_12m"], catalogue, "Commission, 2 December", root)
    add_selection("Nov 2026", ["cla_3plus_placements"], catalogue, None, root)
    add_selection("2026-10", ["cin_rate", "reref_12m"], catalogue, None, root)
    before = (root / "data" / "selections.yml").read_bytes()
    with pytest.raises(SelectionError, match="Did you mean 'reref_12m'"):
        add_selection("2026-10", ["reref_12"], catalogue, None, root)
    assert (root / "data" / "selections.yml").read_bytes() == before
    raw = yaml.safe_load(before)["deep_dives"]
    assert raw["2026-10"] == {
        "requested_by": "Commission, 2 December",
        "measures": ["reref_12m", "cin_rate"],
    }
    assert raw["2026-11"] == {"measures": ["cla_3plus_placements"]}
    assert before.decode().startswith("# Measures members picked")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_HOME"}
    return subprocess.run([TRACKER, *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_tracker_select_adds_lists_and_refuses(tmp_path: Path) -> None:
    root = project(tmp_path, None)
    added = run(["select", "2026-10", "reref_12m", "--by", "Commission"], root)
    assert added.returncode == 0, added.stderr
    assert "deep dive now covers: reref_12m" in added.stdout
    listed = run(["select", "2026-10"], root)
    assert listed.returncode == 0 and "reref_12m: " in listed.stdout
    wrong = run(["select", "2026-10", "re_ref"], root)
    assert wrong.returncode == 2
    assert "Nothing was changed" in wrong.stderr and "not a measure" in wrong.stderr
    assert for_period("2026-10", root) == ["reref_12m"]


def test_a_mistyped_selection_stops_the_build_and_keeps_the_last_pack(
    tmp_path: Path, demo_store: Path
) -> None:
    root = make_project(tmp_path / "project", ["index.ipynb"])
    output = tmp_path / "output"
    earlier = output / DEMO_PERIOD
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text("{}")
    (root / "data" / "selections.yml").write_text(TYPO, encoding="utf-8")
    with pytest.raises(BuildError) as stopped:
        build_pack(DEMO_PERIOD, root=root, store_path=demo_store, output=output, render=False)
    assert stopped.value.exit_code == 2
    assert "row 9" in str(stopped.value) and "cla_3plus_placements" in str(stopped.value)
    assert sorted(p.name for p in output.iterdir()) == [DEMO_PERIOD]
    assert (earlier / "manifest.json").read_text() == "{}"


def test_a_month_listed_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    root = project(tmp_path, 'deep_dives:\n  "2026-10": [reref_12m]\n  "2026-10": [cin_rate]\n')
    with pytest.raises(SelectionError, match="line 3: the month 2026-10 is listed twice"):
        read_selections(root)


def test_one_month_spelt_two_ways_is_reported(tmp_path: Path) -> None:
    root = project(tmp_path, 'deep_dives:\n  "2026-10": [reref_12m]\n  "Oct 2026": [cin_rate]\n')
    selections, problems = read_selections(root)
    assert selections["2026-10"].measures == ("reref_12m",)
    assert [(p.row, p.column) for p in problems] == [(3, "month")]
    assert "already has an entry (line 2)" in problems[0].message
