"""helpers.charts: SPC charts, icons, alt text, captions and tables.

Inputs are NHSRplotthedots points copied into tests/data/charts (see its README); the expected
icons come from the same reference run, so verdicts are checked against independent answers.
"""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from helpers.charts import (
    alt_text,
    assurance_icon,
    caption,
    chart_table,
    draw_assurance_icon,
    draw_variation_icon,
    icon_label,
    icon_svg,
    icon_text,
    spc_chart,
    variation_icon,
)
from helpers.charts.icons import ASSURANCE_ICONS, VARIATION_ICONS
from helpers.charts.style import POINT_STYLES, contrast_ratio
from helpers.formatting import format_value, tick_decimals
from helpers.inputs.catalogue import Measure

DATA = Path(__file__).resolve().parents[1] / "data" / "charts"
ALL_ICONS = [f"variation/{n}" for n in VARIATION_ICONS] + [
    f"assurance/{n}" for n in ASSURANCE_ICONS
]

# case -> (improvement direction, target), as in each case's params.json
CASES = {
    "vignette_rrk_rebase_decrease": ("decrease", None),
    "readme_rqm_target1200_decrease": ("decrease", 1200.0),
    "pkg_icons_s9_shift_down_neutral": ("neutral", 3.0),
    "pkg_icons_s5_shift_up_increase": ("increase", -3.0),
}


def make_measure(
    unit: str = "count",
    direction: str = "decrease",
    target: float | None = None,
    decimals: int = 0,
    title: str = "Re-referrals within 12 months",
) -> Measure:
    return Measure(
        id="test",
        title=title,
        short_title="Re-referrals",
        theme="front_door",
        scorecard="social_care",
        unit=unit,
        improvement_direction=direction,
        description="test measure",
        target=target,
        decimals=decimals,
    )


