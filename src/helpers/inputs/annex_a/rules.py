"""The measure rules' computations: how each catalogue measure is made from the Annex A lists.

A measure in data/measures.yml names its rule (`annex_a: {list: 4, rule: ...}`); the rule's
description (helpers.inputs.annex_a.rulebook) says which list it reads, whether it is a
monthly figure or a snapshot on the extraction date, the unit it gives, and in one sentence
how it counts; COMPUTE here holds the function that counts it. All rules take whole calendar
months; "open at the month's end" means started on or before its last day and not ended on or
before it (a plan ending on the last day is not open at the month's end).

A month is only computed when the list covers it: an events list covers months from the one
holding its earliest event (List 7 from its earliest plan end, as ended plans are only listed
if they ended in the period; List 8 likewise from its earliest date ceased), and a rolling
12-month figure needs all twelve months covered. Months left out are named in the notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.inputs.annex_a.calendar import working_days
from helpers.inputs.annex_a.rulebook import RULES

ASSESSMENT_WD = 45
ICPC_WD = 15
CP_VISIT_WD = 10
CLA_VISIT_DAYS = 28
#: Which column tells how far back a list goes (see the module docstring).
COVERAGE = {
    1: "contact_date",
    3: "referral_date",
    4: "authorised",
    5: "strategy",
    7: "end",
    8: "ceased",
}


@dataclass
class Figure:
    period: str
    value: float
    numerator: float | None = None
    denominator: float | None = None


@dataclass
class Outcome:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What every rule reads: the checked lists, the months, the extraction date, population."""

    tables: dict[int, pd.DataFrame]
    months: list[pd.Period]
    extracted: dt.date
    population: Callable[[pd.Period], int]

    @property
    def last_month(self) -> pd.Period:
        return self.months[-1]

    @property
    def day(self) -> pd.Timestamp:
        return pd.Timestamp(self.extracted)

    def usable(self, number: int, *keys: str) -> pd.DataFrame:
        """The list's rows with none of these cells left out by a warning."""
        frame = self.tables.get(number, pd.DataFrame())
        if frame.empty:
            return frame
        keep = np.ones(len(frame), dtype=bool)
        for key in keys:
            flag = f"bad_{key}"
            if flag in frame:
                keep &= ~frame[flag].to_numpy(dtype=bool)
        return frame[keep]

    def first_month(self, number: int) -> pd.Period | None:
        frame = self.tables.get(number, pd.DataFrame())
        column = COVERAGE.get(number)
        if frame.empty or column not in frame:
            return None
        dates = frame[column].dropna()
        if dates.empty and number in (7, 8):
            dates = frame["start"].dropna()
        return None if dates.empty else dates.min().to_period("M")

    def covered(self, number: int, window: int, what: str, out: Outcome) -> list[pd.Period]:
        """The months whose `window` months all lie within the list; the rest noted."""
        first = self.first_month(number)
        if first is None:
            out.notes.append(f"List {number} has no usable dates, so {what} is not computed.")
            return []
        months = [m for m in self.months if m - (window - 1) >= first]
        left = [m for m in self.months if m not in months]
        if left:
            span = str(left[0]) if len(left) == 1 else f"{left[0]} to {left[-1]}"
            need = "its 12 months start" if window > 1 else "it is"
            out.notes.append(
                f"{what} is not computed for {span}: {need} before List {number}'s first month "
                f"({first})."
            )
        return months


def month_end(month: pd.Period) -> pd.Timestamp:
    return month.to_timestamp(how="end").normalize()


def _percent(period: str, hits: int, total: int, out: Outcome, what: str) -> None:
    if total == 0:
        out.notes.append(f"{what}: nothing to count in {period}, so there is no figure.")
        return
    out.figures.append(Figure(period, round(100 * hits / total, 1), hits, total))


def _monthly_share(
    ctx: Context, number: int, frame: pd.DataFrame, date: str, hit: pd.Series, what: str
) -> Outcome:
    out = Outcome()
    periods = frame[date].dt.to_period("M")
    for month in ctx.covered(number, 1, what, out):
        chosen = (periods == month).to_numpy()
        _percent(str(month), int(hit.to_numpy()[chosen].sum()), int(chosen.sum()), out, what)
    return out


def _rolling_rate(ctx: Context, number: int, dates: pd.Series, what: str) -> Outcome:
    out = Outcome()
    counts = dates.dropna().dt.to_period("M").value_counts()
    for month in ctx.covered(number, 12, what, out):
        total = int(sum(counts.get(month - k, 0) for k in range(12)))
        people = ctx.population(month)
        out.figures.append(Figure(str(month), round(total / people * 10_000, 1), total, people))
    return out


# ---------------------------------------------------------------- the rules
def contacts_in_month(ctx: Context) -> Outcome:
    frame = ctx.usable(1, "contact_date")
    out = Outcome()
    counts = frame["contact_date"].dropna().dt.to_period("M").value_counts()
    for month in ctx.covered(1, 1, "Contacts", out):
        out.figures.append(Figure(str(month), float(counts.get(month, 0))))
    return out


