"""One measure's SPC chart in the Making Data Count style, sized for an A4 page.

Value line with markers; centre line and process limits drawn separately for each process
(a dotted line marks each process change); the target where set; points marked by type with
both colour and shape; the variation and assurance icons top right; the latest value labelled.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.offsetbox import AnnotationBbox, HPacker
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from helpers.charts import icons
from helpers.charts.points import latest_valid, prepare, process_changes
from helpers.charts.style import (
    CM,
    COLOURS,
    DASHES,
    DPI,
    FIGSIZE,
    FONT_SIZE,
    LINE_WIDTHS,
    MARKER_SIZE,
    POINT_STYLES,
    SMALL_FONT_SIZE,
    TITLE_SIZE,
    chart_style,
)
from helpers.formatting import (
    MeasureLike,
    axis_label,
    format_value,
    is_daily,
    tick_formatter,
)

_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]
ICON_SIZE = 17.0  # points across
LEGEND_COLUMNS = 4
LEGEND_GAP = 20.0  # points from the bottom of the axes to the legend (clears the months)


class ChartFigure(Figure):
    """A figure outside pyplot that still shows itself in Jupyter (as PNG) when returned.

    Not registering with pyplot means nothing to close and no duplicate inline image; the
    _repr_png_ hook lets a notebook cell that ends with spc_chart(...) show the chart.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        return buffer.getvalue()


def new_figure(height_cm: float = 8.0) -> tuple[Figure, Axes]:
    """A chart of one's own, 16 cm wide like the pack's charts: a figure and its axes.

    Draw inside `chart_style()` (fonts, sizes, colours). The figure is outside pyplot, so a
    notebook never shows it a second time as an image Quarto would put in the pack.
    """
    fig = ChartFigure(figsize=(FIGSIZE[0], height_cm * CM), layout="constrained")
    return fig, fig.add_subplot()


def sentence_case(text: str) -> str:
    """Capitalise the first letter only, leaving acronyms and names as written."""
    text = text.strip()
    return text[:1].upper() + text[1:]


def _plot_limits(ax: Axes, frame: pd.DataFrame) -> None:
    """Centre line and process limits, one set per process so each change shows as a break."""
    for i, (_, group) in enumerate(frame.groupby("rebase_group", sort=False)):
        dates = group["date"]
        first = i == 0
        ax.plot(
            dates,
            group["mean"],
            color=COLOURS["mean"],
            lw=LINE_WIDTHS["mean"],
            zorder=2,
            label="Centre line (mean)" if first else "_nolegend_",
            gid="mean",
        )
        for column in ("lpl", "upl"):
            ax.plot(
                dates,
                group[column],
                color=COLOURS["limits"],
                lw=LINE_WIDTHS["limits"],
                linestyle=DASHES["limits"],
                zorder=2,
                gid=column,
                label="Process limits" if first and column == "upl" else "_nolegend_",
            )


def _target_label(series: pd.Series, measure: MeasureLike) -> str:
    """ "Target (75.0%)" in the legend, so the line is labelled without crowding the plot."""
    values = series.dropna().unique()
    return f"Target ({format_value(values[0], measure)})" if len(values) == 1 else "Target"


def _plot_target(ax: Axes, frame: pd.DataFrame, target: float | None, measure: MeasureLike) -> bool:
    """The target line (dash-dot, labelled); False when there is no target."""
    series = frame["target"]
    if series.isna().all():
        if target is None:
            return False
        series = pd.Series(target, index=frame.index)
    ax.plot(
        frame["date"],
        series,
        color=COLOURS["target"],
        lw=LINE_WIDTHS["target"],
        linestyle=DASHES["target"],
        zorder=2,
        label=_target_label(series, measure),
        gid="target",
    )
    return True


def _plot_points(ax: Axes, frame: pd.DataFrame) -> None:
    """Markers by point type: colour and shape both differ; no marker where a value is missing."""
    valid = frame[frame["value"].notna()]
    for point_type, (colour, marker, label) in POINT_STYLES.items():
        subset = valid[valid["point_type"] == point_type]
        if subset.empty:
            continue
        size = MARKER_SIZE["common_cause" if point_type == "common_cause" else "special"]
        ax.scatter(
            subset["date"],
            subset["value"],
            s=size,
            marker=marker,
            color=colour,
            edgecolors="white",
            linewidths=0.5,
            zorder=3,
            label=label,
            gid=point_type,
        )


