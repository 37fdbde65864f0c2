"""The 'At a glance' chapter: every tracker measure in one table, then signal and noise.

"What changed beyond normal variation" is written from the SPC signals only; "What did not"
lists the movements that look large but are within normal variation, so members are not
drawn into explaining noise.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.analysis.month import MonthAnalysis
from helpers.charts.icons import icon_text
from helpers.formatting import format_value
from helpers.report.markdown import escape, html_text, slug, table
from helpers.report.requests import request_sentence

#: A movement "looks large" when it is at least this many typical month-to-month movements.
LOOKS_LARGE = 1.0


def month_name(period: str) -> str:
    return pd.Period(period, "M").to_timestamp().strftime("%B %Y")


def _change_text(row: pd.Series, measure) -> str:
    change = row["change"]
    if change is None or math.isnan(change):
        return "no comparison"
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    unit = " pts" if measure.unit == "percent" else ""
    return f"{sign}{format_value(abs(change), measure)}".replace("%", "") + unit


def _bench(value: float, measure) -> str:
    return "" if value is None or pd.isna(value) else format_value(float(value), measure)


def tracker_review(month: MonthAnalysis) -> str:
    """Who chose the tracker's measures in force this month, when, and when they are reviewed."""
    chosen = getattr(month, "tracker_set", None) or {}
    last, due = chosen.get("from"), chosen.get("next_review")
    if not last:
        return ""
    who = escape(str(chosen.get("agreed_by") or "").strip())
    text = f" The tracker's measures for this month were agreed on {pd.Timestamp(last):%-d %B %Y}"
    text += f" by {who}" if who else ""
    if not due:
        return text + "."
    due_day = pd.Timestamp(due)
    if pd.Period(month.period, "M").end_time >= due_day:
        return text + (
            f". The six-monthly review of that choice was due by {due_day:%-d %B %Y} and has not "
            "been recorded yet."
        )
    return text + f"; the next six-monthly review is due by {due_day:%-d %B %Y}."


def intro(month: MonthAnalysis) -> str:
    """Opening paragraph: what the pack covers and how many signals there are."""
    v = month.verdicts
    tracker = v[v["tracker"]]
    signals = int(v["beyond_normal_variation"].sum())
    name = month_name(month.period)
    commission = escape(month.council.commission) if month.council else "commission"
    return (
        f"This pack covers **{name}**. It reports {len(v)} measures of children's services "
        f"performance, {len(tracker)} of them in the vision tracker selected by the "
        f"{commission}."
        f"{tracker_review(month)} "
        f"For every measure it checks whether the latest figure is beyond normal variation, "
        f"using statistical process control (explained in *How to read this pack*). "
        f"This month **{signals}** measure{'s' if signals != 1 else ''} had a latest figure beyond "
        f"normal variation (listed after the table). "
        + html_text(
            "The figures in this pack can be downloaded as "
            "[data/verdicts.csv](data/verdicts.csv) (one row per measure) and "
            "[data/observations.csv](data/observations.csv) (every month of every measure), and "
            f"the members' pack as a [PDF](vision-tracker-{month.period}.pdf)."
        )
        + "\n"
        + ("\n" + request_sentence(month)).rstrip(" ")  # who to ask for a deep dive, by when
    )


def glance_table(month: MonthAnalysis) -> str:
    """Every tracker measure: latest, change, variation, target, assurance, benchmarks."""
    rows = []
    for row in month.verdicts[month.verdicts["tracker"]].itertuples(index=False):
        r = pd.Series(row._asdict())
        m = month.catalogue[r["measure_id"]]
        rows.append(
            {
                "Measure": m.short_title,
                "Latest": format_value(r["latest_value"], m),
                "Change": _change_text(r, m),
                "Variation": icon_text(r["variation_icon"]),
                "Target": "" if m.target is None else format_value(m.target, m),
                "Assurance": icon_text(r["assurance_icon"])
                if isinstance(r["assurance_icon"], str)
                else "",
                "England": _bench(r["england"], m),
                "Similar areas": _bench(r["stat_neighbours"], m),
            }
        )
    frame = pd.DataFrame(rows)
    caption = (
        f"Vision tracker measures, {month_name(month.period)}. Change is from the month before "
        "(pts = percentage points). England and similar areas "
        "(the statistical neighbours' average) "
        f"are the latest published annual figures."
    )
    return table(frame, caption, "tracker-at-a-glance", align="lrrlrlrr")


def reference(month: MonthAnalysis, measure_id: str) -> str:
    """Where a measure's chart is: its figure; in the PDF a non-tracker measure's is the table."""
    tracked = month.verdicts.set_index("measure_id")["tracker"]
    fig = f"@fig-{slug(measure_id)}"
    if bool(tracked.get(measure_id, False)):
        return fig
    return html_text(fig) + '[see @tbl-other-measures]{.content-hidden when-format="html"}'


def signals(month: MonthAnalysis) -> str:
    """Bullets for every measure whose latest figure is beyond normal variation."""
    v = month.verdicts[month.verdicts["beyond_normal_variation"]]
    if v.empty:
        return "No measure changed beyond normal variation this month.\n"
    groups = [
        (("special_cause_improvement",), "Improvements"),
        (("special_cause_concern",), "Concerns"),
        (
            ("special_cause_neutral_high", "special_cause_neutral_low"),
            "Unusual figures where neither higher nor lower is better",
        ),
    ]
    out = []
    for point_types, heading in groups:
        chosen = v[v["point_type"].isin(point_types)]
        if chosen.empty:
            continue
        out.append(f"**{heading}**\n")
        for row in chosen.itertuples():
            out.append(f"- {escape(row.sentence)} ({reference(month, row.measure_id)})")
        out.append("")
    return "\n".join(out) + "\n"


def noise(month: MonthAnalysis, limit: int = 8) -> str:
    """Bullets for large-looking movements that are within normal variation."""
    v = month.verdicts[~month.verdicts["beyond_normal_variation"]].copy()
    v["size"] = v["change"].abs() / v["typical_change"]
    v = v[(v["size"] >= LOOKS_LARGE) & v["size"].notna()].sort_values("size", ascending=False)
    if v.empty:
        return "No measure moved by more than its usual month-to-month amount.\n"
    out = [
        "These measures moved by more than their usual month-to-month amount, but the movement "
        "is within normal variation: it is the kind of change the process produces by chance, "
        "so it does not on its own need an explanation.\n"
    ]
    for row in v.head(limit).itertuples():
        out.append(f"- {escape(row.sentence)} ({reference(month, row.measure_id)})")
    return "\n".join(out) + "\n"
