"""Built packs for the delivery tests: real builds (no Quarto needed), copied as plain folders.

Publishing and the Chair's email start from `output/<YYYY-MM>/` as `tracker build` leaves it.
Without Quarto a build has no HTML book or PDF, so `with_pdf` adds a real one-page PDF where the
members' pack goes (made by pypdf), for the tests that attach or link it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pypdf import PdfWriter

TRACKER_NAME = "tracker"


def copy_pack(folder: Path, output: Path) -> Path:
    """A built month (a link into output/.packs, or a folder) copied into another output/."""
    target = output / folder.name
    shutil.copytree(folder.resolve(), target)
    return target


def with_pdf(pack: Path) -> Path:
    """Put a real PDF where the members' pack goes and list it in the manifest."""
    import json

    pdf = pack / f"vision-tracker-{pack.name}.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with pdf.open("wb") as handle:
        writer.write(handle)
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["pdf"] = pdf.name
    manifest["files"]["pdf_pages"] = 1
    (pack / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return pdf


def with_book(pack: Path, files: int = 0, size: int = 0) -> Path:
    """A book/ folder as a render leaves it (index.html), padded with `files` pages of `size`."""
    book = pack / "book"
    book.mkdir(exist_ok=True)
    (book / "index.html").write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>Book</title></head>'
        f"<body><main><h1>The {pack.name} book</h1></main></body></html>",
        encoding="utf-8",
    )
    padding = b"x" * size
    for i in range(files):
        (book / f"page-{i:05d}.html").write_bytes(padding)
    return book
