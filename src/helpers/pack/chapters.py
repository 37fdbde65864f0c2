"""Which notebook makes which chapter of the book.

_quarto.yml is the one place that orders the chapters. Each chapter file named there is made
from the notebook of the same name in notebooks/, except the theme chapters (named after a theme
id in data/themes.yml), which all come from the one parameterised notebooks/theme.ipynb. A
Quarto page (.qmd) is copied as it is. An analyst adds a deep dive by saving a notebook in
notebooks/ (from notebooks/deep-dive.ipynb) and naming it in _quarto.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.files import load_yaml
from helpers.report.markdown import escape

THEME_NOTEBOOK = "theme.ipynb"


class ChapterError(ValueError):
    """A chapter named in _quarto.yml has no source; the message says which and what to do."""


@dataclass(frozen=True)
class Chapter:
    """One chapter of the book and how to make it."""

    target: str
    source: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    #: A title the build puts at the top of a shared notebook's chapter (theme chapters).
    title: str | None = None

    @property
    def executes(self) -> bool:
        """Notebooks run through papermill; Quarto pages are copied."""
        return self.source.suffix == ".ipynb"


def book_chapter_files(quarto_config: dict[str, Any]) -> list[str]:
    """The chapter files in _quarto.yml order, parts flattened."""
    chapters: list[str] = []
    for entry in quarto_config.get("book", {}).get("chapters", []):
        if isinstance(entry, str):
            chapters.append(entry)
        elif isinstance(entry, dict):
            chapters.extend(str(c) for c in entry.get("chapters", []) if isinstance(c, str))
    return chapters


def members_pdf_chapters(quarto_config: dict[str, Any]) -> list[str]:
    """The members' PDF chapters (members-pdf in _quarto.yml), each one a chapter of the book.

    Without a members-pdf list the PDF has the book's chapters in the book's order.
    """
    book = book_chapter_files(quarto_config)
    listed = (quarto_config.get("members-pdf") or {}).get("chapters")
    if not listed:
        return book
    unknown = [c for c in listed if c not in book]
    if unknown:
        raise ChapterError(
            f"_quarto.yml: members-pdf names {', '.join(map(str, unknown))}, which "
            "book.chapters does not list. Every chapter of the members' PDF must also be a "
            "chapter of the book: add it to book.chapters or remove it from members-pdf."
        )
    return [str(c) for c in listed]


def read_quarto_config(path: Path) -> dict[str, Any]:
    """Read _quarto.yml."""
    with path.open(encoding="utf-8") as handle:
        config = load_yaml(handle.read())
    if not isinstance(config, dict):
        raise ChapterError(f"{path}: not a YAML mapping. Restore it from git.")
    return config


def plan_chapters(
    quarto_config: dict[str, Any], notebooks_dir: Path, themes: dict[str, Any]
) -> list[Chapter]:
    """Map every chapter file in _quarto.yml to the notebook or page that makes it.

    themes: theme id -> helpers.inputs.catalogue.Theme (its title heads the theme's chapter).
    """
    members_pdf_chapters(quarto_config)  # a members-pdf chapter missing from the book stops here
    plan: list[Chapter] = []
    for target in book_chapter_files(quarto_config):
        stem = Path(target).stem
        direct = notebooks_dir / target
        if stem in themes and Path(target).suffix == ".ipynb":
            title = f"{escape(themes[stem].title)} {{#sec-{stem.replace('_', '-')}}}"
            plan.append(Chapter(target, notebooks_dir / THEME_NOTEBOOK, {"theme": stem}, title))
        elif direct.exists():
            plan.append(Chapter(target, direct))
        else:
            raise ChapterError(
                f"_quarto.yml names the chapter '{target}', but there is no notebooks/{target} "
                f"and '{stem}' is not a theme id. Add the notebook or remove the chapter."
            )
    return plan
