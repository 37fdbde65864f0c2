"""Running a chapter notebook as JupyterLab or VS Code does: no parameters, a new kernel that
starts in the notebook's folder, every cell top to bottom (nbclient, as Jupyter's own)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

#: A chart a chapter's Markdown shows, relative to the chapter's folder.
CHART = re.compile(r"\]\((figures/[^)\s]+\.svg)\)")


def run_as_opened(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path` after running every cell; a failing cell raises."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return nb


def shown_markdown(nb: nbformat.NotebookNode) -> list[str]:
    """What the notebook's cells displayed as Markdown, in order (the chapter's text)."""
    return [
        out["data"]["text/markdown"]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "text/markdown" in out.get("data", {})
    ]


def printed(nb: nbformat.NotebookNode) -> str:
    """Everything the cells printed."""
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    )


def charts_shown(markdown: list[str]) -> list[str]:
    """The chart files the Markdown shows (relative to the notebook's folder)."""
    return [m for text in markdown for m in CHART.findall(text)]
