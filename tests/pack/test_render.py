"""The rendered book (HTML and Typst PDF) with the real Quarto; skipped where Quarto is absent.

Quarto cannot be installed on the development and CI machines, so these tests skip there with
the reason; on a machine with Quarto 1.9+ they run the real render. Nothing imitates Quarto.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DEMO_PERIOD, ROOT

from helpers.pack import quarto
from helpers.pack.build import build_pack

try:
    QUARTO = quarto.find_quarto()
    SKIP_REASON = ""
except quarto.QuartoUnavailable as exc:
    QUARTO = None
    SKIP_REASON = f"needs the real quarto program: {exc}"

pytestmark = pytest.mark.skipif(QUARTO is None, reason=SKIP_REASON or "quarto missing")


class PageAudit(HTMLParser):
    """Collects what the accessibility and offline checks need from one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.external: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "img":
            self.images.append(a)
        url = (
            a.get("src")
            if tag in ("script", "img", "iframe")
            else a.get("href")
            if tag == "link"
            else None
        )
        if url and re.match(r"^(https?:)?//", url):
            self.external.append(url)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, demo_store: Path) -> Path:
    output = tmp_path_factory.mktemp("rendered")
    result = build_pack(DEMO_PERIOD, root=ROOT, store_path=demo_store, output=output, render=True)
    assert result.rendered
    return result.folder


def test_html_and_pdf_are_listed_in_the_manifest(rendered: Path) -> None:
    manifest = json.loads((rendered / "manifest.json").read_text())
    assert manifest["rendered"] is True
    assert manifest["versions"]["quarto"] == QUARTO.version
    assert (rendered / manifest["files"]["html"]).exists()
    pdf = rendered / manifest["files"]["pdf"]
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 100_000
    assert "render" in manifest["stage_seconds"]


def test_every_page_has_language_alt_text_and_no_internet_dependencies(rendered: Path) -> None:
    pages = sorted((rendered / "book").rglob("*.html"))
    assert len(pages) >= 10
    images = 0
    for page in pages:
        audit = PageAudit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.lang and audit.lang.startswith("en"), page.name
        assert audit.external == [], f"{page.name} loads {audit.external}"
        for img in audit.images:
            assert (img.get("alt") or "").strip(), f"{page.name}: an image has no alt text"
        images += len(audit.images)
    assert images >= 47  # one chart per measure at least


def test_every_chart_the_pages_show_is_in_the_book(rendered: Path) -> None:
    """The charts are drawn beside the HTML render and copied in after it: none may be missing."""
    shown = 0
    for page in sorted((rendered / "book").rglob("*.html")):
        audit = PageAudit()
        audit.feed(page.read_text(encoding="utf-8"))
        for img in audit.images:
            src = img.get("src") or ""
            if src.startswith(("data:", "http")) or not src.endswith(".svg"):
                continue
            chart = (page.parent / src).resolve()
            assert chart.exists(), f"{page.name} shows {src}, which is not in the book"
            assert "<svg" in chart.read_text(encoding="utf-8")[:2000], src
            shown += 1
    assert shown >= 47
    assert not (rendered / "charts").exists()  # the drawing folder and requests are not published


def test_the_parameters_cell_and_code_are_not_shown(rendered: Path) -> None:
    for page in (rendered / "book").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "pack_dir" not in text and "project_dir =" not in text, page.name
        assert "report.show(" not in text, page.name


def test_month_data_is_downloadable_from_the_book(rendered: Path) -> None:
    assert (rendered / "book" / "data" / "verdicts.csv").exists()
    index = (rendered / "book" / "index.html").read_text(encoding="utf-8")
    assert 'href="data/verdicts.csv"' in index


def test_pdf_has_title_and_language(rendered: Path) -> None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed to read the PDF's metadata")
    import subprocess

    pdf = rendered / json.loads((rendered / "manifest.json").read_text())["files"]["pdf"]
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Title:\s+.*Performance pack: October 2026", info, re.M)
    assert re.search(r"^Tagged:\s+yes", info, re.M)


def test_members_pdf_is_short_tagged_pdf_ua_with_no_blank_page(rendered: Path) -> None:
    from pypdf import PdfReader

    manifest = json.loads((rendered / "manifest.json").read_text())
    pdf = rendered / manifest["files"]["pdf"]
    reader = PdfReader(pdf)
    assert manifest["files"]["pdf_pages"] == len(reader.pages)
    assert 12 <= len(reader.pages) <= 32
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog.get("/Lang", "")).startswith("en")
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()  # Typst's PDF/UA-1
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        assert len(text.strip()) > 20, f"page {number} of the PDF is blank"
    first = reader.pages[0].extract_text()
    assert "Performance pack: October 2026" in first and "Published" in first


def test_pdf_images_carry_alt_text(rendered: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(
        rendered / json.loads((rendered / "manifest.json").read_text())["files"]["pdf"]
    )
    figures, with_alt = 0, 0

    def walk(node) -> None:
        nonlocal figures, with_alt
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            figures += 1
            with_alt += bool(str(node.get("/Alt", "")).strip())
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert figures >= 26  # 24 tracker panels and two deep dives
    assert with_alt == figures


def test_html_passes_axe_wcag22_aa(rendered: Path) -> None:
    """axe-core in headless Chromium: no critical or serious WCAG 2.2 A/AA violations."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium) for the axe-core check")
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install '.[a11y]' for axe")
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="pip install '.[a11y]'"
    )
    pages = sorted((rendered / "book").glob("*.html"))
    problems = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        for html in pages:
            page.goto(html.as_uri())
            results = axe.Axe().run(
                page,
                options={
                    "runOnly": {
                        "type": "tag",
                        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
                    }
                },
            )
            for violation in results.response["violations"]:
                if violation["impact"] in ("critical", "serious"):
                    problems.append(
                        f"{html.name}: {violation['id']} ({len(violation['nodes'])} elements)"
                    )
        browser.close()
    assert problems == []


def test_the_clinic_briefing_has_a_pdf_beside_its_html(rendered: Path) -> None:
    """With Quarto, members' picks for the month also give the briefing as a PDF page."""
    from pypdf import PdfReader

    manifest = json.loads((rendered / "manifest.json").read_text())
    assert manifest["files"]["clinic"] == ["clinic-briefing.html", "clinic-briefing.pdf"]
    text = " ".join(
        p.extract_text() or "" for p in PdfReader(rendered / "clinic-briefing.pdf").pages
    )
    assert "Performance clinic briefing" in text
    assert "Questions members may wish to ask officers" in text
