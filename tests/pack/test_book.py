"""The two copies of the month's book: the HTML reference and the members' PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ROOT

from helpers.pack.book import PDF_FORMAT, book_config, published_date
from helpers.pack.chapters import ChapterError, members_pdf_chapters, read_quarto_config

CONFIG = read_quarto_config(ROOT / "_quarto.yml")
TODAY = dt.date(2026, 11, 12)


def test_each_copy_has_only_its_own_format() -> None:
    html = book_config(CONFIG, "2026-10", "html", today=TODAY)
    pdf = book_config(CONFIG, "2026-10", "pdf", today=TODAY)
    assert list(html["format"]) == ["html"]
    assert list(pdf["format"]) == [PDF_FORMAT]
    assert pdf["format"][PDF_FORMAT]["pdf-standard"] == "ua-1"
    assert "members-pdf" not in html and "members-pdf" not in pdf


def test_the_pdf_has_the_members_order_and_the_html_every_chapter() -> None:
    html = book_config(CONFIG, "2026-10", "html", today=TODAY)
    pdf = book_config(CONFIG, "2026-10", "pdf", today=TODAY)
    assert pdf["book"]["chapters"] == members_pdf_chapters(CONFIG)
    assert any(isinstance(c, dict) and c.get("part") for c in html["book"]["chapters"])
    assert not any(isinstance(c, dict) for c in pdf["book"]["chapters"])


def test_the_cover_says_the_month_and_the_day_it_was_published() -> None:
    cfg = book_config(CONFIG, "2026-10", "pdf", today=TODAY)
    assert cfg["book"]["subtitle"].endswith(": October 2026")
    assert cfg["book"]["date"] == "2026-11-12"  # the build date, not the month's last day
    assert cfg["published"] == "12 November 2026"
    assert cfg["pack-month"] == "October 2026"


def test_a_fixed_publication_date_in_the_settings_is_kept() -> None:
    fixed = {**CONFIG, "book": {**CONFIG["book"], "date": "2026-11-20"}}
    assert published_date(fixed, TODAY) == dt.date(2026, 11, 20)
    assert published_date({"book": {"date": "auto"}}, TODAY) == TODAY


def test_a_pdf_chapter_missing_from_the_book_is_an_error() -> None:
    bad = {**CONFIG, "members-pdf": {"chapters": ["index.ipynb", "nosuch.ipynb"]}}
    with pytest.raises(ChapterError, match="nosuch.ipynb"):
        members_pdf_chapters(bad)


def test_the_councils_words_reach_the_cover_escaped() -> None:
    words = {"council": "Bristol <img src=x onerror=alert(1)>", "commission": "*People* scrutiny"}
    cfg = book_config(CONFIG, "2026-10", "pdf", words, today=TODAY)
    assert cfg["council"] == "Bristol \\<img src=x onerror=alert(1)\\>"
    assert cfg["commission"] == "\\*People\\* scrutiny"
    assert cfg["book"]["author"].startswith("Bristol \\<img")
