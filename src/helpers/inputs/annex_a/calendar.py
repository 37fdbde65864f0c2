"""Working days: Monday to Friday, less England's bank holidays (from the `holidays` package).

Timescales such as "within 45 working days" count from the start date as day 0, so an
assessment started on a Monday and authorised on the Tuesday took 1 working day; this is
`numpy.busday_count(start, end, holidays=...)`, which counts the working days in [start, end).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd


@lru_cache(maxsize=8)
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England's bank holidays (including substitute days) for the years, as datetime64[D]."""
    import holidays

    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def working_days(start: pd.Series | np.ndarray, end: pd.Series | np.ndarray) -> np.ndarray:
    """Working days from each start (day 0) to each end; both must be real dates."""
    starts = np.asarray(pd.to_datetime(start).values, dtype="datetime64[D]")
    ends = np.asarray(pd.to_datetime(end).values, dtype="datetime64[D]")
    if starts.size == 0:
        return np.zeros(0, dtype=int)
    years = pd.DatetimeIndex(np.concatenate([starts, ends])).year
    return np.busday_count(starts, ends, holidays=bank_holidays(int(years.min()), int(years.max())))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """working_days for one pair of dates (for messages and tests)."""
    return int(working_days(pd.Series([start]), pd.Series([end]))[0])
