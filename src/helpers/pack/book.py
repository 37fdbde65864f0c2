"""The two books one build renders: the HTML reference book and the members' PDF.

Both come from the same executed notebooks. Each gets its own copy of the book folder with its
own `_quarto.yml` (the HTML with every chapter in reading-the-reference order; the PDF with the
members' chapters in `members-pdf` order and the project's Typst template), so the two renders
can run at once on two cores and neither sees the other's format.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml

from helpers.pack.chapters import members_pdf_chapters
from helpers.periods import parse_period
from helpers.report.markdown import escape

#: The format key of the project's Typst book template (_extensions/vision-pack).
PDF_FORMAT = "vision-pack-typst"
#: What the HTML and PDF copies need from the build folder besides the notebooks.
SHARED = ("figures", "data", "assets")


def pdf_name(period: str) -> str:
    return f"vision-tracker-{period}"


def published_date(config: dict[str, Any], today: dt.date | None = None) -> dt.date:
    """The day the pack is published: book.date when it is a fixed date, else the build date."""
    value = (config.get("book") or {}).get("date")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value not in ("", "auto", "today"):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return today or dt.date.today()


def _formats(config: dict[str, Any], pdf: bool) -> dict[str, Any]:
    formats = config.get("format") or {}
    return {k: v for k, v in formats.items() if ("typst" in k) == pdf}


def book_config(
    config: dict[str, Any],
    period: str,
    kind: str,
    words: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The `_quarto.yml` for the `kind` ("html" or "pdf") copy of the month's book."""
    out = copy.deepcopy(config)
    pdf_chapters = members_pdf_chapters(config)
    out.pop("members-pdf", None)
    book = out.setdefault("book", {})
    month = parse_period(period)
    day = published_date(config, today)
    book["subtitle"] = f"{book.get('subtitle', 'Performance pack')}: {month.strftime('%B %Y')}"
    book["date"] = day.isoformat()
    book["output-file"] = pdf_name(period)
    out["published"] = f"{day.day} {day:%B %Y}"
    out["pack-month"] = month.strftime("%B %Y")
    # Quarto reads metadata values as Markdown: the council's words are data, so escaped.
    for key, value in (words or {}).items():
        out.setdefault(key, escape(value))
    if words and words.get("council"):  # "Rotherham Children's Services Performance Team"
        book["author"] = f"{escape(words['council'])} {book.get('author', 'Performance Team')}"
    out["format"] = _formats(config, pdf=kind == "pdf")
    if kind == "pdf":
        book["chapters"] = pdf_chapters
    return out


def stage_copies(
    root: Path,
    stage: Path,
    period: str,
    config: dict[str, Any],
    words: dict[str, str] | None = None,
    kinds: tuple[str, ...] = ("html", "pdf"),
) -> dict[str, Path]:
    """Make `stage/render-html` and `stage/render-pdf` (or those of `kinds`), each a complete
    book folder made from what the stage holds now."""
    copies = {}
    for kind in kinds:
        target = stage / f"render-{kind}"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        for notebook in stage.glob("*.ipynb"):
            shutil.copy2(notebook, target / notebook.name)
        for page in (root / "notebooks").glob("*.qmd"):
            shutil.copy2(page, target / page.name)
        for name in SHARED:
            if (stage / name).is_dir():
                shutil.copytree(stage / name, target / name)
        if (root / "notebooks" / "assets").is_dir() and not (target / "assets").exists():
            shutil.copytree(root / "notebooks" / "assets", target / "assets")
        if kind == "pdf" and (root / "_extensions").is_dir():
            shutil.copytree(root / "_extensions", target / "_extensions")
        text = yaml.safe_dump(book_config(config, period, kind, words), sort_keys=False)
        (target / "_quarto.yml").write_text(text, encoding="utf-8")
        copies[kind] = target
    return copies


def council_words(root: Path) -> dict[str, str]:
    """The council and commission named on the cover, from data/council.yml (checked)."""
    from helpers.inputs.council import council_for

    council = council_for(root / "data")
    if council is None:
        return {}
    return {"council": council.name, "commission": council.commission}
