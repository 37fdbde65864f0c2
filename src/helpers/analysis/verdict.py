"""The month's verdict table: for every measure, is the latest change signal or noise?

One row per measure: latest value, change from last month and whether it is beyond normal
variation, the SPC variation type and the rule that fired, assurance against target, the
statsmodels evidence (with Benjamini-Hochberg adjusted p-values across the month's measures),
benchmarks, and a one-sentence plain-English reading for members.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.analysis.signals import assurance_band, judge_points, latest_choices
from helpers.formatting import format_value
from helpers.inputs.catalogue import Catalogue, Measure
from helpers.spc import ptd_spc
from helpers.spc.correlated import fit_and_judge
from helpers.spc.icons import assurance_icon, assurance_when_limits, variation_icon
from helpers.spc.method import AUTOCORRELATED, choose_method
from helpers.spc.options import direction_code

# helpers.stats (statsmodels, scipy.stats: about a second to import) is imported inside the
# functions that need it, so the SPC points and the chance simulation can start without it.

#: Plain words for the SPC rule that flagged a point.
RULE_WORDS = {
    "Above UCL": "it is above the upper process limit, which happens rarely by chance",
    "Below LCL": "it is below the lower process limit, which happens rarely by chance",
    "7 Point Trend (Increasing)": "it is part of a run of months each higher than the last",
    "7 Point Trend (Decreasing)": "it is part of a run of months each lower than the last",
    "2 in 3 Above CL": "two of the last three months were close to the upper process limit",
    "2 in 3 Below CL": "two of the last three months were close to the lower process limit",
    "7 Points Above CL": "it is part of a long run of months above the average",
    "7 Points Below CL": "it is part of a long run of months below the average",
}
#: The same for a measure judged as slow-moving or rolling (helpers.spc.correlated).
CORRELATED_RULE_WORDS = {
    "Above UCL": (
        "it is above the top of the range this slow-moving measure normally wanders over"
    ),
    "Below LCL": (
        "it is below the bottom of the range this slow-moving measure normally wanders over"
    ),
    "Sudden Jump (Increasing)": (
        "it rose much further in one month than its own slow movement would allow by chance"
    ),
    "Sudden Jump (Decreasing)": (
        "it fell much further in one month than its own slow movement would allow by chance"
    ),
    "Sustained Shift Above Prediction": (
        "month after month it has come in higher than its own slow movement predicted, more "
        "consistently than chance would allow"
    ),
    "Sustained Shift Below Prediction": (
        "month after month it has come in lower than its own slow movement predicted, more "
        "consistently than chance would allow"
    ),
}
KIND_WORDS = {
    "special_cause_improvement": "an improvement",
    "special_cause_concern": "a concern",
    "special_cause_neutral_high": "unusually high",
    "special_cause_neutral_low": "unusually low",
}
ASSURANCE_WORDS = {
    "pass": "consistently meets the target",
    "fail": "will consistently miss the target unless something changes",
    "inconsistent": "will sometimes meet and sometimes miss the target",
}
#: Months needed before a seasonal adjustment is tried: STL needs two full years. Noise is kept
#: from looking seasonal on short series by the F test in helpers.stats.seasonality.
SEASONAL_MIN_MONTHS = 24
#: Moving-range limit: a month-to-month change above 3.267 x the average moving range is unusual.
MR_LIMIT = 3.267
#: Process limits are mean +/- 2.66 x average moving range, so their width is 5.32 x it.
LIMIT_WIDTH = 2 * 2.66


def _with_dates(observations: pd.DataFrame) -> pd.DataFrame:
    frame = observations.copy()
    frame["period"] = frame["period"].astype(str).str.slice(0, 7)
    frame["date"] = pd.PeriodIndex(frame["period"], freq="M").to_timestamp()
    return frame


def monthly_grid(observations: pd.DataFrame, until: str | None = None) -> pd.DataFrame:
    """Every month from each measure's first figure to `until` (or its last), NaN where absent.

    The store holds only the months that were supplied; the SPC engine treats a NaN value as a
    gap (no run or moving range spans it), so absent months must become explicit NaN rows.
    """
    frame = _with_dates(observations)
    pieces = []
    for measure_id, rows in frame.groupby("measure_id", sort=False):
        last = until or rows["period"].max()
        months = pd.period_range(rows["period"].min(), last, freq="M").astype(str)
        full = rows.drop(columns="date").set_index("period").reindex(months)
        full.index.name = "period"
        full["measure_id"] = measure_id
        pieces.append(full.reset_index())
    if not pieces:
        return frame
    grid = pd.concat(pieces, ignore_index=True)
    grid["date"] = pd.PeriodIndex(grid["period"], freq="M").to_timestamp()
    return grid


def spc_points(
    observations: pd.DataFrame,
    catalogue: Catalogue,
    changes: pd.DataFrame,
    until: str | None = None,
) -> pd.DataFrame:
    """SPC points for every measure in one call (facet = measure id), gaps as NaN points.

    Each measure's processes are judged by the rules that suit their months
    (helpers.analysis.signals): the reference rules where months are independent, the
    correlated method where they are not; the `spc_method` column says which.
    """
    points = spc_result(observations, catalogue, changes, until=until).points
    return judge_points(points, catalogue)[0]


def spc_result(
    observations: pd.DataFrame,
    catalogue: Catalogue,
    changes: pd.DataFrame,
    until: str | None = None,
    **variants,
):
    """ptd_spc over all catalogue measures with their directions, targets and rebases."""
    frame = monthly_grid(observations[observations["measure_id"].isin(catalogue.ids)], until)
    present = set(frame["measure_id"])
    measures = [m for m in catalogue.measures.values() if m.id in present]
    rebase: dict[str, list[str]] = {}
    for row in changes.itertuples():
        if row.measure_id in present:
            rebase.setdefault(row.measure_id, []).append(f"{str(row.period)[:7]}-01")
    return ptd_spc(
        frame[["measure_id", "date", "value"]],
        value_field="value",
        date_field="date",
        facet_field="measure_id",
        rebase=rebase or None,
        improvement_direction={m.id: m.improvement_direction for m in measures},
        target={m.id: m.target for m in measures if m.target is not None} or None,
        **variants,
    )


#: verdicts.csv columns from the benchmarks (helpers.analysis.benchmarks), in order.
BENCHMARK_COLUMNS = {
    "benchmark_year": "year",
    "england": "england",
    "region": "region",
    "stat_neighbours": "stat_neighbours",
    "council_published": "council",
    "national_rank": "national_rank",
    "national_ranked": "national_ranked",
    "national_unranked": "national_unranked",
    "quartile_band": "quartile_band",
    "value_quarter": "value_quarter",
    "neighbour_rank": "neighbour_rank",
    "neighbour_ranked": "neighbour_ranked",
    "benchmark_note": "council_note",
}


def _benchmark(benchmarks: pd.DataFrame, measure: Measure) -> dict[str, object]:
    """The latest published year's figures and the council's rank, for the verdict row."""
    empty: dict[str, object] = {k: np.nan for k in BENCHMARK_COLUMNS}
    empty.update(benchmark_year=None, quartile_band="", benchmark_note="")
    if benchmarks.empty or not measure.benchmark:
        return empty
    rows = benchmarks[benchmarks["measure_id"] == measure.benchmark].sort_values("year")
    if rows.empty:
        return empty
    last = rows.iloc[-1]
    found = {k: last.get(v, empty[k]) for k, v in BENCHMARK_COLUMNS.items()}
    found["benchmark_year"] = int(last["year"])
    for key in ("quartile_band", "benchmark_note"):
        found[key] = "" if pd.isna(found[key]) else str(found[key])
    return found


def reading(
    measure: Measure,
    latest: float,
    previous: float,
    period_name: str,
    flagged: bool,
    rule: str | None,
    point_type: str | None,
    seasonal_note: str | None = None,
    correlated: bool = False,
) -> str:
    """The one sentence members read, e.g. 'Re-referrals rose from 19.6% to 21.0%; ...'.

    `correlated`: the measure was judged as slow-moving or rolling, which the words then say.
    """
    name = measure.short_title
    if latest is None or math.isnan(latest):
        return f"{name}: no figure was supplied for {period_name}, so no judgement can be made."
    now = format_value(latest, measure, long=True)
    moved = 0
    if previous is None or math.isnan(previous):
        movement = f"{name} was {now} in {period_name} (no figure for the month before)"
    elif round(latest - previous, measure.decimals) == 0:
        movement = f"{name} was unchanged at {now}"
    else:
        moved = 1 if latest > previous else -1
        verb = "rose" if moved > 0 else "fell"
        movement = f"{name} {verb} from {format_value(previous, measure)} to {now}"
    if flagged and rule:
        kind = KIND_WORDS.get(point_type or "", "unusual")
        words = CORRELATED_RULE_WORDS if correlated else RULE_WORDS
        because = words.get(rule, RULE_WORDS.get(rule, rule))
        side = 1 if ("Above" in rule or "Increasing" in rule) else -1
        if moved == -side:  # e.g. rose, yet still below the lower limit: say so, not a puzzle
            sentence = (
                f"{movement}, but the latest figure is still beyond normal variation and is "
                f"{kind}: {because}."
            )
        else:
            sentence = (
                f"{movement}; the latest figure is beyond normal variation and is {kind}: "
                f"{because}."
            )
    elif correlated:
        sentence = f"{movement}; this is within normal variation for a measure that moves slowly."
    else:
        sentence = f"{movement}; this is within normal variation."
    if seasonal_note:
        sentence = f"{sentence} {seasonal_note}."
    return sentence[0].upper() + sentence[1:]


def _seasonal_check(
    frame: pd.DataFrame, measure: Measure, period: str
) -> tuple[str | None, str | None]:
    """For a strongly seasonal measure, the verdict on the seasonally adjusted series."""
    from helpers.stats import seasonally_adjusted

    series = pd.Series(
        frame["value"].to_numpy(float), index=pd.PeriodIndex(frame["period"], freq="M")
    )
    adjusted = seasonally_adjusted(series)
    values = getattr(adjusted, "adjusted", None)
    if values is None:
        return None, None
    sa = pd.DataFrame({"date": values.index.to_timestamp(), "value": values.to_numpy(float)})
    result = ptd_spc(sa, "value", "date", improvement_direction=measure.improvement_direction)
    last = result.points.iloc[-1]
    flagged = bool(last["special_cause_flag"])
    adjusted_values = sa["value"].to_numpy(float)
    choice = choose_method(adjusted_values, measure.rolling_months, measure.spc_method)
    if choice.method == AUTOCORRELATED:  # the same rules as the measure's own verdict
        from helpers.analysis.signals import point_types
        from helpers.spc.correlated import SIGN

        code = fit_and_judge(adjusted_values).codes[0, -1]
        sign = SIGN[code : code + 1]
        flagged = bool(sign[0] != 0)
        kind = point_types(sign, direction_code(measure.improvement_direction))[0]
        last = {"point_type": kind}
    words = (
        "after allowing for the usual seasonal pattern it is beyond normal variation"
        if flagged
        else "after allowing for the usual seasonal pattern it is within normal variation"
    )
    return str(last["point_type"]), f"This measure is strongly seasonal; {words}"


def _until(observations: pd.DataFrame, period: str) -> pd.DataFrame:
    obs = _with_dates(observations)
    return obs[obs["period"] <= period]


def _measure_inputs(
    obs: pd.DataFrame, points: pd.DataFrame, measure_id: str, month_date: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series | None]:
    """A measure's figures (by month), its SPC points, and its point for the pack's month."""
    frame = obs[obs["measure_id"] == measure_id].sort_values("period")
    pts = points[points["facet"] == measure_id]
    point = pts[pd.to_datetime(pts["date"]) == month_date]
    return frame, pts, (point.iloc[0] if len(point) else None)


def _value_in(frame: pd.DataFrame, period: str) -> float:
    this = frame[frame["period"] == period]
    return float(this["value"].iloc[0]) if len(this) else math.nan


@dataclass(frozen=True)
class MeasureEvidence:
    """A measure's statsmodels checks for the verdict row, and its seasonally adjusted verdict."""

    numbers: dict[str, object] = field(default_factory=dict)
    text: str = "Too few months for the statistical checks."
    seasonal_type: str | None = None
    seasonal_note: str | None = None


