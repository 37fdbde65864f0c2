"""The `tracker` command line: arguments, printing and exit codes only.

The work is done by the stage packages (helpers.inputs, helpers.pack, helpers.workflows). Each
command is one function; add another with `@app.command()`.

Exit codes: 0 done (warnings allowed), 1 could not run (catalogue unreadable, store busy),
2 invalid input (every problem is printed and nothing was changed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from helpers import paths
from helpers.inputs.catalogue import Catalogue, CatalogueError, load_catalogue

if TYPE_CHECKING:  # the store, pandas and the checks load only in the commands that use them
    import pandas as pd

    from helpers.analysis.month import MonthAnalysis
    from helpers.inputs.problems import Problem
    from helpers.inputs.store import Store

EXIT_FAILED = 1
EXIT_INVALID = 2

app = typer.Typer(
    help="Vision Tracker: build the monthly children's services performance pack.",
    no_args_is_help=True,
    add_completion=False,
)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Extract files or folders (default: data/extracts).", show_default=False),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store", help="The store file (default: $TRACKER_STORE or data/tracker.duckdb)."
    ),
]
CatalogueOpt = Annotated[
    Path | None, typer.Option("--catalogue", help="The catalogue (default: data/measures.yml).")
]


@app.callback()
def main() -> None:
    """Vision Tracker command line."""


def _fail(message: str, code: int = EXIT_FAILED) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _catalogue(path: Path | None) -> Catalogue:
    try:
        return load_catalogue(path)
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    except CatalogueError as exc:  # council.yml too: its errors carry exit code 2
        code = getattr(exc, "exit_code", EXIT_FAILED)
        raise _fail(f"Cannot read the catalogue: {exc}", code) from None


def _paths(given: list[Path] | None) -> list[Path]:
    try:
        return list(given) if given else [paths.extracts_dir()]
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None


def _store(path: Path | None) -> Store:
    from helpers.inputs.store import Store

    try:
        return Store(path)
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None


def print_problems(problems: list[Problem]) -> None:
    """One plain line per problem (easy to read, copy and grep), errors first within a file."""
    for problem in problems:
        label = "ERROR  " if problem.is_error else "warning"
        typer.echo(f"{label} {problem}")


def _counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(p.is_error for p in problems)
    return errors, len(problems) - errors


@app.command()
def validate(extracts: PathsArg = None, catalogue: CatalogueOpt = None) -> None:
    """Check extracts and print every problem; exit 2 if any file has an error."""
    from helpers.inputs.validation import check_paths

    checked = check_paths(_paths(extracts), _catalogue(catalogue))
    problems = [p for c in checked for p in c.problems]
    print_problems(problems)
    errors, warnings = _counts(problems)
    bad = sum(not c.ok for c in checked)
    typer.echo(
        f"{len(checked)} file(s) checked: {errors} error(s) in {bad} file(s), "
        f"{warnings} warning(s)."
    )
    if errors:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def load(extracts: PathsArg = None, store: StoreOpt = None, catalogue: CatalogueOpt = None) -> None:
    """Validate, then load extracts into the store (all or nothing; exit 2 on bad input)."""
    from helpers.inputs.store import LoadError, StoreBusy

    target = _store(store)
    try:
        report = target.load(_paths(extracts), _catalogue(catalogue))
    except LoadError as exc:
        print_problems(exc.problems)
        errors, _ = _counts(exc.problems)
        raise _fail(
            f"Nothing was loaded: {errors} error(s). Fix them and run the load again.",
            EXIT_INVALID,
        ) from None
    except StoreBusy as exc:
        raise _fail(str(exc)) from None
    print_problems(report.warnings)
    for item in report.files:
        if item.status == "loaded":
            typer.echo(
                f"loaded  {item.path}: {item.rows} row(s), {item.new_rows} new, "
                f"{item.revised_rows} revised, {item.unchanged_rows} unchanged "
                f"(load {item.load_id})"
            )
        else:
            typer.echo(f"skipped {item.path}: already loaded (same content)")
    typer.echo(report.summary())


def _console() -> Console:
    """Rich console; wide enough when piped so tables are not squeezed to 80 columns."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    return console


