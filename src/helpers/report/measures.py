"""Theme chapters and deep dives: each measure's chart, reading, evidence and numbers.

Two depths from one output. The members' PDF gets a compact panel per tracker measure (heading,
the one-sentence reading, the chart and a few key facts; two panels to an A4 page); the HTML
book also gets the description, the evidence in full, the recent months in numbers and every
non-tracker measure. The chart itself, with its label, is shared by both formats.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd

from helpers.analysis.month import MonthAnalysis
from helpers.charts import alt_text, caption, chart_table, icon_label
from helpers.charts.icons import icon_short_label
from helpers.formatting import format_value
from helpers.inputs.catalogue import Measure
from helpers.report.benchmarks import benchmark_table, compares, rank_fact
from helpers.report.markdown import (
    escape,
    figure_markdown,
    html_only,
    pdf_only,
    slug,
    table,
)
from helpers.report.requests import ask_link

#: Months of numbers shown under each chart; the full series is in the downloadable data.
TABLE_MONTHS = 13
FIGURE_DIR = Path("figures")
#: Panels per A4 page in the members' PDF.
PANELS_PER_PAGE = 2
#: A Typst page break that does nothing on an already fresh page; the HTML ignores it.
PDF_PAGE_BREAK = "```{=typst}\n#pagebreak(weak: true)\n```\n"

#: Which evidence sentence goes with which p-value (the sentences come from helpers.stats).
_EVIDENCE_KEYS = (
    ("p_vs_last", "last month"),
    ("p_vs_baseline", "previous 12 months"),
    ("trend_p", "Over the "),
)


def _numbers_label(measure: Measure, months: int | None, suffix: str = "") -> str:
    return f"{measure.id}{suffix}-numbers" + ("" if months else "-full")


def _numbers(points: pd.DataFrame, measure: Measure, months: int | None, suffix: str = "") -> str:
    frame = chart_table(points, measure)
    unit_note = frame.attrs.get("unit_note", "")
    if months:
        frame = frame.tail(months)
    note = f"the last {len(frame)} months" if months else "every month"
    align = "l" + "r" * (len(frame.columns) - 2) + "l"
    return table(
        frame,
        f"{measure.short_title}: {note} (full series in data/spc_points.csv). {unit_note}".strip(),
        _numbers_label(measure, months, suffix),
        align,
    )


def evidence_lines(verdict: pd.Series | dict) -> list[str]:
    """The statistical checks' sentences for a measure, one per line, escaped."""
    return [escape(s) for s in str(verdict["evidence"]).splitlines() if s.strip()]


def strongest_evidence(verdict: pd.Series | dict) -> str | None:
    """The evidence sentence of the test with the smallest p-value (unescaped), if any ran."""
    sentences = [s.strip() for s in str(verdict.get("evidence", "")).splitlines() if s.strip()]
    best: tuple[float, str] | None = None
    for key, words in _EVIDENCE_KEYS:
        p = verdict.get(key)
        if p is None or (isinstance(p, float) and math.isnan(p)):
            continue
        match = next((s for s in sentences if words in s), None)
        if match and (best is None or float(p) < best[0]):
            best = (float(p), match)
    return best[1] if best else None


def judged_note(measure: Measure, verdict: pd.Series | dict, short: bool = False) -> str:
    """How this measure is read, when it is a rolling figure or judged as slow-moving ('' if not).

    `short`: the members' PDF panel's one-line form; the HTML gets the full sentence.
    """
    rolling = measure.rolling_months
    slow = str(verdict.get("spc_method", "")) == "autocorrelated"
    if rolling and short:
        return (
            f"**Rolling {rolling} months:** each figure covers the {rolling} months to that "
            "month, so a change shows gradually" + (" and is judged against that." if slow else ".")
        )
    if rolling:
        text = (
            f"*A rolling {rolling}-month figure:* each month's figure covers the {rolling} months "
            f"up to that month, so neighbouring months share {rolling - 1} of their months. A real "
            f"change shows gradually over {rolling} months, and one unusual month moves it only a "
            "little."
        )
        if slow:
            text += " It is judged against its own slow movement, not the standard limits."
        return text
    if slow and short:
        return ""  # the caption already says it is judged against its own slow movement
    if slow:
        return (
            "*Judged against its own slow movement:* each month is mostly the month before (the "
            "same children carry over), so a run of months above or below the average is normal "
            "for it and is not a signal by itself."
        )
    return ""


def _bench(value: object, measure: Measure) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return format_value(float(value), measure)