def measure_evidence(
    observations: pd.DataFrame,
    points: pd.DataFrame,
    catalogue: Catalogue,
    period: str,
    ids: Iterable[str] | None = None,
) -> dict[str, MeasureEvidence]:
    """The statsmodels evidence for each measure (all, or `ids`): the costly part of the verdicts.

    Each measure's evidence depends only on its own figures, so the month's analysis can work
    out one share in a second process while this one works out the rest.
    """
    from helpers.stats import evidence_for

    wanted = set(catalogue.ids if ids is None else ids)
    obs = _until(observations, period)
    month_date = pd.Period(period, "M").to_timestamp()
    found: dict[str, MeasureEvidence] = {}
    for measure in catalogue.measures.values():
        if measure.id not in wanted:
            continue
        frame, pts, point = _measure_inputs(obs, points, measure.id, month_date)
        if len(frame) < 3:
            found[measure.id] = MeasureEvidence()
            continue
        start = None
        if point is not None:
            group = pts[pts["rebase_group"] == point["rebase_group"]]
            start = pd.Timestamp(group["date"].min()).to_period("M")
        evidence = evidence_for(
            frame[["period", "value", "numerator", "denominator"]], measure, trend_start=start
        )
        seasonal_type, seasonal_note = None, None
        latest = _value_in(frame, period)
        seasonal = evidence.numbers.get("strongly_seasonal") is True
        if seasonal and len(frame) >= SEASONAL_MIN_MONTHS and not math.isnan(latest):
            seasonal_type, seasonal_note = _seasonal_check(frame, measure, period)
        found[measure.id] = MeasureEvidence(
            # latest_value here is the pack month's figure; the evidence's is the last one.
            {k: x for k, x in evidence.numbers.items() if k != "latest_value"},
            "\n".join(evidence.sentences),
            seasonal_type,
            seasonal_note,
        )
    return found


