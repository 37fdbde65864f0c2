"""Markdown that Quarto turns into captioned, cross-referenced tables and figures.

Chapters emit Markdown (not HTML) so the same output makes the HTML book and the Typst PDF,
tables carry captions, and every figure carries its caption and alt text.

Text that came from a file or a person (catalogue titles, extract file names and headers, cell
text quoted in warnings, selections, process-change reasons) is data, never markup: it passes
through `escape` on its way into the Markdown, so no HTML, Markdown, Quarto shortcode or
cross-reference in it is interpreted. `table` and `figure` escape what they are given; prose
built by the chapters escapes each piece of data it interpolates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Characters that start Markdown, HTML, Quarto or Pandoc syntax anywhere in a line. Pandoc
#: treats any backslash-escaped ASCII punctuation as the literal character, in text and in
#: quoted attribute values.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|@$~^])")
#: Characters that start a block only at the start of a line (a list, a heading, a div).
_LEADING = re.compile(r"^([#:+\-]|\d+(?=[.)]))")
#: Quarto reads "{{<" as a shortcode even where Pandoc would not (in a chapter's title, which it
#: parses again): a zero-width space keeps the two braces apart.
_BRACES = re.compile(r"([{}])(?=[{}])")
_SPACE = re.compile(r"\s+")

#: A column whose cells are numbers (with units) is right-aligned.
_NUMBER = re.compile(r"^[−\-+]?[£]?\d[\d,]*(\.\d+)?(%| pts| days?| per 10,000( children)?)?$")
#: Widths never go below this share of the line, so a header word fits without hyphenating.
_MIN_WIDTH = 6


def escape(text: object) -> str:
    """`text` as literal Markdown: every special character escaped, on one line."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    flat = _SPACE.sub(" ", str(text)).strip()
    flat = _BRACES.sub("\\1\u200b", flat)
    flat = _SPECIAL.sub(r"\\\1", flat)
    # "- x" would start a list, "12. x" a numbered one, "# x" a heading, ":::" a div.
    leading = _LEADING.match(flat)
    if leading is None:
        return flat
    end = leading.end()
    return flat[:end] + "\\" + flat[end:] if flat[:end].isdigit() else "\\" + flat


def escape_attribute(text: object) -> str:
    """`text` for a quoted Pandoc attribute value (alt text): escaped, quotes too."""
    return escape(text).replace('"', '\\"')


def show(text: str) -> None:
    """Display Markdown in the notebook (Quarto renders it as part of the page)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def slug(text: str) -> str:
    """A cross-reference label part: lower case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def html_only(markdown: str) -> str:
    """A block the HTML book shows and the members' PDF leaves out (Quarto conditional content)."""
    return f'\n::: {{.content-visible when-format="html"}}\n\n{markdown.strip()}\n\n:::\n\n'


def pdf_only(markdown: str) -> str:
    """A block only the members' PDF shows."""
    return f'\n::: {{.content-hidden when-format="html"}}\n\n{markdown.strip()}\n\n:::\n\n'


def html_text(markdown: str) -> str:
    """An inline piece of text only the HTML shows (e.g. a reference to an HTML-only figure)."""
    return f'[{markdown}]{{.content-visible when-format="html"}}'


def _plain(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def is_number(text: str) -> bool:
    """Whether a table cell holds one number (with its unit), so its column is right-aligned."""
    return bool(_NUMBER.match(text.strip()))


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def column_widths(headers: list[str], cells: list[list[str]]) -> list[int]:
    """Percentages of the line for each column, summing to 100.

    Each column gets at least its header's longest word and its longest number (so neither
    wraps mid-word or runs into the next column); what is left goes to the text columns in
    proportion to their longest entry. Typst and HTML both honour `tbl-colwidths`.
    """
    n = len(headers)
    floors, wants = [], []
    for i in range(n):
        column = [r[i] for r in cells]
        numeric = bool(column) and all(is_number(c) or not c for c in column)
        word = max([_longest_word(headers[i])] + [_longest_word(c) for c in column])
        longest = max([len(headers[i])] + [len(c) for c in column])
        floors.append(max(word, max((len(c) for c in column), default=0) if numeric else 0) + 2)
        wants.append(floors[-1] if numeric else max(floors[-1], min(longest, 60)))
    total = sum(wants)
    raw = [max(_MIN_WIDTH, 100 * w / total) for w in wants]
    scale = 100 / sum(raw)
    widths = [max(1, round(r * scale)) for r in raw]
    widths[widths.index(max(widths))] += 100 - sum(widths)
    return widths


def table(
    frame: pd.DataFrame,
    caption: str,
    label: str,
    align: str | None = None,
    widths: list[int] | None = None,
) -> str:
    """A pipe table with a caption, a `tbl-` label and explicit column widths.

    Every header and cell is escaped (they hold data). `align` gives l/r per column; when it is
    not given, a column of numbers is right-aligned and any other column left-aligned. Widths go
    in `tbl-colwidths`: without them Pandoc sizes columns by the separator's dashes and squeezes
    numbers into their neighbours in the PDF (see QUARTO-NOTES). `widths` (percentages of the
    line, one per column, adding up to 100) sets them; by default they follow the contents.
    """
    headers = [_plain(c) for c in frame.columns]
    cells = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
    if align is None:
        align = "".join(
            "r" if cells and all(is_number(r[i]) or not r[i] for r in cells) else "l"
            for i in range(len(headers))
        )
    if widths is None:
        widths = column_widths(headers, cells)
    elif len(widths) != len(headers) or sum(widths) != 100 or min(widths) < 1:
        raise ValueError(
            f"widths {widths}: give one whole percentage per column ({len(headers)}), "
            "adding up to 100."
        )
    rule = [("-" * 3 + ":") if a == "r" else (":" + "-" * 3) for a in align]
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(escape(c) for c in r) + " |" for r in cells]
    attrs = f'#tbl-{slug(label)} tbl-colwidths="[{",".join(str(w) for w in widths)}]"'
    return "\n".join(lines) + f"\n\n: {escape(caption)} {{{attrs}}}\n"


def figure(fig: Figure, path: Path, caption: str, alt: str, label: str) -> str:
    """Save the figure as SVG and return Markdown for a captioned figure with alt text."""
    from helpers.charts.drawing import save_svg

    save_svg(fig, path)
    return figure_markdown(path, caption, alt, label)


def figure_markdown(path: Path, caption: str, alt: str, label: str) -> str:
    """Markdown for a saved chart: caption and alt text escaped (they carry catalogue text)."""
    attrs = f'#fig-{slug(label)} fig-alt="{escape_attribute(alt)}"'
    return f"![{escape(caption)}]({path.as_posix()}){{{attrs}}}\n"
