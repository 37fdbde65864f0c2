"""One chapter as members will see it, in seconds: `tracker preview CHAPTER`.

An analyst's loop is edit, run, look. A whole build renders twelve chapters; a preview runs one
chapter for the month and renders it with the real Quarto as a page of the HTML book (the
book's own settings and theme), with its pages of the members' PDF on request. The month's
statistics are reused (helpers.analysis.workspace): the pack built for the month when it is
current, else those worked out before, else worked out once now. The chapter's kernel starts
while that is checked, and its charts are drawn beside the HTML render, as in a build.

A page on its own cannot link to the other chapters, so a reference to one of them is written
as plain words (a section's title, "the chart of ..."). Everything lands in
output/preview/<period>/<chapter>/: the executed notebook, book/<chapter>.html and, with
`pdf`, <chapter>.pdf.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from helpers import paths
from helpers.analysis.workspace import latest_month, month_folder, preview_dir
from helpers.inputs.catalogue import Catalogue, load_catalogue
from helpers.inputs.store import Store
from helpers.pack import book, chapters, figures, quarto
from helpers.periods import parse_period
from helpers.report.markdown import escape, slug

#: A cross-reference in a chapter's Markdown (not an escaped, literal "\@").
REFERENCE = re.compile(r"(?<![\w\\])-?@((?:fig|tbl|sec)-[A-Za-z0-9_-]*[A-Za-z0-9_])")
#: A label a chapter defines: {#sec-x ...} after a heading, caption or image.
DEFINED = re.compile(r"\{#((?:fig|tbl|sec)-[A-Za-z0-9_-]*[A-Za-z0-9_])")
#: A heading with its label, in the chapters' own notebooks and pages.
HEADING = re.compile(r"^#+\s+(?P<title>.+?)\s*\{#(?P<label>sec-[A-Za-z0-9_-]+)[^}]*\}", re.M)
#: The page before the chapter in the preview's HTML book (a book needs a home page).
HOME = "index.qmd"

if TYPE_CHECKING:
    from helpers.pack.notebooks import ChapterKernels

Note = Callable[[str], None]


class PreviewError(ValueError):
    """The preview cannot start; the message says why and what to do."""


@dataclass
class PreviewResult:
    """What a preview made, and how long each step took."""

    chapter: str
    period: str
    #: The executed chapter notebook (kept whatever happens after it ran).
    notebook: Path
    page: Path | None = None
    pdf: Path | None = None
    #: Why there is no page: Quarto is missing or too old.
    quarto_message: str | None = None
    stages: dict[str, float] = field(default_factory=dict)


def find_chapter(plan: list[chapters.Chapter], name: str) -> chapters.Chapter:
    """The chapter `_quarto.yml` lists as NAME (its file name without the extension)."""
    stem = Path(name).stem if Path(name).suffix in (".ipynb", ".qmd") else name
    for chapter in plan:
        if Path(chapter.target).stem == stem:
            return chapter
    names = ", ".join(Path(c.target).stem for c in plan)
    raise PreviewError(f"_quarto.yml lists no chapter '{name}'. The chapters are: {names}.")


def reference_names(root: Path, catalogue: Catalogue) -> dict[str, str]:
    """Plain words for every label another chapter may define (unescaped)."""
    names: dict[str, str] = {}
    for theme_id, theme in catalogue.themes.items():
        names[f"sec-{theme_id.replace('_', '-')}"] = f"the chapter {theme.title}"
    for measure in catalogue.measures.values():
        label = slug(measure.id)
        theme = catalogue.themes.get(measure.theme)
        where = f" in {theme.title}" if theme else ""
        names[f"sec-{label}"] = f"the section {measure.short_title}{where}"
        names[f"fig-{label}"] = f"the chart of {measure.short_title}{where}"
        names[f"tbl-{label}-numbers"] = f"the numbers for {measure.short_title}{where}"
    for source in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(source, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                names.update(_headings(cell.source))
    for page in sorted((root / "notebooks").glob("*.qmd")):
        names.update(_headings(page.read_text(encoding="utf-8")))
    return names


def _headings(markdown: str) -> dict[str, str]:
    return {m["label"]: f"the section {m['title']}" for m in HEADING.finditer(markdown)}


def plain_references(markdown: str, defined: set[str], names: dict[str, str]) -> str:
    """The Markdown with every reference to a label outside `defined` written as plain words."""

    def words(match: re.Match[str]) -> str:
        label = match.group(1)
        if label in defined:
            return match.group(0)
        kind = {"fig": "a chart", "tbl": "a table", "sec": "a section"}[label[:3]]
        return escape(names.get(label, f"{kind} in another chapter"))

    return REFERENCE.sub(words, markdown)


def _texts(nb: nbformat.NotebookNode) -> list[str]:
    out = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            out.append(output.get("data", {}).get("text/markdown", ""))
    return out


def page_notebook(executed: Path, target: Path, names: dict[str, str]) -> None:
    """Copy the executed chapter for the page, references to other chapters as plain words."""
    nb = nbformat.read(executed, as_version=4)
    defined = {label for text in _texts(nb) for label in DEFINED.findall(text)}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = plain_references(cell.source, defined, names)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = plain_references(data["text/markdown"], defined, names)
    nbformat.write(nb, target)


def _home_page(period: str) -> str:
    month = parse_period(period).strftime("%B %Y")
    return (
        "# About this preview {.unnumbered}\n\n"
        f"A preview of one chapter of the {month} pack, on the next page. Its number, and the "
        "numbers of its figures and tables, differ from the "
        "full book, and references to other chapters are shown as plain words. "
        "`tracker build` makes the whole pack.\n"
    )


def _book_folder(
    target: Path, root: Path, config: dict[str, Any], period: str, kind: str, files: list[str]
) -> Path:
    """A book folder of the preview: the book's own settings for `kind`, these chapters only.

    `target` is inside the chapter's folder, whose figures/ it copies, and that inside the
    month's preview folder, whose data/ are the book's downloads.
    """
    import yaml

    work = target.parent
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    settings = book.book_config(config, period, kind, book.council_words(root))
    settings["book"]["chapters"] = files
    settings["book"]["search"] = False  # nothing to search on one page
    (target / "_quarto.yml").write_text(yaml.safe_dump(settings, sort_keys=False), "utf-8")
    if (root / "notebooks" / "assets").is_dir():
        shutil.copytree(root / "notebooks" / "assets", target / "assets")
    if kind == "pdf" and (root / "_extensions").is_dir():
        shutil.copytree(root / "_extensions", target / "_extensions")
    if (work / "figures").is_dir():
        shutil.copytree(work / "figures", target / "figures")
    if (work.parent / "data").is_dir():
        shutil.copytree(work.parent / "data", target / "data")
    return target


def _chapter_copy(
    chapter: chapters.Chapter, executed: Path, target: Path, names: dict[str, str]
) -> None:
    """The executed chapter in a preview book (a Quarto page is copied as it is)."""
    if chapter.executes:
        page_notebook(executed, target, names)
    else:
        shutil.copy2(executed, target)


def _requested_measures(folder: Path) -> list[str]:
    requests = folder / "charts" / "requests"
    wanted = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(requests.glob("*.json"))]
    return sorted({w["measure_id"] for w in wanted})


def _period(root: Path, period: str | None, store_path: Path | None) -> str:
    """The month asked for, or the latest month in the store (as `tracker build` chooses)."""
    if period:
        return str(parse_period(period))
    store = Store(store_path or paths.store_path(root))
    latest = store.latest_period() if store.path.exists() else None
    return str(latest) if latest else latest_month(root, store_path)


def preview_chapter(
    name: str,
    period: str | None = None,
    *,
    root: Path | None = None,
    store_path: Path | None = None,
    pdf: bool = False,
    on_note: Note | None = None,
    kernels: ChapterKernels | None = None,
) -> PreviewResult:
    """Run one chapter for the month and render it as a page of the book (and its PDF pages).

    `kernels`: a kernel the caller started as early as it could (the command line starts one
    before it imports the rest); it is moved to the chapter's folder before the chapter runs.
    Raises PreviewError (unknown chapter), helpers.analysis.workspace.MonthUnavailable (no
    figures), helpers.pack.notebooks.NotebookError (the chapter failed; its executed notebook
    is kept) or helpers.pack.quarto.QuartoFailed. Without Quarto the result has no page and
    says why.
    """
    from helpers.pack import notebooks  # papermill and the Jupyter client

    note = on_note or (lambda _text: None)
    started = time.perf_counter()
    stages: dict[str, float] = {}
    root = root or paths.project_root()
    if kernels is None:  # it boots while the chapter and the month's statistics are found
        kernels = notebooks.ChapterKernels(root)
        kernels.start_early(1)
    folder: Path | None = None
    try:
        config = chapters.read_quarto_config(root / "_quarto.yml")
        catalogue = load_catalogue(paths.catalogue_path(root))
        plan = chapters.plan_chapters(config, root / "notebooks", catalogue.themes)
        chapter = find_chapter(plan, name)
        period = _period(root, period, store_path)
        stem = Path(chapter.target).stem
        folder = preview_dir(root, period)
        work = folder / stem
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        kernels.cwd = str(work.resolve())  # where the chapter runs (the kernel goes there first)
        if not chapter.executes:
            kernels.close()
        try:
            found, quarto_message = quarto.find_quarto(), None
        except quarto.QuartoUnavailable as exc:
            found, quarto_message = None, str(exc)
        t0 = time.perf_counter()
        month_folder(root, period, store_path, on_note=note, copy_built=True)
        stages["statistics"] = round(time.perf_counter() - t0, 3)
        if found is not None:
            figures.ask_for_charts(folder)  # drawn beside the HTML render (cached: copied)
        t0 = time.perf_counter()
        executed = work / chapter.target
        if chapter.executes:
            parameters = {"period": period, "pack_dir": str(folder), "project_dir": str(root)}
            notebooks.run_notebook(
                chapter.source,
                executed,
                {**parameters, **chapter.parameters},
                work,
                chapter.title,
                kernels,
            )
        else:
            shutil.copy2(chapter.source, executed)
        kernels.close()
        stages["notebook"] = round(time.perf_counter() - t0, 3)
        result = PreviewResult(stem, period, executed, quarto_message=quarto_message)
        if found is not None:
            t0 = time.perf_counter()
            _render(found, chapter, executed, work, folder, root, config, catalogue, period, pdf)
            result.page = work / "book" / f"{stem}.html"
            result.pdf = work / f"{stem}.pdf" if pdf else None
            stages["render"] = round(time.perf_counter() - t0, 3)
    finally:
        kernels.close()
        if folder is not None:
            shutil.rmtree(folder / "charts" / "requests", ignore_errors=True)
    stages["total"] = round(time.perf_counter() - started, 3)
    result.stages = stages
    return result


def _render(
    found: quarto.Quarto,
    chapter: chapters.Chapter,
    executed: Path,
    work: Path,
    folder: Path,
    root: Path,
    config: dict[str, Any],
    catalogue: Catalogue,
    period: str,
    pdf: bool,
) -> None:
    """The HTML page (charts drawn beside it), then, with `pdf`, the chapter's PDF pages."""
    names = reference_names(root, catalogue)
    # A book needs a home page: a note about the preview, unless the chapter is the home page.
    home = [] if Path(chapter.target).stem == "index" else [HOME]
    html = _book_folder(work / "render-html", root, config, period, "html", [*home, chapter.target])
    _chapter_copy(chapter, executed, html / chapter.target, names)
    if home:
        (html / HOME).write_text(_home_page(period), "utf-8")
    runs = [quarto.start_render(found, html)]
    try:
        wanted = _requested_measures(folder)
        if wanted:
            figures.draw_charts(folder, root, wanted, workers=2, background=True)
        figures.place_charts(folder, root)
        pdf_book = None
        if pdf:
            # The chapter is the PDF book's one chapter, after the cover and the contents.
            first = "index" + Path(chapter.target).suffix
            pdf_book = _book_folder(work / "render-pdf", root, config, period, "pdf", [first])
            _chapter_copy(chapter, executed, pdf_book / first, names)
            runs.append(quarto.start_render(found, pdf_book, background=True))
    except BaseException:
        for run in runs:
            run.handle.kill()
            run.handle.communicate()
        raise
    quarto.finish_renders(runs, log_path=work / "preview.log")
    (html / "_book").rename(work / "book")
    if (work / "figures").is_dir():
        shutil.copytree(work / "figures", work / "book" / "figures", dirs_exist_ok=True)
    if pdf_book is not None:
        made = sorted((pdf_book / "_book").glob("*.pdf"))
        if not made:
            raise quarto.QuartoFailed(f"quarto made no PDF in {pdf_book / '_book'}")
        made[0].rename(work / f"{Path(chapter.target).stem}.pdf")
    for leftover in ("render-html", "render-pdf"):
        shutil.rmtree(work / leftover, ignore_errors=True)
