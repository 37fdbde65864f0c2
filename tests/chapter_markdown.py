"""Reading the executed chapters' Markdown as Quarto will: tables, and which format shows them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

FENCE = re.compile(r"^(:{3,})\s*(\{(?P<attrs>[^}]*)\})?\s*$")
CAPTION = re.compile(r"^: (?P<caption>.*) \{(?P<attrs>#tbl-[^{}]*)\}\s*$")
WIDTHS = re.compile(r'tbl-colwidths="\[(?P<w>[\d,\s]+)\]"')


def markdown_outputs(path: Path) -> str:
    """Everything a notebook's cells displayed as Markdown, in order, one block apart."""
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        for out in cell.get("outputs", []):
            texts.append(out.get("data", {}).get("text/markdown", ""))
    return "\n\n".join(t for t in texts if t)


@dataclass
class Line:
    text: str
    html_only: bool
    pdf_only: bool


def lines_with_visibility(markdown: str) -> list[Line]:
    """Each line, with whether a content-visible/-hidden div keeps it to one format."""
    stack: list[str] = []
    out = []
    for raw in markdown.splitlines():
        fence = FENCE.match(raw.strip())
        if fence and fence.group("attrs") is not None:
            attrs = fence.group("attrs")
            if 'content-visible when-format="html"' in attrs:
                stack.append("html")
            elif 'content-hidden when-format="html"' in attrs:
                stack.append("pdf")
            else:
                stack.append("other")
            continue
        if fence and fence.group("attrs") is None and stack:
            stack.pop()
            continue
        out.append(Line(raw, "html" in stack, "pdf" in stack))
    assert not stack, "a fenced div is never closed"
    return out


@dataclass
class Table:
    header: list[str]
    align: list[str]
    rows: list[list[str]]
    caption: str
    attrs: str
    html_only: bool
    pdf_only: bool


def split_row(line: str) -> list[str]:
    """The cells of a pipe-table row (an escaped \\| stays inside its cell)."""
    inner = line.strip()[1:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def tables(markdown: str) -> list[Table]:
    """Every pipe table in the Markdown, with its caption line and visibility."""
    lines = lines_with_visibility(markdown)
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            line.text.startswith("|")
            and i + 1 < len(lines)
            and re.match(r"^\|(\s*:?-+:?\s*\|)+$", lines[i + 1].text.strip())
        ):
            header = split_row(line.text)
            align = ["r" if c.endswith(":") else "l" for c in split_row(lines[i + 1].text)]
            j, rows = i + 2, []
            while j < len(lines) and lines[j].text.startswith("|"):
                rows.append(split_row(lines[j].text))
                j += 1
            caption = ""
            attrs = ""
            k = j
            while k < len(lines) and not lines[k].text.strip():
                k += 1
            if k < len(lines) and (m := CAPTION.match(lines[k].text)):
                caption, attrs = m["caption"], m["attrs"]
            found.append(Table(header, align, rows, caption, attrs, line.html_only, line.pdf_only))
            i = j
        else:
            i += 1
    return found
