"""Statistical evidence beside each measure's SPC verdict (statsmodels; pure functions).

Each check takes plain numbers or a monthly pandas Series (PeriodIndex or DatetimeIndex; NaN or
an absent month means a missing month) and returns a small frozen dataclass holding the numbers
and a `plain_english` sentence for members. `evidence_for` runs the checks suited to a measure.
"""

from helpers.stats.autocorrelation import Autocorrelation, ljung_box
from helpers.stats.counts import RateTest, compare_rates, laney_u, poisson_vs_baseline
from helpers.stats.evidence import NUMBER_KEYS, Evidence, evidence_for
from helpers.stats.laney import LaneyLimits
from helpers.stats.multiple import MultipleTesting, bh_adjust
from helpers.stats.proportions import (
    ProportionComparison,
    ProportionTest,
    WilsonInterval,
    compare_proportions,
    laney_p,
    two_proportion_test,
    wilson_interval,
)
from helpers.stats.seasonality import (
    SeasonalAdjustment,
    Seasonality,
    seasonal_strength,
    seasonally_adjusted,
)
from helpers.stats.trend import Trend, newey_west_lags, trend_slope

__all__ = [
    "NUMBER_KEYS",
    "Autocorrelation",
    "Evidence",
    "LaneyLimits",
    "MultipleTesting",
    "ProportionComparison",
    "ProportionTest",
    "RateTest",
    "SeasonalAdjustment",
    "Seasonality",
    "Trend",
    "WilsonInterval",
    "bh_adjust",
    "compare_proportions",
    "compare_rates",
    "evidence_for",
    "laney_p",
    "laney_u",
    "ljung_box",
    "newey_west_lags",
    "poisson_vs_baseline",
    "seasonal_strength",
    "seasonally_adjusted",
    "trend_slope",
    "two_proportion_test",
    "wilson_interval",
]
