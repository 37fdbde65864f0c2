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


def _group_mean(
    values: np.ndarray, use: np.ndarray, group: np.ndarray, n_groups: int
) -> np.ndarray:
    """Mean of values[use] per group, NaN where a group has none.

    Two passes (sum, then the mean residual added back) like R's mean(), so the centre line agrees
    with the reference to the last bits and points sitting on the mean stay on it.
    """
    count = np.bincount(group, weights=use.astype(float), minlength=n_groups)
    safe = np.where(use, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.bincount(group, weights=safe, minlength=n_groups) / count
        residual = np.where(use, values - first[group], 0.0)
        return first + np.bincount(group, weights=residual, minlength=n_groups) / count


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
    Screening keeps moving ranges strictly below 3.267 x the first mean moving range, once.
    If that would discard every moving range (only when they are all zero, i.e. a flat series),
    the unscreened mean is kept so the limits sit on the mean instead of vanishing.
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

    mean = _group_mean(values, in_base, group, n_groups)

    mr = np.zeros_like(values)
    mr[1:] = np.abs(values[1:] - values[:-1])
    mr_ok = link.copy()
    mr_ok[1:] &= in_base[1:] & in_base[:-1]
    if mr_ok.size:
        mr_ok[0] = False
    mr = np.where(mr_ok, mr, 0.0)

    def mean_of(use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        count = np.bincount(group, weights=use.astype(float), minlength=n_groups)
        total = np.bincount(group, weights=np.where(use, mr, 0.0), minlength=n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / count, count

    amr, _ = mean_of(mr_ok)
    if screen_outliers:
        kept = mr_ok & (mr < SCREEN * amr[group])
        screened, kept_count = mean_of(kept)
        amr = np.where(kept_count > 0, screened, amr)
    return GroupLimits(mean=mean, mean_mr=amr, n_observed=n_observed.astype(np.int64))
