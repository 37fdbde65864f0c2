"""Numbers into words members can read: units, p-values as "1 time in N", better or worse.

Kept in one place so every check phrases values, changes and chance the same way.
"""

from __future__ import annotations

import math

from helpers.numbers import is_missing, unit_change, unit_value

ALPHA = 0.05


def fmt_value(v: float, unit: str = "", decimals: int = 1) -> str:
    """A value with its unit: 31.2%, 45.1 per 10,000 children, 12 days, 1,234."""
    if unit == "count" and not is_missing(v) and float(v).is_integer():
        decimals = 0
    return unit_value(v, unit, decimals, long=True, missing="no figure")


def fmt_change(v: float, unit: str = "", decimals: int = 1) -> str:
    """A size of change (always positive): 1.2 percentage points, 3.0 per 10,000 children."""
    return unit_change(v, unit, decimals)


def fmt_p(p: float) -> str:
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def chance(p: float, what: str = "a difference this big") -> str:
    """'chance alone would give a difference this big about 1 time in 40 (p = 0.025)'."""
    if p < 0.001:
        odds = "less than 1 time in 1,000"
    elif p >= 0.5:
        odds = "about half the time or more"
    else:
        odds = f"about 1 time in {round(1 / p):,}"
    return f"chance alone would give {what} {odds} ({fmt_p(p)})"


def judgement(change: float, direction: str) -> str:
    """' (better)', ' (worse)' or '' for a neutral measure or no change.

    Callers add it only to changes beyond normal variation: calling noise better or worse is
    exactly the misreading the pack exists to stop.
    """
    if direction not in ("increase", "decrease") or change == 0 or math.isnan(change):
        return ""
    better = (change > 0) == (direction == "increase")
    return " (better)" if better else " (worse)"


def result_ending(change: float, direction: str, significant: bool, p: float) -> str:
    """The end of a test's sentence: ' (worse): a real change, as chance alone would give ...'.

    Shared by the proportion and rate tests so both say a result the same way.
    """
    verdict = "a real change" if significant else "within normal variation"
    judged = judgement(change, direction) if significant else ""
    return f"{judged}: {verdict}, as {chance(p)}."


def higher_lower(change: float) -> str:
    return "higher than" if change > 0 else "lower than" if change < 0 else "the same as"
