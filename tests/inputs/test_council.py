"""data/council.yml: the council the pack is for, checked against the English authorities."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO_PERIOD, ROOT, make_project

from helpers.inputs.catalogue import CatalogueError, load_catalogue
from helpers.inputs.council import CouncilError, load_council, possessive, read_authorities

GOOD = """\
name: Leeds
la_code: 383
ons_code: E08000035
region: Yorkshire and The Humber
commission: Children and Families Scrutiny Board
"""


def write(tmp_path: Path, text: str) -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    shutil.copy2(ROOT / "data" / "authorities.csv", data / "authorities.csv")
    path = data / "council.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_council_is_rotherham_with_the_dfe_2025_neighbours() -> None:
    council = load_council(ROOT / "data" / "council.yml")
    assert (council.name, council.la_code, council.ons_code) == ("Rotherham", "372", "E08000018")
    assert council.region_code == "E12000003"
    assert council.neighbour_model == "dfe_2025"
    # sn_model_2025_wide.csv, Rotherham's row (see ../shared/data/dfe/SOURCES.md).
    assert council.neighbours == (
        "370", "357", "371", "384", "894", "332", "807", "394", "390", "840",
    )  # fmt: skip
    assert council.neighbour_names[0] == "Barnsley"


def test_all_153_english_authorities_are_listed() -> None:
    authorities = read_authorities(ROOT / "data" / "authorities.csv")
    assert len(authorities) == 153
    assert all(len(a.neighbours) == 10 for a in authorities.values())
    assert all(n in authorities for a in authorities.values() for n in a.neighbours)
    assert {a.region for a in authorities.values()} >= {"London", "South West", "North East"}


def test_another_council_and_its_own_neighbours(tmp_path: Path) -> None:
    council = load_council(write(tmp_path, GOOD))
    assert council.name == "Leeds" and council.neighbours[0] == "851"
    own = load_council(write(tmp_path, GOOD + "statistical_neighbours: [373, '380', 384]\n"))
    assert own.neighbour_model == "own"
    assert own.neighbours == ("373", "380", "384")
    assert own.neighbour_names == ("Sheffield", "Bradford", "Wakefield")


def test_a_name_ending_in_s_takes_a_bare_apostrophe_wherever_the_pack_writes_it(
    tmp_path: Path,
) -> None:
    """Leeds' neighbours, never Leeds's: the data notes and benchmark captions use one rule."""
    from helpers.report.notes import sources

    leeds = load_council(write(tmp_path, GOOD))
    assert leeds.possessive == "Leeds'"
    assert possessive("Rotherham") == "Rotherham's"

    class Month:
        council = leeds

    text = sources(Month(), demo=True)  # type: ignore[arg-type]
    assert "Leeds' statistical neighbours" in text
    assert "calibrated to Leeds' published annual figures" in text
    assert "Leeds's" not in text


@pytest.mark.parametrize(
    ("change", "key", "fix"),
    [
        (("la_code: 383", "la_code: 999"), "la_code", "three-digit code"),
        (("la_code: 383", "la_code: E08000035"), "la_code", "three-digit code"),
        (("name: Leeds\n", ""), "name", "Write the council's name"),
        (("name: Leeds", "name: ''"), "name", "Write the council's name"),
        (("ons_code: E08000035", "ons_code: E08000018"), "ons_code", "Use E08000035"),
        (("region: Yorkshire and The Humber", "region: North West"), "region", "Use 'Yorkshire"),
        (("commission: Children and Families Scrutiny Board\n", ""), "commission", "Write"),
    ],
)
def test_mistakes_name_the_file_the_key_and_the_fix(tmp_path: Path, change, key, fix) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(CouncilError) as err:
        load_council(path)
    message = str(err.value)
    assert str(path) in message and f"key '{key}'" in message and fix in message


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("statistical_neighbours: [373, 999]\n", "statistical_neighbours (item 2)"),
        ("statistical_neighbours: [373, 383]\n", "statistical_neighbours (item 2)"),
        ("statistical_neighbours: [373, 373]\n", "statistical_neighbours"),
        ("statistical_neighbours: dfe_2021\n", "statistical_neighbours"),
        ("neighbours: [373]\n", "neighbours"),
        ("demo: maybe\n", "demo"),
    ],
)
def test_neighbours_must_be_english_authorities(tmp_path: Path, extra: str, key: str) -> None:
    with pytest.raises(CouncilError, match=re.escape(f"key '{key}'")):
        load_council(write(tmp_path, GOOD + extra))


def test_catalogue_names_the_council_from_its_placeholder(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    for name in ("measures.yml", "themes.yml"):
        shutil.copy2(ROOT / "data" / name, path.with_name(name))
    raw = (ROOT / "data" / "measures.yml").read_text(encoding="utf-8")
    assert "{council}" in raw and "Rotherham" not in raw
    leeds = load_catalogue(path.with_name("measures.yml"))
    assert leeds["cla_out_20mi"].title == (
        "New placements outside Leeds and more than 20 miles from home"
    )
    assert "Leeds" in leeds["cin_rate"].denominator
    assert not any("{" in m.description for m in leeds.measures.values())
    # A mistyped placeholder is reported, not printed to members.
    path.with_name("measures.yml").write_text(
        raw.replace("outside {council}", "outside {councl}"), encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"cla_out_20mi.*'\{councl\}'"):
        load_catalogue(path.with_name("measures.yml"))


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_invalid_council_changes_nothing_and_exits_2(tmp_path: Path, demo_store: Path) -> None:
    project = make_project(tmp_path / "project", ["how-to-read.qmd"])
    output = project / "output" / DEMO_PERIOD
    output.mkdir(parents=True)
    (output / "manifest.json").write_text('{"period": "2026-10"}', encoding="utf-8")
    store = tmp_path / "tracker.duckdb"
    shutil.copy2(demo_store, store)
    council = project / "data" / "council.yml"
    council.write_text(
        council.read_text(encoding="utf-8").replace('la_code: "372"', 'la_code: "999"'),
        encoding="utf-8",
    )
    before_output, before_store = _tree(project / "output"), store.read_bytes()
    env = {**os.environ, "TRACKER_HOME": str(project), "TRACKER_STORE": str(store)}
    tracker = Path(sys.executable).with_name("tracker")
    for args in (["build", "--no-render"], ["load", str(ROOT / "data" / "extracts" / "2026-10")]):
        run = subprocess.run(
            [str(tracker), *args], env=env, cwd=project, capture_output=True, text=True
        )
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "council.yml" in run.stderr and "key 'la_code'" in run.stderr, run.stderr
        assert "'999' is not the DfE old LA code" in run.stderr
    assert _tree(project / "output") == before_output
    assert store.read_bytes() == before_store
