"""Monthly periods: one parser for every spelling staff actually use.

Extracts arrive with months written as `2026-10`, `Oct 2026`, `October 2026`, `10/2026`
or as real Excel dates (any day in the month means that month). Everything downstream
works with a pandas monthly Period, and the store keeps the `YYYY-MM` text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ACCEPTED = (
    "2026-10, Oct 2026, October 2026, 10/2026, or a date in the month (2026-10-01, 01/10/2026)"
)

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SLASH_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_NAMED = re.compile(r"^([A-Za-z]+)\.?[\s\-]+(\d{4})$")
_NAME_PERIOD = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!\d)")


class PeriodError(ValueError):
    """A month that cannot be read; the message says what was seen and what is accepted."""

    def __init__(self, problem: str, fix: str = f"Write it as {ACCEPTED}."):
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem} {fix}")


def _shown(value: object) -> str:
    return f'"{str(value).strip()}"'


def _checked_month(year: int, month: int, seen: object) -> tuple[int, int]:
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        raise PeriodError(f"{_shown(seen)} is not a month.")
    return year, month


def _checked_day(year: int, month: int, day: int, seen: object) -> tuple[int, int]:
    _checked_month(year, month, seen)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise PeriodError(f"{_shown(seen)} is not a real date.")
    return year, month


def year_month(value: object) -> tuple[int, int]:
    """Read one month from any accepted spelling as (year, month), without loading pandas.

    The quick commands (`tracker select`, `tracker refresh`) need only this. A pandas value
    can only be handed in once pandas is loaded, so it is looked for only then.
    Raises PeriodError naming the value seen and the accepted spellings.
    """
    pd = sys.modules.get("pandas")
    if pd is not None:
        if isinstance(value, pd.Period):
            monthly = value.asfreq("M")
            return monthly.year, monthly.month
        if value is pd.NaT:
            raise PeriodError("the period is blank.")
    if isinstance(value, dt.datetime | dt.date):
        return _checked_month(value.year, value.month, value)
    if value is None or isinstance(value, bool | int | float):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise PeriodError("the period is blank.")
        raise PeriodError(f"{_shown(value)} is a bare number, not a month.")
    text = str(value).strip().lstrip("\ufeff")
    if not text:
        raise PeriodError("the period is blank.")
    if match := _ISO_MONTH.match(text):
        return _checked_month(int(match[1]), int(match[2]), value)
    if match := _ISO_DATE.match(text):
        return _checked_day(int(match[1]), int(match[2]), int(match[3]), value)
    if match := _SLASH_MONTH.match(text):
        return _checked_month(int(match[2]), int(match[1]), value)
    if match := _UK_DATE.match(text):
        return _checked_day(int(match[3]), int(match[2]), int(match[1]), value)
    if match := _NAMED.match(text):
        number = _MONTHS.get(match[1].lower())
        if number is not None:
            return _checked_month(int(match[2]), number, value)
    raise PeriodError(f"{_shown(text)} is not a month we can read.")


def parse_period(value: object) -> pd.Period:
    """Read one month from any accepted spelling into a pandas Period('M').

    Raises PeriodError naming the value seen and the accepted spellings.
    """
    import pandas as pd

    year, month = year_month(value)
    return pd.Period(year=year, month=month, freq="M")


def try_parse_period(value: object) -> pd.Period | None:
    """parse_period, or None when the value is not a month (for telling headers apart)."""
    try:
        return parse_period(value)
    except PeriodError:
        return None


def format_period(value: object) -> str:
    """The store's spelling of a month, 'YYYY-MM', from any accepted spelling (no pandas)."""
    year, month = year_month(value)
    return f"{year:04d}-{month:02d}"


def period_in_name(path: Path | str) -> pd.Period | None:
    """The last YYYY-MM in a file path (file name first, then its folders), if any."""
    path = Path(path)
    for part in (path.name, *reversed(path.parent.parts)):
        found = _NAME_PERIOD.findall(part)
        if found:
            year, month = found[-1]
            if 1 <= int(month) <= 12:
                return parse_period(f"{year}-{month}")
    return None


def current_month(today: dt.date | None = None) -> pd.Period:
    """The month containing today (injectable so tests do not depend on the clock)."""
    return parse_period(today or dt.date.today())


def read_day(value: object) -> dt.date | None:
    """A day as a YAML file gives it (a date, or text such as 2026-12-09), or None if not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def last_day(value: object) -> dt.date:
    """The last day of a month given in any accepted spelling."""
    year, month = year_month(value)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, moved back to the month's last day where it has no such day.

    31 August plus six months is 28 (or 29) February, as a calendar reader would count it.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