def _number(value: object) -> str:
    import pandas as pd

    return "" if pd.isna(value) else f"{value:,.10g}"


def _figures(frame: pd.DataFrame, which: str) -> pd.Series:
    """'81 (81/100)': a value with its numerator/denominator when it has them."""
    import pandas as pd

    out = []
    for value, num, den in zip(
        frame[f"{which}_value"],
        frame[f"{which}_numerator"],
        frame[f"{which}_denominator"],
        strict=True,
    ):
        text = _number(value)
        if not (pd.isna(num) and pd.isna(den)):
            text += f" ({_number(num)}/{_number(den)})"
        out.append(text)
    return pd.Series(out, index=frame.index)


def _table(frame: pd.DataFrame, title: str, columns: dict[str, str]) -> Table:
    import pandas as pd

    table = Table(title=title)
    for heading in columns.values():
        table.add_column(heading)
    for row in frame.itertuples(index=False):
        cells = []
        for name in columns:
            value = getattr(row, name)
            cells.append(
                "" if pd.isna(value) else f"{value:g}" if isinstance(value, float) else str(value)
            )
        table.add_row(*cells)
    return table


@app.command()
def revisions(
    store: StoreOpt = None,
    since_load: Annotated[
        int | None, typer.Option("--since-load", help="Only revisions made by load N or later.")
    ] = None,
) -> None:
    """List revised figures: the old and new value, and the load that revised them."""
    from helpers.inputs.store import StoreBusy

    try:
        frame = _store(store).revisions(since_load=since_load)
    except StoreBusy as exc:
        raise _fail(str(exc)) from None
    if frame.empty:
        typer.echo("No revisions recorded.")
        return
    frame = frame.assign(
        loaded_at=frame["loaded_at"].astype(str).str[:16],
        old=_figures(frame, "old"),
        new=_figures(frame, "new"),
    )
    columns = {
        "measure_id": "measure",
        "period": "period",
        "old": "old (num/den)",
        "new": "new (num/den)",
        "revision": "rev",
        "load_id": "load",
        "file_name": "file",
        "loaded_at": "loaded (UTC)",
    }
    _console().print(_table(frame, f"{len(frame)} revised figure(s)", columns))


@app.command()
def loads(store: StoreOpt = None) -> None:
    """List the files loaded into the store, oldest first."""
    from helpers.inputs.store import StoreBusy

    try:
        frame = _store(store).loads()
    except StoreBusy as exc:
        raise _fail(str(exc)) from None
    if frame.empty:
        typer.echo("Nothing has been loaded yet.")
        return
    months = frame["periods"].str.split(",")
    spans = months.map(lambda p: p[0] if len(p) == 1 else f"{p[0]} to {p[-1]}")
    frame = frame.assign(periods=spans, loaded_at=frame["loaded_at"].astype(str).str[:16])
    columns = {
        "load_id": "load",
        "file_name": "file",
        "loaded_at": "loaded (UTC)",
        "rows": "rows",
        "new_rows": "new",
        "revised_rows": "revised",
        "unchanged_rows": "unchanged",
        "periods": "periods",
    }
    _console().print(_table(frame, f"{len(frame)} load(s)", columns))


