"""The Council Plan cross-check: published values beside the tracker's, with revisions explained."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import ROOT, make_project

from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.council_plan import CouncilPlanError, read_council_plan
from helpers.pack.build import BuildError, build_pack

CATALOGUE = load_catalogue(ROOT / "data" / "measures.yml")
COLUMNS = [
    "quarter",
    "council_plan_ref",
    "measure_id",
    "published_value",
    "tracker_value",
    "agrees",
    "explained_by_revision",
]


def _markdown(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(
        o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", [])
    )


@pytest.fixture(scope="module")
def september(tmp_path_factory: pytest.TempPathFactory, demo_store: Path) -> Path:
    """A quarter-end demo pack (September 2026) with the Council Plan chapter."""
    folder = tmp_path_factory.mktemp("cp")
    project = make_project(folder / "project", ["council-plan.ipynb"])
    result = build_pack(
        "2026-09", root=project, store_path=demo_store, output=folder / "out", render=False
    )
    return result.folder


def test_quarter_end_pack_flags_the_disagreement_and_explains_the_revision(september: Path) -> None:
    check = pd.read_csv(september / "data" / "council_plan_check.csv", dtype={"quarter": str})
    assert list(check.columns) == COLUMNS
    published = read_council_plan(ROOT, CATALOGUE)
    assert len(check) == (published["quarter"] == "2026-09").sum()
    assert (check["quarter"] == "2026-09").all()
    check = check.set_index("measure_id")
    # The deliberate disagreement: flagged, not explained.
    assert not check.loc["cl_eet_19_21", "agrees"]
    assert not check.loc["cl_eet_19_21", "explained_by_revision"]
    # The revision in the October file: published before it, so explained.
    assert not check.loc["cp_visit_timely", "agrees"]
    assert check.loc["cp_visit_timely", "explained_by_revision"]
    others = check.drop(index=["cl_eet_19_21", "cp_visit_timely"])
    assert others["agrees"].all() and not others["explained_by_revision"].any()
    # The tracker's figure is the store's latest for the quarter-end month.
    observations = pd.read_csv(september / "data" / "observations.csv", dtype={"period": str})
    sept = observations[observations["period"] == "2026-09"].set_index("measure_id")["value"]
    for measure_id, row in check.iterrows():
        assert row["tracker_value"] == sept[measure_id]

    text = _markdown(september / "notebooks" / "council-plan.ipynb")
    assert "9 of 11 agree to within the report's rounding" in text
    eet = CATALOGUE["cl_eet_19_21"].short_title
    visits = CATALOGUE["cp_visit_timely"].short_title
    assert f"**CP 1.8 {eet}**: the report printed 53.7% but the tracker's figure is 51.7%" in text
    assert f"**CP 1.11 {visits}**: the report printed 96.8%" in text
    assert (
        "published on 28 October 2026 changed it to 99.7%, so the difference is explained" in text
    )


def test_other_months_say_when_the_next_check_is(demo_pack) -> None:
    text = _markdown(demo_pack.folder / "notebooks" / "council-plan.ipynb")
    assert "The next check is in the pack for December 2026." in text
    assert not (demo_pack.folder / "data" / "council_plan_check.csv").exists()


BAD = [
    ("2026-09,CP 1.8,cl_eet_19_21,53.7,", "2026-08,CP 1.8,cl_eet_19_21,53.7,", "quarter"),
    ("2026-09,CP 1.8,cl_eet_19_21,53.7,", "2026-09,CP 1.8,cl_eet_1921,53.7,", "measure_id"),
    ("2026-09,CP 1.8,cl_eet_19_21,53.7,", "2026-09,CP 1.9,cl_eet_19_21,53.7,", "council_plan_ref"),
    (
        "2026-09,CP 1.8,cl_eet_19_21,53.7,",
        "2026-09,CP 1.8,cl_eet_19_21,about 54,",
        "published_value",
    ),
    ("cl_eet_19_21,53.7,2026-10-28", "cl_eet_19_21,53.7,28/10/2026", "report_date"),
    ("cl_eet_19_21,53.7,2026-10-28", "cl_eet_19_21,53.7,2026-09-15", "report_date"),
]


@pytest.mark.parametrize(("old", "new", "column"), BAD)
def test_a_bad_file_names_line_and_column_and_stops_the_build(
    tmp_path: Path, demo_store: Path, old: str, new: str, column: str
) -> None:
    project = make_project(tmp_path / "project", ["how-to-read.qmd"])
    path = project / "data" / "council_plan.csv"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if new in ln)
    with pytest.raises(CouncilPlanError) as error:
        read_council_plan(project, CATALOGUE)
    assert f"council_plan.csv, line {line}, column '{column}'" in str(error.value)
    with pytest.raises(BuildError, match=f"line {line}, column '{column}'") as stopped:
        build_pack("2026-10", root=project, store_path=demo_store, output=tmp_path / "out")
    assert stopped.value.exit_code == 2
    assert not (tmp_path / "out" / "2026-10").exists()


def test_the_cli_build_exits_2_on_a_bad_file(tmp_path: Path, demo_store: Path) -> None:
    import os
    import subprocess
    import sys

    project = make_project(tmp_path / "project", ["how-to-read.qmd"])
    shutil.copy2(ROOT / "data" / "council_plan.csv", project / "data" / "council_plan.csv")
    path = project / "data" / "council_plan.csv"
    path.write_text(path.read_text().replace("quarter,", "quater,", 1))
    run = subprocess.run(
        [str(Path(sys.executable).with_name("tracker")), "build", "--store", str(demo_store)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "TRACKER_HOME": str(project)},
    )
    assert run.returncode == 2
    assert "council_plan.csv, line 1: the header lacks quarter" in run.stderr
    assert not (project / "output" / "2026-10").exists()