def _mark_process_changes(ax: Axes, frame: pd.DataFrame) -> None:
    """A dotted vertical line and "Process change" where the limits were recalculated."""
    for start in process_changes(frame):
        before = frame.loc[frame["date"] < start, "date"].max()
        x = before + (start - before) / 2
        ax.axvline(
            x,
            color=COLOURS["rebase"],
            lw=LINE_WIDTHS["rebase"],
            linestyle=DASHES["rebase"],
            zorder=1,
            gid="process_change",
        )
        ax.annotate(
            "Process change",
            (x, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=SMALL_FONT_SIZE,
            color=COLOURS["text"],
            path_effects=_HALO,
            zorder=4,
        )


def _label_latest(ax: Axes, frame: pd.DataFrame, measure: MeasureLike) -> None:
    """The latest value written beside its point."""
    latest = latest_valid(frame)
    ax.annotate(
        format_value(latest["value"], measure),
        (latest["date"], latest["value"]),
        xytext=(5, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=FONT_SIZE,
        fontweight="bold",
        color=COLOURS["text"],
        path_effects=_HALO,
        zorder=5,
        gid="latest_label",
    )


def _y_limits(
    frame: pd.DataFrame, target: float | None, measure: MeasureLike
) -> tuple[float, float]:
    values = [frame[c].to_numpy(dtype=float) for c in ("value", "mean", "lpl", "upl", "target")]
    if target is not None:
        values.append(np.array([target]))
    everything = np.concatenate(values)
    everything = everything[np.isfinite(everything)]
    lo, hi = float(everything.min()), float(everything.max())
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    headroom = pad * 1.5 if frame["rebase_group"].nunique() > 1 else 0.0  # "Process change"
    lo, hi = lo - pad, hi + pad + headroom
    nonnegative = measure.unit in ("percent", "count", "rate_per_10k", "days")
    if nonnegative and frame["value"].min(skipna=True) >= 0:
        lo = max(lo, 0.0)
    if measure.unit == "percent" and frame["value"].max(skipna=True) <= 100:
        hi = min(hi, 100.0 + pad / 2)
    return lo, hi


def _format_y(ax: Axes, frame: pd.DataFrame, target: float | None, measure: MeasureLike) -> None:
    lo, hi = _y_limits(frame, target, measure)
    locator = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10])
    ticks = locator.tick_values(lo, hi)
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(locator)
    ax.yaxis.set_major_formatter(FuncFormatter(tick_formatter(measure, list(ticks))))


def _format_x(ax: Axes, frame: pd.DataFrame, daily: bool) -> None:
    first, last = frame["date"].min(), frame["date"].max()
    span = last - first
    # room on the right for the latest value's label
    ax.set_xlim(
        first - span * 0.02 - pd.Timedelta(days=1), last + span * 0.09 + pd.Timedelta(days=1)
    )
    if daily:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
        return
    # ticks counted back from the latest month, so the month members look for is labelled
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    interval = next((n for n in (1, 2, 3, 6, 12, 24, 36, 60) if months / n <= 7), 120)
    latest_month = last.to_period("M")
    ticks = [
        (latest_month - k * interval).to_timestamp() for k in range((months - 1) // interval + 1)
    ]
    ax.set_xticks(sorted(ticks))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))


