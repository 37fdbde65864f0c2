"""The Council Plan chapter's cross-check: the report's published figures beside the tracker's.

Shown at quarter-end months (March, June, September, December) from data/council_plan_check.csv,
which the month's analysis writes; every other month says when the next check is.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis.month import MonthAnalysis
from helpers.formatting import format_value
from helpers.report.markdown import escape, table

QUARTER_ENDS = (3, 6, 9, 12)


def _month(period: pd.Period) -> str:
    return period.to_timestamp().strftime("%B %Y")


def _value(month: MonthAnalysis, measure_id: str, value: object) -> str:
    if value is None or pd.isna(value):
        return "no figure"
    return format_value(float(value), month.catalogue[measure_id])


def _day(text: str | None) -> str:
    return pd.Timestamp(text).strftime("%-d %B %Y") if text else "its publication date"


def council_plan_check(month: MonthAnalysis) -> str:
    """Published versus tracker figures for the quarter, with every disagreement named."""
    period = pd.Period(month.period, "M")
    if period.month not in QUARTER_ENDS:
        following = next(period + k for k in range(1, 4) if (period + k).month in QUARTER_ENDS)
        return (
            "In quarter-end months (March, June, September and December) this chapter also checks "
            "the figures printed in the Council Plan report against the tracker's own. The next "
            f"check is in the pack for {_month(following)}.\n"
        )
    check = month.council_plan_check
    if check is None or check.empty:
        return (
            f"No published Council Plan figures for the quarter ending {_month(period)} are "
            "recorded yet. When the report is published, add its figures to "
            "`data/council_plan.csv` and rebuild this month's pack to check them.\n"
        )
    dates = month.council_plan_report_dates or {}
    rows, notes = [], []
    for r in check.itertuples():
        measure = month.catalogue[r.measure_id]
        ref, title = escape(r.council_plan_ref), escape(measure.short_title)
        published = _value(month, r.measure_id, r.published_value)
        tracker = _value(month, r.measure_id, r.tracker_value)
        agrees, explained = bool(r.agrees), bool(r.explained_by_revision)
        status = "yes" if agrees else ("no: a later revision" if explained else "no")
        rows.append(
            {
                "Council Plan ref": r.council_plan_ref,
                "Measure": measure.short_title,
                "Published": published,
                "Tracker": tracker,
                "Agree?": status,
            }
        )
        day = _day(dates.get(r.measure_id))
        if explained:
            notes.append(
                f"- **{ref} {title}**: the report printed {published}, the figure "
                f"the scorecards gave at the time. A revision loaded after the report was "
                f"published on {day} changed it to {tracker}, so the difference is explained."
            )
        elif not agrees:
            notes.append(
                f"- **{ref} {title}**: the report printed {published} but the "
                f"tracker's figure is {tracker}, and no revision after {day} accounts for the "
                "difference. Officers may wish to explain which figure is right."
            )
    agreeing = int(check["agrees"].astype(bool).sum())
    intro = (
        f"The Council Plan report for the quarter ending {_month(period)} printed "
        f"{len(check)} of these measures. The table puts each published figure beside the "
        f"tracker's figure for {_month(period)}: {agreeing} of {len(check)} agree to within "
        "the report's rounding. The comparison is also in "
        "[data/council_plan_check.csv](data/council_plan_check.csv).\n\n"
    )
    text = intro + table(
        pd.DataFrame(rows),
        f"Council Plan report and tracker figures, quarter ending {_month(period)}",
        "council-plan-check",
        "llrrl",
    )
    if notes:
        text += "\n**Where the figures differ**\n\n" + "\n".join(notes) + "\n"
    return text
