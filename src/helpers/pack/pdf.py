"""What the build checks in the rendered PDF: its page count, recorded in the manifest."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader


def pdf_pages(path: Path) -> int:
    """The number of pages in the PDF (the members' pack must stay short)."""
    return len(PdfReader(path).pages)
