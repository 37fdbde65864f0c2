"""The project's own variation and assurance icons, in the spirit of Making Data Count.

Each icon is a coloured circle with an arrow, a wave or a letter plus a few words, so it never
relies on colour alone. The same icon is available four ways: drawn on a matplotlib chart,
as a tiny standalone SVG for HTML tables, as a short text marker for PDF tables, and as a
plain-English sentence for tables and alt text.

Icon names follow NHSRplotthedots: variation/{common_cause, improvement_high, improvement_low,
concern_high, concern_low, neutral_high, neutral_low} and assurance/{pass, fail, inconsistent}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from helpers.analysis.signals import assurance_band
from helpers.charts.style import COLOURS, SMALL_FONT_SIZE, glyph_colour
from helpers.spc import icons as spc_icons
from helpers.spc.options import direction_code

if TYPE_CHECKING:  # drawing needs matplotlib; the icons' words and codes do not
    from matplotlib.axes import Axes
    from matplotlib.offsetbox import AnnotationBbox, OffsetBox

VARIATION_ICONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_ICONS = ("pass", "fail", "inconsistent")


@dataclass(frozen=True)
class IconSpec:
    """How one icon looks and reads."""

    kind: str  # "variation" or "assurance"
    name: str
    colour: str
    glyph: str  # "up", "down", "wave" or a letter
    short: str  # the words drawn under the icon
    text: str  # the text marker for PDF tables
    sentence: str  # the plain-English label


_SPECS: dict[str, IconSpec] = {
    spec.name: spec
    for spec in (
        IconSpec(
            "variation",
            "common_cause",
            COLOURS["common"],
            "wave",
            "No significant change",
            "● No significant change",
            "Common cause variation: no significant change; the latest value is within "
            "the normal range",
        ),
        IconSpec(
            "variation",
            "improvement_high",
            COLOURS["improvement"],
            "up",
            "Improvement (high)",
            "▲ Improvement",
            "Special cause - improvement: the latest value is unusually high, which is good",
        ),
        IconSpec(
            "variation",
            "improvement_low",
            COLOURS["improvement"],
            "down",
            "Improvement (low)",
            "▼ Improvement",
            "Special cause - improvement: the latest value is unusually low, which is good",
        ),
        IconSpec(
            "variation",
            "concern_high",
            COLOURS["concern"],
            "up",
            "Concern (high)",
            "▲ Concern",
            "Special cause - concern: the latest value is unusually high, which is not good",
        ),
        IconSpec(
            "variation",
            "concern_low",
            COLOURS["concern"],
            "down",
            "Concern (low)",
            "▼ Concern",
            "Special cause - concern: the latest value is unusually low, which is not good",
        ),
        IconSpec(
            "variation",
            "neutral_high",
            COLOURS["neutral"],
            "up",
            "Unusually high",
            "▲ Unusually high",
            "Special cause - neutral: the latest value is unusually high; for this measure "
            "neither higher nor lower is better",
        ),
        IconSpec(
            "variation",
            "neutral_low",
            COLOURS["neutral"],
            "down",
            "Unusually low",
            "▼ Unusually low",
            "Special cause - neutral: the latest value is unusually low; for this measure "
            "neither higher nor lower is better",
        ),
        IconSpec(
            "assurance",
            "pass",
            COLOURS["improvement"],
            "P",
            "Meets target",
            "P Meets target",
            "Assurance - consistently meeting the target: the target is outside the process "
            "limits on the good side, so it will be met every month unless the process changes",
        ),
        IconSpec(
            "assurance",
            "fail",
            COLOURS["concern"],
            "F",
            "Misses target",
            "F Misses target",
            "Assurance - consistently missing the target: the target is outside the process "
            "limits on the wrong side, so it will not be met unless the process changes",
        ),
        IconSpec(
            "assurance",
            "inconsistent",
            COLOURS["common"],
            "?",
            "Hit and miss",
            "? Hit and miss",
            "Assurance - hit and miss: the target is within the process limits, so it will be "
            "met in some months and missed in others",
        ),
    )
}


def icon_spec(icon: str) -> IconSpec:
    """Look an icon up by "variation/concern_high", "concern_high" or "...concern_high.svg"."""
    name = str(icon).strip().removesuffix(".svg").rsplit("/", 1)[-1]
    if name not in _SPECS:
        raise ValueError(f"Unknown icon {icon!r}; expected one of {sorted(_SPECS)}")
    kind = str(icon).rsplit("/", 1)[0] if "/" in str(icon) else None
    spec = _SPECS[name]
    if kind is not None and kind != spec.kind:
        raise ValueError(f"Icon {icon!r}: {name!r} is a {spec.kind} icon, not {kind}")
    return spec


def icon_label(icon: str) -> str:
    """The plain-English words for an icon, for tables and alt text."""
    return icon_spec(icon).sentence


def icon_short_label(icon: str) -> str:
    """The few words drawn under the icon on a chart, e.g. "Concern (low)"."""
    return icon_spec(icon).short


def icon_text(icon: str) -> str:
    """A short text marker for PDF tables, e.g. "▲ Improvement"."""
    return icon_spec(icon).text


# --- working the icons out from the points ---------------------------------------------


def _latest(points: pd.DataFrame) -> pd.Series:
    """The latest point that has a value and a real point type (not "missing")."""
    frame = points.copy()
    frame["_date"] = pd.to_datetime(frame["date"])
    observed = frame["value"].notna() & frame["point_type"].notna()
    observed &= frame["point_type"] != spc_icons.MISSING
    frame = frame[observed].sort_values("_date", kind="stable")
    if frame.empty:
        raise ValueError("No points with a value: cannot work out the icons")
    return frame.iloc[-1]


def _bare(path: str) -> str:
    """'variation/common_cause.svg' -> 'variation/common_cause'."""
    return path.removesuffix(".svg")


def variation_icon(points: pd.DataFrame, improvement_direction: str) -> str:
    """The variation icon (e.g. "variation/concern_high") from the latest observed point.

    Delegates to the SPC engine's rule (helpers.spc.icons) so charts and tables always agree.
    """
    point_type = str(_latest(points)["point_type"])
    return _bare(spc_icons.variation_icon(point_type, direction_code(improvement_direction)))


def current_target(points: pd.DataFrame, fallback: float | None = None) -> float | None:
    """The target at the latest point (the points' target column), else ``fallback``."""
    if "target" in points.columns:
        frame = points.assign(_date=pd.to_datetime(points["date"])).sort_values("_date")
        targets = pd.to_numeric(frame["target"], errors="coerce").dropna()
        if not targets.empty:
            return float(targets.iloc[-1])
    if fallback is None or (isinstance(fallback, float) and math.isnan(fallback)):
        return None
    return float(fallback)


def assurance_icon(
    points: pd.DataFrame, improvement_direction: str, target: float | None = None
) -> str | None:
    """Whether the current process will meet the target: "assurance/pass", "fail" or "inconsistent".

    Compares the target with the latest point's process limits (the engine's rule, in
    helpers.spc.icons); None without a target, for a neutral measure, or while the latest
    process has no limits yet.
    """
    target = current_target(points, target)
    frame = points.assign(_date=pd.to_datetime(points["date"])).sort_values("_date", kind="stable")
    if target is None or frame.empty:
        return None
    last = frame.iloc[-1]
    low, high = assurance_band(last)
    kind = spc_icons.assurance_when_limits(target, low, high, direction_code(improvement_direction))
    return None if kind is None else _bare(spc_icons.assurance_icon(kind))


# --- drawing ------------------------------------------------------------------------------

# The arrow as a polygon in a unit square (tip at the top), flipped for "down".
_ARROW_UP = [
    (0.50, 0.84),
    (0.78, 0.52),
    (0.60, 0.52),
    (0.60, 0.18),
    (0.40, 0.18),
    (0.40, 0.52),
    (0.22, 0.52),
]


def _arrow_points(glyph: str) -> list[tuple[float, float]]:
    return _ARROW_UP if glyph == "up" else [(x, 1 - y) for x, y in _ARROW_UP]


def _wave_points(n: int = 25) -> list[tuple[float, float]]:
    return [
        (0.2 + 0.6 * i / (n - 1), 0.5 + 0.12 * math.sin(2 * math.pi * 1.5 * i / (n - 1)))
        for i in range(n)
    ]


def icon_box(icon: str, size: float = 18.0, label: bool = True) -> OffsetBox:
    """The icon as a matplotlib OffsetBox ``size`` points across, with its words beneath."""
    from matplotlib.lines import Line2D
    from matplotlib.offsetbox import DrawingArea, TextArea, VPacker
    from matplotlib.patches import Circle, Polygon
    from matplotlib.text import Text

    spec = icon_spec(icon)
    area = DrawingArea(size, size, 0, 0)
    area.add_artist(
        Circle((size / 2, size / 2), size / 2 - 0.5, facecolor=spec.colour, edgecolor="none")
    )
    ink = glyph_colour(spec.colour)
    if spec.glyph in ("up", "down"):
        area.add_artist(
            Polygon(
                [(x * size, y * size) for x, y in _arrow_points(spec.glyph)],
                closed=True,
                facecolor=ink,
                edgecolor="none",
            )
        )
    elif spec.glyph == "wave":
        xs, ys = zip(*_wave_points(), strict=True)
        area.add_artist(
            Line2D(
                [x * size for x in xs],
                [y * size for y in ys],
                color=ink,
                linewidth=max(size / 10, 1.0),
                solid_capstyle="round",
            )
        )
    else:
        area.add_artist(
            Text(
                size / 2,
                size / 2 - size * 0.03,
                spec.glyph,
                ha="center",
                va="center",
                fontsize=size * 0.6,
                fontweight="bold",
                color=ink,
            )
        )
    if not label:
        return area
    words = TextArea(
        spec.short, textprops={"fontsize": SMALL_FONT_SIZE - 1, "color": COLOURS["text"]}
    )
    return VPacker(children=[area, words], align="center", pad=0, sep=1.5)


def _draw(
    ax: Axes,
    icon: str,
    kind: str,
    xy: tuple[float, float],
    size: float,
    label: bool,
    xycoords: str | object,
    box_alignment: tuple[float, float],
) -> AnnotationBbox:
    from matplotlib.offsetbox import AnnotationBbox

    if icon_spec(icon).kind != kind:
        raise ValueError(f"{icon!r} is not a {kind} icon")
    if xycoords == "axes fraction":
        xycoords = ax.transAxes
    artist = AnnotationBbox(
        icon_box(icon, size, label),
        xy,
        xycoords=xycoords,
        frameon=False,
        box_alignment=box_alignment,
        annotation_clip=False,
        pad=0,
    )
    artist.set_gid(f"{kind}-icon-{icon_spec(icon).name}")
    ax.add_artist(artist)
    return artist


def draw_variation_icon(
    ax: Axes,
    icon: str,
    xy: tuple[float, float] = (1.0, 1.0),
    size: float = 18.0,
    label: bool = True,
    xycoords: str | object = "axes fraction",
    box_alignment: tuple[float, float] = (1.0, 0.0),
) -> AnnotationBbox:
    """Draw a variation icon at ``xy`` (axes fraction by default); ``size`` is in points."""
    return _draw(ax, icon, "variation", xy, size, label, xycoords, box_alignment)


def draw_assurance_icon(
    ax: Axes,
    icon: str,
    xy: tuple[float, float] = (1.0, 1.0),
    size: float = 18.0,
    label: bool = True,
    xycoords: str | object = "axes fraction",
    box_alignment: tuple[float, float] = (1.0, 0.0),
) -> AnnotationBbox:
    """Draw an assurance icon at ``xy`` (axes fraction by default); ``size`` is in points."""
    return _draw(ax, icon, "assurance", xy, size, label, xycoords, box_alignment)


# --- SVG for HTML tables ------------------------------------------------------------------


def icon_svg(icon: str, size: int = 24) -> str:
    """A tiny standalone SVG of the icon with a <title>, for embedding in HTML tables."""
    spec = icon_spec(icon)
    ink = glyph_colour(spec.colour)
    if spec.glyph in ("up", "down"):
        pts = " ".join(f"{x * 24:.1f},{(1 - y) * 24:.1f}" for x, y in _arrow_points(spec.glyph))
        glyph = f'<polygon points="{pts}" fill="{ink}"/>'
    elif spec.glyph == "wave":
        pts = " ".join(f"{x * 24:.1f},{(1 - y) * 24:.1f}" for x, y in _wave_points(13))
        glyph = (
            f'<polyline points="{pts}" fill="none" stroke="{ink}" stroke-width="2.2" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )
    else:
        glyph = (
            f'<text x="12" y="16.5" text-anchor="middle" font-family="Arial, Helvetica, '
            f'sans-serif" font-size="14" font-weight="bold" fill="{ink}">'
            f"{escape(spec.glyph)}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 24 24" role="img" aria-label="{escape(spec.sentence)}" '
        f'focusable="false"><title>{escape(spec.sentence)}</title>'
        f'<circle cx="12" cy="12" r="11.5" fill="{spec.colour}"/>{glyph}</svg>'
    )
