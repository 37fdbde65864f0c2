"""The performance clinic: who asked what, questions for officers, and the stand-alone briefing.

Members pick measures for a deep dive in the week after the scorecards appear. The deep-dive
chapter opens with their request and ends with questions members may wish to ask officers,
written from what the statistics found (a shift: what changed when it began; a run towards or
away from the target; a target that will be missed: what it would take; a figure beyond the
limits: a data issue or a real event). The same content, with the measures' readings and
related measures, is written as a short HTML briefing officers can circulate before the
meeting. Text from selections.yml is escaped (Markdown in the chapter, HTML in the briefing).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from helpers.analysis.month import MonthAnalysis
from helpers.formatting import format_value
from helpers.inputs.catalogue import Measure
from helpers.report.markdown import escape

SHIFT_RULES = ("7 Points Above CL", "7 Points Below CL")
TREND_RULES = ("7 Point Trend (Increasing)", "7 Point Trend (Decreasing)")
LIMIT_RULES = ("Above UCL", "Below LCL")
NEAR_RULES = ("2 in 3 Above CL", "2 in 3 Below CL")


def _day(iso: str | None) -> str | None:
    return pd.Timestamp(iso).strftime("%-d %B %Y") if iso else None


def _month(ts: object) -> str:
    return pd.Timestamp(ts).strftime("%B %Y")


def _run_start(points: pd.DataFrame, above: bool) -> pd.Timestamp | None:
    """The first month of the run of months on one side of the average that ends the series."""
    start = None
    for row in points.sort_values("date").iloc[::-1].itertuples():
        if pd.isna(row.value) or pd.isna(row.mean):
            break
        if (row.value > row.mean) != above or row.value == row.mean:
            break
        start = row.date
    return start


def _trend_start(points: pd.DataFrame, rising: bool) -> tuple[pd.Timestamp | None, int]:
    """The first month of the run of rises (or falls) that ends the series, and its length."""
    values = points.sort_values("date")[["date", "value"]].dropna().to_numpy()
    count, start = 1, None
    for k in range(len(values) - 1, 0, -1):
        now, before = values[k][1], values[k - 1][1]
        if (now > before) if rising else (now < before):
            count += 1
            start = values[k - 1][0]
        else:
            break
    return start, count


def _towards_target(measure: Measure, latest: float, side: int) -> str:
    """Whether a run (side +1 upwards, -1 downwards) moves towards the target, and where it is.

    A run in the measure's better direction is towards its target; the latest figure says
    whether the target is met now (for a 'decrease' measure the target is a ceiling).
    """
    if measure.target is None or measure.improvement_direction == "neutral" or math.isnan(latest):
        return ""
    better = 1 if measure.improvement_direction == "increase" else -1
    target = format_value(measure.target, measure)
    meets = (latest - measure.target) * better >= 0
    if side == better:
        if meets:
            return f", further past the target of {target}, which the latest figure meets"
        return f", towards the target of {target}, which the latest figure still misses"
    if meets:
        return f", away from the target of {target}, though the latest figure still meets it"
    return f", away from the target of {target}, which the latest figure misses"


def questions_for(month: MonthAnalysis, measure_id: str) -> list[str]:
    """Questions members may wish to ask officers about one measure, from its signals."""
    measure = month.catalogue[measure_id]
    v = month.verdict(measure_id)
    points = month.measure_points(measure_id)
    name = measure.short_title
    rule = str(v["special_cause_type"])
    flagged = bool(v["beyond_normal_variation"])
    latest = v["latest_value"]
    questions: list[str] = []
    if flagged and rule in SHIFT_RULES:
        above = "Above" in rule
        start = _run_start(points, above)
        when = f" around {_month(start)}, when" if start is not None else " when"
        questions.append(
            f"{name} has been {'above' if above else 'below'} its average for a run of months"
            f"{_towards_target(measure, float(latest), 1 if above else -1)}. What changed"
            f"{when} the run began, and is the change expected to last?"
        )
    elif flagged and rule in TREND_RULES:
        rising = "Increasing" in rule
        start, count = _trend_start(points, rising)
        since = f" since {_month(start)}" if start is not None else ""
        last = float(latest) if not pd.isna(latest) else float("nan")
        questions.append(
            f"{name} has {'risen' if rising else 'fallen'} {count - 1} months running{since}"
            f"{_towards_target(measure, last, 1 if rising else -1)}. What is driving it, and "
            "when would officers expect it to level off?"
        )
    elif flagged and rule in LIMIT_RULES:
        figure = format_value(float(latest), measure)
        questions.append(
            f"{name}'s figure for {_month(pd.Period(month.period, 'M').to_timestamp())} "
            f"({figure}) is beyond its process limits. Is this a data issue (late recording, a "
            "change of definition or system) or a real event, and what happened?"
        )
    elif flagged and rule in NEAR_RULES:
        side = "upper" if "Above" in rule else "lower"
        questions.append(
            f"Two of the last three months of {name} were close to the {side} process limit. "
            "Is this the start of a lasting change, and what would officers look at to tell?"
        )
    if v.get("assurance_icon") == "fail" and measure.target is not None:
        target = format_value(measure.target, measure)
        questions.append(
            f"On current performance {name} will keep missing its target of {target}. What "
            "would it take to meet it (staff, process, time), and by when could it be met?"
        )
    elif v.get("assurance_icon") == "inconsistent" and measure.target is not None:
        target = format_value(measure.target, measure)
        questions.append(
            f"{name} sometimes meets and sometimes misses its target of {target}. What would "
            "make meeting it reliable?"
        )
    if not questions:
        questions.append(
            f"{name} is within normal variation: the recent ups and downs are the usual noise. "
            "Is its current level where the service wants it, and what would move it?"
        )
    return questions


def clinic_request(month: MonthAnalysis) -> str:
    """The deep dive's opening: who asked, their question and the clinic date."""
    request = month.clinic or {}
    who, question = request.get("requested_by"), request.get("question")
    meeting = _day(request.get("meeting"))
    if not month.selections or not (who or question or meeting):
        return ""
    lines = []
    if who:
        lines.append(f"- **Requested by:** {escape(who)}")
    if question:
        lines.append(f"- **Their question:** \u201c{escape(question)}\u201d")
    if meeting:
        lines.append(f"- **Performance clinic:** {meeting}")
    titles = ", ".join(
        escape(month.catalogue[m].short_title) for m in month.selections if m in month.catalogue
    )
    lines.append(f"- **Measures:** {titles}")
    return "**The request**\n\n" + "\n".join(lines) + "\n"


