"""Each Annex A rule on a small workbook whose answers were worked out by hand (in the comments).

Population for every month here is 59,521 (the 2024 mid-year estimate, carried forward to the
years ending March 2027). Working days exclude weekends and England's bank holidays and count
from the start date as day 0.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from annex_a_files import d, write_annex_a

from helpers.inputs.annex_a.calendar import working_days_between
from helpers.inputs.annex_a.compute import compute_annex_a, population_for, population_table
from helpers.inputs.catalogue import CatalogueError, load_catalogue

POP = 59_521


def figures(tmp_path, lists, extracted="2026-11-01", first="2026-08"):
    book = write_annex_a(tmp_path / "annex.xlsx", lists)
    result = compute_annex_a(
        book, load_catalogue(), d(extracted), pd.Period(first, "M") if first else None
    )
    frame = result.figures.set_index(["measure_id", "period"])
    return frame, result


def row(frame, measure, period):
    found = frame.loc[(measure, period)]
    return tuple(None if pd.isna(v) else float(v) for v in found)


def test_working_days_skip_weekends_and_bank_holidays():
    # Mon 23 Mar 2026 to Fri 29 May 2026: ten weeks of 5 days less Good Friday (3 Apr), Easter
    # Monday (6 Apr), the May Day holiday (4 May) and the late-May holiday (25 May) crossed so far:
    # 5+4+4+5+5+5+4+5+5 = 42 to Mon 25 May, then Tue-Thu 26-28 May = 45.
    assert working_days_between(d("2026-03-23"), d("2026-05-29")) == 45
    # Mon to Tue is 1 working day (the start is day 0); Fri to Mon is 1 too.
    assert working_days_between(d("2026-05-11"), d("2026-05-12")) == 1
    assert working_days_between(d("2026-05-15"), d("2026-05-18")) == 1


def test_contacts_on_the_first_and_last_day_of_a_month(tmp_path):
    contacts = [
        {"contact_date": d("2026-08-31")},  # last day of August
        {"contact_date": d("2026-09-01")},  # first day of September
        {"contact_date": "30/09/2026"},  # last day of September, as UK text
        {"contact_date": d("2026-10-15")},
    ]
    frame, _ = figures(tmp_path, {1: contacts})
    assert row(frame, "csc_contacts", "2026-08") == (1.0, None, None)
    assert row(frame, "csc_contacts", "2026-09") == (2.0, None, None)
    assert row(frame, "csc_contacts", "2026-10") == (1.0, None, None)


def test_referral_shares_and_the_rolling_rate(tmp_path):
    referrals = [
        {"referral_date": d("2025-10-31"), "nfa": "No", "previous_12m": 0},  # starts List 3
        {"referral_date": d("2026-09-01"), "nfa": "a) Yes", "previous_12m": 0},  # first day
        {"referral_date": d("2026-09-15"), "nfa": "Y", "previous_12m": 1},
        {"referral_date": d("2026-09-20"), "nfa": None, "previous_12m": 0},  # blank = not NFA
        {"referral_date": d("2026-09-30"), "nfa": "b) No", "previous_12m": 2},  # last day
        {"referral_date": d("2026-10-01"), "nfa": "N", "previous_12m": 0},
        {"referral_date": d("2026-10-02"), "nfa": "Yes", "previous_12m": 3},
    ]
    frame, result = figures(tmp_path, {3: referrals})
    # September: 4 referrals, 2 NFA (a) Yes, Y), 2 with an earlier referral (1 and 2).
    assert row(frame, "ref_nfa", "2026-09") == (50.0, 2.0, 4.0)
    assert row(frame, "reref_12m", "2026-09") == (50.0, 2.0, 4.0)
    # October: 2 referrals, 1 NFA, 1 with an earlier referral.
    assert row(frame, "ref_nfa", "2026-10") == (50.0, 1.0, 2.0)
    # 12 months to 30 Sep 2026 (Oct 2025 to Sep 2026): 1 + 4 = 5; 5 / 59,521 x 10,000 = 0.84.
    assert row(frame, "ref_rate", "2026-09") == (0.8, 5.0, POP)
    # 12 months to 31 Oct 2026 (Nov 2025 to Oct 2026): 4 + 2 = 6 -> 1.008.
    assert row(frame, "ref_rate", "2026-10") == (1.0, 6.0, POP)
    # August's 12 months start in Sep 2025, before the list's first month (Oct 2025).
    assert ("ref_rate", "2026-08") not in frame.index
    assert any("ref_rate" in n and "2026-08" in n for n in result.notes)


def test_assessments_within_45_working_days_across_bank_holidays(tmp_path):
    assessments = [
        # 45 working days only because Good Friday, Easter Monday and two May holidays fall
        # inside (67 calendar days; 48 weekdays): within.
        {"start": d("2026-03-23"), "authorised": d("2026-05-29")},
        {"start": d("2026-05-11"), "authorised": d("2026-05-18")},  # 5 working days
        {"start": d("2026-03-20"), "authorised": d("2026-05-29")},  # Fri start: 46, late
        {"start": d("2026-03-23"), "authorised": d("2026-06-01")},  # 46, late, in June
        {"start": d("2026-06-10"), "authorised": None},  # still open: not counted
    ]
    frame, _ = figures(tmp_path, {4: assessments}, first="2026-05")
    assert row(frame, "assess_45wd", "2026-05") == (66.7, 2.0, 3.0)
    assert row(frame, "assess_median_days", "2026-05") == (45.0, None, None)  # of 5, 45, 46
    assert row(frame, "assess_45wd", "2026-06") == (0.0, 0.0, 1.0)
    assert row(frame, "assess_median_days", "2026-06") == (46.0, None, None)
    # July to October: nothing authorised, so no figure (a gap, not a zero).
    assert ("assess_45wd", "2026-07") not in frame.index


def test_initial_conferences_within_15_working_days(tmp_path):
    enquiries = [
        {"strategy": d("2025-07-01")},  # no conference; starts List 5 for the rolling rate
        # To Tue 9 Jun 2026, across the late-May bank holiday (25 May):
        {"strategy": d("2026-05-19"), "icpc": d("2026-06-09")},  # 14 working days: within
        {"strategy": d("2026-05-18"), "icpc": d("2026-06-09")},  # 15: within (the limit)
        {"strategy": d("2026-05-15"), "icpc": d("2026-06-09")},  # 16: late
        {"strategy": d("2026-06-03")},  # conference not needed
    ]
    frame, _ = figures(tmp_path, {5: enquiries}, first="2026-05")
    assert row(frame, "icpc_15wd", "2026-06") == (66.7, 2.0, 3.0)
    # Enquiries in the 12 months to 30 Jun 2026 (Jul 2025 to Jun 2026): all 5 -> 0.84.
    assert row(frame, "s47_rate", "2026-06") == (0.8, 5.0, POP)
    # Those to 31 Jul 2026 (Aug 2025 on) leave out July 2025's: 4 -> 0.67.
    assert row(frame, "s47_rate", "2026-07") == (0.7, 4.0, POP)


PLANS = [
    # P1 open; started exactly 2 years before 30 Sep 2026
    {"start": d("2024-09-30"), "visit": d("2026-10-19"), "review": d("2026-05-02"), "previous": 0},
    # P2 ends on 30 Sep 2026, the month's last day: not open at the end of September
    {"start": d("2026-01-10"), "end": d("2026-09-30"), "previous": 0},
    # P3 starts on the month's last day, a repeat plan
    {"start": d("2026-09-30"), "visit": d("2026-10-16"), "previous": 1},
    # P4 ends mid-October
    {"start": d("2025-01-01"), "end": d("2026-10-15"), "previous": 0},
    # P5 open; 1 day short of 2 years at 31 Oct 2026; its last review is over 6 months old
    {"start": d("2024-11-01"), "review": d("2026-04-30"), "previous": 0},
]


def test_plans_open_at_the_month_end_and_lasting_two_years(tmp_path):
    frame, result = figures(tmp_path, {7: PLANS})
    # End of September: P1, P3, P4, P5 open (P2 ended on the 30th); P1 is 2 years old.
    assert row(frame, "cpp_rate", "2026-09") == (0.7, 4.0, POP)  # 4 / 59,521 x 10,000 = 0.67
    assert row(frame, "cpp_2yr", "2026-09") == (25.0, 1.0, 4.0)
    # End of October: P1, P3, P5 (P4 ended on the 15th); P5 is one day short of 2 years.
    assert row(frame, "cpp_rate", "2026-10") == (0.5, 3.0, POP)
    assert row(frame, "cpp_2yr", "2026-10") == (33.3, 1.0, 3.0)
    # Plans starting in September: P3, a repeat plan.
    assert row(frame, "cpp_repeat", "2026-09") == (100.0, 1.0, 1.0)
    # List 7's first plan end is in September 2026, so August is not computed.
    assert ("cpp_rate", "2026-08") not in frame.index
    assert any(n.startswith("cpp_rate:") and "2026-08" in n for n in result.notes)


def test_plan_snapshots_on_the_extraction_date(tmp_path):
    frame, _ = figures(tmp_path, {7: PLANS})
    # Open on Sun 1 Nov 2026: P1, P3, P5. Visits: P1 on Mon 19 Oct is 10 working days before
    # (within 10); P3 on Fri 16 Oct is 11; P5 has none: 1 of 3. Recorded against October.
    assert row(frame, "cp_visit_timely", "2026-10") == (33.3, 1.0, 3.0)
    # Reviews due (plans over 3 months old, started by 1 Aug): P1, P5. P1's on 2 May is within
    # 6 months (since 1 May); P5's on 30 Apr is not: 1 of 2.
    assert row(frame, "cp_review_timely", "2026-10") == (50.0, 1.0, 2.0)


def test_children_in_care_snapshots(tmp_path):
    children = [
        # C1 in care for years, seen 27 days ago, reviewed in June
        {"start": d("2020-01-01"), "visit": d("2026-10-05"), "review": d("2026-06-01")},
        # C2 in care 12 days: no visit or review due yet
        {"start": d("2026-10-20")},
        # C3 left care on 31 Oct: not in care on 1 Nov
        {"start": d("2019-05-05"), "ceased": d("2026-10-31"), "visit": d("2026-10-30")},
        # C4 seen 29 days ago (late), reviewed on 30 Apr (over 6 months ago, late)
        {"start": d("2022-03-03"), "visit": d("2026-10-03"), "review": d("2026-04-30")},
        # C5 in care exactly 28 days (due a visit), seen on day 1; 20 working days: review not due
        {"start": d("2026-10-04"), "visit": d("2026-10-04")},
    ]
    frame, _ = figures(tmp_path, {8: children})
    assert row(frame, "cla_rate", "2026-10") == (0.7, 4.0, POP)  # C1, C2, C4, C5: 0.67
    assert row(frame, "cla_visit_timely", "2026-10") == (66.7, 2.0, 3.0)  # C1, C5 of C1, C4, C5
    assert row(frame, "cla_review_timely", "2026-10") == (50.0, 1.0, 2.0)  # C1 of C1, C4


def test_children_starting_and_leaving_care_in_12_months(tmp_path):
    children = [
        {"start": d("2020-01-01"), "ceased": d("2025-11-03")},  # earliest ceased: List 8 from Nov
        {"start": d("2025-11-01")},  # first day of the 12 months to 31 Oct 2026
        {"start": d("2026-10-31")},  # last day
        {"start": d("2025-10-31"), "ceased": d("2026-10-31")},  # started the day before
    ]
    frame, result = figures(tmp_path, {8: children})
    # 12 months to 31 Oct 2026 (Nov 2025 to Oct 2026): started 2 (0.34), left 2 (0.34)
    assert row(frame, "cla_start_rate", "2026-10") == (0.3, 2.0, POP)
    assert row(frame, "cla_cease_rate", "2026-10") == (0.3, 2.0, POP)
    # September's 12 months begin in Oct 2025, before List 8's first month ceased (Nov 2025)
    assert ("cla_start_rate", "2026-09") not in frame.index
    assert any(n.startswith("cla_start_rate:") and "2026-09" in n for n in result.notes)


def test_care_leavers_by_age_on_the_extraction_date(tmp_path):
    leavers = [
        {"dob": d("2007-11-01"), "activity": "F1: Full time in higher education",
         "suitable": "a) Suitable"},  # 19 on 1 Nov 2026 (birthday)
        {"dob": d("2007-11-02"), "activity": "G5: NEET - other",
         "suitable": "b) Unsuitable"},  # 18 until tomorrow
        {"dob": d("2004-11-02"), "activity": "P3: Part time in training or employment",
         "suitable": None},  # 21 (22 tomorrow); suitability not known
        {"dob": d("2004-11-01"), "activity": "F3", "suitable": "Suitable"},  # 22: not counted
        {"dob": d("2009-06-01"), "activity": "F2: Full time in education other than higher",
         "suitable": "Suitable"},  # 17
    ]  # fmt: skip
    frame, _ = figures(tmp_path, {9: leavers})
    assert row(frame, "cl_eet_19_21", "2026-10") == (100.0, 2.0, 2.0)
    assert row(frame, "cl_suit_accom_19_21", "2026-10") == (50.0, 1.0, 2.0)
    assert row(frame, "cl_eet_17_18", "2026-10") == (50.0, 1.0, 2.0)


def test_population_by_financial_year():
    population = population_for(population_table())
    assert population(pd.Period("2024-03", "M")) == 58_441  # year to March 2024: mid-2023
    assert population(pd.Period("2024-04", "M")) == 59_521  # year to March 2025: mid-2024
    assert population(pd.Period("2026-10", "M")) == 59_521  # carried forward


def test_catalogue_annex_a_fields_are_checked(tmp_path):
    catalogue = load_catalogue()
    assert catalogue["cpp_rate"].annex_a.rule == "cp_open_rate"
    assert catalogue["cla_rate"].annex_a.snapshot is True
    assert "last day" in catalogue["cpp_rate"].annex_a.differs
    source = (load_catalogue().path).read_text(encoding="utf-8")
    bad = tmp_path / "measures.yml"
    for old, new, expected in (
        ("rule: cp_open_rate", "rule: cp_open_rat", "is not an Annex A rule"),
        ("list: 7\n      rule: cp_open_rate", "list: 8\n      rule: cp_open_rate", "key 'list'"),
        ("rule: cla_rate\n      snapshot: true", "rule: cla_rate", "key 'snapshot'"),
    ):
        assert old in source
        bad.write_text(source.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(CatalogueError, match=expected):
            load_catalogue(bad, themes_path=catalogue.path.with_name("themes.yml"))


def test_months_default_to_the_twelve_before_the_extraction_month(tmp_path):
    _, result = figures(tmp_path, {1: [{"contact_date": d("2025-01-05")}]}, first=None)
    assert result.months[0] == "2025-11" and result.months[-1] == "2026-10"
    assert len(result.months) == 12
    assert result.extracted == dt.date(2026, 11, 1)