def _row_major(items: list, ncols: int) -> list:
    """Reorder so matplotlib's column-by-column legend reads left to right, row by row."""
    ncols = min(ncols, len(items))
    if ncols == 0:
        return items
    rows = -(-len(items) // ncols)
    grid = [items[r * ncols : (r + 1) * ncols] for r in range(rows)]
    return [row[c] for c in range(ncols) for row in grid if c < len(row)]


def _legend(ax: Axes) -> Legend:
    """Below the axes, clear of the month labels: names every type of point and line shown."""
    handles, labels = ax.get_legend_handles_labels()
    order = [lab for _, _, lab in POINT_STYLES.values()] + ["Centre line (mean)", "Process limits"]
    pairs = sorted(
        zip(handles, labels, strict=True),
        key=lambda hl: order.index(hl[1]) if hl[1] in order else len(order),
    )
    pairs = _row_major(pairs, LEGEND_COLUMNS)
    legend = ax.legend(
        [h for h, _ in pairs],
        [lab for _, lab in pairs],
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=ax.transAxes
        + ScaledTranslation(0, -LEGEND_GAP / 72, ax.get_figure().dpi_scale_trans),
        ncols=min(len(pairs), LEGEND_COLUMNS),
        frameon=False,
        fontsize=SMALL_FONT_SIZE,
        handlelength=2.4,
        columnspacing=1.2,
        handletextpad=0.5,
        borderaxespad=0,
        borderpad=0,
    )
    legend.set_gid("legend")
    return legend


def spc_chart(
    points: pd.DataFrame, measure: MeasureLike, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """Draw one measure's SPC chart and return its figure.

    ``points`` are the engine's points for one series (helpers.spc.ptd_spc(...).points, one
    facet). With ``ax`` the chart is drawn into the caller's axes (and nothing is resized or
    closed); without, a new 16 x 8 cm figure not registered with pyplot is made, so callers
    need not close it.
    """
    frame = prepare(points)
    daily = is_daily(frame["date"])
    direction = measure.improvement_direction
    target = icons.current_target(frame, measure.target)
    with chart_style():
        own = ax is None
        if ax is None:
            fig = ChartFigure(figsize=FIGSIZE, layout="none")
            ax = fig.add_subplot()
        else:
            fig = ax.get_figure()
        ax.plot(
            frame["date"],
            frame["value"],
            color=COLOURS["line"],
            lw=LINE_WIDTHS["value"],
            zorder=2.5,
            gid="value",
            label="_nolegend_",
        )
        _plot_limits(ax, frame)
        has_target = _plot_target(ax, frame, target, measure)
        _plot_points(ax, frame)
        _mark_process_changes(ax, frame)
        _label_latest(ax, frame, measure)
        _format_y(ax, frame, target if has_target else None, measure)
        _format_x(ax, frame, daily)
        ax.grid(axis="x", visible=False)
        ax.tick_params(axis="y", length=0, pad=2)
        ax.tick_params(axis="x", pad=2)

        unit_words = axis_label(measure)
        if unit_words:
            ax.annotate(
                unit_words,
                (0, 1),
                xycoords="axes fraction",
                xytext=(0, 5),
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontsize=SMALL_FONT_SIZE,
                color=COLOURS["text"],
            )

        boxes = [icons.icon_box(icons.variation_icon(frame, direction), ICON_SIZE)]
        assurance = icons.assurance_icon(frame, direction, target)
        if assurance is not None:
            boxes.append(icons.icon_box(assurance, ICON_SIZE))
        icon_artist = AnnotationBbox(
            HPacker(children=boxes, align="top", pad=0, sep=8),
            (1, 1),
            xycoords="axes fraction",
            xybox=(0, 5),
            boxcoords="offset points",
            box_alignment=(1, 0),
            frameon=False,
            annotation_clip=False,
            pad=0,
        )
        icon_artist.set_gid("icons")
        ax.add_artist(icon_artist)

        heading = sentence_case(title if title is not None else measure.title)
        width_chars = 46 if assurance is not None else 58
        lines = textwrap.wrap(heading, width_chars) or [""]
        ax.set_title(
            "\n".join(lines),
            loc="left",
            fontsize=TITLE_SIZE,
            fontweight="bold",
            pad=17 if unit_words else 8,
            color=COLOURS["text"],
        )
        legend = _legend(ax)
        if own:
            height_pt = FIGSIZE[1] * 72
            title_pt = len(lines) * TITLE_SIZE * 1.25 + (17 if unit_words else 8) + 6
            top = 1 - max(title_pt, ICON_SIZE + 20) / height_pt
            rows = -(-len(legend.get_texts()) // LEGEND_COLUMNS)
            bottom = (LEGEND_GAP + rows * SMALL_FONT_SIZE * 1.6 + 4) / height_pt
            fig.subplots_adjust(left=_left_margin(ax), right=0.97, top=top, bottom=bottom)
    return fig


def _left_margin(ax: Axes) -> float:
    """Room for the widest y tick label (as a fraction of the figure width)."""
    formatter = ax.yaxis.get_major_formatter()
    ticks = ax.yaxis.get_major_locator().tick_values(*ax.get_ylim())
    widest = max((len(formatter(t, None)) for t in ticks), default=3)
    width_pt = FIGSIZE[0] * 72
    return min(0.2, (widest * FONT_SIZE * 0.62 + 8) / width_pt)


#: How far (inches; half a point) a chart may reach past its canvas before it is re-saved.
_OVERHANG = 0.5 / 72


def save_svg(fig: Figure, path: Path, fixed_canvas: bool = False) -> None:
    """Write a chart as the pack's SVG (text kept as text) and close it.

    By default the SVG is cut to a tight bounding box. spc_chart's figures leave room for the
    title, icons, labels and legend themselves, so with `fixed_canvas` they are saved on their
    own canvas: one drawing, where a tight bounding box draws everything twice (about 0.1 s a
    chart, 47 charts a month). Should anything still reach past the canvas (a very long
    label), the chart is saved again with a tight bounding box, so nothing is ever cut off.
    """
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    if not fixed_canvas:
        fig.savefig(path, format="svg", bbox_inches="tight")
        plt.close(fig)
        return
    fig.savefig(path, format="svg")
    box = fig.get_tightbbox()
    width, height = fig.get_size_inches()
    if (
        box.x0 < -_OVERHANG
        or box.y0 < -_OVERHANG
        or box.x1 > width + _OVERHANG
        or box.y1 > height + _OVERHANG
    ):
        fig.savefig(path, format="svg", bbox_inches="tight")
    plt.close(fig)