def clinic_questions(month: MonthAnalysis, measure_ids: list[str]) -> str:
    """Questions members may wish to ask officers, measure by measure."""
    ids = [m for m in measure_ids if m in month.catalogue]
    if not ids:
        return ""
    parts = [
        "## Questions members may wish to ask officers {#sec-clinic-questions}\n",
        "Written from what the statistics found for each measure; officers can prepare answers "
        "before the clinic.\n",
    ]
    for measure_id in ids:
        parts.append(f"**{escape(month.catalogue[measure_id].short_title)}**\n")
        parts.append("\n".join(f"- {escape(q)}" for q in questions_for(month, measure_id)) + "\n")
    return "\n".join(parts)


def _related(month: MonthAnalysis, measure: Measure) -> pd.DataFrame:
    v = month.verdicts
    return v[(v["theme"] == measure.theme) & (v["measure_id"] != measure.id)]


_P = "margin:0 0 10px 0"
_TD = "padding:3px 8px;border-bottom:1px solid #cccccc;text-align:right"


def _benchmark_rows(month: MonthAnalysis, measure: Measure) -> list[str]:
    """Published annual figures (DfE, OGL v3.0) as a small table: the council, England, its
    region, similar areas with their range, and the council's rank among English authorities."""
    b = month.benchmarks
    if b.empty or not measure.benchmark or "council" not in b:
        return []
    rows = b[b["measure_id"] == measure.benchmark].sort_values("year").tail(8)
    if rows.empty:
        return []
    e = html.escape
    council = getattr(month, "council", None)
    name, region = (council.name, council.region) if council else ("The council", "Region")

    def cell(value: object) -> str:
        return "" if value is None or pd.isna(value) else e(format_value(float(value), measure))

    def count(value: object) -> str:
        return "" if value is None or pd.isna(value) else str(int(value))

    heads = [
        "Year to 31 March",
        e(name),
        "England",
        e(region),
        "Similar areas",
        "Their range",
        "Rank in England",
    ]
    out = [
        '<table style="border-collapse:collapse;margin:0 0 4px 0"><thead><tr>'
        + "".join(f'<th scope="col" style="{_TD}">{h}</th>' for h in heads)
        + "</tr></thead><tbody>"
    ]
    for r in rows.to_dict("records"):
        low, high = r.get("sn_min"), r.get("sn_max")
        span = f"{cell(low)} to {cell(high)}" if not (pd.isna(low) or pd.isna(high)) else ""
        rank, ranked = count(r.get("national_rank")), count(r.get("national_ranked"))
        values = [str(int(r["year"])), cell(r.get("council")), cell(r.get("england"))]
        values += [cell(r.get("region")), cell(r.get("stat_neighbours")), span]
        values.append(f"{rank} of {ranked}" if rank and ranked else "")
        out.append("<tr>" + "".join(f'<td style="{_TD}">{x}</td>' for x in values) + "</tr>")
    out.append("</tbody></table>")
    order = (
        "rank 1 is the highest figure"
        if measure.improvement_direction == "neutral"
        else "rank 1 is the best figure"
    )
    out.append(
        '<p style="margin:0 0 10px 0;font-size:13px">Source: Department for Education, '
        "Open Government Licence v3.0. Similar areas: the statistical neighbours' average and "
        f"the lowest and highest of them; {order} among the English authorities with one.</p>"
    )
    return out


