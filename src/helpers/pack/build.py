"""Build one month's pack: check, statistics, notebooks (papermill), book (Quarto), publish.

Everything happens in a private folder beside output/<period>; only when every stage has
succeeded is that folder swapped into place, so a failed build leaves no half-written pack and
never touches another month's pack. Rebuilding a month replaces only that month.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from helpers import paths
from helpers.analysis.month import analyse_month, write_month
from helpers.analysis.workspace import write_key
from helpers.inputs.catalogue import Catalogue, load_catalogue
from helpers.inputs.council import CouncilError, load_council
from helpers.inputs.council_plan import CouncilPlanError, read_council_plan
from helpers.inputs.placeholders import unset_warnings
from helpers.inputs.selections import SelectionError, check_selections
from helpers.inputs.store import Store, utc_naive
from helpers.inputs.tracker_sets import TrackerSetError, read_tracker_sets, tracker_sets_path
from helpers.pack import (
    book,
    chapters,
    figures,
    freshness,
    manifest,
    publish,
    quarto,
)
from helpers.periods import parse_period

if TYPE_CHECKING:
    from helpers.pack import notebooks

log = logging.getLogger("helpers.pack.build")

# Exit codes the command line uses, so scripts can tell outcomes apart.
EXIT_BAD_INPUT = 2
EXIT_NO_QUARTO = 3
EXIT_NOTEBOOK_FAILED = 4
EXIT_RENDER_FAILED = 5


class BuildError(RuntimeError):
    """The build stopped; nothing was published. `exit_code` says why."""

    exit_code = EXIT_BAD_INPUT


class NotebookFailed(BuildError):
    exit_code = EXIT_NOTEBOOK_FAILED


class RenderFailed(BuildError):
    exit_code = EXIT_RENDER_FAILED


@dataclass
class BuildResult:
    """What a build produced and how long each stage took."""

    period: str
    folder: Path
    stages: dict[str, float] = field(default_factory=dict)
    rendered: bool = False
    quarto_message: str | None = None
    manifest: dict = field(default_factory=dict)
    #: True when the published pack was already made from these very inputs (nothing built).
    up_to_date: bool = False
    #: The inputs that differ from the published pack's (empty for a first build or --force).
    changed: list[str] = field(default_factory=list)
    #: Placeholders `tracker init` left that are still unset (helpers.inputs.placeholders).
    warnings: list[str] = field(default_factory=list)


ProgressHook = Callable[[str, str], None]


def _noop(stage: str, detail: str) -> None:
    return None


def _latest_period(store: Store) -> str:
    latest = store.latest_period()
    if latest is None:
        raise BuildError(
            "The store holds no figures yet. Load the extracts first: `tracker load data/extracts`."
        )
    return str(latest)


def _arrange_outputs(stage: Path, period: str, rendered: bool) -> dict[str, object]:
    """Lay the build folder out as published: book/, the PDF, notebooks/, data/, manifest."""
    files: dict[str, object] = {}
    nb_dir = stage / "notebooks"
    nb_dir.mkdir(exist_ok=True)
    for nb in sorted(stage.glob("*.ipynb")):
        nb.rename(nb_dir / nb.name)
    if (stage / "figures").is_dir():  # the executed notebooks refer to figures/ beside them
        (stage / "figures").rename(nb_dir / "figures")
    files["notebooks"] = sorted(f"notebooks/{p.name}" for p in nb_dir.glob("*.ipynb"))
    files["data"] = sorted(f"data/{p.name}" for p in (stage / "data").glob("*.csv"))
    files["log"] = "build.log"
    if rendered:
        pdfs = sorted((stage / "render-pdf" / "_book").glob("*.pdf"))
        (stage / "render-html" / "_book").rename(stage / "book")
        if pdfs:
            pdf_name = f"{book.pdf_name(period)}.pdf"
            pdfs[0].rename(stage / pdf_name)
            # Kept in the book too, where the HTML's download link points.
            shutil.copy2(stage / pdf_name, stage / "book" / pdf_name)
            files["pdf"] = pdf_name
            from helpers.pack.pdf import pdf_pages  # pypdf: only once there is a PDF

            files["pdf_pages"] = pdf_pages(stage / pdf_name)
        files["html"] = "book/index.html"
    # Working copies that only the notebooks and the renders needed.
    for leftover in ("render-html", "render-pdf", "charts"):
        shutil.rmtree(stage / leftover, ignore_errors=True)
    for page in stage.glob("*.qmd"):
        page.unlink()
    return files


def _write_summary(month, stage: Path) -> list[str]:
    """The Chair's one-page summary beside the pack, as HTML (for email) and plain text."""
    from helpers.report.summary import summary_html, summary_text

    (stage / "summary.html").write_text(summary_html(month), encoding="utf-8")
    (stage / "summary.txt").write_text(summary_text(month), encoding="utf-8")
    return ["summary.html", "summary.txt"]


