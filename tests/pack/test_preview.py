"""`tracker preview CHAPTER`: one chapter for the month as a page of the book, in seconds.

The page and the PDF need the real Quarto: those tests are skipped, with the reason, where it is
absent. Without Quarto the command says so and leaves the executed notebook (tested anywhere).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import DEMO_PERIOD, ROOT

from helpers.inputs.catalogue import load_catalogue
from helpers.pack import quarto
from helpers.pack.chapters import plan_chapters, read_quarto_config
from helpers.pack.preview import PreviewError, find_chapter, plain_references

try:
    QUARTO = quarto.find_quarto()
    SKIP_REASON = ""
except quarto.QuartoUnavailable as exc:
    QUARTO = None
    SKIP_REASON = f"needs the real quarto program: {exc}"

needs_quarto = pytest.mark.skipif(QUARTO is None, reason=SKIP_REASON or "quarto missing")
TRACKER = str(Path(sys.executable).with_name("tracker"))


def preview(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`tracker preview ARGS` run in the project, as an analyst runs it."""
    clean = {k: v for k, v in os.environ.items() if k not in ("TRACKER_HOME", "TRACKER_STORE")}
    return subprocess.run(
        [TRACKER, "preview", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
    )


def test_references_to_other_chapters_become_plain_words() -> None:
    markdown = (
        "See @fig-a and @fig-elsewhere, @tbl-other-measures, [-@sec-how-to-read] and \\@fig-x."
    )
    names = {"sec-how-to-read": "the section How to read this pack", "fig-elsewhere": "a *b*"}
    out = plain_references(markdown, {"fig-a"}, names)
    assert out == (
        "See @fig-a and a \\*b\\*, a table in another chapter, "
        "[the section How to read this pack] and \\@fig-x."
    )


def test_an_unknown_chapter_is_refused_with_the_chapters_listed() -> None:
    config = read_quarto_config(ROOT / "_quarto.yml")
    themes = load_catalogue(ROOT / "data" / "measures.yml").themes
    plan = plan_chapters(config, ROOT / "notebooks", themes)
    assert find_chapter(plan, "early_help.ipynb").parameters == {"theme": "early_help"}
    with pytest.raises(PreviewError, match="no chapter 'early-help'.*early_help, front_door"):
        find_chapter(plan, "early-help")


@pytest.mark.slow
def test_without_quarto_it_says_so_and_leaves_the_executed_notebook(opened_by_hand) -> None:
    root = opened_by_hand["root"]
    done = preview(root, "deep-dive", env={"QUARTO_PATH": str(root / "no-quarto-here")})
    assert done.returncode == 3, done.stderr
    assert "Quarto was not found" in done.stderr and "No page was rendered" in done.stderr
    # The month's statistics came from the pack built for the month (it is current).
    assert f"Read {DEMO_PERIOD} from the pack built in" in done.stdout
    executed = root / "output" / "preview" / DEMO_PERIOD / "deep-dive" / "deep-dive.ipynb"
    assert str(executed) in done.stdout
    nb = nbformat.read(executed, as_version=4)
    shown = [o for c in nb.cells for o in c.get("outputs", []) if "data" in o]
    assert any("fig-reref-12m-deep-dive" in o["data"].get("text/markdown", "") for o in shown)
    assert (executed.parent / "figures" / "reref_12m-deep-dive.svg").is_file()


class Page(HTMLParser):
    """The headings, images and text of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.stylesheets: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@needs_quarto
@pytest.mark.quarto
def test_a_theme_chapter_as_a_page_of_the_book_and_its_pdf_pages(opened_by_hand) -> None:
    from pypdf import PdfReader

    root = opened_by_hand["root"]
    done = preview(root, "early_help", "--period", DEMO_PERIOD, "--pdf")
    assert done.returncode == 0, done.stderr
    page_path = Path(re.search(r"^Page: (.+)$", done.stdout, re.M).group(1))
    assert page_path == root / "output/preview" / DEMO_PERIOD / "early_help/book/early_help.html"
    page = _page(page_path)
    text = " ".join(page.text)
    assert "Early help" in text and "EH assessments on time" in text
    assert "?@" not in text  # every reference resolved or written as words
    assert len(page.images) >= 8  # every early help measure's chart
    for img in page.images:
        assert (img.get("alt") or "").strip()
        assert (page_path.parent / img["src"]).is_file(), img["src"]
    # The book's theme: Bootstrap compiled with the pack's own SCSS.
    css = [page_path.parent / s for s in page.stylesheets if "bootstrap" in s and ".css" in s]
    scss = (ROOT / "notebooks" / "assets" / "pack.scss").read_text(encoding="utf-8")
    colour = re.search(r"#[0-9A-Fa-f]{6}", scss).group(0)
    assert any(colour.lower() in c.read_text(encoding="utf-8").lower() for c in css)

    pdf_path = Path(re.search(r"^PDF:\s+(.+)$", done.stdout, re.M).group(1))
    reader = PdfReader(pdf_path)
    assert pdf_path.read_bytes()[:5] == b"%PDF-" and len(reader.pages) >= 3
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, checked as PDF/UA-1 by Typst
    pages = [p.extract_text() or "" for p in reader.pages]
    assert "Performance pack: October 2026" in pages[0]  # the members' cover
    assert any("Early help" in p and "EH assessments on time" in p for p in pages[2:])


@needs_quarto
@pytest.mark.quarto
def test_references_to_other_chapters_are_plain_text_on_the_page(opened_by_hand) -> None:
    root = opened_by_hand["root"]
    done = preview(root, "index")
    assert done.returncode == 0, done.stderr
    page_path = root / "output/preview" / DEMO_PERIOD / "index/book/index.html"
    assert f"Page: {page_path}" in done.stdout
    text = " ".join(_page(page_path).text)
    assert "?@" not in text and "@fig-" not in text
    assert re.search(r"the chart of [^()]+ in [A-Z]", text)  # At a glance points to a theme's
    charts = root / "output/preview" / DEMO_PERIOD / "charts"
    assert len(list(charts.glob("*.svg"))) >= 8  # drawn once, kept for the next preview