def clinic_briefing_html(month: MonthAnalysis, figures: Path | None = None) -> str:
    """The stand-alone clinic briefing: one self-contained HTML page with inline styles only.

    figures: the pack's notebooks/figures folder; the deep dive's charts are linked from there
    (with their alt text) when they exist.
    """
    e = html.escape
    request = month.clinic or {}
    period = pd.Period(month.period, "M").to_timestamp().strftime("%B %Y")
    meeting = _day(request.get("meeting"))
    title = "Performance clinic briefing" + (f": {meeting}" if meeting else f": {period}")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        f'<head><meta charset="utf-8"><title>{e(title)}</title></head>',
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;'
        'color:#0b0c0c;background:#ffffff;max-width:800px;margin:16px">',
        f'<h1 style="font-size:24px;margin:0 0 8px 0">{e(title)}</h1>',
        f'<p style="{_P}">Figures to the end of {e(period)}, from the Vision Tracker pack. '
        "Beyond normal variation means the statistical rules say the change is unlikely to be "
        "chance.</p>",
    ]
    if request.get("requested_by") or request.get("question"):
        out.append('<h2 style="font-size:19px;margin:16px 0 8px 0">The request</h2>')
        out.append('<ul style="margin:0 0 10px 20px;padding:0">')
        if request.get("requested_by"):
            out.append(f"<li>Requested by: {e(request['requested_by'])}</li>")
        if request.get("question"):
            out.append(f"<li>Their question: \u201c{e(request['question'])}\u201d</li>")
        if meeting:
            out.append(f"<li>Performance clinic: {e(meeting)}</li>")
        out.append("</ul>")
    for measure_id in month.selections:
        if measure_id not in month.catalogue:
            continue
        measure = month.catalogue[measure_id]
        v = month.verdict(measure_id)
        out.append(f'<h2 style="font-size:19px;margin:20px 0 8px 0">{e(measure.short_title)}</h2>')
        out.append(f'<p style="{_P}"><em>{e(measure.title)}.</em> {e(measure.description)}</p>')
        reading = str(v["sentence"]) + (f" {v['assurance_text']}" if v["assurance_text"] else "")
        out.append(f'<p style="{_P}"><strong>{e(reading)}</strong></p>')
        chart = figures / f"{measure_id}-deep-dive.svg" if figures else None
        if chart is not None and chart.exists():
            from helpers.charts import alt_text

            alt = alt_text(month.measure_points(measure_id), measure)
            out.append(
                f'<p style="{_P}"><img src="notebooks/figures/{e(chart.name)}" alt="{e(alt)}" '
                'style="max-width:100%;height:auto"></p>'
            )
        evidence = [s.strip() for s in str(v["evidence"]).splitlines() if s.strip()]
        if evidence:
            out.append(
                '<p style="margin:0 0 4px 0"><strong>What the statistical checks say</strong></p>'
            )
            out.append('<ul style="margin:0 0 10px 20px;padding:0">')
            out += [f"<li>{e(s)}</li>" for s in evidence]
            out.append("</ul>")
        out += _benchmark_rows(month, measure)
        related = _related(month, measure)
        if not related.empty:
            out.append(
                '<p style="margin:0 0 4px 0"><strong>Related measures in the theme</strong></p>'
            )
            out.append('<ul style="margin:0 0 10px 20px;padding:0">')
            out += [f"<li>{e(str(r.sentence))}</li>" for r in related.itertuples()]
            out.append("</ul>")
        out.append(
            '<p style="margin:0 0 4px 0"><strong>Questions members may wish to ask '
            "officers</strong></p>"
        )
        out.append('<ul style="margin:0 0 10px 20px;padding:0">')
        out += [f"<li>{e(q)}</li>" for q in questions_for(month, measure_id)]
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def clinic_briefing_markdown(month: MonthAnalysis) -> str:
    """The briefing as one Markdown page with front matter (Quarto renders it to PDF)."""
    import yaml

    request = month.clinic or {}
    period = pd.Period(month.period, "M").to_timestamp().strftime("%B %Y")
    meeting = _day(request.get("meeting"))
    title = "Performance clinic briefing" + (f": {meeting}" if meeting else f": {period}")
    front = yaml.safe_dump(
        {"title": title, "lang": "en-GB", "format": {"typst": {"papersize": "a4"}}},
        sort_keys=False,
    )
    parts = [
        f"---\n{front}---\n",
        f"Figures to the end of {period}, from the Vision Tracker pack. Beyond normal variation "
        "means the statistical rules say the change is unlikely to be chance.\n",
        clinic_request(month),
    ]
    for measure_id in month.selections:
        if measure_id not in month.catalogue:
            continue
        measure = month.catalogue[measure_id]
        v = month.verdict(measure_id)
        reading = str(v["sentence"]) + (f" {v['assurance_text']}" if v["assurance_text"] else "")
        parts.append(f"## {escape(measure.short_title)}\n")
        parts.append(f"**{escape(reading)}**\n")
        evidence = [s.strip() for s in str(v["evidence"]).splitlines() if s.strip()]
        if evidence:
            parts.append("\n".join(f"- {escape(s)}" for s in evidence) + "\n")
        related = _related(month, measure)
        if not related.empty:
            parts.append("**Related measures in the theme**\n")
            parts.append("\n".join(f"- {escape(r.sentence)}" for r in related.itertuples()) + "\n")
        parts.append("**Questions members may wish to ask officers**\n")
        parts.append("\n".join(f"- {escape(q)}" for q in questions_for(month, measure_id)) + "\n")
    return "\n".join(parts)
