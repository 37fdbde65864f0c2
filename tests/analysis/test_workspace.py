"""Every chapter runs where it is opened: JupyterLab, no parameters, a kernel in notebooks/.

The month is the latest built in output/ when that pack is current, else worked out from the
store once and kept in output/preview/<period>/; either way each chapter shows the Markdown the
build gives it. Without a store or figures the chapter stops with the command to run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DEMO_PERIOD, OWN_CHAPTER, make_project
from opened_by_hand import charts_shown, printed, shown_markdown

from helpers.analysis import workspace
from helpers.inputs.catalogue import load_catalogue
from helpers.pack.chapters import plan_chapters, read_quarto_config

WHEN = ("before", "after")


def _build_chapters(runs: dict) -> dict[str, list[str]]:
    """Each source notebook's Markdown in the build (a theme template: its first theme)."""
    import nbformat

    root = runs["root"]
    themes = load_catalogue(root / "data" / "measures.yml").themes
    plan = plan_chapters(read_quarto_config(root / "_quarto.yml"), root / "notebooks", themes)
    first_theme = next(iter(themes))
    made = {}
    for chapter in plan:
        if not chapter.executes or chapter.parameters.get("theme", first_theme) != first_theme:
            continue
        executed = runs["build"].folder / "notebooks" / chapter.target
        made[chapter.source.name] = shown_markdown(nbformat.read(executed, as_version=4))
    return made


@pytest.mark.slow
@pytest.mark.parametrize("when", WHEN)
def test_every_notebook_shows_what_the_build_shows(opened_by_hand: dict, when: str) -> None:
    built = _build_chapters(opened_by_hand)
    opened = opened_by_hand[when]
    sources = sorted(p.name for p in (opened_by_hand["root"] / "notebooks").glob("*.ipynb"))
    assert sorted(opened) == sources == sorted(built)
    assert {"theme.ipynb", "deep-dive.ipynb", f"{OWN_CHAPTER}.ipynb"} <= set(sources)
    for name, nb in opened.items():
        markdown = shown_markdown(nb)
        assert markdown, f"{name} showed nothing"
        assert markdown == built[name], f"{name} ({when} a build) differs from the build"


@pytest.mark.slow
@pytest.mark.parametrize("when", WHEN)
def test_the_charts_are_beside_the_notebooks_to_show_inline(opened_by_hand: dict, when) -> None:
    root = opened_by_hand["root"]
    shown = [c for nb in opened_by_hand[when].values() for c in charts_shown(shown_markdown(nb))]
    catalogue = load_catalogue(root / "data" / "measures.yml")
    first_theme = [f"figures/{m.id}.svg" for m in catalogue.in_theme(next(iter(catalogue.themes)))]
    assert set(first_theme) <= set(shown)
    assert f"figures/cla_3plus_placements-{OWN_CHAPTER}-years.svg" in shown  # the worked example
    # Each run's charts were in notebooks/figures/ when it finished (cleared between the runs).
    assert {c.removeprefix("figures/") for c in shown} <= set(opened_by_hand[f"{when} charts"])


@pytest.mark.slow
def test_each_run_says_where_its_month_came_from(opened_by_hand: dict) -> None:
    root = opened_by_hand["root"]
    before = [printed(nb) for nb in opened_by_hand["before"].values()]
    assert sum("Worked out 2026-10 from the store" in p for p in before) == 1
    assert sum("worked out from the store earlier" in p for p in before) == len(before) - 1
    assert (root / "output" / "preview" / DEMO_PERIOD / "data" / "verdicts.csv").exists()
    after = [printed(nb) for nb in opened_by_hand["after"].values()]
    built = str(root / "output" / DEMO_PERIOD)
    assert all(f"Read 2026-10 from the pack built in {built}" in p for p in after)


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRACKER_STORE", raising=False)
    monkeypatch.delenv("TRACKER_HOME", raising=False)
    return make_project(tmp_path / "p", ["index.ipynb"])


def test_no_store_names_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, monkeypatch)
    with pytest.raises(workspace.MonthUnavailable, match="tracker load data/extracts"):
        workspace.open_month(project_dir=root)


def test_an_empty_store_names_the_command(tmp_path: Path, monkeypatch) -> None:
    import duckdb

    root = _project(tmp_path, monkeypatch)
    duckdb.connect(str(root / "data" / "tracker.duckdb")).close()  # a store with nothing in it
    with pytest.raises(workspace.MonthUnavailable, match="holds no figures yet.*tracker load"):
        workspace.open_month(project_dir=root)


def test_a_month_with_no_figures_says_so(tmp_path: Path, monkeypatch, demo_store: Path) -> None:
    root = _project(tmp_path, monkeypatch)
    shutil.copy2(demo_store, root / "data" / "tracker.duckdb")
    with pytest.raises(workspace.MonthUnavailable, match="no figures for 2030-01"):
        workspace.open_month(project_dir=root, period="2030-01")


def test_the_kept_month_is_worked_out_again_when_its_inputs_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_store: Path
) -> None:
    root = _project(tmp_path, monkeypatch)
    shutil.copy2(demo_store, root / "data" / "tracker.duckdb")
    notes: list[str] = []
    for _ in range(2):
        folder = workspace.month_folder(root, DEMO_PERIOD, on_note=notes.append)
    assert folder == root / "output" / "preview" / DEMO_PERIOD
    assert "Worked out" in notes[0] and "earlier" in notes[1]
    changes = root / "data" / "process_changes.yml"
    changes.write_text(changes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    workspace.month_folder(root, DEMO_PERIOD, on_note=notes.append)
    assert "Worked out" in notes[2]
    assert workspace.open_month(project_dir=root).period == DEMO_PERIOD


def test_inside_a_build_the_parameters_decide(demo_pack) -> None:
    """A build folder is read as it is, whatever output/ and the store hold."""
    month = workspace.open_month(demo_pack.folder, None, "2020-01")
    assert month.period == DEMO_PERIOD and month.pack_dir == demo_pack.folder
    with pytest.raises(workspace.MonthUnavailable, match="holds no month's data"):
        workspace.open_month(demo_pack.folder / "notebooks")
