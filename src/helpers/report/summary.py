"""The Chair's summary: the month's special causes and assurance failures on one page.

The Chair and Lead Member get a daily email of key indicators; this is the monthly page to
paste beside it. It lists only what the statistical rules pick out (figures beyond normal
variation) and the measures that will miss their target unless something changes, each with
the pack's one-sentence reading. Plain text and HTML with inline styles only (email clients
strip style sheets and block scripts and images); every piece of text is escaped.
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd

from helpers.analysis.month import MonthAnalysis
from helpers.report.requests import request_html, request_text

SPECIAL_CAUSE = "Beyond normal variation"
ASSURANCE_FAILURE = "Will miss its target"
GROUPS = {
    "special_cause_concern": "concern",
    "special_cause_improvement": "improvement",
    "special_cause_neutral_high": "unusually high",
    "special_cause_neutral_low": "unusually low",
}
COLUMNS = ["kind", "what", "measure_id", "measure", "tracker", "reading"]


def _month_name(period: str) -> str:
    return pd.Period(period, "M").to_timestamp().strftime("%B %Y")


def signal_rows(verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per special cause, then one per assurance failure, in catalogue order."""
    rows = []
    flagged = verdicts[verdicts["beyond_normal_variation"].astype(bool)]
    order = list(GROUPS)
    flagged = flagged.assign(
        _o=flagged["point_type"].map(lambda p: order.index(p) if p in order else 9)
    )
    for r in flagged.sort_values("_o", kind="stable").itertuples():
        rows.append(
            {
                "kind": SPECIAL_CAUSE,
                "what": GROUPS.get(r.point_type, "unusual"),
                "measure_id": r.measure_id,
                "measure": r.short_title,
                "tracker": bool(r.tracker),
                "reading": str(r.sentence),
            }
        )
    failing = verdicts[verdicts["assurance_icon"].astype(object) == "fail"]
    for r in failing.itertuples():
        text = str(r.assurance_text or "").strip()
        rows.append(
            {
                "kind": ASSURANCE_FAILURE,
                "what": "target missed consistently",
                "measure_id": r.measure_id,
                "measure": r.short_title,
                "tracker": bool(r.tracker),
                "reading": f"{r.sentence} {text}".strip(),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _headline(month: MonthAnalysis, rows: pd.DataFrame) -> str:
    special = int((rows["kind"] == SPECIAL_CAUSE).sum())
    failing = int((rows["kind"] == ASSURANCE_FAILURE).sum())
    return (
        f"In {_month_name(month.period)}, {special} of the {len(month.verdicts)} measures had a "
        f"latest figure beyond normal variation, and {failing} will consistently miss their "
        "target unless something changes. Everything else moved within normal variation."
    )


def summary_text(month: MonthAnalysis, width: int = 78, link: str | None = None) -> str:
    """The summary as plain text, wrapped for an email (with a link to the published pack)."""
    rows = signal_rows(month.verdicts)
    out = [f"Vision Tracker: the Chair's summary for {_month_name(month.period)}", ""]
    out += textwrap.wrap(_headline(month, rows), width) + [""]
    for kind in (SPECIAL_CAUSE, ASSURANCE_FAILURE):
        chosen = rows[rows["kind"] == kind]
        out.append(f"{kind} ({len(chosen)})")
        if chosen.empty:
            out.append("  None this month.")
        for r in chosen.itertuples():
            star = " [tracker]" if r.tracker else ""
            out += textwrap.wrap(
                f"- {r.measure} ({r.what}){star}: {r.reading}",
                width,
                subsequent_indent="  ",
            )
        out.append("")
    out += textwrap.wrap(
        "Beyond normal variation: the statistical rules say the latest figure is unlikely to be "
        "chance. [tracker]: one of the commission's tracker measures. The full pack explains "
        "each one.",
        width,
    )
    if link:
        out += ["", f"The full pack: {link}"]
    if request_text(month):
        out += [""] + textwrap.wrap(request_text(month), width)
    return "\n".join(out) + "\n"


_CELL = "padding:4px 8px;border-bottom:1px solid #cccccc;vertical-align:top;text-align:left"


def summary_html(month: MonthAnalysis, link: str | None = None) -> str:
    """The summary as one self-contained HTML page: inline styles, no scripts, no images."""
    rows = signal_rows(month.verdicts)
    e = html.escape
    title = f"Vision Tracker: the Chair's summary for {_month_name(month.period)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        '<head><meta charset="utf-8">',
        f"<title>{e(title)}</title></head>",
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.4;'
        'color:#0b0c0c;background:#ffffff;max-width:760px;margin:16px">',
        f'<h1 style="font-size:22px;margin:0 0 12px 0">{e(title)}</h1>',
        f'<p style="margin:0 0 16px 0">{e(_headline(month, rows))}</p>',
    ]
    for kind in (SPECIAL_CAUSE, ASSURANCE_FAILURE):
        chosen = rows[rows["kind"] == kind]
        parts.append(
            f'<h2 style="font-size:18px;margin:16px 0 8px 0">{e(kind)} ({len(chosen)})</h2>'
        )
        if chosen.empty:
            parts.append('<p style="margin:0">None this month.</p>')
            continue
        parts.append(
            '<table style="border-collapse:collapse;width:100%">'
            f'<thead><tr><th scope="col" style="{_CELL}">Measure</th>'
            f'<th scope="col" style="{_CELL}">What</th>'
            f'<th scope="col" style="{_CELL}">Reading</th></tr></thead><tbody>'
        )
        for r in chosen.itertuples():
            tracker = " (tracker)" if r.tracker else ""
            parts.append(
                f'<tr><td style="{_CELL}">{e(r.measure)}{tracker}</td>'
                f'<td style="{_CELL}">{e(r.what)}</td>'
                f'<td style="{_CELL}">{e(r.reading)}</td></tr>'
            )
        parts.append("</tbody></table>")
    parts.append(
        '<p style="margin:16px 0 0 0;font-size:13px">Beyond normal variation: the statistical '
        "rules say the latest figure is unlikely to be chance. (tracker): one of the "
        "commission's tracker measures. The full pack explains each one.</p>"
    )
    if link:
        parts.append(
            f'<p style="margin:16px 0 0 0"><a href="{e(link, quote=True)}" '
            f'style="color:#1d70b8">The full pack for {e(_month_name(month.period))}</a></p>'
        )
    parts.append(request_html(month))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
