"""Statistical process control (XmR charts, NHS "Making Data Count" rules).

    from helpers.spc import ptd_spc
    result = ptd_spc(df, "value", "date", facet_field="measure_id",
                     improvement_direction={"m1": "increase", "m2": "decrease"}, target={"m1": 80})
    result.points; result.summary(); result.icons()

By default this reproduces NHSRplotthedots 0.2.2 (the API mirrors its `ptd_spc`), checked against
the conformance cases in tests/data/spc-ptd. Per facet x rebase group, sorted by date:
mean and mean moving range from the first `fix_after_n_points` points (all by default), moving
ranges at or above 3.267 x their mean screened out once (screen_outliers), limits mean +/- 2.66 mean
MR, and the special-cause rules in precedence order: a point beyond a limit, a trend of 7 strictly
rising/falling points, two of three consecutive points between two and three sigma on one side, a
shift of 7 points on one side of the mean. Options follow current NHS England practice:
screen_outliers=False (MDC spreadsheet), two_in_three="mdc2023" (any point beyond two sigma counts,
including beyond the limits; the close_to_limits column keeps its reference meaning),
shift_length=6 and trend_length=6 (labels then read "6 Points ..." / "6 Point Trend ...").

Missing values (NaN value for a date): the reference assumes none, so this engine decides.
- The point stays in `.points` (so the chart shows the gap) with value NaN, the limits of its group,
  outside_limits/close_to_limits NA (unknown), special_cause_flag False, relative_to_mean 0,
  special_cause_type "Missing" and point_type "missing" - never a signal, and never dressed up as
  common cause either, because nothing was observed.
- A gap breaks every run (shift, trend, two-in-three) exactly as a rebase does: we do not know what
  happened in the missing period, and the rules assume consecutive observations. So a gap can hide
  a signal but never creates one.
- No moving range is formed across a gap (|x_i - x_(i-2)| would mix two periods of variation and
  inflate the limits); the mean and moving ranges use the observed points only, and
  fix_after_n_points counts observed points.
- Summary n and short_group_warning count observed points; the variation icon and variation_type
  come from the latest observed point.
Where the reference has NA it is kept, as R gives it: a screened flat group (every moving range
zero) and a one-point group have NaN limits and NA limit comparisons, so only run rules can fire;
their assurance, like that of a facet left out of a target mapping, is "inconsistent". Means are
computed as R's mean() is (long-double sum plus a residual pass), so values and targets that sit
exactly on a mean or limit compare as they do in R. These were found by running the R package on
900 awkward random series (tests/data/spc-ptd-r holds 110 of them). Duplicate dates within a facet
are an error.
"""

from helpers.spc.engine import NO_FACET, ptd_spc
from helpers.spc.icons import assurance_type, variation_icon
from helpers.spc.options import SPCOptions
from helpers.spc.result import ICON_COLUMNS, POINT_COLUMNS, SUMMARY_COLUMNS, SPCResult

__all__ = [
    "ICON_COLUMNS",
    "NO_FACET",
    "POINT_COLUMNS",
    "SPCOptions",
    "SPCResult",
    "SUMMARY_COLUMNS",
    "assurance_type",
    "ptd_spc",
    "variation_icon",
]
