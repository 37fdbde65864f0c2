"""The one place for chart colours, marker shapes, fonts and sizes.

Built on afcharts (the UK Government Analysis Function's accessible palette and matplotlib
style) layered over seaborn's plain "ticks" look, then sized for an A4 page: a chart is about
16 x 8 cm with 9 pt text. Every point type differs in marker shape as well as colour, so the
charts never rely on colour alone. Colours are checked for at least 3:1 contrast with white
(WCAG 2.2 non-text contrast) in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from afcharts.af_colours import get_af_colours

# matplotlib, seaborn and afcharts' style are imported where a chart is drawn, not here: the
# chapters' words (alt text, captions, icon labels) use these colours and names without them.

_AF = get_af_colours("categorical")  # dark blue, turquoise, dark pink, orange, dark grey, purple
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, PURPLE = _AF

#: Named colours used across the charts and icons.
COLOURS: dict[str, str] = {
    "text": "#0B0C0C",
    "line": DARK_GREY,  # the value line
    "common": "#707070",  # common cause points: mid grey, 4.9:1 on white
    "improvement": DARK_BLUE,
    "concern": ORANGE,
    "neutral": PURPLE,
    "mean": "#0B0C0C",
    "limits": "#505050",
    "target": TURQUOISE,
    "rebase": "#505050",
    "grid": "#D6D6D6",
}

#: Point type -> (colour, marker, legend label). Shapes differ as well as colours.
POINT_STYLES: dict[str, tuple[str, str, str]] = {
    "common_cause": (COLOURS["common"], "o", "Common cause"),
    "special_cause_improvement": (COLOURS["improvement"], "s", "Improvement"),
    "special_cause_concern": (COLOURS["concern"], "D", "Concern"),
    "special_cause_neutral_high": (COLOURS["neutral"], "^", "Unusually high"),
    "special_cause_neutral_low": (COLOURS["neutral"], "v", "Unusually low"),
}

#: Marker area (points^2) for ordinary and special cause points.
MARKER_SIZE = {"common_cause": 14.0, "special": 30.0}

CM = 1 / 2.54
FIGSIZE = (16 * CM, 8 * CM)
FONT_SIZE = 9.0
SMALL_FONT_SIZE = 8.0
TITLE_SIZE = 10.0
DPI = 150

LINE_WIDTHS = {"value": 1.2, "mean": 1.1, "limits": 0.9, "target": 1.2, "rebase": 0.9}
DASHES = {"limits": (0, (4, 2.5)), "target": (0, (7, 2, 1.5, 2)), "rebase": (0, (1, 2))}


@lru_cache(maxsize=1)
def _afcharts_rc() -> dict[str, Any]:
    """The afcharts matplotlib style file as an rc dict (read once)."""
    import afcharts
    import matplotlib as mpl

    style_file = Path(afcharts.__file__).with_name("afcharts.mplstyle")
    return dict(mpl.rc_params_from_file(str(style_file), use_default_template=False))


@lru_cache(maxsize=1)
def rc_params() -> dict[str, Any]:
    """seaborn "ticks" under afcharts, resized for A4 and 9 pt text."""
    import seaborn as sns

    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("ticks"))
    rc.update(_afcharts_rc())
    rc.update(
        {
            "font.size": FONT_SIZE,
            "axes.titlesize": TITLE_SIZE,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": FONT_SIZE,
            "xtick.labelsize": FONT_SIZE,
            "ytick.labelsize": FONT_SIZE,
            "legend.fontsize": SMALL_FONT_SIZE,
            "text.color": COLOURS["text"],
            "axes.labelcolor": COLOURS["text"],
            "xtick.labelcolor": COLOURS["text"],
            "ytick.labelcolor": COLOURS["text"],
            "grid.color": COLOURS["grid"],
            "grid.linewidth": 0.5,
            "lines.linewidth": LINE_WIDTHS["value"],
            "xtick.major.size": 3.0,
            "ytick.major.size": 0.0,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "svg.fonttype": "none",
        }
    )
    return rc


@contextmanager
def chart_style() -> Iterator[None]:
    """Apply the project's chart style without changing the caller's global settings."""
    import matplotlib as mpl

    with mpl.rc_context(rc_params()):
        yield


def _rgb(colour: str) -> tuple[float, float, float]:
    """'#RRGGBB' (or 'RRGGBB') as three 0-1 channels."""
    hex_digits = colour.lstrip("#")
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", hex_digits):
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    r, g, b = (int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def contrast_ratio(colour_a: str, colour_b: str = "#FFFFFF") -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""

    def luminance(colour: str) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in _rgb(colour))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def glyph_colour(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (for icon letters)."""
    white, black = (
        contrast_ratio(background, "#FFFFFF"),
        contrast_ratio(background, COLOURS["text"]),
    )
    return "#FFFFFF" if white >= black else COLOURS["text"]
