"""Families of monthly series whose truth is known, for judging the signal rules by simulation.

Every statistical claim the pack prints is checked against series made here (the tests and
benchmarks/bench_signals.py): with no change at all, how often is the latest month flagged, and
with a real shift, how often is it found? Each family returns a matrix, one series per row,
scaled so that "a shift of 3 standard deviations" means 3 of the family's own:
- independent: independent normal months (SD 1);
- binomial: percentages from binomial counts with denominators varying from 40 to 200
  (SD: the binomial SD at the average denominator);
- ar<phi>: AR(1) months with lag-one coefficient phi, scaled to a long-run SD of 1;
- rolling<N>: rolling N-month sums of independent Poisson(100) monthly counts; the shift is
  3 SD of the monthly counts, added to the monthly counts of the shifted months.
"""

from __future__ import annotations

import numpy as np

MONTHS = 67
SHIFT_MONTHS = 8
FAMILIES = (
    "independent",
    "binomial",
    "ar0.3",
    "ar0.6",
    "ar0.9",
    "rolling3",
    "rolling6",
    "rolling12",
)
BINOMIAL_P = 0.3
POISSON_MEAN = 100.0


def rolling_window(family: str) -> int | None:
    """N for a rolling<N> family, else None."""
    return int(family.removeprefix("rolling")) if family.startswith("rolling") else None


def series(
    family: str,
    count: int,
    rng: np.random.Generator,
    months: int = MONTHS,
    shift_sd: float = 0.0,
    shift_months: int = SHIFT_MONTHS,
) -> np.ndarray:
    """`count` series of `months` months from the family, with a sustained shift of `shift_sd`
    of the family's standard deviations over the last `shift_months` months (0: no change)."""
    step = np.zeros(months)
    step[months - shift_months :] = shift_sd
    if family == "independent":
        return rng.standard_normal((count, months)) + step
    if family == "binomial":
        denominators = rng.integers(40, 201, (count, months))
        sd = np.sqrt(BINOMIAL_P * (1 - BINOMIAL_P) / 120)
        p = np.clip(BINOMIAL_P + step * sd, 0, 1)
        return 100 * rng.binomial(denominators, p) / denominators
    if family.startswith("ar"):
        phi = float(family.removeprefix("ar"))
        burn = 100
        shocks = rng.standard_normal((count, months + burn))
        x = np.empty_like(shocks)
        x[:, 0] = shocks[:, 0] / np.sqrt(1 - phi**2)
        for t in range(1, months + burn):
            x[:, t] = phi * x[:, t - 1] + shocks[:, t]
        return x[:, burn:] * np.sqrt(1 - phi**2) + step
    window = rolling_window(family)
    if window:
        flows = rng.poisson(POISSON_MEAN, (count, months + window - 1)).astype(float)
        flows[:, window - 1 :] += step * np.sqrt(POISSON_MEAN)
        total = np.cumsum(np.concatenate([np.zeros((count, 1)), flows], axis=1), axis=1)
        return total[:, window:] - total[:, :-window]
    raise ValueError(f"unknown family {family!r}; use one of {', '.join(FAMILIES)}")
