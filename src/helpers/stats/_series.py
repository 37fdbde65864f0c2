"""Turning inputs into monthly series, and picking the latest month and its baseline.

Every check accepts plain lists or pandas Series. A Series indexed by month (PeriodIndex or
DatetimeIndex) is put on a complete monthly PeriodIndex, so a month absent from the index
becomes NaN, exactly like a month present with NaN: both are "missing months".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

#: A baseline is either "the N months before the latest" or an explicit list of months.
Baseline = int | Sequence[Any]


def as_series(values: Any, name: str | None = None) -> pd.Series:
    """A float Series; monthly indexes become a gap-free PeriodIndex (freq M), sorted.

    Month labels may be Periods, Timestamps or strings like "2024-03"; any other index is
    treated as consecutive points in order.
    """
    if isinstance(values, pd.Series):
        s = values.astype(float)
    elif isinstance(values, Iterable) and not isinstance(values, str | bytes):
        s = pd.Series(list(values), dtype=float)
    else:
        raise TypeError(f"Expected a Series or a list of numbers, got {type(values).__name__}")
    if name is not None:
        s = s.rename(name)
    idx = s.index
    if isinstance(idx, pd.PeriodIndex) and idx.freqstr == "M" and _complete(idx):
        return s  # already a gap-free run of months, oldest first: nothing to sort or fill
    if isinstance(idx, pd.DatetimeIndex):
        s.index = idx.to_period("M")
    elif isinstance(idx, pd.PeriodIndex):
        s.index = idx.asfreq("M")
    elif len(idx) and all(isinstance(k, str) for k in idx):
        try:  # month labels such as "2024-03"
            s.index = pd.PeriodIndex(idx, freq="M")
        except (ValueError, TypeError):
            return s.reset_index(drop=True)
    else:
        return s.reset_index(drop=True) if not isinstance(idx, pd.RangeIndex) else s
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()][0]
        raise ValueError(f"Month {dup} appears more than once; give one value per month.")
    s = s.sort_index()
    if len(s):
        full = pd.period_range(s.index.min(), s.index.max(), freq="M")
        s = s.reindex(full)
    return s


def _complete(idx: pd.PeriodIndex) -> bool:
    """Whether the months run oldest first with none missing and none repeated."""
    if len(idx) == 0:
        return True
    span = idx[-1].ordinal - idx[0].ordinal + 1
    return span == len(idx) and idx.is_monotonic_increasing and idx.is_unique


def is_monthly(s: pd.Series) -> bool:
    return isinstance(s.index, pd.PeriodIndex)


def align(*series: pd.Series) -> list[pd.Series]:
    """Put several series on one index (the union), so month i means the same month in each."""
    frame = pd.concat(list(series), axis=1)
    if isinstance(frame.index, pd.PeriodIndex) and len(frame):
        frame = frame.sort_index().reindex(
            pd.period_range(frame.index.min(), frame.index.max(), freq="M")
        )
    return [frame.iloc[:, i] for i in range(frame.shape[1])]


def month_offsets(index: pd.Index) -> np.ndarray:
    """Time in months from the first label (positions when the index is not monthly)."""
    if isinstance(index, pd.PeriodIndex):
        return np.asarray(index.asi8 - index.asi8[0], dtype=float) if len(index) else np.array([])
    return np.arange(len(index), dtype=float)


def label(key: Any) -> str:
    """A month as members read it: 'Mar 2025' (or the position for plain lists)."""
    if isinstance(key, pd.Period):
        return key.strftime("%b %Y")
    return f"point {key}" if isinstance(key, int | np.integer) else str(key)


def baseline_labels(index: pd.Index, baseline: Baseline) -> list[Any]:
    """The months pooled as the baseline for the latest month (the last label of the index).

    An int N means the N months immediately before the latest; a sequence names the months.
    """
    if len(index) == 0:
        return []
    if isinstance(baseline, int | np.integer):
        if baseline < 1:
            raise ValueError("baseline must be at least one month")
        return list(index[max(0, len(index) - 1 - int(baseline)) : len(index) - 1])
    wanted = list(baseline)
    if isinstance(index, pd.PeriodIndex):
        wanted = [pd.Period(w, freq="M") for w in wanted]
    return [w for w in wanted if w in index and w != index[-1]]
