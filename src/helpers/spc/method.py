"""Which rules judge a process: the reference XmR rules, or the method for correlated months.

The XmR rules assume each month is independent of the last. Before they are trusted, the months
of the current process are tested for lag-one autocorrelation, measured
around the best single change of level (helpers.spc.correlated.lag_one_after_step: one real
shift is what the reference rules exist to find, and must not make independent months look
linked). The test is one-sided at z = 1.28 (Bartlett: r1 is about normal, mean -1/m, variance
1/m), a 10% level, because a mistake costs little one way and much the other: an independent
series sent to the correlated method keeps a low false-alarm rate (about 2%) and finds recent
shifts as well, while an AR(1) series at 0.3 left to the XmR rules is flagged 6% of the time. In
seeded simulation (tests/spc/test_correlated.py) the whole decision flags the latest of 67
no-change months at most about 4% of the time in every family tried.

A declared rolling window (catalogue `rolling_months`) always counts as correlated: consecutive
figures share all but one month. An analyst can force either method per measure (`spc_method`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.spc.correlated import (
    MIN_BASELINE,
    dependence_threshold,
    lag_one_after_step,
    window_length,
)

#: Catalogue values of spc_method: "auto" decides per measure from its months.
METHODS = ("auto", "mdc", "autocorrelated")
#: Result values: the reference rules, or the method for correlated months.
MDC, AUTOCORRELATED = "mdc", "autocorrelated"
DEPENDENCE_Z = 1.28


@dataclass(frozen=True)
class MethodChoice:
    """The method that judges a process, the lag-one autocorrelation it saw, and why."""

    method: str
    lag_one: float
    months: int
    reason: str
    rolling_months: int | None = None

    @property
    def correlated(self) -> bool:
        return self.method == AUTOCORRELATED


def dependent_rows(
    values: np.ndarray, rolling_months: int | None = None, setting: str = "auto"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row (a process's months, NaN for gaps): judged as correlated?, r1 and months.

    r1 is measured on all the process's months, around their best single step (so a recent
    shift does not count as linkage: it is what the rules must find). Using every month rather
    than only those before the judged window finds slow movement in short series far more
    often (at 36 months, AR(1) at 0.9 is recognised 98% rather than 84% of the time, and the
    latest month's false-alarm rate falls from 12% to 7%). Rows without MIN_BASELINE figures
    before the judged window (too few to fit the model) stay with the reference rules.
    """
    y = np.asarray(values, dtype=float)
    y = y[None, :] if y.ndim == 1 else y
    n = y.shape[1]
    r1_step, _ = lag_one_after_step(y)
    m = (~np.isnan(y[:, : n - window_length(n)])).sum(axis=1)
    enough = m >= MIN_BASELINE
    if setting == MDC:
        wanted = np.zeros(len(y), dtype=bool)
    elif setting == AUTOCORRELATED or rolling_months:
        wanted = np.ones(len(y), dtype=bool)
    else:
        with np.errstate(invalid="ignore"):
            wanted = np.nan_to_num(r1_step, nan=-1.0) > dependence_threshold(
                np.maximum(m, 1), DEPENDENCE_Z
            )
    return wanted & enough, r1_step, m


def choose_method(
    values: np.ndarray, rolling_months: int | None = None, setting: str = "auto"
) -> MethodChoice:
    """The method for one process's months (oldest first, NaN for a missing month), with words."""
    if setting not in METHODS:
        raise ValueError(f"spc_method must be one of {', '.join(METHODS)}, not {setting!r}")
    dependent, r1s, ms = dependent_rows(values, rolling_months, setting)
    r1, m = float(r1s[0]), int(ms[0])
    rolling = rolling_months or None
    if m < MIN_BASELINE:
        why = (
            f"only {m} months with figures before the latest ones, and at least {MIN_BASELINE} "
            f"are needed to check whether months are linked, so the standard rules are used"
        )
        return MethodChoice(MDC, r1, m, why, rolling)
    linked = f"lag-one autocorrelation {r1:.2f}" if np.isfinite(r1) else "no movement to measure"
    if bool(dependent[0]):
        if rolling:
            why = f"each figure covers the last {rolling} months, so neighbouring months overlap"
        elif setting == AUTOCORRELATED:
            why = f"set in the catalogue ({linked})"
        else:
            why = f"each month is strongly linked to the month before ({linked})"
        return MethodChoice(AUTOCORRELATED, r1, m, why, rolling)
    if setting == MDC:
        return MethodChoice(MDC, r1, m, f"set in the catalogue ({linked})", rolling)
    return MethodChoice(MDC, r1, m, f"months behave as independent ({linked})", rolling)
