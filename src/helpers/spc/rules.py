"""The special-cause rules (shift, trend, two-in-three) as vectorised run detection.

All functions take flat arrays sorted by group then date and a boolean `link` array:
link[i] is True when point i directly follows point i-1 in the same group (same facet, same rebase
group, both observed). A run can only continue across a link, so no run spans a rebase, a facet
boundary or a missing value.
"""

from __future__ import annotations

import numpy as np


def _run_lengths(continues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label maximal runs where continues[i] says point i extends the run of i-1.

    Returns (run id per point, length of each run).
    """
    run_id = np.cumsum(~continues) - 1
    return run_id, np.bincount(run_id)


def shift_mask(side: np.ndarray, link: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of at least `length` consecutive points on the same side of the mean.

    side: -1/0/+1 per point (relative to mean); 0 (on the mean, or missing) never belongs to a run
    and so breaks it.
    """
    if side.size == 0:
        return np.zeros(0, dtype=bool)
    continues = np.zeros(side.size, dtype=bool)
    continues[1:] = link[1:] & (side[1:] == side[:-1]) & (side[1:] != 0)
    run_id, lengths = _run_lengths(continues)
    return (side != 0) & (lengths[run_id] >= length)


def trend_mask(values: np.ndarray, link: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in a run of at least `length` points each strictly above (below) the one before.

    Ties break a trend; a trend may cross the mean. Returns (in_trend, direction) where direction is
    +1 (increasing) or -1 (decreasing) for trend points. As in the reference, a point that is in a
    trend together with the point after it takes the direction of the step to that next point,
    otherwise the step from the point before; a zero step reads as decreasing, like the reference.
    """
    n = values.size
    if n == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int8)
    step = np.zeros(n, dtype=np.int8)  # step[i] = sign(y[i] - y[i-1]) when linked
    with np.errstate(invalid="ignore"):
        raw = np.sign(values[1:] - values[:-1])
    step[1:] = np.where(link[1:] & ~np.isnan(raw), raw, 0).astype(np.int8)
    continues = np.zeros(n, dtype=bool)
    continues[1:] = (step[1:] == step[:-1]) & (step[1:] != 0)
    run_id, lengths = _run_lengths(continues)
    # a run of k equal non-zero steps covers k + 1 points: the step's end points and the one before
    step_in_trend = (step != 0) & (lengths[run_id] >= length - 1)
    in_trend = step_in_trend.copy()
    in_trend[:-1] |= step_in_trend[1:]

    next_step = np.zeros(n, dtype=np.int8)
    next_step[:-1] = step[1:]
    next_in_trend = np.zeros(n, dtype=bool)
    next_in_trend[:-1] = in_trend[1:] & link[1:]
    use_next = in_trend & next_in_trend
    chosen = np.where(use_next, next_step, step)
    direction = np.where(in_trend, np.where(chosen == 1, 1, -1), 0).astype(np.int8)
    return in_trend, direction


def two_in_three_mask(close: np.ndarray, side: np.ndarray, link: np.ndarray) -> np.ndarray:
    """Close points in a window of three consecutive points with two or more close to a limit.

    All three points of the window must lie on the same side of the mean (none on it); only the
    close points are flagged, as in the reference.
    """
    n = close.size
    flagged = np.zeros(n, dtype=bool)
    if n < 3:
        return flagged
    c = close.astype(np.int8)
    count = c[:-2] + c[1:-1] + c[2:]
    side_sum = side[:-2].astype(np.int64) + side[1:-1] + side[2:]
    window_ok = link[1:-1] & link[2:] & (count >= 2) & (np.abs(side_sum) == 3)
    in_window = np.zeros(n, dtype=bool)
    in_window[:-2] |= window_ok
    in_window[1:-1] |= window_ok
    in_window[2:] |= window_ok
    return in_window & close
