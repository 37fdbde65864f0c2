"""`tracker init`: a new council's project from nothing, with nothing of the demo left in it.

The end-to-end test runs the real command line in child processes, as a council would: init
Leeds (383) from this repository, write a small extract of its own (two measures, 34 months),
then `tracker load` and `tracker build --no-render` from inside the new folder. The chapters must
name Leeds, its region and neighbours; no file in the project may name the demo council except
the all-authority tables; no demo selection, rebase, Council Plan row or tracker-set wording may
survive. The refusals (an unknown code, a non-empty folder) must change nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import ROOT, make_project
from typer.testing import CliRunner

from helpers.cli import app
from helpers.files import load_yaml
from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.council import load_council, read_authorities
from helpers.inputs.placeholders import MARK, unset_warnings
from helpers.inputs.validation import check_paths
from helpers.report.markdown import escape
from helpers.workflows import new_project
from helpers.workflows.new_project import (
    TARGET_NOTE,
    InitError,
    clear_plan_refs,
    clear_targets,
    init_project,
)

LEEDS = "383"
PERIOD = "2026-09"
#: The two measures of Leeds's own extract, with a plausible level for each.
EXTRACT = {"reref_12m": 22.0, "csc_contacts": 1900}
#: The all-authority tables (and their sources), which name every council, the demo's too.
ALL_AUTHORITY = {
    "data/benchmarks.csv",
    "data/benchmark_sources.csv",
    "data/benchmarks.md",
    "data/authorities.csv",
    "data/authority_population.csv",
}
#: Words only the demo's own files hold (its council, commission, selections, rebase, tracker
#: set, Council Plan rows and extracts).
DEMO_WORDS = (
    "rotherham",
    "e08000018",  # Rotherham's ONS code
    "improving lives",  # the demo's commission
    "recorded before the dated sets",
    "meeting not noted",
    "migrated from the `tracker: true` flags",
    "why are re-referrals rising",  # the demo's deep-dive question
    "performance clinic of 2 december 2026",
    "new multi-agency safeguarding hub (mash) model",  # the demo's rebase
    "synthetic demonstration data",
)


def tracker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command line, run as a council would: from a folder, no overrides."""
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_HOME", "TRACKER_STORE")}
    code = "from helpers.cli import app; app(prog_name='tracker')"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def write_extract(folder: Path) -> Path:
    """34 months (December 2023 to September 2026) of two measures, seeded."""
    import numpy as np

    rng = np.random.default_rng(383)
    months = pd.period_range(end=PERIOD, periods=34, freq="M").astype(str)
    folder.mkdir(parents=True)
    path = folder / "leeds-scorecard.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["measure_id", "period", "value", "numerator", "denominator"])
        for month in months:
            referrals = int(rng.integers(480, 560))
            again = int(round(referrals * rng.normal(EXTRACT["reref_12m"] / 100, 0.015)))
            out.writerow(["reref_12m", month, round(100 * again / referrals, 1), again, referrals])
            out.writerow(["csc_contacts", month, int(rng.poisson(EXTRACT["csc_contacts"])), "", ""])
    return path


@pytest.fixture(scope="module")
def leeds(tmp_path_factory: pytest.TempPathFactory):
    """Leeds's project, initialised, loaded and built from inside its folder."""
    folder = tmp_path_factory.mktemp("councils") / "leeds"
    made = tracker("init", str(folder), "--council", LEEDS, cwd=ROOT)
    assert made.returncode == 0, made.stderr
    files_after_init = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    write_extract(folder / "data" / "extracts" / PERIOD)
    loaded = tracker("load", "data/extracts", cwd=folder)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    built = tracker("build", "--no-render", cwd=folder)
    assert built.returncode == 0, built.stdout + built.stderr
    return folder, made, files_after_init, built


