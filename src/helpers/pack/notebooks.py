"""Run one chapter notebook with papermill and make it ready for Quarto.

The kernel is the project's own Python (the `python3` kernel that ipykernel installs in the
environment). After a run, the injected-parameters cell is tagged `remove-cell` so Quarto drops
it from the HTML and the PDF. A failing cell stops the build and is reported with its source.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import nbformat
import papermill

KERNEL = "python3"
HIDDEN_TAGS = ("injected-parameters", "parameters")


class NotebookError(RuntimeError):
    """A chapter notebook failed; str() names the chapter, the cell and the error."""

    def __init__(
        self,
        chapter: Path,
        cell_index: int | None,
        error: str,
        code: str,
        notebook: Path | None = None,
    ) -> None:
        self.chapter = chapter
        self.cell_index = cell_index
        where = f"cell {cell_index}" if cell_index is not None else "a cell"
        origin = f" (from {notebook.parent.name}/{notebook.name})" if notebook else ""
        snippet = "\n".join("    " + line for line in code.strip().splitlines()[:12])
        super().__init__(f"Chapter {chapter.name}{origin} failed in {where}: {error}\n{snippet}")


def hide_parameter_cells(path: Path, title: str | None = None) -> None:
    """Tag papermill's parameter cells `remove-cell`, drop widget state Quarto would fetch, and
    put the chapter title first where one shared notebook makes several chapters."""
    nb = nbformat.read(path, as_version=4)
    if title:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {title}"))
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if any(t in tags for t in HIDDEN_TAGS) and "remove-cell" not in tags:
            tags.append("remove-cell")
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def _first_error(path: Path) -> tuple[int | None, str, str]:
    """The failing cell as the analyst sees it in the source notebook (1-based), its error and code.

    Papermill adds its parameters cell and a banner cell to the executed copy; neither counts.
    """
    nb = nbformat.read(path, as_version=4)
    number = 0
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return number, f"{out.get('ename')}: {out.get('evalue')}", cell.source
    return None, "unknown error", ""


def run_notebook(
    source: Path, target: Path, parameters: dict[str, Any], cwd: Path, title: str | None = None
) -> float:
    """Execute source into target with the parameters; returns seconds taken."""
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL,
            # The kernel starts in cwd. Papermill's own cwd= would os.chdir this whole process,
            # which races when chapters run in parallel threads (a kernel could start in another
            # chapter's folder or the repository), so hand the folder to the kernel directly.
            resources={"metadata": {"path": str(Path(cwd).resolve())}},
            progress_bar=False,
            log_output=False,
            report_mode=False,
            # The kernel logs a TCP warning on start and an interrupt on shutdown; cell errors are
            # still caught from the notebook itself.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            # The notebook is complete and saved when its last cell ends: stop the kernel at once
            # rather than wait for a graceful shutdown (about 0.4 s a chapter).
            shutdown_kernel="immediate",
        )
    except papermill.PapermillExecutionError as exc:
        index, error, cell_source = (
            _first_error(target) if target.exists() else (None, str(exc), "")
        )
        error = error or f"{exc.ename}: {exc.evalue}"
        raise NotebookError(target, index, error, cell_source, source) from None
    except Exception as exc:  # kernel died, notebook unreadable: still a chapter failure
        raise NotebookError(target, None, f"{type(exc).__name__}: {exc}", "", source) from None
    hide_parameter_cells(target, title)
    return time.perf_counter() - started


def keep_failed(failures: list[NotebookError], folder: Path) -> Path:
    """Keep the failed executed notebooks (outside any pack) so the analyst can open them."""
    folder.mkdir(parents=True, exist_ok=True)
    for failure in failures:
        if failure.chapter.exists():
            shutil.copy2(failure.chapter, folder / failure.chapter.name)
    return folder