def referrals_nfa(ctx: Context) -> Outcome:
    frame = ctx.usable(3, "referral_date", "nfa")
    hit = frame["nfa"].eq(True)
    return _monthly_share(ctx, 3, frame, "referral_date", hit, "Referrals with no further action")


def referrals_repeat(ctx: Context) -> Outcome:
    frame = ctx.usable(3, "referral_date", "previous_12m")
    hit = pd.to_numeric(frame["previous_12m"]) >= 1
    return _monthly_share(ctx, 3, frame, "referral_date", hit, "Re-referrals")


def referrals_rate(ctx: Context) -> Outcome:
    frame = ctx.usable(3, "referral_date")
    return _rolling_rate(ctx, 3, frame["referral_date"], "The referral rate")


def _assessments(ctx: Context) -> tuple[pd.DataFrame, np.ndarray]:
    frame = ctx.usable(4, "start", "authorised")
    frame = frame[frame["authorised"].notna() & frame["start"].notna()]
    return frame, working_days(frame["start"], frame["authorised"])


def assessments_45wd(ctx: Context) -> Outcome:
    frame, days = _assessments(ctx)
    hit = pd.Series(days <= ASSESSMENT_WD, index=frame.index)
    return _monthly_share(ctx, 4, frame, "authorised", hit, "Assessments within 45 working days")


def assessments_median(ctx: Context) -> Outcome:
    frame, days = _assessments(ctx)
    out = Outcome()
    periods = frame["authorised"].dt.to_period("M").to_numpy()
    for month in ctx.covered(4, 1, "The median assessment time", out):
        chosen = days[periods == month]
        if chosen.size == 0:
            out.notes.append(f"No assessments were authorised in {month}, so no median.")
            continue
        out.figures.append(Figure(str(month), round(float(np.median(chosen)), 1)))
    return out


def icpc_15wd(ctx: Context) -> Outcome:
    frame = ctx.usable(5, "strategy", "icpc")
    frame = frame[frame["icpc"].notna() & frame["strategy"].notna()]
    hit = pd.Series(working_days(frame["strategy"], frame["icpc"]) <= ICPC_WD, index=frame.index)
    return _monthly_share(ctx, 5, frame, "icpc", hit, "Initial conferences within 15 days")


def s47_rate(ctx: Context) -> Outcome:
    frame = ctx.usable(5, "strategy")
    return _rolling_rate(ctx, 5, frame["strategy"], "The section 47 rate")


def cp_starts_rate(ctx: Context) -> Outcome:
    frame = ctx.usable(7, "start")
    return _rolling_rate(ctx, 7, frame["start"], "The rate of plans starting")


def _open_at(frame: pd.DataFrame, day: pd.Timestamp, start: str, end: str) -> pd.Series:
    return (frame[start] <= day) & (frame[end].isna() | (frame[end] > day))


def cp_open_rate(ctx: Context) -> Outcome:
    frame = ctx.usable(7, "start", "end")
    out = Outcome()
    for month in ctx.covered(7, 1, "The child protection plan rate", out):
        total = int(_open_at(frame, month_end(month), "start", "end").sum())
        people = ctx.population(month)
        out.figures.append(Figure(str(month), round(total / people * 10_000, 1), total, people))
    return out


def cp_open_2yr(ctx: Context) -> Outcome:
    frame = ctx.usable(7, "start", "end")
    out = Outcome()
    for month in ctx.covered(7, 1, "Plans lasting 2 years or more", out):
        last = month_end(month)
        open_ = frame[_open_at(frame, last, "start", "end")]
        long_ = int((open_["start"] <= last - pd.DateOffset(years=2)).sum())
        _percent(str(month), long_, len(open_), out, "Plans lasting 2 years or more")
    return out


def cp_repeat(ctx: Context) -> Outcome:
    frame = ctx.usable(7, "start", "previous")
    hit = pd.to_numeric(frame["previous"]) >= 1
    return _monthly_share(ctx, 7, frame, "start", hit, "Repeat plans")


def _snapshot(out: Outcome, ctx: Context, hits: int, total: int, what: str) -> Outcome:
    _percent(str(ctx.last_month), hits, total, out, what)
    return out


def cp_visits_snapshot(ctx: Context) -> Outcome:
    frame = ctx.usable(7, "start", "end", "visit")
    open_ = frame[_open_at(frame, ctx.day, "start", "end")]
    seen = open_[open_["visit"].notna()]
    days = working_days(seen["visit"], pd.Series(ctx.day, index=seen.index))
    return _snapshot(Outcome(), ctx, int((days <= CP_VISIT_WD).sum()), len(open_), "CP visits")