def _write_clinic_briefing(month, stage: Path) -> list[str]:
    """The clinic briefing officers circulate before the meeting, as a page of HTML."""
    from helpers.report.clinic import clinic_briefing_html

    (stage / "clinic-briefing.html").write_text(
        clinic_briefing_html(month, stage / "notebooks" / "figures"), encoding="utf-8"
    )
    return ["clinic-briefing.html"]


def _start_clinic_pdf(month, found: quarto.Quarto, stage: Path) -> threading.Thread:
    """Render the briefing's PDF with Quarto while the book renders (it needs no chapter)."""
    from helpers.report.clinic import clinic_briefing_markdown

    markdown = clinic_briefing_markdown(month)

    def render() -> None:
        try:
            quarto.render_page(
                found,
                markdown,
                stage / "clinic-briefing.pdf",
                log_path=stage / "clinic.log",
                background=True,
            )
        except quarto.QuartoFailed as exc:
            log.warning("The clinic briefing PDF was not made: %s", exc)

    thread = threading.Thread(target=render, name="clinic-briefing-pdf")
    thread.start()
    return thread


def _check(store: Store, period: str | None, as_of: object = None) -> str:
    """The month to build: the one asked for, or the latest; it must be in the store."""
    period = str(parse_period(period)) if period else _latest_period(store)
    stored = store.observations(as_of=as_of)
    available = sorted(stored["period"].astype(str).str.slice(0, 7).unique())
    if period not in available:
        raise BuildError(
            f"The store has no figures for {period} "
            f"(it has {available[0]} to {available[-1]}). "
            "Load that month's extracts first, or choose another --period."
            if available
            else f"The store has no figures for {period}. Load the extracts first."
        )
    return period


def _check_selections(catalogue: Catalogue, root: Path, period: str) -> None:
    """A deep dive on a mistyped measure must stop the build, not reach members."""
    try:
        problems = [p for p in check_selections(catalogue, root, period) if p.is_error]
    except SelectionError as exc:
        raise BuildError(str(exc)) from None
    if problems:
        raise BuildError(
            "The deep-dive selections cannot be used:\n"
            + "\n".join(f"  {p}" for p in problems)
            + "\nNothing was built."
        )


def _check_council_plan(catalogue: Catalogue, root: Path) -> None:
    """Published Council Plan values that cannot be read would make a false cross-check."""
    try:
        read_council_plan(root, catalogue)
    except CouncilPlanError as exc:
        raise BuildError(
            f"The Council Plan values cannot be used:\n{exc}\nFix the file; nothing was built."
        ) from None


def _check_tracker_sets(catalogue: Catalogue, root: Path) -> None:
    """A broken dated tracker set would give members the wrong measures: stop first."""
    if not tracker_sets_path(root).exists():
        return
    try:
        read_tracker_sets(root, catalogue)
    except TrackerSetError as exc:
        raise BuildError(
            f"The tracker sets cannot be used:\n{exc}\nFix the file; nothing was built."
        ) from None


