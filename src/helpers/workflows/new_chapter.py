"""Start an analyst's own deep-dive chapter: a thin notebook plus its line in _quarto.yml.

The notebook uses the same helpers as the members' deep dive, so an analyst edits words and
adds analysis rather than plumbing; a worked example shows the next step (a breakdown chart
in the pack's style, a statsmodels check worded as the pack's are, a table with set widths).
_quarto.yml is edited as text (one line added after the members' deep dive) so its comments
survive.
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


#: The worked example of analysis of one's own, after the members'-style sections. Each cell
#: says what it shows and how to replace it; the comments never reach the pack (code is hidden).
EXAMPLE_BREAKDOWN = """\
# 1. A breakdown of your own. Here: the first measure's monthly figures averaged over each
#    financial year (April to March; the last is the year so far). Replace it with the
#    breakdown your question needs, from month.observations or month.measure_points(id).
measure = month.catalogue[measures[0]]
figures = month.measure_points(measure.id).dropna(subset=["value"])
year_ending = figures["date"].dt.year + (figures["date"].dt.month >= 4)
years = figures.groupby(year_ending)["value"].agg(["mean", "count"])
years.index = [f"{y - 1}-{y % 100:02d}" for y in years.index]
shown = [format_value(v, measure) for v in years["mean"]]"""

EXAMPLE_CHART = """\
# 2. A chart in the pack's style: draw inside chart_style() (the pack's fonts, sizes and
#    Analysis Function colours) on new_figure(). report.figure saves it as SVG with its
#    caption, alt text saying what it shows (write the numbers in), and a label that text
#    can refer to as @fig-<label>. Keep the chapter's name in the label and the file name.
with chart_style():
    fig, ax = new_figure()
    bars = ax.bar(years.index, years["mean"], color=COLOURS["improvement"])
    ax.bar_label(bars, labels=shown, padding=2)
    ax.margins(y=0.15)  # room for the labels above the bars
    ax.set_ylabel(axis_label(measure) or "")
    ax.set_title(f"{measure.short_title}: average month, by financial year", loc="left")
    chart = report.figure(
        fig,
        Path("figures") / f"{measure.id}-{CHAPTER}-years.svg",
        caption=f"{measure.short_title}: the average month in each financial year.",
        alt=f"Bar chart of {measure.short_title}, the average of the monthly figures in each "
        "financial year: " + "; ".join(f"{y} {v}" for y, v in zip(years.index, shown)) + ".",
        label=f"{measure.id}-{CHAPTER}-years",
    )
report.show(chart)"""

EXAMPLE_TEST = """\
# 3. A statistical check, worded as the pack words its own. helpers.stats holds the pack's
#    statsmodels tests; each returns its numbers and a sentence for members (plain_english).
#    Here: a straight-line trend over the last 24 months, with Newey-West errors. Others:
#    two_proportion_test, compare_rates, seasonal_strength.
trend = trend_slope(
    figures.set_index("date")["value"],
    months=24,
    unit=measure.unit,
    direction=measure.improvement_direction,
)
report.show(report.escape(trend.plain_english))"""

EXAMPLE_TABLE = """\
# 4. A table: report.table escapes every cell, right-aligns numbers, and gives Quarto the
#    column widths (tbl-colwidths) so the PDF never squeezes a column. `widths` sets them:
#    percentages of the line, one per column, adding up to 100 (leave it out to size them
#    from the contents). The label makes it @tbl-<label>.
frame = pd.DataFrame(
    {
        "Financial year": years.index,
        "Months with figures": years["count"],
        "Average month": shown,
    }
)
report.show(
    report.table(
        frame,
        caption=f"{measure.short_title} by financial year.",
        label=f"{measure.id}-{CHAPTER}-years",
        widths=[40, 30, 30],
    )
)"""


def chapter_notebook(slug: str, title: str, measure_ids: list[str]) -> nbformat.NotebookNode:
    """The notebook: title, parameters, the members' deep-dive sections, then a worked example
    of analysis of one's own (a breakdown chart, a statistical check, a table)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell(
        'period = None  # "YYYY-MM"; None: the latest built in output/, else in the store\n'
        "pack_dir = None  # the build folder holding data/ (the build fills it in)\n"
        "project_dir = None  # the project folder; None: the one this notebook is in\n"
        f"measures = {measure_ids!r}"
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\n"
            "*Analysts: replace this paragraph with why these measures were looked at and what "
            "was found. Each measure below gets its chart, reading, evidence, every month's "
            "numbers and the national figures. Run the notebook top to bottom in JupyterLab "
            "(`make lab`) to see it as the pack will; `tracker preview "
            f"{slug}` shows it as a page of the book. Code is never shown in the pack.*"
        ),
        params,
        nbformat.v4.new_code_cell(
            "from pathlib import Path\n\n"
            "import pandas as pd\n\n"
            "from helpers import report\n"
            "from helpers.charts import COLOURS, chart_style, new_figure\n"
            "from helpers.formatting import axis_label, format_value\n"
            "from helpers.stats import trend_slope\n\n"
            f"CHAPTER = {slug!r}  # keeps this chapter's labels and chart files its own\n"
            "month = report.load(pack_dir, project_dir, period)"
        ),
        nbformat.v4.new_code_cell("report.show(report.deep_dive(month, measures, CHAPTER))"),
        nbformat.v4.new_markdown_cell(
            "## Year by year\n\n"
            "*Analysts: the cells below are a worked example of analysis of your own in the "
            "pack's style: a breakdown chart, a statistical check worded as the pack words "
            "its own, and a table. Write here what they show; replace each with your own, or "
            "delete them.*"
        ),
        nbformat.v4.new_code_cell(EXAMPLE_BREAKDOWN),
        nbformat.v4.new_code_cell(EXAMPLE_CHART),
        nbformat.v4.new_code_cell(EXAMPLE_TEST),
        nbformat.v4.new_code_cell(EXAMPLE_TABLE),
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
