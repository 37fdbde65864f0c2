"""Theme chapters and deep dives: each measure's chart, reading, evidence and numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.analysis.month import MonthAnalysis
from helpers.charts import alt_text, caption, chart_table, icon_label, spc_chart
from helpers.formatting import format_value
from helpers.inputs.catalogue import Measure
from helpers.report.markdown import figure, slug, table

#: Months of numbers shown under each chart; the full series is in the downloadable data.
TABLE_MONTHS = 13
FIGURE_DIR = Path("figures")


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


def measure_section(
    month: MonthAnalysis,
    measure: Measure,
    heading: str = "##",
    months: int | None = TABLE_MONTHS,
    label_suffix: str = "",
) -> str:
    """One measure: heading, reading, chart with alt text, evidence, numbers."""
    points = month.measure_points(measure.id)
    v = month.verdict(measure.id)
    parts = [
        f"{heading} {measure.short_title} {{#sec-{slug(measure.id + label_suffix)}}}\n",
        f"*{measure.title}.* {measure.description}\n",
    ]
    parts.append(
        f"**{v['sentence']}**" + (f" {v['assurance_text']}" if v["assurance_text"] else "")
    )
    parts.append("")
    if points.empty:
        parts.append("There are no figures for this measure yet.\n")
        return "\n".join(parts)
    fig_label = slug(measure.id + label_suffix)
    table_label = slug(_numbers_label(measure, months, label_suffix))
    parts.append(
        f"@fig-{fig_label} shows every month since {first_month(points)}; "
        f"@tbl-{table_label} gives {'the recent months' if months else 'every month'} in numbers.\n"
    )
    fig = spc_chart(points, measure)
    parts.append(
        figure(
            fig,
            FIGURE_DIR / f"{measure.id}{label_suffix}.svg",
            caption(points, measure),
            alt_text(points, measure),
            measure.id + label_suffix,
        )
    )
    icons = [f"- Variation: {icon_label(v['variation_icon'])}."]
    if isinstance(v["assurance_icon"], str):
        icons.append(f"- Target: {icon_label(v['assurance_icon'])}.")
    parts.append("\n".join(icons) + "\n")
    parts.append("**What the statistical checks say**\n")
    evidence = [s.strip() for s in str(v["evidence"]).splitlines() if s.strip()]
    parts.append("\n".join(f"- {s}" for s in evidence) + "\n")
    if measure.target_note and measure.target is not None:
        parts.append(f"Target source: {measure.target_note}.\n")
    parts.append(_numbers(points, measure, months, label_suffix))
    return "\n".join(parts)


def first_month(points: pd.DataFrame) -> str:
    """The first month of a measure's chart, e.g. 'April 2021'."""
    return pd.Timestamp(points["date"].min()).strftime("%B %Y")


def theme_chapter(month: MonthAnalysis, theme_id: str) -> str:
    """A theme's chapter: its title, summary and every measure in it."""
    theme = month.catalogue.themes[theme_id]
    measures = month.catalogue.in_theme(theme_id)
    flagged = month.verdicts[
        (month.verdicts["theme"] == theme_id) & month.verdicts["beyond_normal_variation"]
    ]
    lead = (
        f"{theme.summary} This chapter covers {len(measures)} measures; "
        f"{len(flagged)} changed beyond normal variation this month.\n"
    )
    sections = [measure_section(month, m) for m in measures]
    # The chapter's title is a markdown cell the build adds, so Quarto sees it before any output.
    return f"{lead}\n" + "\n".join(sections)


def deep_dive(month: MonthAnalysis, measure_ids: list[str], label: str = "deep-dive") -> str:
    """Members' chosen measures, with every month's numbers and the benchmarks.

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
    for measure_id in measure_ids:
        if measure_id not in month.catalogue:
            parts.append(f"The selected measure `{measure_id}` is not in the catalogue.\n")
            continue
        measure = month.catalogue[measure_id]
        parts.append(measure_section(month, measure, months=None, label_suffix=f"-{label}"))
        parts.append(benchmark_table(month, measure, label))
    return "\n".join(parts)


def benchmark_table(month: MonthAnalysis, measure: Measure, label: str = "deep-dive") -> str:
    """Published annual figures: England, region, similar areas and Rotherham."""
    b = month.benchmarks
    if b.empty or not measure.benchmark or measure.benchmark not in set(b["measure_id"]):
        return "No published national comparison exists for this measure.\n"
    rows = b[b["measure_id"] == measure.benchmark].sort_values("year")
    frame = pd.DataFrame(
        {
            "Year to 31 March": rows["year"].astype(int).astype(str),
            "Rotherham": [format_value(x, measure) for x in rows["rotherham"]],
            "England": [format_value(x, measure) for x in rows["england"]],
            "Yorkshire and the Humber": [format_value(x, measure) for x in rows["yorks_humber"]],
            "Similar areas (average)": [format_value(x, measure) for x in rows["stat_neighbours"]],
        }
    )
    return table(
        frame,
        f"{measure.short_title}: published annual figures. Source: Department for "
        "Education (Open Government Licence v3.0)",
        f"{measure.id}-{label}-benchmarks",
        "lrrrr",
    )
