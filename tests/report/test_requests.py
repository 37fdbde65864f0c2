"""Deep-dive requests: who to ask and by when in At a glance, and safe mailto: links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from chapter_markdown import lines_with_visibility, markdown_outputs
from conftest import ROOT

from helpers.analysis.month import read_month
from helpers.report.requests import deadline, mailto, request_sentence, request_subject


def test_at_a_glance_says_who_to_ask_and_by_when_in_both_formats(demo_pack) -> None:
    month = read_month(demo_pack.folder, ROOT)
    assert month.published == dt.date.today().isoformat()  # _quarto.yml's date: auto
    day = dt.date.fromisoformat(month.published) + dt.timedelta(days=7)
    when = f"{day:%A} {day.day} {day:%B %Y}"
    glance = markdown_outputs(Path(demo_pack.folder) / "notebooks" / "index.ipynb")
    [line] = [x for x in lines_with_visibility(glance) if "To ask for a deep dive" in x.text]
    assert not line.html_only and not line.pdf_only  # At a glance in the HTML and the PDF
    assert f"by **{when}**" in line.text and "Sam Patel, Scrutiny Officer" in line.text
    assert "(mailto:scrutiny@example.org?subject=Deep%20dive%20request" in line.text
    assert deadline(month) == day


def test_no_clinic_block_no_sentence(demo_pack) -> None:
    month = read_month(demo_pack.folder, ROOT)
    month.council = None
    assert request_sentence(month) == "" and deadline(month) is None


def test_a_hostile_title_is_percent_encoded_and_comes_back_as_written() -> None:
    title = 'Re-refs <img src=x onerror=alert(1)>) [x](javascript:y) & "q"?subject=z'
    url = mailto("scrutiny@example.org", request_subject(title, "2026-10"), "Your name:\n")
    assert url.startswith("mailto:scrutiny@example.org?subject=")
    for raw in ("<", ">", "(", ")", "[", "]", " ", '"', "\n"):
        assert raw not in url, raw
    assert url.count("?") == 1 and url.count("&") == 1  # only the link's own separators
    query = parse_qs(urlsplit(url).query)
    assert query["subject"] == [f"Deep dive request: {title} (October 2026)"]
    assert query["body"] == ["Your name:\n"]
