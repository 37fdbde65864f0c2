"""One notebook through real papermill and a real kernel from the project's environment."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

from helpers.pack.notebooks import NotebookError, run_notebook


def notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("answer = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_runs_in_the_projects_python_with_parameters_hidden(tmp_path: Path) -> None:
    source = notebook(tmp_path / "in.ipynb", "import sys\nprint(sys.executable, answer)")
    run_notebook(source, tmp_path / "out.ipynb", {"answer": 42}, tmp_path, title="A chapter")
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert out.cells[0].cell_type == "markdown" and out.cells[0].source == "# A chapter"
    printed = out.cells[-1].outputs[0]["text"].split()
    assert Path(printed[0]).resolve() == Path(sys.executable).resolve()
    assert printed[1] == "42"
    for cell in out.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            assert "remove-cell" in tags


def test_a_failing_cell_is_named_with_its_error(tmp_path: Path) -> None:
    source = notebook(tmp_path / "in.ipynb", "x = 1", "1 / 0")
    with pytest.raises(NotebookError) as failure:
        run_notebook(source, tmp_path / "out.ipynb", {}, tmp_path)
    text = str(failure.value)
    assert "ZeroDivisionError" in text and "1 / 0" in text and "(from " in text
    assert failure.value.cell_index == 3  # the third cell of the source: parameters, x = 1, 1 / 0


def test_parallel_chapters_each_run_in_their_folder_and_leave_ours_alone(tmp_path: Path) -> None:
    """Chapters run in threads; a process-wide chdir would let a kernel start in the wrong place."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    before = os.getcwd()
    source = notebook(
        tmp_path / "in.ipynb",
        "import os, time\nopen('written-here.txt', 'w').write(answer)\ntime.sleep(0.2)",
    )
    folders = [tmp_path / f"chapter{i}" for i in range(4)]
    for folder in folders:
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(
            pool.map(
                lambda f: run_notebook(source, f / "out.ipynb", {"answer": f.name}, f), folders
            )
        )
    assert os.getcwd() == before
    for folder in folders:
        assert (folder / "written-here.txt").read_text() == folder.name
    assert not (Path(before) / "written-here.txt").exists()