def _run_notebooks(
    plan: list[chapters.Chapter],
    stage: Path,
    parameters: dict[str, str],
    output: Path,
    workers: int,
    on_progress: ProgressHook,
    kernels: notebooks.ChapterKernels,
) -> None:
    """Execute every chapter notebook (a few at a time); any failure stops the build."""
    from helpers.pack import notebooks

    for chapter in plan:
        if not chapter.executes:
            shutil.copy2(chapter.source, stage / chapter.target)
    runs = [c for c in plan if c.executes]
    on_progress("notebooks", f"running {len(runs)} chapter notebooks")
    failures: list[notebooks.NotebookError] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {
            pool.submit(
                notebooks.run_notebook,
                chapter.source,
                stage / chapter.target,
                {**parameters, **chapter.parameters},
                stage,
                chapter.title,
                kernels,
            ): chapter
            for chapter in runs
        }
        for future in as_completed(futures):
            chapter = futures[future]
            try:
                log.info("Ran %s in %.2f s", chapter.target, future.result())
                on_progress("notebook done", chapter.target)
            except notebooks.NotebookError as exc:
                log.error("%s", exc)
                failures.append(exc)
    if failures:
        kept = notebooks.keep_failed(failures, output / "_failed" / parameters["period"])
        raise NotebookFailed(
            "\n\n".join(str(f) for f in failures)
            + "\n\nNothing was published. "
            + f"The failed notebook is kept for inspection in {kept}."
        )


def _find_quarto() -> tuple[quarto.Quarto | None, str | None]:
    """The real Quarto, or None and why not."""
    try:
        return quarto.find_quarto(), None
    except quarto.QuartoUnavailable as exc:
        log.warning("%s", exc)
        return None, str(exc)


def _render(
    found: quarto.Quarto,
    stage: Path,
    root: Path,
    period: str,
    config: dict,
    on_progress: ProgressHook,
    measure_ids: list[str],
    workers: int,
) -> float:
    """Render the HTML book and the members' PDF with the real Quarto; return the charts' time.

    The HTML book takes longest and needs no chart until it is read, so it starts first; the
    month's charts are drawn beside it (at a lower priority), put where the chapters asked for
    them, and then the PDF, which does need them, renders on what the HTML leaves of the two
    cores. The charts are copied into the HTML book once it is made.
    """
    on_progress("render", f"quarto {found.version}: HTML book, charts, then the PDF")
    words = book.council_words(root)
    html = book.stage_copies(root, stage, period, config, words, kinds=("html",))["html"]
    runs = [quarto.start_render(found, html)]
    try:
        started = time.perf_counter()
        drawn = figures.draw_charts(stage, root, measure_ids, workers, background=True)
        placed = figures.place_charts(stage, root)
        charts_seconds = time.perf_counter() - started
        log.info("Drew %d charts beside the HTML render, placed %d", drawn, placed)
        pdf = book.stage_copies(root, stage, period, config, words, kinds=("pdf",))["pdf"]
        runs.append(quarto.start_render(found, pdf, background=True))
    except BaseException:
        for run in runs:
            run.handle.kill()
            run.handle.communicate()
        raise
    try:
        quarto.finish_renders(runs, log_path=stage / "build.log")
    except quarto.QuartoFailed as exc:
        raise RenderFailed(f"{exc}\n\nNothing was published.") from None
    if (stage / "figures").is_dir():
        shutil.copytree(stage / "figures", html / "_book" / "figures", dirs_exist_ok=True)
    return charts_seconds


