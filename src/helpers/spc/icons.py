"""Making Data Count variation and assurance icons, named as in NHSRplotthedots.

The variation icon reads the latest point's type; the assurance icon compares the target with the
latest process limits (a target beyond a limit is consistently met or missed; between or on the
limits it is hit and miss).
"""

from __future__ import annotations

import math

COMMON_CAUSE = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"
MISSING = "missing"

CONSISTENT_PASS = "consistent_pass"
CONSISTENT_FAIL = "consistent_fail"
INCONSISTENT = "inconsistent"


def variation_icon(point_type: str, direction: int) -> str:
    """Icon path for a point type, e.g. 'variation/improvement_high.svg'.

    Improvement/concern icons say whether the value is high or low, which depends on the direction:
    improvement is high when increase is good, concern is high when decrease is good.
    """
    if point_type == IMPROVEMENT:
        name = "improvement_high" if direction >= 0 else "improvement_low"
    elif point_type == CONCERN:
        name = "concern_low" if direction >= 0 else "concern_high"
    elif point_type == NEUTRAL_HIGH:
        name = "neutral_high"
    elif point_type == NEUTRAL_LOW:
        name = "neutral_low"
    elif point_type == COMMON_CAUSE:
        name = "common_cause"
    else:
        raise ValueError(f"no variation icon for point type {point_type!r}")
    return f"variation/{name}.svg"


def assurance_type(target: float | None, lpl: float, upl: float, direction: int) -> str | None:
    """'consistent_pass' | 'consistent_fail' | 'inconsistent', or None without a target or neutral.

    As in the reference, anything that is not clearly beyond a limit is inconsistent: a target
    equal to a limit, a NaN target (a facet left out of a target mapping) and missing limits (a
    group of one point, a flat screened group). The pack's wording treats missing limits as
    "nothing can be said yet" before calling this.
    """
    if target is None or direction == 0:
        return None
    if target > upl:
        return CONSISTENT_FAIL if direction > 0 else CONSISTENT_PASS
    if target < lpl:
        return CONSISTENT_PASS if direction > 0 else CONSISTENT_FAIL
    return INCONSISTENT


def assurance_when_limits(
    target: float | None, lpl: float, upl: float, direction: int
) -> str | None:
    """The pack's reading: like assurance_type, but None while there are no limits to judge by.

    The reference calls that case "inconsistent"; members are told nothing rather than "hit
    and miss" about a measure that has not varied yet.
    """
    if math.isnan(lpl) or math.isnan(upl):
        return None
    return assurance_type(target, lpl, upl, direction)


def assurance_icon(kind: str) -> str:
    """Icon path for an assurance type, e.g. 'assurance/pass.svg'."""
    names = {CONSISTENT_PASS: "pass", CONSISTENT_FAIL: "fail", INCONSISTENT: "inconsistent"}
    if kind not in names:
        raise ValueError(f"no assurance icon for {kind!r}")
    return f"assurance/{names[kind]}.svg"