def cp_reviews_snapshot(ctx: Context) -> Outcome:
    frame = ctx.usable(7, "start", "end", "review")
    open_ = frame[_open_at(frame, ctx.day, "start", "end")]
    due = open_[open_["start"] <= ctx.day - pd.DateOffset(months=3)]
    on_time = due["review"].notna() & (due["review"] >= ctx.day - pd.DateOffset(months=6))
    return _snapshot(Outcome(), ctx, int(on_time.sum()), len(due), "CP reviews")


def _in_care(ctx: Context, *keys: str) -> pd.DataFrame:
    frame = ctx.usable(8, "start", "ceased", *keys)
    return frame[_open_at(frame, ctx.day, "start", "ceased")]


def cla_rate_snapshot(ctx: Context) -> Outcome:
    total = len(_in_care(ctx))
    people = ctx.population(ctx.last_month)
    figure = Figure(str(ctx.last_month), round(total / people * 10_000, 1), total, people)
    return Outcome([figure])


def cla_starts_rate(ctx: Context) -> Outcome:
    frame = ctx.usable(8, "start")
    return _rolling_rate(ctx, 8, frame["start"], "The rate of children starting care")


def cla_ceases_rate(ctx: Context) -> Outcome:
    frame = ctx.usable(8, "ceased")
    return _rolling_rate(ctx, 8, frame["ceased"], "The rate of children leaving care")


def cla_visits_snapshot(ctx: Context) -> Outcome:
    frame = _in_care(ctx, "visit")
    due = frame[frame["start"] <= ctx.day - pd.Timedelta(days=CLA_VISIT_DAYS)]
    seen = due["visit"].notna() & (due["visit"] >= ctx.day - pd.Timedelta(days=CLA_VISIT_DAYS))
    return _snapshot(Outcome(), ctx, int(seen.sum()), len(due), "Children in care visits")


def cla_reviews_snapshot(ctx: Context) -> Outcome:
    frame = _in_care(ctx, "review")
    days = working_days(frame["start"], pd.Series(ctx.day, index=frame.index))
    due = frame[days > 20]
    on_time = due["review"].notna() & (due["review"] >= ctx.day - pd.DateOffset(months=6))
    return _snapshot(Outcome(), ctx, int(on_time.sum()), len(due), "Children in care reviews")


def _ages(dob: pd.Series, day: pd.Timestamp) -> pd.Series:
    before_birthday = (dob.dt.month > day.month) | (
        (dob.dt.month == day.month) & (dob.dt.day > day.day)
    )
    return day.year - dob.dt.year - before_birthday.astype(int)


def _care_leavers(ctx: Context, youngest: int, oldest: int, key: str, what: str) -> Outcome:
    frame = ctx.usable(9, "dob", key)
    frame = frame[frame["dob"].notna()]
    ages = _ages(frame["dob"], ctx.day)
    group = frame[(ages >= youngest) & (ages <= oldest)]
    hits = int(group[key].eq(True).sum())
    return _snapshot(Outcome(), ctx, hits, len(group), what)


def care_leavers_eet_17_18(ctx: Context) -> Outcome:
    return _care_leavers(ctx, 17, 18, "activity", "Care leavers 17-18 in EET")


def care_leavers_eet_19_21(ctx: Context) -> Outcome:
    return _care_leavers(ctx, 19, 21, "activity", "Care leavers 19-21 in EET")


def care_leavers_suitable_19_21(ctx: Context) -> Outcome:
    return _care_leavers(ctx, 19, 21, "suitable", "Care leavers 19-21 suitably housed")


#: Each rule's computation, by the name helpers.inputs.annex_a.rulebook gives it.
COMPUTE: dict[str, Callable[[Context], Outcome]] = {
    "contacts_in_month": contacts_in_month,
    "referrals_nfa": referrals_nfa,
    "referrals_repeat": referrals_repeat,
    "referrals_rate": referrals_rate,
    "assessments_45wd": assessments_45wd,
    "assessments_median_wd": assessments_median,
    "icpc_15wd": icpc_15wd,
    "s47_rate": s47_rate,
    "cp_starts_rate": cp_starts_rate,
    "cp_open_rate": cp_open_rate,
    "cp_open_2yr": cp_open_2yr,
    "cp_repeat": cp_repeat,
    "cp_visits_10wd": cp_visits_snapshot,
    "cp_reviews_6m": cp_reviews_snapshot,
    "cla_rate": cla_rate_snapshot,
    "cla_starts_rate": cla_starts_rate,
    "cla_ceases_rate": cla_ceases_rate,
    "cla_visits_4wk": cla_visits_snapshot,
    "cla_reviews_6m": cla_reviews_snapshot,
    "care_leavers_eet_17_18": care_leavers_eet_17_18,
    "care_leavers_eet_19_21": care_leavers_eet_19_21,
    "care_leavers_suitable_19_21": care_leavers_suitable_19_21,
}

_unmatched = set(COMPUTE) ^ set(RULES)
if _unmatched:  # a rule described but not computed, or computed but not described
    raise RuntimeError(f"Annex A rules without both a description and a computation: {_unmatched}")
