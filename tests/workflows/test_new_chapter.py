"""An analyst starts a deep-dive chapter with one command, and the next build runs it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from conftest import DEMO_PERIOD, make_project

from helpers.inputs.catalogue import load_catalogue
from helpers.pack.build import build_pack
from helpers.pack.chapters import book_chapter_files, read_quarto_config
from helpers.workflows.new_chapter import AuthoringError, new_chapter


def test_new_chapter_is_listed_after_the_members_deep_dive_and_keeps_comments(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path / "p", ["index.ipynb", "deep-dive.ipynb", "data-notes.ipynb"])
    (root / "_quarto.yml").write_text(
        (root / "_quarto.yml").read_text().replace("project:", "# a comment kept\nproject:", 1)
    )
    catalogue = load_catalogue(root / "data" / "measures.yml")
    path = new_chapter(
        root, "placement-stability", "Placement stability", ["cla_3plus_placements"], catalogue
    )
    assert path == root / "notebooks" / "placement-stability.ipynb"
    config = read_quarto_config(root / "_quarto.yml")
    assert book_chapter_files(config) == [
        "index.ipynb",
        "deep-dive.ipynb",
        "placement-stability.ipynb",
        "data-notes.ipynb",
    ]
    assert "# a comment kept" in (root / "_quarto.yml").read_text()
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].source.startswith("# Placement stability")
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize(
    ("name", "measures", "message"),
    [
        ("Bad Name", ["reref_12m"], "lower-case letters"),
        ("ok-name", ["reref_12"], "Not in the catalogue"),
        ("deep-dive", ["reref_12m"], "already exists"),
    ],
)
def test_refusals_change_nothing(tmp_path: Path, name: str, measures: list, message: str) -> None:
    root = make_project(tmp_path / "p", ["index.ipynb", "deep-dive.ipynb"])
    before = (root / "_quarto.yml").read_bytes()
    files = sorted(p.name for p in (root / "notebooks").iterdir())
    catalogue = load_catalogue(root / "data" / "measures.yml")
    with pytest.raises(AuthoringError, match=message):
        new_chapter(root, name, "T", measures, catalogue)
    assert (root / "_quarto.yml").read_bytes() == before
    assert sorted(p.name for p in (root / "notebooks").iterdir()) == files


def test_the_build_runs_it_beside_the_members_deep_dive_on_the_same_measure(
    tmp_path: Path, demo_store: Path
) -> None:
    root = make_project(tmp_path / "p", ["deep-dive.ipynb"])
    catalogue = load_catalogue(root / "data" / "measures.yml")
    new_chapter(root, "rereferrals", "Re-referrals", ["reref_12m"], catalogue)  # also in 2026-10
    result = build_pack(
        DEMO_PERIOD, root=root, store_path=demo_store, output=tmp_path / "out", render=False
    )
    labels: list[str] = []
    for name in ("deep-dive.ipynb", "rereferrals.ipynb"):
        nb = nbformat.read(result.folder / "notebooks" / name, as_version=4)
        text = "".join(
            o.get("data", {}).get("text/markdown", "")
            for c in nb.cells
            for o in c.get("outputs", [])
        )
        labels += re.findall(r"\{#((?:fig|tbl|sec)-[a-z0-9-]+)", text)
    assert "fig-reref-12m-rereferrals" in labels and "fig-reref-12m-deep-dive" in labels
    assert len(labels) == len(set(labels)), "cross-reference labels must be unique in the book"
    assert (result.folder / "notebooks" / "figures" / "reref_12m-rereferrals.svg").exists()


def test_tracker_new_chapter_command(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = make_project(tmp_path / "p", ["index.ipynb", "deep-dive.ipynb"])
    tracker = str(Path(sys.executable).with_name("tracker"))
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_HOME"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [tracker, "new-chapter", *args], cwd=root, capture_output=True, text=True, env=env
        )

    made = run("care-leavers-eet", "cl_eet_19_21", "--title", "Care leavers in work or study")
    assert made.returncode == 0, made.stderr
    nb = nbformat.read(root / "notebooks" / "care-leavers-eet.ipynb", as_version=4)
    assert nb.cells[0].source.startswith("# Care leavers in work or study")
    again = run("care-leavers-eet", "cl_eet_19_21")
    assert again.returncode == 2 and "Nothing was changed" in again.stderr


@pytest.mark.slow
def test_its_notebook_runs_where_it_is_opened_and_as_the_build_runs_it(opened_by_hand) -> None:
    """`tracker new-chapter`'s notebook, run as JupyterLab runs it (no parameters, a kernel in
    notebooks/), before and after a build: the build's Markdown, worked example included."""
    from conftest import OWN_CHAPTER
    from opened_by_hand import shown_markdown

    name = f"{OWN_CHAPTER}.ipynb"
    built = nbformat.read(opened_by_hand["build"].folder / "notebooks" / name, as_version=4)
    expected = shown_markdown(built)
    for when in ("before", "after"):
        assert shown_markdown(opened_by_hand[when][name]) == expected, when
    text = "\n".join(expected)
    label = f"cla-3plus-placements-{OWN_CHAPTER}-years"
    # The worked example: a chart with alt text, a statsmodels trend in words, a set-width table.
    assert f'{{#fig-{label} fig-alt="Bar chart of Children in care with 3+ placements' in text
    assert "Over the 24 months from Nov 2024 to Oct 2026" in text
    assert f'{{#tbl-{label} tbl-colwidths="[40,30,30]"}}' in text
    assert "| 2026-27 | 7 |" in text  # the year so far: April to October


def test_the_worked_example_is_commented_and_its_notebook_has_no_outputs(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", ["index.ipynb", "deep-dive.ipynb"])
    catalogue = load_catalogue(root / "data" / "measures.yml")
    path = new_chapter(root, "eet", "Care leavers", ["cl_eet_19_21"], catalogue)
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    examples = [c for c in code if "chart_style()" in c or "trend_slope(" in c or "widths=" in c]
    assert len(examples) == 3
    assert all(c.lstrip().startswith("#") for c in examples), "each example says what it shows"
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "pack_dir = None" in params.source and "measures = ['cl_eet_19_21']" in params.source
