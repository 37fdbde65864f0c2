"""Every table and block the chapters write, as the members' PDF and the HTML book will get them.

Checked on the demo month's executed notebooks (real papermill), without Quarto: the rules that
keep a figure from being misread in the PDF, and the page budget that can be seen in Markdown.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from chapter_markdown import lines_with_visibility, markdown_outputs, tables
from conftest import ROOT

from helpers.pack.chapters import members_pdf_chapters, read_quarto_config
from helpers.report.markdown import is_number
from helpers.report.measures import PANELS_PER_PAGE

#: A table longer than this stays out of the members' PDF (the HTML book and CSVs have it).
LONG_TABLE = 30
#: Characters of 8.5 pt text across the PDF's 17 cm text width (a lower bound).
LINE_CHARS = 95


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.fixture(scope="module")
def chapters(demo_pack) -> dict[str, str]:
    folder = demo_pack.folder / "notebooks"
    found = {p.stem: markdown_outputs(p) for p in sorted(folder.glob("*.ipynb"))}
    for page in sorted((ROOT / "notebooks").glob("*.qmd")):  # pages written by hand count too
        found[page.stem] = page.read_text(encoding="utf-8")
    return found


@pytest.fixture(scope="module")
def verdicts(demo_pack) -> pd.DataFrame:
    return pd.read_csv(demo_pack.folder / "data" / "verdicts.csv")


def _all_tables(chapters: dict[str, str]):
    for name, text in chapters.items():
        for table in tables(text):
            yield name, table


def test_there_are_tables_to_check(chapters) -> None:
    assert sum(1 for _ in _all_tables(chapters)) >= 40


def test_every_table_has_a_width_for_each_column(chapters) -> None:
    for name, t in _all_tables(chapters):
        m = re.search(r'tbl-colwidths="\[([\d,]+)\]"', t.attrs)
        assert m, f"{name}: table '{t.caption[:50]}' has no tbl-colwidths"
        widths = [int(w) for w in m.group(1).split(",")]
        assert len(widths) == len(t.header), f"{name}: {t.caption[:50]}"
        assert sum(widths) == 100, f"{name}: {t.caption[:50]} widths {widths}"
        for header, width in zip(t.header, widths, strict=True):
            word = max((len(w) for w in _unescape(header).split()), default=0)
            assert width * LINE_CHARS / 100 >= word, f"{name}: '{header}' gets {width}%"


def test_number_columns_are_right_aligned_with_one_value_a_cell(chapters) -> None:
    checked = 0
    for name, t in _all_tables(chapters):
        for i, header in enumerate(t.header):
            cells = [_unescape(r[i]) for r in t.rows if r[i]]
            label = header.startswith("Year")  # years name rows, they are not quantities
            if cells and all(is_number(c) for c in cells) and not label:
                assert t.align[i] == "r", f"{name}: column '{header}' holds numbers, left-aligned"
                checked += 1
            if t.align[i] == "r":
                for c in cells:
                    assert is_number(c) or c in ("", "no figure"), f"{name}: '{c}' in '{header}'"
    assert checked >= 30


def test_no_long_table_reaches_the_pdf(chapters) -> None:
    for name, t in _all_tables(chapters):
        if len(t.rows) > LONG_TABLE:
            assert t.html_only, f"{name}: a {len(t.rows)}-row table is in the PDF: {t.caption}"


def test_month_by_month_tables_are_in_the_html_only(chapters) -> None:
    monthly = [(n, t) for n, t in _all_tables(chapters) if "-numbers" in t.attrs]
    assert len(monthly) >= 47
    assert all(t.html_only for _, t in monthly)


def _visible_figures(lines, pdf: bool) -> list[str]:
    shown = [
        line.text
        for line in lines
        if line.text.startswith("![") and (not line.html_only if pdf else not line.pdf_only)
    ]
    return shown


def test_theme_chapters_give_the_pdf_a_panel_per_tracker_measure_two_to_a_page(
    chapters, verdicts
) -> None:
    themes = set(verdicts["theme"])
    for theme in themes:
        lines = lines_with_visibility(chapters[theme])
        in_theme = verdicts[verdicts["theme"] == theme]
        tracked = set(in_theme.loc[in_theme["tracker"], "measure_id"])
        pdf_figs = _visible_figures(lines, pdf=True)
        html_figs = _visible_figures(lines, pdf=False)
        assert len(pdf_figs) == len(tracked), theme
        assert len(html_figs) == len(in_theme), theme
        # Between two page breaks the PDF has at most two charts.
        on_page = 0
        for line in lines:
            if "#pagebreak(weak: true)" in line.text:
                on_page = 0
            elif line.text.startswith("![") and not line.html_only:
                on_page += 1
                assert on_page <= PANELS_PER_PAGE, theme
        for measure_id in set(in_theme["measure_id"]) - tracked:
            heading = [
                x
                for x in lines
                if x.text.startswith("## ")
                and "#sec-" in x.text
                and measure_id.replace("_", "-") in x.text
            ]
            assert heading and all(x.html_only for x in heading), measure_id


def test_pdf_panels_carry_key_facts_and_the_html_the_evidence(chapters, verdicts) -> None:
    lines = lines_with_visibility(chapters["front_door"])
    pdf_text = "\n".join(x.text for x in lines if not x.html_only)
    html_text = "\n".join(x.text for x in lines if not x.pdf_only)
    assert "**Latest**" in pdf_text and "**Strongest evidence:**" in pdf_text
    assert "What the statistical checks say" in html_text
    assert "What the statistical checks say" not in pdf_text


def test_deep_dive_pdf_has_chart_evidence_and_benchmarks_but_no_month_table(chapters) -> None:
    lines = lines_with_visibility(chapters["deep-dive"])
    pdf_text = "\n".join(x.text for x in lines if not x.html_only)
    assert pdf_text.count("![") == 2
    assert "What the statistical checks say" in pdf_text
    assert "published annual figures" in pdf_text
    pdf_tables = [t for t in tables(chapters["deep-dive"]) if not t.html_only]
    assert pdf_tables and all(len(t.rows) <= 10 for t in pdf_tables)


def test_members_pdf_order_ends_with_how_to_read_and_data_notes() -> None:
    config = read_quarto_config(ROOT / "_quarto.yml")
    order = members_pdf_chapters(config)
    assert order[0] == "index.ipynb"
    assert order[-2:] == ["how-to-read.qmd", "data-notes.ipynb"]
    assert order.index("council-plan.ipynb") < order.index("other-measures.ipynb")
    assert not any(isinstance(c, dict) for c in order)  # no part pages in the PDF


def test_other_measures_table_lists_every_non_tracker_measure(chapters, verdicts) -> None:
    (table,) = tables(chapters["other-measures"])
    assert len(table.rows) == int((~verdicts["tracker"]).sum())
    assert not table.html_only


def test_non_tracker_figures_are_referred_to_through_the_table_in_the_pdf(
    chapters, verdicts
) -> None:
    glance = chapters["index"]
    others = verdicts.loc[~verdicts["tracker"], "measure_id"]
    referred = [m for m in others if f"@fig-{m.replace('_', '-')}" in glance]
    for m in referred:
        ref = f"@fig-{m.replace('_', '-')}"
        at = glance.index(ref)
        # the figure reference is wrapped in an HTML-only span, with the table for the PDF
        assert glance[:at].rstrip().endswith("[") or "content-visible" in glance[at : at + 80]
    assert "@tbl-other-measures" in glance or not referred


def test_template_keeps_headers_whole_and_long_tables_breakable() -> None:
    template = (ROOT / "_extensions" / "vision-pack" / "typst-template.typ").read_text()
    assert 'show table.cell.where(y: 0): set text(weight: "bold", hyphenate: false)' in template
    assert "show figure: set block(breakable: true)" in template


def test_figure_references_resolve_in_each_format(chapters) -> None:
    """Every @fig-/@tbl- reference the PDF shows points at a label the PDF has; same for HTML."""
    for fmt in ("pdf", "html"):
        labels, refs = set(), set()
        for text in chapters.values():
            for line in lines_with_visibility(text):
                hidden = line.html_only if fmt == "pdf" else line.pdf_only
                if hidden:
                    continue
                labels |= set(re.findall(r"\{#((?:fig|tbl)-[a-z0-9-]+)", line.text))
                body = re.sub(
                    r"\[[^\]]*\]\{\.content-(visible|hidden) when-format=\"html\"\}",
                    lambda m, html=fmt == "html": (
                        m.group(0) if (m.group(1) == "visible") == html else ""
                    ),
                    line.text,
                )
                refs |= set(re.findall(r"(?<!\\)@((?:fig|tbl)-[a-z0-9-]+)", body))
        assert len(refs) >= 5, fmt  # the demo month shows a handful of signals and panels
        assert refs - labels == set(), f"{fmt}: unresolved {sorted(refs - labels)[:5]}"


def test_a_table_takes_the_widths_it_is_given_and_refuses_wrong_ones() -> None:
    from helpers.report.markdown import table

    frame = pd.DataFrame({"Year": ["2025-26"], "Months": [12], "Average": ["9.5%"]})
    made = table(frame, "By year.", "by-year", widths=[50, 25, 25])
    assert made.endswith('{#tbl-by-year tbl-colwidths="[50,25,25]"}\n')
    for wrong in ([50, 50], [50, 25, 20], [100, 0, 0]):
        with pytest.raises(ValueError, match="one whole percentage per column"):
            table(frame, "By year.", "by-year", widths=wrong)
