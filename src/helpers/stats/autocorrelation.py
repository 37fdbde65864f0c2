"""Autocorrelation: does each month tend to resemble the month before (Ljung-Box test)?

SPC limits assume months are independent. When they are not, the limits come out too narrow and
some "signals" are false alarms, so members are told when that is likely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.diagnostic import acorr_ljungbox

from helpers.stats import _series
from helpers.stats.wording import ALPHA, fmt_p

NAN = float("nan")
MIN_MONTHS = 8


@dataclass(frozen=True)
class Autocorrelation:
    """Ljung-Box Q at one lag."""

    q: float
    lag: int
    p_value: float
    n_months: int
    significant: bool
    plain_english: str
    reason: str | None = None


def ljung_box(
    series: pd.Series | list,
    *,
    centre: float | pd.Series | None = None,
    lag: int | None = None,
    alpha: float = ALPHA,
) -> Autocorrelation:
    """Ljung-Box at lag min(12, n // 4) on the series, or on its residuals from `centre`.

    `centre` may be the SPC centre line (a number, or a Series when the line steps). Missing
    months are dropped and the months either side treated as neighbours.
    """
    s = _series.as_series(series)
    if centre is not None:
        c = centre if np.isscalar(centre) else _series.as_series(centre).reindex(s.index)
        s = s - c
    y = s.dropna().to_numpy()
    n = len(y)
    if n < MIN_MONTHS:
        reason = f"only {n} months with figures; the check needs at least {MIN_MONTHS}"
        return Autocorrelation(
            NAN, 0, NAN, n, False, f"Month-to-month dependence not checked: {reason}.", reason
        )
    k = lag if lag is not None else min(12, n // 4)
    if np.ptp(y) == 0:
        return Autocorrelation(
            0.0, k, 1.0, n, False, "The figure never changes, so there is nothing to check."
        )
    table = acorr_ljungbox(y, lags=[k], return_df=True)
    q, pv = float(table["lb_stat"].iloc[0]), float(table["lb_pvalue"].iloc[0])
    sig = pv < alpha
    if sig:
        text = (
            f"Each month tends to resemble the months before it ({fmt_p(pv)}), so the process "
            f"limits may be too narrow and some signals may be false alarms."
        )
    else:
        text = (
            f"No sign that months depend on the months before ({fmt_p(pv)}), so the process "
            f"limits can be taken at face value."
        )
    return Autocorrelation(q, k, pv, n, sig, text)
