"""The Annex A rules as the catalogue names them: list, unit, kind and method, in words.

The catalogue checks each measure's `annex_a:` entry against these when it loads, so they are
kept apart from the computations (helpers.inputs.annex_a.rules), which need pandas: the quick
commands load the catalogue without it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A rule as the catalogue names it: its list, kind, unit and plain-English method."""

    name: str
    list: int
    unit: str
    snapshot: bool
    text: str


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.name: r for r in rules}


RULES: dict[str, Rule] = _rules(
    Rule("contacts_in_month", 1, "count", False,
         "List 1 rows whose Date of Contact falls in the month."),
    Rule("referrals_nfa", 3, "percent", False,
         "Of List 3 referrals dated in the month, the share with Referral NFA? yes (blank "
         "counts as no)."),
    Rule("referrals_repeat", 3, "percent", False,
         "Of List 3 referrals dated in the month, the share whose Number of Referrals in Last "
         "12 Months is 1 or more."),
    Rule("referrals_rate", 3, "rate_per_10k", False,
         "List 3 referrals in the 12 months to the month's end per 10,000 children."),
    Rule("assessments_45wd", 4, "percent", False,
         "Of List 4 assessments authorised in the month, the share authorised within 45 "
         "working days of their start."),
    Rule("assessments_median_wd", 4, "days", False,
         "The median working days from start to authorisation of List 4 assessments "
         "authorised in the month."),
    Rule("icpc_15wd", 5, "percent", False,
         "Of List 5 initial conferences held in the month, the share held within 15 working "
         "days of the strategy discussion."),
    Rule("s47_rate", 5, "rate_per_10k", False,
         "List 5 section 47 enquiries (strategy discussions) in the 12 months to the month's "
         "end per 10,000 children."),
    Rule("cp_starts_rate", 7, "rate_per_10k", False,
         "List 7 plans starting in the 12 months to the month's end per 10,000 children."),
    Rule("cp_open_rate", 7, "rate_per_10k", False,
         "List 7 plans open at the month's end per 10,000 children."),
    Rule("cp_open_2yr", 7, "percent", False,
         "Of List 7 plans open at the month's end, the share that started 2 years or more "
         "before it."),
    Rule("cp_repeat", 7, "percent", False,
         "Of List 7 plans starting in the month, the share with 1 or more previous plans."),
    Rule("cp_visits_10wd", 7, "percent", True,
         "Of List 7 plans open on the extraction date, the share whose last statutory visit "
         "was within 10 working days before it."),
    Rule("cp_reviews_6m", 7, "percent", True,
         "Of List 7 plans open on the extraction date and started over 3 months before it, the "
         "share with a review conference in the 6 months before it."),
    Rule("cla_rate", 8, "rate_per_10k", True,
         "List 8 children looked after on the extraction date per 10,000 children."),
    Rule("cla_starts_rate", 8, "rate_per_10k", False,
         "List 8 children who started to be looked after in the 12 months to the month's end "
         "per 10,000 children."),
    Rule("cla_ceases_rate", 8, "rate_per_10k", False,
         "List 8 children who ceased to be looked after in the 12 months to the month's end "
         "per 10,000 children."),
    Rule("cla_visits_4wk", 8, "percent", True,
         "Of List 8 children in care on the extraction date for 4 weeks or more, the share "
         "whose last social work visit was in the 4 weeks before it."),
    Rule("cla_reviews_6m", 8, "percent", True,
         "Of List 8 children in care on the extraction date for over 20 working days, the "
         "share whose latest statutory review was in the 6 months before it."),
    Rule("care_leavers_eet_17_18", 9, "percent", True,
         "Of List 9 care leavers aged 17 or 18 on the extraction date, the share whose "
         "Activity Status is in education, employment or training (F1-F3, P1-P3)."),
    Rule("care_leavers_eet_19_21", 9, "percent", True,
         "Of List 9 care leavers aged 19 to 21 on the extraction date, the share whose "
         "Activity Status is in education, employment or training (F1-F3, P1-P3)."),
    Rule("care_leavers_suitable_19_21", 9, "percent", True,
         "Of List 9 care leavers aged 19 to 21 on the extraction date, the share whose "
         "accommodation is recorded as suitable."),
)  # fmt: skip
