"""Make a synthetic Annex A workbook for the demo council: invented children, real-shaped lists.

The workbook holds Ofsted's eleven lists with the headers of the shared sample (columns.csv),
messy the way real exports are (codes with and without their letter, a few UK text dates, "#N/A"
and formulas left in columns no measure uses). Each month's volumes and shares follow the demo
extracts (data/extracts/<month>/social_care_scorecard_<month>.csv), drawn with binomial noise,
so `tracker annex-a` gives figures close to the scorecard's. Nobody in it is real.

    .venv/bin/python data/scripts/make_annex_a.py                 # data/annex-a/demo-annex-a.xlsx
    .venv/bin/python data/scripts/make_annex_a.py --out FILE --scale 3 --months 12   # bigger

Deterministic: the same arguments give the same bytes (fixed seed and document times).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_demo_data import save_workbook  # noqa: E402

from helpers import paths  # noqa: E402
from helpers.inputs.annex_a.calendar import bank_holidays  # noqa: E402

SEED = 20261101
EXTRACTED = dt.date(2026, 11, 1)
WHEN = dt.datetime(2026, 11, 2, 9, 0, 0)
HEADERS = {
    1: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact",
        "Contact Source"],
    2: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Assessment start date",
        "Assessment completion date", "Organisation completing assessment"],
    3: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Referral",
        "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months",
        "Allocated Team", "Allocated Worker"],
    4: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
        "Does the Child have a Disability", "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team", "Allocated Worker"],
    5: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months", "Allocated Team", "Allocated Worker"],
    6: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
        "Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
        "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
        "Allocated Team", "Allocated Worker"],
    7: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
        "Does the Child have a Disability", "Child Protection Plan Start Date",
        "Initial Category of Abuse", "Latest Category of Abuse",
        "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
        "Date of latest review conference", "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)", "Number of Previous Child Protection Plans", "Allocated Team",
        "Allocated Worker"],
    8: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
        "Does the Child have a Disability", "Date Started to be Looked After",
        "Child's Category of Need", "Child's Legal Status", "Date of Latest Statutory Review",
        "Date of Last Social Work Visit", "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After", "Placement Type", "Allocated Team", "Allocated Worker"],
    9: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
        "Does the Child have a Disability", "Allocated Team", "Allocated Worker",
        "Eligibility Category", "LA in Touch", "Type of Accommodation",
        "Suitability of Accommodation", "Activity Status"],
    10: ["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
         "Age of Child (Years)", "Does the Child have a Disability", "Date the Child Entered Care",
         "Date of Decision that Child Should be Placed for Adoption", "Date of Placement Order",
         "Date Placed for Adoption", "Date of Adoption Order "],
    11: ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity",
         "Disability", "Date enquiry received", "Date application approved",
         "No. of children placed"],
}  # fmt: skip
GENDERS = ["a) Male", "b) Female", "Male", "Female"]
ETHNICITY = ["a) WBRI", "a) WBRI", "a) WBRI", "k) APKN", "s) NOBT", "r) OOTH", "d) WOTH"]
SOURCES = ["q) 6: Police", "e) 2A: Schools", "j) 3D: Health services", "b) 1B: Individual"]
FIRST = ["Alex", "Sam", "Jo", "Priya", "Tomasz", "Aisha", "Morgan", "Rhys", "Keira", "Dev"]
LAST = ["Ashdown", "Brackley", "Corran", "Dunmore", "Eskdale", "Farrow", "Glenby", "Hurst"]
TEAMS = ["Locality 1 Unit 1", "Locality 2 Unit 2", "Locality 3 Duty Team", "MASH"]
EET = [
    "F1: Full time in higher education",
    "F2: Full time in education other than higher",
    "F3: Full time in training or employment",
    "P3: Part time in training or employment",
]
NEET = ["G5: Not in education, employment or training - other",
        "G4: Not in education, employment or training - illness or disability",
        "G6: Not in education, employment or training - pregnancy or parenting"]  # fmt: skip


class Maker:
    """Draws the lists; every random choice comes from one seeded generator."""

    def __init__(self, months: int, scale: float, extracted: dt.date = EXTRACTED):
        self.rng = np.random.default_rng(SEED)
        self.extracted = extracted
        last = pd.Period(extracted, "M") - 1
        self.months = list(pd.period_range(last - (months - 1), last, freq="M"))
        self.scale = scale
        self.holidays = bank_holidays(2005, extracted.year + 1)
        self.targets = self._targets()
        self.ids = iter(self.rng.permutation(np.arange(1_000_000, 9_999_999, 7))[:400_000])

    def _targets(self) -> pd.DataFrame:
        frames = []
        for month in self.months:
            path = paths.extracts_dir() / str(month) / f"social_care_scorecard_{month}.csv"
            frame = pd.read_csv(path, encoding="utf-8-sig")
            frames.append(frame[frame["period"] == str(month)])
        return pd.concat(frames).set_index(["measure_id", "period"])

    def target(self, measure: str, month: pd.Period, what: str = "value") -> float:
        return float(self.targets.loc[(measure, str(month)), what])

    # -------------------------------------------------------------- small draws
    def n(self, expected: float) -> int:
        return int(round(expected * self.scale))

    def child(self, age_low: float = 0, age_high: float = 17.9, on: dt.date | None = None):
        on = on or self.extracted
        age = self.rng.uniform(age_low, age_high)
        dob = on - dt.timedelta(days=int(age * 365.25))
        return [
            int(next(self.ids)),
            GENDERS[self.rng.integers(len(GENDERS))],
            ETHNICITY[self.rng.integers(len(ETHNICITY))],
            dob,
            round(age, 2),
        ]

    def worker(self) -> list[str]:
        first, last = FIRST[self.rng.integers(len(FIRST))], LAST[self.rng.integers(len(LAST))]
        return [TEAMS[self.rng.integers(len(TEAMS))], f"{first}\u00a0{last}"]

    def working_day(self, month: pd.Period) -> dt.date:
        days = pd.bdate_range(month.start_time, month.end_time)
        days = days[~days.isin(pd.DatetimeIndex(self.holidays))]
        return days[self.rng.integers(len(days))].date()

    def back(self, day: dt.date, working: int) -> dt.date:
        start = np.busday_offset(
            np.datetime64(day), -working, roll="backward", holidays=self.holidays
        )
        return pd.Timestamp(start).date()

    def yes_no(self, yes: bool) -> str:
        styles = (("a) Yes", "b) No"), ("Yes", "No"), ("Y", "N"))
        return styles[self.rng.choice(3, p=[0.6, 0.3, 0.1])][0 if yes else 1]

    def text_date(self, day: dt.date) -> object:
        """Mostly a real Excel date; now and then the UK text some exports write."""
        return day.strftime("%d/%m/%Y") if self.rng.random() < 0.01 else day

    # -------------------------------------------------------------- the lists
    def list1(self) -> list[list[object]]:
        rows = []
        for month in self.months:
            for _ in range(self.n(self.target("csc_contacts", month))):
                day = self.working_day(month)
                rows.append([*self.child(), self.text_date(day), SOURCES[self.rng.integers(4)]])
        return rows

    def list2(self) -> list[list[object]]:
        rows = []
        for month in self.months:
            for _ in range(self.n(20)):
                start = self.working_day(month)
                done = start + dt.timedelta(days=int(self.rng.integers(10, 40)))
                rows.append([*self.child(), start, done if done < self.extracted else None,
                             "Early Help Locality 2"])  # fmt: skip
        return rows

    def list3(self) -> list[list[object]]:
        rows = []
        for month in self.months:
            count = self.target("reref_12m", month, "denominator")
            nfa = self.target("ref_nfa", month) / 100
            again = self.target("reref_12m", month) / 100
            for _ in range(self.n(count)):
                previous = int(self.rng.integers(1, 4)) if self.rng.random() < again else 0
                rows.append(
                    [*self.child(), self.text_date(self.working_day(month)),
                     SOURCES[self.rng.integers(4)], self.yes_no(self.rng.random() < nfa),
                     previous, *self.worker()]
                )  # fmt: skip
        return rows

    def list4(self) -> list[list[object]]:
        rows = []
        for month in self.months:
            on_time = self.target("assess_45wd", month) / 100
            median = self.target("assess_median_days", month)
            for _ in range(self.n(self.target("assess_45wd", month, "denominator"))):
                authorised = self.working_day(month)
                if self.rng.random() < on_time:
                    days = int(np.clip(round(self.rng.gamma(9, median / 8.7)), 1, 45))
                else:
                    days = int(self.rng.integers(46, 80))
                start = self.back(authorised, days)
                rows.append(
                    [*self.child(), self.yes_no(False), start, self.yes_no(True), authorised,
                     self.yes_no(self.rng.random() < 0.55), *self.worker()]
                )  # fmt: skip
        for _ in range(self.n(180)):  # started, not yet authorised
            start = self.back(self.extracted, int(self.rng.integers(1, 44)))
            rows.append([*self.child(), self.yes_no(False), start, self.yes_no(True), None, None,
                         *self.worker()])  # fmt: skip
        return rows

    def list5(self) -> list[list[object]]:
        rows = []
        for month in self.months:
            held = self.target("icpc_15wd", month, "denominator")
            on_time = self.target("icpc_15wd", month) / 100
            s47 = self.target("s47_rate", month, "numerator") / 12
            for _ in range(self.n(held)):
                icpc = self.working_day(month)
                days = int(self.rng.integers(5, 16) if self.rng.random() < on_time
                           else self.rng.integers(16, 30))  # fmt: skip
                rows.append(
                    [*self.child(), self.yes_no(False), self.back(icpc, days), "No", icpc,
                     self.yes_no(True), int(self.rng.integers(1, 3)), 1, *self.worker()]
                )  # fmt: skip
            for _ in range(self.n(max(s47 - held, 0))):
                rows.append(
                    [*self.child(), self.yes_no(False), self.working_day(month), "Yes", None,
                     "", int(self.rng.integers(0, 3)), 0, *self.worker()]
                )  # fmt: skip
        return rows

    def list6(self) -> list[list[object]]:
        rows = []
        for _ in range(self.n(900)):
            start = self.extracted - dt.timedelta(days=int(self.rng.integers(20, 1500)))
            seen = self.back(self.extracted, int(self.rng.integers(1, 30)))
            team = ["#N/A", "#N/A"] if self.rng.random() < 0.01 else self.worker()
            rows.append([*self.child(), self.yes_no(False), start, "N1 - Abuse or Neglect", seen,
                         None, None, "c) Child in need plan", *team])  # fmt: skip
        return rows

    def list7(self) -> list[list[object]]:
        """Plans started since 2021, each with a length; listed if open during the period."""
        rows = []
        first = self.months[0].start_time.date()
        repeat = {str(m): self.target("cpp_repeat", m) / 100 for m in self.months}
        starts = pd.period_range("2021-01", self.months[-1], freq="M")
        for month in starts:
            for _ in range(int(self.rng.poisson(32 * self.scale))):
                start = self.working_day(month)
                if self.rng.random() < 0.06:
                    months = self.rng.uniform(22, 36)
                else:
                    months = self.rng.gamma(3, 8.2 / 3)
                end = start + dt.timedelta(days=int(months * 30.4))
                if end < first:
                    continue
                open_ = end >= self.extracted
                stop = self.extracted if open_ else end
                # reviews 3 months after the start, then every 6 months; a few run late
                reviews = []
                due = start + dt.timedelta(days=91)
                while due < stop:
                    reviews.append(due)
                    due += dt.timedelta(days=182)
                if reviews and self.rng.random() < 0.025:
                    reviews.pop()
                visit = self.back(stop, int(self.rng.integers(0, 10) if self.rng.random() < 0.975
                                            else self.rng.integers(11, 25)))  # fmt: skip
                visit = max(visit, start)
                previous = int(self.rng.random() < repeat.get(str(month), 0.27))
                rows.append(
                    [*self.child(), self.yes_no(False), start, "Neglect", "Neglect", visit,
                     self.yes_no(True), reviews[-1] if reviews else None,
                     None if open_ else end, "b) No", previous, *self.worker()]
                )  # fmt: skip
        return rows

    def list8(self) -> list[list[object]]:
        rows = []
        in_care = self.target("cla_rate", self.months[-1], "numerator")
        for _ in range(self.n(in_care)):
            start = self.extracted - dt.timedelta(days=int(self.rng.exponential(3 * 365) + 5))
            seen = int(self.rng.integers(0, 28) if self.rng.random() < 0.96
                       else self.rng.integers(29, 70))  # fmt: skip
            reviewed = int(self.rng.integers(0, 180) if self.rng.random() < 0.94
                           else self.rng.integers(190, 300))  # fmt: skip
            rows.append(self._child_in_care(start, None, seen, reviewed))
        for _ in range(self.n(170)):  # left care during the period
            ceased = self.extracted - dt.timedelta(days=int(self.rng.integers(1, 365)))
            start = ceased - dt.timedelta(days=int(self.rng.exponential(2 * 365) + 30))
            rows.append(self._child_in_care(start, ceased, 20, 90))
        return rows

    def _child_in_care(self, start, ceased, seen: int, reviewed: int) -> list[object]:
        stop = ceased or self.extracted
        visit = max(start, stop - dt.timedelta(days=seen))
        review = stop - dt.timedelta(days=reviewed)
        return [*self.child(), self.yes_no(False), start, "N1 - Abuse or Neglect",
                "C2: FCO", review if review > start else None, visit,
                int(self.rng.integers(1, 4)), ceased, "f) U6: Foster placement - not FFA",
                *self.worker()]  # fmt: skip

    def list9(self) -> list[list[object]]:
        rows = []
        last = self.months[-1]
        groups = (
            (19, 21.99, self.target("cl_eet_19_21", last, "denominator"),
             self.target("cl_eet_19_21", last) / 100,
             self.target("cl_suit_accom_19_21", last) / 100),
            (17, 18.99, self.target("cl_eet_17_18", last, "denominator"),
             self.target("cl_eet_17_18", last) / 100, 0.95),
            (16, 16.99, 20, 0.9, 0.95),
        )  # fmt: skip
        for low, high, count, eet, suitable in groups:
            for _ in range(self.n(count)):
                activity = EET if self.rng.random() < eet else NEET
                rows.append(
                    [*self.child(low, high), self.yes_no(False), *self.worker(),
                     "b) Former relevant child", self.yes_no(True), "U: Independent living",
                     "a) Suitable" if self.rng.random() < suitable else "b) Unsuitable",
                     activity[self.rng.integers(len(activity))]]
                )  # fmt: skip
        return rows

    def list10(self) -> list[list[object]]:
        rows = []
        for i in range(self.n(20)):
            entered = self.extracted - dt.timedelta(days=int(self.rng.integers(400, 1200)))
            row = 2 + i
            # formulas left in the export, as in the shared sample
            rows.append([int(next(self.ids)), int(next(self.ids)), *self.child(0, 6)[1:4],
                         int(self.rng.integers(0, 6)), self.yes_no(False), entered,
                         f"=H{row}+90", f"=I{row}+120", f"=J{row}+60", None])  # fmt: skip
        return rows

    def list11(self) -> list[list[object]]:
        rows = []
        for _ in range(self.n(12)):
            enquiry = self.extracted - dt.timedelta(days=int(self.rng.integers(100, 700)))
            approved = enquiry + dt.timedelta(days=int(self.rng.integers(150, 250)))
            rows.append([int(next(self.ids)), int(next(self.ids)), GENDERS[0], ETHNICITY[0],
                         "b) No", enquiry, approved if approved < self.extracted else None,
                         int(self.rng.integers(0, 3))])  # fmt: skip
        return rows

    def lists(self) -> dict[int, list[list[object]]]:
        return {n: getattr(self, f"list{n}")() for n in range(1, 12)}


def workbook(lists: dict[int, list[list[object]]]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for number, rows in lists.items():
        ws = wb.create_sheet(f"List {number}")
        ws.append(HEADERS[number])
        for row in rows:
            ws.append(row)
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    return wb


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="default data/annex-a/demo-annex-a.xlsx"
    )
    parser.add_argument("--months", type=int, default=24, help="months of events (default 24)")
    parser.add_argument("--scale", type=float, default=1.0, help="volumes x this (default 1)")
    args = parser.parse_args(argv)
    out = args.out or paths.data_dir() / "annex-a" / "demo-annex-a.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    lists = Maker(args.months, args.scale).lists()
    save_workbook(workbook(lists), out, WHEN)
    rows = {n: len(r) for n, r in lists.items()}
    counts = ", ".join(f"List {n}: {r}" for n, r in rows.items())
    print(f"Wrote {out}: {sum(rows.values())} rows ({counts}).")
    return out


if __name__ == "__main__":
    main()