def key_facts(month: MonthAnalysis, measure: Measure) -> str:
    """The panel's facts in a line or two: latest, target and assurance, comparisons, evidence."""
    v = month.verdict(measure.id)
    facts = []
    latest = v["latest_value"]
    if latest is not None and not pd.isna(latest):
        month_label = pd.Period(month.period, "M").strftime("%b %Y")
        facts.append(f"**Latest** {escape(format_value(float(latest), measure))} ({month_label})")
    if measure.target is not None:
        target = f"**Target** {escape(format_value(measure.target, measure))}"
        if isinstance(v["assurance_icon"], str):
            target += f" ({escape(icon_short_label(v['assurance_icon']).lower())})"
        facts.append(target)
    england, similar = _bench(v["england"], measure), _bench(v["stat_neighbours"], measure)
    if england or similar:
        year = v.get("benchmark_year")
        parts = []
        if england:
            parts.append(f"**England** {escape(england)}")
        if similar:
            parts.append(f"**similar areas** {escape(similar)}")
        when = f" (year to March {int(year)})" if year is not None and not pd.isna(year) else ""
        facts.append(", ".join(parts) + when)
    ranked = rank_fact(month, measure)
    if ranked:
        facts.append(ranked)
    lines = [" · ".join(facts)] if facts else []
    note = judged_note(measure, v, short=True)
    if note:
        lines.append(note)
    best = strongest_evidence(v)
    if best:
        lines.append(f"**Strongest evidence:** {escape(best)}")
    return "\\\n".join(lines) + "\n" if lines else ""


def measure_section(
    month: MonthAnalysis,
    measure: Measure,
    heading: str = "##",
    months: int | None = TABLE_MONTHS,
    label_suffix: str = "",
    in_pdf: bool = True,
    evidence_in_pdf: bool = False,
    request_link: bool = True,
) -> str:
    """One measure: heading, reading, chart with alt text, then the detail.

    The PDF shows the heading, reading, chart and key facts (`in_pdf`), plus the evidence when
    `evidence_in_pdf` (deep dives); the HTML shows everything, with the month-by-month numbers.
    A measure not `in_pdf` appears only in the HTML book. With `request_link` (not in the deep
    dive itself) the HTML offers a ready-made email asking for a deep dive on the measure.
    """
    points = month.measure_points(measure.id)
    v = month.verdict(measure.id)
    head = f"{heading} {escape(measure.short_title)} {{#sec-{slug(measure.id + label_suffix)}}}\n"
    reading = f"**{escape(v['sentence'])}**" + (
        f" {escape(v['assurance_text'])}" if v["assurance_text"] else ""
    )
    if request_link:
        reading += "\n" + ask_link(month, measure)
    about = f"*{escape(measure.title)}.* {escape(measure.description)}\n"
    note = judged_note(measure, v)
    if note:
        about += f"\n{note}\n"
    if points.empty:
        body = "\n".join([head, about, reading, "", "There are no figures for this measure yet.\n"])
        return body if in_pdf else html_only(body)
    fig_label = slug(measure.id + label_suffix)
    table_label = slug(_numbers_label(measure, months, label_suffix))
    guide = (
        f"@fig-{fig_label} shows every month since {first_month(points)}; "
        f"@tbl-{table_label} gives {'the recent months' if months else 'every month'} in numbers.\n"
    )
    chart_path = FIGURE_DIR / f"{measure.id}{label_suffix}.svg"
    chart_file(month, measure, points, chart_path)
    chart = figure_markdown(
        chart_path, caption(points, measure), alt_text(points, measure), measure.id + label_suffix
    )
    detail = [f"- Variation: {escape(icon_label(v['variation_icon']))}."]
    if isinstance(v["assurance_icon"], str):
        detail.append(f"- Target: {escape(icon_label(v['assurance_icon']))}.")
    evidence = "**What the statistical checks say**\n\n" + "\n".join(
        f"- {s}" for s in evidence_lines(v)
    )
    source = ""
    if measure.target_note and measure.target is not None:
        source = f"Target source: {escape(measure.target_note)}.\n"
    numbers = _numbers(points, measure, months, label_suffix)
    compared = compares(month, measure)  # rank and quartile band (helpers.report.benchmarks)
    if not in_pdf:
        return html_only(
            "\n\n".join(
                [
                    head,
                    about,
                    reading,
                    "",
                    guide,
                    chart,
                    "\n".join(detail) + "\n",
                    evidence + "\n",
                    compared,
                    source,
                    numbers,
                ]
            )
        )
    parts = [head, html_only(about), reading, "", html_only(guide), chart]
    if evidence_in_pdf:
        parts += [
            pdf_only(key_facts(month, measure)),
            html_only("\n".join(detail)),
            evidence + "\n",
            compared,
            html_only(source + "\n" + numbers),
        ]
    else:
        parts += [
            pdf_only(key_facts(month, measure)),
            html_only(
                "\n".join(detail)
                + "\n\n"
                + evidence
                + "\n\n"
                + compared
                + "\n"
                + source
                + "\n"
                + numbers
            ),
        ]
    return "\n\n".join(p.strip("\n") for p in parts if p) + "\n"


