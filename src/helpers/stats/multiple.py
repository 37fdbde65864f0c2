"""Many measures, many tests: Benjamini-Hochberg adjustment across the month's measures.

Testing 40 measures at 5% would flag about two by chance alone each month; the BH adjustment
controls the expected share of false discoveries among the flagged ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from helpers.stats.wording import ALPHA


@dataclass(frozen=True, eq=False)
class MultipleTesting:
    """BH-adjusted p-values in the input's order (NaN in, NaN out)."""

    adjusted: pd.Series
    significant: pd.Series
    n_tests: int
    plain_english: str


def bh_adjust(
    p_values: Sequence[float] | Mapping[str, float] | pd.Series, *, alpha: float = ALPHA
) -> MultipleTesting:
    """Benjamini-Hochberg (statsmodels multipletests, fdr_bh); NaNs are not counted as tests."""
    if isinstance(p_values, Mapping) and not isinstance(p_values, pd.Series):
        p = pd.Series(dict(p_values), dtype=float)
    else:
        p = pd.Series(p_values, dtype=float)
    adjusted = pd.Series(np.nan, index=p.index, name="p_adjusted")
    significant = pd.Series(False, index=p.index, name="significant_after_adjustment")
    ok = p.notna().to_numpy()
    m = int(ok.sum())
    if m:
        reject, p_adj, _, _ = multipletests(p.to_numpy()[ok], alpha=alpha, method="fdr_bh")
        adjusted[ok] = p_adj
        significant[ok] = reject
    k = int(significant.sum())
    text = (
        f"After allowing for testing {m} measures at once, {k} "
        f"{'change stands' if k == 1 else 'changes stand'} out beyond chance."
    )
    return MultipleTesting(adjusted, significant, m, text)
