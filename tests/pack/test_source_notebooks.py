"""Source notebooks: committed without outputs, each with a parameters cell the build can fill."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT

from helpers.inputs.catalogue import load_catalogue
from helpers.pack.chapters import book_chapter_files, plan_chapters, read_quarto_config

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_and_parameterised(path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    clean = all(not c.outputs and c.execution_count is None for c in code)
    assert clean, f"{path.name} has outputs"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, f"{path.name} needs one cell tagged 'parameters'"
    for name in ("period", "pack_dir", "project_dir"):
        assert f"{name} =" in params[0].source


def test_every_chapter_in_quarto_yml_has_a_source() -> None:
    config = read_quarto_config(ROOT / "_quarto.yml")
    themes = load_catalogue(ROOT / "data" / "measures.yml").themes
    plan = plan_chapters(config, ROOT / "notebooks", themes)
    assert [c.target for c in plan] == book_chapter_files(config)
    assert {c.parameters.get("theme") for c in plan if c.parameters} == set(themes)
    assert all(c.source.exists() for c in plan)
