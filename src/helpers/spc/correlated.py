"""Judging the latest month of a slow-moving or rolling series, where the XmR rules cry wolf.

XmR limits come from the average month-to-month move. When each month is mostly last month's
children (a stock such as children in care) or most of last month's window (a rolling 12-month
rate), that move is small beside the series' real spread: the limits come out too narrow and
runs of seven on one side of the average are ordinary. On 67 no-change months the reference rules
flag the latest month 14% of the time at lag-one correlation 0.5 and 66% for a rolling 12-month
sum (issue 18). This module is the method used instead; helpers.spc.ptd_spc stays the reference.

The method (Montgomery, *Introduction to Statistical Quality Control*, on autocorrelated data;
Alwan and Roberts 1988): an AR(1) model with a mean is fitted to the months of the current
process *before* the judged window (the last WINDOW months), and the window is judged against it:
- **limits**: the centre is the fitted mean and the limits are 3 of the series' own long-run
  standard deviations either side, sigma_e / sqrt(1 - phi^2); a month outside them is unusual
  for a series that wanders this much ("Above UCL" / "Below LCL", as in the reference);
- **a sudden jump**: a month more than 3 standard errors from the model's one-step-ahead
  prediction (made from the last month with a figure);
- **a sustained shift**: a two-sided CUSUM (k = 0.75, h = 5) of the standardised one-step
  prediction errors from the start of the window; no run rules, because runs are normal here.
The lag-one coefficient is bias-corrected (Kendall: phi + (1 + 3 phi) / m) and held in
[0, 0.98]. Fitting before the window keeps a recent shift from hiding in the fit. A short
baseline is allowed for twice: the limits widen for the uncertainty of the fitted centre (m
linked months carry the information of about m (1 - phi) / (1 + phi) independent ones), and every
threshold (3 for limits and jumps, h for the CUSUM) is stretched by Student's t at the same tail
with the baseline's degrees of freedom; the CUSUM's k grows by 1 / sqrt(m), the typical bias an
estimated centre gives each prediction error.

Everything works on a matrix, one series per row (NaN for a missing month), so the chance
simulation (helpers.analysis.chance) runs thousands of series through the same code as the
month's verdict. The settings were chosen by seeded simulation
(tests/spc/test_signal_calibration.py, benchmarks/bench_signals.py): on 67 no-change months the
pack's whole decision flags the latest month at most about 2.5% of the time for AR(1) series with
phi 0 to 0.95 and rolling 3-, 6- and 12-month sums, and a 3-standard-deviation shift over the
last 8 months is found about 98% of the time for rolling sums and 45 to 60% for AR(1) with phi
0.9 and 0.95 (a slow drift and a real step are hard to tell apart there). Shorter processes are
harder: at 36 months up to about 6% with no change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Months at the end of the current process judged against the model fitted before them.
WINDOW = 12
#: Months with figures needed before the window to fit the model (and to test dependence).
MIN_BASELINE = 12
LIMIT_SIGMA = 3.0
JUMP_SIGMA = 3.0
CUSUM_K = 0.75
CUSUM_H = 5.0
PHI_MAX = 0.98
MEAN_ALLOWANCE = 1.0

CUSUM_MEAN_K = 1.0

#: Rule codes per point, and their labels (limit rules reuse the reference's labels).
COMMON, ABOVE, BELOW, JUMP_UP, JUMP_DOWN, SHIFT_UP, SHIFT_DOWN, MISSING = range(8)
LABELS = (
    "Common Cause",
    "Above UCL",
    "Below LCL",
    "Sudden Jump (Increasing)",
    "Sudden Jump (Decreasing)",
    "Sustained Shift Above Prediction",
    "Sustained Shift Below Prediction",
    "Missing",
)
SIGN = np.array([0, 1, -1, 1, -1, 1, -1, 0], dtype=np.int8)


def t_quantile_at_3_sigma(dof: np.ndarray) -> np.ndarray:
    """Student's t quantile with the normal's tail beyond 3 (0.135%), for `dof` degrees of freedom.

    The Cornish-Fisher expansion in 1/dof (Abramowitz and Stegun 26.7.5), so the SPC path needs
    no scipy; within 0.5% of the exact quantile from 8 degrees of freedom up (tested).
    """
    z = 3.0
    v = np.maximum(np.asarray(dof, dtype=float), 1.0)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4


def window_length(n: int) -> int:
    """Months judged: 12 once there are three years, else a third of the months (at least 1)."""
    return WINDOW if n >= 3 * WINDOW else max(1, n // 3)


def _as_matrix(values: np.ndarray) -> np.ndarray:
    y = np.asarray(values, dtype=float)
    return y[None, :] if y.ndim == 1 else y


def lag_one(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lag-one autocorrelation of each row (pairs of neighbouring months with figures), and m.

    m is the number of months with figures. Rows with fewer than 3 figures or no spread give NaN.
    """
    y = _as_matrix(values)
    present = ~np.isnan(y)
    m = present.sum(axis=1)
    mean = np.nansum(y, axis=1) / np.maximum(m, 1)
    x = np.where(present, y - mean[:, None], 0.0)
    pairs = (x[:, 1:] * x[:, :-1]).sum(axis=1)
    total = (x**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r1 = np.where((m >= 3) & (total > 0), pairs / total, np.nan)
    return r1, m


def lag_one_after_step(values: np.ndarray, min_side: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Lag-one autocorrelation of each row around its best single change of level, and m.

    One step in level (a real shift, which the reference rules exist to find) makes independent
    months look linked: every month after it sits on the same side of the overall mean. So the
    level is allowed one step, placed where it explains most (at least `min_side` figures each
    side), before the months are tested. A slow-moving series stays linked around any one step.
    """
    y = _as_matrix(values)
    rows, n = y.shape
    present = ~np.isnan(y)
    m = present.sum(axis=1)
    filled = np.where(present, y, 0.0)
    count = np.cumsum(present, axis=1)
    total = np.cumsum(filled, axis=1)
    grand = total[:, -1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        left = total / count
        right = (grand - total) / (m[:, None] - count)
        gain = count * (m[:, None] - count) / m[:, None] * (left - right) ** 2
    allowed = (count >= min_side) & (m[:, None] - count >= min_side) & present
    gain = np.where(allowed & np.isfinite(gain), gain, -1.0)
    cut = np.argmax(gain, axis=1)
    stepped = gain[np.arange(rows), cut] >= 0
    level_left = left[np.arange(rows), cut][:, None]
    level_right = right[np.arange(rows), cut][:, None]
    mean = grand / np.maximum(m[:, None], 1)
    fitted = np.where(
        stepped[:, None],
        np.where(np.arange(n)[None, :] <= cut[:, None], level_left, level_right),
        mean,
    )
    x = np.where(present, y - fitted, 0.0)
    pairs = (x[:, 1:] * x[:, :-1]).sum(axis=1)
    spread = (x**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r1 = np.where((m >= 3) & (spread > 0), pairs / spread, np.nan)
    return r1, m


def dependence_threshold(m: np.ndarray | int, z: float) -> np.ndarray:
    """The lag-one autocorrelation above which months are not treated as independent.

    Under independence r1 is about normal with mean -1/m and variance 1/m (Bartlett), so this
    is a one-sided test at the level z gives.
    """
    m = np.asarray(m, dtype=float)
    return -1.0 / m + z / np.sqrt(m)


@dataclass(frozen=True)
class CorrelatedFit:
    """Per row: the fitted model and every month's judgement (arrays, one row per series)."""

    centre: np.ndarray  # (rows,)
    sigma: np.ndarray  # long-run standard deviation of the series
    sigma_e: np.ndarray  # one-step prediction standard error
    phi: np.ndarray
    window_start: int  # column where the judged window starts
    z: np.ndarray  # (rows, n) standardised one-step prediction errors (NaN where none)
    cusum_up: np.ndarray
    cusum_down: np.ndarray
    codes: np.ndarray  # (rows, n) rule codes (COMMON ... MISSING)
    fitted: np.ndarray  # (rows,) whether there were enough months to fit
    half_width: np.ndarray  # (rows,) from the centre to each limit

    @property
    def lower(self) -> np.ndarray:
        return self.centre - self.half_width

    @property
    def upper(self) -> np.ndarray:
        return self.centre + self.half_width

    def latest_flag(self) -> np.ndarray:
        """Whether each row's last month is beyond normal variation."""
        last = self.codes[:, -1]
        return (last != COMMON) & (last != MISSING)


def fit_and_judge(values: np.ndarray, window: int | None = None) -> CorrelatedFit:
    """Fit AR(1) before the judged window and judge every month of each row (the current process).

    `values`: one series (1-D) or a matrix with one series per row, all of the same months,
    NaN where a month has no figure. Rows without MIN_BASELINE figures before the window are
    not fitted (fitted False, every code COMMON or MISSING).
    """
    y = _as_matrix(values)
    rows, n = y.shape
    w = window_length(n) if window is None else window
    start = n - w
    present = ~np.isnan(y)
    base = y[:, :start]
    base_present = present[:, :start]
    m = base_present.sum(axis=1)
    fitted = m >= MIN_BASELINE
    centre = np.nansum(base, axis=1) / np.maximum(m, 1)
    x_base = np.where(base_present, base - centre[:, None], 0.0)
    pairs = base_present[:, 1:] & base_present[:, :-1]
    lagged = x_base[:, :-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        phi_hat = (x_base[:, 1:] * lagged).sum(axis=1) / (lagged**2 * pairs).sum(axis=1)
    phi_hat = np.nan_to_num(phi_hat)
    phi = np.clip(phi_hat + (1 + 3 * phi_hat) / np.maximum(m, 1), 0.0, PHI_MAX)
    resid = np.where(pairs, x_base[:, 1:] - phi[:, None] * lagged, 0.0)
    dof = np.maximum(pairs.sum(axis=1) - 2, 1)
    sigma_e = np.sqrt((resid**2).sum(axis=1) / dof)
    sigma = sigma_e / np.sqrt(1 - phi**2)
    # The centre is itself uncertain: m linked months carry the information of about
    # m (1 - phi) / (1 + phi) independent ones. The limits allow for that uncertainty.
    centre_var = (1 + phi) / ((1 - phi) * np.maximum(m, 1))
    # sigma_e is estimated from the baseline's few months: Student's t with their degrees of
    # freedom, at the normal 3-sigma tail, in place of 3 (3.5 for 24 months, 3.2 for 55).
    dof_e = np.maximum(pairs.sum(axis=1) - 2, 1)
    stretch = t_quantile_at_3_sigma(dof_e) / 3.0
    half_width = LIMIT_SIGMA * stretch * sigma * np.sqrt(1 + MEAN_ALLOWANCE * centre_var)
    # ...and it biases every prediction error by about 1 / sqrt(m) standard errors, whatever
    # phi is, so the CUSUM's allowance k grows by that much.
    k = CUSUM_K + CUSUM_MEAN_K / np.sqrt(np.maximum(m, 1))

    x = y - centre[:, None]
    z = np.full((rows, n), np.nan)
    last_x = np.full(rows, np.nan)
    gap = np.zeros(rows)
    for t in range(n):
        here = present[:, t]
        gap += 1
        g = gap
        with np.errstate(invalid="ignore", divide="ignore"):
            prediction = phi**g * last_x
            spread = sigma_e * np.sqrt(np.where(phi > 0, (1 - phi ** (2 * g)) / (1 - phi**2), 1.0))
            z[:, t] = np.where(here & ~np.isnan(last_x), (x[:, t] - prediction) / spread, np.nan)
        last_x = np.where(here, x[:, t], last_x)
        gap = np.where(here, 0, gap)
    z = np.where(np.isfinite(z), z, np.nan)

    up = np.zeros((rows, n))
    down = np.zeros((rows, n))
    s_up = np.zeros(rows)
    s_down = np.zeros(rows)
    for t in range(start, n):
        step = np.nan_to_num(z[:, t])  # a missing month leaves the sums where they were
        moved = ~np.isnan(z[:, t])
        s_up = np.where(moved, np.maximum(0.0, s_up + step - k), s_up)
        s_down = np.where(moved, np.maximum(0.0, s_down - step - k), s_down)
        up[:, t], down[:, t] = s_up, s_down

    codes = np.full((rows, n), COMMON, dtype=np.int8)
    limit = half_width[:, None]
    rules = (
        (up > CUSUM_H * stretch[:, None], SHIFT_UP),
        (down > CUSUM_H * stretch[:, None], SHIFT_DOWN),
        (z > JUMP_SIGMA * stretch[:, None], JUMP_UP),
        (z < -JUMP_SIGMA * stretch[:, None], JUMP_DOWN),
        (x > limit, ABOVE),
        (x < -limit, BELOW),
    )
    for mask, code in rules:  # later rules take precedence: limits, then jumps, then shifts
        codes[mask] = code
    codes[~fitted] = COMMON
    codes[~present] = MISSING
    return CorrelatedFit(centre, sigma, sigma_e, phi, start, z, up, down, codes, fitted, half_width)


def rolling_flows(monthly: np.ndarray, window: int) -> np.ndarray:
    """Rolling `window`-month sums of monthly figures (rows of length n + window - 1 -> n)."""
    flows = _as_matrix(monthly)
    total = np.cumsum(np.concatenate([np.zeros((flows.shape[0], 1)), flows], axis=1), axis=1)
    return total[:, window:] - total[:, :-window]
