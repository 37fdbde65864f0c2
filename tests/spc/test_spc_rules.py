"""Rule tests on small hand-made series whose answers can be worked out on paper.

Each series is built so that only the rule under test can fire: alternating values give wide limits
(mean moving range known exactly) and no runs, and the pattern under test sits inside the two-sigma
lines unless the test is about them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from helpers.spc import ptd_spc

ALTERNATING = [-4, 4, -4, 4, -4, 4]  # ends high, so a rise from a low value starts a new run


def frame(values, start="2021-01-01", facet=None) -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(values), freq="MS")
    df = pd.DataFrame({"date": dates, "value": values})
    if facet is not None:
        df["facet"] = facet
    return df


def spc(values, **kwargs):
    return ptd_spc(frame(values), "value", "date", **kwargs).points


# Shift series: 7 points above then 7 below, alternating 1/3 and -1/-3.
# mean = 0, moving ranges all 2 (including 1 -> -1), so limits are exactly +/-5.32 and the
# two-sigma lines +/-3.5467: no point is close to a limit and no trend can form.
SHIFT_UP = [1, 3, 1, 3, 1, 3, 1]
SHIFT_SERIES = SHIFT_UP + [-v for v in SHIFT_UP]


# --- limits -------------------------------------------------------------------------------------


def test_limits_of_the_shift_series_by_hand() -> None:
    p = spc(SHIFT_SERIES)
    assert np.allclose(p["mean"], 0.0)
    assert np.allclose(p["upl"], 2.66 * 2)
    assert np.allclose(p["lpl"], -2.66 * 2)


# --- trends -------------------------------------------------------------------------------------


def test_trend_of_seven_points_is_flagged_and_six_is_not() -> None:
    # seven: mean 0; MRs 8 x5, 7, 1 x6 -> 53/12; limits +/-11.7, two sigma +/-7.8
    seven = spc(ALTERNATING + [-3, -2, -1, 0, 1, 2, 3])
    assert seven["special_cause_flag"].tolist() == [False] * 6 + [True] * 7
    assert set(seven["special_cause_type"][6:]) == {"7 Point Trend (Increasing)"}
    assert set(seven["point_type"][6:]) == {"special_cause_improvement"}

    six = spc(ALTERNATING + [-3, -2, -1, 1, 2, 3])
    assert not six["special_cause_flag"].any()


def test_trend_length_six_option() -> None:
    six = spc(ALTERNATING + [-3, -2, -1, 1, 2, 3], trend_length=6)
    assert six["special_cause_flag"].tolist() == [False] * 6 + [True] * 6
    assert set(six["special_cause_type"][6:]) == {"6 Point Trend (Increasing)"}


def test_a_tie_breaks_a_trend() -> None:
    tied = spc(ALTERNATING + [-3, -2, -1, -1, 1, 2, 3])  # runs of 3 and 4 rising points
    assert not tied["special_cause_flag"].any()


def test_falling_trend_with_decrease_direction_is_improvement() -> None:
    p = spc([4, -4, 4, -4, 4, -4, 3, 2, 1, 0, -1, -2, -3], improvement_direction="decrease")
    assert set(p["special_cause_type"][6:]) == {"7 Point Trend (Decreasing)"}
    assert set(p["point_type"][6:]) == {"special_cause_improvement"}
    assert set(p["point_type"][:6]) == {"common_cause"}


# --- shifts -------------------------------------------------------------------------------------


def test_seven_points_each_side_are_shifts() -> None:
    p = spc(SHIFT_SERIES)
    assert p["special_cause_type"].tolist() == ["7 Points Above CL"] * 7 + ["7 Points Below CL"] * 7
    assert p["point_type"].tolist() == (
        ["special_cause_improvement"] * 7 + ["special_cause_concern"] * 7
    )


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    # a 0 inserted after three points: mean still exactly 0, the run above is 3 + 4 points;
    # MRs sum 28 over 15 -> limits +/-4.96, two sigma +/-3.31, so 3 is not close
    p = spc([1, 3, 1, 0, 3, 1, 3, 1] + [-v for v in SHIFT_UP])
    assert p["relative_to_mean"][3] == 0
    assert not p["special_cause_flag"][:8].any()
    assert p["special_cause_flag"][8:].all()


def test_shift_length_six_option() -> None:
    six_up = [1, 3, 1, 3, 1, 3]  # mean 0, MRs 2 x5, 4, 2 x5 -> limits +/-5.8
    series = six_up + [-v for v in six_up]
    assert not spc(series)["special_cause_flag"].any()
    p = spc(series, shift_length=6)
    assert p["special_cause_type"].tolist() == ["6 Points Above CL"] * 6 + ["6 Points Below CL"] * 6


# --- two in three -------------------------------------------------------------------------------

# Baseline of twelve points alternating 1/-1 fixes the limits: mean 0, MR 2, limits +/-5.32,
# two sigma +/-3.5467. The rest of the series is judged against those fixed limits.
BASELINE = [1, -1] * 6


def test_two_close_points_in_three_are_flagged_in_both_modes() -> None:
    values = BASELINE + [0.5, 4, 4.5, 0.5]
    for mode in ("reference", "mdc2023"):
        p = spc(values, fix_after_n_points=12, two_in_three=mode)
        assert p["special_cause_type"].tolist()[12:] == [
            "Common Cause",
            "2 in 3 Above CL",
            "2 in 3 Above CL",
            "Common Cause",
        ]


def test_point_beyond_the_limit_counts_towards_two_in_three_only_in_mdc2023() -> None:
    values = BASELINE + [0.5, 4, 6, 0.5]  # 4 is close (between 2 and 3 sigma), 6 is beyond UPL
    reference = spc(values, fix_after_n_points=12)
    assert reference["close_to_limits"].tolist()[12:] == [False, True, False, False]
    assert reference["special_cause_type"].tolist()[12:] == [
        "Common Cause",
        "Common Cause",
        "Above UCL",
        "Common Cause",
    ]
    mdc = spc(values, fix_after_n_points=12, two_in_three="mdc2023")
    assert mdc["special_cause_type"].tolist()[12:] == [
        "Common Cause",
        "2 in 3 Above CL",
        "Above UCL",
        "Common Cause",
    ]
    assert mdc["close_to_limits"].tolist() == reference["close_to_limits"].tolist()


def test_two_in_three_needs_all_three_on_one_side() -> None:
    p = spc(BASELINE + [4, -0.5, 4.5, -0.5], fix_after_n_points=12)
    assert not p["special_cause_flag"].any()


# --- direction ----------------------------------------------------------------------------------


def test_neutral_direction_gives_neutral_point_types_and_no_assurance() -> None:
    result = ptd_spc(
        frame(SHIFT_SERIES), "value", "date", improvement_direction="neutral", target=10
    )
    p = result.points
    assert p["point_type"].tolist() == (
        ["special_cause_neutral_high"] * 7 + ["special_cause_neutral_low"] * 7
    )
    assert result.icons()["icon"].tolist() == ["variation/neutral_low.svg"]
    assert result.summary()["assurance_type"].isna().all()


def test_per_facet_direction_and_target() -> None:
    data = pd.concat([frame(SHIFT_SERIES, facet="up_good"), frame(SHIFT_SERIES, facet="down_good")])
    result = ptd_spc(
        data,
        "value",
        "date",
        facet_field="facet",
        improvement_direction={"up_good": "increase", "down_good": "decrease"},
        target={"up_good": 10, "down_good": 10},  # above the UPL of 5.32
    )
    last = result.points.groupby("facet").tail(1).set_index("facet")["point_type"]
    assert last["up_good"] == "special_cause_concern"
    assert last["down_good"] == "special_cause_improvement"
    summary = result.summary().set_index("facet")
    assert summary.loc["up_good", "assurance_type"] == "consistent_fail"
    assert summary.loc["down_good", "assurance_type"] == "consistent_pass"
    icons = result.icons()
    assert icons["facet"].tolist() == ["down_good", "up_good", "down_good", "up_good"]
    assert icons["icon"].tolist() == [
        "variation/improvement_low.svg",
        "variation/concern_low.svg",
        "assurance/pass.svg",
        "assurance/fail.svg",
    ]


def test_facet_missing_from_target_mapping_is_inconsistent_as_in_the_reference() -> None:
    """R fills the missing facet's target with NA; "target > upl" and "target < lpl" are then NA,
    so its case_when falls through to "inconsistent" (checked against the R package)."""
    data = pd.concat([frame(SHIFT_SERIES, facet="a"), frame(SHIFT_SERIES, facet="b")])
    result = ptd_spc(data, "value", "date", facet_field="facet", target={"a": 0})
    targets = result.points.groupby("facet")["target"].first()
    assert targets["a"] == 0 and np.isnan(targets["b"])
    assurance = result.icons().query("type == 'assurance'").set_index("facet")["icon"]
    assert assurance["b"] == "assurance/inconsistent.svg"
    assert result.summary().groupby("facet")["assurance_type"].last()["b"] == "inconsistent"


# --- rebase -------------------------------------------------------------------------------------


def test_rebase_at_a_date_not_in_the_data_is_ignored() -> None:
    plain = spc(SHIFT_SERIES)
    rebased = spc(SHIFT_SERIES, rebase="2021-03-15")  # data are on the 1st of each month
    assert (rebased["rebase_group"] == 0).all()
    pd.testing.assert_frame_equal(plain, rebased)


def test_rebase_splits_groups_and_runs_do_not_span_it() -> None:
    # rebase at the 8th point: each half becomes its own group with its own mean, so neither
    # half has a shift (each alternates around its own mean)
    p = spc(SHIFT_SERIES, rebase=pd.Timestamp("2021-08-01"))
    assert p["rebase_group"].tolist() == [0] * 7 + [1] * 7
    assert np.allclose(p["mean"][:7], 13 / 7)
    assert np.allclose(p["mean"][7:], -13 / 7)
    assert not p["special_cause_flag"].any()
    assert p["short_group_warning"].all()


def test_rebase_mapping_and_datetime_dates() -> None:
    data = pd.concat([frame(SHIFT_SERIES, facet="a"), frame(SHIFT_SERIES, facet="b")])
    result = ptd_spc(
        data, "value", "date", facet_field="facet", rebase={"b": [dt.datetime(2021, 8, 1)]}
    )
    groups = result.points.groupby("facet")["rebase_group"].max()
    assert groups["a"] == 0 and groups["b"] == 1
    assert len(result.summary()) == 3


# --- missing values -----------------------------------------------------------------------------


def test_missing_value_limits_ignore_it_and_no_moving_range_across_the_gap() -> None:
    p = spc([1, 3, np.nan, 5, 7])
    # mean of 1, 3, 5, 7 = 4; moving ranges |3-1| and |7-5| only (not |5-3| across the gap)
    assert np.allclose(p["mean"], 4)
    assert np.allclose(p["upl"], 4 + 2.66 * 2)
    missing = p.iloc[2]
    assert np.isnan(missing["value"])
    assert missing["point_type"] == "missing" and missing["special_cause_type"] == "Missing"
    assert not missing["special_cause_flag"]
    assert pd.isna(missing["outside_limits"]) and pd.isna(missing["close_to_limits"])
    assert p["outside_limits"].drop(index=2).eq(False).all()


def test_a_gap_in_a_run_does_not_make_a_shift() -> None:
    with_gap = SHIFT_UP[:4] + [np.nan] + SHIFT_UP[4:] + [-v for v in SHIFT_UP]
    p = spc(with_gap)
    assert not p["special_cause_flag"][:8].any()  # 4 above, gap, 3 above
    assert p["special_cause_flag"][8:].all()
    # the same seven points without the gap are a shift
    assert spc(SHIFT_SERIES)["special_cause_flag"][:7].all()


def test_a_gap_breaks_a_trend() -> None:
    p = spc(ALTERNATING + [-3, -2, -1, np.nan, 1, 2, 3, 4])
    assert not p["special_cause_flag"].any()


def test_all_missing_or_single_value_does_not_raise() -> None:
    p = spc([np.nan, np.nan, np.nan])
    assert (p["point_type"] == "missing").all()
    one = ptd_spc(frame([np.nan, 5.0, np.nan]), "value", "date")
    assert one.points["mean"].iloc[0] == 5 and np.isnan(one.points["upl"].iloc[0])
    assert one.summary()["n"].tolist() == [1]
    assert one.icons()["icon"].tolist() == ["variation/common_cause.svg"]


def test_latest_point_missing_uses_latest_observed_for_icon() -> None:
    result = ptd_spc(frame(SHIFT_SERIES + [np.nan]), "value", "date")
    assert result.icons()["icon"].tolist() == ["variation/concern_low.svg"]
    assert result.summary()["variation_type"].tolist() == ["special_cause_concern"]
    assert result.summary()["n"].tolist() == [14]


def test_flat_series_screened_has_no_limits_as_in_the_reference() -> None:
    """Every moving range is 0, and screening keeps only those below 3.267 x 0: none. R's mean of
    nothing is NaN, so the limits are NaN and the limit comparisons unknown (NA)."""
    p = spc([2.0] * 15)
    assert np.allclose(p["mean"], 2.0)
    assert p["lpl"].isna().all() and p["upl"].isna().all()
    assert p["outside_limits"].isna().all() and p["close_to_limits"].isna().all()
    assert not p["special_cause_flag"].any()


def test_flat_series_unscreened_has_limits_on_the_mean() -> None:
    data = frame([2.0] * 15)
    p = ptd_spc(data, "value", "date", screen_outliers=False).points
    assert np.allclose(p[["mean", "lpl", "upl"]], 2.0)
    assert not p["outside_limits"].any() and not p["special_cause_flag"].any()


def test_flat_baseline_then_a_step_is_a_run_not_a_limit_breach() -> None:
    """With fix_after_n_points over a flat start there are no limits, so only runs can signal
    (the R package labels points 13-19 '7 Points Above CL')."""
    data = frame([10.0] * 12 + [12.0] * 8)
    p = ptd_spc(data, "value", "date", fix_after_n_points=12).points
    assert p["special_cause_type"].iloc[12:].eq("7 Points Above CL").all()
    assert p["special_cause_type"].iloc[:12].eq("Common Cause").all()


# --- inputs and validation ----------------------------------------------------------------------


def test_string_dates_unsorted_input_and_no_facet_label() -> None:
    df = frame(SHIFT_SERIES).iloc[::-1]
    df["date"] = df["date"].dt.strftime("%Y-%m-%d")
    p = ptd_spc(df, "value", "date").points
    assert p["date"].is_monotonic_increasing
    assert (p["facet"] == "no facet").all()
    assert p["special_cause_type"].tolist()[0] == "7 Points Above CL"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"improvement_direction": "up"}, "improvement_direction"),
        ({"two_in_three": "2019"}, "two_in_three"),
        ({"shift_length": 5}, "shift_length"),
        ({"trend_length": 8}, "trend_length"),
        ({"fix_after_n_points": 1}, "fix_after_n_points"),
        ({"screen_outliers": "yes"}, "screen_outliers"),
        ({"target": "high"}, "target"),
        ({"facet_field": "nope"}, "facet_field"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        ptd_spc(frame(SHIFT_SERIES), "value", "date", **kwargs)


def test_bad_data_raise_value_error() -> None:
    df = frame(SHIFT_SERIES)
    with pytest.raises(ValueError, match="not a column"):
        ptd_spc(df, "amount", "date")
    with pytest.raises(ValueError, match="duplicate date"):
        ptd_spc(pd.concat([df, df.iloc[:1]]), "value", "date")
    with pytest.raises(ValueError, match="numeric"):
        ptd_spc(df.assign(value="x"), "value", "date")
    two = pd.concat([frame(SHIFT_SERIES, facet="a"), frame(SHIFT_SERIES, facet="b")])
    with pytest.raises(ValueError, match="no entry for facet 'b'"):
        ptd_spc(two, "value", "date", facet_field="facet", improvement_direction={"a": "increase"})


def test_empty_data_gives_empty_tables() -> None:
    result = ptd_spc(frame([]), "value", "date", target=1)
    assert result.points.empty and result.summary().empty and result.icons().empty
    assert "assurance_type" in result.summary().columns


def test_rebase_at_the_first_date_starts_group_one() -> None:
    # as in the reference, the rebase group is the count of rebase dates reached so far
    p = spc(SHIFT_SERIES, rebase="2021-01-01")
    assert (p["rebase_group"] == 1).all()


# --- vectorised engine vs a plain per-series loop -----------------------------------------------


def _loop_types(y: list[float], run: int = 7, mode: str = "reference") -> list[str]:
    """Point-by-point statement of the reference rules for one group (slow, obvious)."""
    n = len(y)
    mean = sum(y) / n
    mrs = [abs(y[i] - y[i - 1]) for i in range(1, n)]
    amr = sum(mrs) / len(mrs)
    kept = [m for m in mrs if m < 3.267 * amr]
    amr = sum(kept) / len(kept) if kept else amr
    upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
    nupl, nlpl = mean + 2 * (2.66 / 3) * amr, mean - 2 * (2.66 / 3) * amr
    side = [(v > mean) - (v < mean) for v in y]
    outside = [v > upl or v < lpl for v in y]
    close = [not o and (v > nupl or v < nlpl) for v, o in zip(y, outside, strict=True)]
    counts = close if mode == "reference" else [v > nupl or v < nlpl for v in y]

    def ends_shift(i: int) -> bool:
        back = range(i - run + 1, i)
        return i >= run - 1 and side[i] != 0 and all(side[j] == side[i] for j in back)

    def ends_trend(i: int) -> bool:
        if i < run - 1:
            return False
        steps = [y[j] - y[j - 1] for j in range(i - run + 2, i + 1)]
        return all(s > 0 for s in steps) or all(s < 0 for s in steps)

    def window_ok(k: int) -> bool:
        if k < 0 or k + 2 >= n:
            return False
        return sum(counts[k : k + 3]) >= 2 and abs(sum(side[k : k + 3])) == 3

    shift = [any(ends_shift(j) for j in range(i, min(i + run, n))) for i in range(n)]
    trend = [any(ends_trend(j) for j in range(i, min(i + run, n))) for i in range(n)]
    two = [counts[i] and any(window_ok(k) for k in (i - 2, i - 1, i)) for i in range(n)]
    types = []
    for i in range(n):
        above = "Above" if side[i] > 0 else "Below"
        if outside[i]:
            types.append("Above UCL" if side[i] == 1 else "Below LCL")
        elif trend[i]:
            if i + 1 < n and trend[i + 1]:
                step = y[i + 1] - y[i]
            else:
                step = y[i] - y[i - 1] if i > 0 else 0
            types.append(f"{run} Point Trend ({'In' if step > 0 else 'De'}creasing)")
        elif two[i]:
            types.append(f"2 in 3 {above} CL")
        elif shift[i]:
            types.append(f"{run} Points {above} CL")
        else:
            types.append("Common Cause")
    return types


@pytest.mark.parametrize("run, mode", [(7, "reference"), (6, "mdc2023")])
def test_vectorised_rules_agree_with_a_plain_loop_on_random_series(run: int, mode: str) -> None:
    rng = np.random.default_rng(20240601)
    frames, expected = [], {}
    for k in range(150):
        n = int(rng.integers(8, 40))
        # small integers: many ties, points on the mean, runs and outliers
        y = rng.integers(0, 6, size=n).astype(float)
        if k % 3 == 0:
            y[n // 2 :] += 4
        if k % 5 == 0:
            y[int(rng.integers(0, n))] += 15
        if k % 7 == 0:
            y = np.cumsum(rng.integers(-1, 3, size=n)).astype(float)
        if k % 4 == 2:  # rise then fall (trends sharing a peak), with the odd tie
            half = n // 2
            y = np.r_[np.arange(half), np.arange(n - half)[::-1]].astype(float)
            y[rng.random(n) < 0.05] = 0
        facet = f"s{k:03d}"
        frames.append(frame(list(y), facet=facet))
        expected[facet] = y
    data = pd.concat(frames)
    cut = pd.Timestamp("2022-06-01")  # the 18th month: a rebase there for every third facet
    rebase = {f: [cut] for i, f in enumerate(expected) if i % 3 == 1 and len(expected[f]) >= 20}
    p = ptd_spc(
        data,
        "value",
        "date",
        facet_field="facet",
        rebase=rebase,
        shift_length=run,
        trend_length=run,
        two_in_three=mode,
    ).points
    for facet, y in expected.items():
        got = p[p["facet"] == facet]
        values = [float(v) for v in y]
        parts = [values[:17], values[17:]] if facet in rebase else [values]
        want = [t for part in parts for t in _loop_types(part, run, mode)]
        assert got["special_cause_type"].tolist() == want, facet


def test_group_by_group_sums_agree_with_the_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Very uneven groups are summed one by one (to bound memory); the answers must not change."""
    from helpers.spc import limits

    rng = np.random.default_rng(3)
    data = pd.concat(
        [frame(rng.normal(0, 1, n).round(3), facet=f"f{n:03d}") for n in (1, 2, 7, 30, 120)]
    )
    on_grid = ptd_spc(data, "value", "date", facet_field="facet").points
    monkeypatch.setattr(limits, "_MAX_CELLS", 0)
    one_by_one = ptd_spc(data, "value", "date", facet_field="facet").points
    pd.testing.assert_frame_equal(on_grid, one_by_one)
