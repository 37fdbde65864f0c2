"""At a glance: how many signals chance alone would give, beside how many there were.

Members see a list of signals every month; without a yardstick a handful can look like a crisis
or like noise. The yardstick comes from helpers.analysis.chance (simulated no-change series of
each measure's own shape through the same rules); How to read this pack explains the method.
"""

from __future__ import annotations

from helpers.analysis.month import MonthAnalysis


def _about(expected: float) -> str:
    if expected < 10:
        return f"{expected:.1f}"
    return f"{expected:.0f}"


def chance_sentence(month: MonthAnalysis) -> str:
    """One sentence: expected chance signals among the tracker measures, and how many there were."""
    chance = month.chance or {}
    measures = int(chance.get("measures") or 0)
    if not measures:
        return ""
    observed = int(chance.get("observed") or 0)
    expected = float(chance.get("expected") or 0.0)
    did = f"{observed} {'was' if observed == 1 else 'were'}"
    return (
        f"**Chance alone:** if nothing had changed in any of the {measures} tracker measures "
        f"with a figure this month, the rules would still be expected to flag about "
        f"{_about(expected)} of them in their latest month by chance (estimated by simulation, "
        f"see *How to read this pack*); this month {did} flagged.\n"
    )
