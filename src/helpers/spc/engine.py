"""ptd_spc: XmR charts with the Making Data Count rules for many series in one call.

The whole table is sorted once by facet then date and every step (limits, runs, labels) works on
flat arrays with a group id per point, so analysing every measure of a month at once is a handful
of numpy passes. See the package docstring for the rules and the handling of missing values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.spc.icons import (
    COMMON_CAUSE,
    CONCERN,
    IMPROVEMENT,
    MISSING,
    NEUTRAL_HIGH,
    NEUTRAL_LOW,
)
from helpers.spc.limits import group_limits
from helpers.spc.options import SPCOptions, as_mapping_or_scalar, direction_code
from helpers.spc.result import POINT_COLUMNS, SPCResult
from helpers.spc.rules import shift_mask, trend_mask, two_in_three_mask

NO_FACET = "no facet"
SHORT_GROUP = 13  # groups with fewer points than this get short_group_warning

# special-cause type codes, in the order of the labels below; SIGN gives the direction each implies
_COMMON, _ABOVE, _BELOW, _TREND_UP, _TREND_DOWN = 0, 1, 2, 3, 4
_TWO_ABOVE, _TWO_BELOW, _SHIFT_ABOVE, _SHIFT_BELOW, _MISSING = 5, 6, 7, 8, 9
_SIGN = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1, 0], dtype=np.int8)


def _labels(shift_length: int, trend_length: int) -> np.ndarray:
    return np.array(
        [
            "Common Cause",
            "Above UCL",
            "Below LCL",
            f"{trend_length} Point Trend (Increasing)",
            f"{trend_length} Point Trend (Decreasing)",
            "2 in 3 Above CL",
            "2 in 3 Below CL",
            f"{shift_length} Points Above CL",
            f"{shift_length} Points Below CL",
            "Missing",
        ],
        dtype=object,
    )


def _to_datetime64(values: Any, what: str) -> np.ndarray:
    """Dates (strings, datetime, Timestamp) as naive datetime64[ns]; ValueError if unreadable."""
    try:
        parsed = pd.to_datetime(pd.Series(values) if not isinstance(values, pd.Series) else values)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what} could not be read as dates: {exc}") from None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)  # keep the local calendar date
    if parsed.isna().any():
        raise ValueError(f"{what} has missing or unreadable dates")
    return parsed.to_numpy().astype("datetime64[ns]")


def _date_list(value: Any) -> list:
    """One date or several dates as a list."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _rebase_flags(
    rebase: Any, dates: np.ndarray, codes: np.ndarray, facet_index: dict
) -> np.ndarray:
    """True where a point's date is a rebase date of its facet (unmatched dates are ignored)."""
    n = dates.size
    if rebase is None:
        return np.zeros(n, dtype=bool)
    is_map, rebase = as_mapping_or_scalar(rebase, "rebase")
    if not is_map:
        wanted = _to_datetime64(_date_list(rebase), "rebase") if _date_list(rebase) else None
        if wanted is None:
            return np.zeros(n, dtype=bool)
        return np.isin(dates, wanted)
    pair_codes: list[int] = []
    pair_dates: list = []
    for facet, value in rebase.items():
        if facet not in facet_index:
            continue
        items = _date_list(value)
        pair_codes.extend([facet_index[facet]] * len(items))
        pair_dates.extend(items)
    if not pair_codes:
        return np.zeros(n, dtype=bool)
    wanted_dates = _to_datetime64(pair_dates, "rebase").view(np.int64)
    date_ids, _ = pd.factorize(np.concatenate([dates.view(np.int64), wanted_dates]))
    width = int(date_ids.max()) + 1
    row_keys = codes.astype(np.int64) * width + date_ids[:n]
    wanted_keys = np.asarray(pair_codes, dtype=np.int64) * width + date_ids[n:]
    return np.isin(row_keys, wanted_keys)


def _per_facet(value: Any, facets: list, name: str, convert, missing: Any) -> list:
    """Resolve a scalar or facet mapping argument into one value per facet."""
    is_map, value = as_mapping_or_scalar(value, name)
    if not is_map:
        one = convert(value, None)
        return [one] * len(facets)
    return [convert(value[f], f) if f in value else missing(f) for f in facets]


