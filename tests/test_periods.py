"""Month spellings staff use, read into one pandas monthly Period."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers.periods import (
    PeriodError,
    add_months,
    current_month,
    format_period,
    last_day,
    parse_period,
    period_in_name,
    year_month,
)

OCT_2026 = pd.Period("2026-10", freq="M")


@pytest.mark.parametrize(
    "spelling",
    [
        "2026-10",
        " 2026-10 ",
        "\ufeff2026-10",
        "Oct 2026",
        "oct 2026",
        "OCT 2026",
        "Oct-2026",
        "October 2026",
        "10/2026",
        "2026-10-01",
        "2026-10-31",
        "2026-10-15 00:00:00",
        "01/10/2026",
        "31/10/2026",
        dt.date(2026, 10, 1),
        dt.datetime(2026, 10, 31, 23, 59),
        pd.Timestamp("2026-10-17"),
        OCT_2026,
    ],
)
def test_accepted_spellings_all_mean_october_2026(spelling):
    assert parse_period(spelling) == OCT_2026
    assert year_month(spelling) == (2026, 10)
    assert format_period(spelling) == "2026-10"


def test_single_digit_months_and_sept():
    assert parse_period("1/2027") == pd.Period("2027-01", freq="M")
    assert parse_period("2027-1") == pd.Period("2027-01", freq="M")
    assert parse_period("Sept 2026") == pd.Period("2026-09", freq="M")
    assert parse_period("Sep 2026") == pd.Period("2026-09", freq="M")


@pytest.mark.parametrize(
    "bad, shown",
    [
        ("Octo 2026", '"Octo 2026"'),
        ("13/2026", '"13/2026"'),
        ("2026-13", '"2026-13"'),
        ("31/02/2026", '"31/02/2026"'),
        ("Q3 2026", '"Q3 2026"'),
        (46296, '"46296"'),
    ],
)
def test_unreadable_periods_say_what_was_seen_and_what_is_accepted(bad, shown):
    with pytest.raises(PeriodError) as caught:
        parse_period(bad)
    message = str(caught.value)
    assert shown in message
    assert "Oct 2026" in message and "2026-10" in message and "10/2026" in message


@pytest.mark.parametrize("blank", ["", "   ", None, float("nan"), pd.NaT])
def test_blank_period_is_an_error(blank):
    with pytest.raises(PeriodError, match="blank"):
        parse_period(blank)


def test_format_period_is_the_store_spelling():
    assert format_period("October 2026") == "2026-10"
    assert format_period(dt.datetime(2027, 3, 9)) == "2027-03"


def test_period_in_name_prefers_file_name_then_folder():
    assert period_in_name(Path("data/extracts/2026-10/workforce_2026-09.xlsx")) == pd.Period(
        "2026-09", freq="M"
    )
    assert period_in_name(Path("data/extracts/2026-08/scorecard.csv")) == pd.Period(
        "2026-08", freq="M"
    )
    assert period_in_name(Path("data/extracts/latest/scorecard.csv")) is None


def test_current_month_is_injectable():
    assert current_month(dt.date(2026, 12, 31)) == pd.Period("2026-12", freq="M")


def test_bad_months_are_refused_the_same_way_without_pandas():
    for bad in ("Octo 2026", "31/02/2026", "2026-00", "1899-12"):
        with pytest.raises(PeriodError):
            format_period(bad)
    assert format_period("29/02/2028") == "2028-02"  # a leap day is a real date


def test_last_day_of_month():
    assert last_day("2026-10") == dt.date(2026, 10, 31)
    assert last_day("Feb 2028") == dt.date(2028, 2, 29)
    assert last_day("Feb 2027") == dt.date(2027, 2, 28)
    assert last_day(OCT_2026) == OCT_2026.end_time.date()


@pytest.mark.parametrize("months", [1, 6, 12, -1, -6, 25])
def test_add_months_counts_as_pandas_does(months):
    """The tracker review is due six months on; month ends clamp as pandas' DateOffset does."""
    day = dt.date(2024, 1, 1)
    while day < dt.date(2026, 1, 1):
        expected = (pd.Timestamp(day) + pd.DateOffset(months=months)).date()
        assert add_months(day, months) == expected, (day, months)
        day += dt.timedelta(days=1)


def test_add_months_from_a_month_end():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 12, 9), 6) == dt.date(2027, 6, 9)