def chart_file(month: MonthAnalysis, measure: Measure, points: pd.DataFrame, path: Path) -> None:
    """Put the measure's chart at `path`: the build's drawing of it when there is one.

    The build draws every chart of the month once (helpers.pack.figures): before the chapters
    run, when the chapter copies its chart, or beside the HTML render, when the chapter asks
    for it and the build puts it in place (the HTML needs no chart until it is read; the
    PDF's render waits for them). A chapter run by hand, or a measure the build did not draw,
    draws its own. Either way it is the same chart from the same points.
    """
    drawn = month.drawn_chart(measure.id)
    if drawn is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(drawn, path)
        return
    if month.request_chart(measure.id, path):
        return
    from helpers.charts.drawing import save_svg, spc_chart

    save_svg(spc_chart(points, measure), path, fixed_canvas=True)


def first_month(points: pd.DataFrame) -> str:
    """The first month of a measure's chart, e.g. 'April 2021'."""
    return pd.Timestamp(points["date"].min()).strftime("%B %Y")


def theme_chapter(month: MonthAnalysis, theme_id: str | None = None) -> str:
    """A theme's chapter: summary, a panel per tracker measure, the others in the HTML only.

    With no theme (the template opened by hand), the first theme in data/themes.yml.
    """
    theme_id = theme_id or next(iter(month.catalogue.themes))
    theme = month.catalogue.themes[theme_id]
    measures = month.catalogue.in_theme(theme_id)
    tracked = set(month.verdicts.loc[month.verdicts["tracker"], "measure_id"])
    flagged = month.verdicts[
        (month.verdicts["theme"] == theme_id) & month.verdicts["beyond_normal_variation"]
    ]
    in_tracker = [m for m in measures if m.id in tracked]
    others = len(measures) - len(in_tracker)
    lead = (
        f"{escape(theme.summary)} This chapter covers {len(measures)} measures; "
        f"{len(flagged)} changed beyond normal variation this month.\n"
    )
    if others:
        lead += pdf_only(
            f"This pack shows the {len(in_tracker)} of them in the vision tracker; the other "
            f"{others} are in the table of other measures and, in full, in the HTML book.\n"
        )
    sections, panels = [], 0
    for m in measures:
        if m.id in tracked:
            if panels and panels % PANELS_PER_PAGE == 0:
                sections.append(PDF_PAGE_BREAK)
            panels += 1
        sections.append(measure_section(month, m, in_pdf=m.id in tracked))
    # The chapter's title is a markdown cell the build adds, so Quarto sees it before any output.
    return f"{lead}\n" + "\n".join(sections)


def deep_dive(month: MonthAnalysis, measure_ids: list[str], label: str = "deep-dive") -> str:
    """Members' chosen measures: chart, evidence and benchmarks; every month in the HTML.

    `label` keeps cross-reference labels and figure files unique when an analyst's own deep dive
    covers a measure that is also in the members' one (each chapter passes its own name).
    """
    if not measure_ids:
        return (
            "No measures were selected for a deep dive this month. Members choose measures for "
            "the performance clinic in the week after the scorecards appear; the performance team "
            "records them in `data/selections.yml` and they appear here in the next build.\n"
        )
    parts = []
    for i, measure_id in enumerate(measure_ids):
        if measure_id not in month.catalogue:
            parts.append(f"The selected measure {escape(measure_id)} is not in the catalogue.\n")
            continue
        if i:
            parts.append(PDF_PAGE_BREAK)
        measure = month.catalogue[measure_id]
        parts.append(
            measure_section(
                month,
                measure,
                months=None,
                label_suffix=f"-{label}",
                evidence_in_pdf=True,
                request_link=False,
            )
        )
        parts.append(benchmark_table(month, measure, label))
    return "\n".join(parts)