def _missing_direction(facet: Any) -> int:
    raise ValueError(f"improvement_direction mapping has no entry for facet {facet!r}")


def _target_value(value: Any, facet: Any) -> float:
    if value is None:
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        where = "" if facet is None else f" for facet {facet!r}"
        raise ValueError(f"target{where} must be a number; got {value!r}") from None


def _facet_codes(facet_values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer facet codes whose order is the sorted order of the facet values."""
    if facet_values.isna().any():
        raise ValueError("facet field has missing values")
    try:
        codes, uniques = pd.factorize(facet_values, sort=True)
    except TypeError:  # mixed types that cannot be compared: sort on their text
        text_codes, text_uniques = pd.factorize(facet_values.astype(str), sort=True)
        first = pd.Series(np.arange(len(facet_values))).groupby(text_codes).first()
        codes, uniques = text_codes, facet_values.to_numpy()[first.to_numpy()]
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def ptd_spc(
    data: pd.DataFrame,
    value_field: str,
    date_field: str,
    facet_field: str | None = None,
    rebase: Any = None,
    fix_after_n_points: int | None = None,
    improvement_direction: str | Mapping[Any, str] = "increase",
    target: float | Mapping[Any, float] | None = None,
    screen_outliers: bool = True,
    *,
    two_in_three: str = "reference",
    shift_length: int = 7,
    trend_length: int = 7,
) -> SPCResult:
    """Run the XmR / Making Data Count analysis on one or many series (facets).

    rebase: a date, a list of dates (applied to every facet) or a mapping facet -> date(s).
    improvement_direction and target: one value or a mapping facet -> value. A facet missing from
    a target mapping has a NaN target (assurance "inconsistent", as in the reference); one missing
    from a direction mapping is an error.
    two_in_three, shift_length, trend_length: Making Data Count variants (see SPCOptions).
    """
    options = SPCOptions(
        screen_outliers=screen_outliers,
        two_in_three=two_in_three,
        shift_length=shift_length,
        trend_length=trend_length,
        fix_after_n_points=fix_after_n_points,
    )
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    for name, col in (("value_field", value_field), ("date_field", date_field)):
        if col not in data.columns:
            raise ValueError(f"{name} {col!r} is not a column of data")
    if facet_field is not None and facet_field not in data.columns:
        raise ValueError(f"facet_field {facet_field!r} is not a column of data")

    try:
        raw_values = pd.to_numeric(data[value_field]).to_numpy(dtype=float, na_value=np.nan)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"value field {value_field!r} must be numeric: {exc}") from None
    raw_dates = _to_datetime64(data[date_field], f"date field {date_field!r}")
    if facet_field is None:
        raw_codes = np.zeros(len(data), dtype=np.int64)
        uniques = np.array([NO_FACET], dtype=object) if len(data) else np.array([], dtype=object)
    else:
        raw_codes, uniques = _facet_codes(data[facet_field].reset_index(drop=True))
    facet_list = uniques.tolist()
    facet_index = {f: i for i, f in enumerate(facet_list)}

    if not isinstance(improvement_direction, Mapping):
        direction_code(improvement_direction)  # validate even when there is no data
    if target is not None and not isinstance(target, Mapping):
        _target_value(target, None)
    directions = np.array(
        _per_facet(
            improvement_direction,
            facet_list,
            "improvement_direction",
            direction_code,
            _missing_direction,
        ),
        dtype=np.int8,
    )
    targets = np.array(
        _per_facet(target, facet_list, "target", _target_value, lambda f: np.nan), dtype=float
    )

    order = np.lexsort((raw_dates.view(np.int64), raw_codes))
    values = raw_values[order]
    dates = raw_dates[order]
    codes = raw_codes[order]
    n = values.size

    facet_start = np.ones(n, dtype=bool)
    facet_start[1:] = codes[1:] != codes[:-1]
    duplicate = ~facet_start[1:] & (dates[1:] == dates[:-1])
    if duplicate.any():
        i = int(np.flatnonzero(duplicate)[0]) + 1
        raise ValueError(
            f"duplicate date {pd.Timestamp(dates[i]).date()} for facet {facet_list[codes[i]]!r}"
        )

    flags = _rebase_flags(rebase, dates, codes, facet_index)
    cum = np.cumsum(flags)
    starts = np.flatnonzero(facet_start)
    rebase_group = cum - (cum - flags)[starts][np.cumsum(facet_start) - 1]
    boundary = facet_start | flags
    group = np.cumsum(boundary) - 1
    n_groups = int(group[-1]) + 1 if n else 0

    observed = ~np.isnan(values)
    link = np.zeros(n, dtype=bool)
    link[1:] = ~boundary[1:] & observed[1:] & observed[:-1]

    lim = group_limits(values, group, n_groups, link, options.fix_after_n_points, screen_outliers)
    mean = lim.mean[group]
    lpl = lim.lpl[group]
    upl = lim.upl[group]
    lower_close = lim.lower_close[group]
    upper_close = lim.upper_close[group]

    with np.errstate(invalid="ignore"):
        outside = (values > upl) | (values < lpl)
        side = np.nan_to_num(np.sign(values - mean)).astype(np.int8)
        beyond_two_sigma = (values < lower_close) | (values > upper_close)
    close = beyond_two_sigma & ~outside
    # Where there are no limits (one point, a flat screened group) or no value, the comparisons
    # are unknown, as in R: NA in the table, and no rule can fire on them.
    unknown = np.isnan(upl) | np.isnan(lpl) | ~observed
    counts_for_two_in_three = close if two_in_three == "reference" else beyond_two_sigma

    in_shift = shift_mask(side, link, shift_length)
    in_trend, trend_direction = trend_mask(values, link, trend_length)
    in_two = two_in_three_mask(counts_for_two_in_three, side, link)

    above = side > 0
    kind = np.select(
        [~observed, outside, in_trend, in_two, in_shift],
        [
            np.full(n, _MISSING),
            np.where(side == 1, _ABOVE, _BELOW),
            np.where(trend_direction == 1, _TREND_UP, _TREND_DOWN),
            np.where(above, _TWO_ABOVE, _TWO_BELOW),
            np.where(above, _SHIFT_ABOVE, _SHIFT_BELOW),
        ],
        default=_COMMON,
    ).astype(np.int8)
    flag = (kind != _COMMON) & (kind != _MISSING)

    facet_direction = directions[codes] if n else np.zeros(0, dtype=np.int8)
    oriented = _SIGN[kind] * facet_direction
    point_type = np.select(
        [
            ~observed,
            ~flag,
            (facet_direction == 0) & (_SIGN[kind] > 0),
            (facet_direction == 0) & (_SIGN[kind] < 0),
            oriented > 0,
            oriented < 0,
        ],
        [MISSING, COMMON_CAUSE, NEUTRAL_HIGH, NEUTRAL_LOW, IMPROVEMENT, CONCERN],
        default=COMMON_CAUSE,
    )

    points = pd.DataFrame(
        {
            "date": dates,
            "facet": uniques[codes] if n else np.array([], dtype=object),
            "value": values,
            "rebase_group": rebase_group.astype(np.int64),
            "short_group_warning": lim.n_observed[group] < SHORT_GROUP,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "outside_limits": pd.arrays.BooleanArray(outside, unknown),
            "relative_to_mean": side.astype(np.int64),
            "close_to_limits": pd.arrays.BooleanArray(close, unknown),
            "special_cause_type": _labels(shift_length, trend_length)[kind],
            "special_cause_flag": flag,
            "point_type": point_type,
            "target": targets[codes] if n else np.zeros(0),
        },
        columns=POINT_COLUMNS,
    )
    facets = pd.DataFrame({"facet": uniques, "direction": directions, "target": targets})
    return SPCResult(
        points=points,
        facets=facets,
        options=options,
        has_target=target is not None,
    )
