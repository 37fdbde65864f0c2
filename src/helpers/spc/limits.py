"""Centre line, moving ranges and process limits for many groups at once.

Every function takes flat arrays sorted by group (facet x rebase group) then date, with an integer
group id per point, so a million points in ten thousand series cost a few numpy passes rather than
a Python loop per series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT = 2.66  # 3 / d2 for n = 2, as rounded by Making Data Count and the reference package
LIMIT_CLOSE = 2 * (LIMIT / 3)  # the two-sigma lines
SCREEN = 3.267  # D4 for n = 2: moving ranges at or above 3.267 x mean MR are screened out


@dataclass(frozen=True)
class GroupLimits:
    """Per-group results (index = group id)."""

    mean: np.ndarray
    mean_mr: np.ndarray
    n_observed: np.ndarray

    @property
    def lpl(self) -> np.ndarray:
        return self.mean - LIMIT * self.mean_mr

    @property
    def upl(self) -> np.ndarray:
        return self.mean + LIMIT * self.mean_mr

    @property
    def lower_close(self) -> np.ndarray:
        return self.mean - LIMIT_CLOSE * self.mean_mr

    @property
    def upper_close(self) -> np.ndarray:
        return self.mean + LIMIT_CLOSE * self.mean_mr


#: Above this many cells (groups x longest group) the exact means are summed group by group.
_MAX_CELLS = 20_000_000


def _sequential_sums(
    x: np.ndarray, group: np.ndarray, pos: np.ndarray, count: np.ndarray
) -> np.ndarray:
    """Per-group sums added strictly in order, in long double (as R's summary.c adds)."""
    n_groups = count.size
    width = int(count.max()) if count.size else 0
    if width == 0:
        return np.zeros(n_groups, dtype=np.longdouble)
    if n_groups * width <= _MAX_CELLS:
        grid = np.zeros((n_groups, width), dtype=np.longdouble)
        grid[group, pos] = x  # padding zeros add nothing, exactly
        return np.cumsum(grid, axis=1)[:, -1]  # accumulate runs left to right; reduce may not
    sums = np.zeros(n_groups, dtype=np.longdouble)
    bounds = np.r_[0, np.cumsum(count)]
    for g in np.flatnonzero(count):
        sums[g] = np.cumsum(x[bounds[g] : bounds[g + 1]])[-1]
    return sums


def _r_mean(values: np.ndarray, use: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of values[use] per group, NaN where a group has none, computed as R's mean() is.

    R adds in long double, divides, then adds back the mean of the residuals, and only then rounds
    to double. Doing the same keeps the centre line and the average moving range identical to the
    reference to the last bit, so a point exactly on the mean stays on it and a target exactly on
    a limit stays on it.
    """
    idx = np.flatnonzero(use)
    g = group[idx]
    count = np.bincount(g, minlength=n_groups)
    starts = np.r_[0, np.cumsum(count)[:-1]]
    pos = np.arange(idx.size) - starts[g]
    x = values[idx].astype(np.longdouble)
    n = count.astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = _sequential_sums(x, g, pos, count) / n
        residual = _sequential_sums(x - mean[g], g, pos, count)
        corrected = np.where(np.isfinite(mean), mean + residual / n, mean)
    return corrected.astype(np.float64)


def group_limits(
    values: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    link: np.ndarray,
    fix_after_n_points: int | None,
    screen_outliers: bool,
) -> GroupLimits:
    """Mean and mean moving range per group.

    values: float array (NaN = missing). link[i]: point i and i-1 are consecutive observations of
    the same group, so a moving range may be formed between them (never across a gap or a rebase).
    Only the first fix_after_n_points observed points of a group set its mean and moving ranges.
    Screening keeps moving ranges strictly below 3.267 x the first mean moving range, once. As in
    the reference, a flat group (every moving range zero) keeps none when screened, so its mean
    moving range and limits are NaN, as are those of a group with a single point.
    """
    observed = ~np.isnan(values)
    n_observed = np.bincount(group, weights=observed.astype(float), minlength=n_groups)
    if fix_after_n_points is None:
        in_base = observed
    else:
        cum = np.cumsum(observed)
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        before = (cum - observed)[starts]
        rank = cum - before[group]
        in_base = observed & (rank <= fix_after_n_points)

    mean = _r_mean(values, in_base, group, n_groups)

    mr = np.zeros_like(values)
    mr[1:] = np.abs(values[1:] - values[:-1])
    mr_ok = link.copy()
    mr_ok[1:] &= in_base[1:] & in_base[:-1]
    if mr_ok.size:
        mr_ok[0] = False
    mr = np.where(mr_ok, mr, 0.0)

    amr = _r_mean(mr, mr_ok, group, n_groups)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            kept = mr_ok & (mr < SCREEN * amr[group])
        amr = _r_mean(mr, kept, group, n_groups)
    return GroupLimits(mean=mean, mean_mr=amr, n_observed=n_observed.astype(np.int64))
