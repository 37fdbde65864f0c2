"""Laney p' and u' limits: the shared arithmetic.

Large denominators make classic p and u chart limits so narrow that nearly every month looks
"special". Laney's fix measures the month-to-month spread of the standardised values z and
widens (or narrows) the limits by it:

    z_i = (x_i - centre) / sigma_i,   sigma_z = mean |z_i - z_(i-1)| / 1.128,
    limits_i = centre +/- 3 * sigma_i * sigma_z.

Missing months (NaN value or no denominator) are left out of the centre and of sigma_z: moving
ranges are taken between consecutive months that have figures. A month with a denominator but no
value still gets limits (they depend only on its denominator); a month with no denominator does
not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.stats import _series
from helpers.stats.wording import fmt_value

D2 = 1.128  # the bias constant for moving ranges of two points


@dataclass(frozen=True, eq=False)
class LaneyLimits:
    """Per-month Laney limits, in the measure's units (proportion x multiplier)."""

    centre: float
    lower: pd.Series
    upper: pd.Series
    values: pd.Series
    outside: pd.Series
    sigma_z: float
    n_months: int
    plain_english: str
    #: The z-scores' spread around the centre, sqrt(mean z^2): unlike sigma_z (from moving
    #: ranges) it includes slow wandering, which a comparison across a year must allow for.
    spread_z: float = float("nan")

    @property
    def outside_months(self) -> list:
        return list(self.outside.index[self.outside.to_numpy()])

    @property
    def latest_outside(self) -> bool:
        return bool(len(self.outside)) and bool(self.outside.iloc[-1])


def laney_limits(
    rates: pd.Series,
    centre: float,
    sigma: pd.Series,
    *,
    multiplier: float = 1.0,
    upper_bound: float | None = None,
    unit: str = "",
    decimals: int = 1,
) -> LaneyLimits:
    """Laney limits given each month's rate, the centre line and each month's sigma.

    Lower limits are clipped at 0 and upper limits at upper_bound (1 for proportions).
    """
    ok = rates.notna() & sigma.notna() & np.isfinite(sigma)
    n = int(ok.sum())
    z = (rates[ok] - centre) / sigma[ok].where(sigma[ok] > 0)
    moving = z.diff().abs().dropna()
    sigma_z = float(moving.mean() / D2) if len(moving) else float("nan")
    if np.all(sigma[ok] == 0) and n:
        sigma_z = 0.0  # every month sits on the centre (all 0% or all 100%): no spread at all
    half = 3 * sigma * sigma_z
    lower = (centre - half).clip(lower=0.0)
    upper = centre + half
    if upper_bound is not None:
        upper = upper.clip(upper=upper_bound)
    lower, upper = lower.where(sigma.notna()), upper.where(sigma.notna())
    outside = ok & ((rates > upper) | (rates < lower))
    scale = float(multiplier)
    result_values = rates * scale
    if n < 2 or np.isnan(sigma_z):
        text = "Too few months with figures to set the range of normal variation."
    else:
        k = int(outside.sum())
        last = outside.index[-1]
        lead = f"The average is {fmt_value(centre * scale, unit, decimals)}; "
        if k == 0:
            text = lead + f"all {n} months are within the range expected from normal variation."
        else:
            latest = " including the latest" if bool(outside.loc[last]) else ""
            text = lead + (
                f"{k} of {n} months{latest} {'falls' if k == 1 else 'fall'} outside the range "
                "expected from normal variation."
            )
    return LaneyLimits(
        centre=centre * scale,
        lower=lower * scale,
        upper=upper * scale,
        values=result_values,
        outside=outside.astype(bool),
        sigma_z=sigma_z,
        n_months=n,
        plain_english=text,
        spread_z=float(np.sqrt(np.mean(z.dropna() ** 2))) if z.notna().any() else float("nan"),
    )


def _pair(a: object, b: object, names: tuple[str, str]) -> tuple[pd.Series, pd.Series]:
    x, y = _series.align(_series.as_series(a, names[0]), _series.as_series(b, names[1]))
    bad = ~(y > 0)  # no (or zero) denominator: the month is missing
    return x.where(~bad), y.where(~bad)
