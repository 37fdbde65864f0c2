"""Start an analyst's own deep-dive chapter: a thin notebook plus its line in _quarto.yml.

The notebook uses the same helpers as the members' deep dive, so an analyst edits words and
adds analysis rather than plumbing. _quarto.yml is edited as text (one line added after the
members' deep dive) so its comments survive.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from helpers.files import replace_file
from helpers.inputs.catalogue import Catalogue
from helpers.pack.chapters import book_chapter_files, read_quarto_config

SLUG = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
#: The new chapter goes after this one (the members' deep dive), or last when it is absent.
AFTER = "deep-dive.ipynb"


class AuthoringError(ValueError):
    """The chapter cannot be started; the message says why and what to do."""


def chapter_notebook(slug: str, title: str, measure_ids: list[str]) -> nbformat.NotebookNode:
    """The thin notebook: title, a note for the analyst, parameters, load, and one call."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell(
        'period = None  # "YYYY-MM"; the build fills it in\n'
        'pack_dir = "."  # the build folder holding data/\n'
        "project_dir = None  # the project folder (catalogue, benchmarks)\n"
        f"measures = {measure_ids!r}"
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\n"
            "*Analysts: replace this paragraph with why these measures were looked at and what "
            "was found. Each measure below gets its chart, reading, evidence, every month's "
            "numbers and the national figures. Add cells with `helpers.report` and "
            "`helpers.stats` calls for more; code is never shown in the pack.*"
        ),
        params,
        nbformat.v4.new_code_cell(
            "from helpers import report\n\nmonth = report.load(pack_dir, project_dir)"
        ),
        nbformat.v4.new_code_cell(f"report.show(report.deep_dive(month, measures, {slug!r}))"),
    ]
    return nb


def _with_chapter(quarto_text: str, chapter: str) -> str:
    """_quarto.yml's text with one chapter line added after the members' deep dive."""
    lines = quarto_text.splitlines(keepends=True)
    pattern = re.compile(rf"^(\s*)-\s+{re.escape(AFTER)}\b")
    for i, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            lines.insert(i + 1, f"{match.group(1)}- {chapter}\n")
            return "".join(lines)
    raise AuthoringError(
        f"_quarto.yml has no '- {AFTER}' chapter line to put the new chapter after. "
        f"Add '- {chapter}' to book: chapters: yourself."
    )


def new_chapter(
    root: Path, slug: str, title: str, measure_ids: list[str], catalogue: Catalogue
) -> Path:
    """Create notebooks/<slug>.ipynb and list it in _quarto.yml; nothing changes on error."""
    if not SLUG.match(slug):
        raise AuthoringError(
            f"'{slug}' cannot be a chapter name: use lower-case letters, digits and hyphens, "
            "e.g. placement-stability."
        )
    unknown = [m for m in measure_ids if m not in catalogue]
    if unknown:
        raise AuthoringError(
            "Not in the catalogue (data/measures.yml): " + ", ".join(unknown) + ". "
            "`tracker select --help` and data/measures.yml list the ids."
        )
    if not measure_ids:
        raise AuthoringError("Name at least one measure for the chapter.")
    chapter = f"{slug}.ipynb"
    target = root / "notebooks" / chapter
    quarto = root / "_quarto.yml"
    if target.exists():
        raise AuthoringError(f"{target} already exists: choose another name or edit that one.")
    if chapter in book_chapter_files(read_quarto_config(quarto)) or slug in catalogue.themes:
        raise AuthoringError(f"'{slug}' is already a chapter of the book: choose another name.")
    new_text = _with_chapter(quarto.read_text(encoding="utf-8"), chapter)
    nbformat.write(chapter_notebook(slug, title, measure_ids), target)
    try:
        replace_file(quarto, new_text)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target
