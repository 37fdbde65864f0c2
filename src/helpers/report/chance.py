"""At a glance: how many signals chance alone would give, beside how many there were.

Members see a list of signals every month; without a yardstick a handful can look like a crisis
or like noise. The yardstick comes from helpers.analysis.chance (simulated no-change series of
each measure's own shape through the same rules); How to read this pack explains the method.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis.chance import CORRELATED_SIMULATIONS
from helpers.analysis.month import MonthAnalysis
from helpers.report.markdown import html_only, table

#: spc_method values in members' words.
METHOD_WORDS = {
    "mdc": "Standard rules",
    "autocorrelated": "Own slow movement",
}


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
        f"{_about(expected)} of them in their latest month by chance (estimated by simulating "
        f"each measure moving as it normally does, slowly for some, see *How to read this "
        f"pack*); this month {did} flagged.\n"
    )


def chance_detail(month: MonthAnalysis) -> str:
    """For analysts (HTML only): each tracker measure's method, no-change model and chance."""
    chance = month.chance or {}
    probabilities = chance.get("probabilities") or {}
    if not probabilities:
        return ""
    models = chance.get("models") or {}
    verdicts = month.verdicts.set_index("measure_id")
    rows = []
    for measure_id, p in probabilities.items():
        v = verdicts.loc[measure_id] if measure_id in verdicts.index else {}
        method = str(v.get("spc_method", "")) if len(v) else ""
        linked = v.get("lag1_autocorrelation") if len(v) else None
        rows.append(
            {
                "Measure": month.catalogue[measure_id].short_title
                if measure_id in month.catalogue
                else measure_id,
                "Judged by": METHOD_WORDS.get(method, method),
                "Link (r1)": "" if linked is None or pd.isna(linked) else f"{linked:.2f}",
                "No-change model": models.get(measure_id, ""),
                "Chance": f"{100 * float(p):.1f}%",
            }
        )
    frame = pd.DataFrame(rows)
    intro = (
        "## How the chance figure was worked out\n\n"
        "Each tracker measure's chance of a latest-month signal when nothing has changed, from "
        f"{int(chance.get('simulations') or 0):,} simulated series ({CORRELATED_SIMULATIONS:,} "
        f"for a linked or rolling model; seed {chance.get('seed')}) moving as its no-change model "
        "says, run through the same decisions and rules as the measure itself. r1 is the "
        "lag-one autocorrelation of its months since the last process change, around their "
        "best single change of level: the figure the pack uses to decide how to judge it. "
        "The expected number of chance signals is the "
        f"sum of the chances: {float(chance.get('expected') or 0):.2f}.\n\n"
    )
    return html_only(
        intro
        + table(
            frame, "Each tracker measure's chance of a signal by chance alone", "chance", "llrlr"
        )
    )
