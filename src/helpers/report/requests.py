"""Deep-dive requests made easy: who to ask, by when, and a ready-made email per measure.

Members have a set number of days after the pack is published to pick measures for the
performance clinic (council.yml's `clinic:` block). *At a glance* and the Chair's email say so in
one sentence, and every measure in the HTML book carries a `mailto:` link whose subject names
the measure and month. A measure's title is data: in a link it is percent-encoded (so no
character of it can end the link or start markup) and its visible text is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import quote

import pandas as pd

from helpers.analysis.month import MonthAnalysis
from helpers.inputs.catalogue import Measure
from helpers.report.markdown import escape, html_only

ASK = "Ask for a deep dive on this measure"
BODY = (
    "Please add this measure to the performance clinic's deep dive.\n\n"
    "Your name:\n\n"
    "Your question (what would you like officers to explain?):\n"
)


def _month(period: str) -> str:
    return pd.Period(period, "M").to_timestamp().strftime("%B %Y")


def deadline(month: MonthAnalysis, today: dt.date | None = None) -> dt.date | None:
    """The last day to ask: the pack's publication day plus the clinic's days (None if unset)."""
    clinic = month.council.clinic if month.council else None
    if clinic is None:
        return None
    start = dt.date.fromisoformat(month.published) if month.published else None
    return (start or today or dt.date.today()) + dt.timedelta(days=clinic.days)


def mailto(address: str, subject: str, body: str = "") -> str:
    """A mailto: URL with every character of the subject and body percent-encoded."""
    url = f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"
    return url + (f"&body={quote(body, safe='')}" if body else "")


def request_subject(measure_title: str, period: str) -> str:
    """'Deep dive request: <measure> (<Month YYYY>)', the subject every request link uses."""
    return f"Deep dive request: {' '.join(str(measure_title).split())} ({_month(period)})"


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def request_text(month: MonthAnalysis, today: dt.date | None = None) -> str:
    """The one sentence as plain text ('' when council.yml has no clinic block)."""
    day = deadline(month, today)
    if day is None:
        return ""
    clinic = month.council.clinic
    return (
        f"To ask for a deep dive on any measure at the performance clinic, email "
        f"{clinic.officer} ({clinic.email}) by {_day(day)}, naming the measure and your question."
    )


def request_sentence(month: MonthAnalysis, today: dt.date | None = None) -> str:
    """The sentence as Markdown for *At a glance*, the address a mailto: link."""
    day = deadline(month, today)
    if day is None:
        return ""
    clinic = month.council.clinic
    subject = f"Deep dive request ({_month(month.period)})"
    link = f"[{escape(clinic.email)}]({mailto(clinic.email, subject, BODY)})"
    return (
        f"**To ask for a deep dive** on any measure at the performance clinic, email "
        f"{escape(clinic.officer)} ({link}) by **{_day(day)}**, naming the measure and your "
        "question.\n"
    )


def request_html(month: MonthAnalysis, today: dt.date | None = None) -> str:
    """The sentence as an HTML paragraph with inline styles, for the Chair's email."""
    day = deadline(month, today)
    if day is None:
        return ""
    clinic = month.council.clinic
    e = html.escape
    subject = f"Deep dive request ({_month(month.period)})"
    href = e(mailto(clinic.email, subject, BODY), quote=True)
    return (
        '<p style="margin:16px 0 0 0">To ask for a deep dive on any measure at the performance '
        f'clinic, email {e(clinic.officer)} (<a href="{href}" style="color:#1d70b8">'
        f"{e(clinic.email)}</a>) by <strong>{e(_day(day))}</strong>, naming the measure and "
        "your question.</p>"
    )


def ask_link(month: MonthAnalysis, measure: Measure) -> str:
    """The HTML book's 'Ask for a deep dive' link for one measure ('' without a clinic block)."""
    clinic = month.council.clinic if month.council else None
    if clinic is None:
        return ""
    subject = request_subject(measure.short_title, month.period)
    body = f"Measure: {' '.join(measure.title.split())} ({measure.id})\n\n{BODY}"
    return html_only(f"[{ASK}]({mailto(clinic.email, subject, body)}){{.deep-dive-request}}")