def build_pack(
    period: str | None = None,
    *,
    root: Path | None = None,
    store_path: Path | None = None,
    output: Path | None = None,
    render: bool = True,
    workers: int = 2,
    force: bool = False,
    on_progress: ProgressHook = _noop,
    as_of: object = None,
    as_published: bool = False,
    fresh_kernels: bool = False,
) -> BuildResult:
    """Build the pack for `period` (default: the latest month in the store).

    When the published pack was made from exactly these inputs (helpers.pack.freshness) nothing
    is built and the result says it is up to date; `force` builds it all the same.
    as_of: use only the figures loaded by that UTC time; as_published: the time recorded in the
    month's published manifest, so the rebuilt month's data equal the published pack's.
    fresh_kernels: a new kernel for every chapter instead of one reused per worker
    (helpers.pack.notebooks.ChapterKernels); the chapters come out the same either way.
    """
    root = root or paths.project_root()
    output = output or paths.output_dir(root)
    store_path = store_path or paths.store_path(root)
    stages: dict[str, float] = {}
    started = time.perf_counter()

    on_progress("check", "catalogue, store and chapters")
    catalogue = load_catalogue(paths.catalogue_path(root))
    try:
        load_council(paths.data_dir(root) / "council.yml")  # e.g. a missing council.yml
    except CouncilError as exc:
        raise BuildError(str(exc)) from None
    unset = unset_warnings(root)
    config = chapters.read_quarto_config(root / "_quarto.yml")
    plan = chapters.plan_chapters(config, root / "notebooks", catalogue.themes)
    if as_of is not None and as_published:
        raise BuildError("Give --as-of or --as-published, not both.")
    kind = "as-of" if as_of is not None else "latest"
    if as_published:
        if not period:
            raise BuildError("--as-published needs the month: add --period YYYY-MM.")
        try:
            as_of = manifest.published_as_of(output / str(parse_period(period)))
        except FileNotFoundError as exc:
            raise BuildError(str(exc)) from None
        kind = "as-published"
    if as_of is not None:
        try:
            as_of = utc_naive(as_of)
        except ValueError:
            raise BuildError(
                f"--as-of {as_of!r} is not a time. Write it as YYYY-MM-DDTHH:MM:SS (UTC)."
            ) from None
    with Store(store_path) as store:
        period = _check(store, period, as_of)
    _check_selections(catalogue, root, period)
    _check_tracker_sets(catalogue, root)
    _check_council_plan(catalogue, root)
    found, quarto_message = (
        _find_quarto() if render else (None, "Rendering was skipped (--no-render).")
    )
    render_state = found.version if found else ("not rendered" if not render else "no quarto")
    with Store(store_path) as store:
        parts = freshness.key_parts(
            root,
            store,
            period,
            render_state,
            # An as-of build is a different pack from a plain one made from the same figures.
            extra={"as_of": as_of.isoformat()} if as_of is not None else None,
            as_of=as_of,
        )
    key = freshness.build_key(parts)
    published_key, published_parts = freshness.published_key(output / period)
    changed = freshness.changed_parts(published_parts, parts) if published_key else []
    stages["check"] = round(time.perf_counter() - started, 3)
    if published_key == key and not force:
        stages["total"] = round(time.perf_counter() - started, 3)
        log.info("The pack for %s is up to date (build key %s)", period, key[:12])
        return BuildResult(period, output / period, stages, up_to_date=True, warnings=unset)

    output.mkdir(parents=True, exist_ok=True)
    for gone in publish.remove_abandoned_builds(output):
        log.info("Removed %s, left by a build that was stopped", gone.name)
    stage = output / f".build-{period}-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "data").mkdir(parents=True)
    handler = logging.FileHandler(stage / "build.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger("helpers").addHandler(handler)
    logging.getLogger("helpers").setLevel(logging.INFO)
    # papermill and the Jupyter client load here, not when `tracker build` finds nothing to do.
    from helpers.pack import notebooks

    kernels = notebooks.ChapterKernels(stage, fresh=fresh_kernels)
    try:
        log.info("Building the pack for %s from %s", period, root)
        for warning in unset:
            log.warning("%s", warning)
        # The chapters' kernels boot while the statistics are worked out (see ChapterKernels).
        # As many as will be used: none for a book of pages only (no chapter to execute).
        kernels.start_early(min(max(1, workers), sum(c.executes for c in plan)))
        t0 = time.perf_counter()
        on_progress("statistics", "SPC and statsmodels checks for every measure")
        with Store(store_path) as store:
            month = analyse_month(store, catalogue, period, root=root, as_of=as_of)
            month.published = book.published_date(config).isoformat()  # requests run from it
            input_hashes = manifest.input_hashes(root, store, as_of)
            loaded_up_to = store.last_loaded_at(as_of)
        used = {
            "kind": kind,
            "as_of": as_of.isoformat() if as_of is not None else None,
            "loaded_up_to": loaded_up_to.isoformat() if loaded_up_to else None,
        }
        log.info("Figures: %s", used)
        write_month(month, stage / "data")
        write_key(stage / "data", parts)  # so a chapter opened by hand can tell it is current
        stages["statistics"] = round(time.perf_counter() - t0, 3)

        # The chapters ask for their charts; the build draws those (helpers.pack.figures).
        figures.ask_for_charts(stage)
        t0 = time.perf_counter()
        parameters = {"period": period, "pack_dir": str(stage), "project_dir": str(root)}
        _run_notebooks(plan, stage, parameters, output, workers, on_progress, kernels)
        kernels.close()
        stages["notebooks"] = round(time.perf_counter() - t0, 3)
        measure_ids = figures.requested_measures(stage)
        if found is None:  # else drawn beside the HTML render (see _render)
            t0 = time.perf_counter()
            on_progress("charts", "the chapters' charts, two at a time")
            drawn = figures.draw_charts(stage, root, measure_ids, workers)
            placed = figures.place_charts(stage, root)
            log.info("Drew %d charts, placed %d", drawn, placed)
            stages["charts"] = round(time.perf_counter() - t0, 3)

        quarto_version = found.version if found else None
        clinic_pdf = None
        if found is not None:
            t0 = time.perf_counter()
            if month.selections:
                clinic_pdf = _start_clinic_pdf(month, found, stage)
            try:
                charts = _render(
                    found, stage, root, period, config, on_progress, measure_ids, workers
                )
            finally:
                if clinic_pdf is not None:
                    clinic_pdf.join()
            stages["render"] = round(time.perf_counter() - t0, 3)
            stages["charts_during_render"] = round(charts, 3)

        rendered = quarto_version is not None
        files = _arrange_outputs(stage, period, rendered)
        files["summary"] = _write_summary(month, stage)
        if month.selections:
            files["clinic"] = _write_clinic_briefing(month, stage)
            if (stage / "clinic-briefing.pdf").exists():
                files["clinic"].append("clinic-briefing.pdf")
        if (stage / "clinic.log").exists():  # the briefing's render, kept in the build log
            with (stage / "build.log").open("a", encoding="utf-8") as build_log:
                build_log.write((stage / "clinic.log").read_text(encoding="utf-8"))
            (stage / "clinic.log").unlink()
        stages["total"] = round(time.perf_counter() - started, 3)
        content = manifest.write_manifest(
            stage,
            period=period,
            files=files,
            parameters={
                "period": period,
                "render": render,
                "workers": workers,
                "as_of": used["as_of"],
                "as_published": as_published,
                "fresh_kernels": fresh_kernels,
            },
            inputs=input_hashes,
            stages=stages,
            quarto_version=quarto_version,
            quarto_message=None if quarto_version else quarto_message,
            freshness={"build_key": key, "parts": parts, "changed_since_published": changed},
            figures=used,
        )
        logging.getLogger("helpers").removeHandler(handler)
        handler.close()  # build.log is complete before the folder moves into place
        publish.publish(stage, output, period)
        message = None if quarto_version else quarto_message
        return BuildResult(
            period,
            output / period,
            stages,
            rendered,
            message,
            content,
            changed=changed,
            warnings=unset,
        )
    finally:
        kernels.close()
        logging.getLogger("helpers").removeHandler(handler)
        handler.close()
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
