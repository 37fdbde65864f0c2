"""Charts for members: SPC charts, icons, alt text, captions and the numbers as a table.

Everything a chapter needs to show one measure accessibly: the chart (colour and shape),
words that describe it (alt text, caption) and its numbers as a table. `save_svg` writes a
chart the way every chapter file of the pack is written.
"""

from helpers.charts.alt_text import alt_text, caption, chart_table
from helpers.charts.icons import (
    assurance_icon,
    draw_assurance_icon,
    draw_variation_icon,
    icon_label,
    icon_svg,
    icon_text,
    variation_icon,
)
from helpers.charts.style import COLOURS, chart_style


def __getattr__(name: str):
    """spc_chart, save_svg and new_figure on first use (helpers.charts.drawing imports
    matplotlib; the words above do not)."""
    if name in ("spc_chart", "save_svg", "new_figure"):
        from helpers.charts import drawing

        globals()[name] = getattr(drawing, name)
        return globals()[name]
    raise AttributeError(f"module 'helpers.charts' has no attribute {name!r}")


__all__ = [
    "COLOURS",
    "alt_text",
    "assurance_icon",
    "caption",
    "chart_style",
    "chart_table",
    "draw_assurance_icon",
    "draw_variation_icon",
    "icon_label",
    "icon_svg",
    "icon_text",
    "new_figure",
    "save_svg",
    "spc_chart",
    "variation_icon",
]