def load(case: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{case}_points.csv")


def expected_icons(case: str) -> dict[str, str]:
    icons = pd.read_csv(DATA / f"{case}_icons.csv")
    return {row.type: row.icon.removesuffix(".svg") for row in icons.itertuples()}


def case_measure(case: str, unit: str = "count", decimals: int = 0) -> Measure:
    direction, target = CASES[case]
    return make_measure(unit=unit, direction=direction, target=target, decimals=decimals)


def with_missing(points: pd.DataFrame, index: int) -> pd.DataFrame:
    """A point with no value, marked as the SPC engine marks it."""
    points = points.copy()
    points.loc[index, ["value", "point_type", "special_cause_type"]] = [
        np.nan,
        "missing",
        "Missing",
    ]
    return points


def artists(fig: Figure, gid: str) -> list:
    ax = fig.axes[0]
    return [a for a in [*ax.lines, *ax.collections, *ax.texts, *ax.artists] if a.get_gid() == gid]


def render_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# --- charts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_chart_renders_for_each_direction(case: str) -> None:
    points = load(case)
    fig = spc_chart(points, case_measure(case, unit="score", decimals=1))
    assert isinstance(fig, Figure)
    assert render_png(fig).startswith(b"\x89PNG")
    # the value line carries every point in date order
    (value_line,) = artists(fig, "value")
    assert np.allclose(value_line.get_ydata(), points["value"].to_numpy())
    # a target line exactly where the case has a target
    target_lines = artists(fig, "target")
    assert len(target_lines) == (1 if CASES[case][1] is not None else 0)
    if target_lines:
        assert set(np.asarray(target_lines[0].get_ydata(), float)) == {CASES[case][1]}


def test_rebase_draws_limits_per_process_and_marks_the_change() -> None:
    points = load("vignette_rrk_rebase_decrease")
    fig = spc_chart(points, case_measure("vignette_rrk_rebase_decrease"))
    means = artists(fig, "mean")
    assert sorted(round(float(line.get_ydata()[0]), 2) for line in means) == [1702.56, 8646.56]
    assert len(artists(fig, "upl")) == len(artists(fig, "lpl")) == 2
    (change,) = artists(fig, "process_change")
    x = pd.Timestamp(change.get_xdata()[0])
    assert pd.Timestamp("2018-06-01") < x < pd.Timestamp("2018-07-01")
    assert any(t.get_text() == "Process change" for t in fig.axes[0].texts)


def test_latest_point_labelled_with_its_value() -> None:
    points = load("vignette_rrk_rebase_decrease")
    fig = spc_chart(points, case_measure("vignette_rrk_rebase_decrease"))
    (label,) = artists(fig, "latest_label")
    assert label.get_text() == "10,670"  # the last value in the CSV, with a thousands separator


def test_missing_value_leaves_a_gap_and_no_marker() -> None:
    points = with_missing(load("readme_rqm_target1200_decrease"), 5)
    fig = spc_chart(points, case_measure("readme_rqm_target1200_decrease"))
    render_png(fig)
    (value_line,) = artists(fig, "value")
    assert np.isnan(value_line.get_ydata()[5])
    markers = [c for c in fig.axes[0].collections if c.get_gid() in POINT_STYLES]
    assert sum(len(c.get_offsets()) for c in markers) == len(points) - 1


def test_point_types_differ_in_shape_and_colour() -> None:
    shapes, colours = {}, {}
    for case in ("vignette_rrk_rebase_decrease", "pkg_icons_s9_shift_down_neutral"):
        fig = spc_chart(load(case), case_measure(case, unit="score", decimals=1))
        for collection in fig.axes[0].collections:
            if isinstance(collection, PathCollection) and collection.get_gid() in POINT_STYLES:
                path = collection.get_paths()[0]
                shapes[collection.get_gid()] = np.round(path.vertices, 3).tobytes()
                colours[collection.get_gid()] = tuple(np.round(collection.get_facecolor()[0], 3))
    assert set(shapes) == {
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neutral_high",
        "special_cause_neutral_low",
    }
    for a, b in itertools.combinations(shapes, 2):
        assert shapes[a] != shapes[b], f"{a} and {b} share a marker shape"
    # improvement, concern and neutral differ in colour too (neutral high/low share purple)
    kinds = (
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neutral_high",
    )
    assert len({colours[k] for k in kinds}) == 4


def test_legend_names_the_point_types_shown() -> None:
    fig = spc_chart(
        load("vignette_rrk_rebase_decrease"), case_measure("vignette_rrk_rebase_decrease")
    )
    render_png(fig)
    texts = fig.axes[0].get_legend().get_texts()
    # reading order: top row first, then left to right
    by_position = sorted(
        texts, key=lambda t: (-round(t.get_window_extent().y0), t.get_window_extent().x0)
    )
    labels = [t.get_text() for t in by_position]
    assert labels == [
        "Common cause",
        "Improvement",
        "Concern",
        "Centre line (mean)",
        "Process limits",
    ]
    assert "Process limits" in labels and not any(lab.startswith("Target") for lab in labels)


def test_target_named_with_its_value_in_the_legend() -> None:
    case = "readme_rqm_target1200_decrease"
    fig = spc_chart(load(case), case_measure(case))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Target (1,200)" in labels


def test_point_colours_have_non_text_contrast() -> None:
    for colour, _, _ in POINT_STYLES.values():
        assert contrast_ratio(colour) >= 3.0, colour  # WCAG 2.2 1.4.11 against white


def test_chart_shows_itself_in_notebooks() -> None:
    # not registered with pyplot (nothing to close), yet a notebook cell ending in it shows a PNG
    fig = spc_chart(
        load("readme_rqm_target1200_decrease"), case_measure("readme_rqm_target1200_decrease")
    )
    assert fig._repr_png_().startswith(b"\x89PNG")
    import matplotlib.pyplot as plt

    assert fig not in map(plt.figure, plt.get_fignums())


def test_chart_draws_into_the_callers_axes() -> None:
    fig = Figure(figsize=(8, 4))
    ax = fig.add_subplot()
    returned = spc_chart(
        load("readme_rqm_target1200_decrease"),
        case_measure("readme_rqm_target1200_decrease"),
        ax=ax,
        title="my title",
    )
    assert returned is fig
    assert tuple(fig.get_size_inches()) == (8, 4)
    assert ax.get_title(loc="left") == "My title"


def test_percent_axis_and_month_labels() -> None:
    points = load("readme_rqm_target1200_decrease")
    points["value"] = points["value"] / 50  # 20-60, read as percentages
    for column in ("mean", "lpl", "upl", "target"):
        points[column] = points[column] / 50
    fig = spc_chart(points, make_measure(unit="percent", target=24.0, decimals=1))
    render_png(fig)
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all(t.endswith("%") for t in ticks)
    months = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert months and all(pd.to_datetime(m, format="%b %Y") is not pd.NaT for m in months)


def test_several_facets_rejected() -> None:
    points = load("readme_rqm_target1200_decrease")
    points.loc[:5, "facet"] = "other"
    with pytest.raises(ValueError, match="facets"):
        spc_chart(points, case_measure("readme_rqm_target1200_decrease"))


def test_chart_from_the_spc_engine_with_a_gap() -> None:
    from helpers.spc import ptd_spc

    dates = pd.date_range("2021-04-01", periods=30, freq="MS")
    values = 60 + 3 * np.sin(np.arange(30))
    values[-1] = 80.0  # far above the limits: special cause improvement for an increase measure
    data = pd.DataFrame({"date": dates, "value": values})
    data.loc[10, "value"] = np.nan
    points = ptd_spc(data, "value", "date", improvement_direction="increase", target=75).points
    measure = make_measure(unit="percent", direction="increase", target=75, decimals=1)
    fig = spc_chart(points, measure)
    render_png(fig)
    assert variation_icon(points, "increase") == "variation/improvement_high"
    text = alt_text(points, measure)
    assert "80.0%" in text and "No data for February 2022" in text


# --- icons ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_icons_match_the_reference(case: str) -> None:
    direction, target = CASES[case]
    points = load(case)
    expected = expected_icons(case)
    assert variation_icon(points, direction) == expected["variation"]
    assert assurance_icon(points, direction, target) == expected.get("assurance")


def test_icon_label_for_every_icon() -> None:
    labels = {icon: icon_label(icon) for icon in ALL_ICONS}
    assert len(set(labels.values())) == len(ALL_ICONS)
    assert labels["variation/improvement_high"] == (
        "Special cause - improvement: the latest value is unusually high, which is good"
    )
    assert "unusually low" in labels["variation/concern_low"]
    assert "not good" in labels["variation/concern_high"]
    assert "neither higher nor lower" in labels["variation/neutral_high"]
    assert "within the process limits" in labels["assurance/inconsistent"]
    assert icon_label("concern_low.svg") == labels["variation/concern_low"]
    with pytest.raises(ValueError):
        icon_label("variation/pass")
    with pytest.raises(ValueError):
        icon_label("sparkles")


@pytest.mark.parametrize("icon", ALL_ICONS)
def test_icon_svg_is_xml_with_a_title(icon: str) -> None:
    root = ET.fromstring(icon_svg(icon))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img"
    title = root.find(f"{ns}title")
    assert title is not None and title.text == icon_label(icon)
    assert root.find(f"{ns}circle") is not None


def test_icon_text_markers() -> None:
    assert icon_text("variation/improvement_high") == "▲ Improvement"
    assert icon_text("variation/concern_low") == "▼ Concern"
    assert len({icon_text(i) for i in ALL_ICONS}) == len(ALL_ICONS)


def test_draw_icons_on_axes() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    v = draw_variation_icon(ax, "variation/concern_high", (0.9, 0.9), 20)
    a = draw_assurance_icon(ax, "assurance/fail", (0.7, 0.9), 20)
    assert v in ax.artists and a in ax.artists
    render_png(fig)
    with pytest.raises(ValueError):
        draw_variation_icon(ax, "assurance/pass", (0.5, 0.5), 20)


# --- words and tables -------------------------------------------------------------------------


def test_alt_text_for_a_known_input() -> None:
    case = "vignette_rrk_rebase_decrease"
    text = alt_text(load(case), case_measure(case))
    assert "April 2016 to March 2019" in text
    assert "for March 2019, is 10,670" in text
    assert icon_label(expected_icons(case)["variation"]) in text
    assert "centre line (mean) is 8,647" in text and "5,698 to 11,595" in text
    assert "recalculated from July 2018" in text
    assert "no target" in text


def test_alt_text_gives_assurance_against_the_target() -> None:
    case = "readme_rqm_target1200_decrease"
    text = alt_text(load(case), case_measure(case))
    assert "The target is 1,200." in text
    assert icon_label(expected_icons(case)["assurance"]) in text
    assert "no process change" in text


def test_caption_is_one_line() -> None:
    case = "readme_rqm_target1200_decrease"
    text = caption(load(case), case_measure(case))
    assert "\n" not in text
    assert text.startswith("Re-referrals, Apr 2016 to Mar 2018: latest 1,564 (Mar 2018).")
    assert "No significant change; hit and miss" in text


def test_chart_table_shape_and_formatting() -> None:
    case = "vignette_rrk_rebase_decrease"
    points = with_missing(load(case), 3)
    table = chart_table(points, case_measure(case))
    assert list(table.columns) == [
        "Month",
        "Value",
        "Centre line",
        "Lower limit",
        "Upper limit",
        "Target",
        "What the point shows",
    ]
    assert len(table) == len(points)
    first = table.iloc[0]
    assert (first["Month"], first["Value"], first["Centre line"]) == ("Apr 2016", "1,195", "1,703")
    assert (first["Lower limit"], first["Upper limit"], first["Target"]) == ("873", "2,532", "")
    assert (
        table.iloc[3]["Value"] == "No data" and table.iloc[3]["What the point shows"] == "No data"
    )
    jan17 = table.set_index("Month").loc["Jan 2017", "What the point shows"]
    assert jan17 == "Concern: above the upper process limit"
    jul18 = table.set_index("Month").loc["Jul 2018", "What the point shows"]
    assert "process change" in jul18 and jul18.startswith("Improvement")
    assert table.attrs["unit_note"]


def test_chart_table_percent_units() -> None:
    points = load("readme_rqm_target1200_decrease")
    points["value"] = points["value"] / 50
    points["target"] = 24.0
    table = chart_table(points, make_measure(unit="percent", decimals=1))
    assert table.iloc[0]["Value"] == "24.0%"  # 1199 / 50 = 23.98
    assert table.iloc[0]["Target"] == "24.0%"


def test_format_value_units() -> None:
    assert format_value(1234.5, make_measure(unit="count")) == "1,234"
    assert format_value(45.26, make_measure(unit="percent", decimals=1)) == "45.3%"
    rate = make_measure(unit="rate_per_10k", decimals=1)
    assert format_value(512.34, rate, long=True) == "512.3 per 10,000 children"
    assert format_value(23, make_measure(unit="days"), long=True) == "23 days"
    assert format_value(np.nan, rate) == "no data"
    assert tick_decimals([-5.0, -2.5, 0.0, 2.5]) == 1
    assert tick_decimals([0.25, 0.5]) == 2
    assert tick_decimals([1000.0, 2000.0]) == 0


def _svg_size_pt(path: Path) -> tuple[float, float]:
    root = ET.parse(path).getroot()
    return float(root.get("width").removesuffix("pt")), float(root.get("height").removesuffix("pt"))


def test_spc_chart_saved_on_its_own_canvas_in_one_drawing(tmp_path: Path) -> None:
    """The chart leaves room for its title, icons and legend: the SVG is the canvas itself."""
    from helpers.charts.drawing import FIGSIZE, save_svg

    case = next(iter(CASES))
    path = tmp_path / "chart.svg"
    save_svg(spc_chart(load(case), case_measure(case)), path, fixed_canvas=True)
    width, height = _svg_size_pt(path)
    assert width == pytest.approx(FIGSIZE[0] * 72, abs=0.01)
    assert height == pytest.approx(FIGSIZE[1] * 72, abs=0.01)


def test_a_chart_reaching_past_its_canvas_is_saved_whole(tmp_path: Path) -> None:
    """Anything past the canvas edge (here a long note beyond the right edge) is never cut off:
    the chart is saved again with a tight bounding box that takes it in."""
    from helpers.charts.drawing import FIGSIZE, save_svg

    case = next(iter(CASES))
    fig = spc_chart(load(case), case_measure(case))
    fig.axes[0].annotate("a very long note " * 3, (1.0, 0.5), xycoords="axes fraction")
    path = tmp_path / "chart.svg"
    save_svg(fig, path, fixed_canvas=True)
    width, _ = _svg_size_pt(path)
    assert width > FIGSIZE[0] * 72 + 20
    assert "a very long note" in path.read_text(encoding="utf-8")