@app.command()
def select(
    period: Annotated[str, typer.Argument(help="The pack's month, YYYY-MM.", show_default=False)],
    measures: Annotated[
        list[str] | None,
        typer.Argument(help="Measure ids from data/measures.yml.", show_default=False),
    ] = None,
    requested_by: Annotated[
        str | None, typer.Option("--by", help="Who asked, e.g. the commission and meeting date.")
    ] = None,
    question: Annotated[
        str | None, typer.Option("--question", help="The member's question, in their words.")
    ] = None,
    meeting: Annotated[
        str | None, typer.Option("--meeting", help="The clinic date, YYYY-MM-DD.")
    ] = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """Record the measures members picked for a month's deep dive (data/selections.yml).

    With no measures, list what is already chosen for that month. The next `tracker build`
    for the month includes a Deep dive chapter on them.
    """
    from helpers.inputs.selections import (
        SelectionError,
        add_selection,
        check_selections,
        for_period,
    )
    from helpers.periods import PeriodError, format_period

    cat = _catalogue(catalogue)
    try:
        month = format_period(period)
    except PeriodError as exc:
        raise _fail(f"'{period}' is not a month: {exc}", EXIT_INVALID) from None
    if not measures:
        try:
            problems = check_selections(cat, period=month)
        except SelectionError as exc:
            raise _fail(f"{exc}", EXIT_INVALID) from None
        print_problems(problems)
        chosen = for_period(month)
        if not chosen:
            typer.echo(f"No measures are chosen for the {month} deep dive yet.")
        for measure_id in chosen:
            title = cat[measure_id].title if measure_id in cat else "(not in the catalogue)"
            typer.echo(f"{measure_id}: {title}")
        if any(p.is_error for p in problems):
            raise typer.Exit(EXIT_INVALID)
        return
    try:
        chosen = add_selection(
            month, measures, cat, requested_by, question=question, meeting=meeting
        )
    except SelectionError as exc:
        raise _fail(f"Nothing was changed. {exc}", EXIT_INVALID) from None
    typer.echo(
        f"The {month} deep dive now covers: {', '.join(chosen.measures)}. "
        f"Run `tracker build --period {month}` to include it in the pack."
    )


@app.command()
def refresh(
    add: Annotated[
        list[str] | None, typer.Option("--add", help="A measure id to add to the tracker.")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="A measure id to take off the tracker.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Date the new set starts (YYYY-MM-DD).")
    ] = None,
    agreed_by: Annotated[
        str | None, typer.Option("--by", help="Who agreed the new set, e.g. the commission.")
    ] = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """The six-monthly tracker refresh: list the dated sets, or record a new one.

    With --add/--remove, appends a dated entry to data/tracker_sets.yml (earlier entries are
    never changed; the next review is six months on). Packs for months from that date use it.
    """
    import datetime as dt

    from helpers.inputs.tracker_sets import TrackerSetError, read_tracker_sets
    from helpers.workflows.refresh import RefreshError, refresh_tracker

    cat = _catalogue(catalogue)
    if add or remove or on or agreed_by:
        try:
            day = dt.date.fromisoformat(on) if on else None
            done = refresh_tracker(cat, add or [], remove or [], day, agreed_by)
        except ValueError as exc:  # RefreshError, or a date that is not YYYY-MM-DD
            message = str(exc) if isinstance(exc, RefreshError) else f"--on {on!r}: {exc}"
            raise _fail(f"Nothing was changed. {message}", EXIT_INVALID) from None
        added = ", ".join(done.added) or "none"
        removed = ", ".join(done.removed) or "none"
        typer.echo(
            f"The tracker now has {len(done.tracker)} measures (added: {added}; removed: "
            f"{removed}) from {done.last_refreshed:%-d %B %Y}, agreed by {done.agreed_by}; "
            f"next review by {done.next_due:%B %Y}."
        )
    try:
        sets = read_tracker_sets(catalogue=cat)
    except TrackerSetError as exc:
        raise _fail(f"Cannot read the tracker sets:\n{exc}", EXIT_INVALID) from None
    for entry in sets[:-1]:
        typer.echo(
            f"from {entry.start}: {len(entry.measures)} measures, agreed by {entry.agreed_by}"
        )
    current = sets[-1]
    due = f"; next review by {current.next_review}" if current.next_review else ""
    typer.echo(
        f"Current set, from {current.start}: {len(current.measures)} measures, agreed by "
        f"{current.agreed_by}{due}."
    )
    for theme_id, theme in cat.themes.items():
        chosen = [m for m in cat.in_theme(theme_id) if m.id in current.measures]
        typer.echo(f"{theme.title}: {len(chosen)} of {len(cat.in_theme(theme_id))} measures")
        for m in chosen:
            typer.echo(f"  {m.id}: {m.short_title}")


@app.command()
def signals(
    period: Annotated[
        str | None,
        typer.Option("--period", help="The month, YYYY-MM (default: the latest in the store)."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table (terminal), text or html (for an email).")
    ] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the text or HTML to this file.")
    ] = None,
    send: Annotated[
        bool,
        typer.Option("--send", help="Email it (data/council.yml's email: block) to the Chair."),
    ] = False,
    eml: Annotated[
        Path | None,
        typer.Option("--eml", help="Write the same email to this .eml file, without sending."),
    ] = None,
    attach_pdf: Annotated[
        bool, typer.Option("--attach-pdf", help="Attach the month's members' PDF to the email.")
    ] = False,
    link: Annotated[
        str | None,
        typer.Option("--link", help="Link to the published pack (default: email.pack_url)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Where packs are built (default: output/).")
    ] = None,
    store: StoreOpt = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """The Chair's summary: the month's special causes and assurance failures, with readings.

    --send emails it through the council's mail server (exit 2, naming the setting to check,
    when the server cannot be reached or refuses the login or a recipient: then nobody gets
    it); --eml FILE writes the same message for a dry run. The email describes the built pack
    of the month where there is one.
    """
    from helpers.analysis.month import analyse_month
    from helpers.inputs.store import StoreBusy
    from helpers.inputs.tracker_sets import TrackerSetError
    from helpers.periods import PeriodError, format_period
    from helpers.report.summary import signal_rows, summary_html, summary_text

    if output_format not in ("table", "text", "html"):
        raise _fail(f"--format {output_format!r}: use table, text or html.", EXIT_INVALID)
    if out is not None and output_format == "table":
        raise _fail("--out writes text or html: add --format text or --format html.", EXIT_INVALID)
    cat = _catalogue(catalogue)
    source = _store(store)
    try:
        month = format_period(period) if period else source.latest_period()
    except PeriodError as exc:
        raise _fail(f"--period {period!r}: {exc}", EXIT_INVALID) from None
    if month is None:
        raise _fail("The store holds no figures yet. Run `tracker load data/extracts` first.")
    if month not in set(source.observations(until=month)["period"]):
        raise _fail(f"The store has no figures for {month}.", EXIT_INVALID)

    def analyse() -> MonthAnalysis:
        try:
            return analyse_month(source, cat, month, root=paths.project_root())
        except TrackerSetError as exc:
            raise _fail(f"Cannot read the tracker sets:\n{exc}", EXIT_INVALID) from None
        except StoreBusy as exc:
            raise _fail(str(exc)) from None

    if send or eml is not None:
        _email(month, analyse, send, eml, attach_pdf, link, output or paths.output_dir())
        return
    analysed = analyse()
    if output_format == "table":
        rows = signal_rows(analysed.verdicts)
        rows = rows.assign(tracker=rows["tracker"].map({True: "yes", False: ""}))
        columns = {
            "kind": "",
            "measure": "measure",
            "what": "what",
            "tracker": "tracker",
            "reading": "reading",
        }
        title = f"{month}: {len(rows)} special cause(s) and assurance failure(s)"
        _console().print(_table(rows, title, columns))
        return
    text = summary_html(analysed) if output_format == "html" else summary_text(analysed)
    if out is None:
        typer.echo(text, nl=False)
        return
    from helpers.files import replace_file

    replace_file(out, text)
    typer.echo(f"Wrote {out}.")


def _email(
    month: str,
    analyse: Callable[[], MonthAnalysis],
    send: bool,
    eml: Path | None,
    attach_pdf: bool,
    link: str | None,
    output: Path,
) -> None:
    """The Chair's email: written to --eml, sent with --send; exit 2 with the setting to check."""
    import os

    from helpers.delivery.chair_email import EmailError, month_for_email, prepare_email, write_eml
    from helpers.delivery.smtp import SendError, send_message
    from helpers.inputs.council import CouncilError, load_council
    from helpers.inputs.email_settings import EmailSettingsError, with_environment

    root = paths.project_root()
    try:
        council = load_council(paths.data_dir(root) / "council.yml")
        if council.email is not None and send:
            settings = with_environment(council.email, os.environ)
        analysed = month_for_email(root, output, month, analyse)
        message, _ = prepare_email(council, analysed, output, link, attach_pdf)
    except (CouncilError, EmailSettingsError, EmailError) as exc:
        raise _fail(f"{exc}", EXIT_INVALID) from None
    if eml is not None:
        write_eml(message, eml)
        typer.echo(f"Wrote {eml} ({message['Subject']}); nothing was sent.")
    if not send:
        return
    try:
        sent = send_message(message, settings)
    except SendError as exc:
        raise _fail(str(exc), EXIT_INVALID) from None
    typer.echo(
        f"Sent '{message['Subject']}' through {settings.smtp_host} port {settings.port} to "
        f"{len(sent)} recipient(s): {', '.join(sent)}."
    )


@app.command("new-chapter")
def new_chapter(
    name: Annotated[
        str, typer.Argument(help="File name for the chapter, e.g. placement-stability.")
    ],
    measures: Annotated[
        list[str], typer.Argument(help="Measure ids from data/measures.yml.", show_default=False)
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="The chapter's heading (default: from the name).")
    ] = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """Start an analyst's deep-dive chapter: notebooks/NAME.ipynb, listed in _quarto.yml."""
    from helpers.workflows.new_chapter import AuthoringError
    from helpers.workflows.new_chapter import new_chapter as start_chapter

    cat = _catalogue(catalogue)
    heading = title or name.replace("-", " ").capitalize()
    try:
        path = start_chapter(paths.project_root(), name, heading, measures, cat)
    except AuthoringError as exc:
        raise _fail(f"Nothing was changed. {exc}", EXIT_INVALID) from None
    typer.echo(
        f"Created {path} and added it to _quarto.yml after the members' deep dive. "
        "Open it in Jupyter to write the chapter; `tracker build` runs it with the month."
    )


@app.command()
def preview(
    chapter: Annotated[
        str,
        typer.Argument(
            help="The chapter as _quarto.yml lists it, without the extension "
            "(early_help, deep-dive, an analyst's own).",
            show_default=False,
        ),
    ],
    period: Annotated[
        str | None,
        typer.Option("--period", help="The month, YYYY-MM (default: the latest in the store)."),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also render the chapter's pages of the members' PDF.")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Run one chapter for the month and render it as a page of the HTML book; print its path.

    The month's statistics are reused when the month has been built or previewed. References
    to other chapters are shown as plain words. Without Quarto the executed notebook is left
    in output/preview/<period>/<chapter>/.

    Exit codes: 0 rendered; 2 bad input; 3 the notebook ran but Quarto is missing or too old;
    4 the chapter failed; 5 Quarto failed.
    """
    from helpers.pack.notebooks import ChapterKernels, NotebookError

    # The chapter's kernel boots while the rest of the preview's code loads.
    try:
        kernels = ChapterKernels(paths.project_root())
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    kernels.start_early(1)
    from helpers.analysis.workspace import MonthUnavailable
    from helpers.inputs.store import StoreBusy
    from helpers.pack.build import (
        EXIT_NO_QUARTO,
        EXIT_NOTEBOOK_FAILED,
        EXIT_RENDER_FAILED,
    )
    from helpers.pack.chapters import ChapterError
    from helpers.pack.preview import PreviewError, preview_chapter
    from helpers.pack.quarto import QuartoFailed
    from helpers.periods import PeriodError

    try:
        result = preview_chapter(
            chapter,
            period,
            store_path=store,
            pdf=pdf,
            on_note=lambda text: typer.echo(text),
            kernels=kernels,
        )
    except (PreviewError, ChapterError, MonthUnavailable, CatalogueError, PeriodError) as exc:
        raise _fail(f"Nothing was previewed. {exc}", EXIT_INVALID) from None
    except StoreBusy as exc:
        raise _fail(str(exc)) from None
    except NotebookError as exc:
        raise _fail(
            f"{exc}\n\nThe executed notebook is kept: {exc.chapter}", EXIT_NOTEBOOK_FAILED
        ) from None
    except QuartoFailed as exc:
        raise _fail(str(exc), EXIT_RENDER_FAILED) from None
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in result.stages.items())
    if result.page is None:
        typer.echo(f"Ran {result.chapter} for {result.period} ({stages}): {result.notebook}")
        typer.echo(f"No page was rendered. {result.quarto_message}", err=True)
        raise typer.Exit(EXIT_NO_QUARTO)
    typer.echo(f"Previewed {result.chapter} for {result.period} ({stages}).")
    typer.echo(f"Page: {result.page}")
    if result.pdf is not None:
        typer.echo(f"PDF:  {result.pdf}")


WARNINGS_SHOWN = 3


def _print_annex_a_problems(problems: list[Problem]) -> None:
    """Every error; warnings a few per sheet, column and kind, then how many more."""
    from helpers.inputs.annex_a.compute import _kind

    print_problems([p for p in problems if p.is_error])
    shown: dict[tuple[str, str, str], int] = {}
    for problem in problems:
        if problem.is_error:
            continue
        key = (problem.file, problem.column or "", _kind(problem.message))
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= WARNINGS_SHOWN:
            print_problems([problem])
    for (file, column, kind), count in shown.items():
        if count > WARNINGS_SHOWN:
            typer.echo(
                f"warning {file}, column '{column}': {count - WARNINGS_SHOWN} more cell(s) with "
                f"{kind}."
            )


@app.command("annex-a")
def annex_a(
    workbook: Annotated[Path, typer.Argument(help="The Annex A workbook (.xlsx).")],
    extracted: Annotated[
        str | None,
        typer.Option("--extracted", help="The date the lists were extracted (default: today)."),
    ] = None,
    first: Annotated[
        str | None,
        typer.Option("--from", help="First month, YYYY-MM (default: 12 months before)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the extract (default: data/extracts/annex-a)."),
    ] = None,
    load_it: Annotated[
        bool, typer.Option("--load", help="Load the figures into the store instead of writing.")
    ] = False,
    store: StoreOpt = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """Compute the month's figures from an Annex A workbook (Ofsted's child-level lists).

    Every whole month from --from to the month before --extracted; writes
    annex-a-<extracted>.csv (long format) or, with --load, loads it with the usual checks and
    revisions. Exit 2 on any error in the workbook: nothing is written or loaded.
    """
    import datetime as dt

    from helpers.inputs.annex_a.compute import AnnexAError, compute_annex_a
    from helpers.inputs.annex_a.output import default_folder, load_extract, write_extract
    from helpers.inputs.annex_a.workbook import WorkbookError
    from helpers.inputs.population import PopulationError
    from helpers.inputs.store import LoadError, StoreBusy
    from helpers.periods import PeriodError, parse_period

    if out is not None and load_it:
        raise _fail("Give --out DIR or --load, not both. Nothing was done.", EXIT_INVALID)
    try:
        day = dt.date.fromisoformat(extracted) if extracted else dt.date.today()
    except ValueError:
        raise _fail(
            f"--extracted {extracted!r} is not a date: write YYYY-MM-DD.", EXIT_INVALID
        ) from None
    if day > dt.date.today():
        raise _fail(
            f"--extracted {day.isoformat()} is in the future: give the date the lists were "
            "extracted. Nothing was done.",
            EXIT_INVALID,
        )
    try:
        month = parse_period(first) if first else None
    except PeriodError as exc:
        raise _fail(f"--from {first!r}: {exc}", EXIT_INVALID) from None
    cat = _catalogue(catalogue)
    try:
        result = compute_annex_a(workbook, cat, day, month)
    except (WorkbookError, PopulationError) as exc:
        raise _fail(f"Nothing was written or loaded. {exc}", EXIT_INVALID) from None
    except AnnexAError as exc:
        _print_annex_a_problems(exc.problems)
        errors = sum(p.is_error for p in exc.problems)
        raise _fail(
            f"Nothing was written or loaded: {errors} error(s) in {workbook.name}. Fix them in "
            "the case management system, export again and rerun.",
            EXIT_INVALID,
        ) from None
    _print_annex_a_problems(result.problems)
    for note in result.notes:
        typer.echo(f"note    {note}")
    measures = result.figures["measure_id"].nunique()
    span = f"{result.months[0]} to {result.months[-1]}"
    left = len(result.warnings)
    summary = (
        f"{len(result.figures)} figure(s) for {measures} measure(s), {span}; {left} warning(s)"
    )
    if not load_it:
        path = write_extract(result, workbook, out or default_folder())
        typer.echo(f"{summary}. Wrote {path}.")
        return
    target = _store(store)
    try:
        report = load_extract(result, workbook, target, cat)
    except LoadError as exc:
        print_problems(exc.problems)
        raise _fail(
            "Nothing was loaded: the figures failed the store's checks.", EXIT_INVALID
        ) from None
    except StoreBusy as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{summary}. {report.summary()}")


@app.command()
def build(
    period: Annotated[
        str | None,
        typer.Option("--period", help="The month, YYYY-MM (default: the latest in the store)."),
    ] = None,
    store: StoreOpt = None,
    no_render: Annotated[
        bool, typer.Option("--no-render", help="Stop after the executed notebooks (no Quarto).")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", help="Notebooks run at once.")] = 2,
    force: Annotated[
        bool, typer.Option("--force", help="Build even when nothing has changed since the last.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", help="Where packs are published (default: output/).")
    ] = None,
    as_published: Annotated[
        bool,
        typer.Option(
            "--as-published",
            help="Use only the figures loaded when the month's pack was last published "
            "(the time is in its manifest.json).",
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Use only the figures loaded by this time (UTC, ISO 8601)."),
    ] = None,
    fresh_kernels: Annotated[
        bool,
        typer.Option(
            "--fresh-kernels",
            help="A new kernel for every chapter notebook (slower), instead of one per worker "
            "wiped between chapters.",
        ),
    ] = False,
) -> None:
    """Build the month's pack into output/<period>/: notebooks, then HTML and PDF with Quarto.

    When nothing the pack is made from has changed since it was published (the build key in
    its manifest), it says so and stops; --force builds it again.
    By default the pack uses the latest figures; --as-published or --as-of rebuild it from the
    figures as they stood then (the manifest records which).

    Exit codes: 0 built; 2 bad input; 3 notebooks built but Quarto is missing or too old;
    4 a chapter notebook failed; 5 Quarto failed. Only 0 and 3 publish a pack.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from helpers.inputs.store import StoreBusy
    from helpers.pack.build import EXIT_NO_QUARTO, BuildError, build_pack
    from helpers.pack.chapters import ChapterError
    from helpers.periods import PeriodError

    console = _console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("checking inputs", total=None)

        def on_progress(stage: str, detail: str) -> None:
            if stage == "notebooks":  # "running N chapter notebooks"
                total = int(detail.split()[1])
                progress.update(task, total=total, completed=0, description=detail)
            elif stage == "notebook done":
                progress.advance(task)
                progress.update(task, description=f"notebooks: {detail} done")
            else:
                progress.update(task, description=f"{stage}: {detail}")

        try:
            result = build_pack(
                period,
                store_path=store,
                render=not no_render,
                workers=workers,
                force=force,
                output=output,
                on_progress=on_progress,
                as_of=as_of,
                as_published=as_published,
                fresh_kernels=fresh_kernels,
            )
        except (BuildError, ChapterError, CatalogueError, PeriodError, StoreBusy) as exc:
            progress.stop()
            code = getattr(exc, "exit_code", EXIT_INVALID)
            raise _fail(f"The pack was not built.\n{exc}", code) from None
    for warning in result.warnings:  # placeholders `tracker init` left, until they are set
        typer.echo(f"warning {warning}", err=True)
    if result.up_to_date:
        console.print(
            f"The pack for {result.period} in {result.folder} is up to date: nothing it is made "
            "from has changed since it was published. Use --force to build it again."
        )
        return
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in result.stages.items())
    if result.changed:
        console.print(f"Rebuilt because these changed: {', '.join(result.changed)}.")
    console.print(f"Pack for {result.period} in {result.folder} ({stages}).")
    if result.rendered:
        console.print(f"HTML: {result.folder / 'book' / 'index.html'}")
        console.print(f"PDF:  {result.folder / f'vision-tracker-{result.period}.pdf'}")
        return
    console.print(
        "The executed notebooks, the month's data and the manifest are in the pack folder; "
        "no HTML or PDF was made."
    )
    if no_render:
        return
    typer.echo(result.quarto_message, err=True)
    raise typer.Exit(EXIT_NO_QUARTO)


# ---------------------------------------------------------------- tracker publish (the web folder)


@app.command()
def publish(
    to: Annotated[
        Path,
        typer.Option("--to", help="The council's web folder (a share, a static site's folder)."),
    ],
    period: Annotated[
        str | None,
        typer.Option("--period", help="The month, YYYY-MM (default: the newest pack built)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Where packs are built (default: output/).")
    ] = None,
) -> None:
    """Copy a built month into DIR/<YYYY-MM>/ (switched in one step) and update the archive.

    DIR/index.html lists every month published there, newest first; DIR/latest/ opens the
    newest. Publishing a month again replaces it whole. Exit 2 when there is no built pack or
    DIR cannot be used: nothing published is changed.
    """
    from helpers.delivery.web import PublishError, newest_built, publish_month
    from helpers.inputs.council import CouncilError, load_council
    from helpers.periods import PeriodError, format_period

    built = output or paths.output_dir()
    try:
        month = format_period(period) if period else newest_built(built)
        council = load_council(paths.data_dir() / "council.yml")
    except PeriodError as exc:
        raise _fail(f"--period {period!r}: {exc}", EXIT_INVALID) from None
    except CouncilError as exc:
        raise _fail(str(exc), EXIT_INVALID) from None
    if month is None:
        raise _fail(f"No pack is built in {built}: run `tracker build` first.", EXIT_INVALID)
    try:
        done = publish_month(built, month, to, council.name)
    except PublishError as exc:
        raise _fail(str(exc), EXIT_INVALID) from None
    for warning in done.warnings:
        typer.echo(f"warning {warning}", err=True)
    verb = "Replaced" if done.replaced else "Published"
    typer.echo(
        f"{verb} {month} in {done.folder}. The archive ({to / 'index.html'}) lists "
        f"{len(done.months)} month(s), newest {done.months[0]}; {to / 'latest'} opens it."
    )


# ---------------------------------------------------------------- tracker init (a new council)


@app.command()
def init(
    folder: Annotated[
        Path, typer.Argument(help="The new project's folder (new or empty).", show_default=False)
    ],
    council: Annotated[
        str,
        typer.Option(
            "--council",
            help="The council's DfE old LA code (e.g. 383) or ONS code (e.g. E08000035).",
            show_default=False,
        ),
    ],
    commission: Annotated[
        str | None,
        typer.Option("--commission", help="The scrutiny commission's name, as members know it."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace everything in FOLDER if it is not empty.")
    ] = False,
) -> None:
    """Start a project for another council: its settings, the shared catalogue and chapters,
    and nothing of the demo (no extracts, selections, Council Plan rows or rebases).

    Run it from this project; commands then run inside FOLDER (`cd FOLDER && tracker load`).
    Exit 2 on an unknown code or a non-empty FOLDER without --force: nothing is written.
    """
    from helpers.workflows.new_project import InitError, init_project

    try:
        made = init_project(folder, council, commission, force=force)
    except InitError as exc:
        raise _fail(str(exc), EXIT_INVALID) from None
    c = made.council
    typer.echo(
        f"Started {made.folder} for {c.name} ({c.la_code}, {c.ons_code}, {c.region}); "
        f"statistical neighbours (DfE 2025): {'; '.join(made.neighbour_names)}."
    )
    if made.population_years:
        years = made.population_years
        typer.echo(
            f"Population for rates per 10,000 (data/population.csv): ONS mid-year estimates "
            f"{years[0]} to {years[-1]}."
        )
    for note in made.notes:
        typer.echo(f"note    {note}")
    typer.echo(
        f"The catalogue's {made.targets_cleared} targets and {made.plan_refs_cleared} Council "
        f"Plan references were left empty and the starting tracker set "
        f"({made.tracker_measures} measures) is dated today. Next:"
    )
    steps = []
    if not made.commission_set:
        steps.append("data/council.yml: write the scrutiny commission's name (commission)")
    steps += [
        "data/measures.yml: the council's own targets, and council_plan_ref for the measures "
        "its Council Plan report carries",
        "data/tracker_sets.yml: the measures the commission follows, and who agreed them",
        "data/extracts/<YYYY-MM>/: the month's extracts (data/extracts/README.md), or "
        "`tracker annex-a WORKBOOK`",
        f"cd {made.folder} && tracker load data/extracts && tracker build",
    ]
    for number, step in enumerate(steps, start=1):
        typer.echo(f"  {number}. {step}")
