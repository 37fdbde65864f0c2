"""One notebook through real papermill and a real kernel from the project's environment."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

from helpers.pack.notebooks import ChapterKernels, NotebookError, run_notebook


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


def _printed(path: Path) -> list[str]:
    """What the last cell printed (a print may arrive as more than one stream message)."""
    out = nbformat.read(path, as_version=4)
    streams = [o for o in out.cells[-1].outputs if o.get("name") == "stdout"]
    return "".join(o["text"] for o in streams).split()


def test_a_reused_kernel_gives_each_chapter_a_clean_start(tmp_path: Path) -> None:
    """Names, the working folder and the cell counter are as a new kernel has them; the
    modules a chapter imported stay loaded (that is what reuse saves)."""
    (tmp_path / "probe_module.py").write_text("LOADED = True\n")
    first = notebook(
        tmp_path / "first.ipynb",
        "import os, sys\nsys.path.insert(0, answer)\nimport probe_module\nleftover = 1",
        "os.chdir('/')",
    )
    second = notebook(
        tmp_path / "second.ipynb",
        "import os, sys\nprint('leftover' in globals(), 'probe_module' in sys.modules, "
        "os.getcwd() == answer)",
    )
    with ChapterKernels(tmp_path) as kernels:
        run_notebook(
            first, tmp_path / "out1.ipynb", {"answer": str(tmp_path)}, tmp_path, None, kernels
        )
        run_notebook(
            second, tmp_path / "out2.ipynb", {"answer": str(tmp_path)}, tmp_path, None, kernels
        )
        assert kernels.started == 1
    assert _printed(tmp_path / "out2.ipynb") == ["False", "True", "True"]
    counts = [
        c.execution_count
        for c in nbformat.read(tmp_path / "out2.ipynb", as_version=4).cells
        if c.cell_type == "code"
    ]
    fresh = tmp_path / "fresh.ipynb"
    run_notebook(second, fresh, {"answer": str(tmp_path)}, tmp_path)
    assert counts == [
        c.execution_count for c in nbformat.read(fresh, as_version=4).cells if c.cell_type == "code"
    ]
    assert counts[0] == 1


def test_a_kernel_that_died_is_replaced_for_the_next_chapter(tmp_path: Path) -> None:
    dying = notebook(tmp_path / "dying.ipynb", "import os\nos._exit(1)")
    after = notebook(tmp_path / "after.ipynb", "print('ran', answer)")
    with ChapterKernels(tmp_path) as kernels:
        with pytest.raises(NotebookError) as failure:
            run_notebook(dying, tmp_path / "out1.ipynb", {}, tmp_path, None, kernels)
        assert "dying.ipynb" in str(failure.value)
        run_notebook(after, tmp_path / "out2.ipynb", {"answer": 7}, tmp_path, None, kernels)
        assert kernels.started == 2
    assert _printed(tmp_path / "out2.ipynb") == ["ran", "7"]


def test_fresh_kernels_start_one_per_chapter(tmp_path: Path) -> None:
    source = notebook(tmp_path / "in.ipynb", "print(answer)")
    with ChapterKernels(tmp_path, fresh=True) as kernels:
        for i in range(2):
            run_notebook(source, tmp_path / f"out{i}.ipynb", {"answer": i}, tmp_path, None, kernels)
        assert kernels.started == 0  # papermill started and stopped each chapter's own
    assert _printed(tmp_path / "out1.ipynb") == ["1"]


def test_kernels_started_early_have_the_chapters_imports_and_a_clean_namespace(
    tmp_path: Path,
) -> None:
    probe = notebook(
        tmp_path / "probe.ipynb",
        "import os, sys\nprint('helpers.report' in sys.modules, 'pandas' in globals(), "
        "os.getcwd() == answer, os.getpriority(os.PRIO_PROCESS, 0) >= 10)",
    )
    with ChapterKernels(tmp_path) as kernels:
        kernels.start_early(2)
        assert kernels.started == 2
        for i in range(3):
            run_notebook(
                probe,
                tmp_path / f"out{i}.ipynb",
                {"answer": str(tmp_path)},
                tmp_path,
                None,
                kernels,
            )
        assert kernels.started == 2  # three chapters, the two early kernels
    for i in range(3):
        assert _printed(tmp_path / f"out{i}.ipynb") == ["True", "False", "True", "True"]
        cells = nbformat.read(tmp_path / f"out{i}.ipynb", as_version=4).cells
        assert [c.execution_count for c in cells if c.cell_type == "code"][0] == 1
