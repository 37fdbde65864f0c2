"""The eleven Annex A lists and the columns the tracker reads from each, by meaning.

Each column has a key (what the rules call it), the header Ofsted's template uses, a few other
wordings seen in real exports, and a kind. The kind decides how a cell is read and whether a
message may quote it: only dates (never a date of birth), codes and counts are ever quoted;
child ids, names, dates of birth and workers are never shown anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Kinds whose values may appear in a message (non-identifying).
QUOTABLE = ("date", "code", "count")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # "id", "dob", "date", "code", "count", "private"
    required: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def quotable(self) -> bool:
        return self.kind in QUOTABLE


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    columns: tuple[Column, ...]
    #: The column a row is an event of (a duplicate is the same child and this date).
    event: str | None = None
    #: Other checks: (later, earlier) pairs where the later date cannot come first.
    order: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def sheet(self) -> str:
        return f"List {self.number}"

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


_CHILD = Column("child_id", "Child Unique ID", "id", aliases=("Child ID", "Unique ID", "Child UPN"))
_DOB = Column("dob", "Date of Birth", "dob", required=False, aliases=("DOB",))
_WORKER = Column("worker", "Allocated Worker", "private", required=False)
_TEAM = Column("team", "Allocated Team", "private", required=False)

LISTS: dict[int, ListSpec] = {
    1: ListSpec(
        1,
        "contacts",
        (
            _CHILD,
            _DOB,
            Column("contact_date", "Date of Contact", "date", aliases=("Contact Date",)),
            Column("source", "Contact Source", "code", required=False),
        ),
        event="contact_date",
    ),
    2: ListSpec(
        2,
        "early help assessments",
        (
            _CHILD,
            _DOB,
            Column("start", "Assessment start date", "date", required=False),
            Column("completed", "Assessment completion date", "date", required=False),
        ),
        event="start",
        order=(("completed", "start"),),
    ),
    3: ListSpec(
        3,
        "referrals",
        (
            _CHILD,
            _DOB,
            Column("referral_date", "Date of Referral", "date", aliases=("Referral Date",)),
            Column("nfa", "Referral NFA?", "code", aliases=("Referral NFA", "NFA")),
            Column(
                "previous_12m",
                "Number of Referrals in Last 12 Months",
                "count",
                aliases=(
                    "Referrals in Last 12 Months",
                    "Number of Previous Referrals in 12 Months",
                ),
            ),
            _TEAM,
            _WORKER,
        ),
        event="referral_date",
    ),
    4: ListSpec(
        4,
        "social care assessments",
        (
            _CHILD,
            _DOB,
            Column(
                "start",
                "Continuous Assessment Start Date",
                "date",
                aliases=("Assessment Start Date",),
            ),
            Column(
                "authorised",
                "Continuous Assessment Date of Authorisation",
                "date",
                aliases=("Assessment Authorisation Date", "Date of Authorisation"),
            ),
            _TEAM,
            _WORKER,
        ),
        event="start",
        order=(("authorised", "start"),),
    ),
    5: ListSpec(
        5,
        "section 47 enquiries and initial conferences",
        (
            _CHILD,
            _DOB,
            Column(
                "strategy",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "date",
                aliases=("Section 47 Enquiry Start Date", "Strategy Discussion Date"),
            ),
            Column(
                "icpc",
                "Date of Initial Child Protection Conference",
                "date",
                aliases=("ICPC Date", "Initial Child Protection Conference Date"),
            ),
            _TEAM,
            _WORKER,
        ),
        event="strategy",
        order=(("icpc", "strategy"),),
    ),
    6: ListSpec(
        6,
        "children in need",
        (
            _CHILD,
            _DOB,
            Column("start", "CIN Start Date", "date", required=False),
            Column("closed", "CIN Closure Date", "date", required=False),
            _TEAM,
            _WORKER,
        ),
        event="start",
        order=(("closed", "start"),),
    ),
    7: ListSpec(
        7,
        "child protection plans",
        (
            _CHILD,
            _DOB,
            Column(
                "start", "Child Protection Plan Start Date", "date", aliases=("CPP Start Date",)
            ),
            Column(
                "visit", "Date of the Last Statutory Visit", "date", aliases=("Last Visit Date",)
            ),
            Column("review", "Date of latest review conference", "date"),
            Column("end", "Child Protection Plan End Date", "date", aliases=("CPP End Date",)),
            Column("previous", "Number of Previous Child Protection Plans", "count"),
            _TEAM,
            _WORKER,
        ),
        event="start",
        order=(("end", "start"),),
    ),
    8: ListSpec(
        8,
        "children in care",
        (
            _CHILD,
            _DOB,
            Column("start", "Date Started to be Looked After", "date"),
            Column("review", "Date of Latest Statutory Review", "date"),
            Column("visit", "Date of Last Social Work Visit", "date"),
            Column("ceased", "Date Ceased to be Looked After", "date"),
            _TEAM,
            _WORKER,
        ),
        event="start",
        order=(("ceased", "start"),),
    ),
    9: ListSpec(
        9,
        "care leavers",
        (
            _CHILD,
            Column("dob", "Date of Birth", "dob", aliases=("DOB",)),
            Column("suitable", "Suitability of Accommodation", "code"),
            Column("activity", "Activity Status", "code", aliases=("Main Activity",)),
            _TEAM,
            _WORKER,
        ),
    ),
    10: ListSpec(
        10,
        "adoption",
        (
            _CHILD,
            Column("entered", "Date the Child Entered Care", "date", required=False),
            Column("placed", "Date Placed for Adoption", "date", required=False),
            Column("order", "Date of Adoption Order", "date", required=False),
        ),
        order=(("placed", "entered"),),
    ),
    11: ListSpec(
        11,
        "adopters",
        (
            Column("adopter_id", "Individual adopter identifier", "id", required=False),
            Column("enquiry", "Date enquiry received", "date", required=False),
            Column("approved", "Date application approved", "date", required=False),
        ),
    ),
}

_FILLER = {"of", "the", "a", "an", "was", "is", "did", "does", "in", "to", "for", "date"}


def fold(text: object) -> str:
    """Header words, case and punctuation folded: 'Referral NFA?' -> 'referral nfa'."""
    raw = "" if text is None else str(text)
    raw = raw.replace("\u00a0", " ").replace("\u2018", "").replace("\u2019", "").lower()
    return " ".join(re.findall(r"[a-z0-9]+", raw))


def words(text: object) -> frozenset[str]:
    """The header's meaningful words, order ignored ('Contact Date' = 'Date of Contact')."""
    folded = fold(text).split()
    kept = [w for w in folded if w not in _FILLER]
    has_date = "date" in folded
    return frozenset(kept + (["date"] if has_date else []))


_LIST_NAME = re.compile(r"^\s*list\s*[-_.:]?\s*0*(\d{1,2})(?!\d)", re.IGNORECASE)


def list_number(sheet_name: str) -> int | None:
    """'List 1', 'list1', 'LIST_01 - Contacts' -> 1; anything else -> None."""
    match = _LIST_NAME.match(str(sheet_name).replace("\u00a0", " "))
    if match and 1 <= int(match[1]) <= 11:
        return int(match[1])
    return None
