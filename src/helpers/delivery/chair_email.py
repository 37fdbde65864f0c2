"""`tracker signals --send` / `--eml`: the month the email describes, and the message for it.

The email describes the pack members get: when the month has been built, its own figures and
publication day are used (output/<YYYY-MM>/data), so the deadline for deep-dive requests is
the one the pack prints; otherwise the store's figures and today's date.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from helpers.analysis.month import MonthAnalysis, read_month
from helpers.delivery.message import chair_email, pack_link
from helpers.inputs.council import Council
from helpers.inputs.email_settings import EmailSettings
from helpers.pack.book import pdf_name, published_date
from helpers.pack.chapters import read_quarto_config


class EmailError(RuntimeError):
    """The email cannot be made; nothing was sent or written."""

    exit_code = 2


def month_for_email(
    root: Path, output: Path, period: str, analyse: Callable[[], MonthAnalysis]
) -> MonthAnalysis:
    """The built pack's month where there is one, else `analyse()` dated today."""
    pack = output / period
    built = (pack / "data" / "month.yml").is_file()
    month = read_month(pack, root) if built else analyse()
    if month.published is None:
        month.published = published_date(read_quarto_config(root / "_quarto.yml")).isoformat()
    return month


def prepare_email(
    council: Council,
    month: MonthAnalysis,
    output: Path,
    link: str | None = None,
    attach_pdf: bool = False,
) -> tuple[EmailMessage, EmailSettings]:
    """The Chair's email for the month, with the settings it goes by."""
    settings = council.email
    if settings is None:
        raise EmailError(
            f"{council.path}: there is no email: block, so there is nobody to send to. Add one "
            "(the demo's data/council.yml has a worked example; README: Publishing and email). "
            "Nothing was sent."
        )
    pdf = None
    if attach_pdf:
        pdf = output / month.period / f"{pdf_name(month.period)}.pdf"
        if not pdf.is_file():
            raise EmailError(
                f"--attach-pdf: there is no members' PDF for {month.period} ({pdf} is missing). "
                f"Build the month with Quarto (`tracker build --period {month.period}`) or send "
                "without --attach-pdf. Nothing was sent."
            )
    url = pack_link(settings, month.period, link)
    message = chair_email(month, settings, council.name, url, pdf)
    return message, settings


def write_eml(message: EmailMessage, path: Path) -> None:
    """The message as a .eml file (any mail program opens it), written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
