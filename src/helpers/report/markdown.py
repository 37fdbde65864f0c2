"""Markdown that Quarto turns into captioned, cross-referenced tables and figures.

Chapters emit Markdown (not HTML) so the same output makes the HTML book and the Typst PDF,
tables carry captions, and every figure carries its caption and alt text.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display


def show(text: str) -> None:
    """Display Markdown in the notebook (Quarto renders it as part of the page)."""
    display(Markdown(text))


def slug(text: str) -> str:
    """A cross-reference label part: lower case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cell(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def table(frame: pd.DataFrame, caption: str, label: str, align: str | None = None) -> str:
    """A pipe table with a caption and a `tbl-` label. align: one of l/r per column.

    Pandoc sizes wide pipe tables by the dashes under each header, so the dashes follow each
    column's longest entry: equal dashes give equal narrow columns and heavy hyphenation in the PDF.
    """
    headers = [str(c) for c in frame.columns]
    align = align or "l" * len(headers)
    cells = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [
        min(40, max([len(headers[i])] + [len(r[i]) for r in cells] + [3]))
        for i in range(len(headers))
    ]
    rule = [
        ("-" * (w - 1) + ":") if a == "r" else (":" + "-" * (w - 1))
        for w, a in zip(widths, align, strict=True)
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(lines) + f"\n\n: {caption} {{#tbl-{slug(label)}}}\n"


def figure(fig: plt.Figure, path: Path, caption: str, alt: str, label: str) -> str:
    """Save the figure as SVG and return Markdown for a captioned figure with alt text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="svg", bbox_inches="tight")
    plt.close(fig)
    safe_alt = alt.replace('"', "'").replace("\n", " ")
    safe_caption = caption.replace("[", "(").replace("]", ")")
    return f'![{safe_caption}]({path.as_posix()}){{#fig-{slug(label)} fig-alt="{safe_alt}"}}\n'
