"""The Chair's email as a message: plain text and HTML, optionally the members' PDF.

Mail programs such as Outlook strip style sheets and block scripts and remote images, so the HTML
part is the Chair's summary with inline styles only (helpers.report.summary). The subject names
the council and the month; the body links to the published pack when there is one and says who
to ask for a deep dive, by when.
"""

from __future__ import annotations

import email.policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from helpers.analysis.month import MonthAnalysis
from helpers.delivery.archive import month_words
from helpers.inputs.email_settings import EmailSettings
from helpers.report.summary import summary_html, summary_text

#: SMTP's line ending and its 998-character line limit: Python's 78-character folding puts a
#: subject that just fails to fit on a line of its own, which readers show with a leading space.
POLICY = email.policy.SMTP.clone(max_line_length=998)


def subject(council: str, period: str) -> str:
    """'Rotherham children's services performance, October 2026: the Chair's summary'."""
    return f"{council} children's services performance, {month_words(period)}: the Chair's summary"


def pack_link(settings: EmailSettings, period: str, link: str | None = None) -> str | None:
    """The link to give: --link as given, else the month's folder under email.pack_url."""
    if link:
        return link
    if settings.pack_url:
        return f"{settings.pack_url.rstrip('/')}/{period}/"
    return None


def chair_email(
    month: MonthAnalysis,
    settings: EmailSettings,
    council: str,
    link: str | None = None,
    pdf: Path | None = None,
) -> EmailMessage:
    """The message: From/To/Cc from the settings, text and HTML alternatives, the PDF if given."""
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject(council, month.period)
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    if settings.cc:
        message["Cc"] = ", ".join(settings.cc)
    message["Date"] = formatdate(localtime=True)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("vision-tracker", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(summary_text(month, link=link))
    message.add_alternative(summary_html(month, link=link), subtype="html")
    if pdf is not None:
        message.add_attachment(
            pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name
        )
    return message
