"""Reading one Annex A cell as real exports write it: dates, yes/no codes, counts.

Dates arrive as Excel dates, as Excel serial numbers, or as UK text ('16/09/2026',
'16-09-2026 00:00', '16 Sep 2026', '2026-09-16'). Codes arrive with or without their list
letter ('b) Female' or 'Female'; 'a) Yes', 'Y', 'Yes'). Each reader returns the value or raises
CellProblem with a kind the row checks turn into an error or a warning.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTHS = {calendar.month_abbr[i].lower(): i for i in range(1, 13)}
_MONTHS |= {calendar.month_name[i].lower(): i for i in range(1, 13)}
_MONTHS["sept"] = 9
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})" + _TIME + "$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")
_NAMED = re.compile(r"^(\d{1,2})[ \-]([A-Za-z]+)\.?[ \-](\d{4})$")
_CODE_LETTER = re.compile(r"^[a-z]{1,2}\)\s*", re.IGNORECASE)


class CellProblem(ValueError):
    """A cell that cannot be used. kind: formula, excel_error, unreadable, impossible, blank."""

    def __init__(self, kind: str, shown: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.shown = shown


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip().replace("\u00a0", ""))


def artefact(value: object) -> str | None:
    """'formula' or 'excel_error' for cells an export left uncomputed, else None."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("="):
            return "formula"
        if text.upper() in EXCEL_ERRORS:
            return "excel_error"
    return None


def _checked(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellProblem("impossible", shown) from None


def read_date(value: object) -> dt.date | None:
    """A date from a cell (None when blank); CellProblem when it is not one."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellProblem("unreadable", str(value))
    if isinstance(value, int | float):
        # An unformatted Excel serial number (days since 1899-12-30), within 1950 to 2100.
        if 18264 <= value <= 73051 and float(value).is_integer():
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellProblem("unreadable", f"{value:g}")
    text = str(value).strip().replace("\u00a0", " ")
    kind = artefact(text)
    if kind:
        raise CellProblem(kind, text[:30])
    if match := _UK.match(text):
        return _checked(int(match[3]), int(match[2]), int(match[1]), text)
    if match := _ISO.match(text):
        return _checked(int(match[1]), int(match[2]), int(match[3]), text)
    if (match := _NAMED.match(text)) and match[2].lower() in _MONTHS:
        return _checked(int(match[3]), _MONTHS[match[2].lower()], int(match[1]), text)
    raise CellProblem("unreadable", text[:30])


def code_text(value: object) -> str:
    """A code without its list letter: 'b) Female' -> 'Female'."""
    text = str(value).strip().replace("\u00a0", " ")
    return _CODE_LETTER.sub("", text).strip()


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def read_yes_no(value: object) -> bool | None:
    """'a) Yes', 'Y', 'Yes' -> True; 'b) No', 'N', 'No' -> False; blank -> None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    kind = artefact(value)
    if kind:
        raise CellProblem(kind, str(value).strip()[:30])
    text = code_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellProblem("unknown_code", code_text(value)[:30])


def read_count(value: object) -> int | None:
    """A whole number of 0 or more (None when blank)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellProblem("unreadable", str(value))
    if isinstance(value, int | float):
        if float(value).is_integer() and value >= 0:
            return int(value)
        raise CellProblem("unreadable", f"{value:g}")
    text = str(value).strip()
    kind = artefact(text)
    if kind:
        raise CellProblem(kind, text[:30])
    if text.isdigit():
        return int(text)
    raise CellProblem("unreadable", text[:30])


_SUITABLE = {"suitable": True, "unsuitable": False, "not suitable": False}


def read_suitable(value: object) -> bool | None:
    """'a) Suitable' / 'Suitable' -> True; 'b) Unsuitable' / 'Not suitable' -> False."""
    if is_blank(value):
        return None
    kind = artefact(value)
    if kind:
        raise CellProblem(kind, str(value).strip()[:30])
    text = code_text(value).lower()
    if text in _SUITABLE:
        return _SUITABLE[text]
    raise CellProblem("unknown_code", code_text(value)[:30])


#: Care leavers' activity codes (the DfE's SSDA903 list). F/P 1-3 are in education,
#: employment or training; G4-G6 are not; 0 means not known (not in touch).
ACTIVITY = {
    "F1": True,
    "P1": True,
    "F2": True,
    "P2": True,
    "F3": True,
    "P3": True,
    "G4": False,
    "G5": False,
    "G6": False,
    "0": False,
}
_ACTIVITY_CODE = re.compile(r"^([FPG][1-6]|0)\b", re.IGNORECASE)


def read_activity(value: object) -> bool | None:
    """Whether a care leaver is in education, employment or training, from the activity code."""
    if is_blank(value):
        return None
    kind = artefact(value)
    if kind:
        raise CellProblem(kind, str(value).strip()[:30])
    text = code_text(value)
    match = _ACTIVITY_CODE.match(text)
    if match and match[1].upper() in ACTIVITY:
        return ACTIVITY[match[1].upper()]
    raise CellProblem("unknown_code", text[:30])
