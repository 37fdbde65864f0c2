"""`tracker validate|load|revisions|loads`: what people see and the exit codes scripts rely on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_files import CATALOGUE, write_csv, write_wide_xlsx
from typer.testing import CliRunner

from helpers.cli import app
from helpers.inputs.store import Store

runner = CliRunner()
CAT = ["--catalogue", str(CATALOGUE)]


def good_month(folder: Path, month: str, contacts: str = "100") -> Path:
    return write_csv(
        folder / month / f"social_care_scorecard_{month}.csv",
        [("csc_contacts", month, contacts, "", ""), ("assess_45wd", month, "80%", "80", "100")],
    )


def bad_file(folder: Path) -> Path:
    return write_csv(
        folder / "2026-10" / "early_help_scorecard_2026-10.csv",
        [("eh_contacts", "2026-10", "12,5%", "", ""), ("eh_contact", "2026-10", "5", "", "")],
    )


def state(store_path: Path):
    store = Store(store_path)
    return store.counts(), store.observations(), store_path.read_bytes()


def test_validate_clean_files_exits_0(tmp_path):
    good_month(tmp_path, "2026-09")
    result = runner.invoke(app, ["validate", str(tmp_path), *CAT])
    assert result.exit_code == 0, result.output
    assert "1 file(s) checked: 0 error(s)" in result.output


def test_validate_prints_every_problem_and_exits_2(tmp_path):
    path = bad_file(tmp_path)
    result = runner.invoke(app, ["validate", str(path), *CAT])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert len(lines) == 2
    assert f"{path.name}, row 2, column 'value': \"12,5%\" is not a number." in lines[0]
    assert "row 3, column 'measure_id'" in lines[1] and "Did you mean 'eh_contacts'?" in lines[1]


def test_warnings_are_shown_but_exit_0(tmp_path):
    path = write_csv(
        tmp_path / "social_care_scorecard_2026-10.csv",
        [("csc_contacts", "2026-10", "1", "", "", "x")],
        header=("measure_id", "period", "value", "numerator", "denominator", "comment"),
    )
    result = runner.invoke(app, ["validate", str(path), *CAT])
    assert result.exit_code == 0
    assert "warning" in result.output and "'comment'" in result.output


def test_load_then_reload_then_revise(tmp_path):
    store = tmp_path / "tracker.duckdb"
    good_month(tmp_path / "ex", "2026-09")
    first = runner.invoke(app, ["load", str(tmp_path / "ex"), "--store", str(store), *CAT])
    assert first.exit_code == 0, first.output
    assert "1 file(s) loaded" in first.output and "2 new, 0 revised, 0 unchanged" in first.output
    again = runner.invoke(app, ["load", str(tmp_path / "ex"), "--store", str(store), *CAT])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert "0 file(s) loaded" in again.output and "1 file(s) skipped" in again.output
    write_csv(
        tmp_path / "ex" / "2026-10" / "social_care_scorecard_2026-10.csv",
        [("csc_contacts", "2026-09", "104", "", "")],
    )
    third = runner.invoke(app, ["load", str(tmp_path / "ex"), "--store", str(store), *CAT])
    assert "0 new, 1 revised" in third.output
    revisions = runner.invoke(app, ["revisions", "--store", str(store)])
    assert revisions.exit_code == 0
    assert "csc_contacts" in revisions.output and "104" in revisions.output
    assert (
        "No revisions"
        in runner.invoke(app, ["revisions", "--store", str(store), "--since-load", "3"]).output
    )
    loads = runner.invoke(app, ["loads", "--store", str(store)])
    assert loads.exit_code == 0
    assert "social_care_scorecard_2026-09.csv" in loads.output
    assert "social_care_scorecard_2026-10.csv" in loads.output


def test_bad_load_exits_2_and_changes_nothing(tmp_path):
    store = tmp_path / "tracker.duckdb"
    good_month(tmp_path / "ok", "2026-09")
    assert (
        runner.invoke(app, ["load", str(tmp_path / "ok"), "--store", str(store), *CAT]).exit_code
        == 0
    )
    before = state(store)
    good_month(tmp_path / "new", "2026-10")
    bad_file(tmp_path / "new")
    result = runner.invoke(app, ["load", str(tmp_path / "new"), "--store", str(store), *CAT])
    assert result.exit_code == 2
    assert "Nothing was loaded: 2 error(s)" in result.output
    assert "early_help_scorecard_2026-10.csv, row 2, column 'value'" in result.output
    after = state(store)
    assert after[0] == before[0] and after[1].equals(before[1]) and after[2] == before[2]


def test_empty_store_listings(tmp_path):
    store = tmp_path / "none.duckdb"
    assert "Nothing has been loaded" in runner.invoke(app, ["loads", "--store", str(store)]).output
    assert "No revisions" in runner.invoke(app, ["revisions", "--store", str(store)]).output
    assert not store.exists()


def test_defaults_come_from_the_project_and_tracker_store(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    shutil.copy(CATALOGUE, project / "data" / "measures.yml")
    write_wide_xlsx(
        project / "data" / "extracts" / "2026-10" / "workforce_2026-10.xlsx",
        "2026-10",
        {"sw_caseload": [18.0] * 12},
    )
    store = tmp_path / "elsewhere.duckdb"
    monkeypatch.setenv("TRACKER_HOME", str(project))
    monkeypatch.setenv("TRACKER_STORE", str(store))
    assert runner.invoke(app, ["validate"]).exit_code == 0
    result = runner.invoke(app, ["load"])
    assert result.exit_code == 0, result.output
    assert "12 new" in result.output
    assert Store(store).counts() == {"loads": 1, "observations": 12}
    assert not (project / "data" / "tracker.duckdb").exists()


def tracker_script() -> str:
    script = Path(sys.executable).parent / "tracker"
    found = str(script) if script.exists() else shutil.which("tracker")
    if not found:
        pytest.skip("the tracker console script is not installed in this environment")
    return found


def test_real_tracker_script_exit_codes(tmp_path):
    tracker = tracker_script()
    store = tmp_path / "tracker.duckdb"
    good = good_month(tmp_path / "ok", "2026-09")
    bad = bad_file(tmp_path / "bad")
    env = {**os.environ, "TRACKER_STORE": str(store)}

    def run(*args):
        return subprocess.run(
            [tracker, *args, *CAT], capture_output=True, text=True, env=env, timeout=120
        )

    assert run("validate", str(good)).returncode == 0
    checked = run("validate", str(bad))
    assert checked.returncode == 2 and "row 2, column 'value'" in checked.stdout
    assert run("load", str(good)).returncode == 0
    before = state(store)
    loaded = run("load", str(bad))
    assert loaded.returncode == 2 and "Nothing was loaded" in loaded.stderr
    after = state(store)
    assert after[0] == before[0] and after[2] == before[2]