def notebook_text(path: Path) -> str:
    """Everything in an executed notebook: sources and every output."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.extend(str(v) for v in output.get("data", {}).values())
            parts.append(str(output.get("text", "")))
    return "\n".join(parts)


def test_init_writes_the_project_and_nothing_else(leeds) -> None:
    folder, made, files, _ = leeds
    assert "Leeds (383, E08000035, Yorkshire and The Humber)" in made.stdout
    notebooks = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "notebooks").rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
    )
    extension = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "_extensions").rglob("*.*"))
    written = {
        ".gitignore",
        "README.md",
        "_quarto.yml",
        "data/council.yml",
        "data/measures.yml",
        "data/themes.yml",
        "data/tracker_sets.yml",
        "data/selections.yml",
        "data/council_plan.csv",
        "data/council_plan.md",
        "data/process_changes.yml",
        "data/population.csv",
        "data/extracts/README.md",
    }
    assert set(files) == written | ALL_AUTHORITY | set(notebooks) | set(extension)
    # Nothing of the code: the installed package serves the project.
    assert not (folder / "src").exists() and not list(folder.rglob("*.py"))
    for name in ("_quarto.yml", *notebooks, *extension, "data/themes.yml", *ALL_AUTHORITY):
        assert (folder / name).read_bytes() == (ROOT / name).read_bytes(), name


def test_council_yml_is_filled_from_the_authorities(leeds) -> None:
    folder, *_ = leeds
    council = load_council(folder / "data" / "council.yml")
    authority = read_authorities(ROOT / "data" / "authorities.csv")[LEEDS]
    assert (council.name, council.la_code, council.ons_code) == ("Leeds", "383", "E08000035")
    assert council.region == "Yorkshire and The Humber"
    assert council.neighbours == authority.neighbours and len(council.neighbours) == 10
    assert council.commission.startswith(MARK) and not council.demo


def test_the_catalogue_keeps_everything_but_the_targets(leeds) -> None:
    folder, *_ = leeds
    before = load_yaml((ROOT / "data" / "measures.yml").read_text(encoding="utf-8"))["measures"]
    after = load_yaml((folder / "data" / "measures.yml").read_text(encoding="utf-8"))["measures"]
    assert [m["id"] for m in after] == [m["id"] for m in before]
    had_targets = 0
    for old, new in zip(before, after, strict=True):
        assert "target" not in new, new["id"]
        if "target" in old:
            had_targets += 1
            assert new["target_note"] == TARGET_NOTE
        else:
            assert new.get("target_note") == old.get("target_note")
        assert "council_plan_ref" not in new, new["id"]  # the demo plan's numbering
        rest = {
            k: v for k, v in old.items() if k not in ("target", "target_note", "council_plan_ref")
        }
        assert {k: v for k, v in new.items() if k != "target_note"} == rest, old["id"]
    assert had_targets >= 15
    assert sum("council_plan_ref" in m for m in before) >= 10
    assert sum("rolling_months" in m for m in after) >= 1  # kept, with annex_a and the rest
    catalogue = load_catalogue(folder / "data" / "measures.yml")
    assert all(m.target is None for m in catalogue.measures.values())
    assert "Leeds" in catalogue["eh_assess_timely"].description  # {council} filled in


def test_starting_set_selections_plan_and_changes_are_empty_of_the_demo(leeds) -> None:
    folder, *_ = leeds
    data = folder / "data"
    sets = load_yaml((data / "tracker_sets.yml").read_text(encoding="utf-8"))["sets"]
    demo_sets = load_yaml((ROOT / "data" / "tracker_sets.yml").read_text(encoding="utf-8"))
    assert len(sets) == 1
    assert sets[0]["from"] == dt.date.today()
    assert sets[0]["agreed_by"].startswith(MARK)
    assert sets[0]["measures"] == demo_sets["sets"][-1]["measures"]
    assert load_yaml((data / "selections.yml").read_text(encoding="utf-8")) == {"deep_dives": {}}
    assert load_yaml((data / "process_changes.yml").read_text(encoding="utf-8")) == {
        "process_changes": []
    }
    plan = (data / "council_plan.csv").read_text(encoding="utf-8")
    assert plan == "quarter,council_plan_ref,measure_id,published_value,report_date\n"
    assert list((data / "extracts").iterdir()) != []  # the README, and Leeds's own month
    assert not (data / "annex-a").exists() and not (data / "demo_events.yml").exists()


def test_population_is_the_councils_own(leeds) -> None:
    folder, *_ = leeds
    pop = pd.read_csv(folder / "data" / "population.csv")
    # ons_mid-year_population_estimates_2012_to_2024.csv, 2024 row for 383: 176239 children.
    assert pop.set_index("mid_year").loc[2024, "population_0_17"] == 176239
    assert set(pop["mid_year"]) == set(range(2012, 2025))
    assert pop["source"].str.contains("Leeds (E08000035)", regex=False).all()


def test_extracts_readme_example_passes_the_checks(leeds, tmp_path) -> None:
    folder, *_ = leeds
    readme = (folder / "data" / "extracts" / "README.md").read_text(encoding="utf-8")
    assert "measure_id, period, value, numerator, denominator" in readme
    example = readme.split("```\nmeasure_id,", 1)[1].split("```", 1)[0]
    path = tmp_path / "2027-04" / "social-care.csv"
    path.parent.mkdir()
    path.write_text("measure_id," + example, encoding="utf-8")
    checked = check_paths([path], load_catalogue(folder / "data" / "measures.yml"))
    problems = [p for c in checked for p in c.problems if p.is_error]
    assert problems == []


def test_the_pack_names_leeds_its_region_and_neighbours(leeds) -> None:
    folder, *_ = leeds
    pack = folder / "output" / PERIOD
    notes = notebook_text(pack / "notebooks" / "data-notes.ipynb")
    assert "Leeds" in notes and "Yorkshire and The Humber" in notes
    authorities = read_authorities(ROOT / "data" / "authorities.csv")
    for code in authorities[LEEDS].neighbours:
        assert escape(authorities[code].name) in notes, code
    front_door = notebook_text(pack / "notebooks" / "front_door.ipynb")
    assert "How Leeds compares" in front_door  # its rank among authorities and neighbours
    assert "children living in Leeds" in front_door  # the catalogue's {council}
    verdicts = pd.read_csv(pack / "data" / "verdicts.csv").set_index("measure_id")
    for measure_id in EXTRACT:
        assert pd.notna(verdicts.loc[measure_id, "latest_value"]), measure_id
    month = load_yaml((pack / "data" / "month.yml").read_text(encoding="utf-8"))
    assert month["selections"] == [] and month["process_changes"] == []
    assert month["tracker_set"]["agreed_by"].startswith(MARK)
    assert not (pack / "clinic-briefing.html").exists()
    plan = notebook_text(pack / "notebooks" / "council-plan.ipynb")  # September: a quarter end
    assert "No published Council Plan figures for the quarter ending September 2026" in plan
    assert not (pack / "data" / "council_plan_check.csv").exists()
    assert "CP 1." not in plan  # no row of the demo council's plan
    assert "No measure in the catalogue carries a Council Plan reference yet" in plan


def test_no_file_names_the_demo_council(leeds) -> None:
    folder, *_ = leeds
    checked = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or str(path.relative_to(folder)) in ALL_AUTHORITY:
            continue
        if path.suffix == ".duckdb":  # the store: the figures themselves are checked below
            continue
        text = path.read_bytes().decode("utf-8", errors="replace").lower()
        if path.suffix == ".ipynb":
            text = notebook_text(path).lower()
        for words in DEMO_WORDS:
            assert words not in text, (path.relative_to(folder), words)
        checked += 1
    assert checked > 40  # the project's files and the built pack's notebooks and CSVs
    observations = pd.read_csv(folder / "output" / PERIOD / "data" / "observations.csv")
    assert set(observations["measure_id"]) == set(EXTRACT)
    assert len(observations) == 2 * 34


def test_build_warns_about_the_placeholders(leeds) -> None:
    folder, _, _, built = leeds
    assert "council.yml: key 'commission' is still the placeholder" in built.stderr
    assert "tracker_sets.yml: entry 1's 'agreed_by' is still the placeholder" in built.stderr
    assert unset_warnings(ROOT) == []  # the demo has none


def test_the_warning_stops_once_the_commission_is_set(tmp_path) -> None:
    made = init_project(tmp_path / "wigan", "359", source=ROOT)
    council_yml = made.folder / "data" / "council.yml"
    assert any("'commission'" in w for w in unset_warnings(made.folder))
    text = council_yml.read_text(encoding="utf-8")
    start = text.index("commission:")
    end = text.index("\n", start)
    council_yml.write_text(
        text[:start] + 'commission: "Children\'s Scrutiny Panel"' + text[end:], encoding="utf-8"
    )
    assert not any("'commission'" in w for w in unset_warnings(made.folder))
    assert load_council(council_yml).commission == "Children's Scrutiny Panel"
    # A project made by init can start another, and carries nothing of the first council.
    again = init_project(tmp_path / "bolton", "350", source=made.folder)
    assert again.targets_cleared == 0 and again.tracker_measures == made.tracker_measures
    for name in ("council_plan.md", "measures.yml", "tracker_sets.yml"):
        ours = (made.folder / "data" / name).read_text(encoding="utf-8")
        assert (again.folder / "data" / name).read_text(encoding="utf-8") == ours, name
    assert "wigan" not in (again.folder / "data" / "council.yml").read_text().lower()


def test_a_council_the_published_figures_miss_is_told_which_file_to_fill(tmp_path) -> None:
    source = make_project(tmp_path / "source", ["index.ipynb"])
    table = source / "data" / "authority_population.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(x for x in lines if not x.startswith("383,")), encoding="utf-8")
    made = init_project(tmp_path / "leeds", LEEDS, source=source)
    assert made.population_years == ()
    pop = (made.folder / "data" / "population.csv").read_text(encoding="utf-8")
    assert pop == "mid_year,population_0_17,used_for_year_ending_march,source\n"
    assert len(made.notes) == 1
    assert "data/population.csv: no population figures for Leeds' children" in made.notes[0]
    assert "population_0_17" in made.notes[0]


def test_commission_given_and_ons_code_accepted(tmp_path) -> None:
    name = 'People "Scrutiny": Commission'  # quotes and a colon stay text in the YAML
    made = init_project(tmp_path / "leeds", "e08000035", name, source=ROOT)
    council = load_council(made.folder / "data" / "council.yml")
    assert (council.la_code, council.commission) == (LEEDS, name)
    assert made.commission_set
    assert not any("'commission'" in w for w in unset_warnings(made.folder))


# ---------------------------------------------------------------- refusals


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


@pytest.mark.parametrize(
    ("code", "nearest"),
    [
        ("Leds", "Leeds (383, E08000035)"),
        ("leeds", "Leeds (383, E08000035)"),
        ("Kingston", "Kingston upon Thames (314"),
        ("E08000099", "Trafford (358, E08000009)"),
        ("999", "Northumberland (929, E06000057)"),
    ],
)
def test_an_unknown_code_is_refused_with_the_nearest(tmp_path, code, nearest) -> None:
    with pytest.raises(InitError) as caught:
        init_project(tmp_path / "new", code, source=ROOT)
    message = str(caught.value)
    assert f"--council {code!r}" in message and "Nearest:" in message
    assert nearest in message
    assert "Nothing was written" in message
    assert leftovers(tmp_path) == []


def test_the_command_refuses_an_unknown_code_with_exit_2(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), "--council", "Leds"])
    assert result.exit_code == 2
    assert "Leeds (383, E08000035)" in result.output
    assert leftovers(tmp_path) == []


def test_a_non_empty_folder_is_refused_unless_forced(tmp_path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InitError, match="not empty .*notes.txt.*--force"):
        init_project(folder, LEEDS, source=ROOT)
    assert leftovers(folder) == ["notes.txt"] and leftovers(tmp_path) == ["busy"]
    made = init_project(folder, LEEDS, source=ROOT, force=True)
    assert not (folder / "notes.txt").exists()
    assert (made.folder / "data" / "council.yml").exists()
    assert leftovers(tmp_path) == ["busy"]  # the old contents went, no temporary folder stayed


def test_an_empty_folder_is_used(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    made = init_project(tmp_path / "empty", LEEDS, source=ROOT)
    assert (made.folder / "_quarto.yml").exists()


def test_force_never_replaces_the_project_it_copies_from(tmp_path) -> None:
    source = tmp_path / "source"
    (source / "data").mkdir(parents=True)
    (source / "data" / "authorities.csv").write_bytes(
        (ROOT / "data" / "authorities.csv").read_bytes()
    )
    for target in (source, source / "data", tmp_path):
        with pytest.raises(InitError, match="the project `tracker init` copies from"):
            init_project(target, LEEDS, source=source, force=True)
    assert leftovers(source / "data") == ["authorities.csv"]


def test_nothing_is_half_written(tmp_path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(new_project.project_files, "readme_md", broken)
    with pytest.raises(OSError, match="disk full"):
        init_project(tmp_path / "leeds", LEEDS, source=ROOT)
    with pytest.raises(OSError, match="disk full"):  # folders it made above DIR go too
        init_project(tmp_path / "councils" / "yorkshire" / "leeds", LEEDS, source=ROOT)
    assert leftovers(tmp_path) == []


def test_targets_in_flow_style_are_refused_not_mangled() -> None:
    text = "measures:\n  - {id: a, target: 5, title: A}\n"
    with pytest.raises(InitError, match="could not be cleared"):
        clear_targets(text)
    block = (
        "measures:\n  - id: a\n    target: 5\n    target_note: >-\n      set by\n"
        "      the board\n    decimals: 1\n  - id: b\n    target: 7\n    decimals: 0\n"
    )
    cleared, count = clear_targets(block)
    assert count == 2
    assert load_yaml(cleared) == {
        "measures": [
            {"id": "a", "target_note": TARGET_NOTE, "decimals": 1},
            {"id": "b", "target_note": TARGET_NOTE, "decimals": 0},
        ]
    }


def test_council_plan_references_go_and_nothing_else_moves() -> None:
    block = (
        "# the catalogue\nmeasures:\n  - id: a\n    council_plan_ref: CP 1.1  # plan 2025\n"
        "    decimals: 1\n  - id: b\n    council_plan_ref: >-\n      CP\n      2.3\n"
        "    decimals: 0\n  - id: c\n    decimals: 2\n"
    )
    cleared, count = clear_plan_refs(block)
    assert count == 2
    assert cleared.startswith("# the catalogue\n")
    assert load_yaml(cleared) == {
        "measures": [
            {"id": "a", "decimals": 1},
            {"id": "b", "decimals": 0},
            {"id": "c", "decimals": 2},
        ]
    }
    with pytest.raises(InitError, match="Council Plan references could not be removed"):
        clear_plan_refs("measures:\n  - {id: a, council_plan_ref: CP 1.1}\n")