def month_verdicts(
    observations: pd.DataFrame,
    points: pd.DataFrame,
    catalogue: Catalogue,
    period: str,
    benchmarks: pd.DataFrame,
    tracker_ids: Iterable[str] = (),
    evidence: Mapping[str, MeasureEvidence] | None = None,
) -> pd.DataFrame:
    """The verdict table for `period`: one row per catalogue measure, in catalogue order.

    `tracker_ids` are the measures of the tracker set in force in the month (the `tracker` column).
    `evidence`: measure_evidence for every measure, when worked out beforehand (the month's
    analysis splits it between two processes); by default it is worked out here.
    """
    from helpers.stats import bh_adjust

    tracked = set(tracker_ids)
    obs = _until(observations, period)
    month_date = pd.Period(period, "M").to_timestamp()
    prev_period = str(pd.Period(period, "M") - 1)
    period_name = month_date.strftime("%B %Y")
    if evidence is None:
        evidence = measure_evidence(observations, points, catalogue, period)
    choices = latest_choices(points[pd.to_datetime(points["date"]) <= month_date], catalogue)
    rows = []
    for measure in catalogue.measures.values():
        frame, pts, point = _measure_inputs(obs, points, measure.id, month_date)
        row: dict[str, object] = {
            "measure_id": measure.id,
            "short_title": measure.short_title,
            "theme": measure.theme,
            "unit": measure.unit,
            "improvement_direction": measure.improvement_direction,
            "tracker": measure.id in tracked,
            "target": measure.target,
            "council_plan_ref": measure.council_plan_ref,
            "period": period,
        }
        latest = _value_in(frame, period)
        previous = _value_in(frame, prev_period)
        flagged = bool(point is not None and point["special_cause_flag"] and not math.isnan(latest))
        rule = str(point["special_cause_type"]) if point is not None else None
        point_type = str(point["point_type"]) if point is not None else None
        mean, lpl, upl = (
            (float(point[k]) for k in ("mean", "lpl", "upl"))
            if point is not None
            else (math.nan,) * 3
        )
        change = latest - previous
        choice = choices.get(measure.id)
        correlated = bool(choice is not None and choice.correlated)
        if correlated:
            # The limits here are the series' own long-run spread, not the month-to-month move.
            current = (
                pts[pts["rebase_group"] == point["rebase_group"]] if point is not None else pts
            )
            typical = float(np.nanmean(np.abs(np.diff(current["value"].to_numpy(float)))))
            unusual = bool(
                point is not None and str(point["special_cause_type"]).startswith("Sudden")
            )
        else:
            # The average moving range, recovered from the limits: the typical month-to-month move.
            typical = (upl - lpl) / LIMIT_WIDTH
            unusual = bool(abs(change) > MR_LIMIT * typical)
        row.update(
            latest_value=latest,
            previous_value=previous,
            change=change,
            typical_change=typical,
            beyond_normal_variation=flagged,
            change_unusual=unusual,
            special_cause_type=rule if flagged else "Common Cause",
            point_type=point_type if point_type is not None else "missing",
            mean=mean,
            lpl=lpl,
            upl=upl,
        )
        direction = direction_code(measure.improvement_direction)
        row["variation_icon"] = _variation_name(
            point_type if flagged else "common_cause", direction
        )
        low, high = (lpl, upl) if point is None else assurance_band(point)
        row["assurance_icon"] = _assurance_name(measure, low, high)
        found = evidence[measure.id]
        row.update(found.numbers)
        row["evidence"] = found.text
        seasonal_note = found.seasonal_note
        row["seasonally_adjusted_point_type"] = found.seasonal_type
        row.update(
            spc_method=choice.method if choice else None,
            lag1_autocorrelation=choice.lag_one if choice else math.nan,
            spc_method_reason=choice.reason if choice else "",
            rolling_months=measure.rolling_months,
        )
        row["sentence"] = reading(
            measure,
            latest,
            previous,
            period_name,
            flagged,
            rule,
            point_type,
            seasonal_note,
            correlated=correlated,
        )
        row["assurance_text"] = (
            f"On current performance the measure {ASSURANCE_WORDS[row['assurance_icon']]}."
            if row["assurance_icon"]
            else ""
        )
        row.update(_benchmark(benchmarks, measure))
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in ("p_vs_last", "p_vs_baseline"):
        if column in table:
            table[f"{column}_adjusted"] = bh_adjust(table[column].astype(float)).adjusted.to_numpy()
    return table


def _variation_name(point_type: str | None, direction: int) -> str:
    if point_type in (None, "missing"):
        return "common_cause"
    return variation_icon(point_type, direction).removeprefix("variation/").removesuffix(".svg")


def _assurance_name(measure: Measure, lpl: float, upl: float) -> str | None:
    direction = direction_code(measure.improvement_direction)
    kind = assurance_when_limits(measure.target, lpl, upl, direction)
    return (
        None
        if kind is None
        else assurance_icon(kind).removeprefix("assurance/").removesuffix(".svg")
    )
