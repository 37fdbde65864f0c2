"""Validated settings for one SPC run: the reference behaviour and the Making Data Count variants.

The defaults reproduce NHSRplotthedots 0.2.2. The variants are the places where current NHS England
practice (the Making Data Count spreadsheet tool and its 2023 guidance) differs; they are opt-in so
that a pack built with the defaults can be checked against the reference package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DIRECTIONS: dict[str, int] = {"increase": 1, "neutral": 0, "decrease": -1}
TWO_IN_THREE_MODES = ("reference", "mdc2023")
RUN_LENGTHS = (6, 7)


def direction_code(direction: str, facet: Any = None) -> int:
    """Turn 'increase' / 'neutral' / 'decrease' into +1 / 0 / -1, rejecting anything else."""
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        where = "" if facet is None else f" for facet {facet!r}"
        raise ValueError(
            f"improvement_direction{where} must be one of 'increase', 'decrease', 'neutral'; "
            f"got {direction!r}"
        )
    return DIRECTIONS[direction]


@dataclass(frozen=True)
class SPCOptions:
    """The rule settings that do not depend on the facet.

    screen_outliers: drop moving ranges at or above 3.267 x their mean before the limits are set
        (reference default True; the MDC spreadsheet does not screen, i.e. False).
    two_in_three: 'reference' counts only points between two and three sigma; 'mdc2023' counts
        any point beyond two sigma, including points beyond the process limits.
    shift_length / trend_length: points needed for a shift (one side of the mean) or a trend
        (strictly rising or falling); 7 by default, 6 allowed as in the MDC tool.
    fix_after_n_points: base the mean and limits on the first n observed points of each group.
    """

    screen_outliers: bool = True
    two_in_three: str = "reference"
    shift_length: int = 7
    trend_length: int = 7
    fix_after_n_points: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.screen_outliers, bool):
            raise ValueError(f"screen_outliers must be True or False; got {self.screen_outliers!r}")
        if self.two_in_three not in TWO_IN_THREE_MODES:
            raise ValueError(
                f"two_in_three must be one of {TWO_IN_THREE_MODES}; got {self.two_in_three!r}"
            )
        for name in ("shift_length", "trend_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or value not in RUN_LENGTHS:
                raise ValueError(f"{name} must be 6 or 7; got {value!r}")
        n = self.fix_after_n_points
        if n is not None and (isinstance(n, bool) or not isinstance(n, int | float) or not n >= 2):
            raise ValueError(
                f"fix_after_n_points must be None or a number of at least 2; got {n!r}"
            )
        if n is not None and not isinstance(n, int):
            # R keeps the points whose row number is <= n, so 12.5 means the first 12.
            object.__setattr__(self, "fix_after_n_points", int(math.floor(n)))


def as_mapping_or_scalar(value: Any, name: str) -> tuple[bool, Any]:
    """Say whether a per-facet argument was given as a mapping (facet -> value) or one value."""
    if isinstance(value, Mapping):
        return True, dict(value)
    if value is not None and name == "target":
        try:
            float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"target must be a number or a mapping facet -> number; got {value!r}"
            ) from None
    return False, value
